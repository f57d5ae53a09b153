# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_warranty_approval_limit = fields.Monetary(
        string="Warranty approval limit", currency_field="currency_id", default=5000.0,
        help="An amount approved on a warranty claim above this limit can only be set by an "
             "after-sales manager.")
