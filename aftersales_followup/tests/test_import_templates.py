# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Go-live (issue 18): customers, vehicles and service history brought in through Odoo's
standard import from the templates the addon ships (English and Chinese headers, CSV and
XLSX), driven as the import dialog drives it: the file read, its headers mapped by
``parse_preview``, a Test Import, then the import. Bad rows are listed with their reason
and nothing is written; the source system's external ids make a re-import an update; the
day-one scheduled actions do not flood the imported customers."""
import csv
import io

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.modules.module import get_module_resource

from .common import AftersalesCommon, create_staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MODELS = (("customers", "res.partner"), ("vehicles", "aftersales.vehicle"),
          ("service_history", "aftersales.service.history"))
OPTIONS = {"headers": True, "quoting": '"', "separator": ",", "encoding": "utf-8",
           "date_format": "", "datetime_format": "",
           "float_thousand_separator": ",", "float_decimal_separator": "."}


class TestImportTemplates(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestImportTemplates, cls).setUpClass()
        cls.golive_model = cls.env["product.product"].create({
            "name": "Aurora Go-live (h18)", "type": "product",
            "service_interval_months": 6})

    # ------------------------------------------------------------------ the dialog

    def template(self, kind, lang, extension):
        path = get_module_resource("aftersales_followup", "static", "import_templates",
                                   "%s_%s.%s" % (kind, lang, extension))
        with open(path, "rb") as stream:
            return stream.read()

    def preview(self, model, content, extension="csv", lang="en_US"):
        Import = self.env["base_import.import"].sudo(self.supervisor).with_context(lang=lang)
        wizard = Import.create({"res_model": model, "file": content,
                                "file_type": XLSX if extension == "xlsx" else "text/csv"})
        return wizard, wizard.parse_preview(dict(OPTIONS))

    def load(self, model, content, dryrun, extension="csv", lang="en_US"):
        """What the dialog sends: every column with the field its header mapped to."""
        wizard, preview = self.preview(model, content, extension, lang)
        self.assertNotIn("error", preview)
        columns = ["/".join(preview["matches"][index]) if preview["matches"].get(index)
                   else False for index in range(len(preview["headers"]))]
        self.assertTrue(all(columns), "unmapped headers: %s" % [
            header for header, column in zip(preview["headers"], columns) if not column])
        return wizard.do(columns, preview["options"], dryrun=dryrun)

    def load_templates(self, lang, extension):
        odoo_lang = "zh_CN" if lang == "zh_CN" else "en_US"
        for kind, model in MODELS:
            content = self.template(kind, lang, extension)
            self.assertEqual(self.load(model, content, True, extension, odoo_lang), [],
                             "Test Import of %s" % kind)
            self.assertEqual(self.load(model, content, False, extension, odoo_lang), [],
                             "import of %s" % kind)

    @staticmethod
    def csv_file(lines):
        stream = io.StringIO()
        csv.writer(stream, lineterminator="\n").writerows(lines)
        return stream.getvalue().encode("utf-8")

    def ref(self, xml_id):
        return self.env.ref(xml_id, raise_if_not_found=False)

    def errors(self, messages):
        return sorted((m["record"], m["message"]) for m in messages if m["type"] == "error")

    # ------------------------------------------------------------------ the templates

    def test_every_template_header_maps_to_a_field_automatically(self):
        for kind, model in MODELS:
            paths = {}
            for lang, odoo_lang in (("en", "en_US"), ("zh_CN", "zh_CN")):
                for extension in ("csv", "xlsx"):
                    preview = self.preview(model, self.template(kind, lang, extension),
                                           extension, odoo_lang)[1]
                    matches = preview["matches"]
                    self.assertTrue(all(matches.get(index) for index in range(
                        len(preview["headers"]))), (kind, lang, extension, matches))
                    paths[lang, extension] = [matches[index] for index in range(
                        len(preview["headers"]))]
            self.assertEqual(len(set(map(str, paths.values()))), 1,
                             "the four files of %s map to the same fields" % kind)

    def assertTemplatesImported(self):
        first = self.ref("old_dms.customer_1001")
        fleet = self.ref("old_dms.customer_1002")
        chen = self.ref("old_dms.customer_1003")
        self.assertEqual(first.name, "王建国")
        self.assertEqual(first.aftersales_user_id.login, "admin", "the officer by login")
        self.assertEqual(fleet.aftersales_user_id, self.officer, "the default officer")
        self.assertEqual((first.aftersales_class_id, first.aftersales_class_pinned),
                         (self.env.ref("aftersales_followup.customer_class_vip"), True))
        self.assertEqual((fleet.do_not_call, fleet.opt_out), (True, False))
        self.assertEqual((chen.do_not_call, chen.opt_out), (False, True))
        self.assertTrue(all(p.aftersales_customer for p in first | fleet | chen))
        vehicle = self.ref("old_dms.vehicle_2001")
        self.assertEqual((vehicle.vin, vehicle.partner_id, vehicle.product_id.name),
                         ("LGWEF4A59MH201001", first, "Sedan S3"))
        self.assertEqual(vehicle.handover_date, "2021-04-18")
        self.assertEqual((vehicle.odometer, vehicle.odometer_date), (58200, "2024-10-09"))
        self.assertEqual(vehicle.last_service_date, "2024-10-09")
        self.assertEqual(sorted(vehicle.reading_ids.mapped("odometer")),
                         [15300, 33100, 58200, 58200])
        self.assertEqual(vehicle.history_count, 3)
        tyres = self.ref("old_dms.ro_3004")
        self.assertEqual((tyres.work_kind, tyres.amount, tyres.source_ref),
                         ("tyres", 3600.0, "RO-3004"))
        self.assertEqual(self.ref("old_dms.ro_3006").work_kind, "body")
        first.invalidate_cache()
        self.assertEqual(first.aftersales_last_visit_date[:10], "2024-10-09")
        self.assertEqual(fleet.aftersales_vehicle_count, 2)

    def test_english_csv_templates_import_as_they_are(self):
        self.load_templates("en", "csv")
        self.assertTemplatesImported()

    def test_chinese_csv_templates_import_as_they_are(self):
        self.load_templates("zh_CN", "csv")
        self.assertTemplatesImported()

    def test_english_xlsx_templates_import_as_they_are(self):
        self.load_templates("en", "xlsx")
        self.assertTemplatesImported()

    def test_chinese_xlsx_templates_import_as_they_are(self):
        self.load_templates("zh_CN", "xlsx")
        self.assertTemplatesImported()

    def test_reimporting_the_templates_updates_and_never_duplicates(self):
        self.load_templates("en", "csv")
        counts = [self.env[model].search_count([]) for _kind, model in MODELS]
        readings = self.env["aftersales.odometer.reading"].search_count([])
        # the same rows again, from the Chinese spreadsheets
        self.load_templates("zh_CN", "xlsx")
        # then the old system corrected a phone number and a plate
        lines = list(csv.reader(io.StringIO(
            self.template("customers", "en", "csv").decode("utf-8"))))
        lines[1][2] = "021-55509999"
        self.assertEqual(self.load("res.partner", self.csv_file(lines), False), [])
        lines = list(csv.reader(io.StringIO(
            self.template("vehicles", "en", "csv").decode("utf-8"))))
        lines[1][2] = "沪A·99999"
        self.assertEqual(self.load("aftersales.vehicle", self.csv_file(lines), False), [])
        self.assertEqual([self.env[model].search_count([]) for _kind, model in MODELS],
                         counts)
        self.assertEqual(self.env["aftersales.odometer.reading"].search_count([]), readings)
        self.assertEqual(self.ref("old_dms.customer_1001").phone, "021-55509999")
        vehicle = self.ref("old_dms.vehicle_2001")
        self.assertEqual((vehicle.license_plate, vehicle.odometer), ("沪A·99999", 58200))
        self.assertEqual(vehicle.history_count, 3)

    # ------------------------------------------------------------------ bad rows

    CUSTOMER_HEADER = ["External ID", "Name", "Follow-up officer", "Do not call",
                       "Customer class/External ID", "Class pinned"]
    VEHICLE_HEADER = ["External ID", "VIN", "License plate", "Vehicle model",
                      "Owner/External ID", "Handover date", "Odometer (km)",
                      "Odometer read on"]
    HISTORY_HEADER = ["External ID", "Source reference", "Customer/External ID",
                      "Vehicle/External ID", "Checked in", "Handed over", "Odometer (km)",
                      "Work"]

    def day(self, offset):
        return self.days_from_today(offset)

    def bad_files(self):
        """One good row and one bad row of each kind, per model."""
        self.env["ir.model.data"].create({
            "module": "bad_dms", "name": "customer_li", "model": "res.partner",
            "res_id": self.customer.id})
        self.env["ir.model.data"].create({
            "module": "bad_dms", "name": "vehicle_li", "model": "aftersales.vehicle",
            "res_id": self.vehicle.id})
        self.vehicle.write({"odometer": 30000, "odometer_date": self.day(-60)})
        model = self.golive_model.name
        create_staff(self.env, "h18_portal", "Portal Pang", ["base.group_portal"])
        customers = [self.CUSTOMER_HEADER,
                     ["bad_dms.customer_1", "Zhou Xin", self.officer.login, "0", "", "0"],
                     ["bad_dms.customer_2", "Wu Hao", "nobody", "0", "", "0"],
                     ["bad_dms.customer_3", "Xu Lan", "h18_portal", "0", "", "0"]]
        vehicles = [self.VEHICLE_HEADER,
                    ["bad_dms.vehicle_1", "LGWEF4A59MH218001", "沪A·18001", model,
                     "bad_dms.customer_li", self.day(-400), "1000", self.day(-300)],
                    ["bad_dms.vehicle_2", "LGWEF4A59MH2180O2", "沪A·18002", model,
                     "bad_dms.customer_li", self.day(-400), "", ""],
                    ["bad_dms.vehicle_3", "LGWEF4A59MH218001", "沪A·18003", model,
                     "bad_dms.customer_li", self.day(-400), "", ""],
                    ["bad_dms.vehicle_4", self.vehicle.vin, "沪A·18004", model,
                     "bad_dms.customer_li", self.day(-400), "", ""],
                    ["bad_dms.vehicle_5", "LGWEF4A59MH218005", "沪A·18005", "Roadster Z9",
                     "bad_dms.customer_li", self.day(-400), "", ""],
                    ["bad_dms.vehicle_6", "LGWEF4A59MH218006", "沪A·18006", model,
                     "bad_dms.customer_li", self.day(3), "", ""],
                    ["bad_dms.vehicle_li", self.vehicle.vin, "沪A·H2001",
                     self.vehicle_model.name, "bad_dms.customer_li", "", "25000",
                     self.day(-10)]]
        other = self.create_customer("Zhang Min")
        other_vehicle = self.create_vehicle(other, license_plate="沪A·H1802")
        self.env["ir.model.data"].create({
            "module": "bad_dms", "name": "vehicle_zhang", "model": "aftersales.vehicle",
            "res_id": other_vehicle.id})
        checkin = "%s 10:00:00"
        history = [self.HISTORY_HEADER,
                   ["bad_dms.ro_1", "RO-1", "bad_dms.customer_li", "bad_dms.vehicle_li",
                    checkin % self.day(-30), "", "31000", "Maintenance"],
                   ["bad_dms.ro_2", "RO-2", "bad_dms.customer_li", "bad_dms.vehicle_zhang",
                    checkin % self.day(-30), "", "0", "Repair"],
                   ["bad_dms.ro_3", "RO-3", "bad_dms.customer_li", "bad_dms.vehicle_li",
                    checkin % self.day(2), "", "0", "Repair"],
                   ["bad_dms.ro_4", "RO-4", "bad_dms.customer_li", "bad_dms.vehicle_li",
                    checkin % self.day(-20), "", "29000", "Tyres"]]
        return other_vehicle, customers, vehicles, history

    def test_test_import_lists_every_bad_row_with_its_reason_and_writes_nothing(self):
        other_vehicle, customers, vehicles, history = self.bad_files()
        vin, plate = self.vehicle.vin, self.vehicle.display_name
        self.assertEqual(self.errors(self.load("res.partner", self.csv_file(customers), True)), [
            (1, "No matching record found for name 'nobody' in field 'Follow-up officer'"),
            (2, "Portal Pang is not one of the dealership's staff: the follow-up officer of "
                "Xu Lan must be an internal user."),
        ])
        self.assertEqual(self.errors(self.load(
            "aftersales.vehicle", self.csv_file(vehicles), True)), [
            (1, "The VIN LGWEF4A59MH2180O2 contains characters not allowed in a VIN (only "
                "digits and letters, except I, O and Q)."),
            (2, "The VIN LGWEF4A59MH218001 is already registered for 沪A·18001 - %s."
                % self.golive_model.name),
            (3, "The VIN %s is already registered for %s." % (vin, plate)),
            (4, "No matching record found for name 'Roadster Z9' in field 'Vehicle model'"),
            (5, "Handover date %s of the vehicle LGWEF4A59MH218006 is in the future."
                % self.day(3)),
            (6, "The odometer of %s cannot go back from 30000 km to 25000 km." % plate),
        ])
        self.assertEqual(self.errors(self.load(
            "aftersales.service.history", self.csv_file(history), True)), [
            (1, "The vehicle %s belongs to Zhang Min, not to Li Wei."
                % other_vehicle.display_name),
            (2, "Checked in %s 02:00:00 is in the future: the service history holds visits "
                "already made." % self.day(2)),
            (3, "The odometer of %s cannot go back from 31000 km (read on %s) to 29000 km "
                "on %s." % (plate, self.day(-30), self.day(-20))),
        ])
        self.assertFalse(self.env["ir.model.data"].search([
            ("module", "=", "bad_dms"), ("name", "like", "_1")]))
        self.assertEqual(self.vehicle.reading_ids.mapped("odometer"), [30000])

    def test_a_real_import_of_a_file_with_bad_rows_imports_nothing(self):
        _other, customers, vehicles, history = self.bad_files()
        partners = self.env["res.partner"].search_count([])
        vehicles_before = self.env["aftersales.vehicle"].search_count([])
        for model, lines in (("res.partner", customers), ("aftersales.vehicle", vehicles),
                             ("aftersales.service.history", history)):
            self.assertTrue(self.errors(self.load(model, self.csv_file(lines), False)))
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(self.env["aftersales.vehicle"].search_count([]), vehicles_before)
        self.assertFalse(self.env["aftersales.service.history"].search(
            [("source_ref", "like", "RO-")]))
        self.assertEqual((self.vehicle.odometer, self.vehicle.odometer_date),
                         (30000, self.day(-60)))

    def test_test_import_gives_the_reasons_in_chinese(self):
        _other, customers, vehicles, _history = self.bad_files()
        customers[0] = ["外部 ID", "名称", "回访专员", "谢绝来电", "客户类别/外部 ID", "固定类别"]
        self.assertEqual([message for _row, message in self.errors(self.load(
            "res.partner", self.csv_file(customers), True, lang="zh_CN"))], [
            "在字段'回访专员'中没找到匹配的记录名称 'nobody'",
            "Portal Pang 不是本店员工：Xu Lan 的回访专员必须是内部用户。"])
        vehicles[0] = ["外部 ID", "车架号（VIN）", "车牌号", "车型", "车主/外部 ID", "交车日期",
                       "里程（公里）", "里程读取日期"]
        texts = " | ".join(message for _row, message in self.errors(self.load(
            "aftersales.vehicle", self.csv_file(vehicles), True, lang="zh_CN")))
        self.assertIn("含有车架号不允许的字符", texts)
        self.assertIn("已登记为车辆 沪A·18001", texts)
        self.assertIn("在字段'车型'中没找到匹配的记录名称 'Roadster Z9'", texts)
        self.assertIn("车辆 LGWEF4A59MH218006 的交车日期（%s）在未来。" % self.day(3), texts)
        self.assertIn("的里程不能从 30000 公里回退到 25000 公里", texts)

    # ------------------------------------------------------------------ day one

    def test_day_one_scheduled_actions_after_the_import(self):
        """Customers, vehicles and history imported: the scheduled actions call only the
        handovers made in Odoo whose window is open, remind only the service really due,
        and send no survey or thank-you email for the history."""
        model = self.golive_model.name
        handover = self.day(-365 * 2 + 180)  # insurance renews in about half a year
        customers = [["External ID", "Name", "Email", "After-sales customer"]] + [
            ["day1.customer_%d" % n, "Day-one customer %d" % n,
             "day1.%d@customer.example.com" % n, "1"] for n in (1, 2, 3)]
        vehicles = [self.VEHICLE_HEADER] + [
            ["day1.vehicle_%d" % n, "LGWEF4A59MH21810%d" % n, "沪D·1810%d" % n, model,
             "day1.customer_%d" % n, handover, "", ""] for n in (1, 2, 3)]
        # the next service: in a week (reminded), in three months (not yet), and a visit
        # handed over two days ago in the old system (no follow-up call: not Odoo's)
        due_soon = fields.Date.from_string(self.today) - relativedelta(months=6, days=-7)
        later = fields.Date.from_string(self.today) - relativedelta(months=3)
        history = [self.HISTORY_HEADER] + [
            ["day1.ro_%d" % n, "D1-%d" % n, "day1.customer_%d" % n, "day1.vehicle_%d" % n,
             "%s 10:00:00" % day, "%s 16:00:00" % day, str(1000 * n), "Maintenance"]
            for n, day in ((1, due_soon), (2, later), (3, self.day(-2)))]
        for model_name, lines in (("res.partner", customers), ("aftersales.vehicle", vehicles),
                                  ("aftersales.service.history", history)):
            self.assertEqual(self.load(model_name, self.csv_file(lines), False), [])
        imported = self.env["res.partner"].search([("name", "like", "Day-one customer")])
        open_window = self.handed_over(3)  # its call is due today
        closed_window = self.handed_over(30)
        self.env["aftersales.need"]._cron_refresh_needs()
        self.run_due_calls()
        self.assertEqual(len(self.calls_of(open_window)), 1)
        self.assertFalse(self.calls_of(closed_window), "its window closed long ago")
        calls = self.env["aftersales.call"].with_context(active_test=False).search(
            [("partner_id", "in", imported.ids)])
        first = self.ref("day1.vehicle_1")
        self.assertEqual(calls.mapped("vehicle_id"), first, "only the service due in a week")
        self.assertEqual(calls.mapped("need_id.kind"), ["service"])
        self.assertEqual(calls.need_id.date_expected, first.next_service_date)
        self.assertFalse(self.env["survey.user_input"].search(
            [("partner_id", "in", imported.ids)]))
        self.assertFalse(self.env["mail.mail"].search([("recipient_ids", "in", imported.ids)]))
        self.assertFalse(self.env["aftersales.letter"].with_context(active_test=False).search(
            [("partner_id", "in", imported.ids)]))

    # ------------------------------------------------------------------ the sample files

    def test_the_sample_dealership_imports_as_it_is(self):
        """tools/make_sample_dealership.py's files (the README's walk-through): a small
        dealership's 50 customers, 60 vehicles and 200 visits over three years."""
        for name, model in (("customers", "res.partner"), ("vehicles", "aftersales.vehicle"),
                            ("service_history", "aftersales.service.history")):
            path = get_module_resource("aftersales_followup", "static", "sample_dealership",
                                       name + ".csv")
            with open(path, "rb") as stream:
                content = stream.read()
            self.assertEqual(self.load(model, content, True), [], "Test Import of " + name)
            self.assertEqual(self.load(model, content, False), [], "import of " + name)
        Data = self.env["ir.model.data"]
        counts = {model: Data.search_count([("module", "=", "sample_dms"),
                                            ("model", "=", model)])
                  for model in ("res.partner", "aftersales.vehicle",
                                "aftersales.service.history")}
        self.assertEqual(counts, {"res.partner": 50, "aftersales.vehicle": 60,
                                  "aftersales.service.history": 200})
        visits = self.env["aftersales.service.history"].browse(Data.search([
            ("module", "=", "sample_dms"),
            ("model", "=", "aftersales.service.history")]).mapped("res_id"))
        self.assertEqual(min(visits.mapped("date_checkin"))[:4], "2022")
        self.assertEqual(max(visits.mapped("date_checkin"))[:4], "2024")
        for vehicle in visits.mapped("vehicle_id"):
            mine = visits.filtered(lambda v: v.vehicle_id == vehicle).sorted("date_checkin")
            self.assertEqual(vehicle.odometer, mine[-1].odometer)
            self.assertEqual(vehicle.last_service_date,
                             vehicle.company_id._aftersales_date_of(mine[-1].date_checkin))
        fleet = self.ref("sample_dms.customer_010")
        self.assertEqual((fleet.aftersales_vehicle_count, fleet.aftersales_class_id),
                         (2, self.env.ref("aftersales_followup.customer_class_fleet")))
