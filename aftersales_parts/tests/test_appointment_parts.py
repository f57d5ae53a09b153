# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Issue 19 with the parts: the "parts arrived" call books the visit, and checking the
vehicle in brings the parts already requested or arrived into the service visit."""
from odoo.exceptions import ValidationError

from .common import PartsCommon


class TestAppointmentParts(PartsCommon):

    def arrived_request(self, **vals):
        request = self.create_request([(self.water_pump, 1)], **vals)
        request.action_confirm()
        self.receive(self.water_pump, 1)
        self.assertEqual(request.state, "ready")
        return request

    def book_from(self, call):
        action = call.sudo(self.adviser).action_book()
        form = self.env["aftersales.appointment"].sudo(self.adviser).with_context(
            **action["context"])
        return form.create(form.default_get(list(form._fields)))

    def test_parts_arrived_call_books_the_visit_and_check_in_brings_the_parts(self):
        request = self.arrived_request()
        call = self.calls_of(request)
        self.assertTrue(call.offers_booking, "the parts-arrival call offers no visit")
        appointment = self.book_from(call)
        self.assertEqual((appointment.source, appointment.parts_request_id,
                          appointment.call_id, appointment.vehicle_id),
                         ("parts", request, call, self.vehicle))
        request.invalidate_cache()
        self.assertEqual(request.appointment_ids, appointment)
        requests_before = self.env["aftersales.parts.request"].search_count([])
        appointment.sudo(self.adviser).action_arrive()
        order = appointment.sale_order_id
        self.assertEqual(order.state, "sale")
        self.assertEqual(request.sale_order_id, order, "the parts are not on the visit")
        self.assertEqual(order.order_line.mapped("product_id"), self.water_pump)
        self.assertEqual(self.env["aftersales.parts.request"].search_count([]),
                         requests_before, "the visit requested its parts a second time")
        # the visit's delivery of the pump waits for what the request issues
        delivery = order.order_line.mapped("move_ids")
        self.assertTrue(delivery)
        self.assertEqual(delivery.mapped("move_orig_ids"),
                         request.line_ids.mapped("move_ids"))

    def test_check_in_continues_the_open_visit_the_parts_were_requested_for(self):
        order = self.env["sale.order"].sudo(self.adviser).create({
            "partner_id": self.customer.id, "aftersales_kind": "service",
            "vehicle_id": self.vehicle.id,
            "order_line": [(0, 0, {"product_id": self.water_pump.id, "product_uom_qty": 1,
                                   "name": self.water_pump.name,
                                   "product_uom": self.water_pump.uom_id.id,
                                   "price_unit": 100.0})]})
        order.action_confirm()
        request = order.aftersales_parts_request_ids
        self.assertEqual(request.line_ids.state, "backorder")
        self.receive(self.water_pump, 1)
        call = self.calls_of(request)
        appointment = self.book_from(call)
        self.assertEqual(appointment.parts_request_id, request)
        orders_before = self.env["sale.order"].search_count([])
        appointment.sudo(self.adviser).action_arrive()
        self.assertEqual(appointment.sale_order_id, order)
        self.assertEqual(self.env["sale.order"].search_count([]), orders_before)

    def test_a_parts_request_of_another_vehicle_is_refused(self):
        other = self.create_vehicle(self.customer)
        request = self.arrived_request(vehicle=other)
        call = self.calls_of(request)
        context = dict(call.sudo(self.adviser).action_book()["context"],
                       default_vehicle_id=self.vehicle.id)
        form = self.env["aftersales.appointment"].sudo(self.adviser).with_context(**context)
        with self.assertRefused(ValidationError, "not for the booked vehicle"):
            form.create(form.default_get(list(form._fields)))
