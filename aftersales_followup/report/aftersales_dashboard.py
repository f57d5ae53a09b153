# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import sql

from odoo import api, fields, models, tools


class AftersalesDashboard(models.Model):
    """The after-sales manager's dashboard: one row per officer and dealership, read
    live (the dealership's today at the moment it is opened): the calls due today and
    overdue, the calls whose window closes today or tomorrow, this month's same-day rate
    of the cases, the complaints still open and the unhappy customers not yet resolved
    (an open case or an open to-do on their call)."""
    _name = "aftersales.dashboard"
    _inherit = "aftersales.report.mixin"
    _description = "After-sales dashboard"
    _auto = False
    _order = "overdue desc, due_today desc, user_id"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", string="Officer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    due_today = fields.Integer(string="Due today", readonly=True)
    overdue = fields.Integer(readonly=True, help="Calls to do whose due day has passed.")
    expiring = fields.Integer(
        readonly=True,
        help="Calls to do whose window closes today or tomorrow.")
    cases_informed = fields.Integer(
        string="Cases informed this month", readonly=True,
        help="Cases studied and then told to the customer this month.")
    same_day_rate = fields.Float(
        string="Same day this month (%)", readonly=True, group_operator="avg",
        digits=(16, 2),
        help="Of the cases told to the customer this month (answered on the call not "
             "counted), the share told on the day the solution was known.")
    open_complaints = fields.Integer(string="Open complaints", readonly=True)
    unhappy_open = fields.Integer(
        string="Unhappy customers unresolved", readonly=True,
        help="Calls of unhappy customers (score 1 or 2) with a case or a to-do still "
             "open.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        union = sql.SQL("\nUNION ALL\n").join(sql.SQL(branch) for branch in self._branches())
        self.env.cr.execute(sql.SQL("""
            CREATE OR REPLACE VIEW {table} AS (
                SELECT row_number() OVER (ORDER BY x.company_id, x.user_id)::int AS id,
                       x.user_id, x.company_id,
                       sum(x.due_today)::int AS due_today,
                       sum(x.overdue)::int AS overdue,
                       sum(x.expiring)::int AS expiring,
                       sum(x.informed)::int AS cases_informed,
                       avg(x.same_day) AS same_day_rate,
                       sum(x.complaint)::int AS open_complaints,
                       sum(x.unhappy)::int AS unhappy_open
                  FROM ({union}) AS x (user_id, company_id, due_today, overdue, expiring,
                                       same_day, informed, complaint, unhappy)
                 WHERE x.user_id IS NOT NULL
                 GROUP BY x.company_id, x.user_id
            )""").format(table=sql.Identifier(self._table), union=union))

    def _branches(self):
        """The SQL of each source of rows: (user_id, company_id, due_today, overdue,
        expiring, same_day, informed, complaint, unhappy); another addon adds its own."""
        today = self._aftersales_today_sql("co")
        month_start = "date_trunc('month', %s)::date" % today
        companies = self._aftersales_companies_sql()
        return [
            """SELECT c.user_id, c.company_id,
                      CASE WHEN c.date_due = {today} THEN 1 ELSE 0 END,
                      CASE WHEN c.date_due < {today} THEN 1 ELSE 0 END,
                      CASE WHEN c.date_expiry <= {today} + 1 THEN 1 ELSE 0 END,
                      NULL::numeric, 0, 0, 0
                 FROM aftersales_call c JOIN {companies} co ON co.id = c.company_id
                WHERE c.active AND c.state IN ('todo', 'no_answer')""".format(
                today=today, companies=companies),
            """SELECT k.user_id, k.company_id, 0, 0, 0,
                      CASE WHEN k.state = 'informed' AND k.date_informed >= {month}
                           THEN CASE WHEN k.date_informed = k.date_solved
                                     THEN 100.0 ELSE 0.0 END
                      END,
                      CASE WHEN k.state = 'informed' AND k.date_informed >= {month}
                           THEN 1 ELSE 0 END,
                      CASE WHEN k.kind = 'complaint'
                                AND k.state IN ('study', 'escalated', 'solved')
                           THEN 1 ELSE 0 END,
                      0
                 FROM aftersales_case k JOIN {companies} co ON co.id = k.company_id
                WHERE k.active AND (
                      (k.state = 'informed' AND k.date_informed >= {month})
                      OR (k.kind = 'complaint'
                          AND k.state IN ('study', 'escalated', 'solved')))""".format(
                month=month_start, companies=companies),
            """SELECT c.user_id, c.company_id, 0, 0, 0, NULL::numeric, 0, 0, 1
                 FROM aftersales_call c
                WHERE c.active AND c.satisfaction IN ('1', '2')
                  AND (EXISTS (SELECT 1 FROM aftersales_case k
                                WHERE k.call_id = c.id AND k.active
                                  AND k.state IN ('study', 'escalated', 'solved'))
                       OR EXISTS (SELECT 1 FROM mail_activity a
                                   WHERE a.res_model = 'aftersales.call'
                                     AND a.res_id = c.id))""",
        ]
