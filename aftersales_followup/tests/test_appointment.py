# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The service appointment book (issue 19): capacity and opening hours, the advisor's
calendar, the confirmation and day-before reminder in the letter register, the check-in
that opens the service visit, no-shows that become a call the next working day, booking
from the calls that ask the customer to come, the guarded workflow and the KPIs."""
from datetime import datetime, time, timedelta

import pytz
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .common import AftersalesCommon, create_staff


class AppointmentCase(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(AppointmentCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_create_nosubscribe=True))
        # A workshop open every day 8:00-18:00 with two bays: the tests do not depend on
        # the weekday they run on.
        cls.workshop = cls.env["resource.calendar"].create({
            "name": "Workshop (h19)",
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": str(d), "dayofweek": str(d), "hour_from": 8.0,
                        "hour_to": 18.0}) for d in range(7)],
        })
        cls.company.write({"aftersales_workshop_calendar_id": cls.workshop.id,
                           "aftersales_service_bays": 2,
                           "aftersales_daily_appointments": 0,
                           "aftersales_appointment_duration": 1.0})
        cls.Appointment = cls.env["aftersales.appointment"]
        cls.tz = cls.Appointment._aftersales_tz_for(cls.company)
        cls.customer.aftersales_user_id = cls.officer
        cls.customer2 = cls.create_customer("Zhao Min", aftersales_user_id=cls.officer.id)
        cls.vehicle2 = cls.create_vehicle(cls.customer2, license_plate="沪B·H1902")
        cls.opted_out = cls.create_customer("Opted Out", opt_out=True)
        cls.vehicle3 = cls.create_vehicle(cls.opted_out, license_plate="沪C·H1903")
        # A workshop open day and night, for appointments that must have started already.
        cls.always_open = cls.env["resource.calendar"].create({
            "name": "Always open (h19)",
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": str(d), "dayofweek": str(d), "hour_from": 0.0,
                        "hour_to": 24.0}) for d in range(7)],
        })
        # The demo's appointments leave the workshop, the reminders and the no-shows to
        # the tests' own.
        demo = cls.Appointment.search([("state", "in", ("booked", "confirmed", "arrived"))])
        demo._aftersales_trusted().write({"state": "cancelled"})

    # ------------------------------------------------------------------ helpers

    def local_day(self, days):
        today = fields.Datetime.context_timestamp(
            self.Appointment.sudo(self.officer), datetime.utcnow()).date()
        return today + timedelta(days=days)

    def at(self, days, hour, minute=0):
        """UTC datetime of ``hour``:``minute`` on the dealership's day today + ``days``."""
        local = datetime.combine(self.local_day(days), time(hour, minute))
        return self.tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    def book(self, days=1, hour=10, minute=0, user=None, **vals):
        values = {
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "user_id": self.officer.id,
            "date_start": fields.Datetime.to_string(self.at(days, hour, minute)),
            "duration": 1.0,
        }
        values.update(vals)
        return self.Appointment.sudo(user or self.officer).create(values)

    def started(self, **vals):
        """An appointment that began at midnight today (the workshop open day and night)."""
        self.company.aftersales_workshop_calendar_id = self.always_open
        return self.book(days=0, hour=0, **vals)

    def calls_missed(self, appointment):
        return self.env["aftersales.call"].with_context(active_test=False).search(
            [("missed_appointment_id", "=", appointment.id)])


