# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The KPIs tell the truth (S14, S15): each measured over the calls or cases it is about,
with its exact value on a known set; a call tried early and reached late is late; an
empty average is empty; the manager's dashboard; each dealership sees its own rows."""
import json
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError

from .common import AftersalesCommon, create_staff


def shift(datetime_string, hours):
    return fields.Datetime.to_string(
        fields.Datetime.from_string(datetime_string) + timedelta(hours=hours))


class TestKpiReport(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestKpiReport, cls).setUpClass()
        # The dealership's day is the officers' day in these tests.
        cls.company.partner_id.tz = cls.env.user.tz or "UTC"
        cls.CallReport = cls.env["aftersales.call.report"]
        cls.CaseReport = cls.env["aftersales.case.report"]
        cls.Dashboard = cls.env["aftersales.dashboard"]
        cls.manager2 = create_staff(cls.env, "h2_kpi_manager2", "Mia Other-Manager",
                                    [cls.MANAGER, cls.CONTACTS], company=cls.company2)

    # ------------------------------------------------------------------ helpers

    def followup(self, days_ago, partner=None):
        """The follow-up call of a visit handed over ``days_ago`` days ago at 17:00 (due
        three days later), as the officer sees it."""
        order = self.handed_over(days_ago, partner=partner)
        self.run_due_calls()
        return self.calls_of(order).sudo(self.officer)

    def history(self, call, **vals):
        """What the register recorded at the time (the test's past)."""
        call.sudo()._aftersales_trusted().write(vals)

    def handover(self, call):
        return call.sudo().sale_order_id.handover_date

    def groups(self, calls, groupby="purpose"):
        measures = ["reached", "on_time", "satisfaction", "survey_score",
                    "hours_to_first_attempt", "hours_to_reached", "call_count"]
        groups = self.CallReport.sudo(self.supervisor).read_group(
            [("call_id", "in", calls.ids)], [groupby] + measures, [groupby])
        return {group[groupby]: group for group in groups}

    def known_calls(self):
        """Follow-up calls: A reached on time after a first try, B tried on time but
        reached late, C tried then expired, D due today still to do, E not called (the
        customer refuses calls); F a campaign notice reached."""
        a = self.followup(3)
        a.write({"satisfaction": "4"})
        a.action_no_answer()
        a.action_done()
        self.history(a, date_first_attempt=shift(self.handover(a), 20),
                     date_call=shift(self.handover(a), 26), survey_score=5.0)
        b = self.followup(6)
        b.write({"satisfaction": "2"})
        b.action_no_answer()
        b.action_done()
        self.history(b, date_first_attempt=shift(self.handover(b), 24),
                     date_call=shift(self.handover(b), 120))
        c = self.followup(10)
        c.action_no_answer()
        self.history(c, date_first_attempt=shift(self.handover(c), 48),
                     date_expiry=self.days_from_today(-1))
        self.run_due_calls()
        d = self.followup(3)
        e = self.followup(3, partner=self.create_customer("KPI Refuses", do_not_call=True))
        f = self.env["aftersales.call"].sudo(self.officer).create({
            "partner_id": self.create_customer("KPI Campaign").id, "direction": "out",
            "purpose": "campaign"})
        f.action_done()
        self.assertEqual([call.state for call in (a, b, c, d, e, f)],
                         ["done", "done", "expired", "todo", "cancelled", "done"])
        return a, b, c, d, e, f

    # ------------------------------------------------------------------ calls

    def test_each_call_kpi_on_a_known_set(self):
        a, b, c, d, e, f = self.known_calls()
        rows = {row.call_id: row for row in self.CallReport.search(
            [("call_id", "in", (a | b | c | d | e | f).ids)])}
        self.assertEqual(len(rows), 6)

        def values(call):
            row = rows[call]
            return (row.reached, row.on_time, row.satisfaction,
                    round(row.hours_to_first_attempt, 2), round(row.hours_to_reached, 2))
        self.assertEqual(values(a), (100, 100, 4, 20, 26))
        self.assertEqual(values(b), (100, 0, 2, 24, 120))
        self.assertEqual(values(c), (0, 0, 0, 48, 0))
        self.assertEqual(values(d), (0, 0, 0, 0, 0))
        # What the records read as 0 is empty in the view: the averages below prove it.
        groups = self.groups(a | b | c | d | e | f)
        followup = groups["followup"]
        self.assertEqual(followup["call_count"], 5)
        self.assertAlmostEqual(followup["reached"], 200 / 3.0, places=2)
        self.assertAlmostEqual(followup["on_time"], 100 / 3.0, places=2)
        self.assertAlmostEqual(followup["satisfaction"], 3.0, places=2)
        self.assertAlmostEqual(followup["survey_score"], 5.0, places=2)
        self.assertAlmostEqual(followup["hours_to_first_attempt"], 92 / 3.0, places=2)
        self.assertAlmostEqual(followup["hours_to_reached"], 73.0, places=2)
        # Campaign calls are reported apart: reached, but no on-time share, no score.
        campaign = groups["campaign"]
        self.assertEqual(campaign["call_count"], 1)
        self.assertAlmostEqual(campaign["reached"], 100.0)
        for measure in ("on_time", "satisfaction", "survey_score", "hours_to_first_attempt",
                        "hours_to_reached"):
            self.assertIs(campaign[measure], False, measure)

    def test_open_and_cancelled_calls_count_in_no_share(self):
        d = self.followup(3)
        e = self.followup(3, partner=self.create_customer("KPI Never", do_not_call=True))
        group = self.groups(d | e)["followup"]
        self.assertEqual(group["call_count"], 2)
        for measure in ("reached", "on_time", "satisfaction", "hours_to_first_attempt"):
            self.assertIs(group[measure], False, measure)

    def test_a_call_tried_early_and_reached_late_counts_late(self):
        call = self.followup(6)
        call.action_no_answer()
        # The first try was on the due day, three days ago; reached only today.
        tried = shift(self.handover(call), 72)
        self.history(call, date_first_attempt=tried)
        call.action_done()
        self.assertEqual(call.date_first_attempt, tried)
        self.assertGreater(call.date_call, tried)
        self.assertEqual(call.partner_id.aftersales_last_contact_date, call.date_call)
        row = self.CallReport.search([("call_id", "=", call.id)])
        self.assertEqual((row.on_time, row.reached), (0, 100))
        self.assertAlmostEqual(row.hours_to_first_attempt, 72.0, places=2)

    def test_shares_are_labelled_as_percentages(self):
        described = self.CallReport.fields_get(["reached", "on_time"])
        self.assertEqual(described["reached"]["string"], "Reached (%)")
        self.assertEqual(described["on_time"]["string"], "On time (%)")
        self.assertEqual(self.env.ref("aftersales_followup.menu_aftersales_call_analysis")
                         .action.res_model, "aftersales.call.report")

    # ------------------------------------------------------------------ cases

    def known_cases(self):
        call = self.env["aftersales.call"].sudo(self.officer).create({
            "partner_id": self.customer.id, "direction": "in", "purpose": "complaint"})
        Case = self.env["aftersales.case"].sudo(self.officer)

        def case(name, solution=None):
            return Case.create({"call_id": call.id, "kind": "complaint", "name": name,
                                "solution": solution})
        on_call = case("KPI answered", "Explained on the phone.")
        on_call.action_answer()
        same_day = case("KPI same day", "Part fitted.")
        same_day.action_solve()
        same_day.action_inform()
        self.history(same_day, datetime_informed=shift(same_day.create_date, 5))
        late = case("KPI late", "Software update.")
        late.action_solve()
        self.history(late, date_solved=self.days_from_today(-1))
        late.action_inform()
        self.history(late, datetime_informed=shift(late.create_date, 30))
        still_open = case("KPI open")
        return on_call | same_day | late | still_open

    def test_cases_same_day_rate_and_answered_on_the_call_apart(self):
        cases = self.known_cases()
        rows = self.CaseReport.search([("case_id", "in", cases.ids)], order="id")
        self.assertEqual(rows.mapped("answered_on_call"), [100, 0, 0, 0])
        self.assertEqual(rows.mapped("informed_same_day"), [0, 100, 0, 0])
        [group] = self.CaseReport.sudo(self.supervisor).read_group(
            [("case_id", "in", cases.ids)],
            ["user_id", "case_count", "answered_on_call", "informed_same_day",
             "hours_to_informed"], ["user_id"])
        self.assertEqual(group["case_count"], 4)
        self.assertAlmostEqual(group["answered_on_call"], 25.0)
        # Over the two cases studied and then told: one the same day, one late.
        self.assertAlmostEqual(group["informed_same_day"], 50.0)
        self.assertAlmostEqual(group["hours_to_informed"], 17.5, places=2)
        [open_only] = self.CaseReport.read_group(
            [("case_id", "=", cases[3].id)], ["user_id", "informed_same_day"], ["user_id"])
        self.assertIs(open_only["informed_same_day"], False)

    # ------------------------------------------------------------------ dashboard

    def test_dashboard_row_of_an_officer(self):
        dana = create_staff(self.env, "h2_kpi_dana", "Dana Dashboard",
                            [self.USER, self.SALESMAN, self.CONTACTS],
                            tz=self.env.user.tz or "UTC")
        Call = self.env["aftersales.call"].sudo(self.supervisor)

        def call(due, expiry, **vals):
            values = {"partner_id": self.create_customer("Dash %s %s" % (due, expiry)).id,
                      "direction": "out", "purpose": "followup", "user_id": dana.id,
                      "date_due": self.days_from_today(due),
                      "date_expiry": self.days_from_today(expiry)}
            values.update(vals)
            return Call.create(values)
        call(0, 5)                              # due today
        call(-2, 1)                             # overdue, window closes tomorrow
        call(-3, 5).sudo(dana).action_no_answer()  # overdue, tried
        unhappy = call(-1, 5, satisfaction="2")
        unhappy.sudo(dana).action_done()        # the supervisor's to-do is open
        resolved = call(-1, 5, satisfaction="1")
        resolved.sudo(dana).action_done()
        self.activities_of(resolved).action_feedback("Called back, offered a free check.")
        Case = self.env["aftersales.case"].sudo(dana)
        same_day = Case.create({"call_id": unhappy.id, "name": "Dash same day",
                                "solution": "Done.", "kind": "request"})
        same_day.action_solve()
        same_day.action_inform()
        late = Case.create({"call_id": unhappy.id, "name": "Dash late", "solution": "Done.",
                            "kind": "complaint"})
        late.action_solve()
        self.history(late, date_solved=self.days_from_today(-1))
        late.action_inform()
        Case.create({"call_id": resolved.id, "name": "Dash open", "kind": "complaint"})
        Case.create({"call_id": resolved.id, "name": "Dash answered", "solution": "Yes.",
                     "kind": "complaint"}).action_answer()
        rows = self.Dashboard.sudo(self.supervisor).search([("user_id", "=", dana.id)])
        self.assertEqual(len(rows), 1)
        self.assertEqual(
            (rows.company_id, rows.due_today, rows.overdue, rows.expiring,
             rows.cases_informed, rows.same_day_rate, rows.open_complaints),
            (self.company, 1, 2, 1, 2, 50, 1))
        # The unhappy customer with a to-do open, and the other one with a case open.
        self.assertEqual(rows.unhappy_open, 2)
        action = self.env.ref("aftersales_followup.action_aftersales_dashboard")
        self.assertEqual(action.res_model, "aftersales.dashboard")
        # Another dealership's manager does not see the row.
        self.assertFalse(self.Dashboard.sudo(self.manager2).search(
            [("user_id", "=", dana.id)]))

    def test_report_columns_read_in_the_user_s_language(self):
        """The pivot's groups (purpose, state, kind...) read as the business fields do."""
        if not self.env["res.lang"].search([("code", "=", "zh_CN")]):
            self.skipTest("Simplified Chinese is not loaded")
        for report, source, names in (
                (self.CallReport, "aftersales.call", ("direction", "purpose", "state")),
                (self.CaseReport, "aftersales.case", ("kind", "state", "channel"))):
            for lang in ("zh_CN", "en_US"):
                ours = report.with_context(lang=lang).fields_get(names, ["selection"])
                theirs = self.env[source].with_context(lang=lang).fields_get(
                    names, ["selection"])
                self.assertEqual(ours, theirs, (report._name, lang))
        labels = dict(self.CallReport.with_context(lang="zh_CN").fields_get(
            ["purpose"], ["selection"])["purpose"]["selection"])
        self.assertNotEqual(labels["followup"], "Follow-up")

    def test_dashboard_shows_no_rate_without_cases(self):
        """An officer with no case informed this month has no same-day rate: the SQL gives
        NULL (the ORM reads it as 0.0), and the views show it empty, not 0.00."""
        eve = create_staff(self.env, "h16_kpi_eve", "Eve Dashboard",
                           [self.USER, self.CONTACTS], tz=self.env.user.tz or "UTC")
        self.env["aftersales.call"].create({
            "partner_id": self.create_customer("Dash no case").id, "user_id": eve.id,
            "purpose": "followup", "date_due": self.days_from_today(0)})
        self.env.cr.execute("SELECT cases_informed, same_day_rate FROM aftersales_dashboard"
                            " WHERE user_id = %s", (eve.id,))
        self.assertEqual(self.env.cr.fetchall(), [(0, None)])
        Dashboard = self.Dashboard.sudo(self.supervisor)
        tree = etree.fromstring(Dashboard.fields_view_get(view_type="tree")["arch"])
        rate = tree.xpath("//field[@name='same_day_rate']")[0]
        self.assertEqual(json.loads(rate.get("modifiers"))["invisible"],
                         [["cases_informed", "=", 0]])
        kanban = etree.fromstring(Dashboard.fields_view_get(view_type="kanban")["arch"])
        self.assertEqual(kanban.xpath("//li[field[@name='same_day_rate']]")[0].get("t-if"),
                         "record.cases_informed.raw_value")

    # ------------------------------------------------------------------ access

    def test_reports_show_each_dealership_its_own_rows(self):
        calls = self.followup(3) | self.followup(6)
        cases = self.known_cases()
        self.assertEqual(len(self.CallReport.sudo(self.officer).search(
            [("call_id", "in", calls.ids)])), 2)
        self.assertFalse(self.CallReport.sudo(self.officer2).search(
            [("call_id", "in", calls.ids)]))
        self.assertFalse(self.CallReport.sudo(self.officer2).read_group(
            [("call_id", "in", calls.ids)], ["purpose", "reached"], ["purpose"]))
        self.assertFalse(self.CaseReport.sudo(self.officer2).search(
            [("case_id", "in", cases.ids)]))
        self.assertEqual(len(self.CaseReport.sudo(self.officer).search(
            [("case_id", "in", cases.ids)])), 4)

    def test_dashboard_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.Dashboard.sudo(self.officer).search([])
        self.assertTrue(self.Dashboard.sudo(self.supervisor).check_access_rights("read"))
