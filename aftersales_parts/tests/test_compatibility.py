# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A part that does not fit the vehicle's model is flagged when chosen, refused on save
unless an after-sales manager accepts it, and the part search offers fitting parts first
and finds parts by the maker's OEM code."""
from odoo.exceptions import AccessError, ValidationError

from .common import PartsCommon


class TestCompatibility(PartsCommon):

    def test_choosing_a_part_that_does_not_fit_warns(self):
        request = self.create_request([(self.brake_pads, 1)])
        line = self.env["aftersales.parts.request.line"].sudo(self.adviser).new({
            "request_id": request.id, "product_id": self.x7_mirror.id, "quantity": 1})
        result = line._onchange_product_id()
        self.assertEqual(result["warning"]["title"], "Part does not fit the vehicle")
        self.assertIn("Mirror X7 (h5)", result["warning"]["message"])
        self.assertIn("Aurora S5 (h5)", result["warning"]["message"])
        self.assertFalse(line.fits_vehicle)

    def test_fitting_and_universal_parts_do_not_warn(self):
        request = self.create_request([(self.brake_pads, 1)])
        for part in (self.water_pump, self.oil_filter):
            line = self.env["aftersales.parts.request.line"].new({
                "request_id": request.id, "product_id": part.id, "quantity": 1})
            self.assertEqual(line._onchange_product_id(), {})
            self.assertTrue(line.fits_vehicle)

    def test_changing_the_vehicle_warns_about_its_parts(self):
        request = self.create_request([(self.brake_pads, 1)])
        x7 = self.create_vehicle(self.customer, self.model_x7)
        form = self.env["aftersales.parts.request"].new({
            "partner_id": self.customer.id, "vehicle_id": x7.id,
            "line_ids": [(0, 0, {"product_id": self.brake_pads.id, "quantity": 1})]})
        self.assertIn("Brake pads S5 (h5)", form._onchange_vehicle_id()["warning"]["message"])
        with self.assertRefused(ValidationError):
            request.sudo(self.adviser).write({"vehicle_id": x7.id})
        self.assertEqual(request.vehicle_id, self.vehicle)

    def test_adviser_cannot_save_a_part_that_does_not_fit(self):
        request = self.create_request([(self.brake_pads, 1)])
        with self.assertRefused(ValidationError):
            request.sudo(self.adviser).write(
                {"line_ids": [(0, 0, {"product_id": self.x7_mirror.id, "quantity": 1})]})
        self.assertEqual(request.line_ids.product_id, self.brake_pads)
        with self.assertRefused(AccessError):
            request.sudo(self.adviser).write({"line_ids": [(0, 0, {
                "product_id": self.x7_mirror.id, "quantity": 1, "fitment_override": True})]})
        self.assertEqual(len(request.line_ids), 1)

    def test_manager_accepts_a_part_that_does_not_fit(self):
        request = self.create_request([(self.brake_pads, 1)])
        request.sudo(self.manager).write({"line_ids": [(0, 0, {
            "product_id": self.x7_mirror.id, "quantity": 1, "fitment_override": True})]})
        mirror_line = request.line_ids.filtered(lambda ln: ln.product_id == self.x7_mirror)
        self.assertTrue(mirror_line.fitment_override)
        self.assertFalse(mirror_line.fits_vehicle)
        # The acceptance was for that part: an adviser changing it loses it.
        with self.assertRefused(ValidationError):
            mirror_line.sudo(self.adviser).write({"product_id": self.x7_mirror.copy().id})
        request.action_confirm()
        self.assertEqual(request.state, "confirmed")

    def test_part_search_finds_the_oem_code(self):
        found = self.env["product.product"].sudo(self.adviser).name_search("H5-WP-S5")
        self.assertEqual([pid for pid, _name in found], [self.water_pump.id])
        found = self.env["product.product"].name_search("h5-mr")
        self.assertIn(self.x7_mirror.id, [pid for pid, _name in found])

    def test_part_search_offers_fitting_parts_first(self):
        products = self.env["product.product"].with_context(
            aftersales_vehicle_id=self.vehicle.id)
        found = [pid for pid, _name in products.name_search("(h5)", limit=100)]
        fitting = [self.brake_pads.id, self.water_pump.id, self.oil_filter.id]
        self.assertEqual(set(found[:3]), set(fitting))
        self.assertIn(self.x7_mirror.id, found[3:])
        # With a limit, the fitting parts are the ones offered.
        found = [pid for pid, _name in products.name_search("(h5)", limit=3)]
        self.assertEqual(set(found), set(fitting))
