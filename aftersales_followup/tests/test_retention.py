# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Retention (S2, S3): next-service estimate, needs that come back as reminders, and
customer classes that maintain themselves."""
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests.common import SavepointCase

from .common import create_staff


class RetentionCase(SavepointCase):

    def day(self, offset):
        """The dealership's today (the day of the scheduled actions) plus ``offset``."""
        return fields.Date.to_string(fields.Date.from_string(
            self.env.ref("base.main_company")._aftersales_today()) + timedelta(days=offset))

    @classmethod
    def setUpClass(cls):
        super(RetentionCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True,
                                       mail_create_nosubscribe=True))
        cls.officer = create_staff(cls.env, "retention_officer", "Retention Officer",
                                   ["aftersales_followup.group_aftersales_user"])
        cls.env.user.company_id.aftersales_default_user_id = cls.officer
        cls.model = cls.env["product.product"].create({
            "name": "Retention Sedan", "service_interval_months": 6,
            "service_interval_km": 10000})
        cls.service = cls.env["product.product"].create(
            {"name": "Maintenance", "type": "service"})
        cls.vin_seq = iter(range(1000, 9999))

    def _vehicle(self, partner=None, handover=-170, odometer=10, **vals):
        partner = partner or self.env["res.partner"].create({
            "name": "Owner %d" % next(self.vin_seq), "email": "owner@example.com",
            "aftersales_customer": True})
        values = {
            "vin": "LRET0000000%06d" % next(self.vin_seq), "partner_id": partner.id,
            "product_id": self.model.id, "handover_date": self.day(handover),
            "odometer": odometer, "odometer_date": self.day(handover)}
        values.update(vals)
        return self.env["aftersales.vehicle"].create(values)

    def _service_visit(self, vehicle, odometer_in=0):
        order = self.env["sale.order"].create({
            "partner_id": vehicle.partner_id.id, "aftersales_kind": "service",
            "vehicle_id": vehicle.id, "odometer_in": odometer_in,
            "order_line": [(0, 0, {"product_id": self.service.id, "product_uom_qty": 1,
                                   "price_unit": 500})]})
        order.action_confirm()
        return order


class TestNextService(RetentionCase):

    def test_by_months_when_no_mileage_known(self):
        vehicle = self._vehicle(handover=-100)
        expected = fields.Date.from_string(self.day(-100)) + relativedelta(months=6)
        self.assertEqual(vehicle.next_service_date, fields.Date.to_string(expected))

    def test_by_km_when_the_interval_in_km_comes_first(self):
        vehicle = self._vehicle(handover=-90, odometer=10)
        vehicle.write({"odometer": 9010, "odometer_date": self.day(0)})  # 100 km a day
        self.assertAlmostEqual(vehicle.km_per_day, 100.0)
        # 1,000 km left at 100 km a day: 10 days after the last reading, long before the
        # six months are over
        self.assertEqual(vehicle.next_service_date, self.day(10))

    def test_by_months_when_they_come_first(self):
        vehicle = self._vehicle(handover=-30, odometer=10)
        vehicle.write({"odometer": 310, "odometer_date": self.day(0)})  # 10 km a day
        expected = fields.Date.from_string(self.day(-30)) + relativedelta(months=6)
        self.assertEqual(vehicle.next_service_date, fields.Date.to_string(expected))

    def test_service_visit_restarts_the_interval(self):
        vehicle = self._vehicle(handover=-300, odometer=10)
        self._service_visit(vehicle, odometer_in=3000)
        self.assertEqual(vehicle.last_service_date, self.day(0))
        self.assertEqual(vehicle.reading_ids[0].source, "service")
        self.assertGreater(vehicle.next_service_date, self.day(150))