class TestAppointmentBooking(AppointmentCase):

    def test_booking_shows_in_the_advisors_calendar_and_follows_it(self):
        appointment = self.book(days=1, hour=10)
        event = appointment.calendar_event_id
        self.assertTrue(event, "no calendar event for the advisor")
        self.assertEqual(event.user_id, self.officer)
        self.assertIn(self.officer.partner_id, event.partner_ids)
        self.assertNotIn(self.customer, event.partner_ids)
        self.assertEqual((event.start, event.stop),
                         (appointment.date_start, appointment.date_stop))
        self.assertEqual((event.res_model, event.res_id),
                         ("aftersales.appointment", appointment.id))
        self.assertFalse(self.activities_of(appointment),
                         "the event made a meeting activity on the appointment")
        appointment.write({"date_start": fields.Datetime.to_string(self.at(1, 14)),
                           "user_id": self.supervisor.id})
        self.assertEqual(event.start, fields.Datetime.to_string(self.at(1, 14)))
        self.assertEqual(event.user_id, self.supervisor)
        appointment.action_cancel()
        self.assertEqual(appointment.state, "cancelled")
        self.assertFalse(event.exists(), "the cancelled appointment is still in the calendar")
        self.assertTrue(appointment.date_cancelled)

    def test_name_day_and_local_time(self):
        appointment = self.book(days=2, hour=9, minute=30)
        self.assertEqual(appointment.name, "Li Wei - %s" % self.vehicle.name)
        self.assertEqual(appointment.date_day, fields.Date.to_string(self.local_day(2)))
        self.assertEqual(appointment.date_local,
                         "%s 09:30" % fields.Date.to_string(self.local_day(2)))
        self.assertEqual(appointment.date_stop, fields.Datetime.to_string(self.at(2, 10, 30)))

    def test_cancelling_frees_the_slot(self):
        self.company.aftersales_service_bays = 1
        first = self.book(days=3, hour=11)
        with self.assertRefused(ValidationError, "service bays"):
            self.book(days=3, hour=11, partner_id=self.customer2.id,
                      vehicle_id=self.vehicle2.id)
        first.action_cancel()
        second = self.book(days=3, hour=11, partner_id=self.customer2.id,
                           vehicle_id=self.vehicle2.id)
        self.assertEqual(second.state, "booked")

    def test_beyond_the_bays_is_refused_unless_a_manager_overbooks(self):
        self.book(days=2, hour=10)
        self.book(days=2, hour=10, minute=30, partner_id=self.customer2.id,
                  vehicle_id=self.vehicle2.id)
        count = self.Appointment.search_count([])
        # 10:30-11:30 overlaps both: the two bays are taken at 10:30
        with self.assertRefused(ValidationError, "service bays are all booked"):
            self.book(days=2, hour=10, minute=15, partner_id=self.opted_out.id,
                      vehicle_id=self.vehicle3.id)
        self.assertEqual(self.Appointment.search_count([]), count, "something was saved")
        # 11:00 is free again in one bay
        self.book(days=2, hour=11, partner_id=self.opted_out.id,
                  vehicle_id=self.vehicle3.id).action_cancel()
        # the officer may not overbook, with or without context keys
        for context in ({}, {"aftersales_trusted": True}, {"default_overbooking": True}):
            with self.assertRefused(AccessError, "Only an after-sales manager"):
                self.Appointment.sudo(self.officer).with_context(**context).create({
                    "partner_id": self.opted_out.id, "vehicle_id": self.vehicle3.id,
                    "user_id": self.officer.id, "overbooking": True,
                    "date_start": fields.Datetime.to_string(self.at(2, 10, 15))})
        overbooked = self.book(days=2, hour=10, minute=15, user=self.supervisor,
                               partner_id=self.opted_out.id, vehicle_id=self.vehicle3.id,
                               overbooking=True)
        self.assertTrue(overbooked.overbooking)
        with self.assertRefused(AccessError, "Only an after-sales manager"):
            self.book(days=4, hour=10).sudo(self.officer).write({"overbooking": True})

    def test_daily_limit(self):
        self.company.aftersales_daily_appointments = 1
        self.book(days=5, hour=9)
        with self.assertRefused(ValidationError, "appointments a day"):
            self.book(days=5, hour=15, partner_id=self.customer2.id,
                      vehicle_id=self.vehicle2.id)
        self.book(days=6, hour=15, partner_id=self.customer2.id, vehicle_id=self.vehicle2.id)

    def test_next_free_slot_skips_full_bays_and_closed_hours(self):
        self.company.aftersales_service_bays = 1
        after = self.at(7, 7, 10)  # before opening
        slot = self.Appointment._aftersales_next_free_slot(self.company, self.officer, 1.0,
                                                           after=after)
        self.assertEqual(slot, self.at(7, 8))
        self.book(days=7, hour=8)
        slot = self.Appointment._aftersales_next_free_slot(self.company, self.officer, 1.0,
                                                           after=after)
        self.assertEqual(slot, self.at(7, 9))
        late = self.Appointment._aftersales_next_free_slot(self.company, self.officer, 1.0,
                                                           after=self.at(7, 17, 20))
        self.assertEqual(late, self.at(8, 8), "no appointment runs past closing time")


