"""Issue 8, point 4: who may read, write, create and delete what.

For every model of the three addons (listed from ``ir.model``, so that a model added
tomorrow is covered), the access rights of four kinds of people: a customer with a portal
account, an employee without after-sales rights, a follow-up officer (after-sales user) and
a supervisor (after-sales manager), for read, write, create and unlink. The registers
(calls, cases, letters, warranty claims) are also tried for real: reading, writing and
creating go through exactly when the matrix says so, and nobody but the superuser can
delete one. Record rules: the staff of a second dealership find and read nothing of the
first one's calls, cases, letters, vehicles, campaigns, claims, parts requests...
"""
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests.common import SavepointCase

from security_support import (GROUPS, OPERATIONS, REGISTERS, addon_models, attempt,
                              create_group_users, defined_models, rights, rolled_back)

# The expected rights ('rwcu': read, write, create, unlink) of the models whose rights a
# dealer relies on. Registers: nobody deletes them, not even a manager.
NOTHING = "----"
EXPECTED = {
    "aftersales.call": ("rwc-", "rwc-"),
    "aftersales.case": ("rwc-", "rwc-"),
    # The letter register is written by the suite only: a person archives a letter.
    "aftersales.letter": ("rw--", "rw--"),
    "aftersales.warranty.claim": ("rwc-", "rwc-"),
    "aftersales.vehicle": ("rwc-", "rwcu"),
    "aftersales.need": ("rwc-", "rwcu"),
    "aftersales.campaign": ("r---", "rwcu"),
    "aftersales.followup.rule": ("r---", "rwcu"),
    "aftersales.customer.class": ("r---", "rwcu"),
    "aftersales.customer.class.rule": ("r---", "rwcu"),
    "aftersales.class.snapshot": ("r---", "r---"),
    "aftersales.odometer.reading": ("r-c-", "rwcu"),
    # Bringing in the service history is a manager's job (issue 18).
    "aftersales.service.history": ("r---", "rwcu"),
    "aftersales.warranty.feedback": ("r---", "rwcu"),
    "aftersales.parts.request": ("rwc-", "rwcu"),
    "aftersales.parts.return": ("rwc-", "rwcu"),
    "aftersales.parts.report": ("r---", "r---"),
    "aftersales.parts.revenue.report": (NOTHING, "r---"),
    "aftersales.dashboard": (NOTHING, "r---"),
}
# Defined models an after-sales user may not even read (figures for managers only).
# The dashboard ranks the officers against each other: their supervisor's view.
MANAGER_ONLY = {"aftersales.parts.revenue.report", "aftersales.dashboard"}
# What a field of each register is changed to in the write attempts.
WRITABLE_FIELD = {
    "aftersales.call": "notes",
    "aftersales.case": "description",
    "aftersales.letter": "active",
    "aftersales.warranty.claim": "symptom",
}


def day(offset):
    return fields.Date.to_string(fields.Date.from_string(fields.Date.today())
                                 + timedelta(days=offset))


