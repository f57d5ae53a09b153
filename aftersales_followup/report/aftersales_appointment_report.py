# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import sql

from odoo import api, fields, models, tools

from ..models.aftersales_appointment import SOURCES, STATES


class AftersalesAppointmentReport(models.Model):
    """Do the reminders bring customers back (S2, S3, S8)? One row per call that reached
    the customer or led to a booking, with the visit booked on it (the latest one not
    cancelled), and one row per appointment booked without a call. The measures are
    shares averaged over the rows they apply to (empty elsewhere): the booking rate over
    the calls, the show rate over the appointments whose day is over, the lead time over
    the visits that came from a call."""
    _name = "aftersales.appointment.report"
    _description = "Service appointments analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"

    call_id = fields.Many2one("aftersales.call", string="Call", readonly=True)
    appointment_id = fields.Many2one("aftersales.appointment", string="Appointment",
                                     readonly=True)
    source = fields.Selection(SOURCES, readonly=True)
    state = fields.Selection(STATES, string="Appointment state", readonly=True)
    user_id = fields.Many2one("res.users", string="Officer", readonly=True,
                              help="The officer who made the call (without a call: the "
                                   "customer's follow-up officer).")
    advisor_id = fields.Many2one("res.users", string="Service advisor", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(readonly=True, help="Day of the call (without a call: of the booking).")
    date_visit = fields.Date(string="Visit day", readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    appointment_count = fields.Integer(string="Appointments", readonly=True)
    booked = fields.Float(
        string="Booking rate", readonly=True, group_operator="avg", digits=(3, 2),
        help="1 when the call led to a booking: averaged over the calls, the booking rate.")
    arrived = fields.Float(
        string="Show rate", readonly=True, group_operator="avg", digits=(3, 2),
        help="1 when the customer came, 0 for a no-show: averaged, the show rate.")
    lead_days = fields.Float(
        string="Lead time (days)", readonly=True, group_operator="avg", digits=(16, 1),
        help="Days from the call (the reminder) to the customer's arrival.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        group_by = self._group_by()
        self.env.cr.execute(sql.SQL("""
            CREATE OR REPLACE VIEW {table} AS (
                SELECT {select} FROM {from_} WHERE {where} {group_by}
            )""").format(
                table=sql.Identifier(self._table), select=sql.SQL(self._select()),
                from_=sql.SQL(self._from()), where=sql.SQL(self._where()),
                group_by=sql.SQL("GROUP BY " + group_by if group_by else "")))

    def _select(self):
        return """
            COALESCE(c.id * 2, a.id * 2 + 1) AS id,
            c.id AS call_id, a.id AS appointment_id,
            COALESCE(a.source, CASE
                WHEN c.purpose = 'parts_arrival' THEN 'parts'
                WHEN c.campaign_id IS NOT NULL THEN 'campaign'
                WHEN c.need_id IS NOT NULL THEN 'reminder'
                WHEN c.satisfaction IN ('1', '2') OR c.purpose = 'complaint'
                  OR EXISTS (SELECT 1 FROM aftersales_case k WHERE k.call_id = c.id)
                    THEN 'case'
                WHEN c.direction = 'in' THEN 'inbound'
                WHEN c.purpose IN ('followup', 'no_show') THEN 'followup'
                ELSE 'other' END) AS source,
            a.state,
            COALESCE(c.user_id, p.aftersales_user_id, a.user_id) AS user_id,
            a.user_id AS advisor_id,
            COALESCE(c.partner_id, a.partner_id) AS partner_id,
            COALESCE(c.company_id, a.company_id) AS company_id,
            COALESCE(c.date_due, c.date_call::date, a.create_date::date) AS date,
            a.date_start::date AS date_visit,
            CASE WHEN c.id IS NOT NULL THEN 1 ELSE 0 END AS call_count,
            CASE WHEN a.state != 'cancelled' THEN 1 ELSE 0 END AS appointment_count,
            CASE WHEN c.id IS NULL THEN NULL WHEN a.state != 'cancelled' THEN 1.0 ELSE 0.0
            END AS booked,
            CASE a.state WHEN 'arrived' THEN 1.0 WHEN 'no_show' THEN 0.0 END AS arrived,
            CASE WHEN a.state = 'arrived' AND c.id IS NOT NULL
                 THEN EXTRACT(EPOCH FROM a.date_arrived
                              - COALESCE(c.date_call, c.date_due::timestamp)) / 86400.0
            END AS lead_days
        """

    def _from(self):
        return """
            aftersales_call c
            FULL OUTER JOIN (
                SELECT ap.*, row_number() OVER (
                           PARTITION BY ap.call_id
                           ORDER BY ap.state = 'cancelled', ap.id DESC) AS rank
                  FROM aftersales_appointment ap
            ) a ON a.call_id = c.id
            LEFT JOIN res_partner p ON p.id = a.partner_id
        """

    def _where(self):
        return """
            (a.id IS NULL OR a.call_id IS NULL OR a.rank = 1)
            AND (a.id IS NULL OR a.state != 'cancelled' OR c.id IS NOT NULL)
            AND (c.id IS NULL OR c.state = 'done' OR a.id IS NOT NULL)
        """

    def _group_by(self):
        """One row per call or appointment: nothing to aggregate; an extension that
        joins lines adds its grouping here."""
        return ""
