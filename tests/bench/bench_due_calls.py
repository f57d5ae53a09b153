#!/usr/bin/env python3
"""Benchmark of the due-call scheduled action and of campaign generation (issue 9).

Run it with ``make bench`` (or ``bash tools/aftersales.sh bench ARGS``): it creates its own
database (``aftersales_bench``, dropped and re-created unless ``--reuse``), installs the three
addons without demo data, loads synthetic customers, vehicles and service visits set-based,
and prints one line per measurement:

1. the due-call scheduled action over N handovers spread over the last 30 days;
2. the same action run again (nothing new is due: a near no-op);
3. a campaign for 10,000 targeted customers (notice calls, then letters and queued emails);
4. a naive ORM baseline (per handover: search, create the call, create its activity) against
   the scheduled action on the same kind of data, and the ratio of their cost per handover;
5. the query plan of the officer's "Due today" list over 1,000,000 calls.

Every run checks its counts against an independent SQL computation and the script exits
non-zero when one is wrong. The table is also written to ``artifacts/bench.txt``.
"""
import argparse
import datetime
import os
import platform
import resource
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDONS = "aftersales_followup,aftersales_warranty,aftersales_parts"
SERVICE_RULE = "aftersales_followup.followup_rule_service_handover"
PAGE = os.sysconf("SC_PAGE_SIZE")
ADDONS_DIR = ROOT  # --addons-dir: e.g. an exported commit, while the work tree is in flux

sys.path.insert(0, os.path.join(ROOT, "tools"))
import odoo_py311  # noqa: E402,F401  (the venv's .pth loads it too; harmless twice)
import odoo  # noqa: E402
from odoo import fields  # noqa: E402

FAILURES = []
LINES = []


def say(text=""):
    print(text, flush=True)
    LINES.append(text)


def fail(text):
    FAILURES.append(text)
    say("FAIL: " + text)


# ------------------------------------------------------------------------------ database

def addons_path():
    paths = [ADDONS_DIR] + [p for p in odoo.addons.__path__ if os.path.isdir(p)]
    return ",".join(paths)


def db_exists(db):
    out = subprocess.run(
        ["psql", "-d", "postgres", "-tAc",
         "SELECT 1 FROM pg_database WHERE datname = '%s'" % db.replace("'", "''")],
        check=True, capture_output=True, text=True).stdout
    return out.strip() == "1"


def create_database(db, reuse, addons):
    if reuse and db_exists(db):
        say("reusing database %s" % db)
        return
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    log_path = os.path.join(ROOT, "artifacts", "bench_install.log")
    start = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.run(
            [sys.executable, os.path.join(ROOT, "tools", "odoo-bin"), "-d", db,
             "--addons-path=" + addons_path(), "-i", addons, "--without-demo=all",
             "--stop-after-init", "--log-level=warn", "--max-cron-threads=0"],
            stdout=log, stderr=subprocess.STDOUT)
    if proc.returncode:
        sys.exit("error: installing %s into %s failed, see %s" % (addons, db, log_path))
    say("database %s created, %s installed without demo data in %.0f s"
        % (db, addons, time.perf_counter() - start))


def columns(cr, table):
    cr.execute("""SELECT column_name, is_nullable = 'NO' AND column_default IS NULL
                    FROM information_schema.columns WHERE table_name = %s""", (table,))
    return dict(cr.fetchall())


def insert_select(cr, table, values, source, params):
    """INSERT INTO table (cols) SELECT exprs FROM source, with the columns that exist in
    this version of the schema; fails clearly when a NOT NULL column is not filled."""
    cols = columns(cr, table)
    # Odoo's warning selections (sale_warn, picking_warn, purchase_warn...) are NOT NULL.
    values = dict(values, **{c: "'no-message'" for c, required in cols.items()
                             if required and c.endswith("_warn") and c not in values})
    missing = sorted(c for c, required in cols.items() if required and c not in values)
    if missing:
        sys.exit("error: the benchmark does not fill the NOT NULL columns %s of %s: "
                 "add them to tests/bench/bench_due_calls.py" % (", ".join(missing), table))
    names = [c for c in values if c in cols]
    cr.execute("INSERT INTO %s (%s) SELECT %s FROM %s" % (
        table, ", ".join(names), ", ".join(values[c] for c in names), source), params)
    return cr.rowcount


# ------------------------------------------------------------------------------ data

def ensure_officers(env, count):
    """``count`` follow-up officers (ORM: users need their partner, groups, rights)."""
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True,
                                          mail_create_nosubscribe=True)
    group = env.ref("aftersales_followup.group_aftersales_user")
    existing = Users.search([("login", "=like", "bench_officer_%")], order="login")
    for i in range(len(existing), count):
        existing |= Users.create({
            "name": "Bench officer %02d" % (i + 1),
            "login": "bench_officer_%02d" % (i + 1),
            "email": "officer%02d@bench.example.com" % (i + 1),
            "groups_id": [(6, 0, [group.id])],
        })
    officers = existing[:count]
    company = env.ref("base.main_company")
    if not company.aftersales_default_user_id:
        company.aftersales_default_user_id = officers[0]
    env.cr.commit()
    return officers.ids


