"""What the reliability tests share: the reliability database, set-based loaders of
committed data, and the scheduled actions run in processes of their own.

The concurrency and crash tests need committed data and several connections, which
pytest-odoo's rolled-back transaction cannot give: they work on the database named by
``AFTERSALES_RELIABILITY_DB`` (``make test`` creates it as a copy of the fresh test
database, ``${AFTERSALES_TEST_DB}_rel``). Every test loads its own data under a unique tag
and counts only its own records, so reruns on the same database are fine.
"""
import datetime
import json
import os
import re
import subprocess
import sys
import time
import uuid

import psycopg2
from psycopg2 import sql
import pytest

import odoo

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUN_CRON = os.path.join(HERE, "run_cron.py")
# What a user would see as an error in a worker's log.
ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL)\b|Traceback \(most recent call last\)")


def reliability_db():
    """The database of the reliability tests, or skip with the reason."""
    name = os.environ.get("AFTERSALES_RELIABILITY_DB")
    if not name:
        pytest.skip("AFTERSALES_RELIABILITY_DB is not set: these tests need committed data "
                    "in a database of their own (make test creates ${AFTERSALES_TEST_DB}_rel; "
                    "by hand: createdb -T aftersales_test aftersales_test_rel)")
    if name == odoo.tools.config["db_name"]:
        pytest.fail("AFTERSALES_RELIABILITY_DB must not be the database pytest-odoo tests in "
                    "(%s): these tests commit" % name)
    return name


def connect(db):
    """A plain autocommit connection to ``db`` (the tests' own, outside Odoo)."""
    _dsn, info = odoo.sql_db.connection_info_for(db)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    return connection


def new_tag(kind):
    """A tag no other run uses: names, references and emails of a test's records."""
    return "h6rel-%s-%s" % (kind, uuid.uuid4().hex[:10])


def main_company(cr):
    """(company, warehouse, pricelist) of the first warehouse: where the orders go."""
    cr.execute("SELECT company_id, id FROM stock_warehouse ORDER BY id LIMIT 1")
    company_id, warehouse_id = cr.fetchone()
    cr.execute("SELECT id FROM product_pricelist ORDER BY id LIMIT 1")
    return company_id, warehouse_id, cr.fetchone()[0]


def load_customers(cr, tag, count, company_id, user_id, do_not_call_every=0,
                   email_every=1):
    """``count`` after-sales customers (ref = ``tag``), one INSERT. Every
    ``do_not_call_every``-th asked not to be phoned; every ``email_every``-th has an email
    address (0: none). Returns their ids in order."""
    # The *_warn columns (sale, stock, purchase...) are NOT NULL: fill every one installed.
    cr.execute("""SELECT column_name FROM information_schema.columns
                   WHERE table_name = 'res_partner' AND column_name LIKE '%%\\_warn'
                   ORDER BY column_name""")
    warn_columns = [row[0] for row in cr.fetchall()]
    query = sql.SQL("""
        INSERT INTO res_partner (
            name, display_name, ref, active, customer, supplier, employee, is_company, type,
            company_id, aftersales_customer, aftersales_user_id, do_not_call, opt_out, email,
            lang, {warn_columns},
            create_uid, create_date, write_uid, write_date)
        SELECT %(tag)s || ' customer ' || i, %(tag)s || ' customer ' || i, %(tag)s,
               TRUE, TRUE, FALSE, FALSE, FALSE, 'contact',
               %(company)s, TRUE, %(user)s,
               %(dnc)s > 0 AND i %% GREATEST(%(dnc)s, 1) = 0, FALSE,
               CASE WHEN %(email)s > 0 AND i %% GREATEST(%(email)s, 1) = 0
                    THEN %(tag)s || '.' || i || '@customer.example.com' END,
               'en_US', {warn_values},
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(count)s) AS i
        RETURNING id
    """).format(warn_columns=sql.SQL(", ").join(map(sql.Identifier, warn_columns)),
                warn_values=sql.SQL(", ").join([sql.Literal("no-message")] * len(warn_columns)))
    cr.execute(query, {"tag": tag, "count": count, "company": company_id, "user": user_id,
                       "dnc": do_not_call_every, "email": email_every})
    ids = sorted(row[0] for row in cr.fetchall())
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", (ids,))
    return ids


