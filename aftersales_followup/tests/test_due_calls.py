# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The scheduled action that puts the follow-up call in the officer's queue three days
after the customer collected the vehicle (S5), and expires it when its window closes."""
from psycopg2 import IntegrityError

from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import AftersalesCommon


class TestDueCalls(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestDueCalls, cls).setUpClass()
        cls.rule = cls.env.ref("aftersales_followup.followup_rule_service_handover")
        cls.call_type = cls.env.ref("mail.mail_activity_data_call")

    def test_no_call_before_due_day(self):
        order = self.handed_over(2)
        self.run_due_calls()
        self.assertFalse(self.calls_of(order))

    def test_call_created_on_due_day(self):
        order = self.handed_over(3)
        self.run_due_calls()
        call = self.calls_of(order)
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "todo")
        self.assertEqual(call.direction, "out")
        self.assertEqual(call.purpose, "followup")
        self.assertEqual(call.rule_id, self.rule)
        self.assertEqual(call.partner_id, order.partner_id)
        self.assertEqual(call.vehicle_id, order.vehicle_id)
        self.assertEqual(call.company_id, self.company)
        self.assertEqual(call.date_due, self.today)
        self.assertEqual(call.date_expiry, self.days_from_today(-3 + 15))
        self.assertEqual(call.user_id, self.officer)
        activity = self.activities_of(call)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.call_type)
        self.assertEqual(activity.user_id, self.officer)
        self.assertEqual(activity.date_deadline, self.today)
        self.assertEqual(activity.state, "today")
        # It shows in the officer's own queue ("My activities", "My calls").
        queue = self.env["aftersales.call"].sudo(self.officer).search(
            [("activity_user_id", "=", self.officer.id), ("sale_order_id", "=", order.id)])
        self.assertEqual(queue, call)

    def test_missed_day_is_caught_up(self):
        """The action did not run for days: the call still comes, already overdue."""
        order = self.handed_over(6)
        self.run_due_calls()
        call = self.calls_of(order)
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "todo")
        self.assertEqual(call.date_due, self.days_from_today(-3))
        self.assertEqual(call.date_expiry, self.days_from_today(-6 + 15))
        activity = self.activities_of(call)
        self.assertEqual(activity.date_deadline, self.days_from_today(-3))
        self.assertEqual(activity.state, "overdue")

    def test_no_duplicate_on_second_run(self):
        order = self.handed_over(4)
        self.run_due_calls()
        second = self.run_due_calls()
        self.assertEqual(second["created"], 0)
        call = self.calls_of(order)
        self.assertEqual(len(call), 1)
        self.assertEqual(len(self.activities_of(call)), 1)

    def test_database_refuses_a_second_call_for_the_same_handover(self):
        order = self.handed_over(3)
        self.run_due_calls()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), \
                self.env.cr.savepoint():
            self.env["aftersales.call"]._aftersales_trusted().create({
                "partner_id": order.partner_id.id,
                "sale_order_id": order.id,
                "rule_id": self.rule.id,
            })
        self.env.clear()
        self.assertEqual(len(self.calls_of(order)), 1)

    def test_window_closed_no_call(self):
        order = self.handed_over(20)
        self.run_due_calls()
        self.assertFalse(self.calls_of(order))

    def test_last_day_of_window_still_creates_call(self):
        order = self.handed_over(15)
        self.run_due_calls()
        call = self.calls_of(order)
        self.assertEqual(call.state, "todo")
        self.assertEqual(call.date_expiry, self.today)

    def test_no_call_before_handover(self):
        order = self.create_service_visit(self.create_customer("Not Collected"))
        order.action_confirm()
        order._aftersales_trusted().write(
            {"checkin_date": self.local_datetime(5, 9)})
        self.run_due_calls()
        self.assertFalse(self.calls_of(order))

    def test_rule_delay_is_followed(self):
        self.rule.delay_days = 5
        order3 = self.handed_over(3)
        order5 = self.handed_over(5)
        self.run_due_calls()
        self.assertFalse(self.calls_of(order3))
        self.assertEqual(self.calls_of(order5).date_due, self.today)

    def test_archived_rule_creates_no_call(self):
        self.rule.active = False
        order = self.handed_over(3)
        self.run_due_calls()
        self.assertFalse(self.calls_of(order))

    def test_call_goes_to_the_customer_officer(self):
        customer = self.create_customer("Own Officer", aftersales_user_id=self.supervisor.id)
        order = self.handed_over(3, partner=customer)
        self.run_due_calls()
        call = self.calls_of(order)
        self.assertEqual(call.user_id, self.supervisor)
        self.assertEqual(self.activities_of(call).user_id, self.supervisor)

    def test_todo_call_expires_after_window(self):
        order = self.handed_over(10)
        self.run_due_calls()
        call = self.calls_of(order)
        self.assertEqual(call.state, "todo")
        call._aftersales_trusted().date_expiry = self.days_from_today(-1)
        result = self.run_due_calls()
        self.assertGreaterEqual(result["expired"], 1)
        self.assertEqual(call.state, "expired")
        self.assertEqual(self.env["aftersales.call.report"].search(
            [("call_id", "=", call.id)]).expired_count, 1)
        self.assertFalse(self.activities_of(call))
        self.assertFalse(call.activity_ids)

    def test_no_answer_call_expires_after_window(self):
        order = self.handed_over(10)
        self.run_due_calls()
        call = self.calls_of(order)
        call.sudo(self.officer).action_no_answer()
        self.assertEqual(call.state, "no_answer")
        call._aftersales_trusted().date_expiry = self.days_from_today(-1)
        self.run_due_calls()
        self.assertEqual(call.state, "expired")
        self.assertFalse(self.activities_of(call))

    def test_call_not_expired_on_its_expiry_day(self):
        order = self.handed_over(10)
        self.run_due_calls()
        call = self.calls_of(order)
        call._aftersales_trusted().date_expiry = self.today
        self.run_due_calls()
        self.assertEqual(call.state, "todo")
        self.assertEqual(len(self.activities_of(call)), 1)

    def test_done_call_never_expires(self):
        order = self.handed_over(10)
        self.run_due_calls()
        call = self.calls_of(order)
        call.sudo(self.officer).write({"satisfaction": "5"})
        call.sudo(self.officer).action_done()
        call._aftersales_trusted().date_expiry = self.days_from_today(-1)
        self.run_due_calls()
        self.assertEqual(call.state, "done")

    def test_do_not_call_customer_gets_cancelled_call_with_reason(self):
        customer = self.create_customer("Quiet Customer", do_not_call=True)
        order = self.handed_over(3, partner=customer)
        self.run_due_calls()
        call = self.calls_of(order)
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "cancelled")
        self.assertIn("do-not-call", call.notes)
        self.assertFalse(self.activities_of(call))

    def test_vehicle_sale_handover_uses_vehicle_rule(self):
        customer = self.create_customer("New Owner")
        vehicle = self.create_vehicle()
        order = self.env["sale.order"].sudo(self.officer).create({
            "partner_id": customer.id,
            "aftersales_kind": "vehicle",
            "vehicle_id": vehicle.id,
        })
        order.action_confirm()
        order._aftersales_trusted().write(
            {"handover_date": self.local_datetime(3, 11)})
        self.run_due_calls()
        call = self.calls_of(order)
        self.assertEqual(call.rule_id,
                         self.env.ref("aftersales_followup.followup_rule_vehicle_handover"))
        self.assertEqual(call.date_due, self.today)


class TestScheduledAction(AftersalesCommon):

    def test_scheduled_action_is_daily_and_active(self):
        cron = self.env.ref("aftersales_followup.ir_cron_generate_due_calls")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_number, 1)
        self.assertEqual(cron.interval_type, "days")
        self.assertEqual(cron.numbercall, -1)
        self.assertEqual(cron.model_id.model, "aftersales.call")
        self.assertEqual(cron.state, "code")
        # The action commits each batch (restartable): the test runs its very code, only
        # without the commits, which would end the test's transaction.
        self.assertEqual(cron.code.strip(), "model._cron_generate_due_calls(commit=True)")
        order = self.handed_over(3)
        safe_eval(cron.code.replace("commit=True", "commit=False"),
                  {"model": self.env[cron.model_id.model]}, mode="exec", nocopy=True)
        self.assertEqual(len(self.calls_of(order)), 1)
