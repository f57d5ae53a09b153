#!/usr/bin/env python3
"""The load and fault test: a production-shaped Odoo (prefork HTTP workers, cron workers,
the long-polling process) on a copy of the demo database, the dealership's staff simulated
by locust (drive.py, in .venv/locust), the scheduled actions and the mail queue running in
the cron workers, one fault injected, then the invariants checked in SQL and at the SMTP
sink. Prints the summary and exits 1 when an invariant does not hold.

    make loadtest ARGS="--fault kill-worker --users 30 --duration 300"
    .venv/bin/python tests/load/run_load.py --source-db aftersales --fault none --duration 30

Faults (one per run): ``none``; ``pg-restart`` (PostgreSQL restarted with pg_ctlcluster:
it stops every connection of the cluster, other databases' too; never in make test);
``kill-worker`` (SIGKILL of the HTTP worker running a chunk job of campaign letters, in
the middle of the chunk); ``smtp-refuse``
(the mail server refuses for ``--smtp-refuse-seconds``); ``two-servers`` (two server
processes, each with its cron workers, on the same database, the staff split between them).
See tests/load/README.md.
"""
import argparse
import collections
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))  # tests/: the reliability helpers

from reliability import common  # noqa: E402
from reliability.smtp_server import SmtpServer  # noqa: E402

FAULTS = ("none", "pg-restart", "kill-worker", "smtp-refuse", "two-servers")
ROLES = ("officer", "supervisor", "parts")
DEMO_USERS = {"officer": "aftersales_followup.user_officer_demo",
              "supervisor": "aftersales_followup.user_supervisor_demo",
              "parts": "aftersales_parts.user_parts_clerk_demo"}
PARTS = ("OF-UNI", "BP-X5-F", "HL-X5-L", "AUR-WP-15")
CRONS = ("aftersales_followup.ir_cron_generate_due_calls",
         "aftersales_followup.ir_cron_campaigns",
         "aftersales_followup.ir_cron_retention",
         "aftersales_followup.ir_cron_requeue_dead_jobs",
         "mail.ir_cron_mail_scheduler_action")
CAMPAIGN_CRON = "aftersales_followup.ir_cron_campaigns"
# queue_job's controller, at DEBUG (the servers' --log-handler): a worker starting a job.
JOB_STARTED = re.compile(r"^<Job (?P<uuid>[0-9a-f-]+), priority:\d+> started$")
# Customers per letter job in the run (the campaign's letters in several chunks).
LETTER_CHUNK = 250
# An email the queue must have sent by now (not one scheduled for later).
DUE = ("COALESCE(NULLIF(scheduled_date, ''), '1970-01-01')::timestamp"
       " <= now() AT TIME ZONE 'UTC'")
LOG_LINE = re.compile(r"^\S+ \S+ (?P<pid>\d+) (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): "
                      r"(?P<message>.*)$")
# The case workflow, as the tracking values show it (selection labels).
CASE_STATES = {"answered": "Answered on the call", "study": "To study",
               "escalated": "Escalated", "solved": "Solved", "informed": "Customer informed"}
STATE_ORDER = {
    "aftersales.call": ["todo", "done"],
    "aftersales.case": ["study", "escalated", "solved", "informed"],
    "aftersales.warranty.claim": ["draft", "submitted", "assessment", "approved",
                                  "rejected", "compensated", "closed"],
    "purchase.order": ["draft", "purchase", "done"],
    "stock.picking": ["done"],
    "aftersales.letter": ["retried"],
}


def env_int(name, default):
    return int(os.environ.get(name) or default)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-db", help="the demo database copied for the run")
    parser.add_argument("--db", help="the run's database (default: SOURCE_load)")
    parser.add_argument("--no-copy", action="store_true",
                        help="--db is already a fresh copy of the demo database")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--fault", choices=FAULTS, default="none")
    parser.add_argument("--users", type=int, default=30, help="simulated staff in all")
    parser.add_argument("--duration", type=float, default=300.0,
                        help="seconds during which flows start")
    parser.add_argument("--max-flows", type=int, default=20000)
    parser.add_argument("--spawn-rate", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=env_int("AFTERSALES_WORKERS", 2) or 2)
    parser.add_argument("--cron-workers", type=int,
                        default=env_int("AFTERSALES_CRON_THREADS", 2))
    parser.add_argument("--cron-poll", type=int, default=10,
                        help="seconds between two polls of a cron worker (Odoo: 60)")
    parser.add_argument("--limit-memory-soft", type=int,
                        default=env_int("AFTERSALES_LIMIT_MEMORY_SOFT", 2048 << 20))
    parser.add_argument("--limit-memory-hard", type=int,
                        default=env_int("AFTERSALES_LIMIT_MEMORY_HARD", 2560 << 20))
    parser.add_argument("--limit-time-cpu", type=int,
                        default=env_int("AFTERSALES_LIMIT_TIME_CPU", 60))
    parser.add_argument("--limit-time-real", type=int,
                        default=env_int("AFTERSALES_LIMIT_TIME_REAL", 120))
    parser.add_argument("--limit-time-real-cron", type=int,
                        default=env_int("AFTERSALES_LIMIT_TIME_REAL_CRON", 900),
                        help="wall-time limit of a cron worker's run, seconds (0: none)")
    parser.add_argument("--customers-per-officer", type=int, default=0,
                        help="default: enough calls for the duration")
    parser.add_argument("--campaign-size", type=int, default=1500,
                        help="customers of the campaign lettered during the load")
    parser.add_argument("--campaign-at", type=float, default=None,
                        help="seconds into the load when the campaign action is due "
                             "(default: a fifth of the duration)")
    parser.add_argument("--fault-at", type=float, default=None,
                        help="seconds into the load when the fault starts (default: 0.3 "
                             "of the duration)")
    parser.add_argument("--smtp-refuse-seconds", type=float, default=120.0)
    parser.add_argument("--smtp-refuse-max", type=float, default=None,
                        help="refuse until a letter has failed, at most this long "
                             "(default: three times --smtp-refuse-seconds)")
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    parser.add_argument("--json", help="write the summary as JSON to this file too")
    parser.add_argument("--workdir", help="keep the logs here (default: a temporary folder, "
                                          "removed when the run passes)")
    args = parser.parse_args(argv)
    if not args.db:
        if not args.source_db:
            parser.error("give --source-db (the demo database) or --db with --no-copy")
        args.db = args.source_db + "_load"
    if args.campaign_at is None:
        args.campaign_at = args.duration / 5.0
    if args.smtp_refuse_max is None:
        args.smtp_refuse_max = 3 * args.smtp_refuse_seconds
    if args.fault_at is None:
        args.fault_at = args.duration * 0.3
    return args


