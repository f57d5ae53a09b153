"""Issue 8, point 3: when the outgoing mail server refuses, the letters' emails end
``failed`` in the letter register and nothing is lost; a retry sends them once the server
accepts, and the register then shows ``sent`` exactly once per letter.

A real SMTP exchange with a server started by the test on 127.0.0.1 (tests/reliability/
smtp_server.py): first refusing (``550 5.7.1 refused`` to MAIL FROM, or to RCPT TO), then
accepting. The letters come through both of the suite's paths: the campaign notices queued
set-based by the campaign action, and the "we tried to reach you" emails of calls not
answered (``aftersales.letter.send_template``). The queue is processed by
``mail.mail.process_email_queue``, the method of Odoo's queue scheduled action.
"""
import contextlib
import threading
import uuid
from datetime import timedelta
from unittest import mock

from reliability.smtp_server import SmtpServer

from odoo import fields
from odoo.tests.common import TransactionCase


def day(offset):
    return fields.Date.to_string(
        fields.Date.from_string(fields.Date.today()) + timedelta(days=offset))


class TestMailFailure(TransactionCase):

    def setUp(self):
        super(TestMailFailure, self).setUp()
        self.env = self.env(context=dict(self.env.context, no_reset_password=True,
                                         mail_create_nosubscribe=True))
        self.smtp = SmtpServer("refuse").start()
        self.addCleanup(self.smtp.stop)
        servers = self.env["ir.mail_server"].search([], order="sequence", limit=1)
        # The dealer's outgoing server: the first one, as ir.mail_server picks it.
        self.mail_server = self.env["ir.mail_server"].create({
            "name": "Dealer relay (reliability test)",
            "smtp_host": "127.0.0.1",
            "smtp_port": self.smtp.port,
            "smtp_encryption": "none",
            "sequence": (servers.sequence - 1) if servers else 1,
        })

    def _letters(self, customers, not_answered):
        """Campaign notice emails for ``customers`` new customers (Chinese names) and the
        "we tried to reach you" emails of ``not_answered`` of their notice calls."""
        tag = uuid.uuid4().hex[:8]
        partners = self.env["res.partner"]
        for n in range(customers):
            partners |= partners.create({
                "name": "王芳 %s %d" % (tag, n),
                "email": "h6mail.%s.%d@customer.example.com" % (tag, n),
                "aftersales_customer": True,
            })
        campaign = self.env["aftersales.campaign"].create({
            "name": "春季保养 Spring check-up %s" % tag,
            "kind": "free_service",
            "date_event": day(10),  # the letter deadline has passed: every letter goes
            "mail_template_id": self.env.ref(
                "aftersales_followup.mail_template_campaign_notice").id,
            "target_domain": "[('id', 'in', %s)]" % partners.ids,
        })
        campaign.action_schedule()
        # The letters' chunk jobs run at once, in the test's transaction (queue_job).
        self.env["aftersales.campaign"].with_context(
            test_queue_job_no_delay=True)._cron_run_campaigns()
        notices = campaign.letter_ids
        self.assertEqual(len(notices), customers)
        self.assertEqual(set(notices.mapped("channel")), {"email"})
        calls = campaign.call_ids.sorted("id")[:not_answered]
        calls.action_no_answer()
        followups = self.env["aftersales.letter"].search([("call_id", "in", calls.ids),
                                                         ("kind", "=", "followup")])
        self.assertEqual(len(followups), not_answered)
        letters = notices | followups
        mails = letters.mapped("mail_id")
        self.assertEqual(len(mails), len(letters), "one queued email per letter")
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(set(letters.mapped("state")), {"draft"})
        return letters

    @contextlib.contextmanager
    def _real_smtp(self):
        """Let Odoo talk to the SMTP server: ir.mail_server neither connects nor sends
        while the thread's ``testing`` flag is set (pytest-odoo sets it). Without the flag
        the queue commits after each email, as the scheduled action does; the test's
        transaction must stay open (it is rolled back at the end), so commit is a no-op."""
        thread = threading.current_thread()
        testing = getattr(thread, "testing", False)
        thread.testing = False
        try:
            with mock.patch.object(self.env.cr, "commit"):
                yield
        finally:
            thread.testing = testing

    def _process_queue(self, letters):
        with self._real_smtp():
            self.env["mail.mail"].process_email_queue(ids=letters.mapped("mail_id").ids)
        self.env["mail.mail"].invalidate_cache()
        letters.invalidate_cache()

    def _refused_then_retried(self, refuse_at, customers, not_answered):
        self.smtp.refuse_at = refuse_at
        letters = self._letters(customers, not_answered)
        mails = letters.mapped("mail_id")
        Letter = self.env["aftersales.letter"].with_context(active_test=False)

        # The server refuses: every email fails, the register says so, nothing is lost.
        self._process_queue(letters)
        self.assertEqual(self.smtp.messages, [])
        self.assertEqual(self.smtp.counts["refused"], len(letters))
        self.assertEqual(set(mails.mapped("state")), {"exception"})
        self.assertEqual(set(letters.mapped("state")), {"failed"})
        for letter in letters:
            self.assertIn("550", letter.failure_reason or "", letter.name)
            self.assertFalse(letter.date_sent)
        self.assertEqual(Letter.search_count([("id", "in", letters.ids)]), len(letters))
        self.assertEqual(letters.mapped("mail_id"), mails, "each letter keeps its email")

        # Retry from the register, the server now accepts: each letter is sent once.
        letters.action_retry()
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(set(letters.mapped("state")), {"draft"})
        self.smtp.mode = "accept"
        self._process_queue(letters)
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        for letter in letters:
            self.assertTrue(letter.date_sent, letter.name)
            self.assertFalse(letter.failure_reason, letter.name)
        self._check_received(letters)

        # The queue runs again: nothing is sent twice.
        self._process_queue(letters)
        self._check_received(letters)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual(Letter.search_count([("id", "in", letters.ids)]), len(letters))
        return letters

    def _check_received(self, letters):
        """Exactly one message per letter, to the letter's customer, with its subject."""
        received = self.smtp.messages
        self.assertEqual(len(received), len(letters))
        for letter in letters:
            email = letter.partner_id.email
            matching = [m for m in received
                        if m.rcpt_to == [email] and m.subject == letter.name]
            self.assertEqual(len(matching), 1, "%s to %s: %d messages" % (
                letter.name, email, len(matching)))
            message = matching[0]
            self.assertIn(email, message.to)
            body = message.message.get_body(("html",)).get_content()
            self.assertIn(letter.partner_id.name, body)

    def test_refused_at_mail_from_then_retried(self):
        letters = self._refused_then_retried("MAIL", customers=8, not_answered=3)
        self.assertEqual(len(letters), 11)

    def test_refused_at_rcpt_to_then_retried(self):
        letters = self._refused_then_retried("RCPT", customers=4, not_answered=2)
        self.assertEqual(len(letters), 6)
