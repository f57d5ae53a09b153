# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ProductTemplate(models.Model):
    """Maintenance intervals of a vehicle model (S2: the next service is a need)."""
    _inherit = "product.template"

    service_interval_months = fields.Integer(
        string="Service every (months)",
        help="Maintenance interval of this vehicle model in months (0: none).")
    service_interval_km = fields.Integer(
        string="Service every (km)",
        help="Maintenance interval of this vehicle model in kilometres (0: none).")