# --------------------------------------------------------------------------- helpers

def say(message):
    print("==> %s" % message, flush=True)


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def addons_path():
    import odoo.addons
    return ",".join([ROOT] + [p for p in odoo.addons.__path__ if os.path.isdir(p)])


def jsonrpc(url, route, params, cookie=None, timeout=60):
    request = urllib.request.Request(
        url + route, data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params,
                                      "id": 1}).encode(),
        headers={"Content-Type": "application/json"})
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.loads(response.read().decode())
        cookie = response.headers.get("Set-Cookie", "").split(";")[0] or cookie
    if "error" in body:
        raise RuntimeError("%s: %s" % (route, body["error"]))
    return body["result"], cookie


class Database(object):
    """The orchestrator's own autocommit connection, reopened after a restart."""

    def __init__(self, name):
        self.name = name
        self.connection = None

    def cursor(self):
        for attempt in range(60):
            try:
                if self.connection is None or self.connection.closed:
                    self.connection = common.connect(self.name)
                cursor = self.connection.cursor()
                cursor.execute("SELECT 1")
                return cursor
            except psycopg2.Error:
                self.close()
                time.sleep(1)
        raise RuntimeError("cannot connect to %s" % self.name)

    def query(self, sql_text, params=None):
        cursor = self.cursor()
        cursor.execute(sql_text, params)
        return cursor.fetchall() if cursor.description else None

    def value(self, sql_text, params=None):
        rows = self.query(sql_text, params)
        return rows[0][0] if rows else None

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except psycopg2.Error:
                pass
        self.connection = None


def copy_database(source, target):
    say("copying %s to %s" % (source, target))
    subprocess.run(["dropdb", "--if-exists", target], check=True)
    done = subprocess.run(["createdb", "-T", source, target], capture_output=True, text=True)
    if done.returncode:
        sys.exit("cannot copy %s (is `make run` still connected to it? stop it first): %s"
                 % (source, done.stderr.strip()))


# --------------------------------------------------------------------------- the data

def split_users(total):
    """Officers, supervisors and parts clerks in the proportions of a dealership's desk."""
    total = max(total, 3)
    supervisors = max(1, round(total * 0.2))
    parts = max(1, round(total * 0.15))
    return {"officer": total - supervisors - parts, "supervisor": supervisors,
            "parts": parts}


