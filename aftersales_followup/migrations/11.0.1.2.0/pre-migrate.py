# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""11.0.1.2.0: the KPIs are reports (aftersales.call.report, aftersales.case.report):
their 0/1 columns leave the business tables. A call's ``date_call`` is now the moment the
customer was reached and ``date_first_attempt`` the first try: before, a no-answer wrote
``date_call`` and a call reached later kept that time."""
import logging

_logger = logging.getLogger(__name__)

OBSOLETE_COLUMNS = {
    "aftersales_call": ("satisfaction_value", "on_time", "reached", "expired"),
    "aftersales_case": ("informed_same_day_rate", "answered_on_call"),
}


def migrate(cr, version):
    if not version:
        return
    cr.execute("ALTER TABLE aftersales_call "
               "ADD COLUMN IF NOT EXISTS date_first_attempt timestamp")
    # The only time known of the first try: the old date_call (the last no-answer, or
    # the call reached at the first try).
    cr.execute("""
        UPDATE aftersales_call SET date_first_attempt = date_call
         WHERE date_first_attempt IS NULL AND date_call IS NOT NULL
    """)
    # A call not done never reached the customer: its date_call was a no-answer.
    cr.execute("""
        UPDATE aftersales_call SET date_call = NULL
         WHERE state != 'done' AND date_call IS NOT NULL
    """)
    _logger.info("aftersales_followup: %d unreached calls lose their contact date",
                 cr.rowcount)
    for table, columns in sorted(OBSOLETE_COLUMNS.items()):
        for column in columns:
            # Identifiers from the constant above, never from input.
            cr.execute('ALTER TABLE "%s" DROP COLUMN IF EXISTS "%s"' % (table, column))
