# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Campaigns (S8): phone notice two weeks before the event, letters within two days."""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests.common import SavepointCase

from .common import create_staff


class CampaignCase(SavepointCase):

    def day(self, offset):
        """The dealership's today (the day of the scheduled actions) plus ``offset``."""
        return fields.Date.to_string(fields.Date.from_string(
            self.env.ref("base.main_company")._aftersales_today()) + timedelta(days=offset))

    @classmethod
    def setUpClass(cls):
        super(CampaignCase, cls).setUpClass()
        # test_queue_job_no_delay: queue_job runs the letters' chunk jobs at once, in
        # the test's transaction (test_campaign_jobs.py tests them as jobs).
        ctx = {"no_reset_password": True, "mail_create_nosubscribe": True,
               "test_queue_job_no_delay": True}
        cls.env = cls.env(context=dict(cls.env.context, **ctx))
        cls.officer = create_staff(cls.env, "campaign_officer", "Campaign Officer",
                                   ["aftersales_followup.group_aftersales_user"])
        cls.company = cls.env.user.company_id
        cls.company.aftersales_default_user_id = cls.officer
        cls.template = cls.env.ref("aftersales_followup.mail_template_campaign_notice")
        Partner = cls.env["res.partner"]

        def customer(name, **vals):
            vals.setdefault("email", "%s@example.com" % name.lower().replace(" ", "."))
            return Partner.create(dict(name=name, aftersales_customer=True, **vals))
        cls.happy = customer("Li Na")
        cls.declining = customer("Zhao Lei")
        cls.no_email = customer("Sun Li", email=False)
        cls.opted_out = customer("Zhou Jie", opt_out=True)
        cls.dnc = customer("Wu Fang", do_not_call=True)
        cls.dnc_opted_out = customer("Zheng Hao", do_not_call=True, opt_out=True)
        cls.customers = (cls.happy | cls.declining | cls.no_email | cls.opted_out
                         | cls.dnc | cls.dnc_opted_out)

    def _campaign(self, **vals):
        values = {
            "name": "Spring check-up <days>",
            "kind": "free_service",
            "date_event": self.day(20),
            "mail_template_id": self.template.id,
            "target_domain": "[('id', 'in', %s)]" % self.customers.ids,
        }
        values.update(vals)
        return self.env["aftersales.campaign"].create(values)

    def _run(self):
        self.env["aftersales.campaign"]._cron_run_campaigns()

    def _call(self, campaign, partner):
        return campaign.call_ids.filtered(lambda c: c.partner_id == partner)


class TestCampaignDates(CampaignCase):

    def test_notice_two_weeks_before_and_letters_two_days_after(self):
        campaign = self._campaign(date_event="2027-03-20")
        self.assertEqual(campaign.date_notice, "2027-03-06")
        self.assertEqual(campaign.date_letter_deadline, "2027-03-08")
        campaign.notice_days = 10
        self.assertEqual(campaign.date_notice, "2027-03-10")

    def test_calls_appear_on_notice_date_and_not_before(self):
        campaign = self._campaign(date_event=self.day(15))  # notice tomorrow
        campaign.action_schedule()
        self._run()
        self.assertFalse(campaign.call_ids, "no call before the notice date")
        campaign.date_event = self.day(14)  # notice today
        self._run()
        self.assertEqual(len(campaign.call_ids), len(self.customers))
        happy = self._call(campaign, self.happy)
        self.assertEqual(happy.state, "todo")
        self.assertEqual(happy.purpose, "campaign")
        self.assertEqual(happy.date_due, self.day(0))
        self.assertEqual(happy.user_id, self.officer)
        self.assertEqual(happy.activity_ids.user_id, self.officer)
        self.assertEqual(happy.activity_ids.date_deadline, self.day(0))
        self.assertEqual(campaign.state, "notifying")

    def test_no_duplicate_calls_or_letters_after_two_runs(self):
        campaign = self._campaign(date_event=self.day(12))
        campaign.action_schedule()
        self._run()
        self._run()
        calls = self.env["aftersales.call"].search([("campaign_id", "=", campaign.id)])
        self.assertEqual(len(calls), len(self.customers))
        self.assertEqual(len(calls.mapped("partner_id")), len(self.customers))
        campaign.date_event = self.day(10)  # deadline passed
        self._run()
        self._run()
        letters = self.env["aftersales.letter"].search([("campaign_id", "=", campaign.id)])
        self.assertEqual(len(letters), len(letters.mapped("partner_id")))

    def test_short_notice_warns_and_calls_due_today(self):
        campaign = self._campaign(date_event=self.day(5))
        self.assertTrue(campaign.short_notice)
        campaign.action_schedule()
        self.assertEqual(len(campaign.call_ids), len(self.customers))
        self.assertEqual(set(campaign.call_ids.mapped("date_due")), {self.day(0)})
        self.assertFalse(campaign.short_notice)


