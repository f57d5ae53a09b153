# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Upgrading a database installed before the claim's follow-up index was renamed drops
the old one; init() keeps the new one."""
from odoo.tests.common import TransactionCase

from odoo.addons.aftersales_followup.tests.test_migrations import indexes_of, load_migration
import odoo.addons.aftersales_warranty as addon

OLD_INDEX = ("CREATE UNIQUE INDEX aftersales_call_rule_claim_uniq"
             " ON aftersales_call (rule_id, claim_id)"
             " WHERE rule_id IS NOT NULL AND claim_id IS NOT NULL")


class TestMigrations(TransactionCase):

    def test_upgrade_to_11_0_1_0_1_drops_the_renamed_index(self):
        cr = self.env.cr
        cr.execute(OLD_INDEX)
        script = load_migration(addon, "11.0.1.0.1", "pre-migrate.py")
        script.migrate(cr, "11.0.1.0.0")
        indexes = indexes_of(cr, "aftersales_call")
        self.assertNotIn("aftersales_call_rule_claim_uniq", indexes)
        self.env["aftersales.call"].init()
        self.assertIn("aftersales_call_claim_rule_uniq", indexes_of(cr, "aftersales_call"))
