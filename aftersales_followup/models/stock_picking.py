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
            and p.sale_id.aftersales_kind == "vehicle" and not p.sale_id.handover_date
            # a sale confirmed without its vehicle (before confirming required one) is
            # no handover to follow up
            and p.sale_id.vehicle_id)
        for picking in deliveries:
            order = picking.sale_id
            date = picking.date_done or fields.Datetime.now()
            vehicle = order.vehicle_id
            if vehicle:
                vals = {"partner_id": order.partner_id.commercial_partner_id.id}
                # The warranty starts at the vehicle's first handover only: a vehicle
                # sold again (or delivered twice) keeps its start; a manager corrects it.
                if not vehicle.handover_date:
                    # the dealership's day, whoever validates the delivery
                    vals["handover_date"] = order.company_id._aftersales_date_of(date)
                # sudo: the warehouse worker validating the delivery need not be an
                # after-sales user; only this order's own vehicle gets its owner and, the
                # first time, its handover day.
                vehicle.sudo()._aftersales_trusted().write(vals)
            # Recorded on behalf of the warehouse worker, who may have no right on the
            # order's handover; the thank-you email is rendered as them.
            order._aftersales_set_handover(date)
