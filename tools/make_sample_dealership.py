#!/usr/bin/env python3
# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Write the sample files of a small dealership going live (issue 18) into
aftersales_followup/static/sample_dealership/: 50 customers, 60 vehicles and 200 service
visits over three years (2022-2024), the same files at every run (a fixed seed).

    .venv/bin/python tools/make_sample_dealership.py

The headers are the fields' technical names, which Odoo 11's import dialog maps in any
language; the officers (``officer``, ``supervisor``) and vehicle models (Sedan S3, SUV X5,
MPV M7) are the demo database's. The README walks through importing them.
"""
import csv
import datetime
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "aftersales_followup", "static", "sample_dealership")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "强", "丽", "涛",
         "明", "超", "霞", "平", "刚", "桂英"]
CITIES = ["上海", "苏州", "杭州", "嘉兴", "无锡"]
MODELS = [("Sedan S3", 11000), ("SUV X5", 14000), ("MPV M7", 18000)]
WORK = ["maintenance"] * 6 + ["repair"] * 2 + ["tyres", "body", "warranty", "other"]
AMOUNTS = {"maintenance": (500, 1500), "repair": (800, 9000), "tyres": (1600, 4800),
           "body": (1200, 12000), "warranty": (0, 0), "other": (100, 600)}
FIRST_DAY, LAST_DAY = datetime.date(2022, 1, 1), datetime.date(2024, 12, 31)


def customers(rng):
    rows = []
    for number in range(1, 51):
        fleet = number % 10 == 0
        name = ("%s顺达物流有限公司" % CITIES[number % len(CITIES)] if fleet
                else rng.choice(SURNAMES) + rng.choice(GIVEN))
        rows.append({
            "id": "sample_dms.customer_%03d" % number,
            "name": name,
            "is_company": "1" if fleet else "0",
            "mobile": "139%08d" % (number * 7919),
            "email": "customer%03d@sample.example.com" % number,
            "city": CITIES[number % len(CITIES)],
            "aftersales_customer": "1",
            "aftersales_user_id": "supervisor" if number % 7 == 0 else "officer",
            "do_not_call": "1" if number % 13 == 0 else "0",
            "opt_out": "1" if number % 11 == 0 else "0",
            "aftersales_class_id/id": "aftersales_followup.customer_class_fleet" if fleet
            else "",
            "aftersales_class_pinned": "1" if fleet else "0",
        })
    return rows


def vehicles_and_visits(rng):
    vehicles, visits = [], []
    # the ten fleet customers have two vehicles each, the others one
    owners = list(range(1, 51)) + list(range(10, 51, 10))
    owners += [number for number in range(3, 51, 9)][:60 - len(owners)]
    visit_counts = [3] * 20 + [4] * 30 + [2] * 10  # 200 visits
    rng.shuffle(visit_counts)
    for number, owner in enumerate(owners, 1):
        model, km_a_year = MODELS[number % len(MODELS)]
        handover = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(1100))
        days = sorted(rng.sample(range((LAST_DAY - FIRST_DAY).days), visit_counts[number - 1]))
        odometer = 0
        last = handover
        for day in days:
            checkin = FIRST_DAY + datetime.timedelta(days=day)
            odometer += int((checkin - last).days * km_a_year / 365.0) + rng.randrange(50)
            last = checkin
            kind = rng.choice(WORK)
            low, high = AMOUNTS[kind]
            visits.append({
                "id": "sample_dms.ro_%04d" % (len(visits) + 1),
                "source_ref": "RO-%04d" % (len(visits) + 1),
                "partner_id/id": "sample_dms.customer_%03d" % owner,
                "vehicle_id/id": "sample_dms.vehicle_%03d" % number,
                "date_checkin": "%s %02d:%02d:00" % (checkin, 8 + rng.randrange(4),
                                                     rng.choice((0, 15, 30, 45))),
                "date_handover": "%s %02d:00:00" % (checkin, 14 + rng.randrange(4)),
                "odometer": str(odometer),
                "work_kind": kind,
                "amount": "%.2f" % (rng.randrange(low, high + 1) if high else 0),
            })
        vehicles.append({
            "id": "sample_dms.vehicle_%03d" % number,
            "vin": "LSGH18%011d" % (number * 104729),
            "license_plate": "沪%s·%05d" % ("ABCDE"[number % 5], number * 37),
            "product_id": model,
            "partner_id/id": "sample_dms.customer_%03d" % owner,
            "handover_date": str(handover),
            "odometer": str(odometer),
            "odometer_date": str(last),
            "year": str(handover.year),
        })
    return vehicles, visits


def write(name, rows):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print("wrote %d rows to %s" % (len(rows), os.path.relpath(path, ROOT)))


def main():
    rng = random.Random(18)
    os.makedirs(OUT, exist_ok=True)
    write("customers.csv", customers(rng))
    vehicles, visits = vehicles_and_visits(rng)
    write("vehicles.csv", vehicles)
    write("service_history.csv", visits)


if __name__ == "__main__":
    main()