def prepare(args, smtp_port):
    """The staff, the customers, the handovers, the campaign and the scheduled actions of
    the run, committed in the run's database. Large sets go in with SQL (the reliability
    tests' loaders); users and vehicles through the ORM (a few dozen)."""
    import odoo
    from odoo import SUPERUSER_ID, api, fields
    odoo.tools.config.parse_config(["-d", args.db, "--addons-path=%s" % addons_path(),
                                    "--log-level=warn", "--max-cron-threads=0"])
    registry = odoo.registry(args.db)
    run = uuid.uuid4().hex[:6]
    counts = split_users(args.users)
    per_officer = args.customers_per_officer or max(8, int(args.duration / 8))
    setup = {"db": args.db, "run": run, "accounts": {}, "phones": {}, "parts": {}}
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"no_reset_password": True,
                                                 "mail_create_nosubscribe": True})
        company = env.ref("base.main_company")
        users = env["res.users"]
        for role in ROLES:
            demo = env.ref(DEMO_USERS[role])
            rows = [{"login": demo.login, "password": demo.login, "rank": 0, "id": demo.id}]
            users |= demo
            for rank in range(1, counts[role]):
                login = "load-%s-%02d" % (role, rank)
                user = env["res.users"].with_context(active_test=False).search(
                    [("login", "=", login)])
                if not user:
                    user = demo.copy({"login": login, "name": "%s %02d" % (demo.name, rank),
                                      "email": "%s@dealer.example.com" % login})
                user.write({"password": login, "active": True})
                rows.append({"login": login, "password": login, "rank": rank, "id": user.id})
                users |= user
            setup["accounts"][role] = rows
        # Staff read their notifications in Odoo: the mail queue carries the customers'
        # emails, which the invariants count.
        users.write({"notification_type": "inbox"})

        # Customers of each officer, with a phone number for the caller lookup, a few
        # vehicles for warranty claims, and two batches of service visits handed over
        # three days ago: the first gets its calls now (the officers' queues), the second
        # from the due-call action running in the cron workers during the load.
        handover_tags = []
        officers = setup["accounts"]["officer"]
        sedan = env.ref("aftersales_followup.product_sedan_s3_demo")
        today = fields.Date.from_string(fields.Date.today())
        for officer in officers:
            tag = "load-%s-o%02d" % (run, officer["rank"])
            partner_ids = common.load_customers(cr, tag, per_officer, company.id,
                                                officer["id"])
            cr.execute("""UPDATE res_partner SET phone = '+86 139 ' || lpad(id::text, 8, '0')
                           WHERE id = ANY(%s) RETURNING phone""", (partner_ids,))
            setup["phones"][officer["login"]] = [row[0][-8:] for row in cr.fetchall()]
            for n, partner_id in enumerate(partner_ids[:3]):
                env["aftersales.vehicle"].create({
                    "vin": "LXA" + uuid.uuid4().hex[:14].upper(),
                    "license_plate": "沪L·%s%d" % (run[:3].upper(), officer["rank"] * 10 + n),
                    "product_id": sedan.id, "partner_id": partner_id,
                    "handover_date": fields.Date.to_string(today - datetime.timedelta(400)),
                    "odometer": 20000, "company_id": company.id})
            common.load_handovers(cr, tag + "-a", per_officer, partner_ids, days_ago=3)
            handover_tags.append(tag + "-a")
        env["res.partner"].invalidate_cache()
        env["aftersales.call"]._cron_generate_due_calls()
        for officer in officers:
            tag = "load-%s-o%02d" % (run, officer["rank"])
            cr.execute("SELECT id FROM res_partner WHERE ref = %s ORDER BY id", (tag,))
            partner_ids = [row[0] for row in cr.fetchall()]
            common.load_handovers(cr, tag + "-b", per_officer, partner_ids, days_ago=3)
            handover_tags.append(tag + "-b")
        setup["handover_tags"] = handover_tags
        setup["rules_per_handover"] = common.followup_rule_count(cr, days_ago=3)

        # The campaign whose notice calls and letters the campaign action makes during
        # the load (its letter deadline has passed: every targeted customer gets one).
        campaign_tag = "load-%s-campaign" % run
        campaign_partners = common.load_customers(cr, campaign_tag, args.campaign_size,
                                                  company.id, officers[0]["id"])
        cr.execute("""UPDATE res_partner p SET aftersales_user_id = (%s::int[])[1 + t.n %% %s]
                        FROM unnest(%s::int[]) WITH ORDINALITY AS t(id, n)
                       WHERE p.id = t.id""",
                   ([o["id"] for o in officers], len(officers), campaign_partners))
        setup["campaign_id"] = common.load_campaign(cr, campaign_tag, company.id,
                                                    officers[0]["id"])
        setup["campaign_size"] = args.campaign_size
        env["ir.config_parameter"].set_param("aftersales.campaign_letter_chunk",
                                             LETTER_CHUNK)

        # A copy of a database made before tools/aftersales.sh cleared them: modules left
        # "to install" stop the cron workers (see clear_uninstallable there).
        cr.execute("UPDATE ir_module_module SET state = 'uninstalled' "
                   "WHERE state = 'to install'")
        # The outgoing mail server: the run's SMTP sink, and only it.
        env["ir.mail_server"].search([]).write({"active": False})
        env["ir.mail_server"].create({
            "name": "Load test sink", "smtp_host": "127.0.0.1", "smtp_port": smtp_port,
            "smtp_encryption": "none", "sequence": 1})

        for code in PARTS:
            product = env["product.product"].search([("default_code", "=", code)], limit=1)
            setup["parts"][code] = product.id
        setup["supplier_id"] = env.ref("aftersales_parts.parts_manufacturer_demo").id
        # The demo's letters sent before the run never reach this run's sink.
        cr.execute("SELECT id FROM aftersales_letter WHERE state = 'sent'")
        setup["sent_before"] = [row[0] for row in cr.fetchall()]
        cr.commit()
    odoo.sql_db.close_all()
    return setup


def schedule_crons(db, campaign_in):
    """The suite's scheduled actions and the mail queue every minute from now (the
    campaign one ``campaign_in`` seconds from now), as a dealer could set them."""
    now = datetime.datetime.utcnow()
    for xmlid in CRONS:
        module, name = xmlid.split(".")
        start = now + datetime.timedelta(seconds=campaign_in if xmlid == CAMPAIGN_CRON else 0)
        db.query("""UPDATE ir_cron SET active = TRUE, interval_number = 1,
                           interval_type = 'minutes', numbercall = -1, nextcall = %s
                     WHERE id = (SELECT res_id FROM ir_model_data
                                  WHERE module = %s AND name = %s)""",
                 (start.strftime("%Y-%m-%d %H:%M:%S"), module, name))


def crons_due_now(db):
    """The administrator's "Run manually" of the drain: every cron of the run due now."""
    for xmlid in CRONS:
        module, name = xmlid.split(".")
        db.query("""UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC'
                     WHERE id = (SELECT res_id FROM ir_model_data
                                  WHERE module = %s AND name = %s)""", (module, name))


# --------------------------------------------------------------------------- servers

class Server(object):
    """One production-shaped Odoo: prefork HTTP workers, cron workers, long-polling."""

    def __init__(self, args, number, workdir):
        self.number = number
        self.port = free_port()
        self.longpolling_port = free_port()
        self.log_path = os.path.join(workdir, "server%d.log" % number)
        self.url = "http://127.0.0.1:%d" % self.port
        command = [
            sys.executable, os.path.join(HERE, "odoo_server.py"),
            "--addons-path=%s" % addons_path(), "-d", args.db, "--db-filter=^%s$" % args.db,
            "--http-interface=127.0.0.1", "--http-port=%d" % self.port,
            "--longpolling-port=%d" % self.longpolling_port,
            "--workers=%d" % args.workers, "--max-cron-threads=%d" % args.cron_workers,
            "--limit-memory-soft=%d" % args.limit_memory_soft,
            "--limit-memory-hard=%d" % args.limit_memory_hard,
            "--limit-time-cpu=%d" % args.limit_time_cpu,
            "--limit-time-real=%d" % args.limit_time_real,
            "--limit-time-real-cron=%d" % args.limit_time_real_cron,
            "--log-level=info", "--logfile=%s" % self.log_path,
            # which worker starts which job (the kill-worker fault's target)
            "--log-handler=odoo.addons.queue_job.controllers.main:DEBUG",
            # The campaign letters are queue_job jobs: the first server runs the job
            # runner, as make run does (one runner per database); every server's workers
            # perform the jobs it hands out (queue_job is installed in the database).
            "--load=%s" % ("web,queue_job" if number == 1 else "web")]
        env = dict(os.environ, AFTERSALES_LOAD_CRON_POLL=str(args.cron_poll),
                   AFTERSALES_LOAD_TIMINGS=os.path.join(workdir, "timings"),
                   ODOO_QUEUE_JOB_CHANNELS=os.environ.get(
                       "AFTERSALES_JOB_CHANNELS", "root:2,root.aftersales:2"))
        self.process = subprocess.Popen(command, env=env, cwd=ROOT,
                                        stdout=subprocess.DEVNULL,
                                        stderr=open(self.log_path + ".err", "w"))

    def wait_ready(self, timeout=240):
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/web/login", timeout=10) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if self.process.poll() is not None or time.time() > deadline:
                raise RuntimeError("server %d did not start; see %s" % (
                    self.number, self.log_path))
            time.sleep(1)
        # The long-polling process (gevent) answers on its own port: a proxy sends
        # /longpolling/ there.
        jsonrpc("http://127.0.0.1:%d" % self.longpolling_port,
                "/web/webclient/version_info", {}, timeout=30)

    def log_lines(self):
        try:
            with open(self.log_path, errors="replace") as log:
                return log.read().splitlines()
        except OSError:
            return []

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --------------------------------------------------------------------------- faults

