"""Python 3.11 compatibility layer for Odoo 11.

Odoo 11 was written for Python 3.5-3.7; PyPI carries no newer Odoo this project can use.
Each patch below restores one piece of the standard library that Odoo 11 relies on and that
Python 3.11 removed or changed. The module must run before ``odoo`` is imported, in every
process (server, prefork workers, pytest), so the virtual environment loads it through a
``.pth`` file (see ``tools/bootstrap.sh``). Nothing inside the installed ``odoo`` package is
edited. Every patch is idempotent and covered by ``tests/test_py311_compat.py``.
"""
import ast
import base64
import collections
import collections.abc
import importlib.abc
import importlib.util
import inspect
import resource
import sys
import threading

APPLIED = []


def _patch(name):
    def register(func):
        func()
        APPLIED.append(name)
        return func
    return register


@_patch("collections_abc_aliases")
def _collections_abc_aliases():
    # ImportError: cannot import name 'Mapping' from 'collections'
    # (odoo/modules/registry.py, ir_qweb/qweb.py, osv/expression.py use the old names).
    for name in collections.abc.__all__:
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))


@_patch("inspect_getargspec")
def _inspect_getargspec():
    # AttributeError: module 'inspect' has no attribute 'getargspec'
    # (odoo/http.py route dispatch; both functions were removed in 3.11).
    if not hasattr(inspect, "getargspec"):
        ArgSpec = collections.namedtuple("ArgSpec", "args varargs keywords defaults")

        def getargspec(func):
            spec = inspect.getfullargspec(func)
            return ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)
        inspect.getargspec = getargspec
    if not hasattr(inspect, "formatargspec"):
        def formatargspec(args, varargs=None, varkw=None, defaults=None, *_ignored, **_kw):
            params = []
            first_default = len(args) - len(defaults or ())
            for index, arg in enumerate(args):
                if defaults and index >= first_default:
                    params.append("%s=%r" % (arg, defaults[index - first_default]))
                else:
                    params.append(str(arg))
            if varargs:
                params.append("*" + varargs)
            if varkw:
                params.append("**" + varkw)
            return "(" + ", ".join(params) + ")"
        inspect.formatargspec = formatargspec


@_patch("base64_encodestring")
def _base64_encodestring():
    # AttributeError: module 'base64' has no attribute 'encodestring' (removed in 3.9;
    # used by attachments, reports and the web client's binary upload).
    if not hasattr(base64, "encodestring"):
        base64.encodestring = base64.encodebytes
    if not hasattr(base64, "decodestring"):
        base64.decodestring = base64.decodebytes


@_patch("thread_isalive")
def _thread_isalive():
    # AttributeError: 'Thread' object has no attribute 'isAlive' (server shutdown loop).
    if not hasattr(threading.Thread, "isAlive"):
        threading.Thread.isAlive = threading.Thread.is_alive


@_patch("setrlimit_int")
def _setrlimit_int():
    # TypeError: 'float' object cannot be interpreted as an integer, when prefork workers
    # set their CPU/memory limits; the worker dies and is respawned forever.
    original = resource.setrlimit
    if getattr(original, "_odoo_py311", False):
        return

    def setrlimit(which, limits):
        soft, hard = limits
        return original(which, (int(soft), int(hard)))
    setrlimit._odoo_py311 = True
    resource.setrlimit = setrlimit


@_patch("yaml_load_loader")
def _yaml_load_loader():
    # TypeError: load() missing 1 required positional argument: 'Loader' (PyYAML 6;
    # odoo/tools/yaml_import.py calls yaml.load(text)).
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is pinned in requirements
        return
    original = yaml.load
    if getattr(original, "_odoo_py311", False):
        return

    # yaml.Loader was PyYAML 5's default, and Odoo registers its '!record'... tags on it.
    # Odoo only loads YAML from installed module data, never from user input.
    def load(stream, Loader=None):
        return original(stream, Loader=Loader or yaml.Loader)
    load._odoo_py311 = True
    yaml.load = load


@_patch("ast_arguments_posonlyargs")
def _ast_arguments_posonlyargs():
    # TypeError: required field "posonlyargs" missing from arguments: QWeb builds
    # ast.arguments without the field added in 3.8; a class default supplies it.
    # compile() wants a list; fix_missing_locations below gives each node its own.
    if "posonlyargs" not in ast.arguments.__dict__:
        ast.arguments.posonlyargs = []


class _NameConstantFixer(ast.NodeTransformer):
    def visit_Name(self, node):
        if node.id in ("None", "True", "False"):
            value = {"None": None, "True": True, "False": False}[node.id]
            return ast.copy_location(ast.Constant(value=value), node)
        return node


def _repair_positions(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.arguments) and "posonlyargs" not in node.__dict__:
            node.posonlyargs = []
        if "lineno" not in node._attributes:
            continue
        lineno = getattr(node, "lineno", None) or 1
        col = getattr(node, "col_offset", None) or 0
        node.lineno, node.col_offset = lineno, col
        end_lineno = getattr(node, "end_lineno", None)
        end_col = getattr(node, "end_col_offset", None)
        if end_lineno is None or end_lineno < lineno:
            end_lineno = lineno
        if end_col is None or (end_lineno == lineno and end_col < col):
            end_col = col
        node.end_lineno, node.end_col_offset = end_lineno, end_col