def load_handovers(env, tag, n, officer_ids, mode):
    """n customers, each with a vehicle and a confirmed service visit handed over:
    mode 'spread': over the last 30 days (about 43% inside the rule's window, the others
    not yet due or expired); 'due': all inside the window; 'old': 40 to 400 days ago.
    About 3% of the customers are do-not-call, 2% have no officer (the company's default
    officer applies), 10% have no email and 6% opted out of email."""
    cr = env.cr
    start = time.perf_counter()
    days = {"spread": "1 + mod(g * 7919, 30)", "due": "3 + mod(g, 13)",
            "old": "40 + mod(g * 7919, 360)"}[mode]
    cr.execute("DROP TABLE IF EXISTS bench_rows")
    cr.execute("""
        CREATE TEMP TABLE bench_rows AS
        SELECT g, nextval('res_partner_id_seq')::int AS pid,
               nextval('aftersales_vehicle_id_seq')::int AS vid,
               nextval('sale_order_id_seq')::int AS oid,
               date_trunc('day', now() AT TIME ZONE 'UTC')
                   - make_interval(days => (DAYS)::int)
                   + make_interval(hours => (3 + mod(g, 9))::int, mins => mod(g, 60)::int)
                   AS handover,
               CASE WHEN mod(g, 47) = 0 THEN NULL
                    ELSE (%(officers)s::int[])[(1 + mod(g * 13, %(nofficers)s))::int]
               END AS officer
          FROM generate_series(1::bigint, %(n)s) AS g
    """.replace("DAYS", days), {"officers": officer_ids, "nofficers": len(officer_ids), "n": n})
    params = {"tag": tag, "uid": odoo.SUPERUSER_ID,
              "company": env.ref("base.main_company").id,
              "pricelist": env["product.pricelist"].search([], limit=1).id,
              "warehouse": env["stock.warehouse"].search([], limit=1).id,
              "team": env["crm.team"].search([], limit=1).id or None,
              "country": env.ref("base.cn").id}
    now = "now() AT TIME ZONE 'UTC'"
    insert_select(cr, "res_partner", {
        "id": "pid", "name": "'Bench customer ' || %(tag)s || '-' || g",
        "display_name": "'Bench customer ' || %(tag)s || '-' || g",
        "ref": "'bench-' || %(tag)s || '-' || g", "company_id": "%(company)s",
        "commercial_partner_id": "pid", "active": "TRUE", "customer": "TRUE",
        "supplier": "FALSE", "employee": "FALSE", "is_company": "FALSE", "type": "'contact'",
        "lang": "'en_US'", "country_id": "%(country)s", "city": "'Beijing'",
        "street": "g || ' Chang''an Avenue'", "zip": "'100000'",
        "email": "CASE WHEN mod(g, 10) = 0 THEN NULL "
                 "ELSE 'c' || %(tag)s || '-' || g || '@bench.example.com' END",
        "phone": "'+86 10 ' || lpad(pid::text, 8, '0')",
        "mobile": "'+86 139 ' || lpad(pid::text, 8, '0')",
        "opt_out": "mod(g, 17) = 0", "color": "0", "partner_share": "TRUE",
        "message_bounce": "0",
        "aftersales_customer": "TRUE", "aftersales_user_id": "officer",
        "do_not_call": "mod(g, 31) = 0", "aftersales_fleet_size": "0",
        "aftersales_satisfaction_avg": "0", "aftersales_last_visit_date": "handover",
        "create_uid": "%(uid)s", "create_date": now, "write_uid": "%(uid)s",
        "write_date": now,
    }, "bench_rows", params)
    insert_select(cr, "aftersales_vehicle", {
        "id": "vid", "vin": "'LSVB' || lpad(vid::text, 13, '0')",
        "license_plate": "'京B' || lpad(mod(vid, 100000)::text, 5, '0')",
        "name": "'京B' || lpad(mod(vid, 100000)::text, 5, '0')",
        "partner_id": "pid", "odometer": "5000 + mod(g * 37, 90000)",
        "odometer_date": "handover::date", "year": "2015 + mod(g, 10)",
        "handover_date": "(handover - interval '2 years')::date",
        "company_id": "%(company)s", "active": "TRUE",
        "create_uid": "%(uid)s", "create_date": now, "write_uid": "%(uid)s",
        "write_date": now,
    }, "bench_rows", params)
    insert_select(cr, "sale_order", {
        "id": "oid", "name": "'BENCH/' || %(tag)s || '/' || lpad(g::text, 6, '0')",
        "origin": "%(tag)s", "state": "'sale'",
        "date_order": "handover - interval '1 day'",
        "confirmation_date": "handover - interval '1 day'",
        "user_id": "%(uid)s", "partner_id": "pid", "partner_invoice_id": "pid",
        "partner_shipping_id": "pid", "pricelist_id": "%(pricelist)s",
        "invoice_status": "'no'", "amount_untaxed": "0", "amount_tax": "0",
        "amount_total": "0", "company_id": "%(company)s", "team_id": "%(team)s",
        "picking_policy": "'direct'", "warehouse_id": "%(warehouse)s",
        "aftersales_kind": "'service'", "vehicle_id": "vid",
        "odometer_in": "5000 + mod(g * 37, 90000)",
        "checkin_date": "handover - interval '1 day'", "handover_date": "handover",
        "create_uid": "%(uid)s", "create_date": now, "write_uid": "%(uid)s",
        "write_date": now,
    }, "bench_rows", params)
    cr.execute("DROP TABLE bench_rows")
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE aftersales_vehicle")
    cr.execute("ANALYZE sale_order")
    cr.commit()
    env.clear()
    return time.perf_counter() - start


