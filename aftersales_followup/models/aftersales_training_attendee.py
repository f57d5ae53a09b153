# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .aftersales_training import TRAINING_TOPICS


class AftersalesTrainingAttendee(models.Model):
    """One person's attendance of a training session, with the result."""
    _name = "aftersales.training.attendee"
    _description = "Training attendee"
    _inherit = ["aftersales.guarded.mixin"]
    _order = "date desc, training_id, id"
    _rec_name = "user_id"

    training_id = fields.Many2one("aftersales.training", string="Training", required=True,
                                  index=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Attendee", required=True, index=True,
                              ondelete="cascade")
    result = fields.Selection([
        ("passed", "Passed"),
        ("failed", "Failed"),
        ("attended", "Attended"),
    ], required=True, default="attended", index=True,
        help="Passed or failed the final test; Attended when there was no test.")
    score = fields.Float(digits=(5, 1), help="Score of the final test, out of 100.")
    note = fields.Char()
    date = fields.Date(related="training_id.date", store=True, readonly=True, index=True)
    topic = fields.Selection(TRAINING_TOPICS, related="training_id.topic", store=True,
                             readonly=True)
    company_id = fields.Many2one("res.company", related="training_id.company_id",
                                 store=True, readonly=True, index=True)
    passed = fields.Float(
        string="Pass rate", compute="_compute_passed", store=True, group_operator="avg",
        digits=(3, 2), help="1 when the attendee passed: averaged, the pass rate.")

    _sql_constraints = [
        ("training_user_unique", "unique(training_id, user_id)",
         "This person is already an attendee of this training."),
    ]

    @api.depends("result")
    def _compute_passed(self):
        for line in self:
            line.passed = 1 if line.result == "passed" else 0

    @api.constrains("score")
    def _check_score(self):
        for line in self:
            if not 0 <= line.score <= 100:
                raise ValidationError(_(
                    "The score of %(user)s must be between 0 and 100, not %(score)s.") % {
                        "user": line.user_id.name, "score": line.score})
