# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""When a back-ordered part arrives, the customer is told to book the visit (email from
the template, in the letter register) and the officer gets a call to arrange it; nothing
is announced twice."""
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.tools import mute_logger

from odoo.addons.aftersales_followup.tests.common import create_staff

from .common import PartsCommon


class TestArrival(PartsCommon):

    def waiting_request(self, customer=None, lines=None):
        vehicle = self.vehicle if customer is None else self.create_vehicle(customer)
        request = self.create_request(lines or [(self.water_pump, 1)], vehicle=vehicle)
        request.action_confirm()
        self.assertEqual(request.line_ids.mapped("state"), ["backorder"] * len(
            request.line_ids))
        return request

    def today(self):
        """The dealership's today: the day the arrival call is due."""
        return self.company._aftersales_today()

    def test_arrival_makes_the_line_available_and_tells_the_customer_once(self):
        request = self.waiting_request()
        template = self.env.ref("aftersales_parts.mail_template_parts_arrived")
        self.assertFalse(self.letters_of(request))
        self.receive(self.water_pump, 1)
        line = request.line_ids
        self.assertEqual(line.state, "available")
        self.assertEqual(request.state, "ready")
        self.assertTrue(line.date_available)
        self.assertTrue(line.arrival_announced)
        self.assertTrue(request.arrival_announced)
        # The email, from the template, queued and in the letter register.
        mail = self.mails_of(request)
        self.assertEqual(len(mail), 1)
        self.assertIn("Your part has arrived", mail.subject)
        self.assertIn("Water pump S5 (h5)", mail.body_html)
        self.assertEqual(mail.recipient_ids, self.customer)
        letter = self.letters_of(request)
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.kind, "notice")
        self.assertEqual(letter.partner_id, self.customer)
        self.assertEqual(letter.mail_template_id, template)
        self.assertEqual(letter.mail_id, mail)
        self.assertEqual(request.letter_count, 1)
        self.assertEqual(self.env["aftersales.letter"].search(
            request.action_view_letters()["domain"]), letter)
        # The officer's call to book the visit, due today, in their activities.
        call = self.calls_of(request)
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "todo")
        self.assertEqual(call.purpose, "parts_arrival")
        self.assertEqual(call.user_id, self.officer)
        self.assertEqual(call.partner_id, self.customer)
        self.assertEqual(call.vehicle_id, self.vehicle)
        self.assertEqual(call.date_due, self.today())
        # It expires some day too: the company's window of calls made without a rule.
        self.assertEqual(call.date_expiry, fields.Date.to_string(
            fields.Date.from_string(self.today())
            + timedelta(days=self.company.aftersales_call_window_days)))
        self.assertEqual(letter.call_id, call)
        activity = self.activities_of(call)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.officer)
        # Processing the arrival again announces nothing more.
        request.picking_ids.action_assign()
        request._aftersales_after_reservation()
        request.picking_ids.move_lines._action_assign()
        self.receive(self.water_pump, 3)
        self.assertEqual(len(self.mails_of(request)), 1)
        self.assertEqual(len(self.letters_of(request)), 1)
        self.assertEqual(len(self.calls_of(request)), 1)
        self.assertEqual(len(self.activities_of(self.calls_of(request))), 1)

    def test_oldest_request_is_served_first(self):
        first = self.waiting_request(self.create_customer("First Waiting"))
        second = self.waiting_request(self.create_customer("Second Waiting"))
        self.receive(self.water_pump, 1)
        self.assertEqual(first.state, "ready")
        self.assertEqual(second.state, "confirmed")
        self.assertEqual(len(self.letters_of(first)), 1)
        self.assertFalse(self.letters_of(second))
        self.assertFalse(self.calls_of(second))

    def test_no_announcement_until_every_part_is_in(self):
        request = self.waiting_request(lines=[(self.water_pump, 1), (self.brake_pads, 2)])
        self.receive(self.water_pump, 1)
        pump, pads = request.line_ids
        self.assertEqual(pump.state, "available")
        self.assertEqual(pads.state, "backorder")
        self.assertEqual(request.state, "partially_available")
        self.assertFalse(self.letters_of(request))
        self.assertFalse(self.calls_of(request))
        self.receive(self.brake_pads, 2)
        self.assertEqual(request.state, "ready")
        self.assertEqual(len(self.letters_of(request)), 1)
        self.assertEqual(len(self.calls_of(request)), 1)
        self.assertTrue(pump.arrival_announced and pads.arrival_announced)

    def test_lines_served_from_stock_are_not_announced(self):
        self.put_in_stock(self.oil_filter, 5)
        request = self.create_request([(self.oil_filter, 1)])
        request.action_confirm()
        request.picking_ids.action_assign()
        self.assertEqual(request.state, "ready")
        self.assertFalse(self.letters_of(request))
        self.assertFalse(self.calls_of(request))

    def test_do_not_call_customer_gets_no_call_to_make(self):
        customer = self.create_customer("No Phone Please", do_not_call=True)
        request = self.waiting_request(customer)
        self.receive(self.water_pump, 1)
        call = self.calls_of(request)
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "cancelled")
        self.assertIn("do-not-call", call.notes)
        self.assertFalse(self.activities_of(call))
        self.assertEqual(len(self.letters_of(request)), 1)

    def test_opted_out_customer_gets_no_email(self):
        customer = self.create_customer("No Mail Please", opt_out=True)
        request = self.waiting_request(customer)
        self.receive(self.water_pump, 1)
        self.assertEqual(request.state, "ready")
        self.assertTrue(request.line_ids.arrival_announced)
        self.assertFalse(self.letters_of(request))
        self.assertFalse(self.mails_of(request))
        self.assertEqual(self.calls_of(request).state, "todo")

    def test_database_refuses_a_second_arrival_call(self):
        request = self.waiting_request()
        self.receive(self.water_pump, 1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            request._create_arrival_call()
        self.env.clear()
        self.assertEqual(len(self.calls_of(request)), 1)

    def test_a_fleet_driver_s_parts_go_through_the_company_s_file(self):
        """A fleet company's driver: the arrival call goes to the officer of the
        company's file; the company's refusals (phone, email) count for its driver."""
        fleet_officer = create_staff(self.env, "h16_parts_fleet", "Fleet Officer (h16)",
                                     [self.USER, self.CONTACTS])
        fleet = self.env["res.partner"].create({
            "name": "Fleet Logistics (h16 parts)", "is_company": True,
            "email": "fleet@example.com", "aftersales_user_id": fleet_officer.id})
        driver = self.env["res.partner"].create({
            "name": "Fleet Driver (h16 parts)", "parent_id": fleet.id,
            "email": "driver@example.com"})
        first = self.waiting_request(customer=driver)
        self.receive(self.water_pump, 1)
        call = self.calls_of(first)
        self.assertEqual((call.partner_id, call.user_id, call.state),
                         (driver, fleet_officer, "todo"))
        self.assertEqual(self.activities_of(call).user_id, fleet_officer)
        self.assertEqual(len(self.mails_of(first)), 1)
        fleet.write({"do_not_call": True, "opt_out": True})
        second = self.waiting_request(customer=driver)
        self.receive(self.water_pump, 1)
        call = self.calls_of(second)
        self.assertEqual((call.state, call.cancel_reason), ("cancelled", "do_not_call"))
        self.assertFalse(self.activities_of(call))
        self.assertFalse(self.mails_of(second), "the company asked for no email")
