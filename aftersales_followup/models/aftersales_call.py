# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
import uuid
from datetime import date, timedelta

from psycopg2 import sql

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from odoo.addons.queue_job.job import job

from .aftersales_guarded_mixin import is_trusted
from .job_channel import AFTERSALES_CHANNEL, id_chunks

_logger = logging.getLogger(__name__)

SATISFACTION = [
    ("1", "1 - Very unhappy"),
    ("2", "2 - Unhappy"),
    ("3", "3 - Neutral"),
    ("4", "4 - Happy"),
    ("5", "5 - Very happy"),
]
UNHAPPY = ("1", "2")
# The satisfaction survey (S15) goes to the customers of follow-up calls whose window closed
# at most this many days ago: a scheduled action that did not run for weeks does not send
# stale surveys, and one run's work stays bounded.
SURVEY_AFTER_EXPIRY_DAYS = 7
# Surveys are linked and emailed this many calls at a time (bounded memory); the surveys
# of a scheduled action's expired calls are sent by one job per chunk.
SURVEY_CHUNK = 200
MANAGER_GROUP = "aftersales_followup.group_aftersales_manager"
# Days a call made without a rule stays in the queue when the company sets none.
DEFAULT_CALL_WINDOW = 15
# States in which a call is over: what it recorded is the phone register's.
CLOSED_STATES = ("done", "expired", "cancelled")
# What a closed call keeps as it was.
CLOSED_FROZEN_FIELDS = ("partner_id", "vehicle_id", "direction", "purpose", "satisfaction",
                        "duration", "date_due", "date_expiry", "user_id", "sale_order_id",
                        "campaign_response")


