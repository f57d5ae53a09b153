#!/usr/bin/env python3
# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Benchmark of campaign letters as queue_job chunk jobs (issue 20; part 8 of make bench).

Run it with ``make bench`` (after bench_due_calls.py) or alone,
``bash tools/aftersales.sh bench-jobs ARGS``: it creates its own database
(``aftersales_bench_jobs``, dropped and re-created unless ``--reuse``), installs the three
addons without demo data, and for each job-worker count (``--workers``, default 1 and 2):

1. loads N campaign customers set-based (the same generator as bench_due_calls.py);
2. schedules a campaign for them whose letter deadline is today (its notice calls are made
   at once) and lets the campaign scheduled action plan the letters' chunk jobs;
3. starts a real Odoo server, prefork with that many HTTP workers and queue_job's runner
   (``--load=web,queue_job``, channels ``root:W,root.aftersales:W``), waits until every
   chunk is done, stops it;
4. checks in SQL: one job per chunk, all done; one letter per customer on the right channel,
   each email letter with its email queued, nothing twice (bench_due_calls.py's checks).

It also runs the same letters in this process in one transaction (the path before queue_job,
``--no-baseline`` to skip it) and prints the ratios: one worker against two, and the cost
per letter against the single-process path. Exits non-zero when a check fails; the table is
also written to ``artifacts/bench_campaign_jobs.txt``.
"""
import argparse
import datetime
import logging
import math
import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_due_calls as base  # noqa: E402  (loads the compatibility layer and odoo)
from bench_due_calls import Measure, fail, say  # noqa: E402
import odoo  # noqa: E402
from odoo import fields  # noqa: E402

ROOT = base.ROOT
# The customers of each run are its own (--reuse keeps the earlier runs' as history).
RUN = "%x" % int(time.time())
HEADER = "%-34s %9s %9s %9s %9s %8s %10s" % (
    "case", "N", "letters", "wall s", "queries", "jobs", "per s")
ROWS = []


def row(case, n, letters, wall, queries=0, jobs=0):
    rate = letters / wall if wall and letters else 0.0
    line = "%-34s %9d %9d %9.2f %9d %8d %10.0f" % (case, n, letters, wall, queries, jobs,
                                                   rate)
    ROWS.append(line)
    say(line)


def new_campaign(env, tag, n, officer_ids, chunk, no_delay=False):
    """N customers and a scheduled campaign for them, its letters due today; returns the
    campaign with its letters planned (or, ``no_delay``, written in this process), and the
    planning's measure."""
    load_s = base.load_handovers(env, tag, n, officer_ids, "old")
    say("   %d customers loaded in %.1f s" % (n, load_s))
    env["ir.config_parameter"].set_param("aftersales.campaign_letter_chunk", chunk)
    today = fields.Date.from_string(base.today_of(env))
    Campaign = env["aftersales.campaign"]
    campaign = Campaign.create({
        "name": "Bench jobs campaign %s" % tag, "kind": "club_event",
        "date_event": fields.Date.to_string(today + datetime.timedelta(days=12)),
        "mail_template_id": env.ref("aftersales_followup.mail_template_campaign_notice").id,
        "target_domain": repr([("ref", "=like", "bench-%s-%%" % tag)]),
    })
    start = time.perf_counter()
    campaign.action_schedule()  # the notice date has passed: the calls are made now
    env.cr.commit()
    calls = base.count_campaign(env, campaign, "calls")
    say("   %d notice calls in %.1f s" % (calls, time.perf_counter() - start))
    if no_delay:
        # queue_job's synchronous mode: the chunks run here, in the scheduled action's
        # transaction (the path before queue_job). It warns once per chunk.
        logging.getLogger("odoo.addons.queue_job.models.base").setLevel(logging.ERROR)
        Campaign = Campaign.with_context(test_queue_job_no_delay=True)
    with Measure(env.cr) as m:
        Campaign._cron_run_campaigns(commit=True)
    return campaign, m


def job_states(registry, campaign):
    with registry.cursor() as cr:
        cr.execute("""
            SELECT count(*), count(*) FILTER (WHERE state = 'done'),
                   count(*) FILTER (WHERE state = 'failed'),
                   count(*) FILTER (WHERE state IN ('started', 'done', 'failed'))
              FROM queue_job WHERE identity_key LIKE %s
        """, ("aftersales.campaign.letters:%d:%%" % campaign.id,))
        return cr.fetchone()


def start_server(db, workers, port, log_path):
    channels = "root:%d,root.aftersales:%d" % (workers, workers)
    env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=channels)
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "tools", "odoo-bin"), "-d", db,
         "--addons-path=" + base.addons_path(), "--db-filter=^%s$" % db,
         "--http-interface=127.0.0.1", "--http-port=%d" % port,
         "--longpolling-port=%d" % (port + 10), "--workers=%d" % workers,
         "--max-cron-threads=0", "--load=web,queue_job", "--log-level=warn",
         "--limit-time-cpu=600", "--limit-time-real=1200"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    url = "http://127.0.0.1:%d/web/login?db=%s" % (port, db)
    deadline = time.time() + 120
    while True:
        if proc.poll() is not None:
            sys.exit("error: the Odoo server stopped at start, see %s" % log_path)
        try:
            urllib.request.urlopen(url, timeout=30).read()
            break
        except OSError:
            if time.time() > deadline:
                proc.terminate()
                sys.exit("error: the Odoo server did not answer, see %s" % log_path)
            time.sleep(0.5)
    # Each prefork worker loads the registry at its first request: warm them all before
    # the jobs are timed (concurrent requests reach different workers).
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        for _round in range(3):
            list(pool.map(lambda _i: urllib.request.urlopen(url, timeout=60).read(),
                          range(workers * 2)))
    return proc