class TestAppointmentBadInput(AppointmentCase):

    def assert_nothing_saved(self, count):
        self.assertEqual(self.Appointment.search_count([]), count)

    def test_a_day_in_the_past_is_refused(self):
        count = self.Appointment.search_count([])
        with self.assertRefused(ValidationError, "in the past"):
            self.book(days=-1, hour=10)
        self.assert_nothing_saved(count)
        appointment = self.book(days=1, hour=10)
        with self.assertRefused(ValidationError, "in the past"):
            appointment.write({"date_start": fields.Datetime.to_string(self.at(-2, 10))})
        self.assertEqual(appointment.date_start, fields.Datetime.to_string(self.at(1, 10)))

    def test_a_vehicle_of_another_customer_is_refused(self):
        count = self.Appointment.search_count([])
        with self.assertRefused(ValidationError, "belongs to"):
            self.book(days=1, hour=10, vehicle_id=self.vehicle2.id)
        self.assert_nothing_saved(count)

    def test_overlapping_bookings_of_the_same_vehicle_are_refused(self):
        self.company.aftersales_service_bays = 10
        self.book(days=1, hour=10)
        count = self.Appointment.search_count([])
        with self.assertRefused(ValidationError, "already booked"):
            self.book(days=1, hour=10, minute=30)
        self.assert_nothing_saved(count)
        self.book(days=1, hour=11)  # right after: fine

    def test_a_slot_outside_opening_hours_is_refused(self):
        count = self.Appointment.search_count([])
        with self.assertRefused(ValidationError, "outside its opening hours"):
            self.book(days=1, hour=19)
        with self.assertRefused(ValidationError, "outside its opening hours"):
            self.book(days=1, hour=17, minute=30)  # runs past 18:00
        # a public holiday of the workshop's working time closes the day
        start = self.at(9, 0)
        self.env["resource.calendar.leaves"].create({
            "name": "Spring Festival", "calendar_id": self.workshop.id,
            "date_from": fields.Datetime.to_string(start),
            "date_to": fields.Datetime.to_string(start + timedelta(hours=23, minutes=59))})
        with self.assertRefused(ValidationError, "not at all"):
            self.book(days=9, hour=10)
        self.assert_nothing_saved(count)

    def test_arrival_of_a_cancelled_appointment_is_refused(self):
        appointment = self.book(days=1, hour=10)
        appointment.action_cancel()
        orders = self.env["sale.order"].search_count([])
        with self.assertRefused(UserError, "was cancelled"):
            appointment.sudo(self.officer).action_arrive()
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        self.assertEqual(appointment.state, "cancelled")
        with self.assertRefused(UserError):
            appointment.action_confirm()
        with self.assertRefused(UserError, "only a booked or confirmed"):
            appointment.write({"date_start": fields.Datetime.to_string(self.at(2, 10))})

    def test_duration_must_be_positive(self):
        with self.assertRefused(ValidationError, "duration"):
            self.book(days=1, hour=10, duration=0)