def handover_facts(env, tag):
    """Independent expectation for the orders of ``tag``: which are due under the service
    rule (handover day + delay <= today <= handover day + window, in the user's tz)."""
    rule = env.ref(SERVICE_RULE)
    cr = env.cr
    cr.execute("""
        CREATE TEMP TABLE IF NOT EXISTS bench_expect (
            order_id int PRIMARY KEY, due boolean, dnc boolean, expired boolean)
    """)
    cr.execute("DELETE FROM bench_expect")
    cr.execute("""
        INSERT INTO bench_expect
        SELECT so.id,
               d.day + %(delay)s <= %(today)s AND d.day + %(window)s >= %(today)s,
               COALESCE(p.do_not_call, FALSE),
               d.day + %(window)s < %(today)s
          FROM sale_order so
          JOIN res_partner p ON p.id = so.partner_id
          CROSS JOIN LATERAL (SELECT (so.handover_date AT TIME ZONE 'UTC'
                                      AT TIME ZONE %(tz)s)::date AS day) d
         WHERE so.origin = %(tag)s
    """, {"tag": tag, "delay": rule.delay_days, "window": rule.window_days,
          "today": today_of(env), "tz": env.user.tz or "UTC"})
    cr.execute("""SELECT count(*), count(*) FILTER (WHERE due),
                         count(*) FILTER (WHERE due AND dnc), count(*) FILTER (WHERE expired)
                    FROM bench_expect""")
    total, due, due_dnc, expired = cr.fetchone()
    return {"total": total, "due": due, "due_dnc": due_dnc, "expired": expired}


def check_handover_calls(env, label):
    """Compare the calls of the orders in bench_expect with what they should be."""
    cr = env.cr
    rule = env.ref(SERVICE_RULE)
    cr.execute("""
        WITH per_order AS (
            SELECT e.order_id, e.due, e.dnc, e.expired,
                   count(c.id) AS calls,
                   count(c.id) FILTER (WHERE c.state = 'todo') AS todo,
                   count(c.id) FILTER (WHERE c.state = 'cancelled') AS cancelled
              FROM bench_expect e
              LEFT JOIN aftersales_call c
                ON c.sale_order_id = e.order_id AND c.rule_id = %(rule)s
             GROUP BY e.order_id, e.due, e.dnc, e.expired
        ), act AS (
            SELECT c.id, c.state,
                   count(a.id) AS activities,
                   count(a.id) FILTER (WHERE a.user_id = c.user_id
                                         AND a.date_deadline = c.date_due) AS good
              FROM bench_expect e
              JOIN aftersales_call c ON c.sale_order_id = e.order_id AND c.rule_id = %(rule)s
              LEFT JOIN mail_activity a
                ON a.res_model = 'aftersales.call' AND a.res_id = c.id
             GROUP BY c.id
        )
        SELECT (SELECT count(*) FROM per_order WHERE due AND calls = 1),
               (SELECT count(*) FROM per_order WHERE due AND calls = 0),
               (SELECT count(*) FROM per_order WHERE calls > 1),
               (SELECT count(*) FROM per_order WHERE NOT due AND calls > 0),
               (SELECT count(*) FROM per_order WHERE expired AND calls > 0),
               (SELECT count(*) FROM per_order WHERE dnc AND calls > cancelled),
               (SELECT count(*) FROM per_order WHERE due AND NOT dnc AND todo != 1),
               (SELECT count(*) FROM act WHERE state = 'cancelled' AND activities > 0),
               (SELECT count(*) FROM act WHERE state = 'todo' AND (activities != 1
                                                                  OR good != 1))
    """, {"rule": rule.id})
    (ok, missing, duplicated, not_due, expired, dnc_called, not_todo, dnc_activity,
     bad_activity) = cr.fetchone()
    problems = [
        (missing, "due handovers without a call"),
        (duplicated, "handovers with more than one call"),
        (not_due, "calls for handovers not due (not yet, or window expired)"),
        (expired, "calls for expired windows"),
        (dnc_called, "do-not-call customers with a call not cancelled"),
        (not_todo, "due handovers of callable customers whose call is not 'todo'"),
        (dnc_activity, "cancelled (do-not-call) calls with an activity"),
        (bad_activity, "todo calls without exactly one activity for the officer on the due"
                       " day"),
    ]
    for count, what in problems:
        if count:
            fail("%s: %d %s" % (label, count, what))
    return ok


# ------------------------------------------------------------------------------ measuring

