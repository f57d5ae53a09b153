# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Customer vehicles (VIN, odometer) and the follow-up rules: bad input is refused with a
clear message and nothing is saved."""

from odoo.exceptions import ValidationError

from .common import AftersalesCommon


class TestVehicle(AftersalesCommon):

    def vehicles_with_vin(self, vin, company=None):
        domain = [("vin", "=", vin)]
        if company:
            domain.append(("company_id", "=", company.id))
        return self.env["aftersales.vehicle"].with_context(active_test=False).search(domain)

    def test_vin_stored_upper_case(self):
        vehicle = self.create_vehicle(vin="  lsvab2at5h2000123 ")
        self.assertEqual(vehicle.vin, "LSVAB2AT5H2000123")
        vehicle.write({"vin": "lsvab2at5h2000124"})
        self.assertEqual(vehicle.vin, "LSVAB2AT5H2000124")

    def test_vehicle_name_shows_plate_and_model(self):
        self.assertEqual(self.vehicle.name, "沪A·H2001 - Aurora S 1.5T (h2)")
        self.assertIn(self.vehicle, self.customer.vehicle_ids)
        self.assertEqual(self.customer.aftersales_vehicle_count, 1)

    def test_vin_of_wrong_length_is_refused(self):
        for vin in ("LSVAB2AT5H200012", "LSVAB2AT5H20001234", ""):
            with self.assertRefused(ValidationError) as refusal:
                self.create_vehicle(vin=vin)
            self.assertIn("17", refusal.exception.name)
        self.assertFalse(self.vehicles_with_vin("LSVAB2AT5H200012"))
        self.assertFalse(self.vehicles_with_vin("LSVAB2AT5H20001234"))

    def test_vin_with_letters_i_o_q_is_refused(self):
        for vin in ("LSVAB2AT5H200012I", "LSVAB2AT5H200012O", "LSVAB2AT5H200012Q",
                    "LSVAB2AT5H20001-2"):
            with self.assertRefused(ValidationError) as refusal:
                self.create_vehicle(vin=vin)
            self.assertIn("I, O and Q", refusal.exception.name)
            self.assertFalse(self.vehicles_with_vin(vin))

    def test_values_of_the_wrong_type_are_refused(self):
        vin = "LSVAB2AT5H2000888"
        with self.assertRefused(ValidationError) as refusal:
            self.create_vehicle(vin=[vin])
        self.assertIn("must be text", refusal.exception.name)
        with self.assertRefused(ValidationError) as refusal:
            self.create_vehicle(vin=vin, odometer=12.7)
        self.assertIn("whole kilometres", refusal.exception.name)
        self.assertFalse(self.vehicles_with_vin(vin))
        with self.assertRefused(ValidationError):
            self.vehicle.write({"odometer": self.vehicle.odometer + 0.5})
        # a whole number sent as a float (as JSON clients do) is taken
        self.vehicle.write({"odometer": float(self.vehicle.odometer + 100)})

    def test_invalid_vin_refused_on_write(self):
        old_vin = self.vehicle.vin
        with self.assertRefused(ValidationError):
            self.vehicle.write({"vin": "LSVAB2AT5H20OOOOO"})
        self.assertEqual(self.vehicle.vin, old_vin)

    def test_duplicate_vin_in_company_is_refused(self):
        vin = "LSVAB2AT5H2000777"
        first = self.create_vehicle(vin=vin)
        with self.assertRefused(ValidationError) as refusal:
            self.create_vehicle(vin=vin.lower())
        self.assertIn("already registered", refusal.exception.name)
        self.assertEqual(self.vehicles_with_vin(vin), first)
        # Changing another vehicle's VIN to it is refused too.
        with self.assertRefused(ValidationError):
            self.vehicle.write({"vin": vin})
        self.assertEqual(self.vehicles_with_vin(vin), first)

    def test_duplicate_vin_refused_even_when_archived(self):
        vin = "LSVAB2AT5H2000778"
        self.create_vehicle(vin=vin).active = False
        with self.assertRefused(ValidationError):
            self.create_vehicle(vin=vin)
        self.assertEqual(len(self.vehicles_with_vin(vin)), 1)

    def test_same_vin_allowed_in_another_company(self):
        vin = "LSVAB2AT5H2000779"
        first = self.create_vehicle(vin=vin)
        other = self.env["aftersales.vehicle"].sudo(self.officer2).create({
            "vin": vin, "product_id": self.vehicle_model.id})
        self.assertEqual(other.company_id, self.company2)
        self.assertEqual(self.vehicles_with_vin(vin, self.company), first)
        self.assertEqual(self.vehicles_with_vin(vin, self.company2), other.sudo())

    def test_odometer_only_goes_up(self):
        self.vehicle.odometer = 12000
        self.vehicle.odometer = 15000
        self.assertEqual(self.vehicle.odometer, 15000)
        with self.assertRefused(ValidationError) as refusal:
            self.vehicle.write({"odometer": 14999})
        self.assertIn("15000", refusal.exception.name)
        self.assertEqual(self.vehicle.odometer, 15000)

    def test_negative_odometer_is_refused(self):
        # Refused with a reason before the database's own CHECK would answer.
        with self.assertRefused(ValidationError):
            self.create_vehicle(vin="LSVAB2AT5H2000780", odometer=-1)
        self.assertFalse(self.vehicles_with_vin("LSVAB2AT5H2000780"))
        with self.assertRefused(ValidationError):
            self.vehicle.write({"odometer": -1})
        self.assertEqual(self.vehicle.odometer, 0)


class TestFollowupRule(AftersalesCommon):

    def test_data_rules_for_service_and_vehicle_handover(self):
        service = self.env.ref("aftersales_followup.followup_rule_service_handover")
        sale = self.env.ref("aftersales_followup.followup_rule_vehicle_handover")
        self.assertEqual(service.trigger, "service_handover")
        self.assertEqual(sale.trigger, "vehicle_handover")
        for rule in service | sale:
            self.assertEqual((rule.delay_days, rule.window_days), (3, 15))
            self.assertTrue(rule.active)

    def test_new_rule_defaults_to_three_and_fifteen_days(self):
        rule = self.env["aftersales.followup.rule"].create(
            {"name": "h2 rule", "trigger": "service_handover"})
        self.assertEqual((rule.delay_days, rule.window_days), (3, 15))

    def test_window_must_exceed_delay(self):
        Rule = self.env["aftersales.followup.rule"]
        for delay, window in ((3, 3), (5, 4)):
            with self.assertRefused(ValidationError) as refusal:
                Rule.create({"name": "h2 bad rule", "trigger": "service_handover",
                             "delay_days": delay, "window_days": window})
            self.assertIn("must be longer", refusal.exception.name)
        self.assertFalse(Rule.with_context(active_test=False).search(
            [("name", "=", "h2 bad rule")]))
        rule = self.env.ref("aftersales_followup.followup_rule_service_handover")
        with self.assertRefused(ValidationError):
            rule.write({"window_days": 2})
        self.assertEqual(rule.window_days, 15)

    def test_negative_delay_is_refused(self):
        with self.assertRefused(ValidationError):
            self.env["aftersales.followup.rule"].create(
                {"name": "h2 negative", "trigger": "service_handover", "delay_days": -1})
        self.assertFalse(self.env["aftersales.followup.rule"].search(
            [("name", "=", "h2 negative")]))
