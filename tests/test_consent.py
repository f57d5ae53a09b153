"""Issue 8, point 6: consent across every path of the three addons.

A customer who opted out of email gets no email, and a do-not-call customer no call to
make (no call "to do" in the register, no activity asking anyone to phone them), whatever
path would contact them: follow-up (handover thank-you, "we tried to reach you", due call),
campaign (notice call and letter), case reply letter, warranty (claim emails, follow-up
call after a closed claim), parts (arrival email and booking call), potential needs
(reminder calls and emails).

Each test runs its path for a refusing customer and, as a control, for a customer who
accepts, so that a path that contacts nobody cannot pass unnoticed.
"""
from datetime import datetime, timedelta

from odoo import fields
from odoo.addons.aftersales_followup.tests.common import AftersalesTestCase, create_staff

from security_support import mails_to


def day(offset):
    return fields.Date.to_string(fields.Date.from_string(fields.Date.today())
                                 + timedelta(days=offset))


def moment(days_ago, hours=0):
    return fields.Datetime.to_string(datetime.now() - timedelta(days=days_ago, hours=hours))


class TestConsent(AftersalesTestCase):

    @classmethod
    def setUpClass(cls):
        super(TestConsent, cls).setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True,
                                             mail_create_nosubscribe=True))
        ref = env.ref
        cls.company = ref("base.main_company")
        cls.officer = create_staff(env, "h7_consent_officer", "Consent Officer (h7)",
                                   [cls.USER, cls.SALESMAN, cls.CONTACTS])
        cls.manager = create_staff(env, "h7_consent_manager", "Consent Manager (h7)",
                                   [cls.MANAGER, cls.SALESMAN, cls.CONTACTS])
        cls.company.write({"aftersales_default_user_id": cls.officer.id,
                           "aftersales_supervisor_id": cls.manager.id,
                           "email": "service@dealer-h7.example.com"})
        cls.maker = env["res.partner"].create({
            "name": "Aurora Motors (h7 consent)", "is_company": True, "supplier": True,
            "email": "maker@aurora-h7.example.com"})
        product = env["product.product"]
        cls.vehicle_model = product.create({
            "name": "Aurora S5 (h7 consent)", "type": "consu", "warranty_months": 36,
            "warranty_km": 100000, "warranty_manufacturer_id": cls.maker.id})
        cls.service = product.create({"name": "Maintenance (h7 consent)", "type": "service",
                                      "list_price": 800.0})
        cls.pump = product.create({"name": "Water pump (h7 consent)", "type": "consu",
                                   "list_price": 1400.0})
        cls.part = product.create({
            "name": "Brake pads (h7 consent)", "type": "product", "is_vehicle_part": True,
            "list_price": 100.0,
            "seller_ids": [(0, 0, {"name": cls.maker.id, "price": 60.0, "delay": 3})]})
        cls._vins = 0

    # ------------------------------------------------------------------ records

    def customer(self, name, **vals):
        self._vins += 1
        values = {"name": "%s (h7 consent)" % name, "phone": "+86 138 0000 %04d" % self._vins,
                  "email": "%s.h7consent@customer.example.com" % name.lower().replace(" ", "."),
                  "aftersales_user_id": self.officer.id, "aftersales_customer": True}
        values.update(vals)
        return self.env["res.partner"].create(values)

    def vehicle(self, partner, **vals):
        self._vins += 1
        values = {"vin": "H7CNSNTVX%08d" % self._vins, "product_id": self.vehicle_model.id,
                  "partner_id": partner.id, "handover_date": day(-365), "odometer": 20000}
        values.update(vals)
        return self.env["aftersales.vehicle"].create(values)

    def service_visit(self, partner):
        return self.env["sale.order"].sudo(self.officer).create({
            "partner_id": partner.id, "aftersales_kind": "service",
            "vehicle_id": self.vehicle(partner).id,
            "order_line": [(0, 0, {"product_id": self.service.id, "name": "Maintenance",
                                   "product_uom_qty": 1, "product_uom": self.service.uom_id.id,
                                   "price_unit": 800.0})]})

    def claim(self, partner):
        return self.env["aftersales.warranty.claim"].sudo(self.officer).create({
            "vehicle_id": self.vehicle(partner).id, "date_failure": day(-2),
            "odometer": 21000, "symptom": "Coolant leak",
            "line_ids": [(0, 0, {"product_id": self.pump.id, "quantity": 1,
                                 "price_unit": 1400.0})]})

    # ------------------------------------------------------------------ look-ups

    def calls_of(self, partner):
        return self.env["aftersales.call"].with_context(active_test=False).search(
            [("partner_id", "=", partner.id)])

    def letters_of(self, partner):
        return self.env["aftersales.letter"].with_context(active_test=False).search(
            [("partner_id", "=", partner.id)])

    def assertNotEmailed(self, partner):
        self.assertFalse(mails_to(self.env, partner), "%s was emailed" % partner.name)
        self.assertFalse(self.letters_of(partner).filtered(lambda lt: lt.channel == "email"),
                         "an email letter was registered for %s" % partner.name)

    def assertEmailed(self, partner):
        self.assertTrue(mails_to(self.env, partner), "%s got no email" % partner.name)

    def assertNotToCall(self, partner, expect_register=True):
        """No call to make for ``partner``; the register says why when it holds one."""
        calls = self.calls_of(partner)
        if expect_register:
            self.assertTrue(calls, "the register should show the call not made")
        self.assertFalse(calls.filtered(lambda c: c.state in ("todo", "no_answer")),
                         "a call to make for %s" % partner.name)
        self.assertFalse(self.activities_of(calls), "an activity to call %s" % partner.name)
        for call in calls:
            self.assertEqual(call.state, "cancelled")
            self.assertIn("do-not-call", call.notes or "")

    def assertToCall(self, partner):
        calls = self.calls_of(partner).filtered(lambda c: c.state == "todo")
        self.assertTrue(calls, "%s should be called" % partner.name)
        self.assertTrue(self.activities_of(calls))

    def run_due_calls(self):
        # the surveys of expired calls are chunk jobs: run at once here
        self.env["aftersales.call"].with_context(
            test_queue_job_no_delay=True)._cron_generate_due_calls()

    # ------------------------------------------------------------------ follow-up

    def test_handover_thank_you_not_emailed_to_opted_out_customer(self):
        refusing = self.customer("Handover Refuser", opt_out=True)
        control = self.customer("Handover Accepter")
        for partner in (refusing, control):
            order = self.service_visit(partner)
            order.action_confirm()
            order.action_handover()
        self.assertNotEmailed(refusing)
        self.assertFalse(self.letters_of(refusing))
        self.assertEmailed(control)

    def test_no_answer_email_not_sent_to_opted_out_customer(self):
        refusing = self.customer("No Answer Refuser", opt_out=True)
        control = self.customer("No Answer Accepter")
        for partner in (refusing, control):
            call = self.env["aftersales.call"].sudo(self.officer).create(
                {"partner_id": partner.id})
            call.action_no_answer()
            self.assertEqual(call.state, "no_answer")
        self.assertNotEmailed(refusing)
        self.assertEmailed(control)

    def test_due_call_not_made_to_do_not_call_customer(self):
        refusing = self.customer("Due Call Refuser", do_not_call=True)
        control = self.customer("Due Call Accepter")
        for partner in (refusing, control):
            order = self.service_visit(partner)
            order.action_confirm()
            order._aftersales_trusted().write({
                "checkin_date": moment(4, 2), "handover_date": moment(4)})
        self.run_due_calls()
        self.assertNotToCall(refusing)
        self.assertToCall(control)

    def test_satisfaction_survey_not_emailed_to_opted_out_customer(self):
        refusing = self.customer("Survey Refuser", opt_out=True)
        control = self.customer("Survey Accepter")
        for partner in (refusing, control):
            Call = self.env["aftersales.call"].sudo(self.officer)
            # Reached on the phone, and expired unreached: both paths send the survey.
            done = Call.create({"partner_id": partner.id, "direction": "out",
                                "purpose": "followup", "satisfaction": "4"})
            done.action_done()
            Call.create({"partner_id": partner.id, "direction": "out", "purpose": "followup",
                         "date_due": day(-10), "date_expiry": day(-1)})
        self.run_due_calls()
        self.assertEqual(set(self.calls_of(refusing).mapped("state")), {"done", "expired"})
        self.assertNotEmailed(refusing)
        self.assertFalse(self.calls_of(refusing).mapped("survey_user_input_id"))
        self.assertEqual(len(self.calls_of(control).mapped("survey_user_input_id")), 2)
        self.assertEqual(len(mails_to(self.env, control)), 2)

    def test_replies_to_an_emailed_question_respect_the_opt_out(self):
        """A case opened by the customer's email (S16) makes the customer a follower; a
        reply posted on it reaches them by email only if they accept email (otherwise the
        officer answers by phone or by a posted reply letter)."""
        refusing = self.customer("Email Question Refuser", opt_out=True)
        control = self.customer("Email Question Accepter")
        for partner in (refusing, control):
            case = self.env["aftersales.case"].message_new({
                "email_from": partner.email, "author_id": partner.id,
                "subject": "When is my next service?", "body": "<p>Hello, when?</p>"})
            self.assertEqual(case.partner_id, partner)
            case.sudo(self.officer).message_post(
                body="In two months.", message_type="comment", subtype="mail.mt_comment")
        self.assertNotEmailed(refusing)
        self.assertEmailed(control)

    # ------------------------------------------------------------------ campaigns

    def campaign(self, partners, days_to_event):
        campaign = self.env["aftersales.campaign"].create({
            "name": "Club day (h7 consent %d)" % days_to_event, "date_event": day(days_to_event),
            "mail_template_id": self.env.ref(
                "aftersales_followup.mail_template_campaign_notice").id,
            "target_domain": "[('id', 'in', %s)]" % partners.ids})
        campaign.action_schedule()
        # The letters' chunk jobs run at once, in the test's transaction (queue_job).
        self.env["aftersales.campaign"].with_context(
            test_queue_job_no_delay=True)._cron_run_campaigns()
        return campaign

    def test_campaign_notice_call_not_made_to_do_not_call_customer(self):
        refusing = self.customer("Campaign Call Refuser", do_not_call=True)
        control = self.customer("Campaign Call Accepter")
        campaign = self.campaign(refusing | control, 14)
        self.assertEqual(len(campaign.call_ids), 2)
        self.assertNotToCall(refusing)
        self.assertToCall(control)

    def test_campaign_letter_not_emailed_to_opted_out_customer(self):
        refusing = self.customer("Campaign Mail Refuser", opt_out=True)
        silent = self.customer("Campaign Silent", opt_out=True, do_not_call=True)
        control = self.customer("Campaign Mail Accepter")
        # Letter deadline passed: every targeted customer gets the notice letter now.
        campaign = self.campaign(refusing | silent | control, 10)
        self.assertEqual(campaign.state, "done")
        self.assertNotEmailed(refusing)
        self.assertEqual(self.letters_of(refusing).mapped("channel"), ["post"])
        self.assertNotEmailed(silent)
        self.assertFalse(self.letters_of(silent))
        self.assertNotToCall(silent)
        self.assertEmailed(control)

    def test_case_reply_not_emailed_to_opted_out_customer(self):
        refusing = self.customer("Case Refuser", opt_out=True)
        control = self.customer("Case Accepter")
        for partner in (refusing, control):
            case = self.env["aftersales.case"].sudo(self.officer).create({
                "partner_id": partner.id, "kind": "complaint", "name": "Rattle",
                "solution": "Door seal replaced."})
            case.action_solve()
            case.action_send_reply_letter()
            self.assertEqual(case.state, "informed")
        self.assertNotEmailed(refusing)
        self.assertEqual(self.letters_of(refusing).mapped("channel"), ["post"])
        self.assertEmailed(control)

    # ------------------------------------------------------------------ warranty

    def test_claim_emails_not_sent_to_opted_out_customer(self):
        refusing = self.customer("Claim Mail Refuser", opt_out=True)
        control = self.customer("Claim Mail Accepter")
        for partner in (refusing, control):
            approved = self.claim(partner)
            approved.action_submit()
            approved.action_assess()
            approved.write({"cause": "manufacturing", "assessment": "Pump seal leaking."})
            approved.sudo(self.manager).write({"compensation_kind": "refund"})
            approved.sudo(self.manager).action_approve()
            approved.sudo(self.manager).action_compensate()
            approved.sudo(self.manager).action_close()
            rejected = self.claim(partner)
            rejected.action_submit()
            rejected.sudo(self.manager).write({"rejection_reason": "Damage from an accident."})
            rejected.sudo(self.manager).action_reject()
        self.assertNotEmailed(refusing)
        self.assertFalse(self.letters_of(refusing))
        self.assertGreaterEqual(len(mails_to(self.env, control)), 5)

    def test_claim_closed_follow_up_call_not_made_to_do_not_call_customer(self):
        refusing = self.customer("Claim Call Refuser", do_not_call=True)
        control = self.customer("Claim Call Accepter")
        for partner in (refusing, control):
            claim = self.claim(partner)
            claim.action_submit()
            claim.sudo(self.manager).write({"rejection_reason": "Normal wear."})
            claim.sudo(self.manager).action_reject()
            claim.sudo(self.manager).action_close()
            claim._aftersales_trusted().write({"date_closed": day(-4)})
        self.run_due_calls()
        self.assertNotToCall(refusing)
        self.assertToCall(control)

    # ------------------------------------------------------------------ parts

    def receive_parts(self, requests):
        for request in requests:
            request.action_confirm()
            self.assertEqual(request.line_ids.mapped("state"), ["backorder"])
        order = self.env["purchase.order"].create({
            "partner_id": self.maker.id,
            "order_line": [(0, 0, {
                "product_id": self.part.id, "name": self.part.name,
                "product_qty": len(requests), "product_uom": self.part.uom_po_id.id,
                "price_unit": 60.0, "date_planned": fields.Datetime.now()})]})
        order.button_confirm()
        receipt = order.picking_ids
        for move in receipt.mapped("move_lines"):
            for move_line in move.move_line_ids:
                move_line.qty_done = move_line.product_uom_qty
        receipt.action_done()
        for request in requests:
            self.assertEqual(request.state, "ready")

    def parts_request(self, partner):
        return self.env["aftersales.parts.request"].sudo(self.officer).create({
            "partner_id": partner.id, "vehicle_id": self.vehicle(partner).id,
            "line_ids": [(0, 0, {"product_id": self.part.id, "quantity": 1})]})

    def test_parts_arrival_respects_email_and_phone_consent(self):
        no_email = self.customer("Parts Mail Refuser", opt_out=True)
        no_call = self.customer("Parts Call Refuser", do_not_call=True)
        control = self.customer("Parts Accepter")
        requests = self.env["aftersales.parts.request"]
        for partner in (no_email, no_call, control):
            requests |= self.parts_request(partner)
        self.receive_parts(requests)
        # The arrival email: not to the one who opted out; the booking call: not to the
        # one who refuses calls.
        self.assertNotEmailed(no_email)
        self.assertToCall(no_email)
        self.assertNotToCall(no_call)
        self.assertEmailed(no_call)
        self.assertEmailed(control)
        self.assertToCall(control)

    # ------------------------------------------------------------------ needs

    def test_need_reminder_calls_not_made_to_do_not_call_customer(self):
        refusing = self.customer("Reminder Call Refuser", do_not_call=True)
        control = self.customer("Reminder Call Accepter")
        for partner in (refusing, control):
            vehicle = self.vehicle(partner)
            # Next service (reminded 14 days ahead) and warranty end (30 days ahead).
            for kind, days in (("service", 10), ("warranty_end", 20)):
                self.env["aftersales.need"].create({
                    "partner_id": partner.id, "vehicle_id": vehicle.id, "kind": kind,
                    "date_expected": day(days)})
        self.run_due_calls()
        self.assertEqual(len(self.calls_of(refusing)), 2)
        self.assertNotToCall(refusing)
        self.assertEqual(len(self.calls_of(control)), 2)
        self.assertToCall(control)

    def test_need_reminder_email_not_sent_to_opted_out_customer(self):
        refusing = self.customer("Reminder Mail Refuser", opt_out=True)
        control = self.customer("Reminder Mail Accepter")
        for partner in (refusing, control):
            # Insurance renewal: reminded by email 30 days ahead.
            self.env["aftersales.need"].create({
                "partner_id": partner.id, "vehicle_id": self.vehicle(partner).id,
                "kind": "insurance", "date_expected": day(20)})
        self.env["aftersales.need"].with_context(
            test_queue_job_no_delay=True)._send_need_reminder_emails()
        self.assertNotEmailed(refusing)
        self.assertFalse(self.letters_of(refusing))
        self.assertEmailed(control)
