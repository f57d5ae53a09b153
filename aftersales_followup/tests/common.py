# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What every test of the addon starts from: a dealership (the main company) with its
default follow-up officer and its supervisor, a second dealership with its own after-sales
user and no supervisor, a vehicle model, customers, and helpers to produce service visits
handed over a given number of days ago.

The test database holds the demo data too: tests never assume a table is empty and always
look at their own records (calls of their own orders, letters of their own customers...).
"""
import contextlib
from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.tests.common import SavepointCase

from odoo.addons.queue_job.job import Job


def perform_job(env, job_record):
    """Run one queue_job job as queue_job's /queue_job/runjob does (in the job's
    transaction: here a savepoint, rolled back when the job raises)."""
    job = Job.load(env, job_record.uuid)
    with env.cr.savepoint():
        job.set_started()
        job.store()
        job.perform()
        job.set_done()
        job.store()
    job_record.invalidate_cache()
    return job


def create_staff(env, login, name, groups, company=None, **vals):
    """A user of ``company`` (the main dealership by default) in the groups of the XML ids
    ``groups`` only, with an address of their own (Odoo 11 needs one to post in a
    chatter). The tests of the other addons make their staff with it too."""
    company = company or env.ref("base.main_company")
    values = {
        "name": name,
        "login": login,
        "email": "%s@dealer.example.com" % login,
        "company_id": company.id,
        "company_ids": [(6, 0, company.ids)],
        "groups_id": [(6, 0, [env.ref(xmlid).id for xmlid in groups])],
    }
    values.update(vals)
    return env["res.users"].with_context(no_reset_password=True).create(values)


class AftersalesTestCase(SavepointCase):
    """What the tests of the three addons share: the groups the dealership's staff are
    made of, look-ups of what a record sent, and refusals that change nothing."""
    USER = "aftersales_followup.group_aftersales_user"
    MANAGER = "aftersales_followup.group_aftersales_manager"
    # Every user Odoo 11 creates gets "Contact Creation" from the default user template;
    # after-sales staff need it to keep the customer file (S1-S4). The groups given to
    # create_staff replace the template's, so it is given back explicitly.
    CONTACTS = "base.group_partner_manager"
    SALESMAN = "sales_team.group_sale_salesman"

    def mails_of(self, record):
        return self.env["mail.mail"].search(
            [("model", "=", record._name), ("res_id", "=", record.id)], order="id")

    def activities_of(self, records):
        return self.env["mail.activity"].search([
            ("res_model", "=", records._name), ("res_id", "in", records.ids)])

    @contextlib.contextmanager
    def assertRefused(self, exception, message=None):
        """The operation raises ``exception`` (whose text contains ``message``) and, as in
        a request, everything it wrote is rolled back; the caches are cleared so that the
        assertions that follow read the database."""
        with self.assertRaises(exception) as refusal:
            with self.env.cr.savepoint():
                yield refusal
        self.env.clear()
        if message:
            self.assertIn(message, str(refusal.exception.name
                                       if hasattr(refusal.exception, "name")
                                       else refusal.exception))


class AftersalesCommon(AftersalesTestCase):

    @classmethod
    def setUpClass(cls):
        super(AftersalesCommon, cls).setUpClass()
        cls._vin_counter = 0
        user, manager, contacts, salesman = cls.USER, cls.MANAGER, cls.CONTACTS, cls.SALESMAN
        # Everyone works in the time zone the scheduled actions tell days in (the
        # dealership's), so that "today" is the same day for every user of a test.
        cls.company = cls.env.ref("base.main_company")
        tz = cls.company._aftersales_tz_name()
        cls.officer = create_staff(cls.env, "h2_officer", "Olivia Officer",
                                   [user, salesman, contacts], tz=tz)
        cls.supervisor = create_staff(
            cls.env, "h2_supervisor", "Sam Supervisor",
            [manager, "sales_team.group_sale_salesman_all_leads", contacts], tz=tz)
        cls.plain_user = create_staff(cls.env, "h2_plain", "Paul Plain",
                                      ["base.group_user"], tz=tz)
        cls.warehouse_user = create_staff(cls.env, "h2_warehouse", "Wendy Warehouse",
                                          ["stock.group_stock_user"], tz=tz)
        cls.company.write({
            "aftersales_default_user_id": cls.officer.id,
            "aftersales_supervisor_id": cls.supervisor.id,
            "email": "service@dealer.example.com",
            "phone": "+86 21 5555 0100",
        })
        # A second dealership: its own after-sales user, no supervisor configured.
        cls.company2 = cls.env["res.company"].create({"name": "Second Dealership (h2)"})
        cls.officer2 = create_staff(cls.env, "h2_officer2", "Otto Other-Dealer",
                                    [user, salesman, contacts], company=cls.company2, tz=tz)
        cls.vehicle_model = cls.env["product.product"].create({
            "name": "Aurora S 1.5T (h2)",
            "type": "product",
            "list_price": 150000.0,
        })
        cls.service_product = cls.env["product.product"].create({
            "name": "10,000 km maintenance (h2)",
            "type": "service",
            "list_price": 800.0,
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "Li Wei",
            "email": "li.wei@customer.example.com",
            "phone": "+86 138 0000 0001",
        })
        cls.vehicle = cls.create_vehicle(cls.customer, license_plate="沪A·H2001")

    # ------------------------------------------------------------------ records

    @classmethod
    def next_vin(cls):
        cls._vin_counter += 1
        return "H2TSTVXN%09d" % cls._vin_counter

    @classmethod
    def create_vehicle(cls, partner=None, **vals):
        values = {"vin": cls.next_vin(), "product_id": cls.vehicle_model.id}
        if partner:
            values["partner_id"] = partner.id
        values.update(vals)
        return cls.env["aftersales.vehicle"].create(values)

    @classmethod
    def create_customer(cls, name, **vals):
        values = {"name": name, "email": "%s@customer.example.com" % (
            name.lower().replace(" ", "."))}
        values.update(vals)
        return cls.env["res.partner"].create(values)

    def create_service_visit(self, partner=None, vehicle=None, user=None, **vals):
        """A service visit (draft), created by the officer at the reception desk."""
        partner = partner or self.customer
        if vehicle is None:
            vehicle = self.vehicle if partner == self.customer else self.create_vehicle(partner)
        values = {
            "partner_id": partner.id,
            "aftersales_kind": "service",
            "vehicle_id": vehicle.id if vehicle else False,
            "order_line": [(0, 0, {
                "product_id": self.service_product.id,
                "name": self.service_product.name,
                "product_uom_qty": 1.0,
                "product_uom": self.service_product.uom_id.id,
                "price_unit": self.service_product.list_price,
            })],
        }
        values.update(vals)
        return self.env["sale.order"].sudo(user or self.officer).create(values)

    def handed_over(self, days_ago, partner=None, vehicle=None):
        """A service visit checked in and handed over ``days_ago`` days ago (local time of
        the user the scheduled action runs as), for a fresh customer unless one is given."""
        if partner is None:
            partner = self.create_customer("Customer %d days" % days_ago)
        order = self.create_service_visit(partner, vehicle)
        order.action_confirm()
        order._aftersales_trusted().write({
            "checkin_date": self.local_datetime(days_ago, 9),
            "handover_date": self.local_datetime(days_ago, 17),
        })
        return order.sudo(self.env.user)

    # ------------------------------------------------------------------ dates

    @property
    def today(self):
        """The dealership's today: the day of the scheduled actions."""
        return self.company._aftersales_today()

    def days_from_today(self, days):
        return fields.Date.to_string(
            fields.Date.from_string(self.today) + timedelta(days=days))

    def local_datetime(self, days_ago, hour):
        """UTC datetime string of ``hour`` o'clock, ``days_ago`` days ago, in the time zone
        the scheduled action uses to tell the handover day (the dealership's)."""
        tz = pytz.timezone(self.company._aftersales_tz_name())
        day = fields.Date.from_string(self.today) - timedelta(days=days_ago)
        local = tz.localize(datetime.combine(day, time(hour, 0)))
        return fields.Datetime.to_string(local.astimezone(pytz.utc).replace(tzinfo=None))

    # ------------------------------------------------------------------ look-ups

    def run_due_calls(self):
        """The scheduled action's method, without its per-batch commits; the chunk jobs
        it plans (the surveys of expired calls) run at once (test_survey_jobs.py tests
        them as jobs)."""
        return self.env["aftersales.call"].with_context(
            test_queue_job_no_delay=True)._cron_generate_due_calls()

    def calls_of(self, order):
        return self.env["aftersales.call"].with_context(active_test=False).search(
            [("sale_order_id", "=", order.id)])

    def letters_of(self, partner):
        return self.env["aftersales.letter"].with_context(active_test=False).search(
            [("partner_id", "=", partner.id)])
