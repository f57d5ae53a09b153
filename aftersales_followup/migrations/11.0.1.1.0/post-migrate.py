# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""11.0.1.1.0: the rules that let every after-sales user read every email of the mail
queue and the survey answers (personal links included) of their calls are gone; their
records are in a noupdate file, so an upgrade would keep them."""
import logging

_logger = logging.getLogger(__name__)

OBSOLETE_RULES = ("rule_mail_mail_aftersales_staff", "rule_survey_user_input_aftersales")


def migrate(cr, version):
    if not version:
        return
    cr.execute("""
        DELETE FROM ir_rule WHERE id IN (
            SELECT res_id FROM ir_model_data
             WHERE module = 'aftersales_followup' AND model = 'ir.rule' AND name IN %s)
    """, (OBSOLETE_RULES,))
    cr.execute("""
        DELETE FROM ir_model_data
         WHERE module = 'aftersales_followup' AND model = 'ir.rule' AND name IN %s
    """, (OBSOLETE_RULES,))
    _logger.info("aftersales_followup: %d obsolete record rules removed", cr.rowcount)
