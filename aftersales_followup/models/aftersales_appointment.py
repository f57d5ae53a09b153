# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from datetime import datetime, time, timedelta

import pytz
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .aftersales_guarded_mixin import is_trusted

_logger = logging.getLogger(__name__)

STATES = [
    ("booked", "Booked"),
    ("confirmed", "Confirmed"),
    ("arrived", "Arrived"),
    ("no_show", "No-show"),
    ("cancelled", "Cancelled"),
]
SOURCES = [
    ("followup", "Follow-up call"),
    ("reminder", "Reminder"),
    ("campaign", "Campaign"),
    ("parts", "Parts arrived"),
    ("case", "Case"),
    ("inbound", "Inbound call"),
    ("other", "Other"),
]
# Still to come: they can be moved, confirmed, checked in, cancelled.
OPEN_STATES = ("booked", "confirmed")
# Holding a place in the workshop: what the capacity counts (a cancelled appointment frees
# its slot, a no-show's day is over).
ACTIVE_STATES = ("booked", "confirmed", "arrived")
# The day-before reminders leave once the dealership's day has begun, not at midnight.
REMINDER_HOUR = 9
# Free slots are proposed on the half-hour, this many days ahead at most.
SLOT_MINUTES = 30
SLOT_SEARCH_DAYS = 30
# A missed appointment's call expires this many days after it is due.
NO_SHOW_CALL_WINDOW = 7
CONFIRMATION_TEMPLATE = "aftersales_followup.mail_template_appointment_confirmation"
REMINDER_TEMPLATE = "aftersales_followup.mail_template_appointment_reminder"


def _naive(value):
    """A naive UTC datetime from what the ORM holds (a string in Odoo 11)."""
    if isinstance(value, str):
        return fields.Datetime.from_string(value)
    return value


def _to_local(tz, value):
    """``value`` (naive UTC) as a naive datetime on the wall clock of ``tz``."""
    return pytz.utc.localize(_naive(value)).astimezone(tz).replace(tzinfo=None)


def _to_utc(tz, local):
    """A naive wall-clock datetime of ``tz`` as a naive UTC datetime."""
    return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)


def _hours_text(local_intervals):
    return ", ".join("%s-%s" % (start.strftime("%H:%M"), stop.strftime("%H:%M"))
                     for start, stop in local_intervals)


