# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Working a call of the phone register (S5, S6, S9): done, not answered, the unhappy
customer caught the same day (S15), inbound calls, and the KPIs (S14, S15)."""
from odoo.exceptions import UserError

from .common import AftersalesCommon


class TestCall(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestCall, cls).setUpClass()
        cls.todo_type = cls.env.ref("mail.mail_activity_data_todo")

    def due_call(self, days_ago=3, partner=None):
        order = self.handed_over(days_ago, partner=partner)
        self.run_due_calls()
        return self.calls_of(order).sudo(self.officer)

    def supervisor_activities(self, call):
        return self.activities_of(call).filtered(lambda a: a.user_id == self.supervisor)

    # ------------------------------------------------------------------ done

    def test_done_call_closes_activity_and_records_date(self):
        call = self.due_call()
        call.write({"satisfaction": "4", "duration": 5,
                    "notes": "Runs well; asks for the next service date."})
        call.action_done()
        self.assertEqual(call.state, "done")
        self.assertTrue(call.date_call)
        self.assertFalse(self.activities_of(call))
        # The activity is marked done in the chatter, not silently dropped.
        self.assertIn(self.env.ref("mail.mt_activities"), call.message_ids.mapped("subtype_id"))

    def test_unhappy_customer_alerts_supervisor_same_day(self):
        for score in ("1", "2"):
            call = self.due_call(partner=self.create_customer("Unhappy %s" % score))
            call.write({"satisfaction": score, "notes": "Noise from the front left wheel."})
            call.action_done()
            alert = self.supervisor_activities(call)
            self.assertEqual(len(alert), 1, "score %s" % score)
            self.assertEqual(alert.date_deadline, self.today)
            self.assertEqual(alert.activity_type_id, self.todo_type)
            self.assertIn(call.partner_id.name, alert.summary)
            self.assertIn("Noise from the front left wheel.", alert.note)

    def test_happy_or_neutral_customer_raises_no_alert(self):
        for score in ("3", "4", "5"):
            call = self.due_call(partner=self.create_customer("Happy %s" % score))
            call.write({"satisfaction": score})
            call.action_done()
            self.assertFalse(self.activities_of(call), "score %s" % score)

    def test_expired_call_cannot_be_done(self):
        call = self.due_call(days_ago=10)
        call.sudo().date_expiry = self.days_from_today(-1)
        self.run_due_calls()
        with self.assertRefused(UserError):
            call.action_done()
        self.assertEqual(call.state, "expired")

    def test_cancelled_call_cannot_be_done(self):
        call = self.due_call(partner=self.create_customer("Never Call", do_not_call=True))
        with self.assertRefused(UserError):
            call.action_done()
        self.assertEqual(call.state, "cancelled")

    # ------------------------------------------------------------------ no answer

    def test_no_answer_keeps_call_in_queue_and_counts_attempts(self):
        call = self.due_call()
        call.action_no_answer()
        self.assertEqual(call.state, "no_answer")
        self.assertEqual(call.attempt_count, 1)
        # Tried, not reached: the first attempt is recorded, no contact.
        self.assertTrue(call.date_first_attempt)
        self.assertFalse(call.date_call)
        activity = self.activities_of(call)
        self.assertEqual(len(activity), 1, "the call stays in the officer's activities")
        self.assertEqual(activity.user_id, self.officer)
        call.action_no_answer()
        self.assertEqual(call.attempt_count, 2)
        # Reached on the third try.
        call.write({"satisfaction": "5"})
        call.action_done()
        self.assertEqual(call.state, "done")
        self.assertEqual(call.attempt_count, 2)
        self.assertFalse(self.activities_of(call))

    def test_done_call_cannot_be_marked_not_answered(self):
        call = self.due_call()
        call.action_done()
        with self.assertRefused(UserError):
            call.action_no_answer()
        self.assertEqual(call.state, "done")
        self.assertEqual(call.attempt_count, 0)

    # ------------------------------------------------------------------ inbound

    def test_inbound_complaint_is_registered(self):
        call = self.env["aftersales.call"].sudo(self.officer).create({
            "partner_id": self.customer.id,
            "vehicle_id": self.vehicle.id,
            "direction": "in",
            "purpose": "complaint",
            "notes": "The air conditioning smells.",
        })
        # It happened: logged as done, not a call to do (issue 16).
        self.assertEqual(call.state, "done")
        self.assertTrue(call.date_call)
        self.assertEqual(call.user_id, self.officer)
        self.assertEqual(call.company_id, self.company)
        self.assertEqual(call.name, self.customer.display_name)
        self.assertIn(call, self.customer.aftersales_call_ids)
        action = call.action_add_case()
        self.assertEqual(action["res_model"], "aftersales.case")
        self.assertEqual(action["context"]["default_kind"], "complaint")
        self.assertEqual(action["context"]["default_call_id"], call.id)

    # ------------------------------------------------------------------ KPIs

    def kpi(self, call):
        return self.env["aftersales.call.report"].search([("call_id", "=", call.id)])

    def test_kpis_of_a_call_done_on_time(self):
        call = self.due_call()
        call.write({"satisfaction": "4"})
        call.action_done()
        kpi = self.kpi(call)
        self.assertEqual((kpi.on_time, kpi.reached, kpi.expired_count, kpi.satisfaction),
                         (100, 100, 0, 4))

    def test_kpis_of_a_call_done_late(self):
        call = self.due_call(days_ago=6)
        call.action_done()
        self.assertEqual((self.kpi(call).on_time, self.kpi(call).reached), (0, 100))

    def test_kpis_of_an_expired_call(self):
        call = self.due_call(days_ago=10)
        call.sudo().date_expiry = self.days_from_today(-1)
        self.run_due_calls()
        self.assertEqual(call.state, "expired")
        kpi = self.kpi(call)
        self.assertEqual((kpi.on_time, kpi.reached, kpi.expired_count), (0, 0, 1))

    def test_kpis_aggregate_by_officer(self):
        customer_a = self.create_customer("KPI A")
        customer_b = self.create_customer("KPI B")
        on_time = self.due_call(partner=customer_a)
        on_time.write({"satisfaction": "5"})
        on_time.action_done()
        late = self.due_call(days_ago=6, partner=customer_b)
        late.write({"satisfaction": "2"})
        late.action_done()
        unreached = self.due_call(partner=self.create_customer("KPI C"))
        unreached.action_no_answer()
        calls = on_time | late | unreached
        groups = self.env["aftersales.call.report"].read_group(
            [("call_id", "in", calls.ids)], ["user_id", "on_time", "reached", "satisfaction"],
            ["user_id"])
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["user_id"][0], self.officer.id)
        # The call still to try (due today) is neither late nor over: not counted.
        self.assertAlmostEqual(groups[0]["on_time"], 50.0, places=2)
        self.assertAlmostEqual(groups[0]["reached"], 100.0, places=2)
        self.assertAlmostEqual(groups[0]["satisfaction"], 3.5, places=2)

    def test_no_answer_keeps_the_first_attempt_and_no_contact(self):
        call = self.due_call()
        call.action_no_answer()
        first = call.date_first_attempt
        self.assertTrue(first)
        self.assertFalse(call.date_call)
        self.assertEqual(call.attempt_count, 1)
        call.action_reset()
        call.action_no_answer()
        self.assertEqual((call.date_first_attempt, call.attempt_count), (first, 2))
        self.assertFalse(call.date_call)
        call.action_reset()
        call.action_done()
        self.assertEqual(call.date_first_attempt, first)
        self.assertGreaterEqual(call.date_call, first)

    def test_customer_file_shows_last_contact_and_average_satisfaction(self):
        customer = self.create_customer("Regular Visitor")
        self.assertFalse(customer.aftersales_last_contact_date)
        first = self.due_call(days_ago=6, partner=customer)
        yesterday = self.local_datetime(1, 10)
        first.write({"satisfaction": "5"})
        first.action_done()
        # Reached yesterday, as the register says.
        first._aftersales_trusted().write({"date_call": yesterday})
        self.assertEqual(first.date_call, yesterday)
        self.assertEqual(customer.aftersales_last_contact_date, yesterday)
        self.assertEqual(customer.aftersales_satisfaction_avg, 5.0)
        second = self.due_call(days_ago=3, partner=customer)
        second.write({"satisfaction": "2"})
        second.action_done()
        self.assertGreater(second.date_call, yesterday)
        self.assertEqual(customer.aftersales_last_contact_date, second.date_call)
        self.assertEqual(customer.aftersales_satisfaction_avg, 3.5)
        # A call not answered is no contact.
        third = self.due_call(days_ago=4, partner=customer)
        third.action_no_answer()
        self.assertEqual(customer.aftersales_satisfaction_avg, 3.5)
        self.assertEqual(customer.aftersales_call_count, 3)
