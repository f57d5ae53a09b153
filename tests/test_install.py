"""The three addons install together, with their groups and the After-Sales menu."""
from odoo.modules.module import load_information_from_description_file
from odoo.tests.common import TransactionCase


class TestInstall(TransactionCase):

    def test_three_addons_installed(self):
        modules = self.env["ir.module.module"].search([
            ("name", "in", ["aftersales_followup", "aftersales_warranty", "aftersales_parts"])])
        self.assertEqual(sorted(modules.mapped("state")), ["installed"] * 3)
        for module in modules:
            # The database is at the manifest's version (migrations/ ran up to it).
            manifest = load_information_from_description_file(module.name)
            self.assertEqual(module.latest_version, manifest["version"])

    def test_groups_and_menu(self):
        user = self.env.ref("aftersales_followup.group_aftersales_user")
        manager = self.env.ref("aftersales_followup.group_aftersales_manager")
        self.assertIn(user, manager.implied_ids)
        self.assertEqual(user.full_name, "After-Sales / User")
        self.assertEqual(manager.full_name, "After-Sales / Manager")
        menu = self.env.ref("aftersales_followup.menu_aftersales_root")
        self.assertEqual(menu.name, "After-Sales")
        self.assertIn(user, menu.groups_id)