class Fault(object):
    """What a fault did: its window, what was in flight, and notes for the report."""

    def __init__(self, kind):
        self.kind = kind
        self.start = None
        self.end = None
        self.notes = []
        self.in_flight = []
        self.failed_letters_seen = set()
        self.killed_job = None  # kill-worker: the uuid of the letter job killed

    def as_dict(self):
        return {"kind": self.kind, "start": self.start, "end": self.end,
                "notes": self.notes, "in_flight": self.in_flight,
                "failed_letters_seen": len(self.failed_letters_seen)}


def inject(args, fault, servers, db, smtp, load_started, load_process):
    """Run in a thread while the load runs."""
    def wait_until(moment):
        while time.time() < moment:
            if load_process.poll() is not None:
                return False
            time.sleep(0.05)
        return True

    if fault.kind == "pg-restart":
        if not wait_until(load_started + args.fault_at):
            return
        cluster = subprocess.run(["pg_lsclusters", "-h"], capture_output=True,
                                 text=True).stdout.split()
        version, name = cluster[0], cluster[1]
        fault.in_flight = db.query("""
            SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) FROM pg_stat_activity
             WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid()""",
                                   (args.db,)) or []
        fault.in_flight = [row[0] for row in fault.in_flight]
        db.close()
        fault.start = time.time()
        done = subprocess.run(["pg_ctlcluster", version, name, "restart", "-m", "fast"],
                              capture_output=True, text=True)
        db.cursor()
        fault.end = time.time()
        fault.notes.append("pg_ctlcluster %s %s restart -m fast: exit %d, PostgreSQL "
                           "back after %.1f s" % (
                               version, name, done.returncode, fault.end - fault.start))
    elif fault.kind == "smtp-refuse":
        if not wait_until(load_started + args.fault_at):
            return
        smtp.refuse_at = "MAIL"
        smtp.mode = "refuse"
        fault.start = time.time()
        # Refusing for the given time, and until a letter's email has met the refusal
        # (at most --smtp-refuse-max seconds): a run where the queue did not run in the
        # window would prove nothing.
        while time.time() < fault.start + args.smtp_refuse_seconds or (
                not fault.failed_letters_seen
                and time.time() < fault.start + args.smtp_refuse_max):
            rows = db.query("""SELECT id FROM aftersales_letter
                                WHERE state = 'failed' AND failure_reason LIKE '%550%'""")
            fault.failed_letters_seen.update(row[0] for row in rows)
            time.sleep(1)
        smtp.mode = "accept"
        fault.end = time.time()
        fault.notes.append("the SMTP server refused (550 to MAIL FROM) for %.0f s: %d "
                           "refusals, %d letters seen failed in the register" % (
                               fault.end - fault.start, smtp.counts["refused"],
                               len(fault.failed_letters_seen)))
    elif fault.kind == "kill-worker":
        # The campaign action only plans the letters' chunk jobs; an HTTP worker runs
        # each one. The first chunk seen started is killed in its middle: after its
        # letters' INSERT has run, before its transaction commits.
        pid = job_uuid = None
        while pid is None:
            if load_process.poll() is not None:
                fault.notes.append("no letter job started during the load")
                return
            jobs = {row[0] for row in db.query(
                "SELECT uuid FROM queue_job WHERE identity_key LIKE %s",
                ("aftersales.campaign.letters:%d:%%" % args.setup["campaign_id"],))}
            for server in servers:
                for line in server.log_lines():
                    match = LOG_LINE.match(line)
                    started = match and JOB_STARTED.match(match.group("message"))
                    if started and started.group("uuid") in jobs:
                        pid, job_uuid = int(match.group("pid")), started.group("uuid")
                        break
                if pid:
                    break
            time.sleep(0.02)
        deadline = time.time() + 5
        rows = []
        while time.time() < deadline and not rows:
            rows = db.query("""
                SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90) FROM pg_stat_activity
                 WHERE datname = %s AND pid <> pg_backend_pid()
                   AND state IN ('active', 'idle in transaction')
                   AND (query LIKE '%%INSERT INTO aftersales_letter (%%'
                        OR query LIKE '%%INSERT INTO mail_message (%%'
                        OR query LIKE '%%SELECT id FROM aftersales_letter WHERE id IN%%'
                        OR query LIKE '%%FROM aftersales_letter l%%')""", (args.db,))
            if not rows:
                time.sleep(0.005)
        fault.in_flight = [row[0] for row in rows]
        state = db.value("SELECT state FROM queue_job WHERE uuid = %s", (job_uuid,))
        letters = db.value("SELECT count(*) FROM aftersales_letter WHERE campaign_id = %s",
                           (args.setup["campaign_id"],))
        fault.start = fault.end = time.time()
        os.kill(pid, signal.SIGKILL)
        fault.killed_job = job_uuid
        fault.notes.append(
            "SIGKILL to HTTP worker %d while it ran letter job %s (state %s; %d of %d "
            "letters committed then)" % (pid, job_uuid, state, letters,
                                         args.setup["campaign_size"]))