def stop_server(proc):
    proc.terminate()  # graceful: the runner stops, the workers finish their request
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for_jobs(registry, campaign, timeout):
    """Wait until every chunk job of ``campaign`` is done or failed: (total, failed,
    wall time from now, time until the first one started)."""
    start = time.perf_counter()
    first = None
    while True:
        total, done, failed, begun = job_states(registry, campaign)
        if begun and first is None:
            first = time.perf_counter()
        if total and done + failed == total:
            break
        if time.perf_counter() - start > timeout:
            fail("%d of %d jobs done after %d s" % (done, total, timeout))
            break
        time.sleep(0.1)
    return total, failed, time.perf_counter() - start, (first or start) - start


def warm_up(env, registry, tag, workers, officer_ids, timeout):
    """A small campaign, two chunks per worker, run before the measured one: a worker's
    first letter job loads what a long-running server has loaded long before (the
    template's compiled sandbox, the languages' locales, the models' caches), about a
    second per worker, which at 10,000 letters is a fifth of the measure."""
    campaign, _plan = new_campaign(env, "warm-" + tag, 20 * workers, officer_ids, 10)
    total, failed, wall, _first = wait_for_jobs(registry, campaign, timeout)
    say("   workers warmed: %d small jobs in %.1f s%s"
        % (total, wall, ", %d failed" % failed if failed else ""))


def bench_workers(env, registry, db, n, officer_ids, chunk, workers, port, timeout):
    say("\n-- %d job worker%s: %d letters in chunks of %d"
        % (workers, "" if workers == 1 else "s", n, chunk))
    tag = "jobs%dw%d-%s" % (workers, n, RUN)
    log_path = os.path.join(ROOT, "artifacts", "bench_jobs_server_%d.log" % workers)
    proc = start_server(db, workers, port, log_path)
    try:
        warm_up(env, registry, tag, workers, officer_ids, timeout)
        campaign, plan = new_campaign(env, tag, n, officer_ids, chunk)
        expected_jobs = math.ceil(n / chunk)
        row("8 plan letter jobs", n, 0, plan.wall, plan.queries, expected_jobs)
        # The runner is told of the new jobs by PostgreSQL (NOTIFY on queue_job): the
        # time runs from the plan's commit to the last chunk done.
        total, failed, wall, first = wait_for_jobs(registry, campaign, timeout)
    finally:
        stop_server(proc)
    letters = base.count_campaign(env, campaign, "letters")
    row("8 letters + emails, %d worker%s" % (workers, "" if workers == 1 else "s"), n,
        letters, wall, 0, total)
    say("   first chunk started %.2f s after the plan's commit" % first)
    if total != expected_jobs:
        fail("%d workers: %d jobs for %d customers in chunks of %d, expected %d"
             % (workers, total, n, chunk, expected_jobs))
    if failed:
        fail("%d workers: %d failed jobs (see %s and the queue_job table)"
             % (workers, failed, log_path))
    env.cr.rollback()  # a fresh snapshot: the server's letters
    base.check_campaign_letters(env, campaign, tag)
    return wall, letters


