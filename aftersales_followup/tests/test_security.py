# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who may see and change what: registers are archived, never deleted; each dealership
sees its own calls and cases; users without after-sales rights see none; only a manager
corrects a handover date."""
from odoo.exceptions import AccessError, UserError

from .common import AftersalesCommon


class TestSecurity(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestSecurity, cls).setUpClass()
        cls.call = cls.env["aftersales.call"].sudo(cls.officer).create({
            "partner_id": cls.customer.id,
            "vehicle_id": cls.vehicle.id,
            "direction": "in",
            "purpose": "complaint",
            "notes": "Brakes squeak.",
        }).sudo()
        cls.case = cls.env["aftersales.case"].sudo(cls.officer).create({
            "call_id": cls.call.id, "kind": "complaint", "name": "Squeaking brakes",
        }).sudo()

    def exists(self, record):
        return record.with_context(active_test=False).search([("id", "=", record.id)])

    # ------------------------------------------------------------------ archives

    def test_officer_cannot_delete_a_call(self):
        with self.assertRefused((UserError, AccessError)):
            self.call.sudo(self.officer).unlink()
        self.assertTrue(self.exists(self.call))

    def test_manager_cannot_delete_a_call(self):
        with self.assertRefused((UserError, AccessError)):
            self.call.sudo(self.supervisor).unlink()
        self.assertTrue(self.exists(self.call))

    def test_officer_cannot_delete_a_case(self):
        with self.assertRefused((UserError, AccessError)):
            self.case.sudo(self.officer).unlink()
        self.assertTrue(self.exists(self.case))

    def test_officer_can_archive_a_call(self):
        self.call.sudo(self.officer).active = False
        self.assertFalse(self.env["aftersales.call"].search([("id", "=", self.call.id)]))
        self.assertTrue(self.exists(self.call))

    def test_letters_cannot_be_deleted_by_officer(self):
        letter = self.env["aftersales.letter"]._aftersales_register({
            "name": "Reply to the brake complaint", "partner_id": self.customer.id,
            "kind": "reply", "channel": "post", "case_id": self.case.id}).sudo(self.officer)
        with self.assertRefused((UserError, AccessError)):
            letter.unlink()
        self.assertTrue(self.exists(letter))

    # ------------------------------------------------------------------ companies

    def test_user_of_another_company_cannot_read_a_call(self):
        with self.assertRefused(AccessError):
            self.call.sudo(self.officer2).read(["notes"])
        Call = self.env["aftersales.call"].sudo(self.officer2)
        self.assertFalse(Call.search([("id", "=", self.call.id)]))
        self.assertFalse(Call.search([("partner_id", "=", self.customer.id)]))

    def test_user_of_another_company_cannot_read_a_case(self):
        with self.assertRefused(AccessError):
            self.case.sudo(self.officer2).read(["name"])
        self.assertFalse(self.env["aftersales.case"].sudo(self.officer2).search(
            [("id", "=", self.case.id)]))

    def test_user_of_another_company_does_not_see_due_calls(self):
        order = self.handed_over(3)
        self.run_due_calls()
        self.assertEqual(len(self.calls_of(order)), 1)
        self.assertFalse(self.env["aftersales.call"].sudo(self.officer2).search(
            [("sale_order_id", "=", order.id)]))
        self.assertEqual(len(self.env["aftersales.call"].sudo(self.officer).search(
            [("sale_order_id", "=", order.id)])), 1)

    def test_other_company_vehicles_are_hidden(self):
        self.assertFalse(self.env["aftersales.vehicle"].sudo(self.officer2).search(
            [("id", "=", self.vehicle.id)]))

    # ------------------------------------------------------------------ groups

    def test_user_without_aftersales_rights_cannot_read_calls(self):
        with self.assertRefused(AccessError):
            self.env["aftersales.call"].sudo(self.plain_user).search([])
        with self.assertRefused(AccessError):
            self.call.sudo(self.plain_user).read(["notes"])

    def test_user_without_aftersales_rights_cannot_read_cases(self):
        with self.assertRefused(AccessError):
            self.case.sudo(self.plain_user).read(["name"])

    def test_user_without_aftersales_rights_cannot_log_a_call(self):
        with self.assertRefused(AccessError):
            self.env["aftersales.call"].sudo(self.plain_user).create(
                {"partner_id": self.customer.id})

    def test_officer_cannot_change_follow_up_rules(self):
        rule = self.env.ref("aftersales_followup.followup_rule_service_handover")
        self.assertEqual(rule.sudo(self.officer).delay_days, 3)
        with self.assertRefused(AccessError):
            rule.sudo(self.officer).write({"delay_days": 1})
        self.assertEqual(rule.delay_days, 3)
        rule.sudo(self.supervisor).write({"delay_days": 2})
        self.assertEqual(rule.delay_days, 2)

    # ------------------------------------------------------------------ handover date

    def test_only_a_manager_corrects_a_handover_date(self):
        order = self.handed_over(3)
        recorded = order.handover_date
        corrected = self.local_datetime(2, 17)
        for user in (self.officer, self.supervisor):
            with self.assertRefused(AccessError):
                order.sudo(user).write({"handover_date": corrected})
        self.assertEqual(order.handover_date, recorded)
        with self.assertRefused(AccessError):
            order.sudo(self.officer).action_correct_handover()
        action = order.sudo(self.supervisor).action_correct_handover()
        wizard = self.env[action["res_model"]].sudo(self.supervisor).browse(action["res_id"])
        wizard.write({"handover_datetime": corrected,
                      "reason": "Collected the day before; recorded late."})
        wizard.action_apply()
        self.assertEqual(order.handover_date, corrected)
        self.assertIn("recorded late", order.message_ids[:1].body)