# --------------------------------------------------------------------------- drain

def drain(args, db, setup, servers, fault):
    """After the load: wait until the scheduled actions have finished what the run gave
    them (every handover called, the campaign lettered, the mail queue empty). Failed
    letters left by a refusing mail server are retried from the register by the
    supervisor, as in the web client."""
    crons_due_now(db)
    deadline = time.time() + args.drain_timeout
    retried = retried_mails = False
    while True:
        state = drain_state(db, setup)
        if state["failed_letters"] and not retried:
            url = servers[0].url
            _uid, cookie = jsonrpc(url, "/web/session/authenticate", {
                "db": args.db, "login": "supervisor", "password": "supervisor"})
            ids = [row[0] for row in db.query(
                "SELECT id FROM aftersales_letter WHERE state = 'failed' AND channel = 'email'")]
            jsonrpc(url, "/web/dataset/call_button", {
                "model": "aftersales.letter", "method": "action_retry", "args": [ids, {}]},
                cookie)
            fault.notes.append("after the load the supervisor retried %d failed letters"
                               % len(ids))
            retried = True
            crons_due_now(db)
            continue
        # Odoo's own emails (the chatter's notices to staff) that the refusing server
        # failed are not in the register: the administrator retries them as Odoo 11 has
        # it, with the "Retry" button of Settings > Technical > Emails (mark_outgoing).
        failed_mails = [row[0] for row in db.query(
            """SELECT id FROM mail_mail WHERE state = 'exception' AND id NOT IN (
                   SELECT mail_id FROM aftersales_letter WHERE mail_id IS NOT NULL)""")]
        if failed_mails and not retried_mails and not state["failed_letters"]:
            _uid, cookie = jsonrpc(servers[0].url, "/web/session/authenticate", {
                "db": args.db, "login": "admin", "password": "admin"})
            jsonrpc(servers[0].url, "/web/dataset/call_button", {
                "model": "mail.mail", "method": "mark_outgoing",
                "args": [failed_mails, {}]}, cookie)
            fault.notes.append("after the load the administrator retried %d failed "
                               "emails of Odoo's own" % len(failed_mails))
            retried_mails = True
            crons_due_now(db)
            continue
        if not any(state.values()):
            return state
        if time.time() > deadline:
            return state
        time.sleep(2)


def drain_state(db, setup):
    return {
        "handovers_without_calls": db.value("""
            SELECT count(*) FROM sale_order s
             WHERE s.name LIKE %s
               AND (SELECT count(*) FROM aftersales_call c
                     WHERE c.sale_order_id = s.id AND c.rule_id IS NOT NULL) < %s""",
                                            ("load-%s-%%" % setup["run"],
                                             setup["rules_per_handover"])),
        "campaign_unfinished": db.value(
            "SELECT count(*) FROM aftersales_campaign WHERE id = %s AND state <> 'done'",
            (setup["campaign_id"],)),
        # the campaign is done once its letters are planned: their jobs may still run
        "jobs_unfinished": db.value(
            "SELECT count(*) FROM queue_job WHERE state IN ('pending', 'enqueued', 'started')"),
        "outgoing_emails": db.value("SELECT count(*) FROM mail_mail WHERE state = 'outgoing'"
                                    " AND " + DUE),
        "failed_letters": db.value(
            "SELECT count(*) FROM aftersales_letter WHERE state = 'failed'"),
    }


# --------------------------------------------------------------------------- invariants

