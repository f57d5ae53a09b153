"""Run one of the suite's scheduled actions in a process of its own, as a cron worker does.

    .venv/bin/python tests/reliability/run_cron.py --db DB --job due_calls|campaigns \
        [--batch-size N] [--ready-file F --go-file G]

The registry is loaded first; with ``--go-file`` the process then writes ``--ready-file``
and waits for the go file to appear, so that several processes start their job at the same
moment (a barrier). The job runs as the scheduled action does (``commit=True``: each batch
is committed on its own). On success one JSON line goes to stdout (job, result, start and
end times) and the exit code is 0; any exception propagates (traceback on stderr, exit 1).
Odoo logs to stderr at level ``warn``: whatever a user would see as an error is there.
"""
import argparse
import json
import os
import sys
import time

import odoo


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--job", required=True, choices=["due_calls", "campaigns"])
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--ready-file")
    parser.add_argument("--go-file")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="give up waiting for the go file after this many seconds")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    addons = [root] + [p for p in odoo.addons.__path__ if os.path.isdir(p)]
    odoo.tools.config.parse_config([
        "-d", args.db, "--addons-path=%s" % ",".join(addons),
        "--log-level=warn", "--max-cron-threads=0",
    ])
    registry = odoo.registry(args.db)

    if args.go_file:
        if args.ready_file:
            with open(args.ready_file, "w") as ready:
                ready.write(str(os.getpid()))
        deadline = time.time() + args.timeout
        while not os.path.exists(args.go_file):
            if time.time() > deadline:
                sys.exit("run_cron: no go file %s after %.0f s" % (args.go_file, args.timeout))
            time.sleep(0.002)

    started = time.time()
    with odoo.api.Environment.manage(), registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.job == "due_calls":
            result = env["aftersales.call"]._cron_generate_due_calls(
                batch_size=args.batch_size, commit=True)
        else:
            # The letters' chunk jobs run in this process (queue_job's synchronous
            # mode): two of these at once are two workers writing the same chunks.
            result = env["aftersales.campaign"].with_context(
                test_queue_job_no_delay=True)._cron_run_campaigns(commit=True)
    ended = time.time()
    print(json.dumps({"job": args.job, "pid": os.getpid(), "result": result,
                      "started": started, "ended": ended}, default=str))


if __name__ == "__main__":
    main()