def main():
    # Stopped (SIGTERM), the servers this started are stopped too (stop_server).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit("stopped"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="aftersales_bench_jobs")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--letters", type=int, default=100000,
                        help="targeted customers of each campaign (default 100000)")
    parser.add_argument("--chunk", type=int, default=1000,
                        help="customers per job (default 1000)")
    parser.add_argument("--workers", default="1,2",
                        help="job worker counts to compare, comma-separated (default 1,2)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the single-process path")
    parser.add_argument("--port", type=int, default=int(os.environ.get(
        "AFTERSALES_PORT", 8069)), help="HTTP port of the servers (longpolling: +10)")
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--output", default=os.path.join(ROOT, "artifacts",
                                                         "bench_campaign_jobs.txt"))
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",") if w.strip()]

    os.makedirs(os.path.join(ROOT, "artifacts"), exist_ok=True)
    say("Campaign letters as queue_job chunk jobs (issue 20), %s"
        % datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))
    say("machine: " + base.machine())
    base.create_database(args.db, args.reuse, base.ADDONS)
    odoo.tools.config.parse_config([
        "-d", args.db, "--addons-path=" + base.addons_path(), "--log-level=warn",
        "--max-cron-threads=0"])
    registry = odoo.registry(args.db)
    walls = {}
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        officer_ids = base.ensure_officers(env, args.officers)
        # A stopped earlier run (--reuse) may have left a campaign under way or jobs
        # waiting: the scheduled action and the runner would take them up in this run.
        cr.execute("""UPDATE aftersales_campaign SET state = 'cancelled'
                       WHERE state IN ('scheduled', 'notifying')""")
        if cr.rowcount:
            say("   %d campaigns of an earlier, stopped run cancelled" % cr.rowcount)
        cr.execute("DELETE FROM queue_job WHERE state != 'done'")
        cr.commit()
        say(HEADER)
        if not args.no_baseline:
            say("\n-- this process, one transaction (the path before queue_job)")
            tag = "jobs0w%d-%s" % (args.letters, RUN)
            new_campaign(env, "warm-" + tag, 20, officer_ids, 10, no_delay=True)  # as warm_up
            campaign, m = new_campaign(env, tag, args.letters, officer_ids, args.chunk,
                                       no_delay=True)
            letters = base.count_campaign(env, campaign, "letters")
            row("8 letters + emails, in process", args.letters, letters, m.wall, m.queries)
            base.check_campaign_letters(env, campaign, tag)
            walls[0] = (m.wall, letters)
        for count in workers:
            walls[count] = bench_workers(env, registry, args.db, args.letters, officer_ids,
                                         args.chunk, count, args.port, args.timeout)
        cr.commit()
    say("\n== summary")
    say(HEADER)
    for line in ROWS:
        say(line)
    if 1 in walls and 2 in walls:
        say("2 workers against 1: speed-up %.2f (1 worker's wall time / 2 workers': "
            "%.2f s / %.2f s)" % (walls[1][0] / walls[2][0], walls[1][0], walls[2][0]))
    if 0 in walls:
        per_letter = {k: wall / letters for k, (wall, letters) in walls.items() if letters}
        for count in workers:
            if count in per_letter and per_letter[count]:
                say("%d worker%s against the single-process path: %.2fx per letter "
                    "(%.2f ms against %.2f ms)" % (
                        count, "" if count == 1 else "s", per_letter[0] / per_letter[count],
                        per_letter[count] * 1000, per_letter[0] * 1000))
    with open(args.output, "w") as out:
        out.write("\n".join(base.LINES) + "\n")
    print("(written to %s)" % os.path.relpath(args.output, ROOT))
    if base.FAILURES:
        print("\n%d CHECK(S) FAILED:\n  %s" % (len(base.FAILURES),
                                               "\n  ".join(base.FAILURES)),
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
