# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from .aftersales_report_mixin import selection_of


class AftersalesCallReport(models.Model):
    """Calls analysis (S14, S15): one row per call of the phone register, with the KPIs
    measured only over the calls they are about (NULL elsewhere, so that an average
    ignores the others):

    - reached: 100 for a call done, 0 for one expired; open and cancelled calls are not
      counted;
    - on time: the follow-up calls whose due day has passed (or that were done already):
      100 when the customer was reached on or before the due day (the dealership's day),
      0 when reached later or not at all; cancelled calls are not counted;
    - satisfaction and survey score: the calls given one;
    - hours from the handover to the first attempt and to the customer reached: the
      follow-up calls of a handed over order.

    Campaign, reminder and parts calls are reported apart by purpose."""
    _name = "aftersales.call.report"
    _inherit = "aftersales.report.mixin"
    _description = "Calls analysis"
    _auto = False
    _order = "date_due desc, id desc"
    _rec_name = "partner_id"

    call_id = fields.Many2one("aftersales.call", string="Call", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Officer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    direction = fields.Selection(
        selection=selection_of("aftersales.call", "direction"),
        readonly=True)
    purpose = fields.Selection(
        selection=selection_of("aftersales.call", "purpose"),
        readonly=True)
    state = fields.Selection(
        selection=selection_of("aftersales.call", "state"),
        readonly=True)
    date_due = fields.Date(string="Due on", readonly=True)
    date_first_attempt = fields.Datetime(string="First attempt on", readonly=True)
    date_call = fields.Datetime(string="Reached on", readonly=True)
    handover_date = fields.Datetime(string="Handed over on", readonly=True)
    vehicle_id = fields.Many2one("aftersales.vehicle", string="Vehicle", readonly=True)
    vehicle_model_id = fields.Many2one("product.product", string="Vehicle model",
                                       readonly=True)
    sale_order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    campaign_id = fields.Many2one("aftersales.campaign", string="Campaign", readonly=True)
    rule_id = fields.Many2one("aftersales.followup.rule", string="Follow-up rule",
                              readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    expired_count = fields.Integer(string="Expired calls", readonly=True)
    attempt_count = fields.Integer(string="Attempts without answer", readonly=True)
    reached = fields.Float(
        string="Reached (%)", readonly=True, group_operator="avg", digits=(16, 2),
        help="Share of the calls over (done or expired) that reached the customer.")
    on_time = fields.Float(
        string="On time (%)", readonly=True, group_operator="avg", digits=(16, 2),
        help="Share of the follow-up calls whose due day has passed that reached the "
             "customer on or before that day.")
    satisfaction = fields.Float(
        string="Satisfaction (1-5)", readonly=True, group_operator="avg", digits=(16, 2),
        help="Average of the satisfaction given (on the phone or in the survey), over the "
             "calls given one.")
    survey_score = fields.Float(
        string="Survey score (1-5)", readonly=True, group_operator="avg", digits=(16, 2),
        help="Average overall score of the answered surveys.")
    hours_to_first_attempt = fields.Float(
        string="Hours to first attempt", readonly=True, group_operator="avg",
        digits=(16, 1),
        help="Follow-up calls: hours from the handover to the first time the customer "
             "was phoned.")
    hours_to_reached = fields.Float(
        string="Hours to reached", readonly=True, group_operator="avg", digits=(16, 1),
        help="Follow-up calls: hours from the handover to the customer reached.")

    @api.model_cr
    def init(self):
        self._aftersales_create_view()

    def _select(self):
        return """
            c.id, c.id AS call_id, c.partner_id, c.user_id, c.company_id, c.direction,
            c.purpose, c.state, c.date_due, c.date_first_attempt, c.date_call,
            so.handover_date, c.vehicle_id, c.vehicle_model_id, c.sale_order_id,
            c.campaign_id, c.rule_id,
            1 AS call_count,
            CASE WHEN c.state = 'expired' THEN 1 ELSE 0 END AS expired_count,
            COALESCE(c.attempt_count, 0) AS attempt_count,
            CASE c.state WHEN 'done' THEN 100.0 WHEN 'expired' THEN 0.0 END AS reached,
            CASE WHEN c.purpose = 'followup' AND c.state != 'cancelled'
                      AND c.date_due IS NOT NULL
                      AND (c.state = 'done' OR c.date_due < {today})
                 THEN CASE WHEN c.state = 'done' AND c.date_call IS NOT NULL
                                AND {call_day} <= c.date_due
                           THEN 100.0 ELSE 0.0 END
            END AS on_time,
            CASE WHEN c.satisfaction IS NOT NULL THEN c.satisfaction::numeric
            END AS satisfaction,
            NULLIF(c.survey_score, 0) AS survey_score,
            CASE WHEN c.purpose = 'followup' AND so.handover_date IS NOT NULL
                 THEN EXTRACT(EPOCH FROM c.date_first_attempt - so.handover_date) / 3600.0
            END AS hours_to_first_attempt,
            CASE WHEN c.purpose = 'followup' AND so.handover_date IS NOT NULL
                      AND c.state = 'done'
                 THEN EXTRACT(EPOCH FROM c.date_call - so.handover_date) / 3600.0
            END AS hours_to_reached
        """.format(today=self._aftersales_today_sql("co"),
                   call_day=self._aftersales_day_sql("c.date_call", "co"))

    def _from(self):
        return """
            aftersales_call c
            JOIN {companies} co ON co.id = c.company_id
            LEFT JOIN sale_order so ON so.id = c.sale_order_id
        """.format(companies=self._aftersales_companies_sql())

    def _where(self):
        return "c.active"
