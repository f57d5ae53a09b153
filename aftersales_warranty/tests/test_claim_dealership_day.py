# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A claim's days and a warranty's end are told in the dealership's day, not in the day of
the user who clicks. The company is put 14 hours ahead of UTC and its staff 12 hours
behind: their days differ at every hour, so these tests do not depend on when they run
(the same code failed only between 16:00 and 24:00 UTC with a Shanghai dealership)."""
from odoo import fields

from .common import WarrantyCommon

AHEAD, BEHIND = "Etc/GMT-14", "Etc/GMT+12"  # POSIX signs: GMT-14 is UTC+14


class TestClaimDealershipDay(WarrantyCommon):

    @classmethod
    def setUpClass(cls):
        super(TestClaimDealershipDay, cls).setUpClass()
        cls.company.aftersales_tz = AHEAD
        (cls.env.user | cls.user | cls.manager | cls.officer).write({"tz": BEHIND})

    def users_day(self, user):
        return fields.Date.context_today(self.env["aftersales.warranty.claim"].sudo(user))

    def test_the_two_days_differ(self):
        self.assertNotEqual(self.today, self.users_day(self.user))
        self.assertGreater(self.today, self.users_day(self.user))

    def test_every_step_of_a_claim_is_dated_in_the_dealership_day(self):
        claim = self.claim_in_state("closed")
        self.assertEqual(claim.date_claim, self.today)
        self.assertEqual(claim.date_submitted, self.today)
        self.assertEqual(claim.date_decision, self.today)
        self.assertEqual(claim.date_compensated, self.today)
        self.assertEqual(claim.date_closed, self.today)
        rejected = self.claim_in_state("rejected")
        self.assertEqual(rejected.date_decision, self.today)

    def test_a_failure_on_the_dealership_day_is_not_in_the_future(self):
        # the adviser's own day is still the day before: the failure happened today
        claim = self.create_claim(date_failure=self.today)
        self.assertEqual(claim.date_failure, self.today)

    def test_a_warranty_ending_yesterday_in_the_dealership_has_expired(self):
        # ends on the adviser's day (the dealership's yesterday or the day before)
        vehicle = self.create_vehicle(
            handover_date=self.date(months=-36, base=self.users_day(self.user)))
        self.assertEqual(vehicle.warranty_end_date, self.users_day(self.user))
        self.assertEqual(vehicle.sudo(self.user).warranty_state, "expired")

    def test_a_feedback_batch_runs_to_the_dealership_day(self):
        defaults = self.env["aftersales.warranty.feedback"].sudo(self.manager).default_get(
            ["date_to"])
        self.assertEqual(defaults["date_to"], self.today)