class TestAppointmentGuards(AppointmentCase):
    """The workflow holds on the server: only the action methods set the state, the
    visit and the dates they record, whatever the caller sends."""

    def test_officer_cannot_set_the_state_or_the_visit(self):
        appointment = self.book(days=1, hour=10)
        order = self.create_service_visit()
        as_officer = appointment.sudo(self.officer)
        for context in ({}, {"aftersales_trusted": True}, {"aftersales_trusted": "1"}):
            for vals in ({"state": "arrived"}, {"sale_order_id": order.id},
                         {"date_arrived": fields.Datetime.now()},
                         {"calendar_event_id": False}):
                with self.assertRefused(AccessError, "cannot be set directly"):
                    as_officer.with_context(**context).write(vals)
        self.assertEqual(appointment.state, "booked")
        with self.assertRefused(AccessError):
            as_officer.write({"company_id": self.company2.id})

    def test_officer_cannot_create_an_appointment_already_arrived(self):
        count = self.Appointment.search_count([])
        values = {"partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
                  "user_id": self.officer.id,
                  "date_start": fields.Datetime.to_string(self.at(1, 10))}
        as_officer = self.Appointment.sudo(self.officer)
        for context in ({}, {"aftersales_trusted": True}):
            with self.assertRefused(AccessError, "cannot be set directly"):
                as_officer.with_context(**context).create(dict(values, state="arrived"))
            with self.assertRefused(AccessError, "cannot be set directly"):
                as_officer.with_context(default_state="arrived", **context).create(values)
            with self.assertRefused(AccessError, "cannot be set directly"):
                as_officer.with_context(**context).create(
                    dict(values, date_arrived=fields.Datetime.now()))
        self.assertEqual(self.Appointment.search_count([]), count)
        # the defaults a form sends back are fine
        self.assertEqual(self.book(days=1, hour=10, state="booked").state, "booked")

    def test_plain_employee_and_other_dealership_see_nothing(self):
        appointment = self.book(days=1, hour=10)
        with self.assertRefused(AccessError):
            appointment.sudo(self.plain_user).read(["name"])
        self.assertFalse(self.Appointment.sudo(self.officer2).search(
            [("id", "=", appointment.id)]))


class TestAppointmentLetters(AppointmentCase):

    def test_confirmation_is_registered_and_queued(self):
        appointment = self.book(days=1, hour=10)
        appointment.sudo(self.officer).action_confirm()
        self.assertEqual(appointment.state, "confirmed")
        self.assertTrue(appointment.date_confirmed)
        letter = appointment.letter_ids
        self.assertEqual(len(letter), 1)
        self.assertEqual((letter.kind, letter.channel, letter.partner_id),
                         ("notice", "email", self.customer))
        self.assertEqual(letter.mail_template_id, self.env.ref(
            "aftersales_followup.mail_template_appointment_confirmation"))
        self.assertEqual(letter.sudo().mail_id.state, "outgoing")
        self.assertIn(appointment.date_local, letter.body_html)
        self.assertIn(self.officer.name, letter.body_html)
        self.assertEqual(letter.sudo().mail_id.recipient_ids, self.customer)
        self.assertEqual(appointment.letter_count, 1)
        # moved after the confirmation: the customer is told the new time
        appointment.write({"date_start": fields.Datetime.to_string(self.at(2, 15))})
        appointment.invalidate_cache()
        self.assertEqual(len(appointment.letter_ids), 2)
        self.assertIn(appointment.date_local, appointment.letter_ids.sorted("id")[-1].body_html)

    def test_confirmation_honours_the_opt_out(self):
        appointment = self.book(days=1, hour=10, partner_id=self.opted_out.id,
                                vehicle_id=self.vehicle3.id)
        appointment.action_confirm()
        self.assertEqual(appointment.state, "confirmed")
        self.assertFalse(appointment.letter_ids)
        self.assertFalse(self.letters_of(self.opted_out))

    def test_the_day_before_reminder_is_sent_once_set_based(self):
        first = self.book(days=1, hour=10)
        second = self.book(days=1, hour=11, partner_id=self.opted_out.id,
                           vehicle_id=self.vehicle3.id)
        later = self.book(days=2, hour=10, partner_id=self.customer2.id,
                          vehicle_id=self.vehicle2.id)
        # today 07:00, before the dealership's day begins: nothing yet
        early = self.at(0, 7)
        self.assertEqual(self.Appointment._cron_appointments(now=early)["reminded"], 0)
        now = self.at(0, 9, 30)
        result = self.Appointment._cron_appointments(now=now)
        self.assertEqual(result["reminded"], 1)
        reminder = self.env.ref("aftersales_followup.mail_template_appointment_reminder")
        self.assertEqual(first.letter_ids.mail_template_id, reminder)
        self.assertIn(first.date_local, first.letter_ids.body_html)
        self.assertEqual(first.letter_ids.sudo().mail_id.state, "outgoing")
        self.assertTrue(first.date_reminded and second.date_reminded)
        self.assertFalse(second.letter_ids, "the opted-out customer was emailed")
        self.assertFalse(later.letter_ids, "reminded two days ahead")
        # a second run, or another worker: nothing more
        self.assertEqual(self.Appointment._cron_appointments(now=now)["reminded"], 0)
        # moved to the next day: reminded again the day before
        first.write({"date_start": fields.Datetime.to_string(self.at(2, 16))})
        self.assertFalse(first.date_reminded)
        self.assertEqual(self.Appointment._cron_appointments(
            now=self.at(1, 9, 30))["reminded"], 2)
        self.assertEqual(len(first.letter_ids), 2)

    def test_reminder_body_is_the_one_the_orm_renders(self):
        """The set-based rendering gives each letter what the template renders for it."""
        appointment = self.book(days=1, hour=10)
        self.Appointment._cron_appointments(now=self.at(0, 10))
        letter = appointment.letter_ids
        template = letter.mail_template_id
        expected = template.generate_email(letter.id, ["subject", "body_html"])
        self.assertEqual(letter.name, expected["subject"])
        self.assertEqual(letter.body_html, expected["body_html"])


