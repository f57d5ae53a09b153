"""Issue 21: the 30-second version of the load test (tests/load/README.md).

A production-shaped server (2 HTTP workers, 1 cron worker, the long-polling process) on
its own copy of the fresh test database (``AFTERSALES_LOAD_DB``, made by ``make test``),
a few simulated officers, supervisors and parts clerks sending the web client's JSON-RPC
requests through locust, while the due-call, campaign and retention actions and the mail
queue run in the cron worker; the mail server refuses for a few seconds in the middle.
Then the invariants of the full runs, in SQL and at the SMTP sink. No PostgreSQL restart
here: the cluster is shared (that fault is for ``make loadtest`` by hand).
"""
import json
import os
import subprocess
import sys

import pytest

import odoo

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def load_db():
    name = os.environ.get("AFTERSALES_LOAD_DB")
    if not name:
        pytest.skip("AFTERSALES_LOAD_DB is not set: the load test needs a copy of the fresh "
                    "test database of its own (make test creates ${AFTERSALES_TEST_DB}_load)")
    if name == odoo.tools.config["db_name"]:
        pytest.fail("AFTERSALES_LOAD_DB must not be the database pytest-odoo tests in")
    python = os.environ.get("AFTERSALES_LOAD_PYTHON") or os.path.join(
        ROOT, ".venv", "locust", "bin", "python")
    if not os.path.exists(python):
        pytest.skip("the load test's environment is missing (%s): make test or make "
                    "loadtest creates it from requirements/load.txt" % python)
    return name, python


def test_load_30_seconds_nothing_lost(tmp_path):
    db, python = load_db()
    summary_path = tmp_path / "summary.json"
    command = [sys.executable, os.path.join(HERE, "load", "run_load.py"),
               "--db", db, "--no-copy", "--fault", "smtp-refuse", "--users", "8",
               "--duration", "30", "--workers", "2", "--cron-workers", "1",
               "--cron-poll", "3", "--campaign-size", "60", "--campaign-at", "3",
               "--fault-at", "0", "--smtp-refuse-seconds", "10", "--smtp-refuse-max", "150",
               "--customers-per-officer", "8", "--drain-timeout", "150",
               "--json", str(summary_path), "--workdir", str(tmp_path / "logs")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, AFTERSALES_LOAD_PYTHON=python), timeout=900)
    output = done.stdout + done.stderr[-4000:]
    assert summary_path.exists(), output
    summary = json.loads(summary_path.read_text())
    failed = [item for item in summary["invariants"] if not item["holds"]]
    assert not failed, "\n".join(summary["report"])
    assert done.returncode == 0, output
    # The load really ran (on 2 busy shared cores, 8 people send 90-180 requests in 30 s)
    # and every kind of flow started.
    assert summary["requests"] > 40, "\n".join(summary["report"])
    report = "\n".join(summary["report"])
    for flow in ("follow-up call", "inbound call", "warranty claim", "solve case",
                 "receive part"):
        assert "%s " % flow in report, report


def server_args(**variables):
    """The options `make run` gives Odoo for these AFTERSALES_* variables."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("AFTERSALES_")}
    env.update({"AFTERSALES_%s" % key: str(value) for key, value in variables.items()})
    return subprocess.run(["bash", os.path.join(ROOT, "tools", "aftersales.sh"),
                           "server_args"], capture_output=True, text=True, env=env)


def test_make_run_default_is_threaded_on_loopback():
    done = server_args()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "--http-interface=127.0.0.1", "--http-port=8069", "--workers=0",
        "--max-cron-threads=2", "--db_maxconn=64", "--load=web,queue_job"]


def test_make_run_production_shape():
    done = server_args(PORT=8300, WORKERS=4, CRON_THREADS=2, PROXY_MODE=1,
                       LIMIT_MEMORY_SOFT=1 << 30, LIMIT_TIME_REAL_CRON=0)
    assert done.returncode == 0, done.stderr
    args = done.stdout.split()
    for expected in ("--http-interface=127.0.0.1", "--http-port=8300", "--workers=4",
                     "--max-cron-threads=2", "--longpolling-port=8303",
                     "--limit-memory-soft=1073741824", "--limit-memory-hard=2684354560",
                     "--limit-time-cpu=60", "--limit-time-real=120",
                     "--limit-time-real-cron=0", "--proxy-mode", "--load=web,queue_job"):
        assert expected in args, args


@pytest.mark.parametrize("variable, value, message", [
    ("WORKERS", "two", "AFTERSALES_WORKERS must be a whole number"),
    ("LIMIT_TIME_REAL_CRON", "1h", "AFTERSALES_LIMIT_TIME_REAL_CRON must be a number"),
    ("PROXY_MODE", "maybe", "AFTERSALES_PROXY_MODE must be 0 or 1"),
])
def test_make_run_refuses_bad_variables(variable, value, message):
    done = server_args(**{variable: value})
    assert done.returncode != 0
    assert message in done.stderr
