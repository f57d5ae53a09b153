# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class ResPartner(models.Model):
    """The customer file shows the customer's warranty claims."""
    _inherit = "res.partner"

    warranty_claim_ids = fields.One2many(
        "aftersales.warranty.claim", "partner_id", string="Warranty claims",
        groups="aftersales_followup.group_aftersales_user")
    warranty_claim_count = fields.Integer(
        string="Number of warranty claims",
        compute="_compute_warranty_claim_count",
        groups="aftersales_followup.group_aftersales_user")

    def _compute_warranty_claim_count(self):
        groups = self.env["aftersales.warranty.claim"].read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["partner_id"])
        counts = {g["partner_id"][0]: g["partner_id_count"] for g in groups}
        for partner in self:
            partner.warranty_claim_count = counts.get(partner.id, 0)

    @api.multi
    def action_view_warranty_claims(self):
        self.ensure_one()
        action = self.env.ref("aftersales_warranty.action_aftersales_warranty_claim").read()[0]
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