class Measure:
    """Wall time, queries issued on the cursor, and the peak growth of the process's
    resident memory (sampled every 5 ms from /proc/self/statm by a thread)."""

    def __init__(self, cr):
        self.cr = cr

    @staticmethod
    def rss():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE

    def _sample(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.rss())

    def __enter__(self):
        self.base = self.peak = self.rss()
        self.maxrss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        self.queries0 = self.cr.sql_log_count
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        self.queries = self.cr.sql_log_count - self.queries0
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())
        self.peak_mb = (self.peak - self.base) / 1048576.0
        self.maxrss_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                          - self.maxrss0) / 1024.0
        return False


HEADER = "%-34s %9s %9s %9s %9s %8s %10s" % (
    "case", "N", "created", "wall s", "queries", "peak MB", "per s")
ROWS = []


def row(case, n, created, m):
    rate = created / m.wall if m.wall and created else 0.0
    line = "%-34s %9d %9d %9.2f %9d %8.1f %10.0f" % (
        case, n, created, m.wall, m.queries, max(m.peak_mb, m.maxrss_mb), rate)
    ROWS.append(line)
    say(line)


def today_of(env):
    return fields.Date.context_today(env["aftersales.call"])


BATCH_SIZE = {}  # --batch-size: passed to the scheduled action when given


def run_cron(env):
    return env["aftersales.call"]._cron_generate_due_calls(commit=True, **BATCH_SIZE)


# ------------------------------------------------------------------------------ parts 1 and 2

def bench_due_calls(env, n, officer_ids, results, mode="spread"):
    tag = "%s%d" % (mode, n)
    say("\n-- parts 1 and 2, N = %d: loading customers, vehicles, service visits %s" % (
        n, "handed over in the last 30 days" if mode == "spread"
        else "all inside the follow-up window"))
    load_s = load_handovers(env, tag, n, officer_ids, mode)
    facts = handover_facts(env, tag)
    say("   loaded in %.1f s: %d handovers, %d due (%d do-not-call), %d expired windows, "
        "%d not yet due" % (load_s, facts["total"], facts["due"], facts["due_dnc"],
                            facts["expired"],
                            facts["total"] - facts["due"] - facts["expired"]))
    say(HEADER)
    suffix = "" if mode == "spread" else " (all due)"
    with Measure(env.cr) as m1:
        created = run_cron(env)["created"]
    row("1 due calls" + suffix, n, created, m1)
    if created != facts["due"]:
        fail("N=%d: the scheduled action created %d calls, %d handovers are due"
             % (n, created, facts["due"]))
    check_handover_calls(env, "N=%d first run" % n)
    with Measure(env.cr) as m2:
        created2 = run_cron(env)["created"]
    row("2 due calls again (no-op)" + suffix, n, created2, m2)
    if created2:
        fail("N=%d: the second run created %d calls (must be 0)" % (n, created2))
    check_handover_calls(env, "N=%d second run" % n)
    results[(mode, n)] = {"first": m1, "second": m2, "created": created,
                          "due": facts["due"]}


# ------------------------------------------------------------------------------ part 6

def bench_classify(env):
    """Issue 10: re-classify every after-sales customer (one statement) and again."""
    env.cr.execute("SELECT count(*) FROM res_partner WHERE aftersales_customer AND active")
    n = env.cr.fetchone()[0]
    say("\n-- part 6: re-classifying %d after-sales customers" % n)
    say(HEADER)
    Class = env["aftersales.customer.class"]
    with Measure(env.cr) as m1:
        changed = Class._cron_classify_customers(commit=True)
    row("6 classify customers", n, changed, m1)
    with Measure(env.cr) as m2:
        again = Class._cron_classify_customers(commit=True)
    row("6 classify again (no change)", n, again, m2)
    if again:
        fail("re-classifying twice changed %d customers the second time" % again)


# ------------------------------------------------------------------------------ part 3

def bench_campaign(env, n, officer_ids):
    say("\n-- part 3: campaign for %d targeted customers" % n)
    if "aftersales.campaign" not in env.registry:
        say("skipped: campaigns not installed")
        return
    # The letters in this process, one transaction per campaign (queue_job's synchronous
    # mode): the single-process path; bench_campaign_jobs.py runs them as jobs.
    Campaign = env["aftersales.campaign"].with_context(test_queue_job_no_delay=True)
    tag = "camp%d" % n
    load_s = load_handovers(env, tag, n, officer_ids, "old")
    say("   %d customers loaded in %.1f s (their last visits are 40-400 days old)"
        % (n, load_s))
    today = fields.Date.from_string(today_of(env))
    template = env.ref("aftersales_followup.mail_template_campaign_notice",
                       raise_if_not_found=False)
    vals = {"name": "Bench club event %s" % tag, "kind": "club_event",
            "date_event": fields.Date.to_string(today + datetime.timedelta(days=15)),
            "target_domain": repr([("ref", "=like", "bench-%s-%%" % tag)])}
    if template:
        vals["mail_template_id"] = template.id
    campaign = Campaign.create(vals)
    say(HEADER)
    with Measure(env.cr) as m:
        campaign.action_schedule()
        env.cr.commit()
    row("3 campaign scheduled", n, 0, m)
    # The notice date comes (event in 14 days): the daily action phones everyone.
    campaign.write({"date_event": fields.Date.to_string(today + datetime.timedelta(days=14))})
    env.cr.commit()
    with Measure(env.cr) as m:
        Campaign._cron_run_campaigns(commit=True)
    calls = count_campaign(env, campaign, "calls")
    row("3 campaign notice calls", n, calls, m)
    check_campaign_calls(env, campaign, tag)
    # Two days later the letter deadline: every remaining customer gets a letter.
    campaign.write({"date_event": fields.Date.to_string(today + datetime.timedelta(days=12))})
    env.cr.commit()
    with Measure(env.cr) as m:
        Campaign._cron_run_campaigns(commit=True)
    letters = count_campaign(env, campaign, "letters")
    row("3 campaign letters + emails", n, letters, m)
    check_campaign_letters(env, campaign, tag)
    with Measure(env.cr) as m:
        Campaign._cron_run_campaigns(commit=True)
    row("3 campaign action again (no-op)", n, count_campaign(env, campaign, "letters")
        - letters, m)
    env.clear()


