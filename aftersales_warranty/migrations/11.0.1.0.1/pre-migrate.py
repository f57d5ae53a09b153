# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The claim's follow-up index of aftersales_call renamed when the claim became its first
column (see ``AftersalesCall.init``): a database installed before carries it under its old
name. It goes before the models load; ``init()`` then creates the new one."""
from psycopg2 import sql

OLD_INDEXES = (
    "aftersales_call_rule_claim_uniq",  # now aftersales_call_claim_rule_uniq
)


def migrate(cr, version):
    if not version:
        return
    for name in OLD_INDEXES:
        cr.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(name)))
