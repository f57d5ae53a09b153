# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reminder emails as queue_job chunk jobs (issue 20): the nightly action registers the
letters and plans their emails; any worker renders and queues them, once, and reads the
customer's consent when it does."""
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import DONE, PENDING

from .common import perform_job
from .test_retention import RetentionCase

CHANNEL = "root.aftersales"


class TestReminderJobs(RetentionCase):

    def setUp(self):
        super(TestReminderJobs, self).setUp()
        self.rule = self.env.ref("aftersales_followup.followup_rule_insurance_due")
        # Insurance renewal in about 15 days: reminded by email 30 days ahead.
        self.vehicles = self._vehicle(handover=-350) | self._vehicle(handover=-350)

    def letters(self):
        return self.env["aftersales.letter"].search(
            [("need_id.vehicle_id", "in", self.vehicles.ids)], order="id")

    def jobs(self):
        return self.env["queue.job"].search([
            ("model_name", "=", "aftersales.letter"),
            ("method_name", "=", "_job_queue_emails")], order="id")

    def test_the_action_registers_the_letters_and_plans_their_emails(self):
        before = self.jobs()
        result = self.env["aftersales.need"]._cron_refresh_needs()
        letters = self.letters()
        self.assertEqual(len(letters), 2)
        self.assertGreaterEqual(result["emails"], 2)
        self.assertEqual(set(letters.mapped("state")), {"draft"})
        self.assertFalse(letters.mapped("mail_id"), "no email before a worker runs the job")
        jobs = self.jobs() - before
        self.assertEqual(len(jobs), 1)
        self.assertEqual((jobs.channel, jobs.state), (CHANNEL, PENDING))
        self.assertTrue(set(letters.ids) <= set(jobs.args[0]))
        self.assertIn("Reminder emails", jobs.name)
        function = self.env.ref("aftersales_followup.queue_job_function_letter_emails")
        self.assertEqual(function.channel, CHANNEL)

        perform_job(self.env, jobs)
        self.assertEqual(jobs.state, DONE)
        letters.invalidate_cache()
        mails = letters.mapped("mail_id")
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(mails.mapped("recipient_ids"), letters.mapped("partner_id"))
        for letter in letters:
            self.assertIn("insurance", letter.mail_id.body_html)
            self.assertEqual(letter.body_html, letter.mail_id.body_html)
            self.assertEqual(letter.mail_template_id, self.rule.mail_template_id)

    def test_a_chunk_run_again_queues_nothing_twice(self):
        before = self.jobs()
        Need = self.env["aftersales.need"]
        Need._cron_refresh_needs()
        job_record = self.jobs() - before
        perform_job(self.env, job_record)
        letters = self.letters()
        mails = letters.mapped("mail_id")
        perform_job(self.env, job_record)  # queue_job's retry, or a requeue
        Need._cron_refresh_needs()  # the next night: nothing new to register
        for new_job in self.jobs() - before - job_record:
            perform_job(self.env, new_job)
        letters.invalidate_cache()
        self.assertEqual(self.letters(), letters)
        self.assertEqual(letters.mapped("mail_id"), mails)
        self.env.cr.execute("""SELECT count(*) FROM mail_message
                                WHERE model = 'aftersales.letter' AND res_id IN %s""",
                            (tuple(letters.ids),))
        self.assertEqual(self.env.cr.fetchone()[0], 2)

    def test_consent_is_read_when_the_job_runs(self):
        before = self.jobs()
        self.env["aftersales.need"]._cron_refresh_needs()
        job_record = self.jobs() - before
        refusing, accepting = self.vehicles.mapped("partner_id")
        refusing.opt_out = True  # after the night's registration, before a worker ran it
        perform_job(self.env, job_record)
        letters = self.letters()
        refused = letters.filtered(lambda lt: lt.partner_id == refusing)
        sent = letters - refused
        self.assertEqual((refused.state, refused.mail_id.id), ("failed", False))
        self.assertIn("no longer accepts email", refused.failure_reason)
        self.assertEqual(sent.partner_id, accepting)
        self.assertTrue(sent.mail_id)
        self.assertFalse(self.env["mail.mail"].sudo().search(
            [("recipient_ids", "in", refusing.ids)]))

    def test_a_letter_refused_by_the_job_is_sent_once_consent_is_back(self):
        before = self.jobs()
        self.env["aftersales.need"]._cron_refresh_needs()
        refusing = self.vehicles[0].partner_id
        refusing.opt_out = True
        perform_job(self.env, self.jobs() - before)
        refused = self.letters().filtered(lambda lt: lt.partner_id == refusing)
        as_officer = refused.sudo(self.officer)
        as_officer.action_retry()  # still opted out: nothing, and the reason says so
        self.assertEqual((refused.state, refused.mail_id.id), ("failed", False))
        self.assertIn("Not sent again", refused.failure_reason)
        refusing.opt_out = False
        as_officer.action_retry()
        refused.invalidate_cache()
        self.assertEqual(refused.state, "draft")
        self.assertFalse(refused.failure_reason)
        self.assertEqual(refused.mail_id.recipient_ids, refusing)
        self.assertEqual(refused.mail_id.state, "outgoing")
        self.assertIn("insurance", refused.mail_id.body_html)
        with self.assertRaises(UserError):
            as_officer.action_retry()  # queued now: not failed any more
