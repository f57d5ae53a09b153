# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What every warranty test starts from: a dealership with a service adviser (after-sales
user with sales rights), an after-sales manager, a manufacturer, a vehicle model with
36 months / 100,000 km of warranty, a battery with its own 24 months / 50,000 km, a part
without terms, a labour item, and a customer. Dates are relative to today so that the
boundaries hold whatever day the tests run.

The test database may hold demo data: tests only look at their own records.
"""
from dateutil.relativedelta import relativedelta

from odoo import fields

from odoo.addons.aftersales_followup.tests.common import AftersalesTestCase, create_staff


class WarrantyCommon(AftersalesTestCase):

    @classmethod
    def setUpClass(cls):
        super(WarrantyCommon, cls).setUpClass()
        cls._vin_counter = 0
        ref = cls.env.ref
        user, manager, contacts, salesman = cls.USER, cls.MANAGER, cls.CONTACTS, cls.SALESMAN
        cls.company = ref("base.main_company")
        cls.company.write({
            "email": "service@dealer.example.com",
            "aftersales_warranty_approval_limit": 5000.0,
        })
        cls.user = create_staff(cls.env, "h3_claim_user", "Hua Service Adviser",
                                [user, salesman, contacts])
        # The service manager sees every service visit (Sales / all documents): a repair
        # under warranty goes on the adviser's visit.
        cls.manager = create_staff(cls.env, "h3_claim_manager", "Ma Service Manager",
                                   [manager, "sales_team.group_sale_salesman_all_leads",
                                    contacts])
        cls.officer = create_staff(cls.env, "h3_claim_officer", "Fei Follow-up Officer",
                                   [user, contacts])
        cls.manufacturer = cls.env["res.partner"].create({
            "name": "Aurora Motors Quality (h3)",
            "is_company": True,
            "email": "quality@aurora.example.com",
        })
        cls.vehicle_model = cls.env["product.product"].create({
            "name": "Aurora S5 (h3)",
            "type": "consu",
            "warranty_months": 36,
            "warranty_km": 100000,
            "warranty_manufacturer_id": cls.manufacturer.id,
        })
        cls.battery = cls.env["product.product"].create({
            "name": "Battery 12V (h3)",
            "default_code": "BAT-H3",
            "type": "consu",
            "list_price": 900.0,
            "warranty_months": 24,
            "warranty_km": 50000,
        })
        cls.pump = cls.env["product.product"].create({
            "name": "Water pump (h3)",
            "default_code": "WP-H3",
            "type": "consu",
            "list_price": 1400.0,
        })
        cls.labour = cls.env["product.product"].create({
            "name": "Warranty labour (h3)",
            "type": "service",
            "list_price": 300.0,
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "Zhou Min (h3)",
            "email": "zhou.min@customer.example.com",
            "phone": "+86 139 0000 0003",
            "aftersales_user_id": cls.officer.id,
        })

    # ------------------------------------------------------------------ dates

    @property
    def today(self):
        return self.company._aftersales_today()

    def date(self, months=0, days=0, base=None):
        """today (or ``base``) shifted by ``months`` and ``days``, as a date string."""
        start = fields.Date.from_string(base or self.today)
        return fields.Date.to_string(start + relativedelta(months=months, days=days))

    # ------------------------------------------------------------------ records

    @classmethod
    def next_vin(cls):
        cls._vin_counter += 1
        return "H3WRNTY0%09d" % cls._vin_counter

    def create_vehicle(self, months_ago=12, odometer=10000, partner=None, **vals):
        values = {
            "vin": self.next_vin(),
            "product_id": self.vehicle_model.id,
            "partner_id": (partner or self.customer).id,
            "handover_date": self.date(months=-months_ago),
            "odometer": odometer,
        }
        values.update(vals)
        return self.env["aftersales.vehicle"].create(values)

    def create_claim(self, vehicle=None, user=None, lines=None, **vals):
        """A draft claim taken at the service desk by ``user`` (the adviser)."""
        vehicle = vehicle or self.create_vehicle()
        values = {
            "vehicle_id": vehicle.id,
            "date_failure": self.date(days=-2),
            "odometer": vehicle.odometer + 100,
            "symptom": "Coolant leak under the engine",
            "line_ids": [(0, 0, line) for line in (lines or [
                {"product_id": self.pump.id, "quantity": 1, "price_unit": 1400.0},
                {"product_id": self.labour.id, "quantity": 2, "price_unit": 300.0},
            ])],
        }
        values.update(vals)
        return self.env["aftersales.warranty.claim"].sudo(user or self.user).create(values)

    def assessed(self, claim, cause="manufacturing", kind="repair"):
        """Submitted and assessed by the adviser, ready for the manager's decision."""
        claim.action_submit()
        claim.action_assess()
        claim.write({"cause": cause,
                     "assessment": "Seal of the water pump leaking: manufacturing defect."})
        # the compensation is the manager's decision
        self.as_manager(claim).write({"compensation_kind": kind})
        return claim

    def as_manager(self, claim):
        return claim.sudo(self.manager)

    def claim_in_state(self, state, **vals):
        """A claim brought to ``state`` through the normal steps."""
        claim = self.create_claim(**vals)
        if state == "draft":
            return claim
        claim.action_submit()
        if state == "submitted":
            return claim
        if state == "rejected":
            self.as_manager(claim).write({"rejection_reason": "Normal wear."})
            self.as_manager(claim).action_reject()
            return claim
        claim.action_assess()
        if state == "assessment":
            return claim
        claim.write({"cause": "manufacturing",
                     "assessment": "Seal of the water pump leaking."})
        self.as_manager(claim).write({"compensation_kind": "repair"})
        self.as_manager(claim).action_approve()
        if state == "approved":
            return claim
        self.as_manager(claim).action_compensate()
        if state == "compensated":
            return claim
        self.as_manager(claim).action_close()
        return claim

    # ------------------------------------------------------------------ look-ups

    def letters_of(self, record):
        return self.env["aftersales.letter"].with_context(active_test=False).search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="id")