def load_handovers(cr, tag, count, partner_ids, days_ago=5):
    """``count`` confirmed service visits (name ``tag/n``) handed over ``days_ago`` days
    ago, round-robin over ``partner_ids``, one INSERT. Returns their ids in order."""
    company_id, warehouse_id, pricelist_id = main_company(cr)
    cr.execute("""
        INSERT INTO sale_order (
            name, partner_id, partner_invoice_id, partner_shipping_id, pricelist_id,
            warehouse_id, company_id, picking_policy, date_order, state, aftersales_kind,
            checkin_date, handover_date, create_uid, create_date, write_uid, write_date)
        SELECT %(tag)s || '/' || i, p.id, p.id, p.id, %(pricelist)s,
               %(warehouse)s, %(company)s, 'direct',
               now() AT TIME ZONE 'UTC' - make_interval(days => %(days)s + 1), 'sale',
               'service',
               now() AT TIME ZONE 'UTC' - make_interval(days => %(days)s, hours => 4),
               now() AT TIME ZONE 'UTC' - make_interval(days => %(days)s),
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(count)s) AS i
          JOIN unnest(%(partners)s::int[]) WITH ORDINALITY AS p(id, n)
            ON p.n = 1 + (i - 1) %% %(partner_count)s
         ORDER BY i
        RETURNING id
    """, {"tag": tag, "count": count, "partners": list(partner_ids),
          "partner_count": len(partner_ids), "days": days_ago, "company": company_id,
          "warehouse": warehouse_id, "pricelist": pricelist_id})
    return sorted(row[0] for row in cr.fetchall())


def xmlid(cr, module, name):
    cr.execute("SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
               (module, name))
    return cr.fetchone()[0]


def load_campaign(cr, tag, company_id, user_id):
    """A scheduled campaign whose notice date and letter deadline have passed, targeting
    the customers whose ref is ``tag``: the next run calls all of them and letters them."""
    event = datetime.date.today() + datetime.timedelta(days=10)
    notice = event - datetime.timedelta(days=14)
    cr.execute("""
        INSERT INTO aftersales_campaign (
            name, kind, state, date_event, notice_days, letter_days, date_notice,
            date_letter_deadline, target_domain, company_id, mail_template_id, user_id,
            create_uid, create_date, write_uid, write_date)
        VALUES (%(name)s, 'club_event', 'scheduled', %(event)s, 14, 2, %(notice)s,
                %(deadline)s, %(domain)s, %(company)s, %(template)s, %(user)s,
                1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC')
        RETURNING id
    """, {"name": "Club day " + tag, "event": event, "notice": notice,
          "deadline": notice + datetime.timedelta(days=2),
          "domain": "[('ref', '=', %r)]" % tag, "company": company_id, "user": user_id,
          "template": xmlid(cr, "aftersales_followup", "mail_template_campaign_notice")})
    return cr.fetchone()[0]


def followup_rule_count(cr, days_ago=5):
    """How many follow-up rules apply to a service visit of an unclassified customer of
    the main company handed over ``days_ago`` days ago: the calls each must get."""
    cr.execute("SELECT to_regclass('aftersales_followup_rule_class_rel') IS NOT NULL")
    classes = cr.fetchone()[0]
    cr.execute("""
        SELECT count(*) FROM aftersales_followup_rule r
         WHERE r.active AND r.trigger = 'service_handover'
           AND (r.company_id IS NULL OR r.company_id = %s)
           AND r.delay_days <= %s AND r.window_days >= %s
    """ + ("""AND NOT EXISTS (SELECT 1 FROM aftersales_followup_rule_class_rel x
                               WHERE x.rule_id = r.id)""" if classes else ""),
               (main_company(cr)[0], days_ago, days_ago))
    return cr.fetchone()[0]