def count_campaign(env, campaign, what):
    table = {"calls": "aftersales_call", "letters": "aftersales_letter"}[what]
    env.cr.execute("SELECT count(*) FROM %s WHERE campaign_id = %%s" % table, (campaign.id,))
    return env.cr.fetchone()[0]


def check_campaign_calls(env, campaign, tag):
    env.cr.execute("""
        WITH t AS (
            SELECT p.id, COALESCE(p.do_not_call, FALSE) AS dnc,
                   count(c.id) AS calls,
                   count(c.id) FILTER (WHERE c.state = 'todo') AS todo,
                   count(a.id) AS activities
              FROM res_partner p
              LEFT JOIN aftersales_call c ON c.partner_id = p.id AND c.campaign_id = %(c)s
              LEFT JOIN mail_activity a
                ON a.res_model = 'aftersales.call' AND a.res_id = c.id
             WHERE p.ref LIKE %(like)s
             GROUP BY p.id
        )
        SELECT count(*), count(*) FILTER (WHERE calls > 1),
               count(*) FILTER (WHERE NOT dnc AND (todo != 1 OR activities != 1)),
               count(*) FILTER (WHERE dnc AND (todo > 0 OR activities > 0))
          FROM t
    """, {"c": campaign.id, "like": "bench-%s-%%" % tag})
    total, dup, bad, dnc = env.cr.fetchone()
    for count, what in [(dup, "customers with more than one notice call"),
                        (bad, "callable customers without exactly one todo call and "
                              "one activity"),
                        (dnc, "do-not-call customers with a call to do or an activity")]:
        if count:
            fail("campaign: %d of %d %s" % (count, total, what))


def check_campaign_letters(env, campaign, tag):
    env.cr.execute("""
        WITH t AS (
            SELECT p.id, COALESCE(p.do_not_call, FALSE) AND COALESCE(p.opt_out, FALSE)
                       AS no_letter,
                   COALESCE(p.email, '') != '' AND NOT COALESCE(p.opt_out, FALSE) AS email,
                   count(l.id) AS letters,
                   count(l.id) FILTER (WHERE l.channel = 'email') AS emails,
                   count(m.id) FILTER (WHERE m.state = 'outgoing') AS queued
              FROM res_partner p
              LEFT JOIN aftersales_letter l
                ON l.partner_id = p.id AND l.campaign_id = %(c)s AND l.kind = 'notice'
              LEFT JOIN mail_mail m ON m.id = l.mail_id
             WHERE p.ref LIKE %(like)s
             GROUP BY p.id
        )
        SELECT count(*), count(*) FILTER (WHERE letters > 1),
               count(*) FILTER (WHERE NOT no_letter AND letters != 1),
               count(*) FILTER (WHERE no_letter AND letters > 0),
               count(*) FILTER (WHERE letters = 1 AND (emails = 1) != email),
               count(*) FILTER (WHERE emails = 1 AND queued != 1)
          FROM t
    """, {"c": campaign.id, "like": "bench-%s-%%" % tag})
    total, dup, missing, unwanted, channel, unqueued = env.cr.fetchone()
    for count, what in [(dup, "customers with more than one notice letter"),
                        (missing, "customers without their notice letter after the deadline"),
                        (unwanted, "do-not-call and opted-out customers with a letter"),
                        (channel, "letters on the wrong channel (email vs post)"),
                        (unqueued, "email letters without an outgoing email in the queue")]:
        if count:
            fail("campaign: %d of %d %s" % (count, total, what))


# ------------------------------------------------------------------------------ part 4

