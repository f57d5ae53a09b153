# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Warranty money holds on the server: a claim is approved by a manager (above the
company's limit by a senior approver), compensated as approved and no more, and nobody
writes its state, its decision, its dates or its feedback batch directly."""
from odoo.exceptions import AccessError, UserError

from .common import WarrantyCommon
from odoo.addons.aftersales_followup.tests.common import create_staff

FORGED_CONTEXTS = ({}, {"aftersales_trusted": True}, {"aftersales_trusted": "1"})


class TestClaimIntegrity(WarrantyCommon):

    @classmethod
    def setUpClass(cls):
        super(TestClaimIntegrity, cls).setUpClass()
        cls.senior = create_staff(
            cls.env, "h15_senior", "Shen Senior Approver",
            ["aftersales_warranty.group_aftersales_warranty_senior_approver",
             cls.SALESMAN, cls.CONTACTS])

    def refused(self, records, vals, exception=AccessError):
        before = records.read(list(vals))
        for context in FORGED_CONTEXTS:
            with self.assertRefused(exception):
                records.with_context(**context).write(vals)
        self.assertEqual(records.read(list(vals)), before)

    def test_adviser_writes_no_state_decision_date_or_money(self):
        claim = self.assessed(self.create_claim())
        for vals in ({"state": "approved"}, {"date_decision": self.today},
                     {"coverage": "not_covered"}, {"amount_refunded": 2000.0},
                     {"amount_approved": 2000.0}, {"compensation_kind": "refund"},
                     {"inspector_id": self.manager.id}, {"date_compensated": self.today},
                     {"amount_claimed": 1.0}):
            self.refused(claim, vals)
        batch = self.env["aftersales.warranty.feedback"].sudo(self.manager).create({
            "manufacturer_id": self.manufacturer.id, "date_from": self.today})
        self.refused(claim, {"feedback_id": batch.id})
        self.assertEqual(claim.state, "assessment")

    def test_a_claim_cannot_be_created_decided(self):
        vehicle = self.create_vehicle()
        Claim = self.env["aftersales.warranty.claim"].sudo(self.user)
        vals = {"vehicle_id": vehicle.id, "date_failure": self.date(days=-1),
                "odometer": vehicle.odometer, "symptom": "Leak"}
        for extra in ({"state": "approved"}, {"date_decision": self.today},
                      {"amount_refunded": 100.0}, {"compensation_kind": "goodwill"},
                      {"amount_approved": 100.0}):
            with self.assertRefused(AccessError):
                Claim.create(dict(vals, **extra))
        with self.assertRefused(AccessError):
            Claim.with_context(default_state="approved").create(vals)
        self.assertFalse(self.env["aftersales.warranty.claim"].search(
            [("vehicle_id", "=", vehicle.id)]))

    def test_only_managers_decide_compensate_and_close(self):
        claim = self.assessed(self.create_claim())
        for action in ("action_approve", "action_reject"):
            with self.assertRefused(AccessError):
                getattr(claim, action)()
        self.as_manager(claim).action_approve()
        with self.assertRefused(AccessError):
            claim.action_compensate()
        self.assertEqual(claim.state, "approved")
        self.as_manager(claim).action_compensate()
        with self.assertRefused(AccessError):
            claim.action_close()
        self.as_manager(claim).action_close()
        self.assertEqual(claim.state, "closed")

    def test_approval_above_the_limit_needs_a_senior_approver(self):
        claim = self.assessed(self.create_claim(lines=[
            {"product_id": self.pump.id, "quantity": 4, "price_unit": 1400.0}]))
        self.assertEqual(claim.amount_covered, 5600.0)
        with self.assertRefused(AccessError, "senior"):
            self.as_manager(claim).action_approve()
        self.assertEqual(claim.state, "assessment")
        self.as_manager(claim).write({"amount_approved": 5000.0})
        self.as_manager(claim).action_approve()
        self.assertEqual((claim.state, claim.amount_approved), ("approved", 5000.0))
        other = self.assessed(self.create_claim(lines=[
            {"product_id": self.pump.id, "quantity": 4, "price_unit": 1400.0}]))
        other.sudo(self.senior).action_approve()
        self.assertEqual((other.state, other.amount_approved), ("approved", 5600.0))

    def test_intake_and_decision_freeze_as_the_claim_moves_on(self):
        claim = self.create_claim()
        claim.action_submit()
        with self.assertRefused(UserError):
            claim.write({"odometer": claim.odometer + 1000})
        with self.assertRefused(UserError):
            claim.write({"date_failure": self.date(days=-30)})
        claim.action_assess()
        claim.write({"cause": "manufacturing", "assessment": "Pump seal."})
        self.as_manager(claim).write({"compensation_kind": "repair"})
        self.as_manager(claim).action_approve()
        with self.assertRefused(UserError):
            self.as_manager(claim).write({"compensation_kind": "refund"})
        with self.assertRefused(UserError):
            self.as_manager(claim).write({"amount_approved": 1.0})
        with self.assertRefused(UserError):
            claim.write({"cause": "misuse"})
        self.assertEqual((claim.compensation_kind, claim.cause), ("repair", "manufacturing"))

    def test_compensation_charges_what_the_approval_does_not_cover(self):
        # the battery's own 24 months are over: that line is not covered
        vehicle = self.create_vehicle(months_ago=30)
        claim = self.assessed(self.create_claim(vehicle=vehicle, lines=[
            {"product_id": self.pump.id, "quantity": 1, "price_unit": 1400.0},
            {"product_id": self.battery.id, "quantity": 1, "price_unit": 900.0},
            {"product_id": self.labour.id, "quantity": 2, "price_unit": 300.0}]))
        self.assertEqual(claim.amount_covered, 2000.0)
        manager = self.as_manager(claim)
        manager.write({"amount_approved": 1500.0})
        manager.action_approve()
        manager.action_compensate()
        lines = claim.sudo().sale_order_id.order_line.filtered(
            lambda ln: claim.name in (ln.name or ""))
        charged = {ln.product_id: ln.price_subtotal for ln in lines}
        self.assertEqual(charged[self.pump], 0.0)
        self.assertEqual(charged[self.battery], 900.0)   # not covered
        self.assertEqual(charged[self.labour], 500.0)    # 600 beyond the 1,500 approved
        self.assertEqual(sum(charged.values()), claim.amount_claimed - 1500.0)
        self.assertIn("charged to the customer", "".join(claim.message_ids.mapped("body")))

    def test_goodwill_is_free_up_to_the_amount_approved(self):
        vehicle = self.create_vehicle(months_ago=40)
        claim = self.create_claim(vehicle=vehicle)
        self.assertEqual(claim.coverage, "not_covered")
        self.assessed(claim, kind="goodwill")
        self.as_manager(claim).action_approve()
        self.assertEqual(claim.amount_approved, claim.amount_claimed)
        self.as_manager(claim).action_compensate()
        self.assertEqual(claim.sudo().sale_order_id.amount_untaxed, 0.0)

    def test_money_and_state_changes_are_tracked(self):
        claim = self.assessed(self.create_claim())
        self.as_manager(claim).action_approve()
        tracked = claim.sudo().message_ids.mapped("tracking_value_ids.field")
        for field in ("state", "amount_approved", "date_decision"):
            self.assertIn(field, tracked)

    def test_feedback_file_never_carries_a_formula(self):
        claim = self.create_claim(symptom='=HYPERLINK("http://attacker.example.com","x")')
        self.assessed(claim)
        self.as_manager(claim).action_approve()
        batch = self.env["aftersales.warranty.feedback"].sudo(self.manager).create({
            "manufacturer_id": self.manufacturer.id, "date_from": self.date(days=-1)})
        batch.action_collect()
        self.assertIn(claim, batch.claim_ids)
        content = batch._feedback_csv().decode("utf-8-sig")
        self.assertIn("'=HYPERLINK", content)
        self.assertNotIn(',=HYPERLINK', content)
        self.assertNotIn(',"=HYPERLINK', content)
