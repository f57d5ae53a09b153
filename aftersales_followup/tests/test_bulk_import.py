# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Go-live (issue 18): the set-based pieces of the initial load (aftersales.bulk.import)
hold the same rules as the ORM they stand in for: the VIN check and its SQL twin, the
odometer refresh and its SQL twin, and a small load staged from CSV text in the test's
own transaction (the whole command is tested in tests/test_import_command.py)."""
import io

from psycopg2 import sql

from ..models.aftersales_vehicle import check_vin, check_vin_sql, normalize_vin, \
    normalize_vin_sql
from .common import AftersalesCommon

VINS = ["LSGH1800000104729", " lsgh1800000104729 ", "LSGH18000001O4729", "LSGH180000010472",
        "LSGH18000001047290", "LSGH1800000104I29", "LSGH18000001047Q9", "", "沪A1234567890123",
        "lsgh18000001-4729", "\tLGBH52E07MY234589\n"]


class TestBulkImport(AftersalesCommon):

    def sql_value(self, expression, value):
        self.env.cr.execute(sql.SQL("SELECT {} FROM (SELECT %s::text AS x) t").format(
            expression), [value])
        return self.env.cr.fetchone()[0]

    def test_vin_check_and_its_sql_twin_agree(self):
        for vin in VINS:
            normalized = self.sql_value(normalize_vin_sql(sql.SQL("t.x")), vin)
            self.assertEqual(normalized, normalize_vin(vin), repr(vin))
            self.assertEqual(self.sql_value(check_vin_sql(sql.SQL("t.x")), normalized),
                             check_vin(normalize_vin(vin)), repr(vin))

    def test_odometer_refresh_and_its_sql_twin_agree(self):
        Reading = self.env["aftersales.odometer.reading"]._aftersales_trusted()
        first = self.create_vehicle(self.customer, odometer=1000,
                                    odometer_date=self.days_from_today(-300))
        second = self.create_vehicle(self.customer, odometer=1000,
                                     odometer_date=self.days_from_today(-300))
        for vehicle in first | second:
            # two readings of the same later day: the higher one is the odometer
            for km in (5000, 5200):
                Reading.create({"vehicle_id": vehicle.id, "odometer": km,
                                "date": self.days_from_today(-10), "source": "history"})
        first._aftersales_refresh_odometer()
        changes = self.env["aftersales.vehicle"]._aftersales_refresh_odometer_sql(second.ids)
        self.assertEqual(changes, [(second.id, 1000, 5200)])
        self.assertEqual((first.odometer, first.odometer_date),
                         (second.odometer, second.odometer_date))
        self.assertEqual(
            self.env["aftersales.vehicle"]._aftersales_refresh_odometer_sql(second.ids), [],
            "nothing to change the second time")

    def load(self, kind, text):
        Bulk = self.env["aftersales.bulk.import"]
        Bulk._bulk_prepare()
        header, count = Bulk._bulk_stage(kind, io.StringIO(text))
        loader = getattr(Bulk, "_bulk_load_%s" % (
            "history" if kind == "service_history" else kind))
        result = loader(header, self.env.user.company_id)
        return result, {values["id"]: reason for _line, values, reason
                        in Bulk._bulk_rejects(kind)}

    def test_a_small_load_writes_the_good_rows_and_refuses_the_bad(self):
        (created, updated), refused = self.load("customers", (
            "id,name,aftersales_customer,aftersales_user_id\n"
            "unit.c1,李雷,1,%s\nunit.c2,,1,\nunit.c3,韩梅梅,1,nobody\n") % self.officer.login)
        self.assertEqual((created, updated), (1, 0))
        self.assertEqual(sorted(refused), ["unit.c2", "unit.c3"])
        customer = self.env.ref("unit.c1")
        self.assertEqual((customer.name, customer.aftersales_user_id, customer.company_id),
                         ("李雷", self.officer, self.env.user.company_id))
        self.assertEqual(customer.commercial_partner_id, customer)
        self.assertIn(self.env.user.partner_id, customer.message_partner_ids,
                      "the creator follows the customer, as create() subscribes it")
        (created, updated), refused = self.load("vehicles", (
            "id,vin,license_plate,partner_id/id,handover_date,odometer,odometer_date\n"
            "unit.v1,LSGUNT00000000001,沪A·U0001,unit.c1,%s,12000,%s\n"
            "unit.v2,LSGUNT00000000001,沪A·U0002,unit.c1,%s,,\n") % (
                self.days_from_today(-400), self.days_from_today(-30),
                self.days_from_today(-400)))
        self.assertEqual((created, updated, list(refused)), (1, 0, ["unit.v2"]))
        self.assertIn("already registered", refused["unit.v2"])
        vehicle = self.env.ref("unit.v1")
        self.assertEqual((vehicle.partner_id, vehicle.odometer, vehicle.reading_ids.mapped(
            "source")), (customer, 12000, ["handover"]))
        (created, updated), refused = self.load("service_history", (
            "id,partner_id/id,vehicle_id/id,date_checkin,odometer,work_kind\n"
            "unit.h1,unit.c1,unit.v1,%s 10:00:00,8000,Maintenance\n"
            "unit.h2,unit.c1,unit.v1,%s 10:00:00,13000,tyres\n") % (
                self.days_from_today(-200), self.days_from_today(-60)))
        self.assertEqual((created, updated, refused), (1, 0, {"unit.h2": refused.get(
            "unit.h2")}))
        self.assertIn("12000 km later", refused["unit.h2"])
        history = self.env.ref("unit.h1")
        self.assertEqual((history.work_kind, history.company_id, history.reading_ids.odometer),
                         ("maintenance", vehicle.company_id, 8000))
        self.assertEqual(vehicle.odometer, 12000, "the later reading stays the odometer")

    def test_loading_the_same_rows_again_updates_them(self):
        text = "id,name,city\nunit.again,王芳芳 (unit),上海\n"
        self.assertEqual(self.load("customers", text)[0], (1, 0))
        self.assertEqual(self.load("customers", text.replace("上海", "苏州"))[0], (0, 1))
        customer = self.env.ref("unit.again")
        customer.invalidate_cache()
        self.assertEqual(customer.city, "苏州")
        self.assertEqual(self.env["res.partner"].search_count([("name", "=", "王芳芳 (unit)")]), 1)

    def test_loading_again_refuses_what_is_frozen_once_set(self):
        text = ("id,vin,handover_date\nunit.frozen,LSGUNT00000000002,%s\n"
                % self.days_from_today(-100))
        self.assertEqual(self.load("vehicles", text)[0], (1, 0))
        # the warranty start is corrected by a manager with a reason, not by a load
        (created, updated), refused = self.load("vehicles", text.replace(
            self.days_from_today(-100), self.days_from_today(-90)))
        self.assertEqual((created, updated), (0, 0))
        self.assertIn("Handover date", refused["unit.frozen"])
        # nor does a load move a vehicle to another dealership
        Bulk = self.env["aftersales.bulk.import"]
        Bulk._bulk_prepare()
        header, _count = Bulk._bulk_stage("vehicles", io.StringIO(text))
        self.assertEqual(Bulk._bulk_load_vehicles(header, self.company2), (0, 0))
        [(_line, _values, reason)] = Bulk._bulk_rejects("vehicles")
        self.assertIn("Company", reason)
        self.assertEqual(self.env.ref("unit.frozen").handover_date, self.days_from_today(-100))

    def test_a_link_to_another_dealerships_record_is_refused(self):
        other = self.env["res.partner"].create({"name": "Other dealership's customer",
                                                "company_id": self.company2.id})
        self.env["ir.model.data"].create({"module": "unit", "name": "c_other",
                                          "model": "res.partner", "res_id": other.id})
        (created, updated), refused = self.load("vehicles", (
            "id,vin,partner_id/id\nunit.v_other,LSGUNT00000000003,unit.c_other\n"))
        self.assertEqual((created, updated), (0, 0))
        self.assertIn("belongs to %s" % self.company2.name, refused["unit.v_other"])

    def test_loading_again_tracks_a_new_officer_and_changes_the_rest(self):
        text = "id,name,aftersales_user_id,do_not_call\nunit.tracked,赵六 (unit),%s,0\n"
        self.load("customers", text % self.officer.login)
        customer = self.env.ref("unit.tracked")
        messages = customer.message_ids
        self.assertEqual(self.load("customers", (text % self.supervisor.login).replace(
            ",0\n", ",1\n"))[0], (0, 1))
        customer.invalidate_cache()
        self.assertEqual((customer.aftersales_user_id, customer.do_not_call),
                         (self.supervisor, True))
        new = customer.message_ids - messages
        self.assertEqual(new.mapped("tracking_value_ids.field"), ["aftersales_user_id"])
