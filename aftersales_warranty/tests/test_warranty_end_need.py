# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The end of the warranty is a potential need in the customer file (S2): the customer is
called a month before it, to check the vehicle while repairs are still free."""
from .common import WarrantyCommon


class TestWarrantyEndNeed(WarrantyCommon):

    def needs_of(self, vehicle):
        return self.env["aftersales.need"].search(
            [("vehicle_id", "=", vehicle.id), ("kind", "=", "warranty_end")])

    def test_warranty_end_recorded_as_a_need_and_called_a_month_before(self):
        vehicle = self.create_vehicle(handover_date=self.date(months=-36, days=20))
        self.env["aftersales.need"]._cron_refresh_needs()
        need = self.needs_of(vehicle)
        self.assertEqual(len(need), 1)
        self.assertEqual(need.date_expected, vehicle.warranty_end_date)
        self.assertEqual(need.partner_id, self.customer)
        self.env["aftersales.call"]._cron_generate_due_calls()
        rule = self.env.ref("aftersales_warranty.followup_rule_warranty_ending")
        call = self.env["aftersales.call"].search([("need_id", "=", need.id)])
        self.assertEqual(len(call), 1)
        self.assertEqual(call.rule_id, rule)
        self.assertEqual(call.user_id, self.officer)
        self.assertEqual(call.date_due, self.today)

    def test_no_need_once_the_warranty_ended(self):
        vehicle = self.create_vehicle(months_ago=40)
        self.env["aftersales.need"]._cron_refresh_needs()
        self.assertFalse(self.needs_of(vehicle))