class TestAppointmentArrival(AppointmentCase):

    def test_check_in_opens_the_confirmed_service_visit(self):
        need = self.env["aftersales.need"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id, "kind": "service",
            "date_expected": self.days_from_today(10), "note": "40,000 km service"})
        insurance = self.env["aftersales.need"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "kind": "insurance", "date_expected": self.days_from_today(15)})
        self.vehicle.odometer = 12000
        appointment = self.book(days=0, hour=8, need_id=insurance.id, source="reminder",
                                odometer=12500)
        action = appointment.sudo(self.officer).action_arrive()
        order = appointment.sale_order_id
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        self.assertEqual(appointment.state, "arrived")
        self.assertTrue(appointment.date_arrived)
        self.assertEqual((order.state, order.aftersales_kind, order.partner_id,
                          order.vehicle_id, order.odometer_in, order.user_id),
                         ("sale", "service", self.customer, self.vehicle, 12500,
                          self.officer))
        self.assertTrue(order.checkin_date)
        self.assertEqual(self.vehicle.odometer, 12500)
        self.assertEqual(len(order.order_line), 2, "a line per booked need")
        self.assertTrue(any("40,000 km service" in line.name for line in order.order_line))
        self.assertEqual((need.state, need.order_id), ("done", order))
        self.assertEqual((insurance.state, insurance.order_id), ("done", order))
        self.assertEqual(need.converted, 1)
        with self.assertRefused(UserError, "cannot be checked in again"):
            appointment.action_arrive()
        self.assertEqual(appointment.calendar_event_id.user_id, self.officer,
                         "the visit stays in the advisor's calendar")

    def test_officer_without_sales_rights_checks_in(self):
        clerk = create_staff(self.env, "h19_clerk", "Clerk Without Sales",
                             [self.USER, self.CONTACTS], tz=self.officer.tz)
        appointment = self.book(days=0, hour=8, user=clerk, user_id=clerk.id)
        self.assertFalse(self.env["sale.order"].sudo(clerk).check_access_rights(
            "create", raise_exception=False))
        appointment.action_arrive()
        self.assertEqual(appointment.sudo(self.env.user).sale_order_id.state, "sale")

    def test_check_in_needs_a_vehicle(self):
        appointment = self.book(days=0, hour=8, vehicle_id=False)
        with self.assertRefused(UserError, "choose the vehicle"):
            appointment.action_arrive()


