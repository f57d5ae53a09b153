# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""OCA conventions a reviewer checks by reading, checked here so they stay true."""
import ast
import glob
import os
import re

import polib
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = sorted(
    os.path.basename(os.path.dirname(path))
    for path in glob.glob(os.path.join(ROOT, "*", "__manifest__.py")))


def _addon_sources(addon):
    for path in sorted(glob.glob(os.path.join(ROOT, addon, "**", "*.py"), recursive=True)):
        if os.sep + "tests" + os.sep not in path and os.sep + "migrations" + os.sep not in path:
            yield path


def _decorator_names(function):
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        yield ast.unparse(target)


@pytest.mark.parametrize("addon", ADDONS)
def test_check_prefix_is_for_constraints_only(addon):
    """Odoo reads ``_check_*`` as a constraint; a helper with the prefix looks like one
    and is not (OCA guidelines: "_check_" + name for @api.constrains methods)."""
    misnamed = []
    for path in _addon_sources(addon):
        with open(path, encoding="utf-8") as source:
            tree = ast.parse(source.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("_check_"):
                if "api.constrains" not in set(_decorator_names(node)):
                    misnamed.append("%s:%d %s" % (os.path.relpath(path, ROOT), node.lineno,
                                                  node.name))
    assert misnamed == []


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_states_its_development_status(addon):
    with open(os.path.join(ROOT, addon, "__manifest__.py"), encoding="utf-8") as manifest:
        values = ast.literal_eval(manifest.read())
    assert values.get("development_status") in ("Alpha", "Beta", "Production/Stable", "Mature")
    assert values.get("license") == "LGPL-3"


@pytest.mark.parametrize("addon", ADDONS)
def test_no_requirement_code_in_what_users_read(addon):
    """The S1..S16 codes of the source document are for developers (comments, tests):
    a dealer reads field labels, help texts and messages, all of which go through the
    addon's translation template."""
    template = polib.pofile(os.path.join(ROOT, addon, "i18n", "%s.pot" % addon))
    coded = [entry.msgid for entry in template
             if re.search(r"(?<![\w-])S1?[0-9](?![\w])", entry.msgid)
             # a demo vehicle model's name, not a requirement
             and entry.msgid != "Sedan S3"]
    assert coded == []


@pytest.mark.parametrize("addon", ADDONS)
def test_demo_xml_ids_carry_the_demo_suffix(addon):
    """OCA's convention: the records of the demo files are ``*_demo`` (what another
    addon's demo file extends keeps its own name)."""
    with open(os.path.join(ROOT, addon, "__manifest__.py"), encoding="utf-8") as manifest:
        demo_files = ast.literal_eval(manifest.read()).get("demo", [])
    wrong = []
    for demo_file in demo_files:
        with open(os.path.join(ROOT, addon, demo_file), encoding="utf-8") as demo:
            ids = re.findall(r'<record id="([^"]+)"', demo.read())
        wrong += ["%s: %s" % (demo_file, xmlid) for xmlid in ids
                  if not xmlid.endswith("_demo") and "." not in xmlid]
    assert demo_files and not wrong


def _is_field(node):
    return (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id == "fields")


@pytest.mark.parametrize("addon", ADDONS)
def test_init_comes_right_after_the_fields(addon):
    """The guideline order of a model: attributes, fields, then ``init()`` (the table's
    indexes and views belong with its columns), then computes, constraints, CRUD, actions
    and helpers."""
    misplaced = []
    for path in _addon_sources(addon):
        with open(path, encoding="utf-8") as source:
            tree = ast.parse(source.read(), path)
        for model in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            methods = [node for node in model.body if isinstance(node, ast.FunctionDef)]
            init = [node for node in methods if node.name == "init"]
            fields_end = max((node.lineno for node in model.body if _is_field(node)),
                             default=0)
            if init and (methods[0] is not init[0] or init[0].lineno < fields_end):
                misplaced.append("%s: %s" % (os.path.relpath(path, ROOT), model.name))
    assert misplaced == []


# The guideline order of a model's methods: init, computes (and inverses, searches),
# constraints and onchanges, CRUD overrides, actions, then everything else.
CRUD = {"create", "write", "unlink", "copy", "copy_data", "name_get", "name_search",
        "_name_search", "name_create", "default_get", "read", "search", "search_read",
        "search_count", "_search", "read_group", "fields_get", "fields_view_get",
        "message_new", "message_update", "toggle_active"}


def _method_rank(function):
    decorators = set(_decorator_names(function))
    name = function.name
    if name == "init":
        return 1
    if name.startswith(("_compute_", "_inverse_", "_search_")) or "api.depends" in decorators:
        return 2
    if {"api.constrains", "api.onchange"} & decorators or name.startswith("_onchange_"):
        return 3
    if name in CRUD:
        return 4
    if name.startswith("action_"):
        return 5
    return 6


@pytest.mark.parametrize("addon", ADDONS)
def test_methods_come_in_the_guideline_order(addon):
    """After the fields: init, computes, constraints and onchanges, CRUD, actions,
    helpers (a method used by name in a field definition may come before the fields)."""
    misplaced = []
    for path in _addon_sources(addon):
        with open(path, encoding="utf-8") as source:
            tree = ast.parse(source.read(), path)
        for model in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            body = model.body
            last = max((i for i, node in enumerate(body)
                        if not isinstance(node, ast.FunctionDef)), default=-1)
            ranks = [(_method_rank(node), node.name) for node in body[last + 1:]]
            misplaced += ["%s: %s.%s" % (os.path.relpath(path, ROOT), model.name, name)
                          for i, (rank, name) in enumerate(ranks)
                          if any(rank < earlier for earlier, _name in ranks[:i])]
    assert misplaced == []
