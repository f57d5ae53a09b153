# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A warranty claim approved for a replacement sends its defective parts back to the
manufacturer, through a return transfer to the manufacturer's location; and a claim
requests the parts its repair needs."""
from odoo.exceptions import AccessError, UserError

from .common import PartsCommon


class TestPartsReturn(PartsCommon):

    def test_replacement_sends_the_defective_part_back_to_the_manufacturer(self):
        claim = self.approved_claim()
        self.assertEqual(claim.state, "approved")
        parts_return = claim.parts_return_ids
        self.assertEqual(len(parts_return), 1)
        self.assertEqual(parts_return.state, "confirmed")
        self.assertEqual(parts_return.manufacturer_id, self.maker)
        self.assertEqual(parts_return.vehicle_id, self.vehicle)
        self.assertEqual(parts_return.line_ids.product_id, self.water_pump)
        self.assertEqual(parts_return.line_ids.quantity, 1)
        picking = parts_return.picking_id
        self.assertEqual(picking.aftersales_parts_return_id, parts_return)
        self.assertEqual(picking.partner_id, self.maker)
        self.assertEqual(picking.location_id, self.env.ref("stock.stock_location_customers"))
        self.assertEqual(picking.location_dest_id, self.maker.property_stock_supplier)
        self.assertEqual(picking.location_dest_id.usage, "supplier")
        self.assertEqual(picking.move_lines.product_id, self.water_pump)
        self.assertEqual(picking.move_lines.product_uom_qty, 1)
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(claim.parts_return_count, 1)
        # The warehouse ships it.
        with self.assertRefused(AccessError):
            parts_return.sudo(self.adviser).action_done()
        parts_return.sudo(self.clerk).action_done()
        self.assertEqual(parts_return.state, "done")
        self.assertEqual(picking.state, "done")
        self.assertTrue(parts_return.date_done)

    def test_repair_claim_returns_nothing(self):
        claim = self.approved_claim(kind="repair")
        self.assertFalse(claim.parts_return_ids)

    def test_second_return_for_the_same_claim_is_refused(self):
        claim = self.approved_claim()
        with self.assertRefused(UserError):
            claim.sudo(self.manager).action_create_parts_return()
        self.assertEqual(len(claim.parts_return_ids), 1)

    def test_return_made_again_after_a_cancelled_one(self):
        claim = self.approved_claim()
        claim.parts_return_ids.action_cancel()
        self.assertEqual(claim.parts_return_ids.picking_id.state, "cancel")
        action = claim.sudo(self.manager).action_create_parts_return()
        new_return = self.env["aftersales.parts.return"].browse(action["res_id"])
        self.assertEqual(new_return.state, "confirmed")
        self.assertEqual(len(claim.parts_return_ids), 2)

    def submitted_claim(self, lines):
        claim = self.env["aftersales.warranty.claim"].sudo(self.adviser).create({
            "vehicle_id": self.vehicle.id, "date_failure": self.vehicle.handover_date,
            "odometer": 12500, "symptom": "Coolant leak at the water pump",
            "line_ids": [(0, 0, {"product_id": part.id, "quantity": qty,
                                 "price_unit": 100.0}) for part, qty in lines]})
        claim.action_submit()
        return claim

    def test_submitting_a_claim_requests_its_parts_once(self):
        claim = self.submitted_claim([(self.water_pump, 2), (self.labour, 1)])
        request = claim.parts_request_ids
        self.assertEqual(len(request), 1)
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.origin_kind, "claim")
        self.assertEqual(request.line_ids.product_id, self.water_pump)
        self.assertEqual(request.line_ids.quantity, 2)
        self.assertIn(request.name, " ".join(claim.message_ids.mapped("body")))
        # The button afterwards opens it, it does not request the pump again.
        action = claim.sudo(self.adviser).action_request_parts()
        self.assertEqual(action["res_id"], request.id)
        self.assertEqual(claim.parts_request_ids, request)
        # A part added during the assessment is requested on its own, once.
        claim.action_assess()
        claim.write({"line_ids": [(0, 0, {"product_id": self.brake_pads.id, "quantity": 1,
                                          "price_unit": 300.0})]})
        action = claim.sudo(self.adviser).action_request_parts()
        added = self.env["aftersales.parts.request"].browse(action["res_id"])
        self.assertNotEqual(added, request)
        self.assertEqual(added.line_ids.product_id, self.brake_pads)
        claim.sudo(self.adviser).action_request_parts()
        self.assertEqual(len(claim.parts_request_ids), 2)

    def test_a_part_the_request_refuses_does_not_hold_up_the_submission(self):
        claim = self.submitted_claim([(self.x7_mirror, 1)])
        self.assertEqual(claim.state, "submitted")
        self.assertFalse(claim.parts_request_ids)
        self.assertIn("could not be requested", " ".join(claim.message_ids.mapped("body")))

    def test_warehouse_clerk_cannot_submit_a_claim_to_request_parts(self):
        claim = self.env["aftersales.warranty.claim"].sudo(self.adviser).create({
            "vehicle_id": self.vehicle.id, "date_failure": self.vehicle.handover_date,
            "odometer": 12500, "symptom": "Coolant leak",
            "line_ids": [(0, 0, {"product_id": self.water_pump.id, "quantity": 1,
                                 "price_unit": 1400.0})]})
        with self.assertRefused(AccessError):
            claim.sudo(self.clerk).action_submit()
        self.assertEqual(claim.state, "draft")
        self.assertFalse(claim.sudo().parts_request_ids)

    def test_claim_requests_its_replacement_parts(self):
        claim = self.approved_claim()
        action = claim.sudo(self.adviser).action_request_parts()
        request = self.env["aftersales.parts.request"].browse(action["res_id"])
        self.assertEqual(request.claim_id, claim)
        self.assertEqual(request.origin_kind, "claim")
        self.assertEqual(request.vehicle_id, self.vehicle)
        self.assertEqual(request.line_ids.product_id, self.water_pump)
        self.assertEqual(claim.parts_request_count, 1)
