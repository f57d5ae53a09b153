# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class AftersalesCustomerClass(models.Model):
    """A class of customers (S3: VIP, regular, fleet...), so that service can be
    personalised per class."""
    _name = "aftersales.customer.class"
    _description = "After-sales customer class"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company",
        help="Leave empty to share the class between companies.")
    partner_count = fields.Integer(compute="_compute_partner_count")

    def _compute_partner_count(self):
        groups = self.env["res.partner"].read_group(
            [("aftersales_class_id", "in", self.ids)], ["aftersales_class_id"],
            ["aftersales_class_id"])
        counts = {g["aftersales_class_id"][0]: g["aftersales_class_id_count"] for g in groups}
        for record in self:
            record.partner_count = counts.get(record.id, 0)
