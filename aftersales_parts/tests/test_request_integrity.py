# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A parts request's state and its fill-rate figures are the request's own: nobody
writes them, and a confirmed request changes through its buttons only."""
from odoo.exceptions import AccessError, UserError

from .common import PartsCommon


class TestRequestIntegrity(PartsCommon):

    def test_state_and_fill_rate_figures_are_not_writable(self):
        self.put_in_stock(self.brake_pads, 4)
        request = self.create_request([(self.brake_pads, 2), (self.water_pump, 1)])
        request.action_confirm()
        line = request.line_ids.filtered(lambda ln: ln.product_id == self.water_pump)
        for context in ({}, {"aftersales_trusted": True}, {"aftersales_parts_confirming": True}):
            for records, vals in ((request, {"state": "ready"}),
                                  (request, {"date_requested": False}),
                                  (line, {"served_from_stock": True}),
                                  (line, {"qty_available_at_request": 1.0}),
                                  (line, {"arrival_announced": True})):
                with self.assertRefused(AccessError):
                    records.with_context(**context).write(vals)
        self.assertFalse(line.served_from_stock)
        self.assertEqual(request.state, "partially_available")

    def test_a_confirmed_request_keeps_what_it_asked_for(self):
        request = self.create_request([(self.brake_pads, 1)])
        request.action_confirm()
        other = self.create_vehicle(self.create_customer("Li Other"))
        with self.assertRefused(UserError):
            request.write({"vehicle_id": other.id, "partner_id": other.partner_id.id})
        with self.assertRefused(UserError):
            request.write({"line_ids": [
                (0, 0, {"product_id": self.oil_filter.id, "quantity": 1})]})
        self.assertEqual(request.vehicle_id, self.vehicle)

    def test_back_to_draft_only_without_transfers_in_progress(self):
        request = self.create_request([(self.brake_pads, 1)])
        request.action_confirm()
        with self.assertRefused(UserError):
            request.action_draft()
        request.action_cancel()
        request.action_draft()
        self.assertEqual(request.state, "draft")
