"""Run the simulated staff of locustfile.py with locust's Python API, headless, bounded.

    .venv/locust/bin/python tests/load/drive.py --setup SETUP.json --out RECORDS.jsonl \
        --stats STATS.json [--duration S] [--max-flows N] [--spawn-rate R]

SETUP.json (written by run_load.py) names the servers, the database, the accounts of
each role, the parts and the supplier. Every request and every flow is written to
RECORDS.jsonl as it ends (so a fault's in-flight requests can be told from the others);
STATS.json holds locust's own figures per request kind. The run stops by itself: no flow
starts after ``--duration`` seconds or ``--max-flows`` flows, and the users still busy
are stopped ``--grace`` seconds later at the latest (their flows recorded as interrupted).
"""
import argparse
import json
import os
import sys
import time

import gevent
from locust.env import Environment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import locustfile  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--stats", required=True)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--max-flows", type=int, default=0)
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--grace", type=float, default=60.0)
    args = parser.parse_args()
    with open(args.setup) as setup_file:
        setup = json.load(setup_file)

    out = open(args.out, "w")

    def log(record):
        out.write(json.dumps(record) + "\n")
        out.flush()

    accounts = setup["accounts"]
    started = time.time()
    locustfile.SETTINGS.update({
        "hosts": setup["hosts"], "db": setup["db"], "log": log,
        "accounts": {role: list(rows) for role, rows in accounts.items()},
        "rank_of_role": {role: [row["rank"] for row in rows]
                         for role, rows in accounts.items()},
        "deadline": started + args.duration, "max_flows": args.max_flows or None,
        "parts": setup["parts"], "supplier_id": setup["supplier_id"],
        "phones": setup["phones"],
    })
    classes = {"officer": locustfile.Officer, "supervisor": locustfile.Supervisor,
               "parts": locustfile.PartsClerk}
    for role, user_class in classes.items():
        user_class.fixed_count = len(accounts.get(role, []))
    user_classes = [classes[role] for role in classes if accounts.get(role)]
    users = sum(len(accounts.get(role, [])) for role in classes)

    env = Environment(user_classes=user_classes, host=setup["hosts"][0])
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=args.spawn_rate)
    log({"type": "run", "event": "start", "time": started, "users": users})

    # Bounded: every flow checks the deadline; the users are stopped after the grace.
    deadline = started + args.duration
    while time.time() < deadline + args.grace:
        gevent.sleep(0.5)
        if time.time() >= deadline and runner.user_count == 0:
            break
        if args.max_flows and locustfile.STARTED["flows"] > args.max_flows \
                and runner.user_count == 0:
            break
    runner.quit()
    ended = time.time()
    log({"type": "run", "event": "end", "time": ended})
    out.close()

    stats = {"started": started, "ended": ended, "users": users,
             "users_by_role": {role: len(rows) for role, rows in accounts.items()},
             "kinds": {}}
    for (name, method), entry in sorted(env.stats.entries.items()):
        stats["kinds"][name] = {
            "requests": entry.num_requests, "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "avg_ms": entry.avg_response_time}
    stats["total"] = {"requests": env.stats.total.num_requests,
                      "failures": env.stats.total.num_failures}
    with open(args.stats, "w") as stats_file:
        json.dump(stats, stats_file, indent=1)


if __name__ == "__main__":
    main()