def naive_generate(env, tag):
    """What a typical addon would do: per handover, search for an existing call, create
    the call and its activity through the ORM, one by one.

    Each order is browsed on its own: iterating over the whole recordset instead makes
    Odoo 11 re-read up to 1,000 prefetched partners and orders after every create (the
    creates invalidate their cached fields), a cost that grows with the batch (measured:
    about 0.75 handovers per second after 600 handovers); browsing one by one keeps the
    baseline's cost per handover constant, which is the fair comparison."""
    # As the suite's own code: the rule, state and dates of a call are guarded fields,
    # which only the suite's scheduled actions and buttons set.
    Call = env["aftersales.call"]._aftersales_trusted()
    Activity = env["mail.activity"]
    rule = env.ref(SERVICE_RULE)
    activity_type = env.ref("mail.mail_activity_data_call")
    model_id = env["ir.model"]._get("aftersales.call").id
    today = fields.Date.from_string(today_of(env))
    since = fields.Datetime.to_string(
        datetime.datetime.combine(today, datetime.time())
        - datetime.timedelta(days=rule.window_days + 2))
    order_ids = env["sale.order"].search([
        ("origin", "=", tag), ("aftersales_kind", "=", "service"),
        ("handover_date", ">=", since)], order="id").ids
    created = 0
    for order_id in order_ids:
        order = env["sale.order"].browse(order_id)
        day = fields.Datetime.context_timestamp(
            order, fields.Datetime.from_string(order.handover_date)).date()
        if not day + datetime.timedelta(days=rule.delay_days) <= today \
                <= day + datetime.timedelta(days=rule.window_days):
            continue
        if Call.search([("sale_order_id", "=", order.id), ("rule_id", "=", rule.id)],
                       limit=1):
            continue
        partner = order.partner_id
        user = partner.aftersales_user_id or order.company_id.aftersales_default_user_id
        due = fields.Date.to_string(day + datetime.timedelta(days=rule.delay_days))
        call = Call.create({
            "name": "%s - %s" % (partner.name, order.name),
            "partner_id": partner.id, "vehicle_id": order.vehicle_id.id,
            "rule_id": rule.id, "sale_order_id": order.id, "purpose": "followup",
            "state": "cancelled" if partner.do_not_call else "todo",
            "date_due": due,
            "date_expiry": fields.Date.to_string(
                day + datetime.timedelta(days=rule.window_days)),
            "user_id": user.id, "company_id": order.company_id.id,
        })
        if not partner.do_not_call and user:
            Activity.create({
                "res_model_id": model_id, "res_id": call.id,
                "activity_type_id": activity_type.id, "summary": "Follow-up call",
                "date_deadline": due, "user_id": user.id,
            })
        created += 1
    return created


def bench_naive(env, n, officer_ids, results):
    say("\n-- part 4: naive ORM baseline vs the scheduled action, %d handovers each" % n)
    load_handovers(env, "naive-orm%d" % n, n, officer_ids, "due")
    load_handovers(env, "naive-ours%d" % n, n, officer_ids, "due")
    say(HEADER)
    facts = handover_facts(env, "naive-orm%d" % n)
    with Measure(env.cr) as naive:
        created = naive_generate(env, "naive-orm%d" % n)
        env.cr.commit()
    row("4 naive ORM loop", n, created, naive)
    if created != facts["due"]:
        fail("naive baseline created %d calls, %d due" % (created, facts["due"]))
    check_handover_calls(env, "naive baseline")
    env.clear()
    facts = handover_facts(env, "naive-ours%d" % n)
    with Measure(env.cr) as ours:
        ours_created = run_cron(env)["created"]
    row("4 scheduled action, same size", n, ours_created, ours)
    if ours_created != facts["due"]:
        fail("scheduled action created %d calls for the %d fresh handovers, %d due"
             % (ours_created, n, facts["due"]))
    check_handover_calls(env, "scheduled action on %d fresh handovers" % n)
    per_naive = naive.wall / max(created, 1)
    per_ours = ours.wall / max(ours_created, 1)
    say("   per handover: naive %.2f ms (%.0f queries), ours %.3f ms (%.2f queries); "
        "ratio naive/ours = %.0f" % (
            per_naive * 1000, naive.queries / max(created, 1), per_ours * 1000,
            ours.queries / max(ours_created, 1), per_naive / per_ours))
    results["ratio"] = per_naive / per_ours
    if results["runs"]:
        big = max(results["runs"], key=lambda key: results[key]["created"])
        first = results[big]["first"]
        per_big = first.wall / max(results[big]["created"], 1)
        say("   ours over %d due handovers: %.3f ms per handover; ratio naive/ours = %.0f"
            % (results[big]["created"], per_big * 1000, per_naive / per_big))
        results["ratio_big"] = per_naive / per_big


# ------------------------------------------------------------------------------ part 5

