#!/usr/bin/env python3
# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The initial load of a dealer group (issue 18): customers, vehicles and service history
from CSV files of any size, set-based (aftersales.bulk.import), in that order.

    .venv/bin/python tools/import_dealership.py --db DB DIRECTORY_OR_FILE...
    .venv/bin/python tools/import_dealership.py --db DB --customers C.csv --vehicles V.csv \\
        --history H.csv --rejects rejects.csv
    make import FILE=aftersales_followup/static/sample_dealership   # AFTERSALES_DB's db

A directory holds customers.csv, vehicles.csv and service_history.csv (the sample
dealership's names; any of them may be missing); a file is taken by its name. The columns
are the fields' technical names, as in aftersales_followup/static/sample_dealership/ (UTF-8,
comma-separated, a header line; the Import button's template headers are for the dialog).

Good rows go in, bad rows do not: unlike the Import button (where a bad row imports
nothing), each bad row is written to the rejects file (default: rejects.csv next to the
first file; artifacts/rejects.csv for a file of this checkout) with its line and its
reason, in the user's language (--lang), and a corrected file can be loaded again: the
``id`` column's external ids make a second load update the records, never duplicate
them. Each file is committed when it is loaded; the derived state (last visit, odometer,
next service, warranty, needs, customer class) is computed once at the end. A progress
line per step goes to stderr.
"""
import argparse
import csv
import os
import resource
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import odoo_py311  # noqa: E402,F401  (the venv's .pth loads it too; harmless twice)
import odoo  # noqa: E402
import odoo.exceptions  # noqa: E402

FILE_NAMES = {"customers": "customers.csv", "vehicles": "vehicles.csv",
              "service_history": "service_history.csv"}
KINDS = ("customers", "vehicles", "service_history")


def fail(message):
    """Stop with ``message`` and the exit status of an error (2)."""
    sys.stderr.write("error: %s\n" % message)
    sys.exit(2)


def kind_of(path):
    name = os.path.basename(path).lower()
    for kind, word in (("service_history", "history"), ("vehicles", "vehicle"),
                       ("customers", "customer")):
        if word in name:
            return kind
    fail("cannot tell whether %s holds customers, vehicles or service history: name it "
         "customers*.csv, vehicles*.csv or *history*.csv, or use --customers/--vehicles/"
         "--history." % path)


def files_of(args):
    files = {}
    for path in args.paths:
        if os.path.isdir(path):
            for kind, name in FILE_NAMES.items():
                if os.path.exists(os.path.join(path, name)):
                    files[kind] = os.path.join(path, name)
        elif os.path.exists(path):
            files[kind_of(path)] = path
        else:
            fail("%s does not exist." % path)
    for kind, path in (("customers", args.customers), ("vehicles", args.vehicles),
                       ("service_history", args.history)):
        if path:
            files[kind] = path
    if not files:
        fail("no file to load (give a directory or files).")
    return files


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Progress(object):
    """One line per step on stderr: rows and rows per second."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()

    def line(self, text):
        self.stream.write("[%7.1f s] %s\n" % (time.perf_counter() - self.start, text))
        self.stream.flush()

    def rate(self, rows, seconds):
        return "%d rows/s" % (rows / seconds) if seconds > 0 else "-"


def default_rejects(first_file):
    """rejects.csv next to the first file; for a file of this checkout (the sample
    dealership, in an addon's static folder that the web server serves to anyone) the
    checkout's artifacts/ folder instead, out of git and out of reach."""
    folder = os.path.dirname(os.path.abspath(first_file))
    if os.path.commonpath([folder, ROOT]) == ROOT:
        folder = os.path.join(ROOT, "artifacts")
        os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, "rejects.csv")


