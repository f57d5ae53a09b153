"""The three addons install together, with their groups and the After-Sales menu."""
from odoo.tests.common import TransactionCase


class TestInstall(TransactionCase):

    def test_three_addons_installed(self):
        modules = self.env["ir.module.module"].search([
            ("name", "in", ["aftersales_followup", "aftersales_warranty", "aftersales_parts"])])
        self.assertEqual(sorted(modules.mapped("state")), ["installed"] * 3)
        self.assertEqual(set(modules.mapped("installed_version")), {"11.0.1.1.0"})

    def test_groups_and_menu(self):
        user = self.env.ref("aftersales_followup.group_aftersales_user")
        manager = self.env.ref("aftersales_followup.group_aftersales_manager")
        self.assertIn(user, manager.implied_ids)
        self.assertEqual(user.full_name, "After-Sales / User")
        self.assertEqual(manager.full_name, "After-Sales / Manager")
        menu = self.env.ref("aftersales_followup.menu_aftersales_root")
        self.assertEqual(menu.name, "After-Sales")
        self.assertIn(user, menu.groups_id)
