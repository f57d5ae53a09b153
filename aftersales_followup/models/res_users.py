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

    @api.model
    def create(self, vals):
        """A new member of the after-sales staff lands where their day starts (their
        home action), unless one is given: see ``_aftersales_home_action``."""
        user = super(ResUsers, self).create(vals)
        if not vals.get("action_id") and not user.share:
            action = user._aftersales_home_action()
            if action:
                user.action_id = action.id
        return user

    @api.multi
    def action_view_aftersales_trainings(self):
        self.ensure_one()
        action = self.env.ref(
            "aftersales_followup.action_aftersales_training_attendee").read()[0]
        action["domain"] = [("user_id", "=", self.id)]
        action["context"] = {"default_user_id": self.id}
        return action

    def _aftersales_home_action(self):
        """The action the user's day starts with: a supervisor (after-sales manager) on
        the dashboard (the open cases where it is not installed), an officer on their
        call queue; other addons add theirs (the parts counter). Empty: Odoo's default."""
        self.ensure_one()
        ref = self.env.ref
        # has_group asks about the environment's user: asked as this user (no right is
        # used, only their groups are read)
        user = self.sudo(self.id)
        if user.has_group("aftersales_followup.group_aftersales_manager"):
            return ref("aftersales_followup.action_aftersales_dashboard",
                       raise_if_not_found=False) \
                or ref("aftersales_followup.action_aftersales_case")
        if user.has_group("aftersales_followup.group_aftersales_user"):
            return ref("aftersales_followup.action_aftersales_call")
        return self.env["ir.actions.act_window"]
