# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The dealers work in Chinese: every addon that ships a Simplified Chinese translation
ships a complete one, in step with its template (tools/update_i18n.py refreshes both)."""
import glob
import os
import re

import polib
import pytest

POSITIONAL = re.compile(r"%[sd]")
NAMED = re.compile(r"%\([a-z_]+\)[sd]")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS_WITH_ZH = sorted(
    os.path.basename(os.path.dirname(os.path.dirname(path)))
    for path in glob.glob(os.path.join(ROOT, "*", "i18n", "zh_CN.po")))


def _po(addon):
    return polib.pofile(os.path.join(ROOT, addon, "i18n", "zh_CN.po"))


def _pot(addon):
    return polib.pofile(os.path.join(ROOT, addon, "i18n", addon + ".pot"))


def test_followup_has_a_chinese_translation():
    assert "aftersales_followup" in ADDONS_WITH_ZH


@pytest.mark.parametrize("addon", ADDONS_WITH_ZH)
def test_zh_cn_parses_and_every_msgid_is_translated(addon):
    po = _po(addon)
    assert len(po) > 0
    assert po.metadata.get("Language") == "zh_CN"
    untranslated = [e.msgid for e in po if not e.obsolete and not e.msgstr.strip()]
    assert untranslated == []
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert fuzzy == []


@pytest.mark.parametrize("addon", ADDONS_WITH_ZH)
def test_zh_cn_covers_every_msgid_of_the_template(addon):
    assert os.path.exists(os.path.join(ROOT, addon, "i18n", addon + ".pot")), \
        "%s ships zh_CN.po without its .pot" % addon
    translated = {(e.msgctxt, e.msgid) for e in _po(addon) if not e.obsolete}
    missing = [e.msgid for e in _pot(addon) if (e.msgctxt, e.msgid) not in translated]
    assert missing == []


@pytest.mark.parametrize("addon", ADDONS_WITH_ZH)
def test_zh_cn_keeps_placeholders(addon):
    """A translation keeps the msgid's %s/%d and %(name)s placeholders and as many of the
    mail templates' ${...} expressions (whose quoted words may be translated), or the
    string breaks at run time."""
    broken = []
    for entry in _po(addon):
        if not entry.msgstr:
            continue
        for pattern in (POSITIONAL, NAMED):
            if sorted(pattern.findall(entry.msgid)) != sorted(pattern.findall(entry.msgstr)):
                broken.append((entry.msgid[:60], pattern.pattern))
        if entry.msgid.count("${") != entry.msgstr.count("${"):
            broken.append((entry.msgid[:60], "${"))
    assert broken == []


@pytest.mark.parametrize("path", sorted(
    glob.glob(os.path.join(ROOT, "*", "i18n", "*.po"))
    + glob.glob(os.path.join(ROOT, "*", "i18n", "*.pot"))))
def test_odoo_s_own_reader_reads_every_translation_file(path):
    """Odoo loads the files with its own reader, stricter than polib: an entry without
    its msgstr (left by a merge) stops the module's install or upgrade."""
    from odoo.tools.translate import PoFile
    with open(path, "rb") as handle:
        entries = list(PoFile(handle))
    assert entries, path
    expected = len([e for e in polib.pofile(path) if not e.obsolete and e.msgid])
    assert len(entries) >= expected, path
