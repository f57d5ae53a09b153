# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The indexes of aftersales_call renamed when their columns were reordered for the due
calls' duplicate probes and the officer's queue (see ``AftersalesCall.init``): a database
installed before carries them under their old names. They go before the models load;
``init()`` then creates the new ones."""
from psycopg2 import sql

OLD_INDEXES = (
    "aftersales_call_rule_order_uniq",  # now aftersales_call_order_rule_uniq
    "aftersales_call_queue_idx",  # now aftersales_call_open_queue_idx
    "aftersales_call_rule_need_uniq",  # now aftersales_call_need_rule_uniq
)


def migrate(cr, version):
    if not version:
        return
    for name in OLD_INDEXES:
        cr.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(name)))