class TestNeeds(RetentionCase):

    def test_needs_created_and_refreshed_without_duplicates(self):
        vehicle = self._vehicle(handover=-90)
        Need = self.env["aftersales.need"]
        Need._cron_refresh_needs()
        Need._cron_refresh_needs()
        needs = Need.search([("vehicle_id", "=", vehicle.id)])
        self.assertEqual(sorted(needs.mapped("kind")), ["insurance", "service", "trade_in"])
        service = needs.filtered(lambda n: n.kind == "service")
        self.assertEqual(service.date_expected, vehicle.next_service_date)
        vehicle.write({"odometer": 9010, "odometer_date": self.day(0)})
        Need._cron_refresh_needs()
        self.assertEqual(service.date_expected, self.day(10), "refreshed in place")
        self.assertEqual(len(Need.search([("vehicle_id", "=", vehicle.id),
                                          ("kind", "=", "service")])), 1)

    def test_reminder_call_on_the_right_day(self):
        vehicle = self._vehicle(handover=-70)
        vehicle.write({"odometer": 7010, "odometer_date": self.day(0)})  # service in 30 days
        Need, Call = self.env["aftersales.need"], self.env["aftersales.call"]
        Need._cron_refresh_needs()
        Call._cron_generate_due_calls()
        need = Need.search([("vehicle_id", "=", vehicle.id), ("kind", "=", "service")])
        self.assertFalse(need.call_ids, "30 days ahead, lead 14: not yet")
        vehicle.write({"odometer": 8610, "odometer_date": self.day(0)})  # now 11 days left
        Need._cron_refresh_needs()
        self.assertLessEqual(need.date_expected, self.day(14))
        Call._cron_generate_due_calls()
        Call._cron_generate_due_calls()
        self.assertEqual(len(need.call_ids), 1)
        self.assertEqual(need.call_ids.user_id, self.officer)
        self.assertEqual(need.call_ids.state, "todo")
        self.assertEqual(need.call_ids.date_due, self.day(0))

    def test_reminder_call_honours_do_not_call(self):
        partner = self.env["res.partner"].create({
            "name": "Silent Owner", "do_not_call": True, "aftersales_customer": True})
        vehicle = self._vehicle(partner=partner, handover=-178)
        self.env["aftersales.need"]._cron_refresh_needs()
        self.env["aftersales.call"]._cron_generate_due_calls()
        call = self.env["aftersales.call"].search([("vehicle_id", "=", vehicle.id),
                                                  ("need_id", "!=", False)])
        self.assertEqual(call.state, "cancelled")
        self.assertFalse(call.activity_ids)

    def test_email_reminder_respects_opt_out(self):
        rule = self.env.ref("aftersales_followup.followup_rule_insurance_due")
        happy = self._vehicle(handover=-350)  # insurance renewal in ~15 days
        opted = self._vehicle(handover=-350)
        opted.partner_id.opt_out = True
        # the emails' chunk jobs run here (test_reminder_jobs.py runs them as workers do)
        Need = self.env["aftersales.need"].with_context(test_queue_job_no_delay=True)
        Need._cron_refresh_needs()
        Need._cron_refresh_needs()
        Letter = self.env["aftersales.letter"]
        letters = Letter.search([("need_id.vehicle_id", "in", (happy | opted).ids)])
        self.assertEqual(letters.mapped("partner_id"), happy.partner_id)
        self.assertEqual(len(letters), 1)
        self.assertEqual(letters.mail_template_id, rule.mail_template_id)
        self.assertIn("insurance", letters.mail_id.body_html)

    def test_rule_limited_to_a_class(self):
        vip = self.env.ref("aftersales_followup.customer_class_vip")
        self.env.ref("aftersales_followup.followup_rule_service_due").class_ids = vip
        vehicle = self._vehicle(handover=-178)
        self.env["aftersales.need"]._cron_refresh_needs()
        self.env["aftersales.call"]._cron_generate_due_calls()
        calls = self.env["aftersales.call"].search([("vehicle_id", "=", vehicle.id)])
        self.assertFalse(calls, "not a VIP: the VIP-only rule leaves them alone")
        vehicle.partner_id.aftersales_class_id = vip
        self.env["aftersales.call"]._cron_generate_due_calls()
        self.assertEqual(len(self.env["aftersales.call"].search(
            [("vehicle_id", "=", vehicle.id)])), 1)

    def test_need_converted_when_a_visit_is_booked(self):
        vehicle = self._vehicle(handover=-170)
        self.env["aftersales.need"]._cron_refresh_needs()
        need = vehicle.partner_id.aftersales_need_ids.filtered(lambda n: n.kind == "service")
        order = self._service_visit(vehicle, odometer_in=5000)
        self.assertEqual(need.state, "done")
        self.assertEqual(need.order_id, order)
        self.assertEqual(need.converted, 1)

    def test_declined_need(self):
        vehicle = self._vehicle(handover=-170)
        self.env["aftersales.need"]._cron_refresh_needs()
        need = vehicle.partner_id.aftersales_need_ids.filtered(lambda n: n.kind == "trade_in")
        need.action_decline()
        self.assertEqual(need.state, "declined")
        self.assertEqual(need.converted, 0)


