#!/usr/bin/env python3
# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Sums up a log of Odoo's own test runner (``odoo-bin --test-enable``): per addon the test
modules run, tests run, failed, in error and skipped, and the failing tests by name.
Exits 1 when a test failed or none ran.

    tools/odoo_test_log.py artifacts/test-odoo.log [ADDON...]
"""
import collections
import re
import sys

# "<time> <pid> INFO <db> odoo.addons.<addon>.tests.<module>: Ran 13 tests in 60.994s"
LINE = re.compile(r"odoo\.addons\.(?P<addon>\w+)\.tests\.(?P<module>\w+): (?P<text>.*)$")
RAN = re.compile(r"^Ran (\d+) tests? in")
# unittest writes "FAILED" or "OK", then " (failures=1, errors=2, skipped=3)", which
# Odoo's log stream may split over two lines.
VERDICT = re.compile(r"^(?:OK|FAILED)?\s*\(((?:[a-z_]+=\d+(?:, )?)+)\)$")
FAILED_TEST = re.compile(r"^(FAIL|ERROR): (\S+) \((\S+)\)")


def summarize(lines, addons=None):
    totals = collections.OrderedDict()
    failing = []
    for line in lines:
        match = LINE.search(line.rstrip("\n"))
        if not match:
            continue
        addon, text = match.group("addon"), match.group("text")
        if addons and addon not in addons:
            continue
        counts = totals.setdefault(addon, collections.Counter())
        ran, verdict, failed = RAN.match(text), VERDICT.match(text), FAILED_TEST.match(text)
        if ran:
            counts["modules"] += 1
            counts["ran"] += int(ran.group(1))
        elif verdict:
            for item in verdict.group(1).split(","):
                key, _sep, value = item.strip().partition("=")
                counts[key] += int(value)
        elif failed:
            failing.append("%s %s" % (failed.group(1), failed.group(3)))
    return totals, failing


def main(argv):
    with open(argv[1], encoding="utf-8", errors="replace") as log:
        totals, failing = summarize(log, set(argv[2:]) or None)
    grand = collections.Counter()
    for addon, counts in totals.items():
        grand.update(counts)
        print("%-22s %3d test modules %4d tests %3d failed %3d errors %3d skipped" % (
            addon, counts["modules"], counts["ran"], counts["failures"], counts["errors"],
            counts["skipped"]))
    for test in failing:
        print("  " + test)
    bad = grand["failures"] + grand["errors"]
    passed = grand["ran"] - bad - grand["skipped"]
    print("Odoo's test runner: %d passed, %d failed, %d skipped" % (passed, bad, grand["skipped"]))
    return 1 if bad or not grand["ran"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
