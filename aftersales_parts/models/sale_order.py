# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class SaleOrder(models.Model):
    """The parts a service visit needs are requested from its order."""
    _inherit = "sale.order"

    aftersales_parts_request_ids = fields.One2many(
        "aftersales.parts.request", "sale_order_id", string="Parts requests")
    aftersales_parts_request_count = fields.Integer(
        string="Number of parts requests",
        compute="_compute_aftersales_parts_request_count")

    def _compute_aftersales_parts_request_count(self):
        groups = self.env["aftersales.parts.request"].read_group(
            [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["sale_order_id"])
        counts = {g["sale_order_id"][0]: g["sale_order_id_count"] for g in groups}
        for order in self:
            order.aftersales_parts_request_count = counts.get(order.id, 0)

    @api.multi
    def action_request_parts(self):
        """Open a new parts request for the service visit, with the parts on the order
        that no request holds yet."""
        self.ensure_one()
        if self.aftersales_kind != "service":
            raise UserError(_("%s is not a service visit: parts are requested for service "
                              "visits and warranty claims.") % self.name)
        requested = self._aftersales_active_parts_requests().mapped("line_ids.product_id")
        lines = [(0, 0, {"product_id": line.product_id.id,
                         "quantity": line.product_uom_qty})
                 for line in self.order_line
                 if line.product_id.is_vehicle_part and line.product_id not in requested
                 and line.product_uom_qty > 0]
        request = self.env["aftersales.parts.request"].create(
            self._aftersales_parts_request_vals(lines))
        return request._aftersales_form_action()

    @api.multi
    def action_cancel(self):
        """A cancelled service visit needs its parts no more: its requests still waiting
        or reserved are cancelled, which releases the parts stock. Parts already issued to
        the workshop stay there (the request says so in its chatter)."""
        result = super(SaleOrder, self).action_cancel()
        requests = self._aftersales_active_parts_requests()
        issued = requests.filtered(lambda r: r._aftersales_issued())
        if requests - issued:
            # sudo: whoever cancels the visit releases exactly the parts reserved for it,
            # as Odoo cancels the visit's own deliveries on their behalf.
            (requests - issued).sudo().action_cancel()
        for request in issued:
            request.sudo().message_post(body=_(
                "The service visit %s was cancelled: the parts issued to the workshop for "
                "it are to be returned to the parts stock.") % request.sale_order_id.name)
        return result

    @api.multi
    def action_view_aftersales_parts_requests(self):
        self.ensure_one()
        action = self.env.ref("aftersales_parts.action_aftersales_parts_request").read()[0]
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_sale_order_id": self.id,
                             "default_partner_id": self.partner_id.id,
                             "default_vehicle_id": self.vehicle_id.id,
                             "default_company_id": self.company_id.id}
        return action

    def _aftersales_active_parts_requests(self):
        return self.mapped("aftersales_parts_request_ids").filtered(
            lambda r: r.state != "cancelled")

    def _aftersales_parts_request_vals(self, lines):
        self.ensure_one()
        vals = {
            "partner_id": self.partner_id.id,
            "vehicle_id": self.vehicle_id.id,
            "sale_order_id": self.id,
            "company_id": self.company_id.id,
            "line_ids": lines,
        }
        if self.warehouse_id:
            vals["warehouse_id"] = self.warehouse_id.id
        return vals

    def _aftersales_request_missing_parts(self):
        """Request, for each confirmed service visit, the parts its order fits that its
        requests do not hold yet (per part, in the part's unit), and confirm the request:
        the parts are reserved or ordered as soon as the visit is confirmed."""
        request_model = self.env["aftersales.parts.request"]
        if not request_model.check_access_rights("create", raise_exception=False):
            # sudo: whoever confirms the visit (a salesman may have no after-sales rights)
            # asks for exactly the order's own parts, as Odoo prepares a confirmed order's
            # delivery on their behalf; the request is made in their name.
            request_model = request_model.sudo()
        requests = request_model.browse()
        visits = self.with_env(request_model.env).filtered(
            lambda o: o.aftersales_kind == "service" and o.state == "sale")
        for order in visits:
            missing = {}
            for line in order.order_line.filtered(
                    lambda ln: ln._aftersales_fitted_from_workshop()):
                product = line.product_id
                missing[product] = missing.get(product, 0.0) + \
                    line.product_uom._compute_quantity(line.product_uom_qty, product.uom_id)
            for line in order._aftersales_active_parts_requests().mapped("line_ids"):
                if line.product_id in missing:
                    missing[line.product_id] -= line.quantity
            lines = [(0, 0, {"product_id": product.id, "quantity": quantity})
                     for product, quantity in missing.items()
                     if float_compare(quantity, 0.0,
                                      precision_rounding=product.uom_id.rounding) > 0]
            if lines:
                requests |= request_model.create(dict(
                    order._aftersales_parts_request_vals(lines), user_id=self.env.uid))
        if requests:
            requests.action_confirm()
        return requests

    def _aftersales_chain_parts_to_delivery(self):
        """Chain each waiting delivery of a part from the workshop to the transfers that
        bring this visit's parts there: it can only take what the visit's own requests
        issued, never the parts set aside in the workshop for another vehicle."""
        # sudo: only the moves of these orders' deliveries and of their own parts
        # requests are linked; the people who confirm visits or requests need no
        # warehouse rights for it.
        for order in self.sudo().filtered(lambda o: o.state == "sale"):
            workshop = order.warehouse_id.aftersales_workshop_location_id
            deliveries = order.order_line.mapped("move_ids").filtered(
                lambda m: workshop and m.location_id == workshop and not m.move_orig_ids
                and m.state not in ("done", "cancel"))
            if not deliveries:
                continue
            supplies = order._aftersales_active_parts_requests().mapped(
                "line_ids.move_ids").filtered(
                    lambda m: m.location_dest_id == workshop and m.state != "cancel")
            chained = order.env["stock.move"]
            for move in deliveries:
                origins = supplies.filtered(lambda m: m.product_id == move.product_id)
                if origins:
                    move.write({"move_orig_ids": [(4, origin.id) for origin in origins]})
                    chained |= move
            if chained:
                # What was reserved without the chain may be another vehicle's parts; the
                # chained moves take what their own requests brought, which may already be
                # in the workshop (a request issued before the visit was confirmed).
                chained.filtered(lambda m: m.state in ("partially_available", "assigned")
                                 )._do_unreserve()
                chained._action_assign()
                # "Waiting another operation" while the parts are not in the workshop
                chained.filtered(lambda m: m.state == "confirmed")._recompute_state()
