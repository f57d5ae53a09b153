# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import api, fields, models

from .aftersales_report_mixin import selection_of


class AftersalesCaseReport(models.Model):
    """Cases analysis (S6, S7, S14): one row per case the customers raised. A case
    answered on the call itself is counted apart (its own share): the same-day rate and
    the hours to inform are measured over the cases studied and then told to the
    customer, NULL for the others (still open, or answered on the call)."""
    _name = "aftersales.case.report"
    _inherit = "aftersales.report.mixin"
    _description = "Cases analysis"
    _auto = False
    _order = "date_raised desc, id desc"
    _rec_name = "name"

    case_id = fields.Many2one("aftersales.case", string="Case", readonly=True)
    name = fields.Char(string="Subject", readonly=True)
    call_id = fields.Many2one("aftersales.call", string="Call", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Officer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    kind = fields.Selection(
        selection=selection_of("aftersales.case", "kind"),
        readonly=True)
    state = fields.Selection(
        selection=selection_of("aftersales.case", "state"),
        readonly=True)
    channel = fields.Selection(
        selection=selection_of("aftersales.case", "channel"),
        readonly=True)
    date_raised = fields.Date(string="Raised on", readonly=True,
                              help="The dealership's day the case was raised.")
    raised_at = fields.Datetime(string="Raised at", readonly=True,
                                help="When the case was raised (its creation).")
    date_solved = fields.Date(string="Solved on", readonly=True)
    date_informed = fields.Date(string="Customer informed on", readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True)
    answered_on_call = fields.Float(
        string="Answered on the call (%)", readonly=True, group_operator="avg",
        digits=(16, 2), help="Share of the cases answered on the call itself.")
    informed_same_day = fields.Float(
        string="Informed the same day (%)", readonly=True, group_operator="avg",
        digits=(16, 2),
        help="Cases studied and then told to the customer: share of those whose customer "
             "was told on the day the solution was known.")
    hours_to_informed = fields.Float(
        string="Hours to inform", readonly=True, group_operator="avg", digits=(16, 1),
        help="Cases studied and then told to the customer: hours from the case raised to "
             "the customer informed.")

    @api.model_cr
    def init(self):
        self._aftersales_create_view()

    def _select(self):
        return """
            k.id, k.id AS case_id, k.name, k.call_id, k.partner_id, k.user_id,
            k.company_id, k.kind, k.state, k.channel,
            {raised_day} AS date_raised, k.create_date AS raised_at, k.date_solved,
            k.date_informed,
            1 AS case_count,
            CASE WHEN k.state = 'answered' THEN 100.0 ELSE 0.0 END AS answered_on_call,
            CASE WHEN k.state = 'informed' AND k.date_informed IS NOT NULL
                 THEN CASE WHEN k.date_informed = k.date_solved THEN 100.0 ELSE 0.0 END
            END AS informed_same_day,
            CASE WHEN k.state = 'informed' AND k.datetime_informed IS NOT NULL
                 THEN EXTRACT(EPOCH FROM k.datetime_informed - k.create_date) / 3600.0
            END AS hours_to_informed
        """.format(raised_day=self._aftersales_day_sql("k.create_date", "co"))

    @api.model
    def _where_calc(self, domain, active_test=True):
        """A bound on ``date_raised`` (the dealership's day, computed in the view, which
        no index serves: the pivot's "last 12 months" read every case of the dealership)
        also bounds ``raised_at`` by a day more, which the index on the cases' creation
        serves: a local day starts and ends within 14 hours of the UTC day."""
        extra = []
        for leaf in domain or []:
            if isinstance(leaf, (list, tuple)) and len(leaf) == 3 \
                    and leaf[0] == "date_raised" and leaf[2]:
                day = fields.Date.from_string(leaf[2])
                if leaf[1] in (">=", ">"):
                    extra.append(("raised_at", ">=", fields.Datetime.to_string(
                        day - timedelta(days=1))))
                elif leaf[1] in ("<=", "<"):
                    extra.append(("raised_at", "<", fields.Datetime.to_string(
                        day + timedelta(days=2))))
        if extra:
            domain = list(domain) + extra
        return super(AftersalesCaseReport, self)._where_calc(domain, active_test)

    def _from(self):
        return """
            aftersales_case k
            JOIN {companies} co ON co.id = k.company_id
        """.format(companies=self._aftersales_companies_sql())

    def _where(self):
        return "k.active"