def check_invariants(db, setup, smtp, records, fault, answers):
    """Each invariant: (name, holds, what was found)."""
    results = []

    def add(name, holds, found):
        results.append({"invariant": name, "holds": bool(holds), "found": found})

    dup_calls = db.value("""
        SELECT count(*) FROM (SELECT sale_order_id, rule_id FROM aftersales_call
                               WHERE sale_order_id IS NOT NULL AND rule_id IS NOT NULL
                               GROUP BY 1, 2 HAVING count(*) > 1) d""")
    handovers = db.value("SELECT count(*) FROM sale_order WHERE name LIKE %s",
                         ("load-%s-%%" % setup["run"],))
    missing_calls = db.value("""
        SELECT count(*) FROM sale_order s WHERE s.name LIKE %s
           AND (SELECT count(*) FROM aftersales_call c
                 WHERE c.sale_order_id = s.id AND c.rule_id IS NOT NULL) <> %s""",
                             ("load-%s-%%" % setup["run"], setup["rules_per_handover"]))
    add("one call per handover and rule", dup_calls == 0 and missing_calls == 0,
        "%d handovers of the run x %d rule(s): %d duplicated pairs in the register, "
        "%d handovers without their call" % (handovers, setup["rules_per_handover"],
                                             dup_calls, missing_calls))

    dup_letters = db.value("""
        SELECT count(*) FROM (SELECT campaign_id, partner_id FROM aftersales_letter
                               WHERE campaign_id IS NOT NULL AND kind = 'notice'
                               GROUP BY 1, 2 HAVING count(*) > 1) d""")
    lettered = db.value("""SELECT count(DISTINCT partner_id) FROM aftersales_letter
                            WHERE campaign_id = %s AND kind = 'notice'""",
                        (setup["campaign_id"],))
    add("one letter per customer and campaign",
        dup_letters == 0 and lettered == setup["campaign_size"],
        "campaign of %d customers: %d lettered, %d duplicated (customer, campaign) pairs "
        "in the database" % (setup["campaign_size"], lettered, dup_letters))

    if fault.killed_job:
        # A killed chunk's job stays started (queue_job 11) until the suite's scheduled
        # action requeues it; it must then have run, once.
        state, started = db.query(
            "SELECT state, date_started FROM queue_job WHERE uuid = %s",
            (fault.killed_job,))[0]
        add("the killed letter job was run again", state == "done",
            "job %s is %s (started again at %s UTC)" % (fault.killed_job, state, started))

    # Every case transition in the chatter's tracking values: each case's chain of state
    # changes is unbroken and ends at its state.
    rows = db.query("""
        SELECT c.id, c.state, v.old_value_char, v.new_value_char
          FROM aftersales_case c
          LEFT JOIN mail_message m ON m.model = 'aftersales.case' AND m.res_id = c.id
          LEFT JOIN mail_tracking_value v ON v.mail_message_id = m.id AND v.field = 'state'
         WHERE c.name LIKE 'Load test:%%'
         ORDER BY c.id, m.id, v.id""")
    # The chatter keeps a state's label in the language of who changed it (the demo staff
    # work in Chinese): each label is read back to its state.
    state_of = {label: state for state, label in CASE_STATES.items()}
    for source, translated in db.query("""
            SELECT src, value FROM ir_translation
             WHERE type = 'selection' AND name = 'aftersales.case,state'
               AND COALESCE(value, '') != ''"""):
        if source in state_of:
            state_of[translated] = state_of[source]
    chains = collections.OrderedDict()
    for case_id, state, old, new in rows:
        chain = chains.setdefault(case_id, {"state": state, "steps": []})
        if new is not None:
            chain["steps"].append((old, new))
    broken = []
    transitions = 0
    for case_id, chain in chains.items():
        states = ["study"]
        ok = True
        for old, new in chain["steps"]:
            if old and state_of.get(old, old) != states[-1]:
                ok = False
            states.append(state_of.get(new, new))
            transitions += 1 if old else 0  # not the creation's own line
        if states[-1] != chain["state"]:
            ok = False
        if not ok:
            broken.append(case_id)
    add("every case transition recorded", not broken,
        "%d cases of the run, %d state changes tracked after creation, %d with a gap (%s)" % (
            len(chains), transitions, len(broken), broken[:10]))

    # Emails: counted at the sink by Message-Id, and every letter's email once.
    ids = collections.Counter(m.message_id for m in smtp.messages)
    twice = {mid: n for mid, n in ids.items() if n > 1}
    by_key = collections.Counter((tuple(m.rcpt_to), m.subject) for m in smtp.messages)
    letters = db.query("""
        SELECT l.id, l.state, p.email, l.name FROM aftersales_letter l
          JOIN res_partner p ON p.id = l.partner_id
         WHERE l.channel = 'email' AND NOT l.id = ANY(%s)""", (setup["sent_before"],))
    unsent = [row[0] for row in letters if row[1] != "sent"]
    # Two letters may share recipient and subject (two surveys to one customer): each key
    # must be received as many times as it has sent letters.
    letters_by_key = collections.Counter(((row[2],), row[3]) for row in letters
                                         if row[1] == "sent")
    not_once = [row[0] for row in letters
                if row[1] == "sent" and by_key.get(((row[2],), row[3]))
                != letters_by_key[((row[2],), row[3])]]
    left = dict(db.query("""SELECT state, count(*) FROM mail_mail
                             WHERE state IN ('outgoing', 'exception') AND """ + DUE + """
                             GROUP BY state""") or [])
    add("no email sent twice", not twice,
        "%d messages received by the SMTP sink, %d Message-Ids more than once" % (
            len(smtp.messages), len(twice)))
    add("every queued email sent once", not unsent and not not_once and not left,
        "%d email letters: %d not sent, %d not received exactly once%s; mail queue left: %s"
        % (len(letters), len(unsent), len(not_once), (" (%s)" % ", ".join(
            "letter %s %r to %s: %d" % (row[0], row[3], row[2],
                                        by_key.get(((row[2],), row[3]), 0))
            for row in letters if row[0] in not_once[:5])) if not_once else "",
           left or "empty"))
    if fault.kind == "smtp-refuse":
        seen = sorted(fault.failed_letters_seen)
        sent_after = db.value("""SELECT count(*) FROM aftersales_letter
                                  WHERE id = ANY(%s) AND state = 'sent'""", (seen,))
        add("letter register: failed, then sent",
            smtp.counts["refused"] and seen and sent_after == len(seen),
            "%d emails refused by the SMTP server, %d letters seen failed (550) in the "
            "register during the refusal, %d of them sent at the end" % (
                smtp.counts["refused"], len(seen), sent_after))

    # Requests: no error outside the fault's window (with the seconds the servers need to
    # notice); in the window, the failures are listed.
    margin = 10.0
    requests = [r for r in records if r["type"] == "request"]
    outside, inside, logged_out = [], [], []
    hit = set()
    for request in sorted(requests, key=lambda r: r["start"]):
        if request["ok"]:
            continue
        in_window = fault.start is not None and \
            request["end"] >= fault.start - 1.0 and request["start"] <= fault.end + margin
        if in_window:
            inside.append(request)
            hit.add(request["user"])
        elif request["user"] in hit and "SessionExpired" in (request["error"] or ""):
            # Odoo 11 logs out a session whose request met the database down
            # (odoo/http.py, Root.dispatch); its next request says so, once, and the
            # person logs in again.
            logged_out.append(request)
            hit.discard(request["user"])
        else:
            outside.append(request)
    add("no request failed outside the fault window", not outside,
        "%d requests, %d failed outside the fault window%s, %d inside; %d users logged "
        "out by the fault logged in again" % (
            len(requests), len(outside),
            (" (%s)" % "; ".join(sorted({"%s: %s" % (r["kind"], (r["error"] or "")[:120])
                                         for r in outside})[:5])) if outside else "",
            len(inside), len(logged_out)))
    # A request that started up to limit_time_real before the fault was still in flight.
    errors = [(start, kind, status) for start, kind, status in answers
              if status.startswith("5") and not (
                  fault.start is not None and fault.start - 120 <= start <= fault.end + margin)]
    add("no request answered 500 outside the fault window", not errors,
        "%d answers at the servers, %d with a 5xx status outside the window%s" % (
            len(answers), len(errors),
            " (%s)" % ", ".join("%s %s" % (kind, status) for _s, kind, status in errors[:5])
            if errors else ""))
    if fault.start is not None:
        after = [r for r in requests if r["start"] > fault.end + margin]
        bad = [r for r in after if not r["ok"] and r not in logged_out]
        add("the servers recovered without a restart",
            not bad and (after or fault.kind != "pg-restart"),
            "%d requests after the window, %d failed (besides the logged-out sessions)" % (
                len(after), len(bad)))

    # Nothing half-written: the records each flow reached are in that state or later,
    # and no record is in a state whose companion fields are missing.
    order = STATE_ORDER
    behind = []
    for flow in (r for r in records if r["type"] == "flow"):
        for model, record_id, reached in flow["done"]:
            if model == "aftersales.letter":
                continue
            table = model.replace(".", "_")
            state = db.value("SELECT state FROM %s WHERE id = %%s" % table, (record_id,))
            states = order[model]
            if state is None or (state in states and reached in states
                                 and states.index(state) < states.index(reached)):
                behind.append("%s %s: %s, the flow saw %s" % (model, record_id, state,
                                                              reached))
    half = db.query("""
        SELECT 'call done without its time', count(*) FROM aftersales_call
         WHERE state = 'done' AND date_call IS NULL
        UNION ALL SELECT 'case escalated to nobody', count(*) FROM aftersales_case
         WHERE state = 'escalated' AND supervisor_id IS NULL
        UNION ALL SELECT 'case solved without solution or date', count(*) FROM aftersales_case
         WHERE state IN ('solved', 'informed') AND (date_solved IS NULL OR solution IS NULL)
        UNION ALL SELECT 'case informed without date', count(*) FROM aftersales_case
         WHERE state = 'informed' AND date_informed IS NULL
        UNION ALL SELECT 'claim submitted without date', count(*)
          FROM aftersales_warranty_claim WHERE state <> 'draft' AND date_submitted IS NULL
        UNION ALL SELECT 'claim submitted without acknowledgement', count(*)
          FROM aftersales_warranty_claim c WHERE c.state = 'submitted'
           AND c.symptom LIKE 'Load test:%%'
           AND NOT EXISTS (SELECT 1 FROM aftersales_letter l
                            WHERE l.res_model = 'aftersales.warranty.claim'
                              AND l.res_id = c.id)
        UNION ALL SELECT 'order confirmed without receipt', count(*) FROM purchase_order o
         WHERE o.state = 'purchase' AND NOT EXISTS (
               SELECT 1 FROM stock_move m JOIN purchase_order_line l
                 ON l.id = m.purchase_line_id WHERE l.order_id = o.id)
        UNION ALL SELECT 'receipt done with moves not done', count(*) FROM stock_picking p
         WHERE p.state = 'done' AND EXISTS (SELECT 1 FROM stock_move m WHERE m.picking_id = p.id
                                              AND m.state NOT IN ('done', 'cancel'))
        UNION ALL SELECT 'email letter without its email', count(*) FROM aftersales_letter
         WHERE channel = 'email' AND mail_id IS NULL AND state <> 'sent'
    """)
    found = ["%s: %d" % (name, n) for name, n in half if n]
    add("nothing half-written", not behind and not found,
        "%d flows' records checked: %d behind what the flow saw; %s" % (
            sum(1 for r in records if r["type"] == "flow"), len(behind),
            "; ".join(found + behind[:5]) or "no record with missing companion fields"))
    return results


