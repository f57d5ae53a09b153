# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The smaller things a dealership hits (issue 16): the needs' buttons answer XML-RPC,
an inbound call is done when logged, every call to do expires some day, no vehicle sale
without its vehicle, a missing supervisor said where people look, a wrong odometer
reading corrected by a manager, the scheduled actions under After-Sales >
Configuration, rules for every kind of need, and the officer's queue."""
import xmlrpc.client
from datetime import timedelta

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from .common import AftersalesCommon, create_staff


class TestDealershipDetails(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestDealershipDetails, cls).setUpClass()
        cls.Call = cls.env["aftersales.call"]

    def as_officer(self, records):
        return records.sudo(self.officer)

    # ------------------------------------------------------------------ 1. needs over RPC

    def test_need_buttons_return_what_xmlrpc_carries(self):
        need = self.env["aftersales.need"].sudo(self.officer).create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id, "kind": "tyres",
            "date_expected": self.days_from_today(20)})
        for method, state in (("action_decline", "declined"), ("action_reopen", "open"),
                              ("action_done", "done")):
            result = getattr(need, method)()
            self.assertIsNotNone(result, method)
            # What the XML-RPC server does with the return value: None cannot be sent.
            xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
            self.assertEqual(need.state, state)

    def test_need_buttons_refused_to_an_employee_without_after_sales_rights(self):
        need = self.env["aftersales.need"].create({
            "partner_id": self.customer.id, "kind": "other"})
        with self.assertRefused(AccessError):
            need.sudo(self.plain_user).action_done()
        self.assertEqual(need.state, "open")

    # ------------------------------------------------------------------ 2. inbound calls

    def test_inbound_call_logged_is_done_when_saved(self):
        before = fields.Datetime.now()
        call = self.Call.sudo(self.officer).create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "direction": "in", "purpose": "consultation",
            "notes": "Asks when the next service is due."})
        self.assertEqual(call.state, "done")
        self.assertGreaterEqual(call.date_call, before)
        self.assertFalse(self.activities_of(call))
        # Not a call to do: the queue and the scheduled expiry leave it alone.
        self.assertNotIn(call, self.Call.search([("state", "in", ("todo", "no_answer"))]))
        self.run_due_calls()
        self.assertEqual(call.state, "done")

    def test_inbound_call_from_the_form_is_done_too(self):
        # The form sends the default state back, and the inbound menu's context.
        call = self.Call.sudo(self.officer).with_context(
            default_direction="in", default_purpose="consultation").create({
                "partner_id": self.customer.id, "state": "todo"})
        self.assertEqual(call.state, "done")
        self.assertTrue(call.date_call)
        # Its button afterwards changes nothing and alerts nobody twice.
        call.action_done()
        self.assertEqual(call.state, "done")

    def test_unhappy_inbound_caller_alerts_the_supervisor_once(self):
        call = self.Call.sudo(self.officer).create({
            "partner_id": self.customer.id, "direction": "in", "purpose": "complaint",
            "satisfaction": "1"})
        call.action_done()
        alerts = self.activities_of(call).filtered(lambda a: a.user_id == self.supervisor)
        self.assertEqual(len(alerts), 1)

    def test_officer_cannot_log_an_inbound_call_in_another_state(self):
        vals = {"partner_id": self.customer.id, "direction": "in", "purpose": "complaint"}
        for extra in ({"state": "no_answer"}, {"state": "expired"},
                      {"date_call": "2026-01-01 08:00:00"}):
            with self.assertRefused(AccessError):
                self.Call.sudo(self.officer).create(dict(vals, **extra))
            with self.assertRefused(AccessError):
                self.Call.sudo(self.officer).with_context(
                    aftersales_trusted="1").create(dict(vals, **extra))

    def test_manual_call_gets_the_company_window_as_expiry(self):
        call = self.Call.sudo(self.officer).create({
            "partner_id": self.customer.id, "purpose": "other"})
        self.assertEqual(call.state, "todo")
        self.assertEqual(call.date_expiry, self.days_from_today(15))
        self.company.aftersales_call_window_days = 5
        due = self.days_from_today(2)
        call = self.Call.sudo(self.officer).create({
            "partner_id": self.customer.id, "purpose": "other", "date_due": due})
        self.assertEqual(call.date_expiry, fields.Date.to_string(
            fields.Date.from_string(due) + timedelta(days=5)))
        # A window chosen by the officer is kept.
        call = self.Call.sudo(self.officer).create({
            "partner_id": self.customer.id, "purpose": "other",
            "date_expiry": self.days_from_today(30)})
        self.assertEqual(call.date_expiry, self.days_from_today(30))

    def test_a_due_day_that_is_not_a_date_is_refused_clearly(self):
        before = self.Call.search_count([])
        with self.assertRefused(UserError) as refusal:
            self.Call.sudo(self.officer).create({
                "partner_id": self.customer.id, "purpose": "other",
                "date_due": "next Tuesday"})
        self.assertIn("next Tuesday", refusal.exception.name)
        self.assertEqual(self.Call.search_count([]), before)

    def test_manual_call_not_made_expires(self):
        call = self.Call.sudo(self.officer).create({
            "partner_id": self.customer.id, "purpose": "other",
            "date_due": self.days_from_today(-20)})
        self.assertEqual(call.date_expiry, self.days_from_today(-5))
        self.run_due_calls()
        self.assertEqual(call.state, "expired")

    def test_call_window_must_be_positive_and_is_the_managers(self):
        with self.assertRefused(ValidationError):
            self.company.aftersales_call_window_days = 0
        with self.assertRefused(AccessError):
            self.company.sudo(self.officer).write({"aftersales_call_window_days": 60})

    # ------------------------------------------------------------------ 3. vehicle sale

    def vehicle_sale(self, vehicle):
        return self.env["sale.order"].sudo(self.officer).create({
            "partner_id": self.customer.id, "aftersales_kind": "vehicle",
            "vehicle_id": vehicle.id if vehicle else False,
            "order_line": [(0, 0, {
                "product_id": self.vehicle_model.id, "name": self.vehicle_model.name,
                "product_uom_qty": 1.0, "product_uom": self.vehicle_model.uom_id.id,
                "price_unit": 150000.0})]})

    def test_vehicle_sale_without_vehicle_cannot_be_confirmed(self):
        order = self.vehicle_sale(None)
        with self.assertRefused(UserError, "choose the vehicle sold"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.picking_ids)
        order.vehicle_id = self.create_vehicle()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    # ------------------------------------------------------------------ 4. no supervisor

    def unhappy_call_of_company2(self):
        customer = self.env["res.partner"].create({
            "name": "Unhappy at the second dealership", "company_id": self.company2.id})
        return self.Call.sudo(self.officer2).create({
            "partner_id": customer.id, "purpose": "other", "satisfaction": "2",
            "company_id": self.company2.id})

    def test_unhappy_customer_without_supervisor_is_said_on_the_call(self):
        call = self.unhappy_call_of_company2()
        self.assertTrue(call.supervisor_missing)
        call.action_done()
        self.assertEqual(call.state, "done")
        self.assertFalse(self.activities_of(call))
        bodies = " ".join(call.message_ids.mapped("body"))
        self.assertIn("no after-sales supervisor is configured", bodies)
        self.assertIn(self.company2.name, bodies)
        # The form shows the banner for such a call.
        arch = etree.fromstring(self.Call.sudo(self.officer2).fields_view_get(
            view_id=self.env.ref("aftersales_followup.view_aftersales_call_form").id,
            view_type="form")["arch"])
        self.assertTrue(arch.xpath("//div[@name='supervisor_warning']"))
        self.assertFalse(self.Call.browse(
            self.due_call_of_company1().id).supervisor_missing)

    def due_call_of_company1(self):
        return self.Call.sudo(self.officer).create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "purpose": "other"})

    def test_company_settings_warn_of_a_missing_supervisor(self):
        self.assertTrue(self.company2.aftersales_supervisor_missing)
        self.assertFalse(self.company.aftersales_supervisor_missing)
        arch = etree.fromstring(self.env["res.company"].sudo(self.supervisor).fields_view_get(
            view_type="form")["arch"])
        self.assertTrue(arch.xpath("//div[@name='aftersales_supervisor_warning']"))
        # An officer cannot make the warning go away by naming a supervisor.
        with self.assertRefused(AccessError):
            self.company2.sudo(self.officer2).write(
                {"aftersales_supervisor_id": self.officer2.id})
        self.assertTrue(self.company2.aftersales_supervisor_missing)

    # ------------------------------------------------------------------ 5. odometer

    def test_manager_corrects_a_wrong_odometer_reading(self):
        vehicle = self.create_vehicle(self.customer, odometer=5000)
        vehicle.sudo(self.officer).write({"odometer": 50000})  # typed one zero too many
        wrong = vehicle.reading_ids.filtered(lambda r: r.odometer == 50000)
        action = vehicle.sudo(self.supervisor).action_correct_odometer()
        wizard = self.env["aftersales.odometer.correction"].sudo(self.supervisor).browse(
            action["res_id"])
        self.assertEqual(wizard.reading_id, wrong)
        wizard.write({"odometer": 5200, "reason": "50,000 typed instead of 5,200."})
        wizard.action_apply()
        self.assertEqual(vehicle.odometer, 5200)
        self.assertFalse(wrong.active)
        self.assertEqual(wrong.correction_reason, "50,000 typed instead of 5,200.")
        self.assertEqual(wrong.corrected_by_id, self.supervisor)
        self.assertEqual(wrong.correction_id.odometer, 5200)
        self.assertEqual(wrong.correction_id.source, "correction")
        self.assertEqual(sorted(vehicle.reading_ids.mapped("odometer")), [5000, 5200])
        self.assertEqual(vehicle.corrected_reading_ids, wrong)
        self.assertIn("from 50000 km to 5200 km", " ".join(vehicle.message_ids.mapped("body")))
        # Afterwards the true readings go on from there.
        vehicle.sudo(self.officer).write({"odometer": 6000})
        self.assertEqual(vehicle.odometer, 6000)

    def test_correction_needs_a_reason(self):
        vehicle = self.create_vehicle(self.customer, odometer=5000)
        reading = vehicle.reading_ids
        wizard = self.env["aftersales.odometer.correction"].sudo(self.supervisor).create({
            "vehicle_id": vehicle.id, "reading_id": reading.id, "odometer": 500,
            "reason": "  "})
        with self.assertRefused(UserError, "Say why"):
            wizard.action_apply()
        self.assertEqual(vehicle.odometer, 5000)
        self.assertTrue(reading.active)

    def test_officer_cannot_correct_an_odometer_reading(self):
        vehicle = self.create_vehicle(self.customer, odometer=5000)
        vehicle.write({"odometer": 50000})
        wrong = vehicle.reading_ids.filtered(lambda r: r.odometer == 50000)
        officer_vehicle = vehicle.sudo(self.officer)
        with self.assertRefused(AccessError):
            officer_vehicle.action_correct_odometer()
        with self.assertRefused(AccessError):
            self.env["aftersales.odometer.correction"].sudo(self.officer).create({
                "vehicle_id": vehicle.id, "reading_id": wrong.id, "odometer": 5200,
                "reason": "typo"}).action_apply()
        with self.assertRefused(AccessError):
            officer_vehicle._aftersales_correct_odometer(wrong, 5200, "typo")
        # Context keys a client can send do not turn the check off.
        forged = {"aftersales_trusted": True, "aftersales_odometer_correction": True,
                  "aftersales_reading_source": "correction"}
        with self.assertRefused(ValidationError, "cannot go back"):
            officer_vehicle.with_context(**forged).write({"odometer": 5200})
        with self.assertRefused(AccessError):
            wrong.sudo(self.officer).with_context(**forged).write({"active": False})
        with self.assertRefused(AccessError):
            wrong.sudo(self.supervisor).with_context(**forged).write(
                {"active": False, "correction_reason": "hidden"})
        self.assertEqual(vehicle.odometer, 50000)
        self.assertTrue(wrong.active)

    # ------------------------------------------------------------------ 6. scheduled actions

    def test_scheduled_actions_are_in_the_managers_configuration_menu(self):
        menu = self.env.ref("aftersales_followup.menu_aftersales_cron")
        self.assertEqual(menu.parent_id, self.env.ref("aftersales_followup.menu_aftersales_config"))
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.sudo(self.supervisor)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.sudo(self.officer)._visible_menu_ids())
        action = menu.action.sudo(self.supervisor).read()[0]
        crons = self.env["ir.cron"].sudo(self.supervisor).with_context(
            active_test=False).search(safe_eval(action["domain"]))
        due_calls = self.env.ref("aftersales_followup.ir_cron_generate_due_calls")
        self.assertIn(due_calls, crons)  # the warranty addon checks its own there
        self.assertEqual(set(crons.mapped("model_id.model")) - {
            "aftersales.call", "aftersales.need", "aftersales.customer.class",
            "aftersales.appointment", "aftersales.campaign", "aftersales.vehicle",
            "aftersales.call.kpi"}, set())
        # The manager changes when it runs, and can read its form.
        due_calls.sudo(self.supervisor).write({"interval_number": 2, "interval_type": "hours"})
        self.assertEqual(due_calls.interval_number, 2)
        due_calls.sudo(self.supervisor).read(["name", "nextcall", "user_id", "model_id"])

    def test_managers_change_only_the_timing_of_the_suite_s_scheduled_actions(self):
        due_calls = self.env.ref("aftersales_followup.ir_cron_generate_due_calls")
        other = self.env.ref("base.autovacuum_job")
        as_manager = self.env["ir.cron"].sudo(self.supervisor).with_context(active_test=False)
        self.assertNotIn(other, as_manager.search([]))
        with self.assertRefused(AccessError):
            other.sudo(self.supervisor).write({"interval_number": 5})
        with self.assertRefused(AccessError):
            due_calls.sudo(self.supervisor).write({"user_id": self.supervisor.id})
        with self.assertRefused(AccessError):
            due_calls.sudo(self.supervisor).write({"code": "model.unlink()"})
        with self.assertRefused(AccessError):
            due_calls.sudo(self.officer).write({"interval_number": 5})
        with self.assertRefused(AccessError):
            due_calls.sudo(self.supervisor).unlink()
        # An administrator who is also an after-sales manager still sees every one.
        admin = create_staff(self.env, "h16_sysadmin", "System Admin",
                             ["base.group_system", self.MANAGER])
        self.assertIn(other, self.env["ir.cron"].sudo(admin).search([]))

    # ------------------------------------------------------------------ 7. rules for needs

    def test_tyres_accessory_and_other_needs_have_rules(self):
        triggers = dict(self.env["aftersales.followup.rule"]._fields["trigger"].selection)
        Need = self.env["aftersales.need"]
        for kind, trigger in (("tyres", "tyres_due"), ("accessory", "accessory_due"),
                              ("other", "other_due")):
            self.assertIn(trigger, triggers)
            self.env["aftersales.followup.rule"].sudo(self.supervisor).create({
                "name": "Reminder %s (h16)" % kind, "trigger": trigger, "lead_days": 14,
                "delay_days": 0, "window_days": 21})
            need = Need.sudo(self.officer).create({
                "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
                "kind": kind, "date_expected": self.days_from_today(10)})
            self.run_due_calls()
            self.assertEqual(len(need.call_ids), 1, kind)
            self.assertEqual(need.call_ids.state, "todo")
            self.assertEqual(need.call_ids.user_id, self.officer)

    def test_a_trade_in_rule_ships_and_officers_cannot_add_rules(self):
        rule = self.env.ref("aftersales_followup.followup_rule_trade_in")
        self.assertEqual(rule.trigger, "trade_in")
        self.assertEqual(rule.action, "call")
        self.assertTrue(rule.active)
        with self.assertRefused(AccessError):
            self.env["aftersales.followup.rule"].sudo(self.officer).create({
                "name": "Tyres (officer)", "trigger": "tyres_due", "window_days": 20})

    # ------------------------------------------------------------------ 9. the queue

    def test_officer_queue_shows_what_a_phone_call_needs(self):
        view = self.Call.sudo(self.officer).fields_view_get(
            view_id=self.env.ref("aftersales_followup.view_aftersales_call_tree").id,
            view_type="tree")
        arch = etree.fromstring(view["arch"])
        names = [node.get("name") for node in arch.xpath("//field")]
        for name in ("partner_id", "phone", "vehicle_id", "license_plate", "purpose",
                     "date_due", "date_expiry", "attempt_count"):
            self.assertIn(name, names)
        self.assertEqual(arch.xpath("//field[@name='phone']")[0].get("widget"), "phone")
        score = arch.xpath("//field[@name='survey_score']")[0]
        self.assertIn('"invisible"', score.get("modifiers"))
        self.assertIn("survey_score", score.get("modifiers"))
        call = self.due_call_of_company1()
        self.assertEqual(call.license_plate, "沪A·H2001")
        self.assertEqual(call.phone, "+86 138 0000 0001")
        # A plain employee sees no queue at all.
        with self.assertRefused(AccessError):
            call.sudo(self.plain_user).read(["phone", "license_plate"])
