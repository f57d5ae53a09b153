# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class AftersalesNeed(models.Model):
    """Something the customer may need next (S2): the next service, tyres, an insurance
    renewal, a trade-in... recorded in the customer file so that someone acts on it."""
    _name = "aftersales.need"
    _description = "Customer potential need"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_expected, id"

    name = fields.Char(compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True,
                                 ondelete="cascade")
    vehicle_id = fields.Many2one("aftersales.vehicle", string="Vehicle", index=True,
                                 domain="[('partner_id', '=', partner_id)]")
    kind = fields.Selection([
        ("service", "Next service"),
        ("tyres", "Tyres"),
        ("insurance", "Insurance renewal"),
        ("warranty_end", "Warranty ending"),
        ("trade_in", "Trade-in"),
        ("accessory", "Accessories"),
        ("other", "Other"),
    ], required=True, default="service")
    date_expected = fields.Date(string="Expected date", index=True)
    note = fields.Text()
    state = fields.Selection([
        ("open", "Open"),
        ("done", "Converted"),
        ("declined", "Declined"),
    ], default="open", required=True, index=True, track_visibility="onchange")
    user_id = fields.Many2one(related="partner_id.aftersales_user_id", store=True,
                              string="Officer", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("aftersales.need"))

    @api.depends("kind", "vehicle_id", "partner_id")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for need in self:
            need.name = " - ".join(x for x in (
                labels.get(need.kind), need.vehicle_id.name or need.partner_id.name) if x)

    @api.multi
    def action_done(self):
        self.write({"state": "done"})

    @api.multi
    def action_decline(self):
        self.write({"state": "declined"})

    @api.multi
    def action_reopen(self):
        self.write({"state": "open"})
