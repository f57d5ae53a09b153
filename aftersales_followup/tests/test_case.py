# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the customer raised on a call (S6-S7): answered on the call, studied, escalated to
the supervisor, solved, and the customer told the solution the same day it is known."""
from odoo.exceptions import UserError

from .common import AftersalesCommon


class TestCase(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestCase, cls).setUpClass()
        cls.todo_type = cls.env.ref("mail.mail_activity_data_todo")
        cls.call_type = cls.env.ref("mail.mail_activity_data_call")
        cls.call = cls.env["aftersales.call"].sudo(cls.officer).create({
            "partner_id": cls.customer.id,
            "vehicle_id": cls.vehicle.id,
            "direction": "in",
            "purpose": "complaint",
        })

    def raise_case(self, user=None, call=None, **vals):
        values = {
            "call_id": (call or self.call).id,
            "kind": "complaint",
            "description": "Rattle from the dashboard at 60 km/h.\nStarted after the visit.",
        }
        values.update(vals)
        return self.env["aftersales.case"].sudo(user or self.officer).create(values)

    def test_case_takes_customer_vehicle_and_company_from_call(self):
        case = self.raise_case()
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.vehicle_id, self.vehicle)
        self.assertEqual(case.company_id, self.company)
        self.assertEqual(case.user_id, self.officer)
        self.assertEqual(case.state, "study")
        self.assertEqual(case.name, "Rattle from the dashboard at 60 km/h.")
        self.assertIn(case, self.call.case_ids)
        self.assertIn(case, self.customer.aftersales_case_ids)
        self.assertEqual(self.customer.aftersales_case_open_count, 1)

    def test_answered_on_the_call_needs_the_answer(self):
        with self.assertRefused(UserError):
            self.raise_case(state="answered", name="Where is the spare tyre?")
        self.assertFalse(self.env["aftersales.case"].search(
            [("name", "=", "Where is the spare tyre?")]))
        case = self.raise_case(kind="consultation", name="Where is the spare tyre?")
        with self.assertRefused(UserError):
            case.action_answer()
        self.assertEqual(case.state, "study")
        case.solution = "Under the boot floor."
        case.action_answer()
        self.assertEqual(case.state, "answered")
        self.assertEqual(case.date_informed, self.today)
        self.assertTrue(case.informed_same_day)

    def test_escalate_assigns_supervisor_with_activity(self):
        case = self.raise_case()
        case.action_escalate()
        self.assertEqual(case.state, "escalated")
        self.assertEqual(case.supervisor_id, self.supervisor)
        activity = self.activities_of(case)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.supervisor)
        self.assertEqual(activity.activity_type_id, self.todo_type)
        self.assertEqual(activity.date_deadline, self.today)
        self.assertIn(case.name, activity.summary)
        # The supervisor finds it among the activities of their own menu.
        mine = self.env["aftersales.case"].sudo(self.supervisor).search(
            [("activity_user_id", "=", self.supervisor.id)])
        self.assertIn(case, mine)

    def test_escalate_without_supervisor_is_refused_and_changes_nothing(self):
        other_call = self.env["aftersales.call"].sudo(self.officer2).create({
            "partner_id": self.create_customer(
                "Other Dealer Customer", company_id=self.company2.id).id,
            "direction": "in", "purpose": "complaint"})
        case = self.raise_case(user=self.officer2, call=other_call)
        self.assertEqual(case.company_id, self.company2)
        self.assertFalse(self.company2.aftersales_supervisor_id)
        with self.assertRefused(UserError) as refusal:
            case.action_escalate()
        self.assertIn("supervisor", str(refusal.exception.name))
        self.assertEqual(case.state, "study")
        self.assertFalse(case.supervisor_id)
        self.assertFalse(self.activities_of(case))

    def test_solve_needs_a_solution(self):
        case = self.raise_case()
        with self.assertRefused(UserError):
            case.action_solve()
        case.solution = "   "
        with self.assertRefused(UserError):
            case.action_solve()
        self.assertEqual(case.state, "study")
        self.assertFalse(case.date_solved)

    def test_solve_gives_officer_inform_activity_due_today(self):
        case = self.raise_case()
        case.action_escalate()
        case.sudo(self.supervisor).write(
            {"solution": "Loose clip behind the glove box: fixed free of charge."})
        case.sudo(self.supervisor).action_solve()
        self.assertEqual(case.state, "solved")
        self.assertEqual(case.date_solved, self.today)
        activity = self.activities_of(case)
        self.assertEqual(len(activity), 1, "the supervisor's activity is closed")
        self.assertEqual(activity.user_id, self.officer)
        self.assertEqual(activity.activity_type_id, self.call_type)
        self.assertEqual(activity.summary, "Inform the customer")
        self.assertEqual(activity.date_deadline, self.today)
        self.assertIn("Loose clip", activity.note)

    def case_kpi(self, case):
        return self.env["aftersales.case.report"].search([("case_id", "=", case.id)])

    def test_informed_the_day_it_was_solved(self):
        case = self.raise_case(solution="Software update at the next visit.")
        case.action_solve()
        case.action_inform()
        self.assertEqual(case.state, "informed")
        self.assertEqual(case.date_informed, self.today)
        self.assertTrue(case.informed_same_day)
        self.assertEqual(self.case_kpi(case).informed_same_day, 100)
        self.assertFalse(self.activities_of(case))
        self.assertEqual(self.customer.aftersales_case_open_count, 0)

    def test_informed_a_day_late(self):
        case = self.raise_case(solution="Part ordered, fitted next week.")
        case.action_solve()
        case.sudo()._aftersales_trusted().date_solved = self.days_from_today(-1)
        case.action_inform()
        self.assertEqual(case.date_informed, self.today)
        self.assertFalse(case.informed_same_day)
        self.assertEqual(self.case_kpi(case).informed_same_day, 0)

    def test_inform_before_solved_is_refused(self):
        case = self.raise_case()
        with self.assertRefused(UserError):
            case.action_inform()
        self.assertEqual(case.state, "study")
        self.assertFalse(case.date_informed)

    def test_escalate_twice_is_refused(self):
        case = self.raise_case()
        case.action_escalate()
        with self.assertRefused(UserError):
            case.action_escalate()
        self.assertEqual(len(self.activities_of(case)), 1)