class TestCampaignLetters(CampaignCase):

    def _through_deadline(self):
        campaign = self._campaign(date_event=self.day(14))
        campaign.action_schedule()
        self._call(campaign, self.happy).write({"campaign_response": "accepted"})
        self._call(campaign, self.happy).action_done()
        self._call(campaign, self.declining).write({"campaign_response": "declined"})
        self._call(campaign, self.declining).action_done()
        self._run()
        # letters go out as soon as the call is handled
        self.assertEqual(campaign.letter_ids.mapped("partner_id"), self.happy | self.dnc)
        campaign.notice_days = 16  # the letter deadline is today
        self._run()
        return campaign

    def test_each_customer_gets_one_letter_through_the_right_channel(self):
        campaign = self._through_deadline()
        by_partner = {letter.partner_id: letter for letter in campaign.letter_ids}
        self.assertEqual(by_partner[self.happy].channel, "email")
        self.assertEqual(by_partner[self.no_email].channel, "post")
        self.assertEqual(by_partner[self.opted_out].channel, "post")
        self.assertEqual(by_partner[self.dnc].channel, "email")
        self.assertNotIn(self.declining, by_partner, "declined on the phone: no letter")
        self.assertNotIn(self.dnc_opted_out, by_partner, "no call, no mail: nothing")
        self.assertEqual(len(campaign.letter_ids), 4)
        self.assertEqual(campaign.state, "done")
        self.assertEqual(campaign.letter_count, 4)
        self.assertEqual(campaign.accepted_count, 1)
        self.assertEqual(campaign.declined_count, 1)

    def test_do_not_call_customer_skips_the_call_with_reason(self):
        campaign = self._campaign(date_event=self.day(14))
        campaign.action_schedule()
        call = self._call(campaign, self.dnc)
        self.assertEqual(call.state, "cancelled")
        self.assertIn("do-not-call", call.notes)
        self.assertFalse(call.activity_ids)

    def test_body_stored_equals_body_queued_and_is_escaped(self):
        campaign = self._through_deadline()
        letter = campaign.letter_ids.filtered(lambda lt: lt.partner_id == self.happy)
        mail = letter.mail_id
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(letter.state, "draft")
        self.assertEqual(letter.body_html, mail.body_html)
        self.assertEqual(mail.recipient_ids, self.happy)
        self.assertIn("Li Na", mail.body_html)
        self.assertIn("Spring check-up &lt;days&gt;", mail.body_html)
        self.assertNotIn("<days>", mail.body_html)
        self.assertEqual(mail.mail_message_id.model, "aftersales.letter")
        self.assertEqual(mail.mail_message_id.res_id, letter.id)

    def test_no_email_to_opted_out_customers(self):
        campaign = self._through_deadline()
        emailed = campaign.letter_ids.filtered(lambda lt: lt.channel == "email")
        self.assertFalse(emailed.mapped("partner_id") & (self.opted_out | self.dnc_opted_out))
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.opted_out.ids)])
        self.assertFalse(mails)

    def test_post_letters_have_their_body_rendered(self):
        campaign = self._through_deadline()
        letter = campaign.letter_ids.filtered(lambda lt: lt.partner_id == self.no_email)
        self.assertIn("Sun Li", letter.body_html)
        self.assertFalse(letter.mail_id)
        letter.action_mark_posted()
        self.assertEqual(letter.state, "sent")
        self.assertTrue(letter.date_sent)

    def test_failed_email_shows_failed_in_register_and_can_be_retried(self):
        campaign = self._through_deadline()
        letter = campaign.letter_ids.filtered(lambda lt: lt.partner_id == self.happy)
        letter.mail_id.write({"state": "exception", "failure_reason": "550 mailbox full"})
        self.assertEqual(letter.state, "failed")
        self.assertEqual(letter.failure_reason, "550 mailbox full")
        letter.action_retry()
        self.assertEqual(letter.mail_id.state, "outgoing")
        self.assertEqual(letter.state, "draft")
        letter.mail_id.write({"state": "sent"})
        self.assertEqual(letter.state, "sent")
        self.assertTrue(letter.date_sent)

    def test_late_letters_counted(self):
        campaign = self._campaign(date_event=self.day(10))  # deadline was two days ago
        campaign.action_schedule()
        self._run()
        self.assertEqual(campaign.late_letter_count, campaign.letter_count)
        self.assertTrue(campaign.letter_count)


class TestCampaignBadInput(CampaignCase):

    def test_event_in_the_past_refused(self):
        campaign = self._campaign(date_event=self.day(-1))
        with self.assertRaises(UserError):
            campaign.action_schedule()
        self.assertEqual(campaign.state, "draft")
        self.assertFalse(campaign.call_ids)

    def test_empty_target_refused(self):
        campaign = self._campaign(target_domain="[('id', '=', 0)]")
        with self.assertRaises(UserError):
            campaign.action_schedule()
        self.assertEqual(campaign.state, "draft")

    def test_missing_template_refused(self):
        campaign = self._campaign(mail_template_id=False)
        with self.assertRaises(UserError):
            campaign.action_schedule()
        self.assertEqual(campaign.state, "draft")

    def test_invalid_target_filter_refused(self):
        with self.assertRaises(ValidationError):
            self._campaign(target_domain="[('no_such_field', '=', 1)]")

    def test_cancel_closes_open_calls(self):
        campaign = self._campaign(date_event=self.day(14))
        campaign.action_schedule()
        campaign.action_cancel()
        self.assertEqual(campaign.state, "cancelled")
        self.assertEqual(set(campaign.call_ids.mapped("state")), {"cancelled"})
        self.assertFalse(campaign.call_ids.mapped("activity_ids"))

    def test_letters_cannot_be_deleted(self):
        campaign = self._campaign(date_event=self.day(5))
        campaign.action_schedule()
        campaign.notice_days = 7
        self._run()
        letter = campaign.letter_ids[:1]
        with self.assertRaises(UserError):
            letter.sudo(self.officer).unlink()
