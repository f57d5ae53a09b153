# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Coverage: the failure against the model's terms from the handover date (36 months,
100,000 km), and a part with its own terms (24 months, 50,000 km) against those; both
sides of each boundary, explained in words."""
from .common import WarrantyCommon


class TestCoverage(WarrantyCommon):

    # ------------------------------------------------------------------ vehicle

    def test_vehicle_warranty_end_and_limit_from_model_terms(self):
        vehicle = self.create_vehicle(months_ago=12)
        self.assertEqual(vehicle.warranty_end_date, self.date(months=24))
        self.assertEqual(vehicle.warranty_km_limit, 100000)
        self.assertEqual(vehicle.warranty_state, "active")

    def test_vehicle_warranty_expired_after_end_date(self):
        vehicle = self.create_vehicle(months_ago=40)
        self.assertEqual(vehicle.warranty_state, "expired")
        self.assertEqual(vehicle.warranty_end_date, self.date(months=-4))

    def test_vehicle_without_handover_or_terms_has_no_warranty(self):
        vehicle = self.create_vehicle(handover_date=False)
        self.assertEqual(vehicle.warranty_state, "none")
        self.assertFalse(vehicle.warranty_end_date)
        no_terms = self.env["product.product"].create({"name": "Imported coupe (h3)"})
        other = self.create_vehicle(product_id=no_terms.id)
        self.assertEqual(other.warranty_state, "none")

    def test_vehicle_warranty_recomputed_when_handover_or_model_change(self):
        vehicle = self.create_vehicle(months_ago=40)
        self.assertEqual(vehicle.warranty_state, "expired")
        vehicle._aftersales_trusted().handover_date = self.date(months=-2)
        self.assertEqual(vehicle.warranty_state, "active")
        self.assertEqual(vehicle.warranty_end_date, self.date(months=34))
        self.vehicle_model.product_tmpl_id.write({"warranty_months": 1, "warranty_km": 0})
        self.assertEqual(vehicle.warranty_state, "expired")
        self.assertEqual(vehicle.warranty_km_limit, 0)

    def test_vehicle_warranty_state_is_searchable(self):
        active = self.create_vehicle(months_ago=1)
        expired = self.create_vehicle(months_ago=40)
        found = self.env["aftersales.vehicle"].search(
            [("warranty_state", "=", "expired"), ("id", "in", (active | expired).ids)])
        self.assertEqual(found, expired)

    def test_daily_action_expires_warranties_that_ended(self):
        ended = self.create_vehicle(months_ago=36, handover_date=self.date(months=-36,
                                                                           days=-1))
        ends_today = self.create_vehicle(months_ago=36)
        self.assertEqual(ends_today.warranty_end_date, self.today)
        self.assertEqual(ends_today.warranty_state, "active")
        # As stored yesterday, before the end date passed.
        self.env.cr.execute("UPDATE aftersales_vehicle SET warranty_state = 'active' "
                            "WHERE id = %s", (ended.id,))
        ended.invalidate_cache()
        self.env["aftersales.vehicle"]._cron_expire_warranties()
        self.assertEqual(ended.warranty_state, "expired")
        self.assertEqual(ends_today.warranty_state, "active")

    def test_daily_action_is_a_scheduled_action(self):
        cron = self.env.ref("aftersales_warranty.ir_cron_expire_warranties")
        self.assertEqual(cron.code.strip(), "model._cron_expire_warranties()")
        self.assertEqual(cron.interval_type, "days")

    # ------------------------------------------------------------------ by date

    def test_failure_on_last_day_is_covered(self):
        vehicle = self.create_vehicle(months_ago=40)
        claim = self.create_claim(vehicle, date_failure=vehicle.warranty_end_date)
        self.assertEqual(claim.coverage, "covered")
        self.assertEqual(claim.coverage_reason,
                         "Covered until %s and 100,000 km" % vehicle.warranty_end_date)

    def test_failure_the_day_after_is_not_covered(self):
        vehicle = self.create_vehicle(months_ago=40)
        claim = self.create_claim(vehicle,
                                  date_failure=self.date(days=1,
                                                         base=vehicle.warranty_end_date))
        self.assertEqual(claim.coverage, "not_covered")
        self.assertEqual(claim.coverage_reason,
                         "Warranty expired on %s" % vehicle.warranty_end_date)

    # ------------------------------------------------------------------ by kilometres

    def test_odometer_at_the_limit_is_covered(self):
        vehicle = self.create_vehicle(odometer=99000)
        claim = self.create_claim(vehicle, odometer=100000)
        self.assertEqual(claim.coverage, "covered")

    def test_odometer_one_km_over_the_limit_is_not_covered(self):
        vehicle = self.create_vehicle(odometer=99000)
        claim = self.create_claim(vehicle, odometer=100001)
        self.assertEqual(claim.coverage, "not_covered")
        self.assertEqual(claim.coverage_reason, "1 km over the 100,000 km limit")

    def test_both_limits_passed_are_both_explained(self):
        vehicle = self.create_vehicle(months_ago=40, odometer=100000)
        claim = self.create_claim(vehicle, odometer=101200)
        self.assertEqual(claim.coverage, "not_covered")
        self.assertEqual(claim.coverage_reason,
                         "Warranty expired on %s; 1,200 km over the 100,000 km limit"
                         % vehicle.warranty_end_date)

    def test_no_mileage_limit(self):
        self.vehicle_model.warranty_km = 0
        vehicle = self.create_vehicle(odometer=250000)
        claim = self.create_claim(vehicle)
        self.assertEqual(claim.coverage, "covered")
        self.assertEqual(claim.coverage_reason,
                         "Covered until %s, no mileage limit" % vehicle.warranty_end_date)

    def test_coverage_recomputed_when_the_odometer_changes(self):
        vehicle = self.create_vehicle(odometer=90000)
        claim = self.create_claim(vehicle, odometer=95000)
        self.assertEqual(claim.coverage, "covered")
        claim.odometer = 100500
        self.assertEqual(claim.coverage, "not_covered")
        self.assertEqual(claim.coverage_reason, "500 km over the 100,000 km limit")
        self.assertEqual(vehicle.odometer, 100500)

    def test_coverage_recomputed_when_the_handover_date_changes(self):
        vehicle = self.create_vehicle(months_ago=12)
        claim = self.create_claim(vehicle, date_failure=self.date(days=-1))
        self.assertEqual(claim.coverage, "covered")
        vehicle._aftersales_trusted().handover_date = self.date(months=-37)
        self.assertEqual(claim.coverage, "not_covered")
        self.assertIn("Warranty expired on", claim.coverage_reason)

    def test_model_without_terms_is_not_covered(self):
        no_terms = self.env["product.product"].create({"name": "Grey import (h3)"})
        claim = self.create_claim(self.create_vehicle(product_id=no_terms.id))
        self.assertEqual(claim.coverage, "not_covered")
        self.assertEqual(claim.coverage_reason, "The model Grey import (h3) has no warranty "
                                                "terms.")

    def test_covered_and_not_covered_filters(self):
        covered = self.create_claim(self.create_vehicle(months_ago=1))
        expired = self.create_claim(self.create_vehicle(months_ago=40))
        claims = self.env["aftersales.warranty.claim"]
        ids = (covered | expired).ids
        self.assertEqual(claims.search([("coverage", "=", "covered"), ("id", "in", ids)]),
                         covered)
        self.assertEqual(claims.search([("coverage", "=", "not_covered"), ("id", "in", ids)]),
                         expired)

    # ------------------------------------------------------------------ per part

    def _battery_claim(self, vehicle, **vals):
        return self.create_claim(vehicle, lines=[
            {"product_id": self.battery.id, "quantity": 1, "price_unit": 900.0},
            {"product_id": self.pump.id, "quantity": 1, "price_unit": 1400.0},
            {"product_id": self.labour.id, "quantity": 1, "price_unit": 300.0},
        ], **vals)

    def test_part_on_its_last_day_is_covered(self):
        vehicle = self.create_vehicle(months_ago=30)
        claim = self._battery_claim(vehicle, date_failure=self.date(months=-6))
        battery, pump, labour = claim.line_ids
        self.assertEqual(battery.coverage, "covered")
        self.assertEqual(battery.coverage_reason,
                         "Part: Covered until %s and 50,000 km" % self.date(months=-6))
        self.assertEqual(pump.coverage, "covered")
        self.assertEqual(labour.coverage, "covered")

    def test_part_the_day_after_is_not_covered_though_the_vehicle_is(self):
        vehicle = self.create_vehicle(months_ago=30)
        claim = self._battery_claim(vehicle, date_failure=self.date(months=-6, days=1))
        battery, pump, labour = claim.line_ids
        self.assertEqual(claim.coverage, "covered")
        self.assertEqual(battery.coverage, "not_covered")
        self.assertEqual(battery.coverage_reason,
                         "Part: Warranty expired on %s" % self.date(months=-6))
        # A part without its own terms and the labour follow the vehicle.
        self.assertEqual(pump.coverage, "covered")
        self.assertEqual(labour.coverage, "covered")
        self.assertEqual(claim.amount_claimed, 2600.0)
        self.assertEqual(claim.amount_covered, 1700.0)

    def test_part_at_its_km_limit_is_covered(self):
        vehicle = self.create_vehicle(odometer=49000)
        claim = self._battery_claim(vehicle, odometer=50000)
        self.assertEqual(claim.line_ids[0].coverage, "covered")

    def test_part_one_km_over_its_limit_is_not_covered(self):
        vehicle = self.create_vehicle(odometer=49000)
        claim = self._battery_claim(vehicle, odometer=50001)
        battery = claim.line_ids[0]
        self.assertEqual(battery.coverage, "not_covered")
        self.assertEqual(battery.coverage_reason, "Part: 1 km over the 50,000 km limit")
        self.assertEqual(claim.coverage, "covered")
        self.assertEqual(claim.amount_covered, 1700.0)

    def test_part_lines_recomputed_when_the_part_terms_change(self):
        vehicle = self.create_vehicle(odometer=49000)
        claim = self._battery_claim(vehicle, odometer=60000)
        battery = claim.line_ids[0]
        self.assertEqual(battery.coverage, "not_covered")
        self.battery.warranty_km = 80000
        self.assertEqual(battery.coverage, "covered")
        self.assertEqual(claim.amount_covered, 2600.0)

    def test_lines_of_an_uncovered_vehicle_follow_it(self):
        vehicle = self.create_vehicle(months_ago=40)
        claim = self._battery_claim(vehicle)
        self.assertEqual(claim.line_ids.mapped("coverage"), ["not_covered"] * 3)
        self.assertEqual(claim.line_ids[1].coverage_reason,
                         "Warranty expired on %s" % vehicle.warranty_end_date)
        self.assertEqual(claim.amount_covered, 0.0)
