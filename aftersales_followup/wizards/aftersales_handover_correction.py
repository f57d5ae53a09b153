# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

MANAGER_GROUP = "aftersales_followup.group_aftersales_manager"


class AftersalesHandoverCorrection(models.TransientModel):
    """A manager corrects a handover recorded wrongly: a vehicle's warranty start, or
    the moment a customer collected the vehicle after a service visit (which starts
    the follow-up clock). The reason is kept in the chatter with the old and new
    values."""
    _name = "aftersales.handover.correction"
    _description = "Handover correction"

    vehicle_id = fields.Many2one("aftersales.vehicle", string="Vehicle", readonly=True)
    sale_order_id = fields.Many2one("sale.order", string="Service visit", readonly=True)
    current_date = fields.Char(string="Recorded handover", readonly=True)
    handover_date = fields.Date(string="Warranty start (handover day)")
    handover_datetime = fields.Datetime(string="Handed over on")
    reason = fields.Text(help="Why the recorded handover is wrong (kept in the chatter).")

    @api.multi
    def action_apply(self):
        self.ensure_one()
        self._require_manager()
        if not (self.reason or "").strip():
            raise UserError(_("Say why the handover is corrected."))
        record = self.vehicle_id or self.sale_order_id
        if not record:
            raise UserError(_("Nothing to correct."))
        new = self.handover_date if self.vehicle_id else self.handover_datetime
        if not new:
            raise UserError(_("Give the correct handover."))
        today = (record.company_id or self.env.user.company_id)._aftersales_today()
        if (new or "")[:10] > today:
            raise ValidationError(_("A handover cannot be in the future (%s).") % new)
        old = record.handover_date
        if old == new:
            return {"type": "ir.actions.act_window_close"}
        record._aftersales_trusted().write({"handover_date": new})
        record.message_post(body=_(
            "Handover corrected by %(user)s from %(old)s to %(new)s: %(reason)s") % {
                "user": self.env.user.name, "old": old or _("(none)"), "new": new,
                "reason": self.reason})
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _action_open(self, record):
        self._require_manager()
        values = {"current_date": record.handover_date or _("(none)")}
        if record._name == "aftersales.vehicle":
            values.update(vehicle_id=record.id, handover_date=record.handover_date)
        else:
            values.update(sale_order_id=record.id, handover_datetime=record.handover_date)
        wizard = self.create(values)
        return {
            "type": "ir.actions.act_window",
            "name": _("Correct the handover"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _require_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only an after-sales manager can correct a handover."))
