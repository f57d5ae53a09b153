# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class ResPartner(models.Model):
    """The customer file shows the customer's parts requests."""
    _inherit = "res.partner"

    aftersales_parts_request_ids = fields.One2many(
        "aftersales.parts.request", "partner_id", string="Parts requests")
    aftersales_parts_request_count = fields.Integer(
        string="Number of parts requests",
        compute="_compute_aftersales_parts_request_count")

    def _compute_aftersales_parts_request_count(self):
        groups = self.env["aftersales.parts.request"].read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["partner_id"])
        counts = {g["partner_id"][0]: g["partner_id_count"] for g in groups}
        for partner in self:
            partner.aftersales_parts_request_count = counts.get(partner.id, 0)

    @api.multi
    def action_view_aftersales_parts_requests(self):
        self.ensure_one()
        action = self.env.ref("aftersales_parts.action_aftersales_parts_request").read()[0]
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
