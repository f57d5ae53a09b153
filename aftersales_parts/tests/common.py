# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What every parts test starts from: the main dealership and its warehouse (the parts
stock), a service adviser (after-sales user), an after-sales manager, a warehouse clerk, a
follow-up officer; the maker (vendor of the parts), two vehicle models, parts fitting one
of them, a universal part, and a customer with a vehicle of the first model.

The test database may hold demo data: tests use parts of their own, so that the stock and
the back-orders they look at are theirs only.
"""
from dateutil.relativedelta import relativedelta

from odoo import fields

from odoo.addons.aftersales_followup.tests.common import AftersalesTestCase, create_staff


class PartsCommon(AftersalesTestCase):

    @classmethod
    def setUpClass(cls):
        super(PartsCommon, cls).setUpClass()
        cls._vin_counter = 0
        ref = cls.env.ref
        user, manager, contacts, salesman = cls.USER, cls.MANAGER, cls.CONTACTS, cls.SALESMAN
        cls.company = ref("base.main_company")
        cls.company.write({"email": "service@dealer.example.com",
                           "phone": "+86 21 5555 0100"})
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.officer = create_staff(cls.env, "h5_officer", "Olivia Follow-up Officer (h5)",
                                   [user, contacts])
        cls.adviser = create_staff(cls.env, "h5_adviser", "Hua Service Adviser (h5)",
                                   [user, salesman, contacts])
        cls.manager = create_staff(cls.env, "h5_manager", "Ma Service Manager (h5)",
                                   [manager, "sales_team.group_sale_salesman_all_leads",
                                    contacts])
        cls.clerk = create_staff(cls.env, "h5_clerk", "Wang Warehouse Clerk (h5)",
                                 ["stock.group_stock_user", "purchase.group_purchase_user"])
        cls.maker = cls.env["res.partner"].create({
            "name": "Aurora Motors Parts (h5)",
            "is_company": True,
            "supplier": True,
            "email": "parts@aurora.example.com",
        })
        product = cls.env["product.product"]
        cls.model_s5 = product.create({
            "name": "Aurora S5 (h5)", "type": "consu",
            "warranty_months": 36, "warranty_km": 100000,
            "warranty_manufacturer_id": cls.maker.id,
        })
        cls.model_x7 = product.create({"name": "Aurora X7 (h5)", "type": "consu"})
        cls.brake_pads = cls.create_part("Brake pads S5 (h5)", "H5-BP-S5", cls.model_s5)
        cls.water_pump = cls.create_part("Water pump S5 (h5)", "H5-WP-S5", cls.model_s5)
        cls.x7_mirror = cls.create_part("Mirror X7 (h5)", "H5-MR-X7", cls.model_x7)
        cls.oil_filter = cls.create_part("Oil filter universal (h5)", "H5-OF-UNI")
        cls.labour = product.create({"name": "Labour (h5)", "type": "service"})
        cls.wiper_fluid = product.create({"name": "Wiper fluid (h5)", "type": "consu"})
        cls.customer = cls.env["res.partner"].create({
            "name": "Li Na (h5)",
            "email": "li.na@customer.example.com",
            "phone": "+86 138 0000 0005",
            "aftersales_user_id": cls.officer.id,
        })
        cls.vehicle = cls.create_vehicle(cls.customer)

    # ------------------------------------------------------------------ records

    @classmethod
    def create_part(cls, name, oem_code, *models):
        return cls.env["product.product"].create({
            "name": name,
            "type": "product",
            "is_vehicle_part": True,
            "oem_code": oem_code,
            "list_price": 100.0,
            "vehicle_model_ids": [(6, 0, [m.id for m in models])],
            "seller_ids": [(0, 0, {"name": cls.maker.id, "price": 60.0, "delay": 3})],
        })

    @classmethod
    def create_vehicle(cls, partner, model=None, **vals):
        cls._vin_counter += 1
        values = {
            "vin": "H5PRTSV0%09d" % cls._vin_counter,
            "product_id": (model or cls.model_s5).id,
            "partner_id": partner.id,
            "handover_date": fields.Date.to_string(
                fields.Date.from_string(fields.Date.today()) - relativedelta(months=8)),
            "odometer": 12000,
        }
        values.update(vals)
        return cls.env["aftersales.vehicle"].create(values)

    def create_customer(self, name, **vals):
        values = {"name": name, "email": "%s@customer.example.com" % name.lower().replace(
            " ", "."), "aftersales_user_id": self.officer.id}
        values.update(vals)
        return self.env["res.partner"].create(values)

    def put_in_stock(self, product, quantity):
        self.env["stock.quant"]._update_available_quantity(
            product, self.stock_location, quantity)

    def create_request(self, lines, user=None, vehicle=None, **vals):
        """A draft request by ``user`` (the service adviser); ``lines`` are (part, qty)."""
        vehicle = vehicle or self.vehicle
        values = {
            "partner_id": vehicle.partner_id.id,
            "vehicle_id": vehicle.id,
            "line_ids": [(0, 0, {"product_id": part.id, "quantity": qty})
                         for part, qty in lines],
        }
        values.update(vals)
        return self.env["aftersales.parts.request"].sudo(user or self.adviser).create(values)

    def approved_claim(self, kind="replace", **vals):
        """A claim for the water pump (and labour), approved by the manager."""
        values = {
            "vehicle_id": self.vehicle.id,
            "date_failure": self.vehicle.handover_date,
            "odometer": 12500,
            "symptom": "Coolant leak at the water pump",
            "line_ids": [
                (0, 0, {"product_id": self.water_pump.id, "quantity": 1,
                        "price_unit": 1400.0}),
                (0, 0, {"product_id": self.labour.id, "quantity": 2,
                        "price_unit": 300.0}),
            ],
        }
        values.update(vals)
        claim = self.env["aftersales.warranty.claim"].sudo(self.adviser).create(values)
        claim.action_submit()
        claim.action_assess()
        claim.write({"cause": "manufacturing",
                     "assessment": "Pump seal leaking: manufacturing defect."})
        claim.sudo(self.manager).write({"compensation_kind": kind})
        claim.sudo(self.manager).action_approve()
        return claim

    def rfq_lines(self, product):
        return self.env["purchase.order.line"].search(
            [("product_id", "=", product.id), ("order_id.state", "=", "draft")])

    def receive(self, product, quantity):
        """The maker's delivery of ``product`` arrives: its purchase is confirmed and the
        receipt validated by the warehouse clerk. Returns the receipt."""
        order = self.env["purchase.order"].create({
            "partner_id": self.maker.id,
            "order_line": [(0, 0, {
                "product_id": product.id,
                "name": product.name,
                "product_qty": quantity,
                "product_uom": product.uom_po_id.id,
                "price_unit": 60.0,
                "date_planned": fields.Datetime.now(),
            })],
        })
        order.button_confirm()
        receipt = order.picking_ids
        self.validate(receipt.sudo(self.clerk))
        return receipt

    @staticmethod
    def validate(pickings):
        for move in pickings.mapped("move_lines"):
            if move.move_line_ids:
                for move_line in move.move_line_ids:
                    move_line.qty_done = move_line.product_uom_qty
            else:
                move.quantity_done = move.product_uom_qty
        pickings.action_done()

    # ------------------------------------------------------------------ look-ups

    def letters_of(self, record):
        return self.env["aftersales.letter"].with_context(active_test=False).search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)])

    def calls_of(self, request):
        return self.env["aftersales.call"].with_context(active_test=False).search(
            [("parts_request_id", "=", request.id)])
