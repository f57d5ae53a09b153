# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class StockPicking(models.Model):
    """For a vehicle sale, validating the delivery of the vehicle is the handover."""
    _inherit = "stock.picking"

    def action_done(self):
        result = super(StockPicking, self).action_done()
        self._aftersales_vehicle_handover()
        return result

    def _aftersales_vehicle_handover(self):
        deliveries = self.filtered(
            lambda p: p.state == "done" and p.picking_type_code == "outgoing"
            and p.sale_id.aftersales_kind == "vehicle" and not p.sale_id.handover_date)
        for picking in deliveries:
            order = picking.sale_id
            date = picking.date_done or fields.Datetime.now()
            if order.vehicle_id:
                order.vehicle_id.write({
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "handover_date": fields.Date.to_string(
                        fields.Datetime.context_timestamp(
                            picking, fields.Datetime.from_string(date)).date()),
                })
            # The warehouse worker validating the delivery need not be an after-sales
            # user: the thank-you email and its letter register entry are recorded on
            # their behalf.
            order.sudo()._aftersales_set_handover(date)
