# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Requesting parts reserves what the parts stock holds through a standard internal
transfer to the workshop, and orders the rest from the maker (S12)."""
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import at_install, post_install

from .common import PartsCommon


# After the installation, not during it: while modules install, Odoo defers the
# parent_left/parent_right of the stock locations created meanwhile (the workshop this
# addon adds) to the end of the installation, and stock's quantity domains compare them:
# under Odoo's runner at install time the moves to the workshop would not count as
# leaving the parts stock, and the forecast (and so the back-orders) would be wrong.
@at_install(False)
@post_install(True)
class TestRequestStock(PartsCommon):

    def test_available_part_is_reserved_and_missing_part_back_ordered(self):
        self.put_in_stock(self.brake_pads, 3)
        request = self.create_request([(self.brake_pads, 5)])
        request.action_confirm()
        line = request.line_ids
        self.assertEqual(request.state, "partially_available")
        self.assertEqual(line.state, "backorder")
        self.assertEqual(line.qty_available_at_request, 3)
        self.assertEqual(line.qty_reserved, 3)
        self.assertFalse(line.served_from_stock)
        self.assertTrue(request.date_requested)
        # One standard internal transfer from the parts stock to the workshop.
        picking = request.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual(picking.location_id, self.stock_location)
        self.assertEqual(picking.location_dest_id,
                         self.warehouse.aftersales_workshop_location_id)
        self.assertEqual(picking.move_lines.product_uom_qty, 5)
        self.assertEqual(picking.move_lines.reserved_availability, 3)
        self.assertEqual(picking.state, "assigned")  # partial: "direct" move type
        # The rest is ordered from the maker through the buy route: an RFQ of 2.
        self.assertEqual(line.qty_procured, 2)
        rfq_line = self.rfq_lines(self.brake_pads)
        self.assertEqual(len(rfq_line), 1)
        self.assertEqual(rfq_line.product_qty, 2)
        self.assertEqual(rfq_line.order_id.partner_id, self.maker)
        self.assertIn(request.name, rfq_line.order_id.origin)
        self.assertTrue(any("back-order" in (m.body or "") for m in request.message_ids))

    def test_request_fully_in_stock_is_ready_and_orders_nothing(self):
        self.put_in_stock(self.brake_pads, 4)
        self.put_in_stock(self.oil_filter, 10)
        request = self.create_request([(self.brake_pads, 4), (self.oil_filter, 1)])
        request.action_confirm()
        self.assertEqual(request.state, "ready")
        self.assertEqual(set(request.line_ids.mapped("state")), {"available"})
        self.assertTrue(all(request.line_ids.mapped("served_from_stock")))
        self.assertFalse(self.rfq_lines(self.brake_pads))
        self.assertFalse(self.rfq_lines(self.oil_filter))

    def test_nothing_in_stock_waits_for_the_whole_quantity(self):
        request = self.create_request([(self.water_pump, 2)])
        request.action_confirm()
        self.assertEqual(request.state, "confirmed")
        self.assertEqual(request.line_ids.state, "backorder")
        self.assertEqual(request.line_ids.qty_procured, 2)
        self.assertEqual(self.rfq_lines(self.water_pump).product_qty, 2)

    def test_parts_already_on_order_are_not_ordered_again(self):
        """A confirmed purchase already brings 5 pumps: a request for 2 waits for them."""
        order = self.env["purchase.order"].create({
            "partner_id": self.maker.id,
            "order_line": [(0, 0, {
                "product_id": self.water_pump.id, "name": "pumps", "product_qty": 5,
                "product_uom": self.water_pump.uom_po_id.id, "price_unit": 60.0,
                "date_planned": "2030-01-01 00:00:00"})],
        })
        order.button_confirm()
        request = self.create_request([(self.water_pump, 2)])
        request.action_confirm()
        self.assertEqual(request.line_ids.state, "backorder")
        self.assertEqual(request.line_ids.qty_procured, 0)
        self.assertFalse(self.rfq_lines(self.water_pump))

    def test_reserved_parts_are_not_given_to_the_next_request(self):
        self.put_in_stock(self.brake_pads, 2)
        first = self.create_request([(self.brake_pads, 2)])
        first.action_confirm()
        second = self.create_request([(self.brake_pads, 1)])
        second.action_confirm()
        self.assertEqual(first.state, "ready")
        self.assertEqual(second.line_ids.qty_available_at_request, 0)
        self.assertEqual(second.line_ids.state, "backorder")
        self.assertEqual(second.line_ids.qty_procured, 1)

    def test_availability_shown_per_line(self):
        self.put_in_stock(self.brake_pads, 3)
        self.put_in_stock(self.oil_filter, 7)
        other = self.create_request([(self.brake_pads, 1)])
        other.action_confirm()
        request = self.create_request([(self.brake_pads, 5), (self.oil_filter, 2)])
        pads, oil = request.line_ids
        self.assertEqual((pads.qty_on_hand, pads.qty_free, pads.qty_forecast), (3, 2, 2))
        self.assertEqual((oil.qty_on_hand, oil.qty_free, oil.qty_forecast), (7, 7, 7))

    def test_availability_costs_the_same_queries_for_many_lines(self):
        parts = [self.create_part("Bulk part %d (h5)" % i, "H5-BULK-%d" % i)
                 for i in range(30)]
        small = self.create_request([(p, 1) for p in parts[:3]])
        large = self.create_request([(p, 1) for p in parts])

        def queries(request):
            request.invalidate_cache()
            before = self.cr.sql_log_count
            request.line_ids.mapped("qty_free")
            return self.cr.sql_log_count - before

        queries(small)  # warm the caches that do not depend on the request
        self.assertEqual(queries(large), queries(small))

    def test_parts_issued_to_the_workshop_by_the_warehouse(self):
        self.put_in_stock(self.brake_pads, 2)
        request = self.create_request([(self.brake_pads, 2)])
        request.action_confirm()
        with self.assertRefused(AccessError):
            request.sudo(self.adviser).action_done()
        request.sudo(self.clerk).action_done()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.line_ids.state, "done")
        self.assertEqual(request.picking_ids.state, "done")
        self.assertTrue(request.date_done)
        workshop_qty = self.brake_pads.with_context(
            location=self.warehouse.aftersales_workshop_location_id.id).qty_available
        self.assertEqual(workshop_qty, 2)

    def test_issuing_a_request_still_waiting_is_refused(self):
        request = self.create_request([(self.water_pump, 1)])
        request.action_confirm()
        with self.assertRefused(UserError):
            request.sudo(self.clerk).action_done()
        self.assertEqual(request.state, "confirmed")
        self.assertEqual(request.picking_ids.state, "confirmed")

    def test_cancel_releases_the_reservation(self):
        self.put_in_stock(self.brake_pads, 2)
        request = self.create_request([(self.brake_pads, 2)])
        request.action_confirm()
        request.sudo(self.adviser).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(request.line_ids.state, "cancelled")
        self.assertEqual(request.picking_ids.state, "cancel")
        self.assertEqual(request.line_ids._free_quantities(self.stock_location)[
            self.brake_pads.id], 2)

    def test_transfer_cancelled_in_the_warehouse_cancels_the_request(self):
        self.put_in_stock(self.brake_pads, 1)
        request = self.create_request([(self.brake_pads, 1)])
        request.action_confirm()
        request.picking_ids.sudo(self.clerk).action_cancel()
        self.assertEqual(request.state, "cancelled")
        self.assertEqual(request.line_ids.state, "cancelled")

    def test_confirmed_request_parts_cannot_change(self):
        request = self.create_request([(self.oil_filter, 1)])
        request.action_confirm()
        with self.assertRefused(UserError):
            request.line_ids.sudo(self.adviser).write({"quantity": 3})
        self.assertEqual(request.line_ids.quantity, 1)

    def test_request_from_service_visit_takes_its_parts(self):
        order = self.env["sale.order"].sudo(self.adviser).create({
            "partner_id": self.customer.id,
            "aftersales_kind": "service",
            "vehicle_id": self.vehicle.id,
            "order_line": [
                (0, 0, {"product_id": self.brake_pads.id, "product_uom_qty": 2,
                        "name": "pads", "product_uom": self.brake_pads.uom_id.id}),
                (0, 0, {"product_id": self.labour.id, "product_uom_qty": 1,
                        "name": "labour", "product_uom": self.labour.uom_id.id}),
            ],
        })
        action = order.action_request_parts()
        request = self.env["aftersales.parts.request"].browse(action["res_id"])
        self.assertEqual(request.sale_order_id, order)
        self.assertEqual(request.vehicle_id, self.vehicle)
        self.assertEqual(request.origin_kind, "service")
        self.assertEqual(request.line_ids.product_id, self.brake_pads)
        self.assertEqual(request.line_ids.quantity, 2)
        self.assertEqual(order.aftersales_parts_request_count, 1)
        self.assertEqual(self.customer.aftersales_parts_request_count, 1)
