# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The satisfaction survey by email (S15): sent once per follow-up call done or expired
unreached, with the customer's consent, through the letter register; the answers flow
back onto the call and the customer file, a low score alerts the supervisor, and the
satisfaction report counts what the customers said."""
from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .common import AftersalesCommon


class TestSurvey(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestSurvey, cls).setUpClass()
        ref = cls.env.ref
        cls.survey = ref("aftersales_followup.survey_aftersales_satisfaction")
        cls.template = ref("aftersales_followup.mail_template_satisfaction_survey")
        cls.overall = ref("aftersales_followup.survey_question_overall")
        cls.rating = ref("aftersales_followup.survey_question_rating")
        cls.comment = ref("aftersales_followup.survey_question_comment")
        cls.todo_type = ref("mail.mail_activity_data_todo")

    # ------------------------------------------------------------------ helpers

    def due_call(self, partner=None, days_ago=3, vehicle=None):
        partner = partner or self.create_customer("Survey Customer %d" % days_ago)
        order = self.handed_over(days_ago, partner=partner, vehicle=vehicle)
        self.run_due_calls()
        return self.calls_of(order).sudo(self.officer)

    def done_call(self, partner=None, satisfaction=None, vehicle=None):
        call = self.due_call(partner, vehicle=vehicle)
        if satisfaction:
            call.write({"satisfaction": satisfaction})
        call.action_done()
        return call

    def survey_letters(self, partner):
        return self.letters_of(partner).filtered(
            lambda letter: letter.mail_template_id == self.template)

    def answer(self, call, overall, comment=None):
        """The customer fills the survey on the website, as the survey's controller
        does: the answers of the page are saved, then the answer is marked done."""
        user_input = call.sudo().survey_user_input_id
        page = self.overall.page_id
        label = self.overall.labels_ids.filtered(lambda lb: lb.quizz_mark == overall)
        tag = "%s_%s_%s" % (self.survey.id, page.id, self.overall.id)
        Line = self.env["survey.user_input_line"].sudo()
        Line.save_lines(user_input.id, self.overall, {tag: str(label.id)}, tag)
        if comment:
            tag = "%s_%s_%s" % (self.survey.id, page.id, self.comment.id)
            Line.save_lines(user_input.id, self.comment, {tag: comment}, tag)
        user_input.write({"last_displayed_page_id": page.id, "state": "done"})
        return user_input

    def supervisor_alerts(self, call):
        return self.activities_of(call).filtered(lambda a: a.user_id == self.supervisor)

    # ------------------------------------------------------------------ sending

    def test_survey_emailed_once_when_followup_call_done(self):
        customer = self.create_customer("Gao Yuan")
        call = self.done_call(customer, satisfaction="4")
        user_input = call.sudo().survey_user_input_id
        self.assertEqual(user_input.survey_id, self.survey)
        self.assertEqual((user_input.partner_id, user_input.email, user_input.type,
                          user_input.state), (customer, customer.email, "link", "new"))
        letter = self.survey_letters(customer)
        self.assertEqual(len(letter), 1)
        self.assertEqual((letter.kind, letter.channel, letter.state, letter.call_id),
                         ("followup", "email", "draft", call))
        self.assertEqual(letter.mail_id.recipient_ids, customer)
        self.assertEqual(letter.name, "How did we do, Gao Yuan?")
        # The customer's own link: the survey page with the personal token, in the email
        # only; the register's copy, which staff read, has it masked.
        link = "%s/%s" % (self.survey.public_url, user_input.token)
        self.assertIn(link, letter.sudo().mail_id.body_html)
        self.assertNotIn(user_input.token, letter.body_html)
        self.assertIn("%s/[...]" % self.survey.public_url, letter.body_html)
        self.assertIn("Dear Gao Yuan", letter.body_html)
        # Done again: no second survey.
        call.action_done()
        self.assertEqual(len(self.survey_letters(customer)), 1)
        self.assertEqual(call.sudo().survey_user_input_id, user_input)

    def test_survey_emailed_when_call_expires_unreached(self):
        customer = self.create_customer("Unreachable Hu")
        call = self.due_call(customer, days_ago=10)
        call.action_no_answer()
        call.sudo()._aftersales_trusted().date_expiry = self.days_from_today(-1)
        self.run_due_calls()
        self.assertEqual(call.state, "expired")
        self.assertTrue(call.survey_user_input_id)
        self.assertEqual(len(self.survey_letters(customer)), 1)
        # The next runs send nothing more.
        self.run_due_calls()
        self.assertEqual(len(self.survey_letters(customer)), 1)

    def test_expiry_sends_surveys_for_the_calls_expired_in_that_run_only(self):
        expiring = [self.due_call(self.create_customer("Expiring %d" % i), days_ago=10)
                    for i in range(3)]
        for call in expiring:
            call.sudo()._aftersales_trusted().date_expiry = self.days_from_today(-1)
        # Closed long ago (the scheduled action did not run): no stale survey.
        stale = self.due_call(self.create_customer("Stale Window"), days_ago=10)
        stale.sudo()._aftersales_trusted().date_expiry = self.days_from_today(-30)
        still_open = self.due_call(self.create_customer("Still Open"), days_ago=10)
        self.run_due_calls()
        for call in expiring:
            self.assertEqual(call.state, "expired")
            self.assertEqual(len(self.survey_letters(call.partner_id)), 1)
        self.assertEqual(stale.state, "expired")
        self.assertFalse(stale.survey_user_input_id)
        self.assertFalse(self.survey_letters(stale.partner_id))
        self.assertEqual(still_open.state, "todo")
        self.assertFalse(self.survey_letters(still_open.partner_id))

    def test_no_survey_without_consent(self):
        no_address = self.create_customer("No Address", email=False)
        opted_out = self.create_customer("Opted Out", opt_out=True)
        for customer in (no_address, opted_out):
            call = self.done_call(customer, satisfaction="5")
            self.assertFalse(call.survey_user_input_id, customer.name)
            self.assertFalse(self.letters_of(customer), customer.name)
        # Nor when the window closes on them.
        call = self.due_call(self.create_customer("Opted Out Too", opt_out=True), days_ago=10)
        call.sudo()._aftersales_trusted().date_expiry = self.days_from_today(-1)
        self.run_due_calls()
        self.assertEqual(call.state, "expired")
        self.assertFalse(call.survey_user_input_id)

    def test_no_survey_for_inbound_or_cancelled_calls(self):
        inbound = self.env["aftersales.call"].sudo(self.officer).create({
            "partner_id": self.customer.id, "direction": "in", "purpose": "consultation"})
        inbound.action_done()
        self.assertFalse(inbound.survey_user_input_id)
        refused = self.due_call(self.create_customer("No Phone", do_not_call=True))
        self.assertEqual(refused.state, "cancelled")
        refused.sudo()._aftersales_trusted().date_expiry = self.days_from_today(-1)
        self.run_due_calls()
        self.assertFalse(refused.survey_user_input_id)
        self.assertFalse(self.survey_letters(refused.partner_id))

    def test_no_survey_when_the_survey_is_closed(self):
        self.survey.stage_id = self.env.ref("survey.stage_closed")
        call = self.done_call(self.create_customer("Survey Closed"))
        self.assertFalse(call.survey_user_input_id)
        self.assertFalse(self.survey_letters(call.partner_id))

    def test_database_refuses_one_survey_link_for_two_calls(self):
        first = self.done_call(self.create_customer("Link One"))
        second = self.due_call(self.create_customer("Link Two"))
        with self.assertRefused(IntegrityError), mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                "UPDATE aftersales_call SET survey_user_input_id = %s WHERE id = %s",
                (first.sudo().survey_user_input_id.id, second.id))

    # ------------------------------------------------------------------ answers

    def test_answers_flow_back_to_call_and_customer_file(self):
        customer = self.create_customer("Feedback Fan")
        call = self.done_call(customer, satisfaction="5")
        self.assertEqual(customer.aftersales_satisfaction_avg, 5.0)
        self.answer(call, 4, comment="Quick and friendly.")
        self.assertEqual(call.survey_score, 4)
        self.assertTrue(call.survey_date)
        self.assertEqual(call.survey_comment, "Quick and friendly.")
        # The phone's score stays; the survey's counts in the customer's average.
        self.assertEqual(call.satisfaction, "5")
        self.assertFalse(call.satisfaction_from_survey)
        self.assertEqual(customer.aftersales_last_feedback, "4")
        self.assertEqual(customer.aftersales_last_feedback_date, call.survey_date)
        self.assertEqual(customer.aftersales_satisfaction_avg, 4.5)
        self.assertIn("4/5", call.message_ids[0].body)
        # Happy enough: nobody is alerted.
        self.assertFalse(self.supervisor_alerts(call))

    def test_survey_gives_the_satisfaction_of_an_unreached_customer(self):
        customer = self.create_customer("Never Home")
        call = self.due_call(customer, days_ago=10)
        call.sudo()._aftersales_trusted().date_expiry = self.days_from_today(-1)
        self.run_due_calls()
        self.answer(call, 5)
        self.assertEqual((call.state, call.satisfaction), ("expired", "5"))
        kpi = self.env["aftersales.call.report"].search([("call_id", "=", call.id)])
        self.assertEqual((kpi.satisfaction, kpi.reached), (5, 0))
        self.assertTrue(call.satisfaction_from_survey)
        self.assertEqual(customer.aftersales_satisfaction_avg, 5.0)
        self.assertFalse(customer.aftersales_last_contact_date, "a survey is no call")

    def test_low_survey_score_alerts_supervisor_like_the_phone(self):
        for score in (1, 2):
            customer = self.create_customer("Unhappy Online %d" % score)
            call = self.done_call(customer, satisfaction="4")
            self.answer(call, score, comment="The car was ready <b>two hours</b> late.")
            alert = self.supervisor_alerts(call)
            self.assertEqual(len(alert), 1, "score %d" % score)
            self.assertEqual(alert.activity_type_id, self.todo_type)
            self.assertEqual(alert.date_deadline, self.today)
            self.assertIn("%d/5" % score, alert.summary)
            self.assertIn(customer.name, alert.summary)
            # The customer's words, escaped: a public page's input is no markup.
            self.assertIn("&lt;b&gt;two hours&lt;/b&gt; late", alert.note)

    def test_incomplete_answer_changes_nothing(self):
        customer = self.create_customer("Half Way")
        call = self.done_call(customer, satisfaction="4")
        call.sudo().survey_user_input_id.write({"state": "skip"})
        self.assertEqual(call.survey_score, 0)
        self.assertFalse(customer.aftersales_last_feedback)

    def test_colleagues_see_the_survey_result_not_the_link(self):
        call = self.done_call(self.create_customer("Shared Survey"))
        self.answer(call, 3)
        # What the customer answered is on the call for every colleague...
        seen = call.sudo(self.supervisor)
        self.assertEqual(seen.survey_score, 3.0)
        self.assertTrue(seen.read(["survey_user_input_id"])[0]["survey_user_input_id"])
        # ...but not the answer record with the customer's personal link, not even for
        # the officer whose call created it.
        for user in (self.officer, self.supervisor):
            self.assertFalse(self.env["survey.user_input"].sudo(user).search(
                [("id", "=", call.survey_user_input_id.id)]))
            with self.assertRefused(AccessError):
                call.survey_user_input_id.sudo(user).read(["token"])
        self.assertEqual(call.sudo().survey_user_input_id.create_uid.id, SUPERUSER_ID)

    # ------------------------------------------------------------------ report

    def test_satisfaction_report_by_vehicle_model_counts_scored_calls_only(self):
        other_model = self.env["product.product"].create({"name": "Breeze EV (h8)"})
        happy = self.create_customer("Report Happy")
        unhappy = self.create_customer("Report Unhappy")
        silent = self.create_customer("Report Silent")
        ev_driver = self.create_customer("Report EV")
        ev = self.create_vehicle(ev_driver, product_id=other_model.id)
        for customer, score in ((happy, 5), (unhappy, 2)):
            self.answer(self.done_call(customer), score)
        self.done_call(silent)
        self.answer(self.done_call(ev_driver, vehicle=ev), 4)
        customers = happy | unhappy | silent | ev_driver
        groups = self.env["aftersales.call.report"].read_group(
            [("partner_id", "in", customers.ids)],
            ["vehicle_model_id", "survey_score", "satisfaction"], ["vehicle_model_id"])
        by_model = {group["vehicle_model_id"][0]: group for group in groups}
        self.assertEqual(by_model[self.vehicle_model.id]["vehicle_model_id_count"], 3)
        self.assertAlmostEqual(by_model[self.vehicle_model.id]["survey_score"], 3.5)
        self.assertAlmostEqual(by_model[self.vehicle_model.id]["satisfaction"], 3.5)
        self.assertAlmostEqual(by_model[other_model.id]["survey_score"], 4.0)

    def test_survey_results_menu_opens_the_survey_results(self):
        action = self.env.ref("aftersales_followup.action_aftersales_survey_results")
        result = action.sudo(self.supervisor).run()
        self.assertEqual(result["type"], "ir.actions.act_url")
        self.assertIn("/survey/results/", result["url"])
