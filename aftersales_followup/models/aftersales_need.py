# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

from psycopg2 import sql

from odoo import _, api, fields, models

from .aftersales_service_history import FULFILLED_NEEDS

_logger = logging.getLogger(__name__)

# Which follow-up rule trigger reminds of each kind of need.
NEED_TRIGGERS = {
    "service": "service_due",
    "warranty_end": "warranty_ending",
    "insurance": "insurance_due",
    "trade_in": "trade_in",
    "tyres": "tyres_due",
    "accessory": "accessory_due",
    "other": "other_due",
}


class AftersalesNeed(models.Model):
    """Something the customer may need next (S2): the next service, tyres, an insurance
    renewal, a trade-in... recorded in the customer file so that someone acts on it."""
    _name = "aftersales.need"
    _description = "Customer potential need"
    _inherit = ["mail.thread", "mail.activity.mixin", "aftersales.guarded.mixin"]
    _order = "date_expected, id"
    # Set by the need's buttons, the visit that converts it and the nightly refresh.
    _aftersales_company_links = ("partner_id", "vehicle_id", "order_id")
    _aftersales_guarded_fields = ("state", "order_id", "source", "service_history_id")

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
    source = fields.Selection([("manual", "Recorded"), ("auto", "From the vehicle data")],
                              required=True, default="manual", readonly=True)
    order_id = fields.Many2one("sale.order", string="Booked visit", readonly=True,
                               help="The service visit that converted this need.")
    service_history_id = fields.Many2one(
        "aftersales.service.history", string="Earlier visit", readonly=True,
        ondelete="set null",
        help="The visit of the service history brought in that fulfilled this need.")
    call_ids = fields.One2many("aftersales.call", "need_id", string="Reminder calls")
    converted = fields.Float(compute="_compute_converted", store=True,
                             group_operator="avg", digits=(3, 2),
                             help="1 when the need led to a visit: averaged, the "
                                  "conversion rate.")
    user_id = fields.Many2one(related="partner_id.commercial_partner_id.aftersales_user_id",
                              store=True,
                              string="Officer", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("aftersales.need"))

    @api.model_cr
    def init(self):
        # One open automatic need per vehicle and kind: the refresh upserts on it.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_need_auto_open_uniq
                ON aftersales_need (vehicle_id, kind) WHERE state = 'open' AND source = 'auto'
        """)

    @api.depends("kind", "vehicle_id", "partner_id")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for need in self:
            need.name = " - ".join(x for x in (
                labels.get(need.kind), need.vehicle_id.name or need.partner_id.name) if x)

    @api.depends("state", "order_id", "service_history_id")
    def _compute_converted(self):
        for need in self:
            need.converted = 1 if need.state == "done" and (
                need.order_id or need.service_history_id) else 0

    @api.multi
    def action_done(self):
        self._aftersales_trusted().write({"state": "done"})
        return True

    @api.multi
    def action_decline(self):
        self._aftersales_trusted().write({"state": "declined"})
        return True

    @api.multi
    def action_reopen(self):
        self._aftersales_trusted().write({"state": "open"})
        return True

    # ------------------------------------------------------------------ scheduled action

    @api.model
    def _cron_refresh_needs(self, commit=False, now=None):
        """Create or refresh the needs the vehicle data show, then remind customers of
        those whose date approaches (calls through the due-call machinery, emails
        through the letter register), in the days of each vehicle's dealership at
        ``now`` (naive UTC, default now)."""
        refreshed = self._refresh_needs_from_vehicles(now)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        emails = self._send_need_reminder_emails(now)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return {"needs": refreshed, "emails": emails}

    @api.model
    def _need_sources(self):
        """(kind, SQL expression of the need's date over vehicle ``v``) for each need the
        vehicle data reveal; other addons add theirs (the warranty end)."""
        trade_in_years = int(self.env["ir.config_parameter"].sudo().get_param(
            "aftersales_followup.trade_in_years", 6))
        # the dealership's today of the vehicle, not the database server's CURRENT_DATE
        today = self.env["res.company"]._aftersales_today_sql("v.company_id")
        return [
            ("service", sql.SQL("v.next_service_date")),
            # insurance renews every year on the handover's anniversary
            ("insurance", sql.SQL("""(v.handover_date + (ceil(GREATEST(
                EXTRACT(EPOCH FROM age({today}, v.handover_date)) / 31557600.0, 0.001))
                * interval '1 year'))::date""").format(today=today)),
            ("trade_in", sql.SQL("(v.handover_date + {} * interval '1 year')::date").format(
                sql.Literal(trade_in_years))),
        ]

    @api.model
    def _refresh_needs_from_vehicles(self, now=None):
        """Upsert one open automatic need per vehicle and kind (unique index), moving its
        date when the vehicle data changed. One statement per kind of need."""
        today = self.env["res.company"]._aftersales_today_sql("v.company_id", now)
        total = 0
        for kind, date_expr in self._need_sources():
            self.env.cr.execute(sql.SQL("""
                INSERT INTO aftersales_need (
                    name, partner_id, vehicle_id, kind, date_expected, state, source,
                    company_id, converted, create_uid, create_date, write_uid, write_date)
                SELECT v.name, v.partner_id, v.id, %(kind)s, {date_expr}, 'open', 'auto',
                       v.company_id, 0,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM aftersales_vehicle v
                 WHERE v.active AND v.partner_id IS NOT NULL AND {date_expr} IS NOT NULL
                   AND {date_expr} >= {today}
                ON CONFLICT (vehicle_id, kind) WHERE state = 'open' AND source = 'auto'
                DO UPDATE SET date_expected = EXCLUDED.date_expected,
                              partner_id = EXCLUDED.partner_id,
                              write_date = EXCLUDED.write_date
                 WHERE aftersales_need.date_expected IS DISTINCT FROM EXCLUDED.date_expected
                    OR aftersales_need.partner_id IS DISTINCT FROM EXCLUDED.partner_id
            """).format(date_expr=date_expr, today=today),
                {"kind": kind, "uid": self.env.uid})
            total += self.env.cr.rowcount
        self.invalidate_cache()
        return total

    @api.model
    def _reminder_due_sql(self, action, now=None):
        """Open needs whose reminder day (date - lead days) has come in the day of their
        dealership at ``now`` (naive UTC, default now), for the rules of ``action``, not
        yet reminded by that rule; ``r`` is the rule, ``p`` the customer."""
        return sql.SQL("""
            SELECT n.partner_id, n.vehicle_id, n.company_id, r.id AS rule_id,
                   n.id AS link_id,
                   {officer} AS user_id,
                   NOT {may_phone} AS do_not_call,
                   p.name || ' - ' || COALESCE(n.name, '') AS name,
                   GREATEST(n.date_expected - r.lead_days, {today}) AS date_due,
                   n.date_expected - r.lead_days + r.window_days AS date_expiry,
                   {may_email} AS may_email,
                   r.mail_template_id
              FROM aftersales_need n
              JOIN unnest(%(kinds)s::text[], %(triggers)s::text[]) AS k(kind, trig)
                ON k.kind = n.kind
              JOIN aftersales_followup_rule r
                ON r.active AND r.trigger = k.trig AND r.action = {action}
               AND (r.company_id IS NULL OR r.company_id = n.company_id)
              JOIN res_partner p ON p.id = n.partner_id
              {file_join}
              JOIN res_company c ON c.id = n.company_id
             WHERE n.state = 'open' AND n.date_expected IS NOT NULL
               AND n.date_expected - r.lead_days <= {today}
               AND n.date_expected - r.lead_days + r.window_days >= {today}
               AND {class_filter}
        """).format(action=sql.Literal(action),
                    today=self.env["res.company"]._aftersales_today_sql("n.company_id", now),
                    class_filter=self.env["aftersales.call"]._rule_class_filter_sql(),
                    **self.env["aftersales.call"]._customer_sql())

    def _reminder_params(self):
        return {"kinds": list(NEED_TRIGGERS),
                "triggers": list(NEED_TRIGGERS.values())}

    @api.model
    def _generate_reminder_call_batch(self, now, batch_size, after=0):
        """Due-call generator (see aftersales.call): one call per need and rule."""
        due = sql.SQL("""
            SELECT * FROM ({base}) AS candidate
             WHERE candidate.link_id >= %(after)s
               AND NOT EXISTS (SELECT 1 FROM aftersales_call ac
                                WHERE ac.need_id = candidate.link_id
                                  AND ac.rule_id = candidate.rule_id)
             ORDER BY link_id LIMIT %(limit)s
        """).format(base=self._reminder_due_sql("call", now))
        params = dict(self._reminder_params(), limit=batch_size, after=after)
        return self.env["aftersales.call"]._insert_due_calls(
            due, params, "need_id", "other", _("Remind the customer"))

    @api.model
    def _send_need_reminder_emails(self, now=None):
        """Reminder emails for the rules that remind by email: one registered letter
        per need and template (unique index), only to customers who accept email; chunk
        jobs render and queue them (aftersales.letter._plan_email_jobs). Returns how
        many letters were registered."""
        query = sql.SQL("""
            INSERT INTO aftersales_letter (
                name, partner_id, kind, channel, need_id, mail_template_id, state,
                company_id, active, res_model, res_id,
                create_uid, create_date, write_uid, write_date)
            SELECT name, partner_id, 'followup', 'email', link_id, mail_template_id, 'draft',
                   company_id, TRUE, 'aftersales.need', link_id,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM ({base}) AS candidate
             WHERE may_email AND mail_template_id IS NOT NULL
            ON CONFLICT DO NOTHING
            RETURNING id
        """).format(base=self._reminder_due_sql("email", now))
        self.env.cr.execute(query, dict(self._reminder_params(), uid=self.env.uid))
        letter_ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["aftersales.letter"]._plan_email_jobs(letter_ids, _("Reminder emails"))
        return len(letter_ids)

    @api.model
    def _close_booked_needs(self, orders):
        """A confirmed service visit converts the vehicle's open service needs."""
        for order in orders.filtered(lambda o: o.vehicle_id):
            self._close_needs_of_visit(order.vehicle_id, ("service", "tyres"),
                                       {"order_id": order.id})

    @api.model
    def _close_fulfilled_needs(self, histories):
        """A visit of the service history closes the vehicle's open needs that its work
        fulfilled (maintenance the next service, tyres the tyres) and that were known or
        due by its check-in: an old visit does not close a need of the years after it."""
        for history in histories:
            kinds = FULFILLED_NEEDS.get(history.work_kind)
            if kinds:
                self._close_needs_of_visit(
                    history.vehicle_id, kinds, {"service_history_id": history.id},
                    until=history.date_checkin, until_day=history._aftersales_day())

    @api.model
    def _close_needs_of_visit(self, vehicle, kinds, values, until=None, until_day=None):
        """Convert the open needs of ``kinds`` of ``vehicle`` (recorded before the
        moment ``until`` or due by the day ``until_day``, when given) with ``values``
        (the visit that converted them)."""
        domain = [("vehicle_id", "=", vehicle.id), ("state", "=", "open"),
                  ("kind", "in", list(kinds))]
        if until:
            domain += ["|", ("create_date", "<=", until), ("date_expected", "<=", until_day)]
        # sudo: whoever records the visit (a salesman may have no after-sales rights)
        # converts the open needs of that visit's own vehicle, nothing else.
        needs = self.sudo().search(domain)
        needs._aftersales_trusted().write(dict(values, state="done"))
