# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    """Warranty terms of a vehicle model or of a part: how long and how far the
    manufacturer guarantees it, and who reimburses the dealer."""
    _inherit = "product.template"

    warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Counted from the vehicle's handover to its first owner. 0: no warranty.")
    warranty_km = fields.Integer(
        string="Warranty (km)",
        help="Mileage limit of the warranty. 0: no mileage limit.")
    warranty_manufacturer_id = fields.Many2one(
        "res.partner", string="Warranty manufacturer",
        help="The manufacturer that reimburses warranty work and receives the quality "
             "feedback.")

    @api.constrains("warranty_months", "warranty_km")
    def _check_warranty_terms(self):
        for template in self:
            if template.warranty_months < 0 or template.warranty_km < 0:
                raise ValidationError(_(
                    "The warranty terms of %s cannot be negative.") % template.display_name)
