# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Odoo's own test runner (``odoo-bin --test-enable``, OCA's CI, runbot) runs only the
test modules an addon's ``tests/__init__.py`` imports; pytest finds every ``test_*.py``
by itself, so a module left out of ``__init__.py`` passes here and is never run there."""
import glob
import os

import pytest

from odoo.modules.module import get_test_modules

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = sorted(
    os.path.basename(os.path.dirname(path))
    for path in glob.glob(os.path.join(ROOT, "*", "__manifest__.py")))


def test_the_three_addons_are_checked():
    assert ADDONS == ["aftersales_followup", "aftersales_parts", "aftersales_warranty"]


@pytest.mark.parametrize("addon", ADDONS)
def test_every_test_module_is_registered_for_odoo(addon):
    on_disk = {
        os.path.splitext(os.path.basename(path))[0]
        for path in glob.glob(os.path.join(ROOT, addon, "tests", "test_*.py"))}
    assert on_disk, "%s has no test module" % addon
    # What Odoo's runner itself collects (odoo/modules/module.py run_unit_tests).
    seen_by_odoo = {module.__name__.rsplit(".", 1)[-1] for module in get_test_modules(addon)}
    assert sorted(on_disk - seen_by_odoo) == [], (
        "add `from . import <module>` to %s/tests/__init__.py" % addon)
    assert sorted(seen_by_odoo - on_disk) == []