class TestAppointmentNoShow(AppointmentCase):

    def test_not_arrived_by_the_end_of_the_day_becomes_a_call_next_working_day(self):
        appointment = self.book(days=1, hour=10, user=self.supervisor,
                                user_id=self.supervisor.id)
        other = self.book(days=1, hour=14, partner_id=self.customer2.id,
                          vehicle_id=self.vehicle2.id)
        other.action_arrive()
        # the workshop is closed the day after (a leave over that whole day)
        closed = self.at(2, 0)
        self.env["resource.calendar.leaves"].create({
            "name": "Closed (h19)", "calendar_id": self.workshop.id,
            "date_from": fields.Datetime.to_string(closed),
            "date_to": fields.Datetime.to_string(closed + timedelta(hours=23))})
        # during its day: nothing yet
        result = self.Appointment._cron_appointments(now=self.at(1, 16))
        self.assertEqual(result["no_show_calls"], 0)
        self.assertEqual(appointment.state, "booked")
        # after closing time
        result = self.Appointment._cron_appointments(now=self.at(1, 18, 30))
        self.assertEqual(result["no_show_calls"], 1)
        appointment.invalidate_cache()
        self.assertEqual(appointment.state, "no_show")
        self.assertEqual(other.state, "arrived")
        call = self.calls_missed(appointment)
        self.assertEqual(len(call), 1)
        # the customer's follow-up officer, not the advisor; the day after is closed
        self.assertEqual((call.user_id, call.purpose, call.state, call.partner_id,
                          call.vehicle_id, call.date_due),
                         (self.officer, "no_show", "todo", self.customer, self.vehicle,
                          fields.Date.to_string(self.local_day(3))))
        self.assertTrue(self.activities_of(call))
        self.assertTrue(call.offers_booking)
        self.assertEqual(appointment.no_show_call_ids, call)
        self.assertTrue(appointment.message_ids.filtered(
            lambda m: "did not come" in (m.body or "")))
        # again, or a second worker: no second call
        self.assertEqual(self.Appointment._cron_appointments(
            now=self.at(2, 9))["no_show_calls"], 0)
        self.assertEqual(len(self.calls_missed(appointment)), 1)

    def test_at_most_one_call_per_missed_appointment_in_the_database(self):
        appointment = self.started()
        appointment.sudo(self.officer).action_no_show()
        self.assertEqual(appointment.state, "no_show")
        call = self.calls_missed(appointment)
        self.assertEqual(len(call), 1)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                call._aftersales_trusted().copy({"missed_appointment_id": appointment.id})

    def test_do_not_call_customer_gets_a_cancelled_call(self):
        self.customer.do_not_call = True
        appointment = self.started()
        appointment.action_no_show()
        call = self.calls_missed(appointment)
        self.assertEqual(call.state, "cancelled")
        self.assertIn("do-not-call", call.notes)
        self.assertFalse(self.activities_of(call))

    def test_no_show_before_the_start_is_refused(self):
        appointment = self.book(days=1, hour=10)
        with self.assertRefused(UserError, "has not started yet"):
            appointment.action_no_show()
        self.assertEqual(appointment.state, "booked")