# --------------------------------------------------------------------------- report

def percentile(values, share):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def server_timings(workdir):
    """Server time by request kind, the statuses answered, and every answer as
    (start, kind, status)."""
    timings = collections.defaultdict(list)
    statuses = collections.Counter()
    answers = []
    directory = os.path.join(workdir, "timings")
    for name in os.listdir(directory) if os.path.isdir(directory) else []:
        with open(os.path.join(directory, name)) as lines:
            for line in lines:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 5:
                    timings[parts[1]].append(float(parts[3]))
                    statuses[parts[2]] += 1
                    answers.append((float(parts[0]), parts[1], parts[2]))
    return timings, statuses, answers


def report(args, setup, stats, records, timings, statuses, fault, invariants, drained,
           servers):
    requests = [r for r in records if r["type"] == "request"]
    flows = [r for r in records if r["type"] == "flow"]
    elapsed = max(stats["ended"] - stats["started"], 1e-6)
    by_kind = collections.defaultdict(list)
    for request in requests:
        by_kind[request["kind"]].append(request)
    lines = []
    out = lines.append
    out("load test: fault %s, %d simulated users (%s), %d server(s) x %d HTTP workers + "
        "%d cron workers, %.0f s" % (
            args.fault, stats["users"], ", ".join("%d %s" % (n, role) for role, n in
                                                  stats["users_by_role"].items()),
            len(servers), args.workers, args.cron_workers, elapsed))
    out("%-44s %7s %6s %8s %8s %8s %8s" % (
        "request kind", "count", "errors", "srv p50", "srv p95", "cli p50", "cli p95"))
    for kind in sorted(by_kind):
        rows = by_kind[kind]
        server = timings.get(kind, [])
        client = [1000 * (r["end"] - r["start"]) for r in rows]
        out("%-44s %7d %6d %6.0fms %6.0fms %6.0fms %6.0fms" % (
            kind[:44], len(rows), sum(1 for r in rows if not r["ok"]),
            1000 * percentile(server, 0.5), 1000 * percentile(server, 0.95),
            percentile(client, 0.5), percentile(client, 0.95)))
    failed = sum(1 for r in requests if not r["ok"])
    out("%-44s %7d %6d   %.1f requests/s; HTTP statuses at the servers: %s" % (
        "all", len(requests), failed, len(requests) / elapsed,
        ", ".join("%s: %d" % item for item in sorted(statuses.items()))))
    flow_counts = collections.Counter(
        (f["name"], "ok" if f["ok"] else "interrupted" if f.get("interrupted") else "failed")
        for f in flows)
    out("flows: " + ", ".join("%s %d%s%s" % (
        name, flow_counts[(name, "ok")],
        " (+%d failed)" % flow_counts[(name, "failed")] if flow_counts[(name, "failed")]
        else "",
        " (+%d interrupted by the end)" % flow_counts[(name, "interrupted")]
        if flow_counts[(name, "interrupted")] else "")
        for name in sorted({f["name"] for f in flows})))
    out("fault: %s" % ("; ".join(fault.notes) or "none injected"))
    if fault.in_flight:
        out("  in flight at the database: %s" % " | ".join(fault.in_flight[:4]))
    if fault.start is not None:
        window = [r for r in requests if r["end"] >= fault.start - 1
                  and r["start"] <= fault.end + 10]
        out("  requests in the window: %d, failed %d: %s" % (
            len(window), sum(1 for r in window if not r["ok"]),
            "; ".join(sorted({"%s: %s" % (r["kind"], (r["error"] or "")[:90])
                              for r in window if not r["ok"]})[:4]) or "-"))
    out("drain: %s" % ", ".join("%s %s" % (k, v) for k, v in drained.items()))
    for item in invariants:
        out("%-4s %s: %s" % ("ok" if item["holds"] else "FAIL", item["invariant"],
                             item["found"]))
    return lines


