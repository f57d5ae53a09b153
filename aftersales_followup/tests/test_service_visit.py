# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Service visits and vehicle sales on sale.order: the check-in opens the customer file
(S1, S4), the handover starts the follow-up clock (S5)."""
from odoo import fields
from odoo.exceptions import UserError, ValidationError

from .common import AftersalesCommon, create_staff


class TestServiceVisit(AftersalesCommon):

    def test_confirm_completes_customer_file(self):
        customer = self.create_customer("Walk In")
        vehicle = self.create_vehicle()
        self.assertFalse(customer.aftersales_customer)
        order = self.create_service_visit(customer, vehicle)
        before = fields.Datetime.now()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(customer.aftersales_customer)
        self.assertEqual(customer.aftersales_user_id, self.officer)
        self.assertEqual(vehicle.partner_id, customer)
        self.assertIn(vehicle, customer.vehicle_ids)
        self.assertTrue(order.checkin_date)
        self.assertGreaterEqual(order.checkin_date, before)
        self.assertFalse(order.handover_date)

    def test_salesman_without_contact_rights_opens_the_file(self):
        salesman = create_staff(self.env, "counter_salesman", "Counter Salesman",
                                ["sales_team.group_sale_salesman"])
        customer = self.create_customer("Walk In Too")
        vehicle = self.create_vehicle()
        order = self.create_service_visit(customer, vehicle, user=salesman)
        order.sudo(salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(customer.aftersales_customer)
        self.assertEqual(customer.aftersales_user_id, self.officer)
        self.assertEqual(vehicle.partner_id, customer)

    def test_confirm_keeps_the_assigned_officer(self):
        customer = self.create_customer("Has Officer", aftersales_user_id=self.supervisor.id)
        order = self.create_service_visit(customer)
        order.action_confirm()
        self.assertEqual(customer.aftersales_user_id, self.supervisor)

    def test_confirm_of_company_contact_opens_company_file(self):
        company = self.create_customer("Fleet Logistics Ltd", is_company=True)
        driver = self.create_customer("Driver Zhang", parent_id=company.id)
        order = self.create_service_visit(driver, self.create_vehicle())
        order.action_confirm()
        self.assertTrue(company.aftersales_customer)
        self.assertEqual(company.aftersales_user_id, self.officer)

    def test_confirm_without_vehicle_is_refused(self):
        customer = self.create_customer("No Vehicle")
        order = self.create_service_visit(customer, vehicle=False)
        with self.assertRefused(UserError) as refusal:
            order.action_confirm()
        self.assertIn("vehicle", refusal.exception.name)
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.checkin_date)
        self.assertFalse(customer.aftersales_customer)

    def test_confirm_records_odometer(self):
        self.vehicle.odometer = 10000
        order = self.create_service_visit(odometer_in=12500)
        order.action_confirm()
        self.assertEqual(self.vehicle.odometer, 12500)

    def test_confirm_with_lower_odometer_is_refused(self):
        self.vehicle.odometer = 10000
        order = self.create_service_visit(odometer_in=9000)
        with self.assertRefused(ValidationError):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(self.vehicle.odometer, 10000)

    def test_handover_sets_the_date(self):
        order = self.create_service_visit()
        order.action_confirm()
        before = fields.Datetime.now()
        order.action_handover()
        self.assertTrue(order.handover_date)
        self.assertGreaterEqual(order.handover_date, before)
        self.assertGreaterEqual(order.handover_date, order.checkin_date)

    def test_handover_twice_is_refused(self):
        order = self.create_service_visit()
        order.action_confirm()
        order.action_handover()
        first = order.handover_date
        with self.assertRefused(UserError):
            order.action_handover()
        self.assertEqual(order.handover_date, first)

    def test_handover_before_confirmation_is_refused(self):
        order = self.create_service_visit()
        with self.assertRefused(UserError):
            order.action_handover()
        self.assertFalse(order.handover_date)

    def test_handover_of_order_without_vehicle_is_refused(self):
        order = self.create_service_visit(self.create_customer("Lost Car"), vehicle=False)
        with self.assertRefused(UserError) as refusal:
            order.action_handover()
        self.assertIn("no vehicle", refusal.exception.name)
        self.assertFalse(order.handover_date)

    def test_handover_of_vehicle_sale_by_button_is_refused(self):
        order = self.env["sale.order"].sudo(self.officer).create({
            "partner_id": self.customer.id, "aftersales_kind": "vehicle",
            "vehicle_id": self.create_vehicle().id})
        with self.assertRefused(UserError):
            order.action_handover()
        self.assertFalse(order.handover_date)

    def test_handover_before_checkin_is_refused(self):
        order = self.create_service_visit()
        order.action_confirm()
        checkin = order.checkin_date
        with self.assertRefused(ValidationError) as refusal:
            order._aftersales_trusted().write(
                {"handover_date": self.local_datetime(1, 9)})
        self.assertIn("before it was checked in", refusal.exception.name)
        self.assertFalse(order.handover_date)
        self.assertEqual(order.checkin_date, checkin)


class TestVehicleSale(AftersalesCommon):
    """Validating the delivery of a sold vehicle is its handover."""

    @classmethod
    def setUpClass(cls):
        super(TestVehicleSale, cls).setUpClass()
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1)
        cls.env["stock.change.product.qty"].create({
            "product_id": cls.vehicle_model.id,
            "product_tmpl_id": cls.vehicle_model.product_tmpl_id.id,
            "location_id": warehouse.lot_stock_id.id,
            "new_quantity": 3.0,
        }).change_product_qty()

    def sell_vehicle(self, customer):
        vehicle = self.create_vehicle()
        order = self.env["sale.order"].sudo(self.officer).create({
            "partner_id": customer.id,
            "aftersales_kind": "vehicle",
            "vehicle_id": vehicle.id,
            "order_line": [(0, 0, {
                "product_id": self.vehicle_model.id,
                "name": self.vehicle_model.name,
                "product_uom_qty": 1.0,
                "product_uom": self.vehicle_model.uom_id.id,
                "price_unit": self.vehicle_model.list_price,
            })],
        })
        order.action_confirm()
        return order, vehicle

    def deliver(self, order, user):
        picking = order.picking_ids.sudo(user)
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_code, "outgoing")
        picking.action_assign()
        self.assertEqual(picking.state, "assigned")
        for line in picking.move_line_ids:
            line.qty_done = line.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        return picking

    def test_delivery_is_the_handover(self):
        customer = self.create_customer("Proud Owner")
        order, vehicle = self.sell_vehicle(customer)
        self.assertTrue(customer.aftersales_customer)
        self.assertFalse(order.handover_date)
        self.assertFalse(vehicle.handover_date)
        picking = self.deliver(order, self.env.user)
        self.assertEqual(vehicle.partner_id, customer)
        self.assertEqual(order.handover_date, picking.date_done)
        # the warranty starts on the dealership's day of the handover
        self.assertEqual(vehicle.handover_date,
                         order.company_id._aftersales_date_of(order.handover_date))

    def test_delivery_validated_by_warehouse_user(self):
        customer = self.create_customer("Collects At Warehouse")
        order, vehicle = self.sell_vehicle(customer)
        self.deliver(order, self.warehouse_user)
        self.assertEqual(vehicle.partner_id, customer)
        self.assertTrue(order.handover_date)
        self.assertTrue(vehicle.handover_date)
        # The thank-you email is queued and registered although the warehouse user has
        # no after-sales rights.
        letter = self.letters_of(customer)
        self.assertEqual(letter.mail_template_id,
                         self.env.ref("aftersales_followup.mail_template_handover_thanks"))
        self.assertEqual(letter.mail_id.state, "outgoing")

    def test_handover_after_sale_gets_follow_up_call(self):
        customer = self.create_customer("Three Days Owner")
        order, vehicle = self.sell_vehicle(customer)
        self.deliver(order, self.env.user)
        order._aftersales_trusted().write({"handover_date": self.local_datetime(3, 15)})
        self.run_due_calls()
        call = self.calls_of(order)
        self.assertEqual(len(call), 1)
        self.assertEqual(call.rule_id,
                         self.env.ref("aftersales_followup.followup_rule_vehicle_handover"))
        self.assertEqual(call.vehicle_id, vehicle)
        self.assertEqual(call.user_id, self.officer)
        self.assertEqual(call.date_due, self.today)