def cleanup(cr, partner_ids, order_ids=(), campaign_ids=()):
    """Undo what a test loaded, as far as later runs care, in one transaction: the calls,
    activities, letters and queued emails the scheduled actions made go, the campaign
    goes, the handovers leave every follow-up window (no handover date) and the customers
    are archived. Deleting 20,000 orders and thousands of partners would cost a minute of
    foreign-key checks; left as they were, they would be scanned by every later run."""
    cr.execute("""
        DELETE FROM mail_activity
         WHERE res_model = 'aftersales.call'
           AND res_id IN (SELECT id FROM aftersales_call WHERE partner_id = ANY(%(partners)s));
        DELETE FROM mail_message
         WHERE model = 'aftersales.letter'
           AND res_id IN (SELECT id FROM aftersales_letter
                           WHERE partner_id = ANY(%(partners)s));
        DELETE FROM aftersales_letter WHERE partner_id = ANY(%(partners)s);
        DELETE FROM aftersales_call WHERE partner_id = ANY(%(partners)s);
        DELETE FROM mail_message
         WHERE model = 'aftersales.campaign' AND res_id = ANY(%(campaigns)s);
        DELETE FROM aftersales_campaign WHERE id = ANY(%(campaigns)s);
        UPDATE sale_order SET handover_date = NULL WHERE id = ANY(%(orders)s);
        UPDATE res_partner SET active = FALSE WHERE id = ANY(%(partners)s);
    """, {"partners": list(partner_ids), "orders": list(order_ids),
          "campaigns": list(campaign_ids)})


class CronRun(object):
    """A scheduled action run by ``run_cron.py`` in a process of its own; its output goes
    to files in ``workdir`` (no pipe to fill up)."""

    def __init__(self, db, job, workdir, label, batch_size=500, barrier=None):
        self.job = job
        self.label = label
        self.stdout_path = os.path.join(workdir, label + ".out")
        self.stderr_path = os.path.join(workdir, label + ".err")
        self.ready_path = os.path.join(workdir, label + ".ready")
        args = [sys.executable, RUN_CRON, "--db", db, "--job", job,
                "--batch-size", str(batch_size)]
        if barrier:
            args += ["--ready-file", self.ready_path, "--go-file", barrier]
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.process = subprocess.Popen(args, stdout=out, stderr=err, cwd=ROOT)
        self.returncode = None

    @property
    def pid(self):
        return self.process.pid

    def ready(self):
        return os.path.exists(self.ready_path)

    def wait(self, timeout=300):
        try:
            self.returncode = self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        return self.returncode

    def stop(self):
        """Kill the process if it still runs (test clean-up)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def stdout(self):
        with open(self.stdout_path) as out:
            return out.read()

    @property
    def stderr(self):
        with open(self.stderr_path) as err:
            return err.read()

    @property
    def result(self):
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        return json.loads(lines[-1]) if lines else None

    def error_lines(self):
        return [line for line in self.stderr.splitlines() if ERROR_LINE.search(line)]

    def describe(self):
        return "%s (pid %s) exit %s\n--- stdout\n%s--- stderr\n%s" % (
            self.label, self.pid, self.returncode, self.stdout, self.stderr[-6000:])


def release_together(runs, go_path, timeout=180):
    """Wait until every run has loaded its registry, then let them all go at once."""
    deadline = time.time() + timeout
    while not all(run.ready() for run in runs):
        for run in runs:
            if run.process.poll() is not None:
                run.returncode = run.process.returncode
                raise AssertionError("a worker died before the start:\n" + run.describe())
        if time.time() > deadline:
            raise AssertionError("workers not ready after %d s" % timeout)
        time.sleep(0.02)
    with open(go_path, "w") as go:
        go.write("go")
    return time.time()