@_patch("ast_fix_missing_locations")
def _ast_fix_missing_locations():
    # QWeb compiles templates from a hand-built AST, then calls fix_missing_locations:
    # - ValueError: Name node can't be used with 'None' constant (Name('None') etc.);
    # - ValueError: AST node line range (x, y) is not valid (end positions inherited
    #   from a parent can precede the start).
    original = ast.fix_missing_locations
    if getattr(original, "_odoo_py311", False):
        return

    def fix_missing_locations(node):
        node = _NameConstantFixer().visit(node)
        node = original(node)
        _repair_positions(node)
        return node
    fix_missing_locations._odoo_py311 = True
    ast.fix_missing_locations = fix_missing_locations


# Python 3.11 bytecode that is as harmless as what Odoo 11's safe_eval already allows:
# frame set-up (RESUME, CACHE, NOP, PUSH_NULL, PRECALL...), the merged BINARY_OP, the
# new comparison/containment opcodes and the renamed jumps. Grouped by the safe_eval set
# they extend so that const_eval and expr_eval stay as strict as they were.
_PY311_CONST_OPCODES = [
    "RESUME", "CACHE", "NOP", "COPY", "SWAP", "LIST_EXTEND", "LIST_TO_TUPLE",
    "SET_UPDATE", "DICT_MERGE", "DICT_UPDATE", "RETURN_GENERATOR",
]
_PY311_EXPR_OPCODES = _PY311_CONST_OPCODES + [
    "BINARY_OP", "IS_OP", "CONTAINS_OP", "FORMAT_VALUE", "BUILD_STRING",
]
_PY311_SAFE_OPCODES = _PY311_EXPR_OPCODES + [
    "PRECALL", "CALL", "KW_NAMES", "PUSH_NULL", "JUMP_BACKWARD",
    "JUMP_BACKWARD_NO_INTERRUPT", "POP_JUMP_FORWARD_IF_FALSE", "POP_JUMP_FORWARD_IF_TRUE",
    "POP_JUMP_BACKWARD_IF_FALSE", "POP_JUMP_BACKWARD_IF_TRUE",
    "POP_JUMP_FORWARD_IF_NONE", "POP_JUMP_FORWARD_IF_NOT_NONE",
    "POP_JUMP_BACKWARD_IF_NONE", "POP_JUMP_BACKWARD_IF_NOT_NONE",
    "PUSH_EXC_INFO", "CHECK_EXC_MATCH", "RERAISE", "LOAD_ASSERTION_ERROR",
    "MAKE_CELL", "COPY_FREE_VARS", "LOAD_DEREF", "STORE_DEREF", "LOAD_CLOSURE",
    "BEFORE_WITH", "JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP",
]


def extend_safe_eval(module):
    """Add the 3.11 opcodes to ``odoo.tools.safe_eval``'s allow-lists."""
    from opcode import opmap
    for attr, names in (("_CONST_OPCODES", _PY311_CONST_OPCODES),
                        ("_EXPR_OPCODES", _PY311_EXPR_OPCODES),
                        ("_SAFE_OPCODES", _PY311_SAFE_OPCODES)):
        getattr(module, attr).update(opmap[name] for name in names if name in opmap)


class _SafeEvalHook(importlib.abc.MetaPathFinder):
    """Extends safe_eval's opcode sets right after Odoo imports the module."""
    target = "odoo.tools.safe_eval"

    def find_spec(self, fullname, path, target=None):
        if fullname != self.target:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        exec_module = loader.exec_module

        def exec_and_extend(module):
            exec_module(module)
            extend_safe_eval(module)
        # Wrap only this module's loader instance (a fresh SourceFileLoader per spec).
        loader.exec_module = exec_and_extend
        return spec


@_patch("safe_eval_opcodes")
def _safe_eval_opcodes():
    # ValueError: forbidden opcode(s) in '...': RESUME, PRECALL, CALL, BINARY_OP ...
    # (every domain, view modifier and server action evaluated by safe_eval on 3.11).
    module = sys.modules.get(_SafeEvalHook.target)
    if module is not None:
        extend_safe_eval(module)
    elif not any(isinstance(f, _SafeEvalHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _SafeEvalHook())


@_patch("elementtree_getchildren")
def _elementtree_getchildren():
    # AttributeError: 'xml.etree.ElementTree.Element' object has no attribute
    # 'getchildren' (web client's /web/webclient/qweb: "Template 'ActionManager' not
    # found"). The C accelerator's Element cannot be patched, so the pure-Python
    # implementation is used; this must run before anything imports xml.etree.
    if "xml.etree.ElementTree" not in sys.modules:
        sys.modules.setdefault("_elementtree", None)
    from xml.etree import ElementTree
    element = ElementTree.Element
    if not hasattr(element, "getchildren"):
        try:
            element.getchildren = lambda self: list(self)
            element.getiterator = lambda self, tag=None: list(self.iter(tag))
        except TypeError:  # the C type: imported before this layer, nothing to do
            pass
