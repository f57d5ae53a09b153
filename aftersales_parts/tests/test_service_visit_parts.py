# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A service visit's parts leave the parts stock once: confirming the visit requests them
(reserved or back-ordered), the request issues them to the workshop, and the visit's
delivery takes them from the workshop to the customer's car (S12)."""
from odoo.exceptions import ValidationError
from odoo.tests.common import at_install, post_install

from odoo.addons.aftersales_followup.tests.common import create_staff

from .common import PartsCommon


# After the installation, as TestRequestStock (test_request_stock.py says why): the
# back-orders follow the forecast at the parts stock.
@at_install(False)
@post_install(True)
class TestServiceVisitParts(PartsCommon):

    def create_visit(self, lines, user=None, vehicle=None):
        """A draft service visit by ``user`` (the adviser); ``lines`` are (product, qty)."""
        vehicle = vehicle or self.vehicle
        return self.env["sale.order"].sudo(user or self.adviser).create({
            "partner_id": vehicle.partner_id.id,
            "aftersales_kind": "service",
            "vehicle_id": vehicle.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": qty,
                                   "name": product.name, "product_uom": product.uom_id.id})
                           for product, qty in lines],
        })

    def demand_from_stock(self, product):
        """What open moves ask of the parts stock for ``product``."""
        moves = self.env["stock.move"].search([
            ("product_id", "=", product.id), ("location_id", "=", self.stock_location.id),
            ("state", "not in", ("done", "cancel"))])
        return sum(moves.mapped("product_uom_qty"))

    def parts_delivery(self, order):
        return order.order_line.mapped("move_ids").filtered(
            lambda m: m.location_id == self.warehouse.aftersales_workshop_location_id)

    def test_confirming_a_visit_requests_its_parts_once(self):
        self.put_in_stock(self.brake_pads, 5)
        order = self.create_visit([(self.brake_pads, 2), (self.labour, 1),
                                   (self.wiper_fluid, 1)])
        order.action_confirm()
        request = order.aftersales_parts_request_ids
        self.assertEqual(len(request), 1)
        self.assertEqual(request.state, "ready")
        self.assertEqual(request.user_id, self.adviser)  # who confirmed the visit
        self.assertEqual((request.line_ids.product_id, request.line_ids.quantity),
                         (self.brake_pads, 2))
        # The pads are asked of the parts stock once (the request), not twice.
        self.assertEqual(self.demand_from_stock(self.brake_pads), 2)
        delivery = self.parts_delivery(order)
        self.assertEqual(delivery.product_id, self.brake_pads)
        self.assertEqual(delivery.location_dest_id, self.env.ref("stock.stock_location_customers"))
        self.assertEqual(delivery.move_orig_ids, request.line_ids.move_ids)
        self.assertEqual(delivery.state, "waiting")  # for the request's transfer
        # The consumable still ships from the stock as any sale does; labour does not.
        fluid = order.order_line.filtered(lambda ln: ln.product_id == self.wiper_fluid)
        self.assertEqual(fluid.move_ids.location_id, self.stock_location)
        self.assertEqual(len(order.picking_ids), 2)  # from the workshop, from the stock
        # Confirming again (or any later procurement) requests nothing more.
        order.order_line._action_launch_procurement_rule()
        self.assertEqual(len(order.aftersales_parts_request_ids), 1)

    def test_issued_parts_are_delivered_from_the_workshop(self):
        self.put_in_stock(self.brake_pads, 5)
        order = self.create_visit([(self.brake_pads, 2)])
        order.action_confirm()
        request = order.aftersales_parts_request_ids
        request.sudo(self.clerk).action_done()
        delivery = self.parts_delivery(order)
        self.assertEqual(delivery.state, "assigned")
        self.validate(delivery.picking_id.sudo(self.clerk))
        line = order.order_line
        self.assertEqual(line.qty_delivered, 2)
        quants = self.env["stock.quant"]
        self.assertEqual(quants._get_available_quantity(self.brake_pads, self.stock_location), 3)
        self.assertEqual(quants._get_available_quantity(
            self.brake_pads, self.warehouse.aftersales_workshop_location_id), 0)

    def test_delivery_never_takes_another_vehicles_parts_in_the_workshop(self):
        other = self.create_vehicle(self.create_customer("Zhou Jie h5"))
        self.put_in_stock(self.brake_pads, 2)
        # Another car's pads are waiting in the workshop.
        set_aside = self.create_request([(self.brake_pads, 2)], vehicle=other)
        set_aside.action_confirm()
        set_aside.sudo(self.clerk).action_done()
        order = self.create_visit([(self.brake_pads, 2)])
        order.action_confirm()
        request = order.aftersales_parts_request_ids
        self.assertEqual(request.line_ids.state, "backorder")
        delivery = self.parts_delivery(order)
        delivery._action_assign()  # as the scheduler would
        self.assertEqual(delivery.state, "waiting")
        self.assertEqual(delivery.reserved_availability, 0)

    def test_parts_requested_before_confirming_are_not_requested_again(self):
        self.put_in_stock(self.brake_pads, 5)
        order = self.create_visit([(self.brake_pads, 2), (self.oil_filter, 1)])
        action = order.sudo(self.adviser).action_request_parts()
        early = self.env["aftersales.parts.request"].browse(action["res_id"])
        early.line_ids.filtered(lambda ln: ln.product_id == self.oil_filter).unlink()
        early.action_confirm()
        early.sudo(self.clerk).action_done()  # already in the workshop
        order.action_confirm()
        requests = order.aftersales_parts_request_ids
        self.assertEqual(len(requests), 2)
        later = requests - early
        self.assertEqual((later.line_ids.product_id, later.line_ids.quantity),
                         (self.oil_filter, 1))
        pads = self.parts_delivery(order).filtered(
            lambda m: m.product_id == self.brake_pads)
        self.assertEqual(pads.move_orig_ids, early.line_ids.move_ids)
        self.assertEqual(pads.state, "assigned")
        self.assertEqual(self.demand_from_stock(self.brake_pads), 0)

    def test_back_ordered_part_reaches_the_delivery_when_it_arrives(self):
        order = self.create_visit([(self.water_pump, 1)])
        order.action_confirm()
        request = order.aftersales_parts_request_ids
        self.assertEqual(request.line_ids.state, "backorder")
        self.assertEqual(self.rfq_lines(self.water_pump).product_qty, 1)
        self.receive(self.water_pump, 1)
        self.assertEqual(request.state, "ready")
        request.sudo(self.clerk).action_done()
        self.assertEqual(self.parts_delivery(order).state, "assigned")

    def test_part_added_to_a_confirmed_visit_is_requested(self):
        self.put_in_stock(self.brake_pads, 5)
        self.put_in_stock(self.oil_filter, 5)
        order = self.create_visit([(self.brake_pads, 1)])
        order.action_confirm()
        self.env["sale.order.line"].create({
            "order_id": order.id, "product_id": self.oil_filter.id, "product_uom_qty": 2,
            "name": "filter", "product_uom": self.oil_filter.uom_id.id})
        order.order_line.filtered(lambda ln: ln.product_id == self.brake_pads).write(
            {"product_uom_qty": 3})
        requested = {}
        for line in order.aftersales_parts_request_ids.mapped("line_ids"):
            requested[line.product_id] = requested.get(line.product_id, 0) + line.quantity
        self.assertEqual(requested, {self.brake_pads: 3, self.oil_filter: 2})
        self.assertEqual(self.demand_from_stock(self.brake_pads), 3)

    def test_salesman_without_after_sales_rights_confirms_a_visit(self):
        salesman = create_staff(self.env, "h5_salesman", "Sales only (h5)",
                                ["sales_team.group_sale_salesman"])
        self.put_in_stock(self.brake_pads, 5)
        order = self.create_visit([(self.brake_pads, 1)], user=salesman)
        order.sudo(salesman).action_confirm()
        request = order.sudo().aftersales_parts_request_ids
        self.assertEqual(request.state, "ready")
        self.assertEqual(request.user_id, salesman)

    def test_vehicle_sale_ships_from_stock_as_before(self):
        self.put_in_stock(self.brake_pads, 5)
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": self.brake_pads.id, "product_uom_qty": 1,
                                   "name": "pads", "product_uom": self.brake_pads.uom_id.id})],
        })
        order.action_confirm()
        self.assertFalse(order.aftersales_parts_request_ids)
        self.assertEqual(order.order_line.move_ids.location_id, self.stock_location)

    def test_part_that_does_not_fit_stops_the_confirmation(self):
        order = self.create_visit([(self.x7_mirror, 1)])
        with self.assertRefused(ValidationError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.aftersales_parts_request_ids)

    def test_claim_parts_requested_before_compensation_serve_the_visit(self):
        self.put_in_stock(self.water_pump, 1)
        claim = self.approved_claim(kind="repair")
        action = claim.sudo(self.adviser).action_request_parts()
        request = self.env["aftersales.parts.request"].browse(action["res_id"])
        request.action_confirm()
        claim.sudo(self.manager).action_compensate()
        order = claim.sudo().sale_order_id
        self.assertEqual(request.sale_order_id, order)
        order.action_confirm()
        self.assertEqual(order.aftersales_parts_request_ids, request)
        self.assertEqual(self.demand_from_stock(self.water_pump), 1)
        self.assertEqual(self.parts_delivery(order).move_orig_ids, request.line_ids.move_ids)

    def test_compensation_on_a_confirmed_visit_uses_the_claims_request(self):
        self.put_in_stock(self.water_pump, 1)
        order = self.create_visit([(self.labour, 1)])
        order.action_confirm()
        claim = self.approved_claim(kind="repair", sale_order_id=order.id)
        action = claim.sudo(self.adviser).action_request_parts()
        request = self.env["aftersales.parts.request"].browse(action["res_id"])
        request.action_confirm()
        request.sudo(self.clerk).action_done()
        claim.sudo(self.manager).action_compensate()
        self.assertEqual(order.aftersales_parts_request_ids, request)
        delivery = self.parts_delivery(order)
        self.assertEqual(delivery.move_orig_ids, request.line_ids.move_ids)
        self.assertEqual(delivery.state, "assigned")  # the pump is in the workshop

    def test_cancelled_visit_releases_its_parts(self):
        self.put_in_stock(self.brake_pads, 2)
        order = self.create_visit([(self.brake_pads, 2)])
        order.action_confirm()
        request = order.aftersales_parts_request_ids
        self.assertEqual(request.state, "ready")
        order.action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(self.demand_from_stock(self.brake_pads), 0)
        self.assertEqual(self.parts_delivery(order).state, "cancel")
        # the pads are free for the next car
        other = self.create_visit([(self.brake_pads, 2)],
                                  vehicle=self.create_vehicle(self.create_customer("Next Car")))
        other.action_confirm()
        self.assertEqual(other.aftersales_parts_request_ids.state, "ready")

    def test_cancelled_visit_keeps_issued_parts_on_record(self):
        self.put_in_stock(self.brake_pads, 2)
        order = self.create_visit([(self.brake_pads, 2)])
        order.action_confirm()
        request = order.aftersales_parts_request_ids
        request.sudo(self.clerk).action_done()
        order.action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(request.state, "done")
        self.assertIn("returned to the parts stock", request.message_ids[0].body)
