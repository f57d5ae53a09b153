# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Go-live (issue 18): the service history brought in from the old dealer system counts
as visits wherever Odoo's own visits count, is validated row by row (also through Odoo's
standard import) and starts no follow-up call, survey or thank-you email."""
import io

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from .common import AftersalesCommon, create_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TestServiceHistory(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestServiceHistory, cls).setUpClass()
        cls.History = cls.env["aftersales.service.history"]
        cls.interval_model = cls.env["product.product"].create({
            "name": "Aurora Touring (history)", "type": "product",
            "service_interval_months": 6, "service_interval_km": 10000})
        cls.manager2 = create_staff(
            cls.env, "h18_manager2", "Mia Other-Manager",
            [cls.MANAGER, cls.CONTACTS], company=cls.company2)
        cls.other_customer = cls.create_customer("Zhang Min")
        cls.other_vehicle = cls.create_vehicle(cls.other_customer, license_plate="沪A·H1802")

    # ------------------------------------------------------------------ helpers

    def day(self, offset):
        return self.days_from_today(offset)

    def history(self, days_ago=30, partner=None, vehicle=None, user=None, **vals):
        """An earlier visit brought in by the after-sales manager."""
        values = {
            "partner_id": (partner or self.customer).id,
            "vehicle_id": (vehicle or self.vehicle).id,
            "date_checkin": self.local_datetime(days_ago, 9),
            "date_handover": self.local_datetime(days_ago, 17),
            "work_kind": "maintenance",
        }
        values.update(vals)
        return self.History.sudo(user or self.supervisor).create(values)

    def owned_vehicle(self, handover_days_ago=300, odometer=10, **vals):
        partner = self.create_customer("Owner %d" % (self._vin_counter + 1))
        values = {"product_id": self.interval_model.id,
                  "handover_date": self.day(-handover_days_ago), "odometer": odometer,
                  "odometer_date": self.day(-handover_days_ago)}
        values.update(vals)
        return self.create_vehicle(partner, **values)

    def histories_of(self, partner):
        return self.History.search([("partner_id", "=", partner.id)])

    # ------------------------------------------------------------------ what it feeds

    def test_history_is_the_customers_last_visit_until_a_newer_visit(self):
        customer = self.create_customer("Wang Fang")
        vehicle = self.create_vehicle(customer)
        self.history(400, customer, vehicle)
        recent = self.history(30, customer, vehicle)
        self.assertEqual(customer.aftersales_last_visit_date, recent.date_checkin)
        self.assertTrue(customer.aftersales_customer, "the customer file is open")
        self.assertEqual(customer.aftersales_history_count, 2)
        self.assertEqual(vehicle.history_count, 2)
        order = self.handed_over(5, customer, vehicle)
        customer.invalidate_cache()
        self.assertEqual(customer.aftersales_last_visit_date, order.checkin_date)

    def test_history_records_its_odometer_reading_and_restarts_the_next_service(self):
        vehicle = self.owned_vehicle(handover_days_ago=300, odometer=10)
        row = self.history(100, vehicle.partner_id, vehicle, odometer=5000)
        reading = vehicle.reading_ids.filtered(lambda r: r.source == "history")
        self.assertEqual(reading.service_history_id, row)
        self.assertEqual((reading.odometer, reading.date), (5000, self.day(-100)))
        self.assertEqual((vehicle.odometer, vehicle.odometer_date), (5000, self.day(-100)))
        self.assertEqual(vehicle.last_service_date, self.day(-100))
        self.assertEqual(vehicle.km_per_day, 25.0)  # 4,990 km in 200 days, to 0.1
        # six months after the earlier visit come before its 10,000 km at 25 km a day
        expected = fields.Date.from_string(self.day(-100)) + relativedelta(months=6)
        self.assertEqual(vehicle.next_service_date, fields.Date.to_string(expected))

    def test_an_older_reading_is_kept_on_its_day_without_moving_the_odometer_back(self):
        vehicle = self.owned_vehicle(handover_days_ago=300, odometer=10)
        vehicle.write({"odometer": 20000, "odometer_date": self.day(0)})
        self.history(100, vehicle.partner_id, vehicle, odometer=8000)
        self.assertEqual(vehicle.odometer, 20000)
        self.assertEqual(sorted(vehicle.reading_ids.mapped("odometer")), [10, 8000, 20000])

    def test_history_closes_the_needs_it_fulfilled_only(self):
        vehicle = self.owned_vehicle()
        Need = self.env["aftersales.need"]
        overdue = Need.create({"partner_id": vehicle.partner_id.id, "vehicle_id": vehicle.id,
                               "kind": "service", "date_expected": self.day(-40)})
        later = Need.create({"partner_id": vehicle.partner_id.id, "vehicle_id": vehicle.id,
                             "kind": "service", "date_expected": self.day(60)})
        tyres = Need.create({"partner_id": vehicle.partner_id.id, "vehicle_id": vehicle.id,
                             "kind": "tyres", "date_expected": self.day(-40)})
        row = self.history(30, vehicle.partner_id, vehicle, work_kind="maintenance")
        self.assertEqual((overdue.state, overdue.service_history_id), ("done", row))
        self.assertEqual(overdue.converted, 1)
        self.assertEqual(later.state, "open", "an old visit does not fulfil a later need")
        self.assertEqual(tyres.state, "open", "maintenance did not change the tyres")
        self.history(20, vehicle.partner_id, vehicle, work_kind="tyres")
        self.assertEqual(tyres.state, "done")

    def test_history_counts_in_the_class_metrics_and_the_returning_rate(self):
        Class = self.env["aftersales.customer.class"]
        returning = self.create_customer("Chen Jing")
        vehicle = self.create_vehicle(returning)
        self.history(60, returning, vehicle, amount=20000)
        self.history(420, returning, vehicle, amount=3000)
        once = self.create_customer("Liu Yang")
        self.history(60, once, self.create_vehicle(once))
        lost = self.create_customer("Zhao Lei")
        self.history(800, lost, self.create_vehicle(lost))
        Class._classify_customers()
        ref = self.env.ref
        self.assertEqual(returning.aftersales_class_id,
                         ref("aftersales_followup.customer_class_vip"))
        self.assertEqual(returning.aftersales_returning, 1)
        self.assertEqual(once.aftersales_class_id,
                         ref("aftersales_followup.customer_class_regular"))
        self.assertEqual(once.aftersales_returning, 0)
        self.assertEqual(lost.aftersales_class_id, ref("aftersales_followup.customer_class_lost"))

    def test_no_follow_up_call_survey_or_email_for_history(self):
        customer = self.create_customer("Sun Li")
        vehicle = self.create_vehicle(customer)
        row = self.history(3, customer, vehicle)  # a visit's follow-up call is due today
        control = self.handed_over(3)
        self.run_due_calls()
        self.assertEqual(len(self.calls_of(control)), 1, "Odoo's visit gets its call")
        self.assertFalse(self.env["aftersales.call"].with_context(active_test=False).search(
            [("partner_id", "=", customer.id)]))
        self.assertFalse(self.letters_of(customer))
        self.assertFalse(self.env["survey.user_input"].search(
            [("partner_id", "=", customer.id)]))
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", customer.ids)]))
        self.assertTrue(row.exists())

    # ------------------------------------------------------------------ refusals

    def assertRowRefused(self, message, **vals):
        before = self.History.search_count([])
        readings = self.env["aftersales.odometer.reading"].search_count([])
        with self.assertRefused(ValidationError, message):
            self.history(**vals)
        self.assertEqual(self.History.search_count([]), before)
        self.assertEqual(self.env["aftersales.odometer.reading"].search_count([]), readings)

    def test_vehicle_of_another_customer_refused(self):
        self.assertRowRefused("belongs to Zhang Min, not to Li Wei",
                              vehicle=self.other_vehicle)

    def test_vehicle_without_owner_refused(self):
        self.assertRowRefused("has no owner", vehicle=self.create_vehicle())

    def test_vehicle_of_the_customer_file_accepted_for_its_contact(self):
        fleet = self.create_customer("Shanghai Taxi Co.", is_company=True)
        driver = self.create_customer("Driver Hu", parent_id=fleet.id)
        row = self.history(10, driver, self.create_vehicle(fleet))
        self.assertEqual(row.partner_id, driver)

    def test_dates_in_the_future_refused(self):
        self.assertRowRefused("is in the future", days_ago=-2)
        self.assertRowRefused("is in the future",
                              date_handover=self.local_datetime(-2, 9))

    def test_handover_before_checkin_refused(self):
        self.assertRowRefused("cannot be handed over",
                              date_handover=self.local_datetime(31, 9))

    def test_negative_odometer_refused(self):
        self.assertRowRefused("cannot be negative", odometer=-1)

    def test_odometer_going_backwards_refused(self):
        vehicle = self.owned_vehicle(handover_days_ago=300, odometer=10)
        vehicle.write({"odometer": 20000, "odometer_date": self.day(-10)})
        self.history(100, vehicle.partner_id, vehicle, odometer=8000)
        self.assertRowRefused("cannot go back from 8000 km", days_ago=50,
                              partner=vehicle.partner_id, vehicle=vehicle, odometer=7000)
        self.assertRowRefused("it read 20000 km later", days_ago=50,
                              partner=vehicle.partner_id, vehicle=vehicle, odometer=25000)
        self.assertEqual(vehicle.odometer, 20000)

    def test_refused_write_leaves_the_row_unchanged(self):
        row = self.history(30)
        handover = row.date_handover
        with self.assertRefused(ValidationError, "cannot be handed over"):
            row.sudo(self.supervisor).write({"date_handover": self.local_datetime(40, 9)})
        self.assertEqual(row.date_handover, handover)

    def test_correcting_the_odometer_of_a_row_replaces_its_reading(self):
        vehicle = self.owned_vehicle(handover_days_ago=300, odometer=10)
        row = self.history(100, vehicle.partner_id, vehicle, odometer=5000)
        row.sudo(self.supervisor).write({"odometer": 4000})
        self.assertEqual(sorted(vehicle.reading_ids.mapped("odometer")), [10, 4000])
        self.assertEqual(vehicle.odometer, 4000)
        row.sudo(self.supervisor).unlink()
        self.assertEqual(vehicle.reading_ids.mapped("odometer"), [10])
        self.assertEqual(vehicle.odometer, 10)
        self.assertFalse(vehicle.last_service_date)
        self.assertFalse(vehicle.partner_id.aftersales_last_visit_date)

    def test_a_forged_context_opens_no_refusal(self):
        for context in ({"aftersales_trusted": True}, {"aftersales_import_reasons": {}},
                        {"import_file": True}):
            with self.assertRefused(ValidationError, "belongs to Zhang Min"):
                self.History.sudo(self.supervisor).with_context(**context).create({
                    "partner_id": self.customer.id, "vehicle_id": self.other_vehicle.id,
                    "date_checkin": self.local_datetime(5, 9)})
        self.assertFalse(self.histories_of(self.customer))

    def test_links_to_the_history_are_the_suite_s_to_set(self):
        row = self.history(30, odometer=100)
        with self.assertRefused(AccessError):
            self.env["aftersales.odometer.reading"].sudo(self.officer).create({
                "vehicle_id": self.vehicle.id, "odometer": 200, "date": self.day(0),
                "service_history_id": row.id})
        need = self.env["aftersales.need"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id, "kind": "tyres",
            "date_expected": self.day(30)})
        with self.assertRefused(AccessError):
            need.sudo(self.supervisor).write({"service_history_id": row.id})
        self.assertFalse(need.service_history_id)
        self.assertEqual(self.vehicle.reading_ids.mapped("odometer"), [100])

    # ------------------------------------------------------------------ access

    def test_officer_reads_but_cannot_create_or_write(self):
        row = self.history(30)
        self.assertEqual(row.sudo(self.officer).work_kind, "maintenance")
        with self.assertRefused(AccessError):
            self.history(20, user=self.officer)
        with self.assertRefused(AccessError):
            row.sudo(self.officer).write({"notes": "changed"})
        self.assertFalse(row.notes)

    def test_a_salesman_reads_the_customer_and_vehicle_without_the_history(self):
        salesman = create_staff(self.env, "h18_salesman", "Sales only (h18)",
                                [self.SALESMAN, self.CONTACTS])
        self.history(30)
        Partner = self.env["res.partner"].sudo(salesman)
        self.assertNotIn("aftersales_history_ids", Partner.fields_get())
        self.assertNotIn("aftersales_history_count", Partner.fields_get())
        partner = self.customer.sudo(salesman).read(["aftersales_last_visit_date"])[0]
        self.assertEqual(partner["aftersales_last_visit_date"],
                         self.histories_of(self.customer).date_checkin)
        vehicle = self.vehicle.sudo(salesman).read()[0]
        self.assertNotIn("service_history_ids", vehicle)
        self.assertTrue(vehicle["last_service_date"])

    def test_another_companys_manager_does_not_see_the_row(self):
        row = self.history(30)
        self.assertFalse(self.History.sudo(self.manager2).search([("id", "=", row.id)]))

    # ------------------------------------------------------------------ Odoo's import

    FIELDS = ["source_ref", "partner_id/.id", "vehicle_id/.id", "date_checkin",
              "date_handover", "odometer", "work_kind", "amount"]
    OPTIONS = {"headers": True, "quoting": '"', "separator": ",", "encoding": "utf-8",
               "date_format": "%Y-%m-%d", "datetime_format": "%Y-%m-%d %H:%M:%S",
               "float_thousand_separator": ",", "float_decimal_separator": "."}

    def import_rows(self, rows, dryrun, lang="en_US", xlsx=False, fields=None):
        fields = fields or self.FIELDS
        if xlsx:
            content, file_type = self.xlsx_file(fields, rows), XLSX
        else:
            lines = [",".join(fields)] + [",".join(str(v) for v in row) for row in rows]
            content, file_type = "\n".join(lines).encode("utf-8"), "text/csv"
        Import = self.env["base_import.import"].sudo(self.supervisor).with_context(lang=lang)
        wizard = Import.create({"res_model": "aftersales.service.history",
                                "file": content, "file_type": file_type})
        return wizard.do(fields, dict(self.OPTIONS), dryrun=dryrun)

    def xlsx_file(self, fields, rows):
        """The rows as a spreadsheet, every cell as text (as a dealer system exports)."""
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream, {"in_memory": True})
        sheet = book.add_worksheet()
        for line, values in enumerate([fields] + rows):
            for column, value in enumerate(values):
                sheet.write_string(line, column, str(value))
        book.close()
        return stream.getvalue()

    def day_at(self, offset, hour="10:00:00"):
        return "%s %s" % (self.day(offset), hour)

    def good_rows(self):
        return [
            ["OLD-1", self.customer.id, self.vehicle.id, self.day_at(-400),
             self.day_at(-400, "16:00:00"), 1000, "maintenance", "800.00"],
            ["OLD-2", self.customer.id, self.vehicle.id, self.day_at(-40),
             self.day_at(-40, "16:00:00"), 9000, "repair", "2500.00"],
        ]

    def bad_rows(self):
        return self.good_rows() + [
            ["OLD-3", self.customer.id, self.other_vehicle.id, self.day_at(-30), "", 0,
             "maintenance", "0"],
            ["OLD-4", self.customer.id, self.vehicle.id, self.day_at(3), "", 0,
             "maintenance", "0"],
            ["OLD-5", self.customer.id, self.vehicle.id, self.day_at(-20),
             self.day_at(-21), 0, "body", "0"],
            ["OLD-6", self.customer.id, self.vehicle.id, self.day_at(-10), "", 500,
             "tyres", "0"],
        ]

    def imported(self):
        return self.History.search([("source_ref", "=like", "OLD-%")])

    def test_test_import_lists_every_bad_row_and_writes_nothing(self):
        # a clean Test Import first: the next one still lists its own reasons
        self.assertEqual(self.import_rows(self.good_rows(), dryrun=True), [])
        messages = self.import_rows(self.bad_rows(), dryrun=True)
        errors = [m for m in messages if m["type"] == "error"]
        texts = " | ".join(m["message"] for m in errors)
        self.assertEqual(len(errors), 4, texts)
        self.assertIn("belongs to Zhang Min, not to Li Wei", texts)
        self.assertIn("is in the future", texts)
        self.assertIn("cannot be handed over", texts)
        self.assertIn("cannot go back from 9000 km", texts)
        self.assertEqual(sorted(m["record"] for m in errors), [2, 3, 4, 5])
        # each row with the refusal's own reason, not Odoo 11's "unknown error"
        self.assertIn("The vehicle %s belongs to Zhang Min, not to Li Wei." % (
            self.other_vehicle.display_name), [m["message"] for m in errors])
        self.assertFalse([m for m in errors if "Unknown error" in m["message"]
                          or m.get("moreinfo")], texts)
        self.assertFalse(self.imported())
        self.assertFalse(self.vehicle.reading_ids.filtered(lambda r: r.source == "history"))

    def test_test_import_gives_the_reasons_in_chinese(self):
        messages = self.import_rows(self.bad_rows(), dryrun=True, lang="zh_CN")
        texts = " | ".join(m["message"] for m in messages)
        self.assertIn("属于 Zhang Min，不属于 Li Wei", texts)
        self.assertIn("在未来", texts)
        self.assertIn("之前交车", texts)
        self.assertIn("倒退到", texts)
        self.assertFalse(self.imported())

    def test_test_import_of_a_spreadsheet_lists_the_same_bad_rows(self):
        messages = self.import_rows(self.bad_rows(), dryrun=True, xlsx=True)
        errors = [m for m in messages if m["type"] == "error"]
        self.assertEqual(sorted(m["record"] for m in errors), [2, 3, 4, 5],
                         " | ".join(m["message"] for m in errors))
        self.assertFalse(self.imported())
        self.assertEqual(self.import_rows(self.good_rows(), dryrun=False, xlsx=True), [])
        self.assertEqual(len(self.imported()), 2)

    def test_real_import_with_a_bad_row_imports_nothing(self):
        messages = self.import_rows(self.bad_rows(), dryrun=False)
        self.assertTrue([m for m in messages if m["type"] == "error"])
        self.assertFalse(self.imported())
        self.customer.invalidate_cache()
        self.assertFalse(self.customer.aftersales_last_visit_date)

    def test_real_import_of_good_rows_feeds_the_customer_file(self):
        self.assertEqual(self.import_rows(self.good_rows(), dryrun=False), [])
        rows = self.imported()
        self.assertEqual(sorted(rows.mapped("source_ref")), ["OLD-1", "OLD-2"])
        self.customer.invalidate_cache()
        latest = rows.filtered(lambda r: r.source_ref == "OLD-2")
        self.assertEqual(self.customer.aftersales_last_visit_date, latest.date_checkin)
        self.assertEqual(self.vehicle.odometer, 9000)
        self.assertEqual(sorted(self.vehicle.reading_ids.filtered(
            lambda r: r.source == "history").mapped("odometer")), [1000, 9000])

    def test_reimporting_with_the_source_system_ids_updates_and_never_duplicates(self):
        fields_with_id = ["id"] + self.FIELDS
        rows = [["old_dms.ro_%d" % number] + row
                for number, row in enumerate(self.good_rows(), 1)]
        self.assertEqual(self.import_rows(rows, dryrun=False, fields=fields_with_id), [])
        rows[1][-1] = "2600.00"  # the old system corrected an amount
        self.assertEqual(self.import_rows(rows, dryrun=False, fields=fields_with_id), [])
        imported = self.imported()
        self.assertEqual(len(imported), 2)
        self.assertEqual(imported.filtered(lambda r: r.source_ref == "OLD-2").amount, 2600.0)
        self.assertEqual(sorted(self.vehicle.reading_ids.mapped("odometer")), [1000, 9000])
        self.assertEqual(self.vehicle.odometer, 9000)

    def test_no_call_after_importing_history_handed_over_within_the_window(self):
        rows = [["OLD-7", self.customer.id, self.vehicle.id, self.day_at(-3),
                 self.day_at(-3, "16:00:00"), 1500, "maintenance", "600.00"]]
        self.assertEqual(self.import_rows(rows, dryrun=False), [])
        control = self.handed_over(3)
        self.run_due_calls()
        self.assertEqual(len(self.calls_of(control)), 1, "Odoo's visit gets its call")
        self.assertFalse(self.env["aftersales.call"].with_context(active_test=False).search(
            [("partner_id", "=", self.customer.id)]))
        self.assertFalse(self.letters_of(self.customer))
