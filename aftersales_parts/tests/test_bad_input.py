# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Bad input gets a clear error and saves nothing."""
from odoo.exceptions import UserError, ValidationError

from .common import PartsCommon


class TestBadInput(PartsCommon):

    def count(self, model):
        return self.env[model].with_context(active_test=False).search_count([])

    def test_zero_or_negative_quantity_is_refused(self):
        for quantity in (0, -1, -0.5):
            before = self.count("aftersales.parts.request")
            with self.assertRefused(ValidationError) as refusal:
                self.create_request([(self.brake_pads, quantity)])
            self.assertIn("more than zero", refusal.exception.name)
            self.assertEqual(self.count("aftersales.parts.request"), before)
        request = self.create_request([(self.brake_pads, 2)])
        with self.assertRefused(ValidationError):
            request.line_ids.sudo(self.adviser).write({"quantity": 0})
        self.assertEqual(request.line_ids.quantity, 2)

    def test_part_that_is_not_stockable_is_refused(self):
        for product in (self.labour, self.wiper_fluid):
            before = self.count("aftersales.parts.request.line")
            with self.assertRefused(ValidationError) as refusal:
                self.create_request([(product, 1)])
            self.assertIn("not a stockable product", refusal.exception.name)
            self.assertEqual(self.count("aftersales.parts.request.line"), before)

    def test_vehicle_part_must_be_stockable(self):
        with self.assertRefused(ValidationError):
            self.env["product.product"].create(
                {"name": "Consumable part (h5)", "type": "consu", "is_vehicle_part": True})

    def test_confirming_an_empty_request_is_refused(self):
        request = self.create_request([])
        with self.assertRefused(UserError) as refusal:
            request.sudo(self.adviser).action_confirm()
        self.assertIn("has no parts", refusal.exception.name)
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.date_requested)
        self.assertFalse(request.picking_ids)

    def test_confirming_twice_is_refused(self):
        self.put_in_stock(self.oil_filter, 1)
        request = self.create_request([(self.oil_filter, 1)])
        request.action_confirm()
        with self.assertRefused(UserError):
            request.action_confirm()
        self.assertEqual(len(request.picking_ids), 1)

    def test_return_for_a_claim_not_approved_for_replacement_is_refused(self):
        claim = self.env["aftersales.warranty.claim"].sudo(self.adviser).create({
            "vehicle_id": self.vehicle.id,
            "date_failure": self.vehicle.handover_date,
            "odometer": 12500,
            "symptom": "Noise from the front brakes",
            "line_ids": [(0, 0, {"product_id": self.brake_pads.id, "quantity": 1,
                                 "price_unit": 600.0})],
        })
        for state, kind in (("draft", "replace"), ("approved", "repair"),
                            ("approved", "refund"), ("rejected", "replace")):
            claim._aftersales_trusted().write({"state": state, "compensation_kind": kind})
            before = self.count("aftersales.parts.return")
            with self.assertRefused(ValidationError) as refusal:
                self.env["aftersales.parts.return"].sudo(self.manager).create({
                    "claim_id": claim.id,
                    "line_ids": [(0, 0, {"product_id": self.brake_pads.id,
                                         "quantity": 1})],
                })
            self.assertIn("not approved for replacement", refusal.exception.name)
            self.assertEqual(self.count("aftersales.parts.return"), before)
            with self.assertRefused(ValidationError):
                claim.sudo(self.manager).action_create_parts_return()
            self.assertFalse(claim.parts_return_ids)

    def test_return_quantity_must_be_positive(self):
        claim = self.env["aftersales.warranty.claim"].sudo(self.adviser).create({
            "vehicle_id": self.vehicle.id,
            "date_failure": self.vehicle.handover_date,
            "odometer": 12500,
            "symptom": "Noise",
            "line_ids": [(0, 0, {"product_id": self.brake_pads.id, "quantity": 1,
                                 "price_unit": 600.0})],
        })
        claim._aftersales_trusted().write({"state": "approved", "compensation_kind": "replace"})
        with self.assertRefused(ValidationError):
            self.env["aftersales.parts.return"].create({
                "claim_id": claim.id, "manufacturer_id": self.maker.id,
                "line_ids": [(0, 0, {"product_id": self.brake_pads.id, "quantity": 0})]})
        self.assertFalse(claim.parts_return_ids)
