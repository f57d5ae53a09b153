# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who is the customer, who is their officer, may we phone, may we email: one answer,
the customer file's (the commercial partner's), on every path. A fleet company's visits
are booked on its drivers; the company's officer follows them, and a refusal by the
company or by the driver is honoured. Officer turnover: reassigning customers moves their
open calls and activities, set-based, with the chatter saying so."""
from odoo.exceptions import AccessError, UserError

from .common import AftersalesCommon


class TestCustomerFile(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestCustomerFile, cls).setUpClass()
        cls.fleet_officer = cls.supervisor
        cls.fleet = cls.env["res.partner"].create({
            "name": "顺达物流 Shunda Logistics (h16)", "is_company": True,
            "email": "fleet@shunda.example.com", "aftersales_customer": True,
            "aftersales_user_id": cls.fleet_officer.id})
        cls.driver = cls.env["res.partner"].create({
            "name": "Driver Ma (h16)", "parent_id": cls.fleet.id,
            "email": "ma.driver@shunda.example.com", "phone": "+86 139 0000 1616"})

    def driver_visit(self, days_ago=3, driver=None):
        return self.handed_over(days_ago, partner=driver or self.driver)

    def due_call_of(self, order):
        self.run_due_calls()
        return self.calls_of(order)

    # ------------------------------------------------------------------ one home

    def test_the_file_is_the_commercial_partner_and_its_officer_follows(self):
        self.assertEqual(self.driver._aftersales_file(), self.fleet)
        self.assertEqual(self.driver._aftersales_officer(), self.fleet_officer)
        call = self.due_call_of(self.driver_visit())
        self.assertEqual((call.partner_id, call.user_id, call.state),
                         (self.driver, self.fleet_officer, "todo"))
        self.assertEqual(self.activities_of(call).user_id, self.fleet_officer)

    def test_a_refusal_of_the_company_or_of_the_driver_is_honoured(self):
        self.fleet.do_not_call = True
        call = self.due_call_of(self.driver_visit())
        self.assertEqual((call.state, call.cancel_reason), ("cancelled", "do_not_call"))
        self.fleet.do_not_call = False
        other = self.env["res.partner"].create({
            "name": "Driver Refuses (h16)", "parent_id": self.fleet.id, "do_not_call": True})
        call = self.due_call_of(self.driver_visit(driver=other))
        self.assertEqual(call.state, "cancelled")
        self.assertFalse(self.activities_of(call))

    def test_email_consent_of_the_file_counts_for_its_drivers(self):
        self.assertTrue(self.driver._aftersales_accepts_email())
        self.fleet.opt_out = True
        self.assertFalse(self.driver._aftersales_accepts_email())
        order = self.create_service_visit(self.driver, self.create_vehicle(self.driver))
        order.action_confirm()
        order.action_handover()
        self.assertFalse(self.letters_of(self.driver))
        call = self.due_call_of(self.driver_visit())
        call.sudo(self.fleet_officer).write({"satisfaction": "4"})
        call.sudo(self.fleet_officer).action_done()
        self.assertFalse(call.sudo().survey_user_input_id, "no survey emailed")

    def test_campaign_and_reminder_calls_go_to_the_file_s_officer(self):
        vehicle = self.create_vehicle(self.driver)
        need = self.env["aftersales.need"].create({
            "partner_id": self.driver.id, "vehicle_id": vehicle.id, "kind": "insurance",
            "date_expected": self.days_from_today(10)})
        self.assertEqual(need.user_id, self.fleet_officer)
        campaign = self.env["aftersales.campaign"].create({
            "name": "Fleet check (h16)", "date_event": self.days_from_today(7),
            "target_domain": "[('id', '=', %d)]" % self.driver.id,
            "mail_template_id": self.env.ref(
                "aftersales_followup.mail_template_campaign_notice").id})
        self.driver.aftersales_customer = True
        self.fleet.do_not_call = True
        campaign.action_schedule()
        call = campaign.call_ids
        self.assertEqual((call.user_id, call.state), (self.fleet_officer, "cancelled"))

    def test_inbound_email_goes_to_the_file_s_officer(self):
        case = self.env["aftersales.case"].browse(self.env["mail.thread"].message_process(
            None, "From: Driver Ma <ma.driver@shunda.example.com>\r\n"
                  "To: aftersales@dealer.example.com\r\nSubject: Tyre noise\r\n"
                  "Message-Id: <h16-fleet-1@shunda.example.com>\r\n\r\nNoise.\r\n"))
        self.assertEqual((case.partner_id, case.user_id), (self.driver, self.fleet_officer))

    # ------------------------------------------------------------------ turnover

    def test_only_a_supervisor_assigns_the_officer(self):
        with self.assertRefused(AccessError):
            self.fleet.sudo(self.officer).write({"aftersales_user_id": self.officer.id})
        self.assertEqual(self.fleet.aftersales_user_id, self.fleet_officer)

    def test_changing_the_officer_moves_the_open_calls_and_activities(self):
        open_call = self.due_call_of(self.driver_visit())
        tried = self.due_call_of(self.driver_visit())
        tried.sudo(self.fleet_officer).action_no_answer()
        done = self.due_call_of(self.driver_visit())
        done.sudo(self.fleet_officer).action_done()
        by_other = self.due_call_of(self.driver_visit())
        by_other._aftersales_trusted().write({"user_id": self.officer2.id})
        self.fleet.sudo(self.supervisor).write({"aftersales_user_id": self.officer.id})
        self.assertEqual((open_call | tried).mapped("user_id"), self.officer)
        self.assertEqual(self.activities_of(open_call | tried).mapped("user_id"), self.officer)
        self.assertIn(self.officer.partner_id, open_call.message_partner_ids)
        self.assertEqual(done.user_id, self.fleet_officer, "a call made stays as it was")
        self.assertEqual(by_other.user_id, self.officer2, "someone else's call stays theirs")
        self.assertIn("2 open calls", self.fleet.message_ids[:1].body)

    def test_supervisor_reassigns_in_bulk_and_sees_the_result(self):
        calls = self.due_call_of(self.driver_visit())
        other = self.create_customer("Bulk Reassigned (h16)",
                                     aftersales_user_id=self.fleet_officer.id)
        calls |= self.due_call_of(self.handed_over(3, partner=other))
        Wizard = self.env["aftersales.officer.reassign"]
        wizard = Wizard.sudo(self.officer).create({
            "from_user_id": self.fleet_officer.id, "to_user_id": self.officer.id})
        with self.assertRefused(AccessError):
            wizard.action_apply()
        wizard = Wizard.sudo(self.supervisor).create({
            "from_user_id": self.fleet_officer.id, "to_user_id": self.officer.id})
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        self.assertGreaterEqual(wizard.moved_customer_count, 2)
        self.assertGreaterEqual(wizard.moved_call_count, 2)
        self.assertEqual(calls.mapped("user_id"), self.officer)
        self.assertEqual((self.fleet | other).mapped("aftersales_user_id"), self.officer)
        # a selection from the customer list
        selected = Wizard.sudo(self.supervisor).with_context(
            active_model="res.partner", active_ids=[other.id]).create(
                {"to_user_id": self.fleet_officer.id})
        self.assertEqual(selected.partner_ids, other)
        selected.action_apply()
        self.assertEqual(other.aftersales_user_id, self.fleet_officer)
        self.assertEqual(self.fleet.aftersales_user_id, self.officer)
        with self.assertRefused(UserError):
            Wizard.sudo(self.supervisor).create(
                {"to_user_id": self.officer.id}).action_apply()