def load(env, files, rejects_path, company=None, progress=None):
    """Load ``files`` ({kind: path}) into ``env``'s database, committing each file, and
    write the refused rows to ``rejects_path``. Returns {kind: {staged, refused,
    created, updated}} and the derived state's figures under "derived"."""
    progress = progress or Progress()
    Bulk = env["aftersales.bulk.import"]
    company = company or env.user.company_id
    result = {}
    rejects = []
    partner_ids, vehicle_ids = set(), set()
    for kind in KINDS:
        if kind not in files:
            continue
        started = time.perf_counter()
        Bulk._bulk_prepare()
        with open(files[kind], encoding="utf-8-sig", newline="") as stream:
            header, staged = Bulk._bulk_stage(kind, stream)
        staged_s = time.perf_counter() - started
        progress.line("%s: %d rows staged (%s)" % (kind, staged, progress.rate(
            staged, staged_s)))
        started = time.perf_counter()
        loader = getattr(Bulk, "_bulk_load_%s" % (
            "history" if kind == "service_history" else kind))
        created, updated = loader(header, company)
        refused = Bulk._bulk_rejects(kind)
        written_s = time.perf_counter() - started
        rejects += [(files[kind], kind, line, values.get("id") or "", reason)
                    for line, values, reason in refused]
        ids = Bulk._bulk_new_ids(kind)
        if kind == "customers":
            partner_ids.update(ids)
        elif kind == "vehicles":
            vehicle_ids.update(ids)
        else:
            env.cr.execute("SELECT partner_id, vehicle_id FROM aftersales_service_history "
                           "WHERE id IN (SELECT unnest(%s::int[]))", [ids])
            for partner_id, vehicle_id in env.cr.fetchall():
                partner_ids.add(partner_id)
                vehicle_ids.add(vehicle_id)
        env.cr.commit()
        result[kind] = {"staged": staged, "refused": len(refused), "created": created,
                        "updated": updated}
        progress.line("%s: %d validated, %d refused, %d inserted, %d updated (%s)" % (
            kind, staged - len(refused), len(refused), created, updated,
            progress.rate(staged, written_s)))
    started = time.perf_counter()
    # the owners of loaded vehicles too: their counts and last visits
    if vehicle_ids:
        env.cr.execute("SELECT DISTINCT partner_id FROM aftersales_vehicle "
                       "WHERE id IN (SELECT unnest(%s::int[])) AND partner_id IS NOT NULL",
                       [list(vehicle_ids)])
        partner_ids.update(row[0] for row in env.cr.fetchall())

    def derived(model, done, total):
        # about every tenth of the records, and at the end
        if done == total or done * 10 // total != (done - Bulk._bulk_batch()) * 10 // total:
            progress.line("derived state: %s %d / %d" % (model, done, total))
    needs = Bulk._bulk_refresh_derived(sorted(partner_ids), sorted(vehicle_ids), derived)
    env.cr.commit()
    result["derived"] = {"customers": len(partner_ids), "vehicles": len(vehicle_ids),
                         "needs": needs, "seconds": time.perf_counter() - started}
    progress.line("derived state: %d customers, %d vehicles, %d needs in %.1f s" % (
        len(partner_ids), len(vehicle_ids), needs, result["derived"]["seconds"]))
    with open(rejects_path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["file", "kind", "line", "id", "reason"])
        writer.writerows(rejects)
    progress.line("%d refused rows written to %s; peak memory %.0f MB" % (
        len(rejects), rejects_path, peak_mb()))
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Good rows are imported and bad rows are refused (written to the rejects "
               "file with their line and reason); a load can be run again with the same "
               "or corrected files: the external ids of the id column update, never "
               "duplicate. Exit status: 0 when every row was loaded, 1 when rows were "
               "refused, 2 or more on an error (nothing of the file being loaded is "
               "kept; the files before it stay loaded).")
    parser.add_argument("paths", nargs="*", metavar="DIRECTORY_OR_FILE",
                        help="a directory with customers.csv, vehicles.csv and "
                             "service_history.csv, or files named after what they hold")
    parser.add_argument("--db", required=True, help="the database to load into")
    parser.add_argument("--customers", help="CSV file of customers (res.partner)")
    parser.add_argument("--vehicles", help="CSV file of vehicles")
    parser.add_argument("--history", help="CSV file of service history")
    parser.add_argument("--rejects", help="CSV file of the refused rows with their reason "
                                          "(default: rejects.csv next to the first file, "
                                          "artifacts/ for a file of this checkout)")
    parser.add_argument("--company", type=int,
                        help="id of the dealership (res.company) the rows belong to "
                             "(default: the user's company)")
    parser.add_argument("--user", default="admin",
                        help="login of the user the load runs as (its time zone reads the "
                             "datetimes, as the Import button does; default: admin)")
    parser.add_argument("--lang", help="language of the reasons (default: the user's)")
    parser.add_argument("--addons-path", help="Odoo's addons path (default: this checkout "
                                              "and the installed Odoo's addons)")
    args = parser.parse_args(argv)
    files = files_of(args)
    rejects = args.rejects or default_rejects(files[next(k for k in KINDS if k in files)])
    addons = args.addons_path or ",".join(
        [ROOT] + [p for p in odoo.addons.__path__ if os.path.isdir(p)])
    odoo.tools.config.parse_config([
        "-d", args.db, "--addons-path=" + addons, "--log-level=warn",
        "--max-cron-threads=0"])
    progress = Progress()
    registry = odoo.registry(args.db)
    progress.line("database %s opened" % args.db)
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        user = env["res.users"].search([("login", "=", args.user)], limit=1)
        if not user:
            fail("no user with the login %s." % args.user)
        # the load writes what only a supervisor may (the customers' officers, the
        # history): as the Import button would refuse it to anyone else
        if not user.has_group("aftersales_followup.group_aftersales_manager"):
            fail("%s is not an after-sales manager: only a manager loads a dealership."
                 % args.user)
        context = {"lang": args.lang or user.lang or "en_US", "tz": user.tz}
        env = odoo.api.Environment(cr, user.id, context)
        company = env["res.company"].browse(args.company) if args.company else None
        if company and not company.exists():
            fail("no company with the id %s." % args.company)
        try:
            result = load(env, files, rejects, company, progress)
        except odoo.exceptions.UserError as error:
            fail("%s" % error.name)
    refused = sum(r["refused"] for k, r in result.items() if k in KINDS)
    return 1 if refused else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # pylint: disable=broad-except
        # an unexpected failure: its traceback, and the status of an error
        traceback.print_exc()
        sys.exit(3)
