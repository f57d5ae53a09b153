# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Quality feedback to the manufacturer: the approved claims of the period not yet
reported, one CSV row per claim line, emailed once; no claim is ever reported twice."""
import base64

from odoo.exceptions import AccessError, UserError, ValidationError

from .common import WarrantyCommon


class TestFeedback(WarrantyCommon):

    def approved_claim(self, manufacturer=None, state="approved", **vals):
        claim = self.claim_in_state(state, **vals)
        if manufacturer:
            claim.sudo()._aftersales_trusted().manufacturer_id = manufacturer
        return claim

    def new_batch(self, **vals):
        values = {"manufacturer_id": self.manufacturer.id,
                  "date_from": self.date(days=-30), "date_to": self.today}
        values.update(vals)
        return self.env["aftersales.warranty.feedback"].sudo(self.manager).create(values)

    def test_collect_takes_the_approved_claims_of_the_period_not_yet_reported(self):
        approved = self.approved_claim()
        compensated = self.approved_claim(state="compensated")
        closed = self.approved_claim(state="closed")
        rejected_closed = self.claim_in_state("rejected")
        self.as_manager(rejected_closed).action_close()
        in_assessment = self.claim_in_state("assessment")
        other_maker = self.approved_claim(
            manufacturer=self.env["res.partner"].create({"name": "Other maker (h3)"}))
        last_year = self.approved_claim()
        last_year.sudo()._aftersales_trusted().date_decision = self.date(months=-12)
        batch = self.new_batch()
        batch.action_collect()
        self.assertEqual(batch.claim_ids, approved | compensated | closed)
        self.assertNotIn(rejected_closed, batch.claim_ids)
        self.assertNotIn(in_assessment, batch.claim_ids)
        self.assertNotIn(other_maker, batch.claim_ids)
        self.assertNotIn(last_year, batch.claim_ids)
        self.assertEqual(batch.claim_count, 3)

    def test_send_attaches_the_file_emails_it_and_marks_the_claims(self):
        claims = self.approved_claim() | self.approved_claim()
        batch = self.new_batch()
        batch.action_collect()
        self.assertEqual(batch.claim_ids, claims)
        batch.action_send()
        self.assertEqual(batch.state, "sent")
        self.assertTrue(batch.date_sent)
        self.assertEqual(claims.mapped("feedback_id"), batch)
        attachment = batch.attachment_id
        self.assertEqual(attachment.res_model, "aftersales.warranty.feedback")
        self.assertEqual(attachment.res_id, batch.id)
        self.assertEqual(attachment.datas_fname,
                         "warranty_feedback_%s.csv" % batch.name.replace("/", "-"))
        mail = self.mails_of(batch)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.manufacturer)
        self.assertIn(batch.name, mail.subject)
        self.assertEqual(mail.attachment_ids, attachment)
        # Not a letter to a customer: nothing in the letter register.
        self.assertFalse(self.letters_of(batch))

    def test_csv_exact_content_for_a_known_claim(self):
        vehicle = self.create_vehicle(months_ago=12, odometer=15000)
        claim = self.create_claim(
            vehicle, odometer=15230, date_failure=self.date(days=-4),
            symptom='发动机漏水, "coolant" leak',
            lines=[{"product_id": self.pump.id, "quantity": 1, "price_unit": 1400.0},
                   {"product_id": self.labour.id, "quantity": 1.5, "price_unit": 300.0}])
        self.assessed(claim)
        claim.assessment = "Pump seal leaking"
        self.as_manager(claim).action_approve()
        batch = self.new_batch()
        batch.action_collect()
        batch.action_send()
        expected = (
            "\ufeff"
            "claim,vin,model,handover_date,failure_date,odometer_km,symptom,cause,"
            "assessment,part,quantity,unit_price,subtotal,amount_approved\r\n"
            "{name},{vin},Aurora S5 (h3),{handover},{failure},15230,"
            "\"发动机漏水, \"\"coolant\"\" leak\",manufacturing,Pump seal leaking,"
            "[WP-H3] Water pump (h3),1,1400.00,1400.00,1850.00\r\n"
            "{name},{vin},Aurora S5 (h3),{handover},{failure},15230,"
            "\"发动机漏水, \"\"coolant\"\" leak\",manufacturing,Pump seal leaking,"
            "Warranty labour (h3),1.5,300.00,450.00,1850.00\r\n"
        ).format(name=claim.name, vin=vehicle.vin, handover=self.date(months=-12),
                 failure=self.date(days=-4))
        content = base64.b64decode(batch.attachment_id.datas).decode("utf-8")
        self.assertEqual(content, expected)

    def test_no_claim_reported_twice(self):
        claim = self.approved_claim()
        first = self.new_batch()
        first.action_collect()
        first.action_send()
        # The next collection does not take it again...
        second = self.new_batch()
        second.action_collect()
        self.assertNotIn(claim, second.claim_ids)
        # ...and a batch that holds it anyway cannot be sent.
        second.claim_ids = [(4, claim.id)]
        with self.assertRefused(UserError, "already reported"):
            second.action_send()
        self.assertEqual(second.state, "draft")
        self.assertFalse(second.attachment_id)
        self.assertEqual(claim.feedback_id, first)
        self.assertFalse(self.mails_of(second))

    def test_two_batches_collected_at_once_report_a_claim_once(self):
        claim = self.approved_claim()
        first, second = self.new_batch(), self.new_batch()
        (first | second).action_collect()
        self.assertIn(claim, first.claim_ids)
        self.assertIn(claim, second.claim_ids)
        first.action_send()
        with self.assertRefused(UserError, "already reported"):
            second.action_send()
        self.assertEqual(claim.feedback_id, first)
        self.assertEqual(second.state, "draft")

    def test_sending_an_empty_batch_is_refused(self):
        batch = self.new_batch(manufacturer_id=self.env["res.partner"].create(
            {"name": "Maker without claims (h3)", "email": "q@maker.example.com"}).id)
        batch.action_collect()
        self.assertFalse(batch.claim_ids)
        with self.assertRefused(UserError, "no claim to report"):
            batch.action_send()
        self.assertEqual(batch.state, "draft")
        self.assertFalse(self.mails_of(batch))

    def test_a_sent_batch_cannot_be_sent_again_or_deleted(self):
        self.approved_claim()
        batch = self.new_batch()
        batch.action_collect()
        batch.action_send()
        with self.assertRefused(UserError, "already sent"):
            batch.action_send()
        with self.assertRefused(UserError, "cannot be deleted"):
            batch.unlink()
        self.assertEqual(len(self.mails_of(batch)), 1)

    def test_only_managers_send_feedback(self):
        self.approved_claim()
        batch = self.new_batch()
        as_user = batch.sudo(self.user)
        with self.assertRefused(AccessError):
            as_user.action_collect()
        batch.action_collect()
        with self.assertRefused(AccessError):
            as_user.action_send()
        self.assertEqual(batch.state, "draft")

    def test_manufacturer_without_email_is_refused(self):
        mute_maker = self.env["res.partner"].create({"name": "Mute maker (h3)"})
        claim = self.approved_claim(manufacturer=mute_maker)
        batch = self.new_batch(manufacturer_id=mute_maker.id)
        batch.action_collect()
        with self.assertRefused(UserError, "no email address"):
            batch.action_send()
        self.assertFalse(claim.feedback_id)

    def test_period_ending_before_it_starts_is_refused(self):
        with self.assertRefused(ValidationError, "before it starts"):
            self.new_batch(date_from=self.today, date_to=self.date(days=-1))
