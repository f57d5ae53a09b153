# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The satisfaction surveys of the calls a scheduled run expires are queue_job chunk jobs
(issue 20): the run commits the expiry and plans one job per chunk on the suite's channel;
a chunk run twice, or after the customer's survey went out another way, sends nothing
twice."""
from odoo.addons.queue_job.job import DONE, PENDING

from ..models import aftersales_call
from .common import AftersalesCommon, perform_job


class TestSurveyJobs(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestSurveyJobs, cls).setUpClass()
        cls.template = cls.env.ref("aftersales_followup.mail_template_satisfaction_survey")

    def setUp(self):
        super(TestSurveyJobs, self).setUp()
        # two calls per chunk: five expired calls make three jobs
        self.addCleanup(setattr, aftersales_call, "SURVEY_CHUNK", aftersales_call.SURVEY_CHUNK)
        aftersales_call.SURVEY_CHUNK = 2

    def expiring_calls(self, count):
        orders = [self.handed_over(10, partner=self.create_customer("Survey Jobs %d" % number))
                  for number in range(count)]
        self.run_due_calls()
        calls = self.env["aftersales.call"]
        for order in orders:
            calls |= self.calls_of(order)
        self.assertEqual(len(calls), count)
        calls._aftersales_trusted().write({"date_expiry": self.days_from_today(-1)})
        return calls

    def jobs(self):
        return self.env["queue.job"].search([
            ("model_name", "=", "aftersales.call"),
            ("method_name", "=", "_job_satisfaction_surveys")], order="id")

    def surveys_sent(self, calls):
        letters = self.env["aftersales.letter"].search([
            ("mail_template_id", "=", self.template.id),
            ("partner_id", "in", calls.mapped("partner_id").ids)])
        return letters

    def test_expired_calls_surveys_are_planned_as_chunk_jobs(self):
        calls = self.expiring_calls(5)
        # the scheduled action as the cron runs it: jobs delayed, not run
        self.env["aftersales.call"]._cron_generate_due_calls()
        self.assertEqual(set(calls.mapped("state")), {"expired"})
        self.assertFalse(calls.mapped("survey_user_input_id"), "nothing sent by the run")
        jobs = self.jobs()
        self.assertEqual(len(jobs), 3)
        self.assertEqual(set(jobs.mapped("state")), {PENDING})
        self.assertEqual(set(jobs.mapped("channel")), {"root.aftersales"})
        self.assertEqual(sorted(sum((list(job.args[0]) for job in jobs), [])), sorted(calls.ids))
        for job_record in jobs:
            perform_job(self.env, job_record)
        self.assertEqual(set(jobs.mapped("state")), {DONE})
        self.assertEqual(len(self.surveys_sent(calls)), 5)
        self.assertTrue(all(calls.mapped("survey_user_input_id")))
        self.assertEqual(jobs[0].result, "2 surveys")

    def test_a_chunk_run_again_sends_nothing_twice(self):
        calls = self.expiring_calls(2)
        self.env["aftersales.call"]._cron_generate_due_calls()
        job_record = self.jobs()
        self.assertEqual(len(job_record), 1)
        perform_job(self.env, job_record)
        links = calls.mapped("survey_user_input_id")
        # retried after a failure that came after the commit, or planned again
        job_record.write({"state": PENDING})
        perform_job(self.env, job_record)
        self.assertEqual(job_record.result, "0 surveys")
        self.assertEqual(calls.mapped("survey_user_input_id"), links)
        self.assertEqual(len(self.surveys_sent(calls)), 2)
        # a second run of the scheduled action expires nothing more, plans nothing
        self.env["aftersales.call"]._cron_generate_due_calls()
        self.assertEqual(len(self.jobs()), 1)

    def test_consent_is_read_when_the_job_runs(self):
        calls = self.expiring_calls(2)
        self.env["aftersales.call"]._cron_generate_due_calls()
        job_record = self.jobs()
        calls[0].partner_id.opt_out = True
        perform_job(self.env, job_record)
        self.assertEqual(job_record.result, "1 surveys")
        self.assertFalse(calls[0].survey_user_input_id, "consent is read when it runs")
        self.assertTrue(calls[1].survey_user_input_id)