def main(argv=None):
    args = parse_args(argv)
    workdir = args.workdir or tempfile.mkdtemp(prefix="aftersales-load-")
    os.makedirs(workdir, exist_ok=True)
    if not args.no_copy:
        copy_database(args.source_db, args.db)
    smtp = SmtpServer("accept").start()
    servers = []
    db = Database(args.db)
    load = None
    passed = False
    try:
        say("preparing %s: %d simulated users, the campaign of %d customers" % (
            args.db, args.users, args.campaign_size))
        setup = prepare(args, smtp.port)
        args.setup = setup
        count = 2 if args.fault == "two-servers" else 1
        for number in range(1, count + 1):
            servers.append(Server(args, number, workdir))
        for server in servers:
            server.wait_ready()
        say("server(s) ready: %s (long-polling on %s)" % (
            ", ".join(s.url for s in servers),
            ", ".join(str(s.longpolling_port) for s in servers)))
        setup["hosts"] = [s.url for s in servers]
        setup_path = os.path.join(workdir, "setup.json")
        with open(setup_path, "w") as setup_file:
            json.dump(setup, setup_file)
        schedule_crons(db, args.campaign_at)
        records_path = os.path.join(workdir, "records.jsonl")
        stats_path = os.path.join(workdir, "stats.json")
        python = os.environ.get("AFTERSALES_LOAD_PYTHON") or os.path.join(
            ROOT, ".venv", "locust", "bin", "python")
        say("load: %s for %.0f s (fault: %s)" % (python, args.duration, args.fault))
        load_started = time.time()
        load = subprocess.Popen([
            python, os.path.join(HERE, "drive.py"), "--setup", setup_path,
            "--out", records_path, "--stats", stats_path, "--duration", str(args.duration),
            "--max-flows", str(args.max_flows), "--spawn-rate", str(args.spawn_rate)],
            stdout=open(os.path.join(workdir, "locust.log"), "w"), stderr=subprocess.STDOUT)
        fault = Fault(args.fault)
        injector = threading.Thread(target=inject, args=(
            args, fault, servers, db, smtp, load_started, load), daemon=True)
        injector.start()
        load.wait(args.duration + 600)
        injector.join(args.smtp_refuse_max + 600)  # every fault's own wait is bounded
        if load.returncode:
            with open(os.path.join(workdir, "locust.log")) as log:
                sys.stdout.write(log.read()[-4000:])
            raise RuntimeError("the load tool failed (exit %s)" % load.returncode)
        say("load done; draining the scheduled actions and the mail queue")
        drained = drain(args, db, setup, servers, fault)
        if fault.kind == "two-servers":
            fault.start = fault.end = None
            for server in servers:
                jobs = collections.Counter()
                for line in server.log_lines():
                    match = LOG_LINE.match(line)
                    if match and match.group("message").startswith("Starting job `"):
                        jobs[match.group("message")[14:].split("`")[0]] += 1
                fault.notes.append("server %d's cron workers ran %s" % (server.number, ", ".join(
                    "%s x%d" % item for item in sorted(jobs.items())) or "nothing"))
        with open(stats_path) as stats_file:
            stats = json.load(stats_file)
        with open(records_path) as records_file:
            records = [json.loads(line) for line in records_file if line.strip()]
        with open(os.path.join(workdir, "smtp.jsonl"), "w") as sink_log:
            for message in smtp.messages:
                sink_log.write(json.dumps({"message_id": message.message_id,
                                           "to": message.rcpt_to,
                                           "subject": message.subject}) + "\n")
        for server in servers:
            server.stop()
        timings, statuses, answers = server_timings(workdir)
        invariants = check_invariants(db, setup, smtp, records, fault, answers)
        lines = report(args, setup, stats, records, timings, statuses, fault, invariants,
                       drained, servers)
        print("\n".join(lines), flush=True)
        passed = all(item["holds"] for item in invariants)
        summary = {"fault": fault.as_dict(), "invariants": invariants, "stats": stats,
                   "drain": drained, "passed": passed, "report": lines,
                   "requests": sum(1 for r in records if r["type"] == "request"),
                   "errors": sum(1 for r in records if r["type"] == "request"
                                 and not r["ok"])}
        if args.json:
            with open(args.json, "w") as out:
                json.dump(summary, out, indent=1, default=str)
        return 0 if passed else 1
    finally:
        if load is not None and load.poll() is None:
            load.kill()
        for server in servers:
            server.stop()
        smtp.stop()
        db.close()
        if not args.keep_db and not args.no_copy:
            subprocess.run(["dropdb", "--if-exists", args.db])
        if passed and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        elif not passed:
            print("logs kept in %s" % workdir)


if __name__ == "__main__":
    sys.exit(main())