class TestClassification(RetentionCase):

    def _customer(self, visits_months_ago=(), revenue=0, vehicles=1, **vals):
        partner = self.env["res.partner"].create(dict(
            name="Class %d" % next(self.vin_seq), aftersales_customer=True, **vals))
        for _i in range(vehicles):
            self._vehicle(partner=partner)
        for months in visits_months_ago:
            order = self._service_visit(partner.vehicle_ids[0])
            order.order_line.price_unit = revenue / max(len(visits_months_ago), 1)
            past = fields.Datetime.from_string(fields.Datetime.now()) \
                - relativedelta(months=months)
            order._aftersales_trusted().write({
                "checkin_date": fields.Datetime.to_string(past),
                "date_order": fields.Datetime.to_string(past)})
        partner.invalidate_cache()
        return partner

    def test_classes_by_rule_and_boundaries(self):
        Class = self.env["aftersales.customer.class"]
        regular = self._customer(visits_months_ago=[2])
        vip = self._customer(visits_months_ago=[1, 3], revenue=20000)
        below_vip = self._customer(visits_months_ago=[1], revenue=19999)
        at_risk = self._customer(visits_months_ago=[13])
        still_regular = self._customer(visits_months_ago=[11])
        lost = self._customer(visits_months_ago=[25])
        fleet = self._customer(vehicles=3, visits_months_ago=[1])
        Class._classify_customers()
        ref = self.env.ref
        self.assertEqual(regular.aftersales_class_id,
                         ref("aftersales_followup.customer_class_regular"))
        self.assertEqual(vip.aftersales_class_id, ref("aftersales_followup.customer_class_vip"))
        self.assertEqual(below_vip.aftersales_class_id,
                         ref("aftersales_followup.customer_class_regular"))
        self.assertEqual(at_risk.aftersales_class_id,
                         ref("aftersales_followup.customer_class_at_risk"))
        self.assertEqual(still_regular.aftersales_class_id,
                         ref("aftersales_followup.customer_class_regular"))
        self.assertEqual(lost.aftersales_class_id, ref("aftersales_followup.customer_class_lost"))
        self.assertEqual(fleet.aftersales_class_id, ref("aftersales_followup.customer_class_fleet"))
        self.assertEqual(vip.aftersales_returning, 1)
        self.assertEqual(regular.aftersales_returning, 0)

    def test_pinned_class_untouched(self):
        vip = self.env.ref("aftersales_followup.customer_class_vip")
        partner = self._customer(visits_months_ago=[2])
        partner.write({"aftersales_class_id": vip.id, "aftersales_class_pinned": True})
        self.env["aftersales.customer.class"]._classify_customers()
        self.assertEqual(partner.aftersales_class_id, vip)

    def test_snapshot_counts_customers_per_class(self):
        self._customer(visits_months_ago=[2])
        self.env["aftersales.customer.class"]._classify_customers()
        snapshots = self.env["aftersales.class.snapshot"].search(
            [("date", "=", self.day(0))])
        regular = self.env.ref("aftersales_followup.customer_class_regular")
        total = self.env["res.partner"].search_count([
            ("aftersales_customer", "=", True), ("aftersales_class_id", "=", regular.id)])
        regular_rows = snapshots.filtered(lambda s: s.class_id == regular)
        self.assertEqual(sum(regular_rows.mapped("customer_count")), total)
        rows_before = len(regular_rows)
        self.env["aftersales.customer.class"]._classify_customers()
        self.assertEqual(len(self.env["aftersales.class.snapshot"].search(
            [("date", "=", self.day(0)), ("class_id", "=", regular.id)])),
            rows_before, "today's snapshot is replaced, not added to")