class TestBookingFromCalls(AppointmentCase):

    def call(self, **vals):
        values = {"partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
                  "user_id": self.officer.id, "direction": "out", "purpose": "other"}
        values.update(vals)
        # the call the suite would have made (a reminder, a campaign notice)
        return self.env["aftersales.call"]._aftersales_trusted().create(values).with_env(
            self.env)

    def book_from(self, call):
        action = call.sudo(self.officer).action_book()
        self.assertEqual((action["res_model"], action["view_mode"]),
                         ("aftersales.appointment", "form"))
        context = action["context"]
        form = self.Appointment.sudo(self.officer).with_context(**context)
        defaults = form.default_get(list(self.Appointment._fields))
        return context, form.create(defaults)

    def test_reminder_call_books_the_need(self):
        need = self.env["aftersales.need"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "kind": "tyres", "date_expected": self.days_from_today(5)})
        call = self.call(need_id=need.id)
        self.assertTrue(call.offers_booking)
        context, appointment = self.book_from(call)
        self.assertTrue(context.get("default_date_start"), "no free slot proposed")
        self.assertEqual((appointment.partner_id, appointment.vehicle_id, appointment.source,
                          appointment.call_id, appointment.need_id, appointment.user_id),
                         (self.customer, self.vehicle, "reminder", call, need, self.officer))
        call.invalidate_cache()
        self.assertEqual(call.appointment_id, appointment)
        self.assertFalse(self.call().offers_booking, "a plain call asks nobody to come")

    def test_accepted_campaign_and_unhappy_customer_offer_a_visit(self):
        campaign = self.env["aftersales.campaign"].create({
            "name": "Free check (h19)", "kind": "free_service",
            "date_event": self.days_from_today(20)})
        call = self.call(purpose="campaign", campaign_id=campaign.id,
                         campaign_response="accepted")
        self.assertTrue(call.offers_booking)
        _context, appointment = self.book_from(call)
        self.assertEqual((appointment.source, appointment.campaign_id),
                         ("campaign", campaign))
        campaign.invalidate_cache()
        self.assertEqual(campaign.appointment_ids, appointment)
        self.assertEqual(call.appointment_id, appointment)
        unhappy = self.call(purpose="followup", satisfaction="2",
                            partner_id=self.customer2.id, vehicle_id=self.vehicle2.id)
        self.assertTrue(unhappy.offers_booking)
        self.assertEqual(self.book_from(unhappy)[1].source, "case")
        declined = self.call(purpose="campaign", campaign_id=campaign.id,
                             campaign_response="declined", partner_id=self.customer2.id)
        self.assertFalse(declined.offers_booking)

    def test_no_show_call_rebooks_with_the_first_source(self):
        need = self.env["aftersales.need"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "kind": "service", "date_expected": self.days_from_today(5)})
        missed = self.started(source="reminder", need_id=need.id)
        missed.action_no_show()
        call = self.calls_missed(missed)
        _context, again = self.book_from(call)
        self.assertEqual((again.source, again.need_id, again.call_id),
                         ("reminder", need, call))


class TestAppointmentKpis(AppointmentCase):

    def test_booking_rate_show_rate_and_lead_time(self):
        # the reminder calls the suite would have made
        Call = self.env["aftersales.call"]._aftersales_trusted()
        base = {"user_id": self.officer.id, "direction": "out", "purpose": "other",
                "date_due": self.today}
        need = self.env["aftersales.need"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "kind": "tyres", "date_expected": self.days_from_today(5)})
        booked_call = Call.create(dict(base, partner_id=self.customer.id, need_id=need.id,
                                       vehicle_id=self.vehicle.id))
        lost_call = Call.create(dict(base, partner_id=self.customer2.id, need_id=need.id))
        (booked_call | lost_call).action_done()
        came = self.book(days=0, hour=8, call_id=booked_call.id, source="reminder")
        came.action_arrive()
        missed = self.started(partner_id=self.customer2.id, vehicle_id=self.vehicle2.id,
                              source="inbound")
        missed.action_no_show()
        Report = self.env["aftersales.appointment.report"]
        rows = Report.search([("partner_id", "in", (self.customer | self.customer2).ids)])
        by_call = {row.call_id: row for row in rows if row.call_id}
        self.assertEqual(by_call[booked_call].booked, 1)
        self.assertEqual(by_call[booked_call].arrived, 1)
        self.assertEqual(by_call[booked_call].source, "reminder")
        self.assertGreaterEqual(by_call[booked_call].lead_days, 0)
        self.assertEqual(by_call[lost_call].booked, 0)
        self.assertFalse(by_call[lost_call].appointment_id)
        alone = rows.filtered(lambda r: r.appointment_id == missed)
        self.assertEqual((alone.call_count, alone.arrived, alone.source), (0, 0, "inbound"))
        groups = Report.read_group(
            [("partner_id", "in", (self.customer | self.customer2).ids)],
            ["booked", "arrived", "call_count", "source"], ["source"])
        reminder = [g for g in groups if g["source"] == "reminder"][0]
        self.assertEqual((reminder["booked"], reminder["call_count"]), (0.5, 2))
        self.assertEqual(reminder["arrived"], 1)
        inbound = [g for g in groups if g["source"] == "inbound"][0]
        self.assertEqual(inbound["arrived"], 0)
        self.assertFalse(inbound["booked"])
        self.assertEqual(Report.sudo(self.officer).search_count(
            [("id", "in", rows.ids)]), len(rows))
        self.assertFalse(Report.sudo(self.officer2).search([("id", "in", rows.ids)]))
