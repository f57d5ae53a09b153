#!/usr/bin/env python3
# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Refresh an addon's translation template and merge it into its Chinese translation.

    .venv/bin/python tools/update_i18n.py ADDON DATABASE [--lang zh_CN] [--check]

1. exports the terms of ADDON from DATABASE (where ADDON must be installed, with its demo
   data if the demo records' translatable values are to be translated too) with Odoo's own
   exporter (``odoo-bin --i18n-export --modules=ADDON``) and writes ``ADDON/i18n/ADDON.pot``;
2. rewrites ``ADDON/i18n/LANG.po`` in the order of the template, keeping the translation of
   every msgid that is still there (new msgids get an empty msgstr, msgids that disappeared
   are dropped and listed);
3. lists the msgids still untranslated; with ``--check`` it exits with status 1 if any.

Run it after changing fields, views, data or ``_()`` strings, then translate what it lists.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = (
    "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Plural-Forms",
)
PLURAL_FORMS = {"zh_CN": "nplurals=1; plural=0;"}


def export_pot(addon, database):
    """Export the addon's terms with Odoo's exporter; return the template (polib)."""
    with tempfile.TemporaryDirectory(prefix="i18n-") as tmp:
        # Odoo 11 knows .po, .csv and .tgz; a .po exported without --language is the
        # template (empty msgstr).
        out = os.path.join(tmp, addon + ".po")
        cmd = ["bash", os.path.join(ROOT, "tools", "aftersales.sh"), "odoo",
               "-d", database, "--i18n-export=" + out, "--modules=" + addon,
               "--log-level=warn", "--max-cron-threads=0"]
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, check=False)
        if proc.returncode or not os.path.exists(out):
            sys.stderr.write(proc.stdout)
            raise SystemExit("error: the export of %s from %s failed (is the addon installed "
                             "in that database?)" % (addon, database))
        return polib.pofile(out, wrapwidth=78)


def merge(pot, po_path, lang):
    """Return (the new translation file, msgids dropped) keeping known translations."""
    old = polib.pofile(po_path, wrapwidth=78) if os.path.exists(po_path) else None
    known = {}
    if old is not None:
        for entry in old:
            if entry.msgstr and not entry.obsolete:
                known[(entry.msgctxt, entry.msgid)] = entry.msgstr
    new = polib.POFile(wrapwidth=78)
    new.metadata = dict(pot.metadata)
    if old is not None:
        new.metadata.update({k: v for k, v in old.metadata.items()
                             if k in ("Last-Translator", "Language-Team")})
    new.metadata.update({
        "Language": lang,
        "PO-Revision-Date": time.strftime("%Y-%m-%d %H:%M+0000", time.gmtime()),
        "Plural-Forms": PLURAL_FORMS.get(lang, new.metadata.get("Plural-Forms", "")),
    })
    new.metadata = {k: new.metadata.get(k, "") for k in HEADER}
    in_pot = set()
    for entry in pot:
        key = (entry.msgctxt, entry.msgid)
        in_pot.add(key)
        new.append(polib.POEntry(
            msgid=entry.msgid, msgctxt=entry.msgctxt, msgstr=known.get(key, ""),
            occurrences=entry.occurrences, comment=entry.comment, tcomment=entry.tcomment,
            flags=[f for f in entry.flags if f != "fuzzy"]))
    dropped = sorted(msgid for ctx, msgid in known if (ctx, msgid) not in in_pot)
    return new, dropped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("addon", help="addon name, e.g. aftersales_followup")
    parser.add_argument("database", help="database where the addon is installed")
    parser.add_argument("--lang", default="zh_CN", help="translation to merge into")
    parser.add_argument("--check", action="store_true",
                        help="exit with status 1 when msgids are left untranslated")
    args = parser.parse_args(argv)
    addon_dir = os.path.join(ROOT, args.addon)
    if not os.path.isfile(os.path.join(addon_dir, "__manifest__.py")):
        raise SystemExit("error: %s is not an addon of %s" % (args.addon, ROOT))
    i18n = os.path.join(addon_dir, "i18n")
    os.makedirs(i18n, exist_ok=True)

    pot = export_pot(args.addon, args.database)
    pot_path = os.path.join(i18n, args.addon + ".pot")
    pot.save(pot_path)
    po_path = os.path.join(i18n, args.lang + ".po")
    po, dropped = merge(pot, po_path, args.lang)
    po.save(po_path)

    untranslated = [e.msgid for e in po if not e.msgstr]
    print("%s: %d msgids, %d translated, %d untranslated, %d dropped" % (
        os.path.relpath(po_path, ROOT), len(po), len(po) - len(untranslated),
        len(untranslated), len(dropped)))
    for msgid in dropped:
        print("dropped: %r" % msgid)
    for msgid in untranslated:
        print("untranslated: %r" % msgid)
    return 1 if args.check and untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
