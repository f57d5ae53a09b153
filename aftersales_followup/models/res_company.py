# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_default_user_id = fields.Many2one(
        "res.users", string="Default follow-up officer",
        help="Officer given to a new after-sales customer who has none yet.")
    aftersales_supervisor_id = fields.Many2one(
        "res.users", string="After-sales supervisor",
        help="Business supervisor who receives escalated cases and unhappy-customer alerts.")
