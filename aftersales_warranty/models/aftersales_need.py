# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import sql

from odoo import api, models


class AftersalesNeed(models.Model):
    """The end of the vehicle's warranty is a potential need: a check-up before it ends
    repairs at no charge whatever is still covered."""
    _inherit = "aftersales.need"

    @api.model
    def _need_sources(self):
        sources = super(AftersalesNeed, self)._need_sources()
        return sources + [("warranty_end", sql.SQL("v.warranty_end_date"))]
