"""Each patch of tools/odoo_py311.py: the Odoo 11 code path it fixes works, and without the
layer (AFTERSALES_NO_PY311_COMPAT=1, which keeps the venv's .pth from loading it) the
original error comes back, so no patch is dead weight."""
import base64
import collections
import inspect
import os
import subprocess
import sys
import textwrap
import threading

import pytest
import yaml

from odoo.tests.common import TransactionCase
from odoo.tools.safe_eval import const_eval, expr_eval, safe_eval

import odoo_py311


def run_without_layer(code):
    env = dict(os.environ, AFTERSALES_NO_PY311_COMPAT="1")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120)


def run_with_layer(code):
    env = {k: v for k, v in os.environ.items() if k != "AFTERSALES_NO_PY311_COMPAT"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_patch_applied():
    assert set(odoo_py311.APPLIED) == {
        "collections_abc_aliases", "inspect_getargspec", "base64_encodestring",
        "thread_isalive", "setrlimit_int", "yaml_load_loader", "ast_arguments_posonlyargs",
        "ast_fix_missing_locations", "safe_eval_opcodes", "elementtree_getchildren"}


def test_layer_loaded_before_odoo_in_a_new_process():
    result = run_with_layer("import sys, odoo; print('odoo_py311' in sys.modules)")
    assert result.stdout.strip() == "True", result.stderr


def test_collections_aliases():
    assert collections.Mapping is collections.abc.Mapping
    assert collections.Iterable is collections.abc.Iterable
    result = run_without_layer("import odoo")
    assert "ImportError: cannot import name" in result.stderr
    assert "from 'collections'" in result.stderr


def test_getargspec_and_formatargspec():
    def func(a, b=1, *args, **kwargs):
        return a
    spec = inspect.getargspec(func)
    assert spec.args == ["a", "b"] and spec.varargs == "args"
    assert spec.keywords == "kwargs" and spec.defaults == (1,)
    assert inspect.formatargspec(*spec) == "(a, b=1, *args, **kwargs)"
    result = run_without_layer("import inspect; inspect.getargspec")
    assert "has no attribute 'getargspec'" in result.stderr


def test_base64_encodestring():
    assert base64.encodestring(b"odoo") == b"b2Rvbw==\n"
    assert base64.decodestring(b"b2Rvbw==\n") == b"odoo"
    assert "has no attribute 'encodestring'" in run_without_layer(
        "import base64; base64.encodestring").stderr


def test_thread_isalive():
    thread = threading.Thread(target=lambda: None)
    assert thread.isAlive() is False
    assert "has no attribute 'isAlive'" in run_without_layer(
        "import threading; threading.Thread().isAlive()").stderr


SETRLIMIT_FLOAT = """
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (float(soft), hard))
    print('ok')
"""


def test_setrlimit_accepts_float_limits():
    assert run_with_layer(SETRLIMIT_FLOAT).stdout.strip() == "ok"
    assert "TypeError" in run_without_layer(SETRLIMIT_FLOAT).stderr


def test_yaml_load_default_loader():
    assert yaml.load("a: 1") == {"a": 1}
    assert "missing 1 required positional argument: 'Loader'" in run_without_layer(
        "import yaml; yaml.load('a: 1')").stderr


def test_safe_eval_accepts_python311_bytecode():
    assert safe_eval("[x * 2 for x in range(3) if x is not None and x in (0, 2)]") == [0, 4]
    assert safe_eval("a.get('k', 1) + len(b)", {"a": {}, "b": [1]}) == 2
    assert const_eval("[1, (2, 3), {'a': None}]") == [1, (2, 3), {"a": None}]
    assert expr_eval("1 + 2 * 3") == 7
    # every other patch on, only the safe_eval import hook taken away
    result = run_without_layer("""
        import sys
        sys.path.insert(0, %r)
        import odoo_py311
        sys.meta_path[:] = [f for f in sys.meta_path
                            if not isinstance(f, odoo_py311._SafeEvalHook)]
        from odoo.tools.safe_eval import safe_eval
        safe_eval('1 + 1')
    """ % os.path.dirname(odoo_py311.__file__))
    assert "forbidden opcode" in result.stderr


def test_safe_eval_still_forbids_dunder_and_imports():
    with pytest.raises((ValueError, NameError)):
        safe_eval("__import__('os').system('true')")
    with pytest.raises((ValueError, NameError)):
        safe_eval("().__class__.__bases__")


def test_elementtree_getchildren():
    from xml.etree import ElementTree
    root = ElementTree.fromstring("<a><b/><c><b/></c></a>")
    assert [child.tag for child in root.getchildren()] == ["b", "c"]
    assert len(root.getiterator("b")) == 2
    assert "has no attribute 'getchildren'" in run_without_layer(
        "from xml.etree import ElementTree as E; E.fromstring('<a/>').getchildren()").stderr


QWEB_TEMPLATE = """
<t t-name="aftersales.compat_probe">
    <ul><t t-foreach="items" t-as="item"><li t-if="item is not None" t-esc="item"/></t></ul>
    <t t-set="flag" t-value="True"/><p t-if="flag">ok</p>
</t>
"""


class TestQwebAst(TransactionCase):
    """QWeb builds Python ASTs by hand: posonlyargs, Name('None') and end positions."""

    def test_qweb_template_compiles_and_renders(self):
        view = self.env["ir.ui.view"].create({
            "name": "aftersales.compat_probe", "type": "qweb", "arch": QWEB_TEMPLATE})
        html = self.env["ir.qweb"].render(view.id, {"items": [1, None, 3]})
        html = html.decode() if isinstance(html, bytes) else str(html)
        self.assertIn("<li>1</li>", html)
        self.assertIn("<li>3</li>", html)
        self.assertIn("<p>ok</p>", html)
        self.assertEqual(html.count("<li>"), 2)

    def test_ast_patches_are_needed(self):
        result = run_without_layer("""
            import ast
            fn = ast.FunctionDef(name='f', args=ast.arguments(args=[], vararg=None,
                kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
                body=[ast.Return(value=ast.Name(id='None', ctx=ast.Load()))],
                decorator_list=[], returns=None)
            compile(ast.fix_missing_locations(ast.Module(body=[fn], type_ignores=[])), 'x', 'exec')
        """)
        self.assertIn("posonlyargs", result.stderr)
        fixed = run_with_layer("""
            import ast
            fn = ast.FunctionDef(name='f', args=ast.arguments(args=[], vararg=None,
                kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
                body=[ast.Return(value=ast.Name(id='None', ctx=ast.Load()))],
                decorator_list=[], returns=None)
            ns = {}
            exec(compile(ast.fix_missing_locations(ast.Module(body=[fn], type_ignores=[])),
                         'x', 'exec'), ns)
            print(ns['f']())
        """)
        self.assertEqual(fixed.stdout.strip(), "None", fixed.stderr)
