#!/usr/bin/env python3
# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Benchmark of the initial load of a dealer group (issue 18).

Part of ``make bench`` (``bash tools/aftersales.sh bench-import ARGS`` alone). It writes
deterministic CSV files of 100,000 customers, 120,000 vehicles and 400,000 service visits
(``--scale 0.01`` for a smoke run), loads them with the command
(``tools/import_dealership.py``, a process of its own: its wall time and peak memory), then
Odoo's standard import (``base_import.import``, what the Import button runs) of the same
columns on a slice (``--slice``, default 1% of the rows: 1,000 / 1,200 / 4,000), scales
its time to the full size and prints the ratio. The counts loaded are checked in SQL and
the script exits non-zero when one is wrong. The database (``aftersales_bench_import``) is
created with the three addons without demo data, or copied from ``--template``.
"""
import argparse
import csv
import datetime
import os
import random
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDONS = "aftersales_followup,aftersales_warranty,aftersales_parts"
MODELS = (("customers", "res.partner"), ("vehicles", "aftersales.vehicle"),
          ("service_history", "aftersales.service.history"))
OPTIONS = {"headers": True, "quoting": '"', "separator": ",", "encoding": "utf-8",
           "date_format": "", "datetime_format": "",
           "float_thousand_separator": ",", "float_decimal_separator": "."}
VEHICLE_MODELS = (("Bench Sedan", 6, 10000), ("Bench SUV", 12, 15000), ("Bench MPV", 6, 0))
OFFICERS = ("bench_import_officer_1", "bench_import_officer_2")
FIRST_DAY = datetime.date(2021, 1, 1)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_due_calls as base  # noqa: E402  (loads the compatibility layer and odoo)
import odoo  # noqa: E402


# ------------------------------------------------------------------------------ the files

def write_files(directory, customers, vehicles, visits, prefix="bench", first=1):
    """Customers, vehicles (the first ``customers`` one each, the rest to every fifth
    customer) and visits (spread over the vehicles, in check-in order, the odometer
    growing) as the command and the Import button read them: the same rows for the same
    arguments."""
    rng = random.Random(18)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "customers.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "is_company", "mobile", "email", "city",
                         "aftersales_customer", "aftersales_user_id", "do_not_call",
                         "opt_out", "aftersales_class_pinned"])
        for number in range(first, first + customers):
            writer.writerow([
                "%s.customer_%07d" % (prefix, number), "客户 %07d" % number,
                int(number % 20 == 0), "139%08d" % number,
                "c%07d@bench.example.com" % number, ("上海", "苏州", "杭州")[number % 3],
                1, OFFICERS[number % 2], int(number % 31 == 0), int(number % 17 == 0), 0])
    history_per_vehicle = {}
    with open(os.path.join(directory, "vehicles.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "vin", "license_plate", "product_id", "partner_id/id",
                         "handover_date", "odometer", "odometer_date", "year"])
        for index in range(vehicles):
            number = first + index
            owner = first + (index if index < customers else (index - customers) * 5
                             % customers)
            handover = FIRST_DAY + datetime.timedelta(days=rng.randrange(0, 700))
            history_per_vehicle[number] = handover
            writer.writerow([
                "%s.vehicle_%07d" % (prefix, number), "LSGBENCH%09d" % number,
                "沪B·%07d" % number, VEHICLE_MODELS[number % 3][0],
                "%s.customer_%07d" % (prefix, owner), handover.isoformat(), "", "",
                handover.year])
    owners = {first + index: first + (index if index < customers else (index - customers)
                                      * 5 % customers) for index in range(vehicles)}
    with open(os.path.join(directory, "service_history.csv"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "source_ref", "partner_id/id", "vehicle_id/id",
                         "date_checkin", "date_handover", "odometer", "work_kind", "amount"])
        per_vehicle = visits // vehicles
        extra = visits - per_vehicle * vehicles
        line = 0
        for index in range(vehicles):
            number = first + index
            day = history_per_vehicle[number]
            odometer = 0
            for _visit in range(per_vehicle + (1 if index < extra else 0)):
                line += 1
                day += datetime.timedelta(days=rng.randrange(60, 150))
                odometer += rng.randrange(2000, 9000)
                kind = ("maintenance", "maintenance", "repair", "tyres")[line % 4]
                writer.writerow([
                    "%s.ro_%08d" % (prefix, first * 10 + line), "RO-%08d" % line,
                    "%s.customer_%07d" % (prefix, owners[number]),
                    "%s.vehicle_%07d" % (prefix, number),
                    "%s 09:30:00" % day.isoformat(), "%s 16:00:00" % day.isoformat(),
                    odometer, kind, "%.2f" % rng.uniform(300, 5000)])
    return {"customers": customers, "vehicles": vehicles,
            "service_history": sum(1 for _ in open(os.path.join(
                directory, "service_history.csv"))) - 1}


# ------------------------------------------------------------------------------ Odoo's import

def standard_import(env, directory, kinds=("customers", "vehicles", "service_history"),
                    names=None):
    """The three files of ``directory`` (``names``: {kind: file name}, default
    KIND.csv) through Odoo's standard import (base_import, as the Import button sends
    them: each header mapped as the dialog maps it), in load order. Returns {kind:
    messages}; a file with an error imports nothing."""
    result = {}
    for kind, model in MODELS:
        if kind not in kinds:
            continue
        path = os.path.join(directory, (names or {}).get(kind, kind + ".csv"))
        if not os.path.exists(path):
            continue
        with open(path, "rb") as stream:
            content = stream.read()
        wizard = env["base_import.import"].create({
            "res_model": model, "file": content, "file_type": "text/csv"})
        # the dialog's options and mapping: parse_preview tells the date formats from
        # the rows and matches the headers (technical names or labels) to fields
        preview = wizard.parse_preview(dict(OPTIONS))
        header = ["/".join(preview["matches"][index]) if preview["matches"].get(index)
                  else False for index in range(len(preview["headers"]))]
        result[kind] = wizard.do(header, preview["options"], dryrun=False)
    return result


# ------------------------------------------------------------------------------ database

def psql(db, query):
    return subprocess.run(["psql", "-d", db, "-tAc", query], check=True,
                          capture_output=True, text=True).stdout.strip()


def create_database(db, template):
    """A copy of ``template``, or a new database with the addons, as the other parts."""
    if not template:
        base.create_database(db, False, ADDONS)
        return
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(["createdb", "-T", template, db], check=True)


def prepare(env):
    """The vehicle models and officers the files name."""
    Product = env["product.product"]
    for name, months, km in VEHICLE_MODELS:
        if not Product.search([("name", "=", name)]):
            Product.create({"name": name, "type": "product",
                            "service_interval_months": months, "service_interval_km": km})
    group = env.ref("aftersales_followup.group_aftersales_user")
    for login in OFFICERS:
        if not env["res.users"].search([("login", "=", login)]):
            env["res.users"].with_context(no_reset_password=True).create({
                "name": login.replace("_", " ").title(), "login": login,
                "groups_id": [(6, 0, [group.id])]})
    env.cr.commit()


def open_env(db):
    odoo.tools.config.parse_config(["-d", db, "--addons-path=" + base.addons_path(),
                                    "--log-level=warn", "--max-cron-threads=0"])
    return odoo.registry(db)


def counts(db, prefix):
    return {kind: int(psql(db, "SELECT count(*) FROM ir_model_data d JOIN %s r ON r.id = "
                               "d.res_id WHERE d.module = '%s' AND d.model = '%s'" % (
                                   table, prefix, model)))
            for kind, model, table in (
                ("customers", "res.partner", "res_partner"),
                ("vehicles", "aftersales.vehicle", "aftersales_vehicle"),
                ("service_history", "aftersales.service.history",
                 "aftersales_service_history"))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="aftersales_bench_import")
    parser.add_argument("--template", help="copy this database instead of installing")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of 100,000 / 120,000 / 400,000 rows (0.01: smoke)")
    parser.add_argument("--slice", type=float, default=0.01,
                        help="fraction of the full size imported the standard way")
    parser.add_argument("--output", default=os.path.join(ROOT, "artifacts",
                                                         "bench_import.txt"))
    args = parser.parse_args()
    os.makedirs(os.path.join(ROOT, "artifacts"), exist_ok=True)
    lines = []

    def say(text):
        print(text, flush=True)
        lines.append(text)
    failures = []
    sizes = [int(n * args.scale) for n in (100000, 120000, 400000)]
    slice_sizes = [max(int(n * args.slice), 1) for n in (100000, 120000, 400000)]
    slice_sizes = [min(a, b) for a, b in zip(slice_sizes, sizes)]
    load = os.getloadavg()
    say("Initial load benchmark (issue 18), %s; %d cores, load average %.2f at start" % (
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), os.cpu_count(), load[0]))
    create_database(args.db, args.template)
    registry = open_env(args.db)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        prepare(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}))
    directory = os.path.join(ROOT, "artifacts", "bench_import_files")
    started = time.perf_counter()
    expected = write_files(directory, *sizes)
    say("files written: %d customers, %d vehicles, %d visits in %.1f s" % (
        expected["customers"], expected["vehicles"], expected["service_history"],
        time.perf_counter() - started))
    # the command, in a process of its own: its wall time and peak memory
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "tools", "import_dealership.py"),
         "--db", args.db, directory, "--rejects", os.path.join(directory, "rejects.csv")],
        stderr=subprocess.PIPE, text=True)
    command_s = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    for line in proc.stderr.splitlines():
        say("  " + line)
    if proc.returncode:
        failures.append("the command exited with %d" % proc.returncode)
    loaded = counts(args.db, "bench")
    rows = sum(expected.values())
    # Odoo's standard import of a slice, on rows of their own (another prefix)
    slice_dir = os.path.join(ROOT, "artifacts", "bench_import_slice")
    write_files(slice_dir, *slice_sizes, prefix="bench_slice", first=9000001)
    slice_rows = sum(slice_sizes)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = env.ref("base.user_root")
        env = odoo.api.Environment(cr, user.id, {"lang": user.lang or "en_US",
                                                 "tz": user.tz})
        started = time.perf_counter()
        messages = standard_import(env, slice_dir)
        standard_s = time.perf_counter() - started
        cr.commit()
    errors = [m for kind in messages for m in messages[kind] if m.get("type") == "error"]
    if errors:
        failures.append("standard import of the slice: %s" % errors[:3])
    sliced = counts(args.db, "bench_slice")
    scaled_s = standard_s * rows / slice_rows
    say("")
    say("%-44s %9s %9s %9s %9s" % ("case", "rows", "wall s", "peak MB", "rows/s"))
    say("%-44s %9d %9.1f %9.0f %9.0f" % (
        "command (customers+vehicles+history)", rows, command_s, peak, rows / command_s))
    say("%-44s %9d %9.1f %9s %9.0f" % ("standard import, slice", slice_rows, standard_s,
                                       "-", slice_rows / standard_s))
    say("%-44s %9d %9.1f %9s %9.0f" % ("standard import, scaled to the full size", rows,
                                       scaled_s, "-", rows / scaled_s))
    say("ratio standard import / command: %.0f x" % (scaled_s / command_s))
    for kind in expected:
        ok = loaded[kind] == expected[kind]
        say("%s %-16s %7d loaded by the command, %7d expected" % (
            "ok  " if ok else "FAIL", kind, loaded[kind], expected[kind]))
        if not ok:
            failures.append("%s: %d loaded, %d expected" % (kind, loaded[kind], expected[kind]))
        ok = sliced[kind] == slice_sizes[("customers", "vehicles",
                                          "service_history").index(kind)]
        if not ok:
            failures.append("slice %s: %d loaded by the standard import" % (kind, sliced[kind]))
    readings = int(psql(args.db, "SELECT count(*) FROM aftersales_odometer_reading r JOIN "
                                 "ir_model_data d ON d.res_id = r.service_history_id AND "
                                 "d.model = 'aftersales.service.history' AND "
                                 "d.module = 'bench'"))
    say("%s %-16s %7d readings of the visits, %7d expected" % (
        "ok  " if readings == expected["service_history"] else "FAIL", "readings", readings,
        expected["service_history"]))
    if readings != expected["service_history"]:
        failures.append("readings: %d" % readings)
    with open(args.output, "w") as out:
        out.write("\n".join(lines) + "\n")
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
