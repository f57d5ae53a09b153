# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class AftersalesFollowupRule(models.Model):
    _inherit = "aftersales.followup.rule"

    trigger = fields.Selection(selection_add=[("claim_closed", "Warranty claim closed")])
