# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The first-time fill rate: the share of requested lines served from stock at the
moment of the request; and the back-order age."""
import json
from datetime import timedelta

from lxml import etree

from odoo import fields

from .common import PartsCommon


class TestFillRate(PartsCommon):

    def analysis(self, requests, fields_list=None, groupby=None):
        return self.env["aftersales.parts.report"].read_group(
            [("request_id", "in", requests.ids)],
            fields_list or ["fill_rate", "line_count", "served_count", "backorder_count"],
            groupby or [])

    def test_fill_rate_of_a_known_set_of_requests(self):
        """8 lines, 3 served in full from stock at request time: 37.5 %. A line half
        served counts as not served, and stock arriving later does not change it."""
        self.put_in_stock(self.brake_pads, 3)
        self.put_in_stock(self.oil_filter, 2)
        requests = self.create_request([(self.brake_pads, 2), (self.water_pump, 1)])
        requests |= self.create_request([(self.oil_filter, 2), (self.x7_mirror, 1)],
                                        vehicle=self.create_vehicle(
                                            self.customer, self.model_x7))
        requests |= self.create_request([(self.brake_pads, 1), (self.brake_pads, 1)])
        requests |= self.create_request([(self.oil_filter, 1), (self.water_pump, 2)])
        for request in requests:
            request.action_confirm()
        self.assertEqual(
            [line.served_from_stock for line in requests.mapped("line_ids")],
            [True, False, True, False, True, False, False, False])
        result = self.analysis(requests)[0]
        self.assertEqual(result["line_count"], 8)
        self.assertEqual(result["served_count"], 3)
        self.assertEqual(result["backorder_count"], 5)
        self.assertAlmostEqual(result["fill_rate"], 37.5)
        # The parts arriving later do not make them "served from stock".
        self.receive(self.water_pump, 3)
        self.receive(self.brake_pads, 1)
        self.assertAlmostEqual(self.analysis(requests)[0]["fill_rate"], 37.5)
        # Per part: the oil filters were served twice out of three lines.
        by_part = {g["product_id"][0]: g["fill_rate"] for g in self.analysis(
            requests, ["fill_rate", "product_id"], ["product_id"])}
        self.assertAlmostEqual(by_part[self.oil_filter.id], 100.0 * 1 / 2)
        self.assertAlmostEqual(by_part[self.brake_pads.id], 100.0 * 2 / 3)
        self.assertAlmostEqual(by_part[self.water_pump.id], 0.0)

    def test_draft_requests_do_not_count(self):
        self.put_in_stock(self.oil_filter, 1)
        draft = self.create_request([(self.oil_filter, 1)])
        self.assertFalse(self.analysis(draft)[0]["line_count"])

    def test_back_order_age_counts_until_arrival(self):
        request = self.create_request([(self.water_pump, 1)])
        request.action_confirm()
        requested = fields.Datetime.from_string(request.date_requested)
        request._aftersales_trusted().write({"date_requested": fields.Datetime.to_string(
            requested - timedelta(days=6))})
        age = self.analysis(request, ["backorder_age"])[0]["backorder_age"]
        self.assertAlmostEqual(age, 6.0, places=1)
        self.receive(self.water_pump, 1)
        request.line_ids._aftersales_trusted().write({"date_available": fields.Datetime.to_string(
            requested - timedelta(days=2))})
        age = self.analysis(request, ["backorder_age"])[0]["backorder_age"]
        self.assertAlmostEqual(age, 4.0, places=3)

    def test_the_manager_s_dashboard_shows_the_month_s_fill_rate(self):
        """Each officer's row of the dashboard carries the dealership's fill rate this
        month (the parts analysis's); none (empty) where no part was requested."""
        Dashboard = self.env["aftersales.dashboard"].sudo(self.manager)
        self.env["aftersales.call"].create({
            "partner_id": self.customer.id, "user_id": self.officer.id,
            "purpose": "other", "date_due": self.env.user.company_id._aftersales_today()})

        def row():
            Dashboard.invalidate_cache()
            return Dashboard.search([("user_id", "=", self.officer.id),
                                     ("company_id", "=", self.company.id)])
        before = (row().parts_line_count, row().parts_fill_rate)
        self.put_in_stock(self.oil_filter, 1)
        request = self.create_request([(self.oil_filter, 1), (self.water_pump, 1)])
        request.action_confirm()
        self.assertEqual(row().parts_line_count, before[0] + 2)
        self.assertAlmostEqual(row().parts_fill_rate,
                               (before[0] * before[1] + 100.0) / (before[0] + 2),
                               places=1)  # the rate is shown with two decimals
        # Last month's request does not count this month.
        last_month = fields.Datetime.to_string(fields.Datetime.from_string(
            request.date_requested) - timedelta(days=40))
        self.env.cr.execute("UPDATE aftersales_parts_request SET date_requested = %s"
                            " WHERE id = %s", (last_month, request.id))
        self.assertEqual(row().parts_line_count, before[0])
        # The view shows no rate where the month has no line.
        tree = etree.fromstring(Dashboard.fields_view_get(view_type="tree")["arch"])
        rate = tree.xpath("//field[@name='parts_fill_rate']")[0]
        self.assertEqual(json.loads(rate.get("modifiers"))["invisible"],
                         [["parts_line_count", "=", 0]])