class AftersalesCall(models.Model):
    """One line of the phone register (电话登记表, S9): an outbound follow-up call due
    after a handover (S5), a campaign notice, or an inbound consultation or complaint.
    The key points of the conversation are recorded in its notes and cases (S6)."""
    _name = "aftersales.call"
    _description = "Phone register entry"
    _inherit = ["aftersales.activity.mixin", "aftersales.guarded.mixin"]
    _order = "date_due desc, id desc"
    # Set by the call's buttons and the scheduled actions only: its state, when it was
    # made and how often tried, why it was cancelled, the rule, campaign or need that
    # created it, and what the customer answered in the survey.
    _aftersales_company_links = ("partner_id", "vehicle_id", "sale_order_id", "campaign_id",
                                 "need_id")
    _aftersales_guarded_fields = (
        "state", "date_call", "date_first_attempt", "attempt_count", "cancel_reason",
        "rule_id", "campaign_id",
        "need_id", "survey_user_input_id", "survey_score", "survey_date", "survey_comment",
        "satisfaction_from_survey", "missed_appointment_id")

    name = fields.Char(string="Subject", required=True, default=lambda self: _("Call"))
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True,
                                 track_visibility="onchange")
    phone = fields.Char(related="partner_id.phone", readonly=True)
    mobile = fields.Char(related="partner_id.mobile", readonly=True)
    vehicle_id = fields.Many2one("aftersales.vehicle", string="Vehicle", index=True,
                                 domain="[('partner_id', '=', partner_id)]")
    license_plate = fields.Char(related="vehicle_id.license_plate", readonly=True,
                                string="License plate")
    rule_id = fields.Many2one("aftersales.followup.rule", string="Follow-up rule",
                              index=True, ondelete="restrict", readonly=True)
    sale_order_id = fields.Many2one("sale.order", string="Order", index=True,
                                    ondelete="restrict",
                                    help="The service visit or vehicle sale followed up.")
    direction = fields.Selection([("out", "Outbound"), ("in", "Inbound")],
                                 required=True, default="out")
    purpose = fields.Selection([
        ("followup", "Follow-up"),
        ("campaign", "Campaign"),
        ("consultation", "Consultation"),
        ("complaint", "Complaint"),
        ("other", "Other"),
        ("no_show", "Missed appointment"),
    ], required=True, default="followup", index=True)
    state = fields.Selection([
        ("todo", "To do"),
        ("done", "Done"),
        ("no_answer", "No answer"),
        ("expired", "Expired"),
        ("cancelled", "Cancelled"),
    ], required=True, default="todo", index=True, track_visibility="onchange",
        copy=False)
    date_due = fields.Date(
        string="Due on", index=True, track_visibility="onchange",
        default=lambda self: self.env["res.company"]._aftersales_default_today())
    date_expiry = fields.Date(string="Expires on",
                              help="A call not done by this day expires.")
    user_id = fields.Many2one("res.users", string="Officer", index=True,
                              default=lambda self: self.env.user,
                              track_visibility="onchange")
    cancel_reason = fields.Selection([
        ("do_not_call", "The customer asked not to be phoned"),
        ("campaign", "Campaign cancelled"),
        ("manual", "Cancelled by the officer"),
    ], string="Cancelled because", readonly=True, copy=False)
    date_call = fields.Datetime(
        string="Reached on", copy=False, readonly=True,
        help="When the customer was reached (the call done): the last contact.")
    date_first_attempt = fields.Datetime(
        string="First attempt on", copy=False, readonly=True,
        help="When the customer was first phoned, answered or not.")
    duration = fields.Float(string="Duration (min)")
    attempt_count = fields.Integer(string="Attempts", copy=False,
                                   help="Calls made without reaching the customer.")
    satisfaction = fields.Selection(SATISFACTION, copy=False,
                                    help="How satisfied the customer said they are (1-5).")
    notes = fields.Text(help="Key points of the conversation: requests, hopes, complaints.")
    case_ids = fields.One2many("aftersales.case", "call_id", string="Cases")
    campaign_id = fields.Many2one("aftersales.campaign", string="Campaign", index=True,
                                  ondelete="restrict")
    need_id = fields.Many2one("aftersales.need", string="Potential need", index=True,
                              ondelete="set null", help="The need this call reminds of.")
    campaign_response = fields.Selection([
        ("accepted", "Accepted"),
        ("declined", "Declined"),
        ("undecided", "Undecided"),
    ], string="Response", help="What the customer answered to the campaign invitation.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("aftersales.call"))
    active = fields.Boolean(default=True)
    case_count = fields.Integer(string="Number of cases", compute="_compute_case_count")
    vehicle_model_id = fields.Many2one(
        "product.product", string="Vehicle model", related="vehicle_id.product_id",
        store=True, readonly=True, index=True)
    # The satisfaction survey by email (S15): one per eligible call, answered on the web.
    survey_user_input_id = fields.Many2one(
        "survey.user_input", string="Satisfaction survey", readonly=True, copy=False,
        ondelete="set null", index=True,
        help="The customer's own link to the satisfaction survey, emailed once for this call.")
    survey_score = fields.Float(
        string="Survey score", readonly=True, copy=False, group_operator="avg",
        digits=(3, 2),
        help="Overall satisfaction (1-5) the customer gave in the survey; 0 when not answered.")
    survey_date = fields.Datetime(string="Survey answered on", readonly=True, copy=False)
    survey_comment = fields.Text(string="Survey comment", readonly=True, copy=False)
    # Service appointments (issue 19): the visits booked on this call, and for the call
    # that follows a no-show, the appointment the customer missed.
    appointment_ids = fields.One2many("aftersales.appointment", "call_id",
                                      string="Appointments", readonly=True)
    appointment_id = fields.Many2one(
        "aftersales.appointment", string="Booked visit", compute="_compute_appointment_id",
        help="The visit booked on this call (the latest one not cancelled).")
    missed_appointment_id = fields.Many2one(
        "aftersales.appointment", string="Missed appointment", index=True, readonly=True,
        copy=False, ondelete="restrict")
    offers_booking = fields.Boolean(
        string="Offers a visit", compute="_compute_offers_booking",
        help="The call asks the customer to come: a reminder, an accepted campaign, parts "
             "that arrived, an unhappy customer, a missed appointment.")
    supervisor_missing = fields.Boolean(
        string="No supervisor to alert", related="company_id.aftersales_supervisor_missing",
        readonly=True,
        help="The company has no after-sales supervisor: an unhappy customer alerts nobody.")
    satisfaction_from_survey = fields.Boolean(
        string="Satisfaction from the survey",
        readonly=True, copy=False,
        help="The satisfaction was not given on the phone but taken from the survey.")

    @api.model_cr
    def init(self):
        cr = self.env.cr
        # The arbiter of idempotency: one call per rule and order, whatever runs at once.
        # The event comes first: the due-call batches probe it once per candidate (NOT
        # EXISTS ... sale_order_id = so.id AND rule_id = r.id). With (rule_id, order) a
        # planner whose statistics predate the run's own inserts scanned the whole index
        # per probe: 20 s for one batch at 80,000 calls (tests/bench, issue 9).
        cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_call_order_rule_uniq
                ON aftersales_call (sale_order_id, rule_id)
             WHERE rule_id IS NOT NULL AND sale_order_id IS NOT NULL
        """)
        # The officer's queue ("Due today", "Overdue", "To call"): the open calls of one
        # officer in the list's order, so that its first page is read straight from the
        # index whatever the history. With (user_id, state, date_due), at 1,000,000 calls
        # the planner walked date_due backwards instead, filtering 22,000 rows (9-120 ms;
        # tests/bench, issue 9); this one reads the 80 rows of the page (under 1 ms).
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_call_open_queue_idx
                ON aftersales_call (user_id, date_due DESC, id DESC)
             WHERE state IN ('todo', 'no_answer')
        """)
        cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_call_need_rule_uniq
                ON aftersales_call (need_id, rule_id)
             WHERE rule_id IS NOT NULL AND need_id IS NOT NULL
        """)
        # One notice call per campaign and customer.
        cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_call_campaign_partner_uniq
                ON aftersales_call (campaign_id, partner_id) WHERE campaign_id IS NOT NULL
        """)
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_call_open_expiry_idx
                ON aftersales_call (date_expiry) WHERE state IN ('todo', 'no_answer')
        """)
        # The screens at a dealer group's scale (tests/bench/bench_screens.py, part 7):
        # "Unhappy customers" (the search filter) counts the dealership's unhappy calls
        # from the first index and reads its page in the list's order from the second.
        # The record rule's "company_id IS NULL OR company_id IN (...)" keeps the first
        # from giving that order; without the second PostgreSQL walked date_due
        # backwards through the open calls (which have no satisfaction yet): 660,000
        # rows read, 1.4 s, at 5,000,000 calls.
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_call_unhappy_idx
                ON aftersales_call (company_id, date_due DESC, id DESC)
             WHERE satisfaction IN ('1', '2')
        """)
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_call_unhappy_recent_idx
                ON aftersales_call (date_due DESC, id DESC)
             WHERE satisfaction IN ('1', '2')
        """)
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_call_company_due_idx
                ON aftersales_call (company_id, date_due)
        """)
        # At most one call per missed appointment, whatever runs at once.
        cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_call_missed_appointment_uniq
                ON aftersales_call (missed_appointment_id)
             WHERE missed_appointment_id IS NOT NULL
        """)
        # One survey link per call, and a link belongs to one call only.
        cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_call_survey_user_input_uniq
                ON aftersales_call (survey_user_input_id)
             WHERE survey_user_input_id IS NOT NULL
        """)

    def _compute_case_count(self):
        for call in self:
            call.case_count = len(call.case_ids)

    def _compute_appointment_id(self):
        for call in self:
            booked = call.appointment_ids.filtered(lambda a: a.state != "cancelled")
            call.appointment_id = booked.sorted("id")[-1:] if booked else False

    @api.depends("purpose", "need_id", "campaign_response", "satisfaction", "state",
                 "missed_appointment_id")
    def _compute_offers_booking(self):
        purposes = self._aftersales_booking_purposes()
        for call in self:
            call.offers_booking = call.state not in ("expired", "cancelled") and bool(
                call.purpose in purposes or call.need_id
                or call.campaign_response == "accepted" or call.satisfaction in UNHAPPY)

    @api.model
    def create(self, vals):
        if not vals.get("name") and vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["name"] = partner.display_name
        if self._aftersales_logged_inbound(vals):
            # An inbound call logged in the register happened when it is saved: done
            # now, not a call to do that nobody makes. The caller's own values are
            # checked first; the state is then the suite's.
            self._aftersales_check_guarded_create(vals)
            now = fields.Datetime.now()
            vals = dict(vals, state="done", date_call=now, date_first_attempt=now)
            call = super(AftersalesCall, self._aftersales_trusted()).create(vals)
            call = call.with_env(self.env)
            call.filtered(lambda c: c.satisfaction in UNHAPPY)._alert_supervisor_unhappy()
            return call
        if not vals.get("date_expiry") and vals.get("state", "todo") == "todo":
            # Every call to do closes some day: a call made by hand (or by the suite
            # without a rule) gets the company's window from its due day.
            vals = dict(vals, date_expiry=self._aftersales_default_expiry(vals))
        return super(AftersalesCall, self).create(vals)

    @api.multi
    def write(self, vals):
        if not is_trusted(self.env):
            for call in self.filtered(lambda c: c.state in CLOSED_STATES):
                changed = [name for name in CLOSED_FROZEN_FIELDS if name in vals
                           and not call._aftersales_unchanged(name, vals[name])]
                if changed:
                    raise UserError(_(
                        "The call %(call)s is over: what it recorded (%(fields)s) stays in "
                        "the phone register as it was.") % {
                            "call": call.display_name,
                            "fields": ", ".join(sorted(
                                self._fields[n].get_description(self.env)["string"]
                                for n in changed))})
        return super(AftersalesCall, self).write(vals)

    @api.multi
    def unlink(self):
        # The phone register is an archive (S9): only the administrator may purge it.
        if not self.env.user._is_superuser():
            raise UserError(_("Calls are part of the phone register and cannot be deleted; "
                              "archive them instead."))
        return super(AftersalesCall, self).unlink()

    # ------------------------------------------------------------------ actions

    @api.multi
    def action_done(self):
        """The customer was reached: close the call and its activity, and alert the
        supervisor the same day when the customer is unhappy (before the maker's survey)."""
        for call in self:
            if call.state in ("expired", "cancelled"):
                raise UserError(_("The call %(call)s is %(state)s and cannot be done any more.") % {
                    "call": call.display_name,
                    "state": dict(self._fields["state"]._description_selection(
                        self.env))[call.state]})
        now = fields.Datetime.now()
        # A call already done (an inbound call is done when logged) is not closed, nor
        # its unhappy customer alerted, a second time.
        calls = self.filtered(lambda c: c.state != "done")
        for call in calls:
            # Reached now: an earlier no-answer is the first attempt, not the contact.
            call._aftersales_trusted().write({
                "state": "done", "date_call": now,
                "date_first_attempt": call.date_first_attempt or now})
        calls._aftersales_close_activities()
        calls.filtered(lambda c: c.satisfaction in UNHAPPY)._alert_supervisor_unhappy()
        calls._send_satisfaction_surveys()
        return True

    @api.multi
    def action_no_answer(self):
        """Nobody answered: the call stays in the queue for another try, and the customer
        gets a "we tried to reach you" email when they accept email."""
        first_tries = self.filtered(lambda c: not c.attempt_count)
        for call in self:
            if call.state not in ("todo", "no_answer"):
                raise UserError(_("Only a call to do can be marked as not answered."))
            # Not reached: date_call stays empty, the first try is kept.
            call._aftersales_trusted().write({
                "state": "no_answer", "attempt_count": call.attempt_count + 1,
                "date_first_attempt": call.date_first_attempt or fields.Datetime.now()})
        template = self.env.ref("aftersales_followup.mail_template_call_no_answer",
                                raise_if_not_found=False)
        if template:
            # Once per call, after the first try: not at every try of the day.
            for call in first_tries:
                self.env["aftersales.letter"]._send_template(
                    template, call, kind="followup", call_id=call.id)
        return True

    @api.multi
    def action_cancel(self):
        """The call will not be made (nobody to call any more, a mistake)."""
        self._aftersales_cancel("manual")
        return True

    @api.multi
    def action_reset(self):
        """Put a call back in the queue: a call not answered, for another try; an expired
        call, by a manager only, with a new window as long as its first; never a call
        that was made, nor one cancelled because the customer asked not to be phoned."""
        for call in self:
            if call.state == "no_answer":
                call._aftersales_trusted().write({"state": "todo"})
                continue
            if call.state not in ("expired", "cancelled") or call.cancel_reason == "do_not_call":
                raise UserError(_(
                    "The call %(call)s cannot be put back in the queue: %(why)s") % {
                        "call": call.display_name, "why": call._aftersales_reset_refusal()})
            if not self.env.user.has_group(MANAGER_GROUP):
                raise AccessError(_("Only an after-sales manager can reopen an expired or "
                                    "cancelled call."))
            window, today = 3, call.company_id._aftersales_today()
            if call.date_due and call.date_expiry:
                window = max((fields.Date.from_string(call.date_expiry)
                              - fields.Date.from_string(call.date_due)).days, 1)
            call._aftersales_trusted().write({
                "state": "todo", "cancel_reason": False, "date_due": today,
                "date_expiry": fields.Date.to_string(
                    fields.Date.from_string(today) + timedelta(days=window))})
            call.message_post(body=_("Reopened by %s.") % self.env.user.name)
        return True

    @api.multi
    def action_add_case(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("New case"),
            "res_model": "aftersales.case",
            "view_mode": "form",
            "target": "new",
            "context": {"default_call_id": self.id, "default_partner_id": self.partner_id.id,
                        "default_kind": "complaint" if self.purpose == "complaint"
                        else "request"},
        }

    @api.multi
    def action_book(self):
        """Open the booking form of a service appointment, prefilled from the call: the
        customer, the vehicle, what brought them (the source) and the need, campaign or
        parts request behind the call, at the workshop's next free slot."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Book a visit"),
            "res_model": "aftersales.appointment",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": self._aftersales_booking_context(),
        }

    @api.multi
    def action_view_cases(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_case").read()[0]
        action["domain"] = [("call_id", "=", self.id)]
        action["context"] = {"default_call_id": self.id,
                             "default_partner_id": self.partner_id.id}
        return action

    def _aftersales_reset_refusal(self):
        self.ensure_one()
        if self.state == "done":
            return _("it was made.")
        if self.cancel_reason == "do_not_call":
            return _("the customer asked not to be phoned.")
        return _("it is still to do.")

    def _aftersales_cancel(self, reason):
        for call in self:
            if call.state not in ("todo", "no_answer"):
                raise UserError(_("The call %s is over: it cannot be cancelled.")
                                % call.display_name)
        self._aftersales_trusted().write({"state": "cancelled", "cancel_reason": reason})
        self._aftersales_close_activities()

    # ------------------------------------------------------------------ helpers

    @api.model
    def _aftersales_logged_inbound(self, vals):
        """Whether ``vals`` log an inbound call that happened: the direction is inbound
        and no state was chosen, or (from outside the suite's code) the default state
        that a form sends back."""
        direction = vals.get("direction", self.env.context.get("default_direction"))
        if direction != "in":
            return False
        state = vals.get("state", self.env.context.get("default_state"))
        return state is None or (state == "todo" and not is_trusted(self.env))

    @api.model
    def _aftersales_default_expiry(self, vals):
        """The last day of a call to do made without a rule: its due day plus the
        company's call window (see res.company)."""
        company = self.env["res.company"].browse(vals.get("company_id")) \
            or self.env["res.company"]._company_default_get("aftersales.call")
        due = vals.get("date_due") or company._aftersales_today()
        try:
            due = due if isinstance(due, date) else fields.Date.from_string(due)
        except (TypeError, ValueError):
            # the day is read here before the ORM would refuse it: refuse it as clearly
            raise UserError(_('The due date "%s" is not a date (YYYY-MM-DD).') % (due,))
        window = company.aftersales_call_window_days or DEFAULT_CALL_WINDOW
        return fields.Date.to_string(due + timedelta(days=window))

    @api.model
    def _aftersales_booking_purposes(self):
        """The purposes of the calls that ask the customer to come (other addons add
        theirs: parts arrived)."""
        return {"no_show"}

    def _aftersales_booking_source(self):
        """What brought the customer, for the appointment booked on this call."""
        self.ensure_one()
        if self.missed_appointment_id:
            return self.missed_appointment_id.source
        if self.campaign_id:
            return "campaign"
        if self.need_id:
            return "reminder"
        if self.case_ids or self.satisfaction in UNHAPPY or self.purpose == "complaint":
            return "case"
        if self.direction == "in":
            return "inbound"
        if self.purpose == "followup":
            return "followup"
        return "other"

    def _aftersales_booking_context(self):
        """The defaults of the appointment booked on this call."""
        self.ensure_one()
        source = self.missed_appointment_id or self
        vehicle = self.vehicle_id or source.vehicle_id
        context = {
            "default_partner_id": self.partner_id.id,
            "default_vehicle_id": vehicle.id,
            "default_source": self._aftersales_booking_source(),
            "default_call_id": self.id,
            "default_need_id": (self.need_id or self.missed_appointment_id.need_id).id,
            "default_campaign_id": (self.campaign_id
                                    or self.missed_appointment_id.campaign_id).id,
            "default_company_id": self.company_id.id,
        }
        Appointment = self.env["aftersales.appointment"]
        slot = Appointment._aftersales_next_free_slot(
            self.company_id, self.env.user, Appointment._default_duration(), vehicle)
        if slot:
            context["default_date_start"] = fields.Datetime.to_string(slot)
        return context

    def _alert_supervisor_unhappy(self, from_survey=False):
        """A to-do for the supervisor, due today, on each call of an unhappy customer:
        the score given on the phone, or with ``from_survey`` the one of the survey."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for call in self:
            # the dealership's day: a survey answer comes in as a user without a zone
            today = call.company_id._aftersales_today()
            supervisor = call.company_id.aftersales_supervisor_id
            if not supervisor:
                _logger.warning("No after-sales supervisor for %s: unhappy customer on "
                                "call %s not escalated", call.company_id.name, call.id)
                # Said where the officer sees it, not only in the server log.
                call.message_post(body=_(
                    "The customer is unhappy, but no after-sales supervisor is configured "
                    "for %s: nobody was alerted. A manager sets the supervisor in the "
                    "company's after-sales settings.") % call.company_id.name)
                continue
            values = {"score": call.satisfaction, "customer": call.partner_id.display_name}
            if from_survey:
                values["score"] = int(call.survey_score)
                summary = _("Unhappy customer in the survey (%(score)s/5): %(customer)s")
                # The customer's own words, typed on a public page: escaped.
                note = plaintext2html(call.survey_comment) if call.survey_comment else ""
            else:
                summary = _("Unhappy customer (%(score)s/5): %(customer)s")
                note = call.notes or ""
            call._aftersales_schedule_activity(
                activity_type, supervisor, today, summary % values, note)

    def _aftersales_survey_eligible(self):
        """Whether the customer of this call gets the satisfaction survey now: an outbound
        follow-up call, no survey sent for it yet, and the customer accepts email."""
        self.ensure_one()
        return (self.purpose == "followup" and self.direction == "out"
                and not self.survey_user_input_id
                and self.partner_id._aftersales_accepts_email())

    def _send_satisfaction_surveys(self):
        """Email the satisfaction survey (S15) once for each eligible call of ``self``:
        each customer gets a personal link (a survey.user_input of the dealer's survey)
        and the email is registered in the letter register. Nothing is sent when the
        survey is archived or closed. Returns the calls whose survey was sent."""
        survey = self.env.ref("aftersales_followup.survey_aftersales_satisfaction",
                              raise_if_not_found=False)
        template = self.env.ref("aftersales_followup.mail_template_satisfaction_survey",
                                raise_if_not_found=False)
        if not (survey and survey.active and template) or survey.stage_id.closed:
            return self.browse()
        calls = self.filtered(lambda c: c._aftersales_survey_eligible())
        Letter = self.env["aftersales.letter"]
        sent = self.browse()
        for start in range(0, len(calls), SURVEY_CHUNK):
            linked = calls[start:start + SURVEY_CHUNK]._link_survey_inputs(survey)
            for call in linked:
                # The personal link is the customer's alone: the email is rendered by the
                # suite (the staff cannot read the link) and masked in the register.
                token = call.sudo().survey_user_input_id.token
                Letter._send_template(template, call, kind="followup", call_id=call.id,
                                      secrets=[token], render_as_superuser=True)
            sent |= linked
        return sent

    def _link_survey_inputs(self, survey):
        """Give each call of ``self`` still without one its customer's link to ``survey``,
        set-based: one statement creates the links and sets them on the calls. The calls
        are locked first, so that two runs at once create one link per call, not two.
        Returns the calls that got a link."""
        if not self:
            return self.browse()
        tokens = [str(uuid.uuid4()) for _call in self]
        self.env.cr.execute("""
            WITH todo AS (
                SELECT c.id AS call_id, c.partner_id, p.email, t.token
                  FROM aftersales_call c
                  JOIN unnest(%(ids)s::int[], %(tokens)s::text[]) AS t(id, token)
                    ON t.id = c.id
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.survey_user_input_id IS NULL
                   FOR UPDATE OF c
            ), new_input AS (
                INSERT INTO survey_user_input (
                    survey_id, date_create, type, state, test_entry, token, partner_id,
                    email, create_uid, create_date, write_uid, write_date)
                SELECT %(survey)s, now() AT TIME ZONE 'UTC', 'link', 'new', FALSE, token,
                       partner_id, email,
                       %(root)s, now() AT TIME ZONE 'UTC', %(root)s, now() AT TIME ZONE 'UTC'
                  FROM todo
                RETURNING id, token
            )
            UPDATE aftersales_call c
               SET survey_user_input_id = n.id,
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM todo JOIN new_input n ON n.token = todo.token
             WHERE c.id = todo.call_id
            RETURNING c.id
        """, {"ids": self.ids, "tokens": tokens, "survey": survey.id, "uid": self.env.uid,
              # Created by the suite, not by the officer whose call triggered it: Odoo
              # lets a user read the survey answers they created, personal link included.
              "root": SUPERUSER_ID})
        linked = self.browse([row[0] for row in self.env.cr.fetchall()])
        self.invalidate_cache(["survey_user_input_id"], self.ids)
        return linked

    # ------------------------------------------------------------------ scheduled action

    @api.model
    def _cron_generate_due_calls(self, batch_size=5000, commit=False, now=None):
        """Turn every handover whose rule day has come into one follow-up call with its
        activity, then expire the calls whose window has closed.

        Days are each dealership's (``res.company._aftersales_tz_name``), at ``now``
        (naive UTC, default now: a test passes the moment it plays).

        Set-based: each batch is one INSERT ... SELECT of calls chained to one INSERT of
        their activities, with the partial unique index on (rule, order) as arbiter, so
        that a second run or a concurrent worker adds nothing (ON CONFLICT DO NOTHING).
        With ``commit`` (the scheduled action), each batch is committed on its own: a run
        killed half-way leaves whole batches and the next run finishes the rest.
        """
        # Each generator tells each row's day in its own dealership's time zone from
        # this one moment (see res.company._aftersales_today_sql).
        now = fields.Datetime.to_string(self.env["res.company"]._aftersales_moment(now))
        created = 0
        for generate_batch in self._due_call_batch_generators():
            after = 0
            while True:
                if commit:
                    self._aftersales_next_transaction()
                selected, count, last = generate_batch(now, batch_size, after)
                created += count
                # A short batch means nothing is left; rows lost to a concurrent run
                # (ON CONFLICT) do not end the loop early, so it is judged on the
                # selection, not on what was inserted.
                if selected < batch_size:
                    break
                # The next batch starts where this one ended (keyset): each batch costs
                # its own rows, not a new scan of every handover in the window.
                after = last
        if commit:
            self._aftersales_next_transaction()
        expired = self._expire_calls(now)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.invalidate_cache()
        self.env["mail.activity"].invalidate_cache()
        _logger.info("Due calls: %d created, %d expired", created, expired)
        return {"created": created, "expired": expired}

    @api.model
    def _aftersales_next_transaction(self):
        """Commit, and run the next transaction in READ COMMITTED.

        Odoo's cursors are REPEATABLE READ: a statement that meets a row another worker
        committed after this transaction began fails with "could not serialize access due
        to concurrent update" (an ON CONFLICT on the unique indexes, an UPDATE of the same
        rows). In READ COMMITTED each statement sees what was committed before it, ON
        CONFLICT DO NOTHING silently skips the rows of a concurrent worker, and an UPDATE
        re-checks its condition: the scheduled actions' units (a batch, a campaign) are
        idempotent, so concurrent workers share the work instead of failing.
        """
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        self.invalidate_cache()  # everything: other workers may have changed any of it

    def _due_call_batch_generators(self):
        """The events that start a follow-up clock. Each generator takes (now, limit,
        after), ``now`` the run's moment (naive UTC string) from which each row's
        dealership's day is told (res.company._aftersales_today_sql), creates at most
        ``limit`` calls with their activities set-based for the events whose id is at
        least ``after``, and returns (events selected, calls created, last event id);
        other addons append theirs (e.g. a warranty claim closed)."""
        return [self._generate_due_call_batch,
                self.env["aftersales.need"]._generate_reminder_call_batch]

    def _handover_triggers(self):
        """Which rule trigger a handover of each kind of order starts."""
        return {"service": "service_handover", "vehicle": "vehicle_handover"}

    def _generate_due_call_batch(self, now, batch_size, after=0):
        """Handovers whose rule day has come and whose window is open, in the days of
        each order's dealership."""
        Company = self.env["res.company"]
        triggers = self._handover_triggers()
        max_window = self.env["aftersales.followup.rule"].search(
            [("trigger", "in", list(triggers.values()))],
            order="window_days desc", limit=1).window_days
        if not max_window:
            return 0, 0, after
        # Bound the scan to handovers whose window can still be open (index on
        # handover_date): the cost follows the due handovers, not the whole history.
        # Two days of margin cover any time zone's offset from UTC.
        since = fields.Datetime.to_string(
            fields.Datetime.from_string(now) - timedelta(days=max_window + 2))
        kinds = list(triggers)
        due = sql.SQL("""
            SELECT partner_id, vehicle_id, company_id, rule_id, link_id, user_id,
                   do_not_call, name, handover_day + delay_days AS date_due,
                   handover_day + window_days AS date_expiry
              FROM (
                SELECT so.id AS link_id, so.partner_id, so.vehicle_id, so.company_id,
                       r.id AS rule_id, r.delay_days, r.window_days,
                       {handover_day} AS handover_day,
                       {officer} AS user_id,
                       NOT {may_phone} AS do_not_call,
                       p.name || ' - ' || so.name AS name
                  FROM sale_order so
                  JOIN unnest(%(kinds)s::text[], %(triggers)s::text[]) AS k(kind, trig)
                    ON k.kind = so.aftersales_kind
                  JOIN aftersales_followup_rule r
                    ON r.active AND r.trigger = k.trig
                   AND (r.company_id IS NULL OR r.company_id = so.company_id)
                  JOIN res_partner p ON p.id = so.partner_id
                  {file_join}
                  JOIN res_company c ON c.id = so.company_id
                 WHERE so.handover_date >= %(since)s AND so.id >= %(after)s
                   AND {handover_day} + r.delay_days <= {today}
                   AND {handover_day} + r.window_days >= {today}
                   AND {class_filter}
                   AND NOT EXISTS (SELECT 1 FROM aftersales_call ac
                                    WHERE ac.sale_order_id = so.id AND ac.rule_id = r.id)
                 ORDER BY so.id
                 LIMIT %(limit)s
              ) AS candidate
        """).format(class_filter=self._rule_class_filter_sql(),
                    handover_day=Company._aftersales_local_date_sql(
                        sql.SQL("so.handover_date"), "so.company_id"),
                    today=Company._aftersales_today_sql("so.company_id", now),
                    **self._customer_sql())
        return self._insert_due_calls(due, {
            "since": since, "limit": batch_size, "after": after,
            "kinds": kinds, "triggers": [triggers[k] for k in kinds],
        }, "sale_order_id", "followup", _("Follow-up call"))

    @api.model
    def _customer_sql(self, partner="p", file="f", company="c"):
        """The SQL fragments of "who is the customer, their officer, may we phone" (see
        res.partner), for the due-call generators' queries: ``file_join`` brings the
        customer file ``f`` of the partner ``p``; ``c`` is the company row."""
        Partner = self.env["res.partner"]
        return {
            "file_join": Partner._aftersales_file_join_sql(partner, file),
            "officer": Partner._aftersales_officer_sql(partner, file, company),
            "may_phone": Partner._aftersales_may_phone_sql(partner, file),
            "may_email": Partner._aftersales_may_email_sql(partner, file),
            "opted_out": Partner._aftersales_opted_out_sql(partner, file),
        }

    @api.model
    def _rule_class_filter_sql(self, file="f"):
        """A rule limited to some customer classes only applies to the customers whose
        file is of those classes (``r`` is the rule, ``file`` the customer file)."""
        return sql.SQL("""(NOT EXISTS (SELECT 1 FROM aftersales_followup_rule_class_rel x
                                        WHERE x.rule_id = r.id)
                           OR {file}.aftersales_class_id IN (
                               SELECT x.class_id FROM aftersales_followup_rule_class_rel x
                                WHERE x.rule_id = r.id))""").format(
            file=sql.Identifier(file))

    @api.model
    def _insert_due_calls(self, due, params, link_column, purpose, summary):
        """Insert one call per row of ``due`` with the activity of each call to do, in
        one statement; the unique indexes arbitrate (ON CONFLICT DO NOTHING).

        ``due`` (psycopg2 SQL) yields partner_id, vehicle_id, company_id, rule_id,
        link_id, user_id, do_not_call, name, date_due, date_expiry; ``link_id`` goes to
        ``link_column`` (the event: order, need, claim...). Customers who asked not to be
        phoned get a cancelled call saying why, and no activity.
        Returns (rows selected, calls created, largest link id selected).
        """
        assert link_column in self._fields and self._fields[link_column].type == "many2one"
        query = sql.SQL("""
            WITH due AS ({due}),
            new_call AS (
                INSERT INTO aftersales_call (
                    name, partner_id, vehicle_id, rule_id, {link}, direction, purpose,
                    state, cancel_reason, date_due, date_expiry, user_id, company_id, active,
                    attempt_count, notes, vehicle_model_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT name, partner_id, vehicle_id, rule_id, link_id, 'out', %(purpose)s,
                       CASE WHEN do_not_call THEN 'cancelled' ELSE 'todo' END,
                       CASE WHEN do_not_call THEN 'do_not_call' END,
                       date_due, date_expiry, user_id, company_id, TRUE, 0,
                       CASE WHEN do_not_call THEN %(dnc_note)s END,
                       (SELECT v.product_id FROM aftersales_vehicle v
                         WHERE v.id = due.vehicle_id),
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM due
                ON CONFLICT DO NOTHING
                RETURNING id, name, state, user_id, date_due
            ), new_activity AS (
                INSERT INTO mail_activity (
                    res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                    date_deadline, user_id, create_uid, create_date, write_uid, write_date)
                SELECT %(model_id)s, 'aftersales.call', id, name, %(type_id)s, %(summary)s,
                       date_due, user_id,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM new_call
                 WHERE state = 'todo' AND user_id IS NOT NULL
                RETURNING id
            ), new_follower AS (
                -- the officer follows the call, as the ORM's auto-subscription of the
                -- tracked officer does (see aftersales.bulk.trace)
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT 'aftersales.call', nc.id, u.partner_id
                  FROM new_call nc JOIN res_users u ON u.id = nc.user_id
                ON CONFLICT DO NOTHING
                RETURNING id
            ), new_follower_subtype AS (
                INSERT INTO mail_followers_mail_message_subtype_rel (
                    mail_followers_id, mail_message_subtype_id)
                SELECT f.id, s.id
                  FROM new_follower f CROSS JOIN unnest(%(subtypes)s::int[]) AS s(id)
            )
            SELECT (SELECT count(*) FROM due), (SELECT count(*) FROM new_call),
                   (SELECT max(link_id) FROM due)
        """).format(due=due, link=sql.Identifier(link_column))
        params = dict(params, purpose=purpose, summary=summary, uid=self.env.uid,
                      model_id=self.env["ir.model"]._get(self._name).id,
                      type_id=self.env.ref("mail.mail_activity_data_call").id,
                      dnc_note=_("Not called: the customer asked not to be phoned "
                                 "(do-not-call)."),
                      subtypes=self.env["mail.message.subtype"].default_subtypes(
                          self._name)[0].ids)
        self.env.cr.execute(query, params)
        selected, created, last = self.env.cr.fetchone()
        if created:
            self.invalidate_cache()
            self.env["mail.activity"].invalidate_cache()
            self.env["mail.followers"].invalidate_cache()
        return selected, created, last or 0

    def _expire_calls(self, now):
        """Calls left undone past their window (the last day of their dealership, at
        ``now``, naive UTC) expire; their activities are closed. The customers of the
        follow-up calls expired in this run, unreached, get the satisfaction survey
        (only for windows closed recently: bounded, never stale)."""
        cr = self.env.cr
        today = self.env["res.company"]._aftersales_today_sql("ac.company_id", now)
        cr.execute(sql.SQL("""
            WITH due AS (
                SELECT id, state, date_expiry >= {today} - %(recent_days)s AS recent
                  FROM aftersales_call ac
                 WHERE state IN ('todo', 'no_answer') AND date_expiry < {today}
                   FOR UPDATE
            ), gone AS (
                UPDATE aftersales_call c
                   SET state = 'expired',
                       write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                  FROM due
                 WHERE c.id = due.id AND c.state = due.state
             RETURNING c.id, due.recent, due.state AS old_state
            ), closed AS (
                DELETE FROM mail_activity a USING gone
                 WHERE a.res_model = 'aftersales.call' AND a.res_id = gone.id
            )
            SELECT id, old_state, recent FROM gone ORDER BY id
        """).format(today=today), {"uid": self.env.uid,
                                   "recent_days": SURVEY_AFTER_EXPIRY_DAYS})
        rows = cr.fetchall()
        # The state is tracked: the chatter of each call says it expired, as the ORM's
        # tracking would (one set-based statement, see aftersales.bulk.trace).
        self.env["aftersales.bulk.trace"]._track(
            self, "state", [(call_id, old, "expired") for call_id, old, _recent in rows])
        recent_ids = [call_id for call_id, _old, recent_one in rows if recent_one]
        if rows:
            self.invalidate_cache(["state"], [row[0] for row in rows])
        if recent_ids:
            self._plan_survey_jobs(recent_ids)
        return len(rows)

    @api.model
    def _plan_survey_jobs(self, call_ids):
        """The satisfaction surveys of the calls a run expired: one job per chunk on the
        suite's queue_job channel, so that any worker renders and sends them and the
        scheduled action commits its expiry at once. A chunk's identity keeps a second
        planning from adding a job while the first waits; a chunk run again sends nothing
        twice (a call's survey link is set once, see _aftersales_survey_eligible).
        Returns how many jobs were planned."""
        chunks = id_chunks(call_ids, SURVEY_CHUNK)
        for number, (chunk, digest) in enumerate(chunks, 1):
            description = _("Satisfaction surveys: part %(part)d of %(parts)d, "
                            "%(count)d calls") % {
                                "part": number, "parts": len(chunks), "count": len(chunk)}
            self.with_delay(channel=AFTERSALES_CHANNEL,
                            identity_key="aftersales.call.surveys:%s" % digest,
                            description=description)._job_satisfaction_surveys(chunk)
        return len(chunks)

    @api.model
    @job(default_channel=AFTERSALES_CHANNEL)
    def _job_satisfaction_surveys(self, call_ids):
        """Satisfaction surveys for a chunk of expired calls"""
        sent = self.browse(call_ids).exists()._send_satisfaction_surveys()
        return "%d surveys" % len(sent)
