# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Campaign letters as queue_job chunk jobs (issue 20): the scheduled action plans one job
per chunk of customers on the suite's channel; each chunk is one transaction that the
register's unique index makes idempotent, run once, twice or again after a failure."""
import math
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests.common import SavepointCase

from odoo.addons.queue_job.job import DONE, PENDING, Job

from .common import create_staff, perform_job

CHANNEL = "root.aftersales"


class CampaignJobsCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(CampaignJobsCase, cls).setUpClass()
        ctx = {"no_reset_password": True, "mail_create_nosubscribe": True}
        cls.env = cls.env(context=dict(cls.env.context, **ctx))
        cls.officer = create_staff(cls.env, "campaign_jobs_officer", "Campaign Jobs Officer",
                                   ["aftersales_followup.group_aftersales_user"])
        cls.company = cls.env.ref("base.main_company")
        cls.company.aftersales_default_user_id = cls.officer
        cls.template = cls.env.ref("aftersales_followup.mail_template_campaign_notice")
        Partner = cls.env["res.partner"]

        def customer(name, **vals):
            vals.setdefault("email", "%s@jobs.example.com" % name.lower().replace(" ", "."))
            return Partner.create(dict(name=name, aftersales_customer=True, **vals))
        cls.emailed = Partner.browse()
        for number in range(5):
            cls.emailed |= customer("Jobs Customer %d" % number)
        cls.no_email = customer("Jobs Post Only", email=False)
        cls.opted_out = customer("Jobs Opted Out", opt_out=True)
        cls.dnc = customer("Jobs Do Not Call", do_not_call=True)
        cls.dnc_opted_out = customer("Jobs No Contact", do_not_call=True, opt_out=True)
        cls.customers = (cls.emailed | cls.no_email | cls.opted_out | cls.dnc
                         | cls.dnc_opted_out)
        cls.chunk = 4
        cls.env["ir.config_parameter"].set_param("aftersales.campaign_letter_chunk", cls.chunk)

    def day(self, offset):
        return fields.Date.to_string(fields.Date.from_string(
            self.company._aftersales_today()) + timedelta(days=offset))

    def _campaign(self, template=None, name="Club day <jobs>"):
        """A scheduled campaign whose letter deadline is today: the next run letters
        every remaining customer."""
        campaign = self.env["aftersales.campaign"].create({
            "name": name,
            "kind": "club_event",
            "date_event": self.day(12),
            "mail_template_id": (template or self.template).id,
            "target_domain": "[('id', 'in', %s)]" % self.customers.ids,
        })
        campaign.action_schedule()
        return campaign

    def _jobs(self, campaign):
        return self.env["queue.job"].search([
            ("model_name", "=", "aftersales.campaign"),
            ("method_name", "=", "_job_campaign_letters"),
            ("identity_key", "=like", "aftersales.campaign.letters:%d:%%" % campaign.id),
        ], order="id")

    def _perform(self, job_record):
        return perform_job(self.env, job_record)

    def _run_jobs(self, campaign):
        self.env["aftersales.campaign"]._cron_run_campaigns()
        jobs = self._jobs(campaign).filtered(lambda j: j.state == PENDING)
        for job_record in jobs:
            self._perform(job_record)
        campaign.invalidate_cache()
        return jobs

    def _mails(self, campaign):
        return campaign.letter_ids.mapped("mail_id")

    def _sent(self, campaign):
        """What the customers receive: {(customer, channel): body} and the emails'
        recipients."""
        letters = {(lt.partner_id, lt.channel): lt.body_html for lt in campaign.letter_ids}
        return letters, self._mails(campaign).mapped("recipient_ids")


