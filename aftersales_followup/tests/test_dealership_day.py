# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The dealership's day (issue 16): a call is due, expires and is late in the days of its
dealership's time zone, whoever runs the scheduled action (here a cron user without a time
zone), and each dealership of a run in its own; the staff land where their day starts; the
demo database is a Chinese dealership."""
from datetime import datetime, time, timedelta

import pytz

from odoo import fields

from .common import AftersalesCommon, create_staff

SHANGHAI = pytz.timezone("Asia/Shanghai")
NEW_YORK = pytz.timezone("America/New_York")


def utc(tz, day, hour, minute=0):
    """Naive UTC datetime string of ``hour:minute`` on ``day`` in ``tz``."""
    local = tz.localize(datetime.combine(day, time(hour, minute)))
    return fields.Datetime.to_string(local.astimezone(pytz.utc).replace(tzinfo=None))


def d(day, days=0):
    return fields.Date.to_string(day + timedelta(days=days))


class TestDealershipDay(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestDealershipDay, cls).setUpClass()
        cls.company.aftersales_tz = "Asia/Shanghai"
        cls.company2.aftersales_tz = "America/New_York"
        # The cron user has no time zone (as in the demo): days must not be UTC's.
        cls.env.user.tz = False
        cls.rule = cls.env.ref("aftersales_followup.followup_rule_service_handover")
        cls.delay, cls.window = cls.rule.delay_days, cls.rule.window_days
        # A Shanghai day two months ago (any past day; the runs pass their moment).
        cls.day = fields.Date.from_string(cls.company._aftersales_today()) - timedelta(days=60)

    def handover_at(self, when, company=None, name="Customer"):
        """A service visit of a fresh customer handed over at ``when`` (naive UTC)."""
        if company:
            partner = self.create_customer("%s %s" % (name, when), company_id=company.id)
            vehicle = self.create_vehicle(partner, company_id=company.id)
        else:
            partner = self.create_customer("%s %s" % (name, when))
            vehicle = self.create_vehicle(partner)
        if company:
            order = self.env["sale.order"].create({
                "partner_id": partner.id, "vehicle_id": vehicle.id,
                "aftersales_kind": "service", "company_id": company.id,
                "user_id": self.officer2.id})
        else:
            order = self.create_service_visit(partner, vehicle).sudo()
            order.action_confirm()
        check_in = fields.Datetime.to_string(
            fields.Datetime.from_string(when) - timedelta(hours=2))
        order._aftersales_trusted().write({"checkin_date": check_in, "handover_date": when})
        return order

    def run_at(self, when):
        return self.env["aftersales.call"]._cron_generate_due_calls(now=when)

    def test_the_company_helper_tells_the_day(self):
        self.assertEqual(self.company._aftersales_tz_name(), "Asia/Shanghai")
        self.assertEqual(self.company._aftersales_date_of(utc(SHANGHAI, self.day, 23, 30)),
                         d(self.day))
        self.assertEqual(self.company._aftersales_date_of(utc(SHANGHAI, self.day, 0, 30)),
                         d(self.day))
        # 16:30 UTC is already the next day in Shanghai, still the same day in New York
        moment = utc(pytz.utc, self.day, 16, 30)
        self.assertEqual(self.company._aftersales_today(moment), d(self.day, 1))
        self.assertEqual(self.company2._aftersales_today(moment), d(self.day))
        # The SQL twin agrees, each row in its own company's zone.
        Company = self.env["res.company"]
        query = Company._aftersales_today_sql("c.id", moment).as_string(self.env.cr._obj)
        self.env.cr.execute("SELECT c.id, %s FROM res_company c WHERE c.id IN %%s" % query,
                            (tuple((self.company | self.company2).ids),))
        self.assertEqual({row[0]: str(row[1])[:10]  # Odoo's cursor reads dates as text
                          for row in self.env.cr.fetchall()},
                         {self.company.id: d(self.day, 1), self.company2.id: d(self.day)})

    def live_zone(self, company):
        """The zone the report views tell for ``company`` (the SQL twin read live)."""
        self.env.cr.execute("SELECT %s FROM res_company c WHERE c.id = %%s" % (
            self.env["res.company"]._aftersales_tz_live_sql("c")), (company.id,))
        return self.env.cr.fetchone()[0]

    def test_default_zone_is_the_officers_then_the_address_then_utc(self):
        company = self.env["res.company"].create({"name": "Zone-less Dealership (h16)"})
        self.assertEqual(company._aftersales_tz_name(), "UTC")
        self.assertEqual(self.live_zone(company), "UTC")
        company.partner_id.tz = "Asia/Tokyo"
        self.assertEqual(company._aftersales_tz_name(), "Asia/Tokyo", "the address's")
        self.assertEqual(self.live_zone(company), "Asia/Tokyo")
        for login, tz in (("h16_tz1", "Asia/Shanghai"), ("h16_tz2", "Asia/Shanghai"),
                          ("h16_tz3", "Europe/Paris")):
            create_staff(self.env, login, login, [self.USER], company=company, tz=tz)
        self.assertEqual(company._aftersales_tz_name(), "Asia/Shanghai",
                         "the zone most of its officers work in")
        self.assertEqual(self.live_zone(company), "Asia/Shanghai")
        company.aftersales_tz = "Europe/Paris"
        self.assertEqual(company._aftersales_tz_name(), "Europe/Paris", "its own setting")
        self.assertEqual(self.live_zone(company), "Europe/Paris")

    def test_handovers_at_2330_and_0030_fall_on_their_shanghai_days(self):
        # The same UTC day, two Shanghai days.
        evening = self.handover_at(utc(SHANGHAI, self.day, 23, 30), name="Evening")
        night = self.handover_at(utc(SHANGHAI, self.day + timedelta(days=1), 0, 30),
                                 name="Night")
        self.assertEqual(evening.handover_date[:10], night.handover_date[:10])
        # another dealership in the same runs: a visit at 11:30 New York time that day
        other = self.handover_at(utc(NEW_YORK, self.day, 11, 30), company=self.company2,
                                 name="New York")
        due = self.day + timedelta(days=self.delay)
        # 23:50 in Shanghai the day before the evening visit's call is due: nothing yet
        self.run_at(utc(SHANGHAI, due - timedelta(days=1), 23, 50))
        self.assertFalse(self.calls_of(evening) | self.calls_of(night))
        # 00:10 in Shanghai (16:10 UTC the day before): the evening visit's call is due
        # today; not the night's (due tomorrow), nor New York's (still the day before)
        self.run_at(utc(SHANGHAI, due, 0, 10))
        call = self.calls_of(evening)
        self.assertEqual((call.state, call.date_due, call.date_expiry),
                         ("todo", d(due), d(self.day, self.window)))
        self.assertEqual(call.activity_ids.date_deadline, d(due))
        self.assertFalse(self.calls_of(night))
        self.assertFalse(self.calls_of(other))
        # the next Shanghai midnight: the night's call, due its own day
        self.run_at(utc(SHANGHAI, due + timedelta(days=1), 0, 10))
        night_call = self.calls_of(night)
        self.assertEqual((night_call.date_due, night_call.date_expiry),
                         (d(due, 1), d(self.day, self.window + 1)))
        # New York's day has come too, told in New York's days
        other_call = self.calls_of(other)
        self.assertEqual((other_call.state, other_call.date_due, other_call.company_id),
                         ("todo", d(due), self.company2))
        # Expiry: the evening's call lives its whole last Shanghai day...
        last = self.day + timedelta(days=self.window)
        self.run_at(utc(SHANGHAI, last, 23, 50))
        self.assertEqual(call.state, "todo")
        # ...and expires at Shanghai midnight (16:10 UTC of its last day), not the night's
        self.run_at(utc(SHANGHAI, last + timedelta(days=1), 0, 10))
        self.assertEqual((call.state, night_call.state), ("expired", "todo"))
        self.assertFalse(call.activity_ids)
        # New York's call (same last day) is still open: its day is not over there
        self.assertEqual(other_call.state, "todo")
        self.run_at(utc(NEW_YORK, last + timedelta(days=1), 0, 10))
        self.assertEqual((other_call.state, night_call.state), ("expired", "todo"))

    def on_time(self, call):
        """What the calls analysis says of ``call`` (100: reached on time, 0: late)."""
        report = self.env["aftersales.call.report"]
        report.invalidate_cache()
        return report.search([("call_id", "=", call.id)]).on_time

    def test_a_call_is_late_on_the_shanghai_day_after_its_due_day(self):
        evening = self.handover_at(utc(SHANGHAI, self.day, 23, 30), name="Late")
        due = self.day + timedelta(days=self.delay)
        self.run_at(utc(SHANGHAI, due, 0, 10))
        call = self.calls_of(evening)
        call.sudo(self.officer).action_done()
        # 23:30 on its due day in Shanghai (15:30 UTC): on time
        call._aftersales_trusted().write({"date_call": utc(SHANGHAI, due, 23, 30)})
        self.assertEqual(self.on_time(call), 100)
        # 00:30 the next day in Shanghai: late, although it is still the due day in UTC
        call._aftersales_trusted().write(
            {"date_call": utc(SHANGHAI, due + timedelta(days=1), 0, 30)})
        self.assertEqual(call.date_call[:10], d(due))
        self.assertEqual(self.on_time(call), 0)
        # whoever looks at it (a viewer in New York) sees the same
        self.env.user.tz = "America/New_York"
        self.assertEqual(self.on_time(call), 0)

    def test_a_reminder_falls_on_its_shanghai_day(self):
        partner = self.create_customer("Reminder h16")
        vehicle = self.create_vehicle(partner)
        reminder_rule = self.env.ref("aftersales_followup.followup_rule_service_due")
        need = self.env["aftersales.need"].create({
            "partner_id": partner.id, "vehicle_id": vehicle.id, "kind": "service",
            "company_id": self.company.id,
            "date_expected": d(self.day, reminder_rule.lead_days)})
        Call = self.env["aftersales.call"]
        self.run_at(utc(SHANGHAI, self.day - timedelta(days=1), 23, 50))
        self.assertFalse(need.call_ids, "the reminder day has not come in Shanghai")
        self.run_at(utc(SHANGHAI, self.day, 0, 10))
        self.assertEqual(need.call_ids.date_due, d(self.day))
        self.assertEqual(need.call_ids.state, "todo")
        self.assertEqual(Call.search_count([("need_id", "=", need.id)]), 1)

    def test_days_a_user_records_are_the_dealerships(self):
        """A call made by hand, an odometer read, a training held: the dealership's day,
        not the day of the user's own time zone (14 h ahead of UTC against 12 h behind:
        the two days differ at every hour)."""
        self.company.aftersales_tz = "Etc/GMT-14"
        self.officer.tz = "Etc/GMT+12"
        today = self.company._aftersales_today()
        self.assertGreater(
            today, fields.Date.context_today(self.env["aftersales.call"].sudo(self.officer)))
        partner = self.create_customer("Walk-in h16")
        call = self.env["aftersales.call"].sudo(self.officer).create(
            {"partner_id": partner.id, "purpose": "other"})
        self.assertEqual(call.date_due, today)
        self.assertGreater(call.date_expiry, today)
        vehicle = self.create_vehicle(partner)
        vehicle._aftersales_trusted().write({"odometer": vehicle.odometer + 500})
        self.assertEqual(vehicle.odometer_date, today)
        self.assertEqual(vehicle.reading_ids.sorted("id")[-1:].date, today)

    # ------------------------------------------------------------------ home actions

    def test_new_staff_land_where_their_day_starts(self):
        officer = create_staff(self.env, "h16_home_officer", "Home Officer",
                               [self.USER, self.CONTACTS])
        supervisor = create_staff(self.env, "h16_home_supervisor", "Home Supervisor",
                                  [self.MANAGER, self.CONTACTS])
        plain = create_staff(self.env, "h16_home_plain", "Home Plain", ["base.group_user"])
        self.assertEqual(officer.action_id.id, self.env.ref(
            "aftersales_followup.action_aftersales_call").id)
        dashboard = self.env.ref("aftersales_followup.action_aftersales_dashboard",
                                 raise_if_not_found=False) \
            or self.env.ref("aftersales_followup.action_aftersales_case")
        self.assertEqual(supervisor.action_id.id, dashboard.id)
        self.assertFalse(plain.action_id, "not after-sales staff: Odoo's default")
        # a home action given explicitly is kept
        inbound = self.env.ref("aftersales_followup.action_aftersales_call_inbound")
        chosen = create_staff(self.env, "h16_home_chosen", "Home Chosen", [self.USER],
                              action_id=inbound.id)
        self.assertEqual(chosen.action_id.id, inbound.id)


class TestChineseDemo(AftersalesCommon):
    """The demo database (the test database is one) is a Chinese dealership."""

    def test_demo_staff_work_in_chinese_in_shanghai(self):
        self.assertTrue(self.env["res.lang"].search([("code", "=", "zh_CN")]),
                        "Simplified Chinese is loaded")
        self.assertEqual(self.env.ref("base.main_company").aftersales_tz, "Asia/Shanghai")
        homes = {
            "aftersales_followup.user_officer_demo": "aftersales_followup.action_aftersales_call",
            "aftersales_followup.user_supervisor_demo": (
                "aftersales_followup.action_aftersales_dashboard"
                if self.env.ref("aftersales_followup.action_aftersales_dashboard",
                                raise_if_not_found=False)
                else "aftersales_followup.action_aftersales_case"),
        }
        for xmlid, action in homes.items():
            user = self.env.ref(xmlid)
            self.assertEqual((user.lang, user.tz), ("zh_CN", "Asia/Shanghai"), xmlid)
            self.assertEqual(user.action_id.id, self.env.ref(action).id, xmlid)
        self.assertEqual(self.env.ref("base.user_root").lang, "en_US",
                         "admin stays in English")
        # the translations are there: a menu of the suite reads in Chinese
        menu = self.env.ref("aftersales_followup.menu_aftersales_root")
        self.assertNotEqual(menu.with_context(lang="zh_CN").name, menu.name)

    def test_demo_customers_get_chinese_emails_and_have_a_phone(self):
        customers = self.env["res.partner"].search([
            ("id", "in", [self.env.ref("aftersales_followup.%s_demo" % name).id for name in (
                "partner_wang_wei", "partner_li_na", "partner_zhang_qiang",
                "partner_liu_yang", "partner_chen_jing", "partner_yang_fan",
                "partner_zhao_min", "partner_huang_lei", "partner_shunda",
                "partner_huatong", "partner_zhou_jie")])])
        self.assertEqual(len(customers), 11)
        self.assertEqual(set(customers.mapped("lang")), {"zh_CN"})
        self.assertFalse(customers.filtered(lambda p: not (p.phone or p.mobile)),
                         "every demo customer can be phoned")
        # the follow-up email of a Chinese customer is rendered in Chinese
        template = self.env.ref("aftersales_followup.mail_template_call_no_answer")
        call = self.env["aftersales.call"].search(
            [("partner_id", "in", customers.ids)], limit=1)
        self.assertEqual(template.render_template(template.lang, template.model, call.id),
                         "zh_CN")
        self.assertNotEqual(template.with_context(lang="zh_CN").subject,
                            template.with_context(lang="en_US").subject,
                            "the template is translated")
