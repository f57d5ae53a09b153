# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A claim from intake to closing: every step, every step refused from a wrong state, who
may decide, the manager's threshold, goodwill, the compensation, and bad input refused
with nothing saved."""
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.aftersales_followup.tests.common import create_staff

from .common import WarrantyCommon

ALLOWED = {
    "action_submit": ("draft",),
    "action_assess": ("submitted",),
    "action_approve": ("assessment",),
    "action_reject": ("submitted", "assessment"),
    "action_compensate": ("approved",),
    "action_close": ("compensated", "rejected"),
}
STATES = ("draft", "submitted", "assessment", "approved", "rejected", "compensated",
          "closed")


class TestClaimWorkflow(WarrantyCommon):

    # ------------------------------------------------------------------ intake

    def test_intake_numbers_the_claim_and_takes_owner_and_manufacturer(self):
        claim = self.create_claim()
        self.assertTrue(claim.name.startswith("WC/"))
        self.assertEqual(claim.state, "draft")
        self.assertEqual(claim.partner_id, self.customer)
        self.assertEqual(claim.manufacturer_id, self.manufacturer)
        self.assertEqual(claim.vehicle_model_id, self.vehicle_model)
        self.assertEqual(claim.amount_claimed, 2000.0)
        line = claim.line_ids.filtered(lambda ln: ln.product_id == self.pump)
        self.assertEqual(line.name, self.pump.display_name)
        self.assertEqual(line.subtotal, 1400.0)

    def test_intake_records_the_odometer_on_the_vehicle(self):
        vehicle = self.create_vehicle(odometer=20000)
        self.create_claim(vehicle, odometer=20480)
        self.assertEqual(vehicle.odometer, 20480)

    def test_intake_without_odometer_takes_the_vehicle_reading(self):
        vehicle = self.create_vehicle(odometer=20000)
        claim = self.env["aftersales.warranty.claim"].sudo(self.user).create({
            "vehicle_id": vehicle.id, "date_failure": self.date(days=-1)})
        self.assertEqual(claim.odometer, 20000)

    # ------------------------------------------------------------------ transitions

    def test_full_path_to_closed(self):
        claim = self.create_claim()
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(claim.date_submitted, self.today)
        claim.action_assess()
        self.assertEqual(claim.state, "assessment")
        self.assertEqual(claim.inspector_id, self.user)
        claim.write({"cause": "manufacturing", "assessment": "Pump seal leaking."})
        self.as_manager(claim).write({"compensation_kind": "repair"})
        self.as_manager(claim).action_approve()
        self.assertEqual(claim.state, "approved")
        self.assertEqual(claim.amount_approved, 2000.0)
        self.assertEqual(claim.date_decision, self.today)
        self.assertEqual(claim.approval_rate, 100)
        self.as_manager(claim).action_compensate()
        self.assertEqual(claim.state, "compensated")
        self.assertEqual(claim.date_compensated, self.today)
        self.as_manager(claim).action_close()
        self.assertEqual(claim.state, "closed")
        self.assertEqual(claim.date_closed, self.today)
        self.assertEqual(claim.approval_rate, 100)

    def test_rejection_from_submitted_and_from_assessment_then_closed(self):
        for state in ("submitted", "assessment"):
            claim = self.claim_in_state(state)
            self.as_manager(claim).rejection_reason = "Misuse: the vehicle was used off-road."
            self.as_manager(claim).action_reject()
            self.assertEqual(claim.state, "rejected")
            self.assertEqual(claim.approval_rate, 0)
            self.assertEqual(claim.date_decision, self.today)
            self.as_manager(claim).action_close()
            self.assertEqual(claim.state, "closed")
            self.assertEqual(claim.approval_rate, 0)

    def test_every_step_refused_from_every_other_state(self):
        claims = {state: self.claim_in_state(state) for state in STATES}
        for action, sources in ALLOWED.items():
            for state in STATES:
                if state in sources:
                    continue
                claim = self.as_manager(claims[state])
                with self.subTest(action=action, state=state):
                    with self.assertRefused(UserError):
                        getattr(claim, action)()
                    self.assertEqual(claim.state, state)

    def test_each_state_change_is_in_the_chatter(self):
        claim = self.claim_in_state("closed")
        tracked = claim.sudo().message_ids.mapped("tracking_value_ids").filtered(
            lambda t: t.field == "state")
        self.assertEqual(
            sorted(tracked.mapped("new_value_char")),
            sorted(["Draft", "Submitted", "Quality assessment", "Approved", "Compensated",
                    "Closed"]))

    # ------------------------------------------------------------------ who decides

    def test_user_cannot_approve_reject_or_delete(self):
        claim = self.claim_in_state("assessment")
        claim.write({"cause": "manufacturing", "assessment": "Seal leaking."})
        with self.assertRefused(AccessError):
            claim.write({"compensation_kind": "repair", "rejection_reason": "No."})
        self.as_manager(claim).write({"compensation_kind": "repair",
                                      "rejection_reason": "No."})
        with self.assertRefused(AccessError):
            claim.action_approve()
        with self.assertRefused(AccessError):
            claim.action_reject()
        with self.assertRefused(UserError, "archive"):
            claim.unlink()
        self.assertFalse(claim.check_access_rights("unlink", raise_exception=False))
        self.assertEqual(claim.state, "assessment")

    def test_claims_are_archived_not_deleted(self):
        claim = self.claim_in_state("draft")
        with self.assertRefused(UserError, "archive"):
            self.as_manager(claim).unlink()
        claim.toggle_active()
        self.assertFalse(claim.active)
        self.assertFalse(self.env["aftersales.warranty.claim"].search(
            [("id", "=", claim.id)]))

    def test_other_company_does_not_see_the_claims(self):
        other_company = self.env["res.company"].create({"name": "Other dealer (h3)"})
        stranger = create_staff(self.env, "h3_stranger", "Stranger", [self.MANAGER],
                                company=other_company)
        claim = self.claim_in_state("draft")
        self.assertFalse(self.env["aftersales.warranty.claim"].sudo(stranger).search(
            [("id", "=", claim.id)]))

    # ------------------------------------------------------------------ threshold

    def test_the_user_proposes_no_amount_the_manager_decides(self):
        claim = self.claim_in_state("assessment", lines=[
            {"product_id": self.pump.id, "quantity": 5, "price_unit": 1400.0}])
        with self.assertRefused(AccessError):
            claim.amount_approved = 3000.0
        self.assertEqual(claim.amount_approved, 0.0)
        self.as_manager(claim).amount_approved = 5000.0
        self.assertEqual(claim.amount_approved, 5000.0)

    def test_amount_above_the_limit_needs_a_senior_approver(self):
        claim = self.claim_in_state("assessment", lines=[
            {"product_id": self.pump.id, "quantity": 5, "price_unit": 1400.0}])
        claim.write({"cause": "manufacturing", "assessment": "Five pumps of a faulty series."})
        manager_claim = self.as_manager(claim)
        manager_claim.write({"compensation_kind": "replace"})
        with self.assertRefused(AccessError, "approval limit"):
            manager_claim.action_approve()
        self.assertEqual(claim.state, "assessment")
        senior = create_staff(self.env, "h3_senior", "Senior Approver", [
            "aftersales_warranty.group_aftersales_warranty_senior_approver", self.SALESMAN])
        claim.sudo(senior).action_approve()
        self.assertEqual(claim.amount_approved, 7000.0)
        self.assertEqual(claim.state, "approved")

    def test_limit_is_per_company(self):
        self.company.aftersales_warranty_approval_limit = 10000.0
        claim = self.claim_in_state("assessment", lines=[
            {"product_id": self.pump.id, "quantity": 5, "price_unit": 1400.0}])
        claim.write({"cause": "manufacturing", "assessment": "Faulty series."})
        self.as_manager(claim).write({"compensation_kind": "replace"})
        self.as_manager(claim).action_approve()
        self.assertEqual(claim.amount_approved, 7000.0)

    # ------------------------------------------------------------------ goodwill

    def test_uncovered_claim_cannot_be_approved_as_a_repair(self):
        claim = self.assessed(self.create_claim(self.create_vehicle(months_ago=40)))
        self.assertEqual(claim.coverage, "not_covered")
        with self.assertRefused(UserError, "goodwill"):
            self.as_manager(claim).action_approve()
        self.assertEqual(claim.state, "assessment")

    def test_uncovered_claim_continues_as_goodwill_approved_by_a_manager(self):
        claim = self.assessed(self.create_claim(self.create_vehicle(months_ago=40)),
                              kind="goodwill")
        with self.assertRefused(AccessError):
            claim.action_approve()
        self.as_manager(claim).action_approve()
        self.assertEqual(claim.state, "approved")
        self.assertEqual(claim.amount_approved, claim.amount_claimed)
        self.as_manager(claim).action_compensate()
        self.assertEqual(claim.sudo().sale_order_id.amount_total, 0.0)

    def test_covered_amount_is_approved_by_default(self):
        vehicle = self.create_vehicle(odometer=49000)
        claim = self.create_claim(vehicle, odometer=60000, lines=[
            {"product_id": self.battery.id, "quantity": 1, "price_unit": 900.0},
            {"product_id": self.labour.id, "quantity": 1, "price_unit": 300.0}])
        self.assessed(claim)
        self.as_manager(claim).action_approve()
        self.assertEqual(claim.amount_approved, 300.0)

    # ------------------------------------------------------------------ compensation

    def test_repair_creates_a_service_visit_at_no_charge(self):
        claim = self.claim_in_state("approved")
        self.as_manager(claim).action_compensate()
        order = claim.sudo().sale_order_id
        self.assertTrue(order)
        self.assertEqual(order.aftersales_kind, "service")
        self.assertEqual(order.vehicle_id, claim.vehicle_id)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.origin, claim.name)
        self.assertEqual(order.order_line.mapped("product_id"), self.pump | self.labour)
        self.assertEqual(order.order_line.mapped("price_unit"), [0.0, 0.0])
        self.assertEqual(sorted(order.order_line.mapped("product_uom_qty")), [1.0, 2.0])
        self.assertEqual(order.amount_total, 0.0)
        self.assertTrue(any(order.name in message.body for message in claim.message_ids))

    def test_repair_adds_lines_to_the_linked_service_visit(self):
        vehicle = self.create_vehicle()
        visit = self.env["sale.order"].sudo(self.user).create({
            "partner_id": self.customer.id, "aftersales_kind": "service",
            "vehicle_id": vehicle.id,
        })
        claim = self.claim_in_state("approved", vehicle=vehicle, sale_order_id=visit.id)
        self.as_manager(claim).action_compensate()
        self.assertEqual(claim.sale_order_id, visit)
        self.assertEqual(len(visit.order_line), 2)
        self.assertEqual(visit.amount_total, 0.0)

    def test_refund_records_the_amount(self):
        claim = self.claim_in_state("assessment")
        claim.write({"cause": "manufacturing",
                     "assessment": "Repaired elsewhere on a trip; invoice checked."})
        self.as_manager(claim).write({"compensation_kind": "refund"})
        self.as_manager(claim).action_approve()
        self.as_manager(claim).action_compensate()
        self.assertEqual(claim.state, "compensated")
        self.assertEqual(claim.amount_refunded, 2000.0)
        self.assertFalse(claim.sale_order_id)

    def test_lines_frozen_once_decided(self):
        claim = self.claim_in_state("approved")
        with self.assertRefused(UserError, "can no longer change"):
            claim.line_ids[0].quantity = 3
        with self.assertRefused(UserError, "can no longer change"):
            claim.write({"line_ids": [(0, 0, {"product_id": self.labour.id,
                                              "price_unit": 300.0})]})
        self.assertEqual(len(claim.line_ids), 2)

    # ------------------------------------------------------------------ emails

    def test_customer_emailed_at_submission(self):
        claim = self.create_claim()
        claim.action_submit()
        mail = self.mails_of(claim)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(claim.name, mail.subject)
        self.assertIn(claim.name, mail.body_html)
        self.assertIn("Coolant leak under the engine", mail.body_html)
        letter = self.letters_of(claim)
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.mail_id, mail)
        self.assertEqual(letter.partner_id, self.customer)
        self.assertEqual(letter.kind, "notice")
        self.assertEqual(claim.letter_count, 1)
        action = claim.action_view_letters()
        self.assertEqual(self.env["aftersales.letter"].search(action["domain"]), letter)

    def test_customer_told_the_reason_of_a_rejection(self):
        claim = self.claim_in_state("submitted")
        self.as_manager(claim).rejection_reason = \
            "The brake pads are worn: normal wear is not covered."
        self.as_manager(claim).action_reject()
        mail = self.mails_of(claim)[-1]
        self.assertIn(claim.name, mail.body_html)
        self.assertIn("cannot be accepted", mail.body_html)
        self.assertIn("normal wear is not covered", mail.body_html)
        letter = self.letters_of(claim)[-1]
        self.assertEqual(letter.kind, "reply")
        self.assertIn("normal wear is not covered", letter.body_html)
        self.assertTrue(any("normal wear is not covered" in (message.body or "")
                            for message in claim.message_ids))

    def test_customer_told_of_approval_and_compensation(self):
        claim = self.claim_in_state("compensated")
        mails = self.mails_of(claim)
        self.assertEqual(len(mails), 3)
        decision, compensation = mails[1], mails[2]
        self.assertIn("has been approved", decision.body_html)
        self.assertIn(claim.name, decision.body_html)
        self.assertIn(claim.sudo().sale_order_id.name, compensation.body_html)
        self.assertEqual(self.letters_of(claim).mapped("kind"), ["notice", "reply", "notice"])

    def test_customer_who_refused_email_gets_none(self):
        self.customer.opt_out = True
        claim = self.claim_in_state("compensated")
        self.assertFalse(self.mails_of(claim))
        self.assertFalse(self.letters_of(claim))

    # ------------------------------------------------------------------ bad input

    def _claims_count(self):
        return self.env["aftersales.warranty.claim"].with_context(
            active_test=False).search_count([])

    def test_failure_date_in_the_future_is_refused(self):
        vehicle = self.create_vehicle()
        before = self._claims_count()
        with self.assertRefused(ValidationError, "in the future"):
            self.create_claim(vehicle, date_failure=self.date(days=1))
        self.assertEqual(self._claims_count(), before)

    def test_failure_date_before_the_handover_is_refused(self):
        vehicle = self.create_vehicle(months_ago=6)
        before = self._claims_count()
        with self.assertRefused(ValidationError, "before the vehicle was handed over"):
            self.create_claim(vehicle, date_failure=self.date(months=-6, days=-1))
        self.assertEqual(self._claims_count(), before)

    def test_odometer_lower_than_the_vehicle_reading_is_refused(self):
        vehicle = self.create_vehicle(odometer=30000)
        before = self._claims_count()
        with self.assertRefused(ValidationError, "lower than the last reading"):
            self.create_claim(vehicle, odometer=29999)
        self.assertEqual(self._claims_count(), before)
        claim = self.create_claim(vehicle, odometer=30500)
        with self.assertRefused(ValidationError, "lower than the last reading"):
            claim.odometer = 30100
        self.assertEqual(claim.odometer, 30500)
        self.assertEqual(vehicle.odometer, 30500)

    def test_claim_at_the_true_reading_accepted_once_a_manager_corrected_it(self):
        vehicle = self.create_vehicle(odometer=30000)
        vehicle.write({"odometer": 300000})  # one zero too many at the reception desk
        with self.assertRefused(ValidationError, "lower than the last reading"):
            self.create_claim(vehicle, odometer=30400)
        wrong = vehicle.reading_ids.filtered(lambda r: r.odometer == 300000)
        # The officer cannot correct it, the manager can.
        with self.assertRefused(AccessError):
            self.env["aftersales.odometer.correction"].sudo(self.officer).create({
                "vehicle_id": vehicle.id, "reading_id": wrong.id, "odometer": 30300,
                "reason": "typo"}).action_apply()
        self.env["aftersales.odometer.correction"].sudo(self.manager).create({
            "vehicle_id": vehicle.id, "reading_id": wrong.id, "odometer": 30300,
            "reason": "300,000 typed instead of 30,300."}).action_apply()
        self.assertEqual(vehicle.odometer, 30300)
        claim = self.create_claim(vehicle, odometer=30400)
        self.assertEqual(claim.odometer, 30400)
        self.assertEqual(vehicle.odometer, 30400)
        self.assertFalse(wrong.active)
        self.assertIn(wrong, vehicle.corrected_reading_ids)

    def test_vehicle_without_owner_is_refused(self):
        vehicle = self.env["aftersales.vehicle"].create({
            "vin": self.next_vin(), "product_id": self.vehicle_model.id,
            "handover_date": self.date(months=-3)})
        before = self._claims_count()
        with self.assertRefused(ValidationError, "has no owner"):
            self.create_claim(vehicle)
        self.assertEqual(self._claims_count(), before)

    def test_approving_more_than_claimed_is_refused(self):
        claim = self.assessed(self.create_claim())
        claim = self.as_manager(claim)
        with self.assertRefused(ValidationError, "more than what is claimed"):
            claim.write({"amount_approved": 2000.01})
            claim.action_approve()
        self.assertEqual(claim.state, "assessment")
        self.assertEqual(claim.amount_approved, 0.0)

    def test_rejecting_without_a_reason_is_refused(self):
        claim = self.claim_in_state("assessment")
        mails_before = len(self.mails_of(claim))
        with self.assertRefused(UserError, "reason"):
            self.as_manager(claim).action_reject()
        self.assertEqual(claim.state, "assessment")
        self.assertEqual(len(self.mails_of(claim)), mails_before)

    def test_compensating_before_approval_is_refused(self):
        for state in ("draft", "submitted", "assessment", "rejected"):
            claim = self.claim_in_state(state)
            with self.assertRefused(UserError, "must be approved before"):
                self.as_manager(claim).action_compensate()
            self.assertEqual(claim.state, state)
            self.assertFalse(claim.sale_order_id)

    def test_submitting_without_lines_or_symptom_is_refused(self):
        claim = self.create_claim(symptom=False)
        with self.assertRefused(UserError, "symptom"):
            claim.action_submit()
        empty = self.create_claim(lines=[])
        empty.line_ids.unlink()
        with self.assertRefused(UserError, "parts and labour"):
            empty.action_submit()
        self.assertEqual((claim | empty).mapped("state"), ["draft", "draft"])

    def test_approving_without_assessment_is_refused(self):
        claim = self.claim_in_state("assessment")
        self.as_manager(claim).compensation_kind = "repair"
        with self.assertRefused(UserError, "quality assessment"):
            self.as_manager(claim).action_approve()
        self.assertEqual(claim.state, "assessment")
