#!/usr/bin/env python3
# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Runs the tests of installed Odoo modules as Odoo's own runner selects them, and
compares two runs.

Odoo's runner (odoo/modules/module.py ``run_unit_tests``) runs the test modules a
module's ``tests/__init__.py`` imports: the at_install ones while the module installs and
the post_install ones after. Installing or upgrading a core module to test it would
upgrade everything that depends on it too (every addon here, and half of Odoo); so this
runs the same selection, at_install then post_install, against a database where the
modules are already installed, and writes each test's outcome to a JSON file::

    run_odoo_tests.py run -d DB --addons-path P --http-port N --json OUT.json sale stock ...
    run_odoo_tests.py compare WITHOUT.json WITH.json

``compare`` prints both counts and the tests whose outcome differs, and exits 1 when a
test that passes without the addons does not pass with them.
"""
import argparse
import json
import sys
import threading
import time
import unittest


class Recorder(unittest.TestResult):
    """Each test's outcome by its id."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def addSuccess(self, test):
        super().addSuccess(test)
        self.outcomes[test.id()] = "passed"

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.outcomes[test.id()] = "failed"
        print("FAIL: %s\n%s" % (test.id(), self.failures[-1][1]), file=sys.stderr)

    def addError(self, test, err):
        super().addError(test, err)
        self.outcomes[test.id()] = "error"
        print("ERROR: %s\n%s" % (test.id(), self.errors[-1][1]), file=sys.stderr)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.outcomes[test.id()] = "skipped"

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.outcomes[test.id()] = "passed"

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.outcomes[test.id()] = "failed"


def run(args):
    import odoo
    from odoo.modules import module as odoo_module

    odoo.tools.config.parse_config([
        "-d", args.database, "--addons-path", args.addons_path,
        "--http-port", str(args.http_port), "--http-interface", "127.0.0.1",
        "--test-enable", "--max-cron-threads=0", "--log-level", args.log_level])
    odoo.service.server.load_server_wide_modules()
    # HttpCase tests talk to a server on the configured port, as under odoo-bin.
    server = odoo.service.server.ThreadedServer(odoo.service.wsgi_server.application)
    server.http_spawn()
    outcomes = {}
    started = time.time()
    with odoo.api.Environment.manage():
        odoo.registry(args.database)
        threading.current_thread().testing = True
        for name in args.modules:
            odoo_module.current_test = name
            for position in (odoo_module.runs_at_install, odoo_module.runs_post_install):
                for test_module in odoo_module.get_test_modules(name):
                    tests = odoo_module.unwrap_suite(
                        unittest.TestLoader().loadTestsFromModule(test_module))
                    suite = unittest.TestSuite(t for t in tests if position(t))
                    if not suite.countTestCases():
                        continue
                    print("%s: %d tests" % (test_module.__name__, suite.countTestCases()),
                          file=sys.stderr)
                    recorder = Recorder()
                    suite.run(recorder)
                    for test_id, outcome in recorder.outcomes.items():
                        outcomes["%s %s" % (name, test_id)] = outcome
        odoo_module.current_test = None
        threading.current_thread().testing = False
    with open(args.json, "w", encoding="utf-8") as out:
        json.dump({"database": args.database, "seconds": round(time.time() - started),
                   "outcomes": outcomes}, out, indent=1, sort_keys=True)
    counts = _counts(outcomes)
    print("%s: %s in %d s" % (args.database, _format(counts), time.time() - started))
    return 0


def _counts(outcomes):
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    for outcome in outcomes.values():
        counts[outcome] += 1
    return counts


def _format(counts):
    return "%d tests: %d passed, %d failed, %d errors, %d skipped" % (
        sum(counts.values()), counts["passed"], counts["failed"], counts["error"],
        counts["skipped"])


def compare(args):
    runs = []
    for path in (args.without, args.with_addons):
        with open(path, encoding="utf-8") as data:
            runs.append(json.load(data))
    without, with_addons = (r["outcomes"] for r in runs)
    print("without the addons: %s (%d s)" % (_format(_counts(without)), runs[0]["seconds"]))
    print("with the addons:    %s (%d s)" % (_format(_counts(with_addons)), runs[1]["seconds"]))
    broken = []
    for test_id in sorted(set(without) | set(with_addons)):
        before, after = without.get(test_id, "absent"), with_addons.get(test_id, "absent")
        if before != after:
            print("  %-8s -> %-8s %s" % (before, after, test_id))
            if before == "passed":
                broken.append(test_id)
    not_passing = sorted(t for t, o in without.items() if o in ("failed", "error"))
    if not_passing:
        print("failing without the addons too (Odoo 11 on this platform):")
        for test_id in not_passing:
            print("  %-8s %s" % (without[test_id], test_id))
    print("the addons break %d core tests" % len(broken))
    return 1 if broken else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("-d", "--database", required=True)
    run_parser.add_argument("--addons-path", required=True)
    run_parser.add_argument("--http-port", type=int, required=True)
    run_parser.add_argument("--json", required=True)
    run_parser.add_argument("--log-level", default="warn")
    run_parser.add_argument("modules", nargs="+")
    compare_parser = commands.add_parser("compare")
    compare_parser.add_argument("without")
    compare_parser.add_argument("with_addons")
    args = parser.parse_args()
    return run(args) if args.command == "run" else compare(args)


if __name__ == "__main__":
    sys.exit(main())