class TestAccessMatrix(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestAccessMatrix, cls).setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True,
                                             mail_create_nosubscribe=True,
                                             tracking_disable=True))
        cls.company = env.ref("base.main_company")
        cls.users = create_group_users(env, "h7acl", cls.company)
        cls.company_b = env["res.company"].create({"name": "Second Dealership (h7)"})
        cls.users_b = create_group_users(env, "h7acl_b", cls.company_b, ("user", "manager"))
        cls.manufacturer = env["res.partner"].create({
            "name": "Aurora Motors (h7)", "is_company": True,
            "email": "quality@aurora-h7.example.com"})
        cls.vehicle_model = env["product.product"].create({
            "name": "Aurora S5 (h7)", "type": "consu", "warranty_months": 36,
            "warranty_km": 100000, "warranty_manufacturer_id": cls.manufacturer.id})
        cls.pump = env["product.product"].create({
            "name": "Water pump (h7)", "type": "product", "is_vehicle_part": True,
            "list_price": 1400.0})
        cls.customer = env["res.partner"].create({
            "name": "Zhao Lei (h7)", "email": "zhao.lei@customer-h7.example.com"})
        cls.records = cls._company_a_records()

    @classmethod
    def _company_a_records(cls):
        """One record of each kind in the first dealership, made by the superuser."""
        env = cls.env
        vehicle = env["aftersales.vehicle"].create({
            "vin": "H7ACLVXN000000001", "product_id": cls.vehicle_model.id,
            "partner_id": cls.customer.id, "handover_date": day(-300), "odometer": 5000})
        call = env["aftersales.call"].create({
            "partner_id": cls.customer.id, "vehicle_id": vehicle.id, "direction": "in",
            "purpose": "complaint", "notes": "The air conditioning smells."})
        case = env["aftersales.case"].create({
            "call_id": call.id, "kind": "complaint", "name": "Air conditioning smell"})
        letter = env["aftersales.letter"]._aftersales_register({
            "name": "Reply to the smell complaint", "partner_id": cls.customer.id,
            "kind": "reply", "channel": "post", "case_id": case.id})
        campaign = env["aftersales.campaign"].create({
            "name": "Summer A/C check (h7)", "date_event": day(40)})
        claim = cls._claim(vehicle)
        need = env["aftersales.need"].create({
            "partner_id": cls.customer.id, "vehicle_id": vehicle.id, "kind": "tyres",
            "date_expected": day(60)})
        request = env["aftersales.parts.request"].create({
            "partner_id": cls.customer.id, "vehicle_id": vehicle.id,
            "line_ids": [(0, 0, {"product_id": cls.pump.id, "quantity": 1})]})
        feedback = env["aftersales.warranty.feedback"].create({
            "manufacturer_id": cls.manufacturer.id, "date_from": day(-30),
            "date_to": day(0)})
        history = env["aftersales.service.history"].create({
            "partner_id": cls.customer.id, "vehicle_id": vehicle.id,
            "date_checkin": "%s 09:00:00" % day(-200), "work_kind": "maintenance"})
        records = {
            "aftersales.service.history": history,
            "aftersales.vehicle": vehicle, "aftersales.call": call, "aftersales.case": case,
            "aftersales.letter": letter, "aftersales.campaign": campaign,
            "aftersales.warranty.claim": claim, "aftersales.need": need,
            "aftersales.parts.request": request, "aftersales.warranty.feedback": feedback,
            "aftersales.warranty.claim.line": claim.line_ids[:1],
            "aftersales.parts.request.line": request.line_ids[:1],
            "aftersales.odometer.reading": vehicle.reading_ids[:1],
        }
        for name, record in records.items():
            assert record and record.company_id == cls.company, name
        return records

    @classmethod
    def _claim(cls, vehicle):
        return cls.env["aftersales.warranty.claim"].create({
            "vehicle_id": vehicle.id, "date_failure": day(-2), "odometer": 6000,
            "symptom": "Compressor noise",
            "line_ids": [(0, 0, {"product_id": cls.pump.id, "quantity": 1,
                                 "price_unit": 1400.0})]})

    def _create_values(self, model):
        """Values a person of the first dealership would give to create a register line."""
        if model == "aftersales.call":
            return {"partner_id": self.customer.id, "direction": "in",
                    "purpose": "consultation", "notes": "Asks about tyres."}
        if model == "aftersales.case":
            return {"partner_id": self.customer.id, "name": "Tyre pressure question",
                    "call_id": self.records["aftersales.call"].id}
        if model == "aftersales.letter":
            return {"partner_id": self.customer.id, "name": "Tyre offer", "kind": "notice",
                    "channel": "post"}
        # The vehicle's last reading (6,000 km): see test_officer_registers_a_vehicle...
        return {"vehicle_id": self.records["aftersales.vehicle"].id,
                "date_failure": day(-1), "odometer": 6000, "symptom": "Window motor"}

    # ------------------------------------------------------------------ the matrix

    def test_every_model_of_the_addons_is_listed(self):
        models = addon_models(self.env)
        own = defined_models(self.env)
        for name in REGISTERS + ("aftersales.vehicle", "aftersales.campaign",
                                 "aftersales.parts.request", "aftersales.need"):
            self.assertIn(name, own)
        # The extended standard models are listed too (their after-sales fields).
        for name in ("res.partner", "sale.order", "stock.picking"):
            self.assertIn(name, models)
        self.assertNotIn("aftersales.activity.mixin", models, "abstract models are left out")
        for name in own:
            model = self.env.registry[name]
            self.assertFalse(model._abstract or model._transient, name)

    def test_every_defined_model_has_access_rules(self):
        Access = self.env["ir.model.access"]
        missing = [name for name in defined_models(self.env)
                   if not Access.search_count([("model_id.model", "=", name)])]
        self.assertFalse(missing, "models without any access rule: %s" % missing)

    def test_rights_matrix_of_every_model(self):
        """Every model x group x operation, with the rules that hold for all of them."""
        matrix = {(name, group): rights(self.env, name, user)
                  for name in addon_models(self.env) for group, user in self.users.items()}
        self.assertGreaterEqual(len(matrix) * len(OPERATIONS), 29 * 4 * 4)
        problems = []
        for name in defined_models(self.env):
            row = {group: matrix[(name, group)] for group in GROUPS}
            for group in ("portal", "internal"):
                if row[group] != NOTHING:
                    problems.append("%s: %s user has %s" % (name, group, row[group]))
            for user_op, manager_op in zip(row["user"], row["manager"]):
                if user_op != "-" and manager_op == "-":
                    problems.append("%s: a manager has less than a user (%s < %s)" % (
                        name, row["manager"], row["user"]))
                    break
            if row["manager"][0] != "r":
                problems.append("%s: a manager cannot read it" % name)
            if name not in MANAGER_ONLY and row["user"][0] != "r":
                problems.append("%s: a follow-up officer cannot read it" % name)
            if not self.env.registry[name]._auto:
                # An SQL view (an analysis): read only, for everybody.
                for group in GROUPS:
                    if row[group][1:] != "---":
                        problems.append("%s (a report) is writable by %s: %s" % (
                            name, group, row[group]))
        self.assertFalse(problems, "\n".join(problems))

    def test_registers_and_key_models_have_the_expected_rights(self):
        for name, (user, manager) in EXPECTED.items():
            expected = {"portal": NOTHING, "internal": NOTHING, "user": user,
                        "manager": manager}
            got = {group: rights(self.env, name, u) for group, u in self.users.items()}
            self.assertEqual(got, expected, name)

    def test_addons_grant_nothing_to_portal_public_or_everyone(self):
        """Access rules the addons add, on their models or on standard ones, never go to
        portal or public users, nor to everybody (a rule without group)."""
        data = self.env["ir.model.data"].search([
            ("model", "=", "ir.model.access"), ("module", "in", list(
                {m for mods in addon_models(self.env).values() for m in mods}))])
        accesses = self.env["ir.model.access"].browse(data.mapped("res_id")).exists()
        self.assertTrue(accesses)
        outsiders = self.env.ref("base.group_portal") | self.env.ref("base.group_public")
        wrong = accesses.filtered(lambda a: not a.group_id or a.group_id in outsiders)
        self.assertFalse(wrong, wrong.mapped("name"))

    # ------------------------------------------------------------------ real attempts

    def test_registers_real_attempts_follow_the_matrix(self):
        for name in REGISTERS:
            record = self.records[name]
            field = WRITABLE_FIELD[name]
            user_rights, manager_rights = EXPECTED[name]
            expected = {"portal": NOTHING, "internal": NOTHING, "user": user_rights,
                        "manager": manager_rights}
            for group, user in self.users.items():
                as_user = record.sudo(user)
                outcomes = {
                    "read": attempt(self.env, lambda: as_user.read([field])),
                    "write": attempt(self.env, lambda: as_user.write(
                        {field: False if field == "active" else "Changed by %s" % group})),
                    "create": attempt(self.env, lambda: self.env[name].sudo(user).create(
                        self._create_values(name))),
                    "unlink": attempt(self.env, as_user.unlink),
                }
                for op, letter in zip(OPERATIONS, expected[group]):
                    error = outcomes[op]
                    if letter == "-":
                        self.assertIsInstance(
                            error, (AccessError, UserError),
                            "%s: %s user could %s" % (name, group, op))
                    else:
                        self.assertIsNone(error, "%s: %s user could not %s: %s" % (
                            name, group, op, error))
                self.assertTrue(record.exists(), name)

    def test_nobody_but_the_superuser_deletes_a_register_line(self):
        for name in REGISTERS:
            record = self.records[name]
            for group, user in self.users.items():
                with rolled_back(self.env):
                    with self.assertRaises((AccessError, UserError)):
                        record.sudo(user).unlink()
                self.assertTrue(self.env[name].with_context(active_test=False).search(
                    [("id", "=", record.id)]), "%s deleted by %s" % (name, group))
        # The superuser may purge (lines without anything hanging on them).
        fresh = {
            "aftersales.call": self.env["aftersales.call"].create(
                {"partner_id": self.customer.id}),
            "aftersales.case": self.env["aftersales.case"].create(
                {"partner_id": self.customer.id, "name": "To purge"}),
            "aftersales.letter": self.env["aftersales.letter"]._aftersales_register(
                {"partner_id": self.customer.id, "name": "To purge"}),
            "aftersales.warranty.claim": self._claim(
                self.records["aftersales.warranty.claim"].vehicle_id),
        }
        for name, record in fresh.items():
            with rolled_back(self.env):
                record.unlink()
                self.assertFalse(self.env[name].with_context(active_test=False).search(
                    [("id", "=", record.id)]), name)

    def test_officer_registers_a_vehicle_and_a_higher_reading(self):
        """An after-sales user without Sales rights (a follow-up officer) registers a
        vehicle and records a higher odometer (on the vehicle or through a warranty claim):
        the stored next-service estimate reads the service visits on their behalf."""
        officer = self.users["user"]
        self.env["aftersales.vehicle"].sudo(officer).create({
            "vin": "H7ACLVXN000000002", "partner_id": self.customer.id})
        vehicle = self.records["aftersales.vehicle"]
        vehicle.sudo(officer).write({"odometer": 7000})
        self.env["aftersales.warranty.claim"].sudo(officer).create({
            "vehicle_id": vehicle.id, "date_failure": day(-1), "odometer": 7100,
            "symptom": "Window motor"})
        self.assertEqual(vehicle.odometer, 7100)

    # ------------------------------------------------------------------ the mail queue

    def test_outsiders_cannot_read_the_registers_emails_in_the_mail_queue(self):
        """The letters' emails stay in Odoo's mail queue (mail.mail): portal users and
        employees, after-sales staff included (a survey email holds a personal link), find
        and read none of them; administrators read them all, and a portal customer reads
        the emails addressed to them."""
        portal = self.users["portal"]
        call = self.records["aftersales.call"]
        own_call = self.env["aftersales.call"].create({"partner_id": portal.partner_id.id})
        portal.partner_id.email = "portal.customer.h7@customer.example.com"
        template = self.env.ref("aftersales_followup.mail_template_call_no_answer")
        Letter = self.env["aftersales.letter"]
        letters = Letter._send_template(template, call, call_id=call.id)
        letters |= Letter._aftersales_register({
            "partner_id": self.customer.id, "name": "Notice", "kind": "notice",
            "mail_template_id": self.env.ref(
                "aftersales_followup.mail_template_campaign_notice").id,
            "campaign_id": self.records["aftersales.campaign"].id})
        letters[1:]._queue_emails()  # as the campaigns queue them (set-based)
        own = Letter._send_template(template, own_call, call_id=own_call.id).mail_id
        mails = letters.mapped("mail_id")
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("model")), {"aftersales.call", "aftersales.letter"})
        for group in ("portal", "internal", "user", "manager"):
            Mail = self.env["mail.mail"].sudo(self.users[group])
            self.assertFalse(Mail.search([("id", "in", mails.ids)]), group)
            for mail in mails:
                with self.assertRaises(AccessError, msg=group):
                    mail.sudo(self.users[group]).read(["body_html", "email_to"])
        admin = self.env.ref("base.user_admin") if self.env.ref(
            "base.user_admin", raise_if_not_found=False) else self.env.user
        Mail = self.env["mail.mail"].sudo(admin)
        self.assertEqual(Mail.search([("id", "in", mails.ids)]), mails)
        self.assertEqual(self.env["mail.mail"].sudo(portal).search(
            [("id", "in", (mails | own).ids)]), own)

    # ------------------------------------------------------------------ companies

    def test_every_model_with_a_company_has_a_multi_company_rule(self):
        """A model that stores its dealership is hidden from the others by a global rule
        on company_id (listed from the registry, so that new models are covered)."""
        missing = []
        for name in defined_models(self.env):
            field = self.env[name]._fields.get("company_id")
            if not field or not field.store:
                continue
            rules = self.env["ir.rule"].search([("model_id.model", "=", name),
                                                ("global", "=", True)])
            if not any("company_id" in (rule.domain_force or "") for rule in rules):
                missing.append(name)
        self.assertFalse(missing, "models with a company but no multi-company rule: %s"
                         % missing)

    def test_second_dealership_finds_and_reads_nothing_of_the_first(self):
        checked = 0
        for group, user in self.users_b.items():
            for name, record in self.records.items():
                model = self.env[name].sudo(user).with_context(active_test=False)
                self.assertFalse(model.search([("id", "=", record.id)]),
                                 "%s of company A found by a %s of company B" % (name, group))
                if "partner_id" in model._fields:
                    self.assertFalse(model.search([("partner_id", "=", self.customer.id)]),
                                     name)
                with self.assertRaises(AccessError, msg="%s read by %s" % (name, group)):
                    record.sudo(user).read(["company_id"])
                checked += 1
        self.assertEqual(checked, 2 * len(self.records))
        # The same records are there for the first dealership's staff: the rules are
        # what hides them.
        for name, record in self.records.items():
            self.assertEqual(self.env[name].sudo(self.users["manager"]).search(
                [("id", "=", record.id)]), record, name)

    def test_second_dealership_cannot_change_the_first_ones_records(self):
        user = self.users_b["manager"]
        for name in ("aftersales.vehicle", "aftersales.call", "aftersales.case",
                     "aftersales.letter", "aftersales.warranty.claim",
                     "aftersales.parts.request"):
            record = self.records[name]
            field = WRITABLE_FIELD.get(name, "partner_id")
            value = "Changed" if field != "partner_id" else self.customer.id
            error = attempt(self.env, lambda: record.sudo(user).write({field: value}))
            self.assertIsInstance(error, AccessError, name)
        error = attempt(self.env, lambda: self.env["aftersales.call"].sudo(user).create({
            "partner_id": self.customer.id, "company_id": self.company.id}))
        self.assertIsInstance(error, AccessError)
