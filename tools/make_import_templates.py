#!/usr/bin/env python3
# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Write the go-live import templates (issue 18) into
aftersales_followup/static/import_templates/: customers, vehicles and service history,
each with English and with Chinese headers, as CSV (UTF-8) and XLSX.

    .venv/bin/python tools/make_import_templates.py

Odoo 11's import dialog maps a column by the field's technical name or by its label in
the user's language: the English headers are the labels an English back office shows,
the Chinese ones those of the Chinese back office (aftersales_followup/i18n/zh_CN.po and
Odoo's own translations). aftersales_followup/tests/test_import_templates.py imports
every file as it is. The example rows are a small dealership's, with the source system's
external ids (``old_dms.*``): re-importing a corrected file updates them. The vehicle
models are the demo's (Sedan S3 or 轿车 S3, SUV X5, MPV M7): replace them with the dealership's.
"""
import csv
import datetime
import io
import os

import xlsxwriter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "aftersales_followup", "static", "import_templates")

# the demo's sedan, by its name in each language (the import looks a name up in the
# user's language)
SEDAN = ("Sedan S3", "轿车 S3")
# (English header, Chinese header) per column; then the example rows. A value given as
# a pair is (English, Chinese): a selection's label in each language.
TEMPLATES = {
    "customers": {
        "columns": [
            ("External ID", "外部 ID"),
            ("Name", "名称"),
            ("Phone", "电话"),
            ("Mobile", "手机"),
            ("Email", "电子邮箱"),
            ("City", "城市"),
            ("After-sales customer", "售后客户"),
            ("Follow-up officer", "回访专员"),
            ("Do not call", "谢绝来电"),
            ("Opt-Out", "退订"),
            ("Customer class/External ID", "客户类别/外部 ID"),
            ("Class pinned", "固定类别"),
        ],
        "rows": [
            ["old_dms.customer_1001", "王建国", "021-55501001", "13800001001",
             "wang.jianguo@example.com", "上海", "1", "admin", "0", "0",
             "aftersales_followup.customer_class_vip", "1"],
            ["old_dms.customer_1002", "上海顺达出租汽车有限公司", "021-55501002",
             "13800001002", "fleet@shunda.example.com", "上海", "1", "", "1", "0", "", "0"],
            ["old_dms.customer_1003", "陈静", "", "13800001003", "chen.jing@example.com",
             "苏州", "1", "admin", "0", "1", "", "0"],
        ],
    },
    "vehicles": {
        "columns": [
            ("External ID", "外部 ID"),
            ("VIN", "车架号（VIN）"),
            ("License plate", "车牌号"),
            ("Vehicle model", "车型"),
            ("Owner/External ID", "车主/外部 ID"),
            ("Handover date", "交车日期"),
            ("Odometer (km)", "里程（公里）"),
            ("Odometer read on", "里程读取日期"),
            ("Model year", "车型年份"),
            ("Color", "颜色"),
        ],
        "rows": [
            ["old_dms.vehicle_2001", "LGWEF4A59MH201001", "沪A·10001", SEDAN,
             "old_dms.customer_1001", "2021-04-18", "58200", "2024-10-09", "2021", "白"],
            ["old_dms.vehicle_2002", "LGWEF4A59MH201002", "沪B·20002", "SUV X5",
             "old_dms.customer_1002", "2022-09-01", "121500", "2025-03-15", "2022", "黑"],
            ["old_dms.vehicle_2003", "LGWEF4A59MH201003", "沪B·20003", "MPV M7",
             "old_dms.customer_1002", "2023-06-20", "43000", "2025-01-10", "2023", "银"],
            ["old_dms.vehicle_2004", "LGWEF4A59MH201004", "苏E·30004", SEDAN,
             "old_dms.customer_1003", "2024-02-02", "9800", "2024-08-05", "2023", "红"],
        ],
    },
    "service_history": {
        "columns": [
            ("External ID", "外部 ID"),
            ("Source reference", "来源单号"),
            ("Customer/External ID", "客户/外部 ID"),
            ("Vehicle/External ID", "车辆/外部 ID"),
            ("Checked in", "进厂时间"),
            ("Handed over", "已交车"),
            ("Odometer (km)", "里程（公里）"),
            ("Work", "作业"),
            ("Amount", "金额"),
        ],
        "rows": [
            ["old_dms.ro_3001", "RO-3001", "old_dms.customer_1001", "old_dms.vehicle_2001",
             "2022-04-20 09:30:00", "2022-04-20 16:00:00", "15300",
             ("Maintenance", "保养"), "680.00"],
            ["old_dms.ro_3002", "RO-3002", "old_dms.customer_1001", "old_dms.vehicle_2001",
             "2023-05-06 10:00:00", "2023-05-08 17:30:00", "33100", ("Repair", "维修"),
             "4250.00"],
            ["old_dms.ro_3003", "RO-3003", "old_dms.customer_1001", "old_dms.vehicle_2001",
             "2024-10-09 08:45:00", "2024-10-09 15:00:00", "58200",
             ("Maintenance", "保养"), "920.00"],
            ["old_dms.ro_3004", "RO-3004", "old_dms.customer_1002", "old_dms.vehicle_2002",
             "2024-03-12 09:00:00", "2024-03-12 12:00:00", "80500", ("Tyres", "轮胎"),
             "3600.00"],
            ["old_dms.ro_3005", "RO-3005", "old_dms.customer_1002", "old_dms.vehicle_2002",
             "2025-03-15 09:15:00", "2025-03-15 16:30:00", "121500",
             ("Maintenance", "保养"), "1150.00"],
            ["old_dms.ro_3006", "RO-3006", "old_dms.customer_1002", "old_dms.vehicle_2003",
             "2025-01-10 13:00:00", "2025-01-14 11:00:00", "43000",
             ("Body and paint", "钣金喷漆"), "5800.00"],
            ["old_dms.ro_3007", "RO-3007", "old_dms.customer_1003", "old_dms.vehicle_2004",
             "2024-08-05 10:30:00", "2024-08-05 14:00:00", "9800",
             ("Maintenance", "保养"), "0.00"],
        ],
    },
}
LANGUAGES = (("en", 0), ("zh_CN", 1))


def table(kind, language):
    """The header and the rows of one template in one language (0 English, 1 Chinese)."""
    spec = TEMPLATES[kind]
    header = [column[language] for column in spec["columns"]]
    rows = [[value[language] if isinstance(value, tuple) else value for value in row]
            for row in spec["rows"]]
    return [header] + rows


def write_csv(path, lines):
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\n").writerows(lines)
    with open(path, "w", encoding="utf-8") as out:
        out.write(stream.getvalue())


def write_xlsx(path, lines):
    book = xlsxwriter.Workbook(path)
    # a fixed creation date: the same rows give the same file
    book.set_properties({"created": datetime.datetime(2026, 1, 1)})
    sheet = book.add_worksheet()
    for line, values in enumerate(lines):
        for column, value in enumerate(values):
            # every cell as text, as a dealer system exports (a VIN or a plate is no number)
            sheet.write_string(line, column, value)
    sheet.set_column(0, len(lines[0]) - 1, 22)
    book.close()


def main():
    os.makedirs(OUT, exist_ok=True)
    for kind in TEMPLATES:
        for suffix, language in LANGUAGES:
            lines = table(kind, language)
            base = os.path.join(OUT, "%s_%s" % (kind, suffix))
            write_csv(base + ".csv", lines)
            write_xlsx(base + ".xlsx", lines)
            print("wrote %s.csv and .xlsx" % os.path.relpath(base, ROOT))


if __name__ == "__main__":
    main()
