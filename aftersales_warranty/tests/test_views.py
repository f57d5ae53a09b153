# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The back office opens: every view of the warranty records loads for the people who use
it, and the vehicle and customer forms still load for those without warranty rights."""
import json

from lxml import etree

from odoo.tools.safe_eval import safe_eval

from odoo.addons.aftersales_followup.tests.common import create_staff

from .common import WarrantyCommon


class TestViews(WarrantyCommon):

    def test_warranty_views_load_for_users_and_managers(self):
        for user in (self.user, self.manager):
            for model, kinds in (
                    ("aftersales.warranty.claim",
                     ("form", "tree", "kanban", "pivot", "graph", "search")),
                    ("aftersales.warranty.claim.line", ("tree", "pivot", "graph", "search")),
                    ("aftersales.warranty.feedback", ("form", "tree", "search"))):
                for kind in kinds:
                    with self.subTest(user=user.login, model=model, kind=kind):
                        view = self.env[model].sudo(user).fields_view_get(view_type=kind)
                        self.assertTrue(view["arch"])

    def _button_hidden(self, arch, name):
        button = etree.fromstring(arch).xpath("//button[@name='%s']" % name)[0]
        return json.loads(button.get("modifiers", "{}")).get("invisible") is True

    def test_claim_form_shows_the_coverage_and_the_steps(self):
        arch = self.env["aftersales.warranty.claim"].sudo(self.user).fields_view_get(
            view_type="form")["arch"]
        for name in ("coverage_reason", "action_submit", "action_assess", "action_compensate",
                     "action_close", "line_ids", "message_ids"):
            self.assertIn('name="%s"' % name, arch)
        # Deciding is for managers: the buttons are hidden from a user.
        self.assertTrue(self._button_hidden(arch, "action_approve"))
        self.assertTrue(self._button_hidden(arch, "action_reject"))
        manager_arch = self.env["aftersales.warranty.claim"].sudo(
            self.manager).fields_view_get(view_type="form")["arch"]
        self.assertFalse(self._button_hidden(manager_arch, "action_approve"))
        self.assertFalse(self._button_hidden(manager_arch, "action_reject"))

    def test_vehicle_and_customer_forms_show_warranty_and_claims(self):
        arch = self.env["aftersales.vehicle"].sudo(self.user).fields_view_get(
            view_type="form")["arch"]
        for name in ("warranty_state", "warranty_end_date", "warranty_km_limit",
                     "claim_count"):
            self.assertIn('name="%s"' % name, arch)
        partner_arch = self.env["res.partner"].sudo(self.user).fields_view_get(
            view_type="form")["arch"]
        self.assertIn('name="warranty_claim_ids"', partner_arch)
        product_arch = self.env["product.template"].sudo(self.manager).fields_view_get(
            view_type="form")["arch"]
        self.assertIn('name="warranty_months"', product_arch)

    def test_vehicle_form_loads_for_a_salesman_without_claim_rights(self):
        salesman = create_staff(self.env, "h3_salesman", "Sales only (h3)", [self.SALESMAN])
        vehicle = self.create_vehicle()
        view = self.env["aftersales.vehicle"].sudo(salesman).fields_view_get(view_type="form")
        self.assertNotIn('name="claim_count"', view["arch"])
        values = vehicle.sudo(salesman).read(list(view["fields"]))
        self.assertEqual(values[0]["warranty_state"], "active")

    def test_the_warranty_scheduled_action_is_in_the_managers_configuration_menu(self):
        action = self.env.ref("aftersales_followup.menu_aftersales_cron").action
        crons = self.env["ir.cron"].sudo(self.manager).with_context(active_test=False).search(
            safe_eval(action.sudo(self.manager).read()[0]["domain"]))
        self.assertIn(self.env.ref("aftersales_warranty.ir_cron_expire_warranties"), crons)
