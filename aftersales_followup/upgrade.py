# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the addons' migration scripts share (imported by them, not by the addon)."""

# The XML ids Odoo gives the parent record of a record created with one (_inherits)
PARENT_SUFFIXES = ("", "_res_partner", "_product_template")


def rename_xmlids(cr, module, renamed):
    """Give the records of ``module`` their new XML ids (``renamed``: old name -> new
    name), with those Odoo made for their parents, before the data files load: the files
    then update the records instead of creating them a second time. A new name already
    taken is left alone."""
    for old, new in sorted(renamed.items()):
        for suffix in PARENT_SUFFIXES:
            cr.execute("""
                UPDATE ir_model_data SET name = %(new)s
                 WHERE module = %(module)s AND name = %(old)s
                   AND NOT EXISTS (SELECT 1 FROM ir_model_data
                                    WHERE module = %(module)s AND name = %(new)s)
            """, {"module": module, "old": old + suffix, "new": new + suffix})
