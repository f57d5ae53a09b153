# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, models


class AftersalesActivityMixin(models.AbstractModel):
    """What the registers share: scheduling and closing the activities that put a call or
    a case in someone's activity menu (Odoo 11 has no activity_schedule())."""
    _name = "aftersales.activity.mixin"
    _description = "After-sales activities"
    _inherit = ["mail.thread", "mail.activity.mixin"]

    def _aftersales_schedule_activity(self, activity_type, user, date_deadline, summary,
                                      note=""):
        self.ensure_one()
        return self.env["mail.activity"].create({
            "res_model_id": self.env["ir.model"]._get(self._name).id,
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "user_id": user.id,
            "date_deadline": date_deadline,
            "summary": summary,
            "note": note,
        })

    def _aftersales_close_activities(self, feedback=None):
        activities = self.mapped("activity_ids")
        if activities:
            activities.action_feedback(feedback=feedback or _("Done"))
