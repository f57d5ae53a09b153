"""Build each addon's README.rst from its readme/ fragments (OCA layout).

    .venv/bin/python tools/build_readme.py [ADDON ...]
"""
import ast
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTIONS = [
    ("DESCRIPTION.rst", None),
    ("INSTALL.rst", "Installation"),
    ("CONFIGURE.rst", "Configuration"),
    ("USAGE.rst", "Usage"),
    ("ROADMAP.rst", "Known issues / Roadmap"),
    ("HISTORY.rst", "Changelog"),
    ("CONTRIBUTORS.rst", "Contributors"),
]
BADGE = """.. |badge1| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png
    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html
    :alt: License: LGPL-3

|badge1|
"""


def build(addon):
    path = os.path.join(ROOT, addon)
    with open(os.path.join(path, "__manifest__.py")) as handle:
        manifest = ast.literal_eval(handle.read())
    title = manifest["name"]
    parts = ["=" * len(title), title, "=" * len(title), "", BADGE]
    for filename, heading in SECTIONS:
        fragment = os.path.join(path, "readme", filename)
        if not os.path.exists(fragment):
            continue
        with open(fragment) as handle:
            text = handle.read().strip()
        if heading:
            parts += [heading, "=" * len(heading), ""]
        elif filename == "DESCRIPTION.rst":
            text += "\n\n**Table of contents**\n\n.. contents::\n   :local:"
        parts += [text, ""]
    with open(os.path.join(path, "README.rst"), "w") as handle:
        handle.write("\n".join(parts))


if __name__ == "__main__":
    for name in sys.argv[1:] or ["aftersales_followup", "aftersales_warranty",
                                 "aftersales_parts"]:
        build(name)
        print("built %s/README.rst" % name)