class AftersalesAppointment(models.Model):
    """A service appointment (预约): the visit a customer booked on the phone after a
    reminder, an accepted campaign, the parts that arrived, or a complaint. It holds a
    place in the workshop (opening hours, service bays), shows in the service advisor's
    Odoo calendar, tells the customer by email, and becomes the service visit when the
    vehicle is checked in; a customer who does not come gets a call the next working
    day."""
    _name = "aftersales.appointment"
    _description = "Service appointment"
    _inherit = ["aftersales.activity.mixin", "aftersales.guarded.mixin"]
    _order = "date_start desc, id desc"

    # Set by the transitions only (confirm, arrive, no-show, cancel, the scheduled action).
    _aftersales_guarded_fields = (
        "state", "sale_order_id", "date_confirmed", "date_arrived", "date_cancelled",
        "date_reminded", "calendar_event_id",
    )

    name = fields.Char(string="Appointment", compute="_compute_name", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True,
                                 track_visibility="onchange")
    phone = fields.Char(related="partner_id.phone", readonly=True)
    mobile = fields.Char(related="partner_id.mobile", readonly=True)
    vehicle_id = fields.Many2one("aftersales.vehicle", string="Vehicle", index=True,
                                 ondelete="restrict", track_visibility="onchange",
                                 domain="[('partner_id', '=', partner_id)]")
    date_start = fields.Datetime(string="Start", required=True, index=True,
                                 track_visibility="onchange",
                                 default=lambda self: self._default_date_start())
    duration = fields.Float(string="Duration (hours)", required=True,
                            default=lambda self: self._default_duration())
    date_stop = fields.Datetime(string="End", compute="_compute_date_stop", store=True,
                                index=True)
    date_day = fields.Date(string="Day", compute="_compute_date_day", store=True, index=True,
                           help="The appointment's day in the dealership's time zone.")
    date_local = fields.Char(string="Appointment time", compute="_compute_date_local",
                             help="Day and time in the dealership's time zone.")
    user_id = fields.Many2one("res.users", string="Service advisor", required=True,
                              index=True, default=lambda self: self.env.user,
                              track_visibility="onchange")
    state = fields.Selection(STATES, required=True, default="booked", index=True,
                             track_visibility="onchange", copy=False)
    source = fields.Selection(SOURCES, required=True, default="other", index=True,
                              help="What brought the customer to book: the KPIs measure "
                                   "which calls lead to visits.")
    call_id = fields.Many2one("aftersales.call", string="Call", index=True,
                              ondelete="set null",
                              help="The call on which the visit was booked.")
    need_id = fields.Many2one("aftersales.need", string="Potential need", index=True,
                              ondelete="set null",
                              domain="[('partner_id', '=', partner_id), "
                                     "('state', '=', 'open')]",
                              help="The need the visit serves; it is converted at check-in.")
    campaign_id = fields.Many2one("aftersales.campaign", string="Campaign", index=True,
                                  ondelete="restrict")
    sale_order_id = fields.Many2one("sale.order", string="Service visit", index=True,
                                    readonly=True, copy=False, ondelete="restrict",
                                    help="The service visit opened when the vehicle was "
                                         "checked in.")
    notes = fields.Text(help="What the customer asked for, what the workshop should know.")
    odometer = fields.Integer(string="Odometer at check-in (km)", copy=False,
                              help="Read at check-in; empty: the vehicle's last reading.")
    overbooking = fields.Boolean(
        string="Overbooked on purpose", copy=False, track_visibility="onchange",
        help="Set by an after-sales manager: the appointment is taken beyond the workshop's "
             "capacity or outside its opening hours.")
    date_confirmed = fields.Datetime(string="Confirmed on", readonly=True, copy=False)
    date_arrived = fields.Datetime(string="Arrived on", readonly=True, copy=False)
    date_cancelled = fields.Datetime(string="Cancelled on", readonly=True, copy=False)
    date_reminded = fields.Datetime(string="Reminded on", readonly=True, copy=False,
                                    help="When the day-before reminder was emailed.")
    calendar_event_id = fields.Many2one("calendar.event", string="Calendar event",
                                        readonly=True, copy=False, ondelete="set null")
    no_show_call_ids = fields.One2many("aftersales.call", "missed_appointment_id",
                                       string="Calls after the no-show", readonly=True)
    letter_ids = fields.One2many("aftersales.letter", "appointment_id", string="Letters",
                                 readonly=True)
    letter_count = fields.Integer(string="Number of letters", compute="_compute_letter_count")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.appointment"))

    # ------------------------------------------------------------------ computes

    @api.depends("partner_id.name", "vehicle_id.name")
    def _compute_name(self):
        for appointment in self:
            appointment.name = " - ".join(x for x in (
                appointment.partner_id.name, appointment.vehicle_id.name) if x)

    @api.depends("date_start", "duration")
    def _compute_date_stop(self):
        for appointment in self:
            if appointment.date_start:
                appointment.date_stop = fields.Datetime.to_string(
                    _naive(appointment.date_start)
                    + timedelta(hours=appointment.duration or 0.0))
            else:
                appointment.date_stop = False

    @api.depends("date_start", "user_id", "company_id")
    def _compute_date_day(self):
        for appointment in self:
            appointment.date_day = appointment.date_start and fields.Date.to_string(
                _to_local(appointment._aftersales_tz(), appointment.date_start).date())

    @api.depends("date_start", "user_id", "company_id")
    def _compute_date_local(self):
        for appointment in self:
            if appointment.date_start:
                appointment.date_local = _to_local(
                    appointment._aftersales_tz(), appointment.date_start
                ).strftime("%Y-%m-%d %H:%M")
            else:
                appointment.date_local = False

    def _compute_letter_count(self):
        counts = self.env["aftersales.letter"]._count_for(self)
        for appointment in self:
            appointment.letter_count = counts.get(appointment.id, 0)

    # ------------------------------------------------------------------ constraints

    @api.constrains("duration")
    def _check_duration(self):
        for appointment in self:
            if not 0 < appointment.duration <= 24:
                raise ValidationError(_(
                    "The duration of an appointment is between a few minutes and 24 "
                    "hours, not %s hours.") % appointment.duration)

    @api.constrains("partner_id", "vehicle_id")
    def _check_vehicle_owner(self):
        for appointment in self:
            owner = appointment.vehicle_id.partner_id
            if owner and owner.commercial_partner_id \
                    != appointment.partner_id.commercial_partner_id:
                raise ValidationError(_(
                    "The vehicle %(vehicle)s belongs to %(owner)s, not to %(customer)s: "
                    "book the visit for its owner.") % {
                        "vehicle": appointment.vehicle_id.display_name,
                        "owner": owner.display_name,
                        "customer": appointment.partner_id.display_name})

    @api.constrains("date_start")
    def _check_date_start(self):
        """A walk-in is recorded on its day, even after its start; a day gone by is not
        booked."""
        for appointment in self.filtered(lambda a: a.state in OPEN_STATES):
            tz = appointment._aftersales_tz()
            today = _to_local(tz, datetime.utcnow()).date()
            if _to_local(tz, appointment.date_start).date() < today:
                raise ValidationError(_(
                    "The appointment on %s is in the past: book today or a later day.")
                    % appointment.date_local)

    @api.constrains("vehicle_id", "date_start", "duration")
    def _check_vehicle_overlap(self):
        for appointment in self.filtered(
                lambda a: a.vehicle_id and a.state in OPEN_STATES):
            other = self.search([
                ("id", "!=", appointment.id),
                ("vehicle_id", "=", appointment.vehicle_id.id),
                ("state", "in", ACTIVE_STATES),
                ("date_start", "<", appointment.date_stop),
                ("date_stop", ">", appointment.date_start)], limit=1)
            if other:
                raise ValidationError(_(
                    "%(vehicle)s is already booked at that time (%(other)s, %(when)s): "
                    "move or cancel that appointment first.") % {
                        "vehicle": appointment.vehicle_id.display_name,
                        "other": other.name, "when": other.date_local})

    @api.constrains("date_start", "duration", "company_id", "overbooking")
    def _check_workshop_capacity(self):
        for appointment in self.filtered(
                lambda a: a.state in OPEN_STATES and not a.overbooking):
            problem = appointment._aftersales_slot_problem()
            if problem:
                raise ValidationError(problem)

    # ------------------------------------------------------------------ CRUD

    @api.model
    def create(self, vals):
        self._aftersales_check_overbooking_right(vals)
        self._aftersales_lock_workshop(vals.get("company_id") or self.default_get(
            ["company_id"]).get("company_id"))
        appointment = super(AftersalesAppointment, self).create(vals)
        appointment._aftersales_sync_calendar_event()
        return appointment

    @api.multi
    def write(self, vals):
        self._aftersales_check_overbooking_right(vals)
        timing = {"date_start", "duration"} & set(vals)
        moving = timing | ({"user_id", "partner_id", "vehicle_id"} & set(vals))
        if moving and not is_trusted(self.env):
            for appointment in self:
                if appointment.state not in OPEN_STATES:
                    raise UserError(_(
                        "%(appointment)s is %(state)s: only a booked or confirmed "
                        "appointment can be moved or given to someone else.") % {
                            "appointment": appointment.name,
                            "state": appointment._aftersales_state_label()})
            self._aftersales_lock_workshop(*self.mapped("company_id").ids)
        result = super(AftersalesAppointment, self).write(vals)
        if moving:
            self._aftersales_sync_calendar_event()
        if timing and not is_trusted(self.env):
            # A new time: the day-before reminder is due again, and a customer who was
            # already sent the confirmation gets the new time.
            self._aftersales_trusted().write({"date_reminded": False})
            self.filtered(lambda a: a.state == "confirmed")._aftersales_send_letters(
                CONFIRMATION_TEMPLATE, "notice")
        return result

    @api.multi
    def unlink(self):
        for appointment in self:
            if appointment.state != "cancelled":
                raise UserError(_("%s is not cancelled: cancel it, the book keeps it.")
                                % appointment.name)
        self.mapped("calendar_event_id").with_context(no_mail_to_attendees=True).unlink()
        return super(AftersalesAppointment, self).unlink()

    # ------------------------------------------------------------------ actions

    @api.multi
    def action_confirm(self):
        """The dealership confirms the booking: the customer gets the confirmation email
        (when they accept email), registered in the letter register."""
        for appointment in self:
            if appointment.state != "booked":
                raise UserError(_("%(appointment)s is %(state)s: only a booked appointment "
                                  "can be confirmed.") % {
                                      "appointment": appointment.name,
                                      "state": appointment._aftersales_state_label()})
        self._aftersales_trusted().write({"state": "confirmed",
                                          "date_confirmed": fields.Datetime.now()})
        self._aftersales_send_letters(CONFIRMATION_TEMPLATE, "notice")
        return True

    @api.multi
    def action_arrive(self):
        """Check the vehicle in: the service visit is opened and confirmed with the
        customer, the vehicle, its odometer and the booked needs, and the needs are
        converted. Returns the action that opens the service visit."""
        for appointment in self:
            if appointment.state == "cancelled":
                raise UserError(_("%s was cancelled: book a new visit instead of checking "
                                  "this one in.") % appointment.name)
            if appointment.state not in OPEN_STATES:
                raise UserError(_("%(appointment)s is %(state)s: it cannot be checked in "
                                  "again.") % {
                                      "appointment": appointment.name,
                                      "state": appointment._aftersales_state_label()})
            if not appointment.vehicle_id:
                raise UserError(_("%s: choose the vehicle before checking it in.")
                                % appointment.name)
        orders = self.env["sale.order"]
        now = fields.Datetime.now()
        for appointment in self:
            order = appointment._aftersales_open_visit()
            appointment._aftersales_trusted().write({
                "state": "arrived", "date_arrived": now, "sale_order_id": order.id})
            orders |= order
        self._aftersales_close_activities(_("Checked in"))
        action = self.env.ref("sale.action_orders").read()[0]
        action["context"] = {}
        if len(orders) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = orders.id
        else:
            action["domain"] = [("id", "in", orders.ids)]
        return action

    @api.multi
    def action_no_show(self):
        """The customer did not come: the follow-up officer calls them the next working
        day (the scheduled action does it by itself at the end of the day)."""
        now = datetime.utcnow()
        for appointment in self:
            if appointment.state not in OPEN_STATES:
                raise UserError(_("%(appointment)s is %(state)s: only a booked or "
                                  "confirmed appointment can be a no-show.") % {
                                      "appointment": appointment.name,
                                      "state": appointment._aftersales_state_label()})
            if _naive(appointment.date_start) > now:
                raise UserError(_("%s has not started yet: the customer may still come.")
                                % appointment.name)
        self._aftersales_mark_no_show(now)
        return True

    @api.multi
    def action_cancel(self):
        """Cancel the booking: the slot is free again and the advisor's calendar event
        goes."""
        for appointment in self:
            if appointment.state not in OPEN_STATES:
                raise UserError(_("%(appointment)s is %(state)s and cannot be cancelled.")
                                % {"appointment": appointment.name,
                                   "state": appointment._aftersales_state_label()})
        events = self.mapped("calendar_event_id")
        self._aftersales_trusted().write({"state": "cancelled",
                                          "date_cancelled": fields.Datetime.now()})
        events.with_context(no_mail_to_attendees=True).unlink()
        self._aftersales_close_activities(_("Cancelled"))
        return True

    @api.multi
    def action_view_letters(self):
        self.ensure_one()
        action = self.env["aftersales.letter"]._action_for(self)
        action["domain"] = [("appointment_id", "=", self.id)]
        return action

    @api.multi
    def action_view_calendar_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "view_mode": "form",
            "res_id": self.calendar_event_id.id,
        }

    # ------------------------------------------------------------------ defaults

    @api.model
    def _default_duration(self):
        company = self.env["res.company"]._company_default_get("aftersales.appointment")
        return company.aftersales_appointment_duration or 1.0

    @api.model
    def _default_date_start(self):
        company = self.env["res.company"]._company_default_get("aftersales.appointment")
        slot = self._aftersales_next_free_slot(company, self.env.user,
                                               self._default_duration())
        return fields.Datetime.to_string(slot) if slot else fields.Datetime.now()

    # ------------------------------------------------------------------ time zone, hours

    @api.model
    def _aftersales_tz_for(self, company):
        """The time zone in which the dealership's days and opening hours are told: the
        dealership's (res.company._aftersales_tz_name, the one place that decides it),
        not the advisor's: the workshop opens at the same hour for every advisor."""
        return pytz.timezone(company._aftersales_tz_name())

    def _aftersales_tz(self):
        self.ensure_one()
        return self._aftersales_tz_for(self.company_id)

    @api.model
    def _aftersales_workshop_calendar(self, company):
        """The workshop's working time: its own, else the company's working hours."""
        # sudo: the opening hours are configuration every after-sales user books against;
        # reading them changes nothing.
        company = company.sudo()
        return company.aftersales_workshop_calendar_id or company.resource_calendar_id

    @api.model
    def _aftersales_opening_intervals(self, company, tz, day):
        """The workshop's opening hours on the local ``day`` (a date), as [(start, stop)]
        naive local datetimes, sorted and merged; an interval that a public holiday or
        closure of the working time touches is closed."""
        calendar = self._aftersales_workshop_calendar(company)
        midnight = datetime.combine(day, time())
        if not calendar:
            return [(midnight, midnight + timedelta(days=1))]
        intervals = []
        for attendance in calendar.attendance_ids:
            if int(attendance.dayofweek) != day.weekday():
                continue
            if attendance.date_from and fields.Date.from_string(attendance.date_from) > day:
                continue
            if attendance.date_to and fields.Date.from_string(attendance.date_to) < day:
                continue
            intervals.append((midnight + timedelta(hours=attendance.hour_from),
                              midnight + timedelta(hours=attendance.hour_to)))
        merged = []
        for start, stop in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
            else:
                merged.append((start, stop))
        leaves = [(_naive(leave.date_from), _naive(leave.date_to))
                  for leave in calendar.global_leave_ids]
        return [(start, stop) for start, stop in merged
                if not any(leave_from < _to_utc(tz, stop) and leave_to > _to_utc(tz, start)
                           for leave_from, leave_to in leaves)]

    @api.model
    def _aftersales_next_working_day(self, company, tz, day):
        """The first day after ``day`` on which the workshop opens."""
        for offset in range(1, SLOT_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if self._aftersales_opening_intervals(company, tz, candidate):
                return candidate
        return day + timedelta(days=1)

    # ------------------------------------------------------------------ capacity

    @api.model
    def _aftersales_lock_workshop(self, *company_ids):
        """Serialize the bookings of a workshop: two people booking the last bay at once
        would each see it free. The company row is updated (to itself): the second
        transaction then fails to serialize and Odoo runs its request again, which sees
        the first booking."""
        company_ids = [cid for cid in company_ids if cid]
        if company_ids:
            self.env.cr.execute(
                "UPDATE res_company SET write_date = write_date WHERE id IN %s",
                (tuple(company_ids),))

    @api.model
    def _aftersales_busy(self, company, start, stop, exclude=()):
        """The appointments holding the workshop of ``company`` between ``start`` and
        ``stop`` (naive UTC), ``exclude`` ids left out."""
        return self.search([
            ("company_id", "=", company.id), ("state", "in", ACTIVE_STATES),
            ("date_start", "<", fields.Datetime.to_string(stop)),
            ("date_stop", ">", fields.Datetime.to_string(start)),
            ("id", "not in", list(exclude))], order="date_start")

    @staticmethod
    def _aftersales_peak(busy, start, stop):
        """How many of ``busy`` ((start, stop) naive UTC pairs) overlap at the busiest
        moment of [start, stop)."""
        changes = []
        for other_start, other_stop in busy:
            if other_start < stop and other_stop > start:
                changes.append((max(other_start, start), 1))
                changes.append((min(other_stop, stop), -1))
        peak = current = 0
        for _moment, change in sorted(changes, key=lambda c: (c[0], c[1])):
            current += change
            peak = max(peak, current)
        return peak

    @api.model
    def _aftersales_capacity_problem(self, company, tz, start, stop, busy, vehicle=None):
        """Why [start, stop) (naive UTC) cannot be booked in the workshop of ``company``
        given the appointments ``busy`` (a list of (start, stop, vehicle id)), as a
        sentence for the person booking; None when it can."""
        local_start, local_stop = _to_local(tz, start), _to_local(tz, stop)
        intervals = self._aftersales_opening_intervals(company, tz, local_start.date())
        if not any(open_from <= local_start and local_stop <= open_to
                   for open_from, open_to in intervals):
            return _("The workshop is open %(hours)s on %(day)s: %(start)s-%(stop)s is "
                     "outside its opening hours.") % {
                         "hours": _hours_text(intervals) if intervals else _("not at all"),
                         "day": local_start.strftime("%Y-%m-%d"),
                         "start": local_start.strftime("%H:%M"),
                         "stop": local_stop.strftime("%H:%M")}
        if vehicle and any(v == vehicle.id and s < stop and e > start for s, e, v in busy):
            return _("%s is already booked at that time.") % vehicle.display_name
        bays = company.aftersales_service_bays
        if bays and self._aftersales_peak([(s, e) for s, e, _v in busy], start, stop) >= bays:
            return _("The workshop's %(bays)d service bays are all booked at some point "
                     "between %(start)s and %(stop)s on %(day)s: choose another time.") % {
                         "bays": bays, "day": local_start.strftime("%Y-%m-%d"),
                         "start": local_start.strftime("%H:%M"),
                         "stop": local_stop.strftime("%H:%M")}
        daily = company.aftersales_daily_appointments
        if daily:
            day_start = _to_utc(tz, datetime.combine(local_start.date(), time()))
            day_stop = day_start + timedelta(days=1)
            taken = len([1 for s, _e, _v in busy if day_start <= s < day_stop])
            if taken >= daily:
                return _("The workshop takes %(daily)d appointments a day and %(day)s is "
                         "full: choose another day.") % {
                             "daily": daily, "day": local_start.strftime("%Y-%m-%d")}
        return None

    def _aftersales_slot_problem(self):
        self.ensure_one()
        start, stop = _naive(self.date_start), _naive(self.date_stop)
        tz = self._aftersales_tz()
        day_start = _to_utc(tz, datetime.combine(_to_local(tz, start).date(), time()))
        window_start, window_stop = min(start, day_start), max(stop, day_start
                                                               + timedelta(days=1))
        busy = [(_naive(a.date_start), _naive(a.date_stop), a.vehicle_id.id)
                for a in self._aftersales_busy(self.company_id, window_start, window_stop,
                                               exclude=self.ids)]
        return self._aftersales_capacity_problem(self.company_id, tz, start, stop, busy)

    @api.model
    def _aftersales_next_free_slot(self, company, user, duration, vehicle=None, after=None):
        """The first start (naive UTC, on the half-hour) from ``after`` (default: now) at
        which a ``duration``-hour appointment fits the workshop of ``company``; False
        when none does within a month."""
        tz = self._aftersales_tz_for(company)
        after = after or datetime.utcnow()
        horizon = after + timedelta(days=SLOT_SEARCH_DAYS + 1)
        busy = [(_naive(a.date_start), _naive(a.date_stop), a.vehicle_id.id)
                for a in self._aftersales_busy(company, after - timedelta(days=1), horizon)]
        length = timedelta(hours=duration)
        step = timedelta(minutes=SLOT_MINUTES)
        local_after = _to_local(tz, after)
        for offset in range(SLOT_SEARCH_DAYS):
            day = local_after.date() + timedelta(days=offset)
            for open_from, open_to in self._aftersales_opening_intervals(company, tz, day):
                candidate = max(open_from, local_after)
                # on the next half-hour of the wall clock
                extra = (candidate.minute % SLOT_MINUTES) * 60 + candidate.second
                if extra or candidate.microsecond:
                    candidate += timedelta(seconds=SLOT_MINUTES * 60 - extra) \
                        - timedelta(microseconds=candidate.microsecond)
                while candidate + length <= open_to:
                    start = _to_utc(tz, candidate)
                    if not self._aftersales_capacity_problem(
                            company, tz, start, start + length, busy, vehicle):
                        return start
                    candidate += step
        return False

    def _aftersales_check_overbooking_right(self, vals):
        """Only an after-sales manager books beyond capacity on purpose."""
        if vals.get("overbooking") and not is_trusted(self.env) and not self.env.user.has_group(
                "aftersales_followup.group_aftersales_manager"):
            raise AccessError(_("Only an after-sales manager can overbook the workshop."))

    # ------------------------------------------------------------------ helpers

    def _aftersales_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _aftersales_sync_calendar_event(self):
        """Keep the advisor's calendar event in step: created with the appointment,
        moved with it. Odoo's invitation emails are not sent: the customer is not an
        attendee (they get the suite's letters) and the advisor sees the event."""
        Event = self.env["calendar.event"].with_context(no_mail_to_attendees=True)
        model = self.env["ir.model"]._get(self._name)
        for appointment in self.filtered(lambda a: a.state in ACTIVE_STATES):
            values = {
                "name": _("Service: %s") % appointment.name,
                "start": appointment.date_start,
                "stop": appointment.date_stop,
                "duration": appointment.duration,
                "allday": False,
                "user_id": appointment.user_id.id,
                "partner_ids": [(6, 0, appointment.user_id.partner_id.ids)],
                "description": appointment.notes or "",
                "privacy": "public",
                "show_as": "busy",
            }
            event = appointment.calendar_event_id.with_context(no_mail_to_attendees=True)
            if event.exists():
                event.write(values)
                continue
            # The appointment has its own activities: no "meeting" activity on it.
            event = Event.create(dict(values, res_model_id=model.id, res_id=appointment.id,
                                      activity_ids=[(6, 0, [])]))
            appointment._aftersales_trusted().write({"calendar_event_id": event.id})

    def _aftersales_send_letters(self, template_xmlid, kind):
        """Register the email of ``template_xmlid`` for each appointment's customer who
        accepts email (an address, no opt-out) and put them in the mail queue: one INSERT
        into the letter register, then its chunked rendering. Returns the letters."""
        Letter = self.env["aftersales.letter"]
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template or not self.ids:
            return Letter.browse()
        self.env.cr.execute(sql.SQL("""
            INSERT INTO aftersales_letter (
                name, partner_id, kind, channel, appointment_id, mail_template_id, state,
                company_id, active, res_model, res_id,
                create_uid, create_date, write_uid, write_date)
            SELECT %(name)s, a.partner_id, %(kind)s, 'email', a.id, %(template)s, 'draft',
                   a.company_id, TRUE, 'aftersales.appointment', a.id,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM aftersales_appointment a
              JOIN res_partner p ON p.id = a.partner_id
              {file_join}
             WHERE a.id IN %(ids)s AND {may_email}
            RETURNING id
        """).format(**self.env["aftersales.call"]._customer_sql()), {
            "name": template.name, "kind": kind, "template": template.id,
            "uid": self.env.uid, "ids": tuple(self.ids)})
        letters = Letter.browse([row[0] for row in self.env.cr.fetchall()])
        letters._queue_emails()
        self.invalidate_cache(["letter_ids", "letter_count"], self.ids)
        return letters

    def _aftersales_booked_needs(self):
        """The needs the visit serves: the one booked and the vehicle's open service
        needs (which the confirmed visit converts anyway)."""
        self.ensure_one()
        needs = self.need_id.filtered(lambda n: n.state == "open")
        if self.vehicle_id:
            needs |= self.env["aftersales.need"].search([
                ("vehicle_id", "=", self.vehicle_id.id), ("state", "=", "open"),
                ("kind", "in", ("service", "tyres"))])
        return needs

    def _aftersales_visit_values(self):
        """The service visit of the check-in: customer, vehicle, odometer, a line per
        booked need."""
        self.ensure_one()
        product = self.company_id.aftersales_appointment_product_id or self.env.ref(
            "aftersales_followup.product_appointment_service", raise_if_not_found=False)
        lines = []
        if product:
            for need in self._aftersales_booked_needs():
                lines.append((0, 0, {
                    "product_id": product.id,
                    "name": "%s%s" % (need.name, need.note and "\n" + need.note or ""),
                    "product_uom_qty": 1.0,
                    "product_uom": product.uom_id.id,
                    "price_unit": product.list_price,
                }))
        return {
            "partner_id": self.partner_id.id,
            "aftersales_kind": "service",
            "vehicle_id": self.vehicle_id.id,
            "odometer_in": self.odometer or self.vehicle_id.odometer,
            "user_id": self.user_id.id,
            "company_id": self.company_id.id,
            "origin": self.name,
            "order_line": lines,
        }

    def _aftersales_open_visit(self):
        """Create and confirm the service visit of this appointment (the check-in)."""
        self.ensure_one()
        Order = self.env["sale.order"]
        if not Order.check_access_rights("create", raise_exception=False):
            # sudo: reception checks the booked vehicle in whoever is at the desk (an
            # after-sales user may have no sales rights): the visit holds exactly this
            # appointment's customer, vehicle and needs, in the advisor's name.
            Order = Order.sudo()
        needs = self._aftersales_booked_needs()
        order = Order.create(self._aftersales_visit_values())
        self._aftersales_prepare_visit(order)
        order.action_confirm()
        # The booked need of another kind (an insurance, a warranty end...) is converted
        # by this visit too; the vehicle's service needs were by the confirmation.
        # sudo: as aftersales.need._close_booked_needs, only the needs of this visit.
        needs.sudo().filtered(lambda n: n.state == "open")._aftersales_trusted().write(
            {"state": "done", "order_id": order.id})
        return order

    def _aftersales_prepare_visit(self, order):
        """Hook before the visit is confirmed (the parts addon links the parts)."""
        return order

    def _aftersales_mark_no_show(self, now):
        """Mark these appointments no-shows and give each customer's follow-up officer a
        call due the next working day (set-based; the unique index on the call's missed
        appointment makes it at most one, whatever runs at once). Returns the calls
        created."""
        if not self:
            return 0
        cr = self.env.cr
        cr.execute("""
            UPDATE aftersales_appointment SET state = 'no_show',
                   write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
             WHERE id IN %s AND state IN %s
            RETURNING id
        """, (self.env.uid, tuple(self.ids), OPEN_STATES))
        gone = self.browse([row[0] for row in cr.fetchall()])
        self.invalidate_cache(["state"], self.ids)
        if not gone:
            return 0
        ids, dues = [], []
        for appointment in gone:
            tz = appointment._aftersales_tz()
            day = max(_to_local(tz, appointment.date_start).date(),
                      _to_local(tz, now).date() - timedelta(days=1))
            ids.append(appointment.id)
            dues.append(fields.Date.to_string(self._aftersales_next_working_day(
                appointment.company_id, tz, day)))
        due = sql.SQL("""
            SELECT a.partner_id, a.vehicle_id, a.company_id, NULL::int AS rule_id,
                   a.id AS link_id,
                   COALESCE({officer}, a.user_id) AS user_id,
                   NOT {may_phone} AS do_not_call,
                   p.name || ' - ' || %(label)s AS name,
                   t.date_due, t.date_due + %(window)s AS date_expiry
              FROM aftersales_appointment a
              JOIN unnest(%(ids)s::int[], %(dues)s::date[]) AS t(id, date_due)
                ON t.id = a.id
              JOIN res_partner p ON p.id = a.partner_id
              {file_join}
              JOIN res_company c ON c.id = a.company_id
             WHERE NOT EXISTS (SELECT 1 FROM aftersales_call ac
                                WHERE ac.missed_appointment_id = a.id)
        """).format(**self.env["aftersales.call"]._customer_sql())
        _selected, created, _last = self.env["aftersales.call"]._insert_due_calls(
            due, {"ids": ids, "dues": dues, "label": _("missed appointment"),
                  "window": NO_SHOW_CALL_WINDOW},
            "missed_appointment_id", "no_show", _("Missed appointment: call the customer"))
        for appointment in gone:
            appointment.message_post(body=_(
                "The customer did not come: the follow-up officer calls them the next "
                "working day."))
        gone._aftersales_close_activities(_("No-show"))
        return created

    # ------------------------------------------------------------------ scheduled action

    @api.model
    def _cron_appointments(self, now=None, commit=False):
        """Hourly: the day-before reminders of the dealer group's appointments once the
        dealership's day has begun, and the no-shows of the days that are over."""
        now = now or datetime.utcnow()
        reminded = self._send_reminders(now)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        missed = self._mark_no_shows(now)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("Appointments: %d reminders, %d no-show calls", reminded, missed)
        return {"reminded": reminded, "no_show_calls": missed}

    @api.model
    def _send_reminders(self, now):
        """Email the reminder of tomorrow's appointments (the dealership's tomorrow), once
        per appointment (and again after a move): one UPDATE takes the appointments not
        yet reminded, one INSERT registers their letters, the register renders them."""
        window = self.search([
            ("state", "in", OPEN_STATES), ("date_reminded", "=", False),
            ("date_start", ">", fields.Datetime.to_string(now)),
            ("date_start", "<", fields.Datetime.to_string(now + timedelta(days=2)))])
        due = window.filtered(lambda a: a._aftersales_reminder_due(now))
        if not due:
            return 0
        self.env.cr.execute("""
            UPDATE aftersales_appointment SET date_reminded = %s
             WHERE id IN %s AND date_reminded IS NULL AND state IN %s
            RETURNING id
        """, (fields.Datetime.to_string(now), tuple(due.ids), OPEN_STATES))
        taken = self.browse([row[0] for row in self.env.cr.fetchall()])
        self.invalidate_cache(["date_reminded"], due.ids)
        return len(taken._aftersales_send_letters(REMINDER_TEMPLATE, "followup"))

    def _aftersales_reminder_due(self, now):
        self.ensure_one()
        tz = self._aftersales_tz()
        local_now = _to_local(tz, now)
        return local_now.hour >= REMINDER_HOUR and \
            _to_local(tz, self.date_start).date() == local_now.date() + timedelta(days=1)

    @api.model
    def _mark_no_shows(self, now):
        """The booked and confirmed appointments of a day that is over become no-shows."""
        started = self.search([("state", "in", OPEN_STATES),
                               ("date_start", "<", fields.Datetime.to_string(now))])
        return started.filtered(lambda a: a._aftersales_day_over(now)) \
            ._aftersales_mark_no_show(now)

    def _aftersales_day_over(self, now):
        """Whether the dealership's day of the appointment has ended at ``now``: a later
        day, or past the workshop's closing time."""
        self.ensure_one()
        tz = self._aftersales_tz()
        local_now = _to_local(tz, now)
        day = _to_local(tz, self.date_start).date()
        if local_now.date() > day:
            return True
        intervals = self._aftersales_opening_intervals(self.company_id, tz, day)
        closing = intervals[-1][1] if intervals else datetime.combine(day, time.max)
        return local_now >= max(closing, _to_local(tz, self.date_stop))