def load_history(env, count, officer_ids):
    """``count`` calls of history, set-based, spread over the officers, three years of due
    dates and the states (70% done, 15% expired, 3% cancelled, 8% to do, 4% no answer)."""
    cr = env.cr
    start = time.perf_counter()
    cr.execute("SELECT array_agg(id ORDER BY id) FROM res_partner WHERE ref LIKE %s",
               ("bench-%",))
    partners = cr.fetchone()[0]
    params = {"officers": officer_ids, "nofficers": len(officer_ids),
              "partners": partners, "npartners": len(partners),
              "company": env.ref("base.main_company").id, "uid": odoo.SUPERUSER_ID,
              "today": today_of(env)}
    state = ("CASE WHEN mod(g, 100) < 70 THEN 'done' WHEN mod(g, 100) < 85 THEN 'expired' "
             "WHEN mod(g, 100) < 88 THEN 'cancelled' WHEN mod(g, 100) < 96 THEN 'todo' "
             "ELSE 'no_answer' END")
    due = ("CASE WHEN mod(g, 100) < 88 THEN %(today)s::date - mod(g * 7, 1095)::int "
           "ELSE %(today)s::date - mod(g, 20)::int + 5 END")
    now = "now() AT TIME ZONE 'UTC'"
    chunk = 200000
    for first in range(1, count + 1, chunk):
        last = min(first + chunk - 1, count)
        insert_select(cr, "aftersales_call", {
            "name": "'Bench history call ' || g",
            "partner_id": "(%(partners)s::int[])[(1 + mod(g * 7919, %(npartners)s))::int]",
            "direction": "CASE WHEN mod(g, 10) = 0 THEN 'in' ELSE 'out' END",
            "purpose": "CASE WHEN mod(g, 10) = 0 THEN 'consultation' ELSE 'followup' END",
            "state": state, "date_due": due,
            "date_expiry": "GREATEST(%s, %%(today)s::date) + 12" % due,
            "user_id": "(%(officers)s::int[])[(1 + mod(g * 7, %(nofficers)s))::int]",
            "date_call": "CASE WHEN mod(g, 100) < 70 THEN (%s) + interval '10 hours' END" % due,
            "satisfaction": "CASE WHEN mod(g, 100) < 70 THEN (1 + mod(g, 5))::text END",
            "date_first_attempt": "CASE WHEN mod(g, 100) < 70 OR mod(g, 100) >= 96 "
                                  "THEN (%s) + interval '10 hours' END" % due,
            "attempt_count": "CASE WHEN mod(g, 100) >= 96 THEN 1 ELSE 0 END",
            "company_id": "%(company)s", "active": "TRUE",
            "create_uid": "%(uid)s", "create_date": now, "write_uid": "%(uid)s",
            "write_date": now,
        }, "generate_series(%d::bigint, %d) AS g" % (first, last), params)
        cr.commit()
    cr.execute("ANALYZE aftersales_call")
    cr.commit()
    env.clear()
    return time.perf_counter() - start


def capture_queries(cr, func):
    captured = []
    execute = cr.execute

    def spy(query, params=None, log_exceptions=None):
        captured.append((query, params))
        return execute(query, params, log_exceptions)

    cr.execute = spy
    try:
        func()
    finally:
        del cr.execute
    return captured


