# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Schema history lives in migrations/, not in init(): upgrading a database installed
before the indexes of the phone register were renamed drops the old ones, and init()
keeps the new ones."""
import importlib.util
import os

from odoo.tests.common import TransactionCase

import odoo.addons.aftersales_followup as addon

# The old definitions, as init() created them before the rename.
OLD_INDEXES = {
    "aftersales_call_rule_order_uniq": "CREATE UNIQUE INDEX aftersales_call_rule_order_uniq"
    " ON aftersales_call (rule_id, sale_order_id)"
    " WHERE rule_id IS NOT NULL AND sale_order_id IS NOT NULL",
    "aftersales_call_queue_idx": "CREATE INDEX aftersales_call_queue_idx"
    " ON aftersales_call (user_id, state, date_due)",
    "aftersales_call_rule_need_uniq": "CREATE UNIQUE INDEX aftersales_call_rule_need_uniq"
    " ON aftersales_call (rule_id, need_id) WHERE rule_id IS NOT NULL AND need_id IS NOT NULL",
}
NEW_INDEXES = ["aftersales_call_need_rule_uniq", "aftersales_call_open_queue_idx",
               "aftersales_call_order_rule_uniq"]


def load_migration(module, version, name):
    path = os.path.join(os.path.dirname(module.__file__), "migrations", version, name)
    spec = importlib.util.spec_from_file_location("migration_%s" % version.replace(".", "_"),
                                                  path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def indexes_of(cr, table):
    cr.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", (table,))
    return {row[0] for row in cr.fetchall()}


class TestMigrations(TransactionCase):

    def test_upgrade_to_11_0_1_0_1_drops_the_renamed_indexes(self):
        cr = self.env.cr
        for statement in OLD_INDEXES.values():
            cr.execute(statement)
        self.assertLessEqual(set(OLD_INDEXES), indexes_of(cr, "aftersales_call"))
        script = load_migration(addon, "11.0.1.0.1", "pre-migrate.py")
        self.assertEqual(set(script.OLD_INDEXES), set(OLD_INDEXES))
        script.migrate(cr, "11.0.1.0.0")
        self.assertFalse(set(OLD_INDEXES) & indexes_of(cr, "aftersales_call"))
        self.env["aftersales.call"].init()
        self.assertLessEqual(set(NEW_INDEXES), indexes_of(cr, "aftersales_call"))

    def test_fresh_install_runs_no_migration(self):
        cr = self.env.cr
        cr.execute(OLD_INDEXES["aftersales_call_queue_idx"])
        load_migration(addon, "11.0.1.0.1", "pre-migrate.py").migrate(cr, None)
        self.assertIn("aftersales_call_queue_idx", indexes_of(cr, "aftersales_call"))

    def test_upgrade_to_11_0_1_1_0_removes_the_staff_wide_email_and_survey_rules(self):
        """The rules that let every after-sales user read the whole mail queue and the
        survey answers (personal links included) are in a noupdate file: an upgrade
        would keep them, the migration removes them."""
        rules = self.env["ir.rule"]
        for name, model in (("rule_mail_mail_aftersales_staff", "mail.model_mail_mail"),
                            ("rule_survey_user_input_aftersales",
                             "survey.model_survey_user_input")):
            rule = rules.create({"name": name, "model_id": self.env.ref(model).id,
                                 "domain_force": "[(1, '=', 1)]"})
            self.env["ir.model.data"].create({
                "module": "aftersales_followup", "name": name, "model": "ir.rule",
                "res_id": rule.id, "noupdate": True})
            rules |= rule
        load_migration(addon, "11.0.1.1.0", "post-migrate.py").migrate(
            self.env.cr, "11.0.1.0.1")
        self.assertFalse(rules.exists())
        self.assertFalse(self.env["ir.model.data"].search([
            ("module", "=", "aftersales_followup"),
            ("name", "in", ["rule_mail_mail_aftersales_staff",
                            "rule_survey_user_input_aftersales"])]))

    def test_upgrade_to_11_0_1_2_0_moves_the_kpis_and_the_first_attempt(self):
        """The KPI columns leave the business tables; a call not reached loses the
        no-answer time it kept as its contact date, which becomes its first attempt."""
        cr = self.env.cr
        for column in ("on_time", "reached", "satisfaction_value"):
            cr.execute("ALTER TABLE aftersales_call ADD COLUMN IF NOT EXISTS %s float8" % column)
        cr.execute("ALTER TABLE aftersales_call ADD COLUMN IF NOT EXISTS expired int4")
        cr.execute("ALTER TABLE aftersales_case ADD COLUMN IF NOT EXISTS answered_on_call "
                   "float8")
        partner = self.env["res.partner"].create({"name": "Migrated Customer"})
        Call = self.env["aftersales.call"]
        tried = Call._aftersales_trusted().create({
            "partner_id": partner.id, "state": "no_answer", "attempt_count": 1,
            "date_call": "2026-01-05 09:00:00"})
        reached = Call._aftersales_trusted().create({
            "partner_id": partner.id, "state": "done", "date_call": "2026-01-06 10:00:00"})
        cr.execute("UPDATE aftersales_call SET date_first_attempt = NULL WHERE id IN %s",
                   (tuple((tried | reached).ids),))
        load_migration(addon, "11.0.1.2.0", "pre-migrate.py").migrate(cr, "11.0.1.1.0")
        Call.invalidate_cache()
        self.assertEqual((tried.date_call, tried.date_first_attempt),
                         (False, "2026-01-05 09:00:00"))
        self.assertEqual((reached.date_call, reached.date_first_attempt),
                         ("2026-01-06 10:00:00", "2026-01-06 10:00:00"))
        cr.execute("""SELECT table_name, column_name FROM information_schema.columns
                       WHERE table_name IN ('aftersales_call', 'aftersales_case')
                         AND column_name IN ('on_time', 'reached', 'expired',
                                             'satisfaction_value', 'answered_on_call',
                                             'informed_same_day_rate')""")
        self.assertEqual(cr.fetchall(), [])

    def test_upgrade_to_11_0_1_3_0_renames_the_demo_xml_ids(self):
        """A database with the demo under its old XML ids keeps its records: the upgrade
        renames them (and their parents') before the demo files update them."""
        script = load_migration(addon, "11.0.1.3.0", "pre-migrate.py")
        Data = self.env["ir.model.data"]
        officer = self.env.ref("aftersales_followup.user_officer_demo")
        wang_wei = self.env.ref("aftersales_followup.partner_wang_wei_demo")
        self.env.cr.execute("""
            UPDATE ir_model_data SET name = regexp_replace(name, '_demo', '')
             WHERE module = 'aftersales_followup'
               AND name IN ('user_officer_demo', 'user_officer_demo_res_partner',
                            'partner_wang_wei_demo')""")
        Data.clear_caches()
        self.assertFalse(self.env.ref("aftersales_followup.user_officer_demo",
                                      raise_if_not_found=False))
        self.assertEqual(script.RENAMED["user_officer"], "user_officer_demo")
        script.migrate(self.env.cr, "11.0.1.2.0")
        Data.clear_caches()
        self.assertEqual(self.env.ref("aftersales_followup.user_officer_demo"), officer)
        self.assertEqual(self.env.ref("aftersales_followup.user_officer_demo_res_partner"),
                         officer.partner_id)
        self.assertEqual(self.env.ref("aftersales_followup.partner_wang_wei_demo"), wang_wei)
        self.assertFalse(Data.search([("module", "=", "aftersales_followup"),
                                      ("name", "in", ["user_officer", "partner_wang_wei"])]))
