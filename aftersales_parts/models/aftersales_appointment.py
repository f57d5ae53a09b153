# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class AftersalesAppointment(models.Model):
    """The visit booked when back-ordered parts arrived: the check-in brings the parts
    already requested for the vehicle into the service visit."""
    _inherit = "aftersales.appointment"

    parts_request_id = fields.Many2one(
        "aftersales.parts.request", string="Parts request", index=True, ondelete="set null",
        domain="[('partner_id', '=', partner_id), ('state', 'not in', ('draft', 'cancelled'))]",
        help="The parts the customer comes to have fitted.")

    @api.constrains("parts_request_id", "vehicle_id")
    def _check_parts_request_vehicle(self):
        for appointment in self:
            request = appointment.parts_request_id
            if request.vehicle_id and appointment.vehicle_id \
                    and request.vehicle_id != appointment.vehicle_id:
                raise ValidationError(_(
                    "The parts request %(request)s is for %(vehicle)s, not for the booked "
                    "vehicle.") % {"request": request.name,
                                   "vehicle": request.vehicle_id.display_name})

    def _aftersales_waiting_parts_requests(self):
        """The vehicle's parts requests waiting for a visit: the appointment's own and
        those requested or arrived for no visit yet (warranty claims keep theirs)."""
        self.ensure_one()
        requests = self.parts_request_id.filtered(lambda r: r.state != "cancelled")
        if self.vehicle_id:
            requests |= self.env["aftersales.parts.request"].search([
                ("vehicle_id", "=", self.vehicle_id.id), ("sale_order_id", "=", False),
                ("claim_id", "=", False),
                ("state", "in", ("confirmed", "partially_available", "ready"))])
        return requests

    def _aftersales_open_visit(self):
        """The parts were requested at an earlier check-in that is still open: the
        customer comes back to that visit, which the arrival continues."""
        order = self.parts_request_id.sale_order_id
        if order and order.state in ("draft", "sent", "sale") and not order.handover_date \
                and order.vehicle_id == self.vehicle_id:
            if order.state != "sale":
                order.action_confirm()
            return order
        return super(AftersalesAppointment, self)._aftersales_open_visit()

    def _aftersales_prepare_visit(self, order):
        """Link the waiting parts requests to the new visit and bill their parts on it,
        before it is confirmed: its delivery then takes them from the workshop and no
        second request is made for them."""
        order = super(AftersalesAppointment, self)._aftersales_prepare_visit(order)
        requests = self._aftersales_waiting_parts_requests().filtered(
            lambda r: not r.sale_order_id)
        if not requests:
            return order
        # sudo: the requests of this vehicle only, joined to its own visit, as a visit
        # confirmed at the desk requests its parts on the requester's behalf.
        requests.sudo()._aftersales_trusted().write({"sale_order_id": order.id})
        lines = []
        for line in requests.filtered(lambda r: not r.claim_id).mapped("line_ids").filtered(
                lambda ln: ln.state != "cancelled"):
            lines.append((0, 0, {
                "product_id": line.product_id.id,
                "name": line.product_id.display_name,
                "product_uom_qty": line.quantity,
                "product_uom": line.product_id.uom_id.id,
                "price_unit": line.product_id.list_price,
            }))
        if lines:
            order.write({"order_line": lines})
        return order