def bench_due_today_plan(env, count, officer_ids, results):
    say("\n-- part 5: the officer's \"Due today\" list over %d calls" % count)
    env.cr.execute("SELECT count(*) FROM aftersales_call")
    existing = env.cr.fetchone()[0]
    if existing < count:
        load_s = load_history(env, count - existing, officer_ids)
        say("   %d history calls loaded in %.0f s" % (count - existing, load_s))
    env.cr.execute("SELECT count(*) FROM aftersales_call")
    total = env.cr.fetchone()[0]
    officer = env["res.users"].browse(officer_ids[1 % len(officer_ids)])
    today = today_of(env)
    domain = [("user_id", "=", officer.id), ("state", "in", ["todo", "no_answer"]),
              ("date_due", "<=", today)]
    Call = env(user=officer.id)["aftersales.call"]
    result = []
    queries = capture_queries(env.cr, lambda: result.extend(Call.search_read(
        domain, ["name", "partner_id", "vehicle_id", "date_due", "state", "user_id"],
        limit=80)))
    search = [(q, p) for q, p in queries
              if 'FROM "aftersales_call"' in q and "LIMIT" in q.upper()]
    if not search:
        fail("part 5: the search query of search_read was not captured")
        return
    query, params = search[0]
    say("   %d calls in the table; officer %s sees %d rows (limit 80); the list's query:"
        % (total, officer.login, len(result)))
    say("   " + env.cr.mogrify(query, params).decode())
    env.cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params)
    plan = [r[0] for r in env.cr.fetchall()]
    for line in plan:
        say("   | " + line)
    seq = any("Seq Scan on aftersales_call" in line for line in plan)
    indexes = sorted({line.split(" using ")[1].split()[0] if " using " in line
                      else line.split(" on ")[1].split()[0]
                      for line in plan if "Index Scan" in line or "Index Only Scan" in line
                      or "Bitmap Index Scan" in line})
    summary = "plan: %s; indexes used: %s" % (
        "SEQUENTIAL SCAN of aftersales_call" if seq else "no sequential scan of "
        "aftersales_call", ", ".join(indexes) or "none")
    say("   " + summary)
    results["plan"] = summary
    if seq or not indexes:
        fail("part 5: the \"Due today\" list does not use an index")
    # The cost of the scheduled action must not follow the size of the history.
    say(HEADER)
    with Measure(env.cr) as m:
        created = run_cron(env)["created"]
    row("5 due calls, %dk calls history" % (total // 1000), total, created, m)
    results["noop_history"] = m


# ------------------------------------------------------------------------------ main

def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()
    return "%s, %d cores, load average %.2f %.2f %.2f at start, Python %s" % (
        cpu, os.cpu_count(), load[0], load[1], load[2], platform.python_version())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="aftersales_bench")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database if it exists (the data of earlier runs "
                             "stays, as history)")
    parser.add_argument("--sizes", default="10000,100000",
                        help="handovers of parts 1-2, comma-separated (default 10000,100000)")
    parser.add_argument("--due-sizes", default="100000",
                        help="handovers of parts 1-2 all inside the follow-up window "
                             "(default 100000; empty: none)")
    parser.add_argument("--naive", type=int, default=1000,
                        help="handovers of the naive baseline (part 4)")
    parser.add_argument("--campaign", type=int, default=10000,
                        help="targeted customers of the campaign (part 3)")
    parser.add_argument("--history", type=int, default=1000000,
                        help="calls in the table for the query plan (part 5)")
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--addons", default=ADDONS,
                        help="addons installed in a new database (default: the three)")
    parser.add_argument("--batch-size", type=int,
                        help="batch size of the due-call action (default: its own)")
    parser.add_argument("--addons-dir", default=ROOT,
                        help="directory holding the three addons (default: this clone)")
    parser.add_argument("--parts", default="1,2,3,4,5,6",
                        help="which parts to run (1 and 2 always run together)")
    parser.add_argument("--output", default=os.path.join(ROOT, "artifacts", "bench.txt"))
    args = parser.parse_args()
    global ADDONS_DIR
    ADDONS_DIR = os.path.abspath(args.addons_dir)
    if args.batch_size:
        BATCH_SIZE["batch_size"] = args.batch_size
    sizes = [("spread", int(s)) for s in args.sizes.split(",") if s.strip()]
    sizes += [("due", int(s)) for s in args.due_sizes.split(",") if s.strip()]
    parts = {p.strip() for p in args.parts.split(",")}

    os.makedirs(os.path.join(ROOT, "artifacts"), exist_ok=True)
    say("After-sales benchmark (issue 9), %s" % datetime.datetime.now().strftime(
        "%Y-%m-%d %H:%M"))
    say("machine: " + machine())
    create_database(args.db, args.reuse, args.addons)
    odoo.tools.config.parse_config([
        "-d", args.db, "--addons-path=" + addons_path(), "--log-level=warn",
        "--max-cron-threads=0"])
    registry = odoo.registry(args.db)
    results = {"runs": []}
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute("SHOW server_version")
        say("PostgreSQL %s, database %s, today is %s (%s)" % (
            cr.fetchone()[0], args.db, today_of(env), env.user.tz or "UTC"))
        officer_ids = ensure_officers(env, args.officers)
        if parts & {"1", "2"}:
            for mode, n in sizes:
                bench_due_calls(env, n, officer_ids, results, mode)
                results["runs"].append((mode, n))
        if "3" in parts:
            bench_campaign(env, args.campaign, officer_ids)
        if "4" in parts:
            bench_naive(env, args.naive, officer_ids, results)
        if "5" in parts:
            bench_due_today_plan(env, args.history, officer_ids, results)
        if "6" in parts:
            bench_classify(env)
        cr.commit()
    summary(results)
    with open(args.output, "w") as out:
        out.write("\n".join(LINES) + "\n")
    print("(written to %s)" % os.path.relpath(args.output, ROOT))
    if FAILURES:
        print("\n%d CHECK(S) FAILED:\n  %s" % (len(FAILURES), "\n  ".join(FAILURES)),
              file=sys.stderr)
        sys.exit(1)


def summary(results):
    say("\n== summary (wall s and peak MB measured in this process; the machine was shared)")
    say(HEADER)
    for line in ROWS:
        say(line)
    targets = []
    runs = results["runs"]
    if runs:
        most = max(runs, key=lambda key: results[key]["due"])
        first = results[most]["first"]
        targets.append(("%d due handovers under 20 s" % results[most]["due"],
                        first.wall < 20, "%.1f s" % first.wall))
        last = runs[-1]
        second = results[last]["second"]
        history = sum(n for _mode, n in runs)
        targets.append(("second run under 1 s (%d handovers of history)" % history,
                        second.wall < 1, "%.2f s" % second.wall))
        counts = [results[key]["second"].queries for key in runs]
        targets.append(("second run: constant number of queries", len(set(counts)) == 1,
                        "/".join(str(c) for c in counts) + " queries after "
                        + "/".join("%d%s" % (n, "" if mode == "spread" else " due")
                                   for mode, n in runs)))
        peak = max(max(results[key]["first"].peak_mb, results[key]["first"].maxrss_mb)
                   for key in runs)
        targets.append(("memory growth under 200 MB", peak < 200, "%.0f MB" % peak))
    if "ratio" in results:
        targets.append(("ours >= 100x faster per handover than the naive loop",
                        results["ratio"] >= 100, "%.0fx at the same size%s" % (
                            results["ratio"], ", %.0fx vs the largest run" %
                            results["ratio_big"] if "ratio_big" in results else "")))
    if "plan" in results:
        targets.append(("\"Due today\" uses an index", "no sequential" in results["plan"],
                        results["plan"]))
    for what, ok, value in targets:
        say("%-4s %-52s %s" % ("ok" if ok else "MISS", what, value))


if __name__ == "__main__":
    main()
