# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models

from .aftersales_call import UNHAPPY


class SurveyUserInput(models.Model):
    """A customer's answers to the after-sales satisfaction survey (S15): when they are
    complete, the overall score flows back onto the follow-up call and the customer file,
    and a low score alerts the supervisor as a low score on the phone does."""
    _inherit = "survey.user_input"

    aftersales_call_ids = fields.One2many(
        "aftersales.call", "survey_user_input_id", string="Follow-up calls", readonly=True)

    @api.multi
    def write(self, vals):
        completed = self.browse()
        if vals.get("state") == "done":
            completed = self.filtered(lambda user_input: user_input.state != "done")
        result = super(SurveyUserInput, self).write(vals)
        if completed:
            completed._aftersales_feedback()
        return result

    def _aftersales_overall_score(self):
        """The overall satisfaction (1-5) answered, or 0: the score of the chosen answer
        to the survey's overall question (its position when no score is set)."""
        self.ensure_one()
        question = self.env.ref("aftersales_followup.survey_question_overall",
                                raise_if_not_found=False)
        line = self.user_input_line_ids.filtered(
            lambda ln: ln.question_id == question and ln.value_suggested and not ln.skipped)[:1]
        if not line:
            return 0
        label = line.value_suggested
        score = int(round(label.quizz_mark)) or (
            list(question.labels_ids.sorted("sequence")).index(label) + 1)
        return score if 1 <= score <= 5 else 0

    def _aftersales_comment(self):
        self.ensure_one()
        question = self.env.ref("aftersales_followup.survey_question_comment",
                                raise_if_not_found=False)
        lines = self.user_input_line_ids.filtered(
            lambda ln: ln.question_id == question and not ln.skipped)
        return "\n".join(text for text in lines.mapped("value_free_text") if text)

    def _aftersales_feedback(self):
        """Copy the completed answers' overall score onto their calls (and onto the
        satisfaction when none was given on the phone), onto the customer file, and alert
        the supervisor of low scores."""
        # sudo: the customer answering on the website is a public user who may not read
        # the calls; only the calls linked to these very answers are updated, with the
        # answers' own values.
        now = fields.Datetime.now()
        for user_input in self.sudo():
            calls = user_input.aftersales_call_ids
            score = user_input._aftersales_overall_score()
            if not calls or not score:
                continue
            comment = user_input._aftersales_comment()
            for call in calls:
                vals = {"survey_score": score, "survey_date": now,
                        "survey_comment": comment or False}
                if not call.satisfaction:
                    vals.update(satisfaction=str(score), satisfaction_from_survey=True)
                call._aftersales_trusted().write(vals)
                call.message_post(
                    body=_("The customer answered the satisfaction survey: %(score)s/5.")
                    % {"score": score},
                    author_id=call.partner_id.id, subtype="mail.mt_note")
            calls.mapped("partner_id")._aftersales_trusted().write({
                "aftersales_last_feedback": str(score),
                "aftersales_last_feedback_date": now,
            })
            if str(score) in UNHAPPY:
                calls._alert_supervisor_unhappy(from_survey=True)