class TestCampaignJobs(CampaignJobsCase):

    def test_run_plans_one_job_per_chunk_on_the_aftersales_channel(self):
        campaign = self._campaign()
        self.env["aftersales.campaign"]._cron_run_campaigns()
        jobs = self._jobs(campaign)
        self.assertEqual(len(jobs), math.ceil(len(self.customers) / self.chunk))
        self.assertEqual(set(jobs.mapped("channel")), {CHANNEL})
        self.assertEqual(set(jobs.mapped("state")), {PENDING})
        planned = sorted(pid for job in jobs for pid in job.args[0])
        self.assertEqual(planned, sorted(self.customers.ids), "each customer in one chunk")
        self.assertFalse(campaign.letter_ids, "the scheduled action only plans the letters")
        self.assertEqual(campaign.state, "done", "nothing is left for the scheduled action")
        # Planned again while the jobs wait: no new job.
        campaign._run_letters(self.company._aftersales_today())
        self.assertEqual(self._jobs(campaign), jobs)

    def test_chunk_size_sets_the_number_of_jobs(self):
        self.env["ir.config_parameter"].set_param("aftersales.campaign_letter_chunk", 2)
        campaign = self._campaign()
        self.env["aftersales.campaign"]._cron_run_campaigns()
        self.assertEqual(len(self._jobs(campaign)), math.ceil(len(self.customers) / 2))

    def test_job_function_and_channel_are_registered(self):
        channel = self.env.ref("aftersales_followup.queue_job_channel_aftersales")
        self.assertEqual(channel.complete_name, CHANNEL)
        function = self.env["queue.job.function"].search([
            ("name", "=", "<aftersales.campaign>._job_campaign_letters")])
        self.assertEqual(len(function), 1)
        self.assertEqual(function.channel, CHANNEL)

    def test_jobs_write_what_the_single_transaction_path_wrote(self):
        by_jobs = self._campaign()
        jobs = self._run_jobs(by_jobs)
        self.assertEqual(set(jobs.mapped("state")), {DONE})
        # The same campaign on the same customers, lettered in one call (the path before
        # queue_job: the scheduled action itself, in one transaction).
        direct = self._campaign()
        direct._write_letters(self.customers.ids, True)
        jobs_letters, jobs_recipients = self._sent(by_jobs)
        direct_letters, direct_recipients = self._sent(direct)
        self.assertEqual(jobs_letters, direct_letters, "same customers, channels and bodies")
        self.assertEqual(jobs_recipients, direct_recipients)
        self.assertEqual(len(self._mails(by_jobs)), len(self._mails(direct)))
        self.assertEqual(len(by_jobs.letter_ids), 8, "all but the no-contact customer")
        self.assertEqual(set(self._mails(by_jobs).mapped("state")), {"outgoing"})
        self.assertEqual(by_jobs.letter_count, direct.letter_count)

    def test_chunk_performed_twice_adds_nothing(self):
        campaign = self._campaign()
        jobs = self._run_jobs(campaign)
        letters, mails = campaign.letter_ids, self._mails(campaign)
        messages = mails.mapped("mail_message_id")
        for job_record in jobs:
            Job.load(self.env, job_record.uuid).perform()
        # and the next day's run plans new jobs (the first are done): they add nothing
        campaign._run_letters(self.company._aftersales_today())
        again = self._jobs(campaign) - jobs
        self.assertEqual(len(again), len(jobs))
        for job_record in again:
            self._perform(job_record)
        campaign.invalidate_cache()
        self.assertEqual(campaign.letter_ids, letters)
        self.assertEqual(self._mails(campaign), mails)
        self.env.cr.execute("""
            SELECT count(*) FROM mail_message WHERE model = 'aftersales.letter'
               AND res_id IN %s""", (tuple(letters.ids),))
        self.assertEqual(self.env.cr.fetchone()[0], len(messages))

    def test_chunk_failing_half_way_is_retried_without_sending_twice(self):
        """A chunk holding a postal customer whose letter cannot be rendered fails after
        its emails were queued; the job's transaction takes them back, and the retry
        sends each email once."""
        template = self.template.copy({
            "body_html": self.template.body_html
            + "<p>${object.partner_id.ref == 'boom' and (1 // 0) or ''}</p>"})
        self.no_email.ref = "boom"
        campaign = self._campaign(template=template)
        self.env["aftersales.campaign"]._cron_run_campaigns()
        jobs = self._jobs(campaign)
        failing = jobs.filtered(lambda j: self.no_email.id in j.args[0])
        for job_record in jobs - failing:
            self._perform(job_record)
        with self.assertRaises(UserError):
            self._perform(failing)
        campaign.invalidate_cache()
        chunk = self.env["res.partner"].browse(failing.args[0])
        self.assertFalse(campaign.letter_ids.filtered(lambda lt: lt.partner_id in chunk),
                         "the failed chunk left no letter")
        self.assertTrue(campaign.letter_ids, "the other chunks did their work")
        before = {lt.partner_id: lt.mail_id for lt in campaign.letter_ids}
        # The cause is fixed; the job is run again (queue_job's retry, or requeued).
        self.no_email.ref = False
        self._perform(failing)
        campaign.invalidate_cache()
        self.assertEqual(failing.state, DONE)
        after = {lt.partner_id: lt.mail_id for lt in campaign.letter_ids}
        for partner, mail in before.items():
            self.assertEqual(after[partner], mail, "a letter of a done chunk is not redone")
        self.assertEqual(len(campaign.letter_ids), 8)
        emails = campaign.letter_ids.filtered(lambda lt: lt.channel == "email")
        self.assertEqual(len(self._mails(campaign)), len(emails))
        recipients = self._mails(campaign).mapped("recipient_ids")
        self.assertEqual(len(recipients), len(emails), "one email per customer")

    def test_chunk_of_a_dead_worker_is_run_again_once(self):
        """A worker killed in the middle of a chunk leaves its job started (its
        transaction went with it): the suite's scheduled action requeues the job once
        its request cannot still be running, and the chunk then writes each letter
        once. A job started more recently, and a started job of another channel (not
        known to be safe to run twice), are left alone."""
        campaign = self._campaign()
        self.env["aftersales.campaign"]._cron_run_campaigns()
        dead, alive, other = self._jobs(campaign)
        Queue = self.env["queue.job"]
        limit = Queue._aftersales_dead_job_seconds()
        self.assertGreaterEqual(limit, 300)
        now = datetime.utcnow()

        def started(job_record, seconds_ago, **vals):
            job_record.write(dict(vals, state="started", date_started=fields.Datetime.to_string(
                now - timedelta(seconds=seconds_ago))))
        started(dead, limit + 5)
        started(alive, limit - 30)
        started(other, limit + 5, channel="root")
        self.assertEqual(Queue._aftersales_requeue_dead_jobs(now=now), dead)
        self.assertEqual((dead.state, alive.state, other.state), (PENDING, "started", "started"))
        self.assertFalse(dead.date_started)
        self._perform(dead)
        self.assertEqual(dead.state, DONE)
        chunk = self.env["res.partner"].browse(dead.args[0])
        campaign.invalidate_cache()
        letters = campaign.letter_ids.filtered(lambda lt: lt.partner_id in chunk)
        self.assertEqual(len(letters), len(chunk))
        self.assertEqual(len(letters.mapped("partner_id")), len(chunk), "one letter each")
        # the scheduled action runs the same rule, as its user, once the other is old
        cron = self.env.ref("aftersales_followup.ir_cron_requeue_dead_jobs")
        self.assertEqual((cron.model_id.model, cron.user_id), ("queue.job", self.env.ref(
            "base.user_root")))
        started(alive, limit + 60)
        cron.method_direct_trigger()
        self.assertEqual((dead.state, alive.state, other.state), (DONE, PENDING, "started"))

    def test_do_not_contact_customers_get_no_email_from_the_jobs(self):
        campaign = self._campaign()
        self._run_jobs(campaign)
        by_partner = {lt.partner_id: lt for lt in campaign.letter_ids}
        recipients = self._mails(campaign).mapped("recipient_ids")
        self.assertNotIn(self.dnc_opted_out, by_partner, "no call, no mail: nothing")
        self.assertEqual(by_partner[self.opted_out].channel, "post")
        self.assertEqual(by_partner[self.no_email].channel, "post")
        self.assertEqual(by_partner[self.dnc].channel, "email")
        self.assertFalse(recipients & (self.opted_out | self.dnc_opted_out | self.no_email))
        self.assertEqual(recipients, self.emailed | self.dnc)

    def test_jobs_of_a_campaign_cancelled_meanwhile_write_nothing(self):
        campaign = self._campaign()
        campaign.date_event = self.day(13)  # letters due tomorrow: planned daily until then
        self.env["aftersales.campaign"]._cron_run_campaigns()
        jobs = self._jobs(campaign)
        self.assertTrue(jobs)
        campaign.action_cancel()
        for job_record in jobs:
            self._perform(job_record)
        campaign.invalidate_cache()
        self.assertFalse(campaign.letter_ids)
        self.assertEqual(set(jobs.mapped("state")), {DONE})
