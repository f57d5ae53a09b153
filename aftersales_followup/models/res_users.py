# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class ResUsers(models.Model):
    """Officers and technicians with the trainings they attended (S13)."""
    _inherit = "res.users"

    aftersales_training_attendee_ids = fields.One2many(
        "aftersales.training.attendee", "user_id", string="Trainings",
        help="The trainings this person attended, with the result.")
    aftersales_training_count = fields.Integer(
        string="Trainings attended", compute="_compute_aftersales_training_count")

    def _compute_aftersales_training_count(self):
        groups = self.env["aftersales.training.attendee"].read_group(
            [("user_id", "in", self.ids)], ["user_id"], ["user_id"])
        counts = {group["user_id"][0]: group["user_id_count"] for group in groups}
        for user in self:
            user.aftersales_training_count = counts.get(user.id, 0)

    @api.multi
    def action_view_aftersales_trainings(self):
        self.ensure_one()
        action = self.env.ref(
            "aftersales_followup.action_aftersales_training_attendee").read()[0]
        action["domain"] = [("user_id", "=", self.id)]
        action["context"] = {"default_user_id": self.id}
        return action
