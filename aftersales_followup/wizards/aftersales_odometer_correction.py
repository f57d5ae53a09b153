# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

MANAGER_GROUP = "aftersales_followup.group_aftersales_manager"


class AftersalesOdometerCorrection(models.TransientModel):
    """A manager corrects a wrong odometer reading of a vehicle (a typing error at the
    reception desk): the wrong reading is archived with the reason, the corrected one
    recorded, and the vehicle's chatter says so. Without it a reading typed too high
    would refuse every later claim or visit at the true reading."""
    _name = "aftersales.odometer.correction"
    _description = "Odometer correction"

    vehicle_id = fields.Many2one("aftersales.vehicle", string="Vehicle", required=True,
                                 readonly=True)
    reading_id = fields.Many2one(
        "aftersales.odometer.reading", string="Wrong reading", required=True,
        domain="[('vehicle_id', '=', vehicle_id)]",
        help="The reading recorded wrongly (the latest one by default).")
    odometer = fields.Integer(string="Correct odometer (km)", required=True)
    reason = fields.Text(help="Why the recorded reading is wrong (kept in the history).")

    @api.multi
    def action_apply(self):
        self.ensure_one()
        self._require_manager()
        self.vehicle_id._aftersales_correct_odometer(self.reading_id, self.odometer,
                                                     self.reason)
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _action_open(self, vehicle):
        self._require_manager()
        reading = self.env["aftersales.odometer.reading"].search(
            [("vehicle_id", "=", vehicle.id)], order="date desc, id desc", limit=1)
        wizard = self.create({"vehicle_id": vehicle.id, "reading_id": reading.id,
                              "odometer": reading.odometer}) if reading else None
        return {
            "type": "ir.actions.act_window",
            "name": _("Correct the odometer"),
            "res_model": self._name,
            "res_id": wizard.id if wizard else False,
            "view_mode": "form",
            "target": "new",
            "context": {"default_vehicle_id": vehicle.id},
        }

    @api.model
    def _require_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only an after-sales manager can correct an odometer "
                                "reading."))
