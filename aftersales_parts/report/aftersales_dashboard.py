# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import sql

from odoo import fields, models


class AftersalesDashboard(models.Model):
    """The manager's dashboard also says how the parts counter serves the workshop: the
    dealership's first-time fill rate this month, on each of its officers' rows."""
    _inherit = "aftersales.dashboard"

    parts_line_count = fields.Integer(
        string="Parts lines this month", compute="_compute_parts_fill_rate",
        help="Lines of the parts requests the dealership made this month.")
    parts_fill_rate = fields.Float(
        string="Parts fill rate this month (%)", compute="_compute_parts_fill_rate",
        digits=(16, 2),
        help="The dealership's first-time fill rate this month: the share of the parts "
             "requested that were served from stock at once (Parts service analysis).")

    def _compute_parts_fill_rate(self):
        figures = {}
        companies = self.mapped("company_id")
        if companies:
            # The parts analysis is the one home of the fill rate; read over SQL as the
            # dashboard itself is (a manager's view of their own dealerships' rows, which
            # the dashboard's company rule already chose), in each dealership's month.
            Company = self.env["res.company"]
            self.env.cr.execute(sql.SQL("""
                SELECT p.company_id, count(*), avg(p.fill_rate)
                  FROM aftersales_parts_report p
                 WHERE p.company_id IN %s
                   AND {day} >= date_trunc('month', {today})::date
                 GROUP BY p.company_id
            """).format(
                day=Company._aftersales_local_date_sql(sql.SQL("p.date_requested"),
                                                       "p.company_id"),
                today=Company._aftersales_today_sql("p.company_id")),
                (tuple(companies.ids),))
            figures = {company_id: (count, rate)
                       for company_id, count, rate in self.env.cr.fetchall()}
        for row in self:
            row.parts_line_count, row.parts_fill_rate = figures.get(
                row.company_id.id, (0, 0.0))
