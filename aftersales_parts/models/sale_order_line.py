# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class SaleOrderLine(models.Model):
    """The parts of a service visit leave the parts stock once: the visit's parts request
    issues them to the workshop, and the visit's delivery takes them from there to the
    customer's car."""
    _inherit = "sale.order.line"

    def _aftersales_fitted_from_workshop(self):
        """A part fitted on a service visit (a stockable vehicle part, no route chosen
        by hand on the line)."""
        self.ensure_one()
        return (self.order_id.aftersales_kind == "service"
                and self.product_id.is_vehicle_part and self.product_id.type == "product"
                and not self.route_id)

    @api.multi
    def _prepare_procurement_values(self, group_id=False):
        values = super(SaleOrderLine, self)._prepare_procurement_values(group_id)
        warehouse = self.order_id.warehouse_id
        if warehouse and self._aftersales_fitted_from_workshop():
            values["route_ids"] = warehouse._aftersales_workshop_route()
        return values

    @api.multi
    def _action_launch_procurement_rule(self):
        """Once a service visit's parts are to be delivered (the visit confirmed, or a
        part added to it), request from the parts stock what no request of the visit
        holds yet, and chain the delivery to the requests' transfers."""
        orders = self.filtered(
            lambda line: line.state == "sale" and line._aftersales_fitted_from_workshop()
        ).mapped("order_id")
        if orders:
            orders._aftersales_request_missing_parts()
        result = super(SaleOrderLine, self)._action_launch_procurement_rule()
        if orders:
            # after Odoo's own reservation of the new deliveries (procurement_jit), which
            # knows nothing of the workshop's parts being set aside per vehicle
            orders._aftersales_chain_parts_to_delivery()
        return result
