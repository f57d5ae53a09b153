# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Inbound email (S16): an email to the after-sales address becomes a case on the
customer file of its sender, with the email in its chatter; a reply posted on the case
goes back to the customer by email and is entered in the letter register; the customer's
answer to it lands on the same case."""
from .common import AftersalesCommon

RAW_EMAIL = """Return-Path: <{sender}>
From: {name} <{sender}>
To: aftersales@dealer.example.com
Subject: {subject}
Message-ID: <{msgid}@mail.customer.example.com>
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


class TestInboundEmail(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestInboundEmail, cls).setUpClass()
        cls.alias = cls.env.ref("aftersales_followup.mail_alias_aftersales")

    def receive(self, sender, name, subject, body, msgid, extra=""):
        """The mail gateway receives an email (as fetchmail hands it over)."""
        raw = RAW_EMAIL.format(sender=sender, name=name, subject=subject, body=body,
                               msgid=msgid, extra=extra)
        return self.env["mail.thread"].message_process(None, raw)

    def test_alias_is_the_after_sales_address_for_cases(self):
        self.assertEqual(self.alias.alias_name, "aftersales")
        self.assertEqual(self.alias.alias_model_id.model, "aftersales.case")

    def test_email_from_known_customer_becomes_consultation_case(self):
        case_id = self.receive(
            self.customer.email, "Li Wei", "Warning light on the dashboard",
            "An orange engine light came on this morning. Can I still drive?", "h8-known-1")
        case = self.env["aftersales.case"].browse(case_id)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual((case.kind, case.channel, case.state),
                         ("consultation", "email", "study"))
        self.assertEqual(case.name, "Warning light on the dashboard")
        self.assertIn("orange engine light", case.description)
        self.assertEqual(case.user_id, self.officer, "the company's default officer")
        email = case.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(email), 1)
        self.assertEqual(email.author_id, self.customer)
        self.assertIn("orange engine light", email.body)
        self.assertIn(self.customer, case.message_partner_ids)
        self.assertIn(self.officer.partner_id, case.message_partner_ids)
        # The officer is asked to answer today; the case is in the customer file.
        activity = self.activities_of(case)
        self.assertEqual((activity.user_id, activity.date_deadline),
                         (self.officer, self.today))
        self.assertIn(case, self.customer.aftersales_case_ids)

    def test_email_goes_to_the_customer_own_officer(self):
        customer = self.create_customer("Own Officer", aftersales_user_id=self.supervisor.id)
        case = self.env["aftersales.case"].browse(self.receive(
            customer.email, "Own Officer", "Question", "Hello", "h8-own-1"))
        self.assertEqual(case.user_id, self.supervisor)

    def test_email_from_unknown_sender_creates_the_contact(self):
        case = self.env["aftersales.case"].browse(self.receive(
            "new.driver@customer.example.com", "Xu Ming", "Opening hours",
            "Are you open on Sundays?", "h8-unknown-1"))
        self.assertEqual(case.partner_id.email, "new.driver@customer.example.com")
        self.assertEqual(case.partner_id.name, "Xu Ming")
        self.assertEqual(case.kind, "consultation")

    def test_reply_from_case_goes_back_by_email_and_is_registered(self):
        case = self.env["aftersales.case"].browse(self.receive(
            self.customer.email, "Li Wei", "Tyre pressure", "Which pressure for winter?",
            "h8-reply-1"))
        case.sudo(self.officer).message_post(
            body="2.5 bar when the tyres are cold.", message_type="comment",
            subtype="mail.mt_comment")
        mail = self.env["mail.mail"].search([
            ("model", "=", "aftersales.case"), ("res_id", "=", case.id),
            ("recipient_ids", "in", self.customer.ids)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "left to the mail queue")
        self.assertIn("2.5 bar", mail.body_html)
        letter = self.letters_of(self.customer)
        self.assertEqual(len(letter), 1)
        self.assertEqual((letter.kind, letter.channel, letter.case_id, letter.mail_id,
                          letter.state), ("reply", "email", case, mail, "draft"))
        self.assertEqual(letter.email_to, self.customer.email)
        self.assertIn(letter, case.letter_ids)
        # Delivered: the register follows.
        mail.write({"state": "sent"})
        self.assertEqual(letter.state, "sent")

    def test_reply_not_emailed_to_customer_who_asked_not_to_be_emailed(self):
        refusing = self.create_customer("No Email Please", opt_out=True)
        case = self.env["aftersales.case"].browse(self.receive(
            refusing.email, "No Email Please", "Next service", "When is it due?",
            "h8-optout-1"))
        self.assertEqual(case.partner_id, refusing)
        case.sudo(self.officer).message_post(
            body="In two months.", message_type="comment", subtype="mail.mt_comment")
        self.assertFalse(self.env["mail.mail"].search([
            ("recipient_ids", "in", refusing.ids)]))
        self.assertFalse(self.letters_of(refusing))
        # The chatter tells the officer how to answer instead.
        self.assertIn("asked not to be emailed", case.message_ids[0].body)

    def test_internal_note_is_not_emailed_nor_registered(self):
        case = self.env["aftersales.case"].browse(self.receive(
            self.customer.email, "Li Wei", "Noise", "A noise at the back.", "h8-note-1"))
        case.sudo(self.officer).message_post(
            body="Ask the workshop first.", message_type="comment", subtype="mail.mt_note")
        self.assertFalse(self.env["mail.mail"].search([
            ("model", "=", "aftersales.case"), ("res_id", "=", case.id),
            ("recipient_ids", "in", self.customer.ids)]))
        self.assertFalse(self.letters_of(self.customer))

    def test_customer_answer_to_the_reply_lands_on_the_same_case(self):
        case = self.env["aftersales.case"].browse(self.receive(
            self.customer.email, "Li Wei", "Wipers", "The wipers squeak.", "h8-thread-1"))
        reply = case.sudo(self.officer).message_post(
            body="Come by for new blades, free of charge.", message_type="comment",
            subtype="mail.mt_comment")
        answer_id = self.receive(
            self.customer.email, "Li Wei", "Re: Wipers", "Thank you, I come on Monday.",
            "h8-thread-2", extra="In-Reply-To: %s\n" % reply.message_id)
        self.assertEqual(answer_id, case.id)
        self.assertEqual(self.env["aftersales.case"].search_count(
            [("partner_id", "=", self.customer.id), ("channel", "=", "email")]), 1)
        self.assertIn("I come on Monday", case.message_ids[0].body)
