"""Issue 8, point 5: hostile and malformed input.

* Script tags and HTML typed into a customer's name, a vehicle's plate, a call's notes, a
  case, a claim's symptom, a campaign, a part's name... come out escaped in every email
  template of the three addons (listed from the database, so that a new template is
  covered) and in the printed letter (the HTML the PDF is made from). Subjects are plain
  text: they are not HTML-escaped.
* Very long texts and Chinese names and addresses are stored and read back intact; empty
  strings are refused with a clear error or stored sensibly.
* Property-based tests (hypothesis): the VIN validator and the warranty coverage.
"""
import re
import string
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg2 import IntegrityError

from odoo import fields
from odoo.addons.aftersales_followup.models.aftersales_vehicle import check_vin, normalize_vin
from odoo.addons.aftersales_followup.tests.common import create_staff
from odoo.exceptions import UserError, ValidationError
from odoo.tests.common import SavepointCase
from odoo.tools import mute_logger

from security_support import ADDONS, LONG_TEXT, PAYLOAD, SCRIPT_ESCAPED, rolled_back

CUSTOMER_NAME = "王小明 " + PAYLOAD
# A real tag carrying an event handler (escaped text may hold onerror="..." harmlessly).
EVENT_HANDLER_TAG = re.compile(r"<[a-z][^<>]*\son\w+\s*=", re.IGNORECASE)
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
# Small and quick: the suite stays fast; no example database in the work tree.
QUICK = settings(max_examples=50, deadline=None, database=None)
ORM_QUICK = settings(max_examples=25, deadline=None, database=None)


def day(offset, base=None):
    start = fields.Date.from_string(base or fields.Date.today())
    return fields.Date.to_string(start + timedelta(days=offset))


class HostileCommon(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(HostileCommon, cls).setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, no_reset_password=True,
                                             mail_create_nosubscribe=True,
                                             tracking_disable=True))
        cls.company = env.ref("base.main_company")
        cls.vin_company = env["res.company"].create({"name": "VIN checks (h7)"})
        cls.officer = create_staff(env, "h7_hostile_officer", "欧阳 Officer " + PAYLOAD,
                                   ["aftersales_followup.group_aftersales_user"])
        cls.customer = env["res.partner"].create({
            "name": CUSTOMER_NAME,
            "email": "wang.xiaoming@customer-h7.example.com",
            "street": "浦东新区世纪大道 100 号 " + PAYLOAD,
            "city": "上海",
            "aftersales_user_id": cls.officer.id,
        })
        cls.manufacturer = env["res.partner"].create({
            "name": "奥罗拉汽车 " + PAYLOAD, "is_company": True,
            "email": "quality@aurora-h7.example.com"})
        cls.vehicle_model = env["product.product"].create({
            "name": "Aurora " + PAYLOAD, "type": "consu", "warranty_months": 36,
            "warranty_km": 100000, "warranty_manufacturer_id": cls.manufacturer.id})
        cls.part = env["product.product"].create({
            "name": "Pump " + PAYLOAD, "type": "product", "is_vehicle_part": True,
            "list_price": 800.0})
        cls.vehicle = env["aftersales.vehicle"].create({
            "vin": "H7HSTLVXN00000001", "license_plate": "沪A " + PAYLOAD,
            "product_id": cls.vehicle_model.id, "partner_id": cls.customer.id,
            "handover_date": day(-200), "odometer": 8000})


class TestHostileTemplates(HostileCommon):
    """Every mail template of the addons, rendered for records full of hostile text."""

    @classmethod
    def setUpClass(cls):
        super(TestHostileTemplates, cls).setUpClass()
        # The dealership's own name may hold anything too.
        cls.company.write({"name": "华东汽车 " + PAYLOAD, "phone": "+86 21 " + PAYLOAD,
                           "email": "service@dealer-h7.example.com"})

    # ------------------------------------------------------------------ hostile records

    def _service_order(self):
        service = self.env["product.product"].create({"name": "Service " + PAYLOAD,
                                                      "type": "service"})
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id, "aftersales_kind": "service",
            "vehicle_id": self.vehicle.id,
            "order_line": [(0, 0, {"product_id": service.id, "name": PAYLOAD,
                                   "product_uom_qty": 1, "product_uom": service.uom_id.id,
                                   "price_unit": 100.0})]})
        vehicle_sale = order.copy({"aftersales_kind": "vehicle"})
        return order | vehicle_sale

    def _call(self):
        return self.env["aftersales.call"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "user_id": self.officer.id, "notes": PAYLOAD, "name": PAYLOAD})

    def _survey_call(self):
        """A follow-up call whose customer got their link to the satisfaction survey."""
        call = self.env["aftersales.call"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "user_id": self.officer.id, "direction": "out", "purpose": "followup"})
        survey = self.env.ref("aftersales_followup.survey_aftersales_satisfaction")
        call._link_survey_inputs(survey)
        self.assertTrue(call.survey_user_input_id)
        return call

    def _case(self):
        return self.env["aftersales.case"].create({
            "partner_id": self.customer.id, "name": "Case " + PAYLOAD,
            "description": "车门异响 " + PAYLOAD, "solution": "Fixed " + PAYLOAD,
            "user_id": self.officer.id})

    def _campaign_letters(self):
        campaign = self.env["aftersales.campaign"].create({
            "name": "春季保养 " + PAYLOAD, "location": "Hall " + PAYLOAD,
            "description": "<p>Free check %s</p>" % PAYLOAD.replace("<b>bold</b>", ""),
            "date_event": day(30),
            "mail_template_id": self.env.ref(
                "aftersales_followup.mail_template_campaign_notice").id})
        return self.env["aftersales.letter"]._aftersales_register({
            "name": "Notice", "partner_id": self.customer.id, "kind": "notice",
            "campaign_id": campaign.id})

    def _need_letters(self):
        letters = self.env["aftersales.letter"]
        for kind in ("service", "insurance", "warranty_end", "tyres"):
            need = self.env["aftersales.need"].create({
                "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
                "kind": kind, "date_expected": day(20), "note": PAYLOAD})
            letters |= letters._aftersales_register({
                "name": "Reminder", "partner_id": self.customer.id, "need_id": need.id})
        return letters

    def _claims(self):
        claims = self.env["aftersales.warranty.claim"]
        variants = [("draft", "repair"), ("rejected", "repair"), ("approved", "refund"),
                    ("approved", "goodwill"), ("approved", "repair"),
                    ("compensated", "refund"), ("compensated", "repair")]
        for state, kind in variants:
            claim = claims.create({
                "vehicle_id": self.vehicle.id, "date_failure": day(-3), "odometer": 9000,
                "symptom": "发动机异响 " + PAYLOAD, "rejection_reason": PAYLOAD,
                "assessment": PAYLOAD, "compensation_kind": kind,
                "line_ids": [(0, 0, {"product_id": self.part.id, "quantity": 1,
                                     "price_unit": 800.0, "name": PAYLOAD})]})
            claim._aftersales_trusted().write({
                "state": state, "amount_approved": 800.0,
                "amount_refunded": 800.0 if state == "compensated" else 0.0})
            claims |= claim
        return claims

    def _feedback(self):
        return self.env["aftersales.warranty.feedback"].create({
            "manufacturer_id": self.manufacturer.id, "date_from": day(-30),
            "date_to": day(0)})

    def _parts_request(self):
        return self.env["aftersales.parts.request"].create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "notes": PAYLOAD,
            "line_ids": [(0, 0, {"product_id": self.part.id, "quantity": 2})]})

    def _appointment_letters(self):
        """A letter of the appointment book, for a visit booked at the next free slot."""
        appointments = self.env["aftersales.appointment"]
        slot = appointments._aftersales_next_free_slot(self.company, self.officer, 1.0,
                                                       self.vehicle)
        appointment = appointments.create({
            "partner_id": self.customer.id, "vehicle_id": self.vehicle.id,
            "user_id": self.officer.id, "date_start": fields.Datetime.to_string(slot),
            "duration": 1.0, "notes": PAYLOAD})
        # the letter the suite registers for it (the register is written by the suite only)
        return self.env["aftersales.letter"]._aftersales_trusted().create({
            "name": "Appointment", "partner_id": self.customer.id,
            "appointment_id": appointment.id})

    def hostile_records(self, template):
        """The records ``template`` is rendered for: by template, else by model."""
        xmlid = template.get_external_id()[template.id]
        by_template = {
            "aftersales_followup.mail_template_campaign_notice": self._campaign_letters,
            "aftersales_followup.mail_template_need_reminder": self._need_letters,
            "aftersales_followup.mail_template_satisfaction_survey": self._survey_call,
            "aftersales_followup.mail_template_appointment_confirmation":
                self._appointment_letters,
            "aftersales_followup.mail_template_appointment_reminder":
                self._appointment_letters,
        }
        by_model = {
            "sale.order": self._service_order,
            "aftersales.call": self._call,
            "aftersales.case": self._case,
            "aftersales.warranty.claim": self._claims,
            "aftersales.warranty.feedback": self._feedback,
            "aftersales.parts.request": self._parts_request,
        }
        factory = by_template.get(xmlid) or by_model.get(template.model)
        self.assertTrue(factory, "no hostile record to render the template %s (%s): add "
                                 "one to tests/test_hostile_input.py" % (xmlid, template.model))
        return factory()

    def addon_templates(self):
        data = self.env["ir.model.data"].search([("model", "=", "mail.template"),
                                                 ("module", "in", list(ADDONS))])
        return self.env["mail.template"].browse(data.mapped("res_id")).exists()

    # ------------------------------------------------------------------ tests

    def test_every_template_escapes_what_people_typed(self):
        templates = self.addon_templates()
        self.assertGreaterEqual(len(templates), 10)
        rendered = 0
        for template in templates:
            xmlid = template.get_external_id()[template.id]
            for record in self.hostile_records(template):
                values = template.generate_email(record.id, ["subject", "body_html"])
                body = values["body_html"] or ""
                where = "%s for %s,%d" % (xmlid, record._name, record.id)
                self.assertTrue(body.strip(), where)
                self.assertNotIn("<script", body.lower(), where)
                self.assertFalse(EVENT_HANDLER_TAG.search(body), where)
                self.assertNotIn("<b>bold", body, where)
                self.assertIn(SCRIPT_ESCAPED, body, where)
                # Chinese text comes through as typed.
                self.assertTrue("王小明" in body or "奥罗拉汽车" in body, where)
                # A subject is plain text: what is typed, never HTML entities.
                subject = values["subject"] or ""
                self.assertNotIn("&lt;", subject, where)
                self.assertNotIn("&amp;", subject, where)
                rendered += 1
        self.assertGreaterEqual(rendered, 20)

    def test_registered_letters_hold_the_escaped_body(self):
        """What the letter register keeps (and sends) is the escaped rendering."""
        case = self._case()
        template = self.env.ref("aftersales_followup.mail_template_case_reply")
        Letter = self.env["aftersales.letter"]
        email = Letter._send_template(template, case, kind="reply", case_id=case.id)
        post = Letter._create_post_letter(template, case, kind="reply", case_id=case.id)
        for letter, body in ((email, email.body_html), (email, email.mail_id.body_html),
                             (post, post.body_html)):
            self.assertNotIn("<script", body)
            self.assertIn(SCRIPT_ESCAPED, body)
            self.assertIn("车门异响", body)

    def test_printed_letter_escapes_what_people_typed(self):
        """The HTML the PDF is made from: body, subject, name and Chinese address."""
        case = self._case()
        template = self.env.ref("aftersales_followup.mail_template_case_reply")
        reply = self.env["aftersales.letter"]._create_post_letter(
            template, case, kind="reply", case_id=case.id)
        notices = self._campaign_letters()
        notices._aftersales_trusted().write({
            "channel": "post",
            "mail_template_id": notices.campaign_id.mail_template_id.id})
        notices._render_post_bodies()
        letters = reply | notices
        report = self.env.ref("aftersales_followup.report_aftersales_letter")
        html, _fmt = report.render_qweb_html(letters.ids)
        html = html.decode() if isinstance(html, bytes) else html
        # (The page itself loads Odoo's report assets with script tags of its own.)
        self.assertNotIn("<script>alert(1)", html)
        self.assertFalse(EVENT_HANDLER_TAG.search(html))
        self.assertNotIn("<b>bold", html)
        self.assertIn(SCRIPT_ESCAPED, html)
        self.assertIn("王小明", html)
        self.assertIn("浦东新区世纪大道 100 号", html)
        self.assertIn("车门异响", html)
        self.assertIn("春季保养", html)

    def test_html_fields_shown_in_the_web_client_are_sanitized(self):
        """The web client shows an Html field as HTML: a field people can type into must
        be sanitized. The letter body is the one exception: it is what the templates
        rendered (escaped, tested above), stored exactly as sent, read-only in the form."""
        exceptions = {"aftersales.letter.body_html"}
        unsafe = []
        for name in self.env.registry.models:
            for field in self.env[name]._fields.values():
                ours = name.startswith("aftersales.") or field.name.startswith("aftersales")
                label = "%s.%s" % (name, field.name)
                if ours and field.type == "html" and field.store and not field.sanitize \
                        and label not in exceptions:
                    unsafe.append(label)
        self.assertFalse(unsafe, "unsanitized Html fields: %s" % unsafe)
        campaign = self.env["aftersales.campaign"].create({
            "name": "Sanitized", "date_event": day(30),
            "description": "<p>Come %s</p>" % PAYLOAD})
        self.assertNotIn("<script", campaign.description)
        self.assertNotIn("onerror", campaign.description)


class TestLongAndForeignText(HostileCommon):

    def test_long_texts_are_stored_and_read_back_intact(self):
        partner = self.env["res.partner"].create({"name": LONG_TEXT, "street": LONG_TEXT,
                                                  "comment": LONG_TEXT})
        call = self.env["aftersales.call"].create({
            "partner_id": partner.id, "notes": LONG_TEXT, "name": LONG_TEXT})
        case = self.env["aftersales.case"].create({
            "partner_id": partner.id, "call_id": call.id, "description": LONG_TEXT,
            "solution": LONG_TEXT})
        claim = self.env["aftersales.warranty.claim"].create({
            "vehicle_id": self.vehicle.id, "date_failure": day(-1), "odometer": 8100,
            "symptom": LONG_TEXT, "assessment": LONG_TEXT})
        self.env.clear()  # read the database, not the cache
        self.assertEqual(len(LONG_TEXT), 10000)
        self.assertEqual(partner.name, LONG_TEXT)
        self.assertEqual(partner.street, LONG_TEXT)
        self.assertEqual(call.notes, LONG_TEXT)
        self.assertEqual(call.name, LONG_TEXT)
        self.assertEqual(case.description, LONG_TEXT)
        # A case without a subject takes the first line of the description, shortened.
        self.assertEqual(case.name, LONG_TEXT.splitlines()[0][:80])
        self.assertEqual(claim.symptom, LONG_TEXT)
        self.assertEqual(claim.read(["assessment"])[0]["assessment"], LONG_TEXT)
        # ... and the templates render them whole.
        values = self.env.ref("aftersales_followup.mail_template_case_reply").generate_email(
            case.id, ["body_html"])
        self.assertIn(LONG_TEXT, values["body_html"])

    def test_chinese_names_and_addresses_are_stored_and_found(self):
        partner = self.env["res.partner"].create({
            "name": "欧阳娜娜", "street": "上海市浦东新区世纪大道 100 号",
            "street2": "金茂大厦 8 楼", "city": "上海", "zip": "200120",
            "comment": "喜欢周末保养"})
        vehicle = self.env["aftersales.vehicle"].create({
            "vin": "LFV3A28K5M3099999", "license_plate": "沪A·8B8C8", "color": "珍珠白",
            "product_id": self.vehicle_model.id, "partner_id": partner.id})
        case = self.env["aftersales.case"].create({
            "partner_id": partner.id, "description": "空调有异味\n第二行"})
        self.env.clear()
        self.assertEqual(partner.name, "欧阳娜娜")
        self.assertEqual(partner.street, "上海市浦东新区世纪大道 100 号")
        self.assertEqual(partner.street2, "金茂大厦 8 楼")
        self.assertEqual(vehicle.license_plate, "沪A·8B8C8")
        self.assertEqual(vehicle.color, "珍珠白")
        self.assertTrue(vehicle.name.startswith("沪A·8B8C8"))
        self.assertEqual(case.name, "空调有异味")
        self.assertEqual(self.env["res.partner"].search([("name", "ilike", "阳娜")]), partner)
        self.assertEqual(self.env["aftersales.vehicle"].search(
            [("license_plate", "ilike", "8B8C8")]), vehicle)
        self.assertIn("欧阳娜娜", partner.name_get()[0][1])


class TestEmptyInput(HostileCommon):

    def count(self, model):
        return self.env[model].with_context(active_test=False).search_count([])

    def test_empty_or_blank_vin_is_refused(self):
        for vin in ("", "   ", "\t\n", False):
            before = self.count("aftersales.vehicle")
            with rolled_back(self.env):
                with self.assertRaises(ValidationError) as refusal:
                    self.env["aftersales.vehicle"].create(
                        {"vin": vin, "product_id": self.vehicle_model.id})
            self.assertIn("17", refusal.exception.name)
            self.assertEqual(self.count("aftersales.vehicle"), before)
        with rolled_back(self.env):
            with self.assertRaises(ValidationError):
                self.vehicle.write({"vin": ""})
        self.assertEqual(self.vehicle.vin, "H7HSTLVXN00000001")

    def test_case_without_subject_nor_description_is_refused(self):
        for name, description in (("", ""), ("", "   \n  "), (False, False)):
            before = self.count("aftersales.case")
            with rolled_back(self.env):
                with self.assertRaises(UserError) as refusal:
                    self.env["aftersales.case"].create({
                        "partner_id": self.customer.id, "name": name,
                        "description": description})
            self.assertIn("subject or a description", refusal.exception.name)
            self.assertEqual(self.count("aftersales.case"), before)

    def test_call_without_subject_is_named_after_the_customer(self):
        call = self.env["aftersales.call"].create({"partner_id": self.customer.id,
                                                   "name": ""})
        self.assertEqual(call.name, self.customer.display_name)

    def test_claim_without_symptom_cannot_be_submitted(self):
        claim = self.env["aftersales.warranty.claim"].create({
            "vehicle_id": self.vehicle.id, "date_failure": day(-1), "odometer": 8100,
            "symptom": "  ",
            "line_ids": [(0, 0, {"product_id": self.part.id, "quantity": 1,
                                 "price_unit": 10.0})]})
        with rolled_back(self.env):
            with self.assertRaises(UserError) as refusal:
                claim.action_submit()
        self.assertIn("describe the symptom", refusal.exception.name)
        self.assertEqual(claim.state, "draft")

    @mute_logger("odoo.sql_db")
    def test_contact_without_name_is_refused(self):
        before = self.count("res.partner")
        with rolled_back(self.env):
            with self.assertRaises(IntegrityError):
                self.env["res.partner"].create({"name": False, "email": "x@example.com"})
        self.assertEqual(self.count("res.partner"), before)


class TestVinProperties(HostileCommon):
    """ISO 3779: 17 characters, digits and capital letters except I, O and Q."""

    @QUICK
    @given(st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17),
           st.sampled_from(["", " ", "\t", "\n "]), st.booleans())
    def test_any_17_allowed_characters_are_accepted_upper_case(self, vin, blank, lower):
        typed = blank + (vin.lower() if lower else vin) + blank
        self.assertEqual(normalize_vin(typed), vin)
        self.assertIsNone(check_vin(normalize_vin(typed)))

    @QUICK
    @given(st.text(alphabet=VIN_ALPHABET, min_size=16, max_size=16),
           st.sampled_from("IOQioq"), st.integers(min_value=0, max_value=16))
    def test_i_o_or_q_anywhere_is_refused(self, rest, bad, position):
        vin = normalize_vin(rest[:position] + bad + rest[position:])
        self.assertEqual(len(vin), 17)
        self.assertEqual(check_vin(vin), "alphabet")
        message = self.env["aftersales.vehicle"]._vin_error_message(vin)
        self.assertIn("except I, O and Q", message)

    @QUICK
    @given(st.text(alphabet=VIN_ALPHABET, max_size=40).filter(lambda v: len(v) != 17))
    def test_wrong_length_is_refused(self, vin):
        self.assertEqual(check_vin(normalize_vin(vin)), "length")
        message = self.env["aftersales.vehicle"]._vin_error_message(normalize_vin(vin))
        self.assertIn("exactly 17", message)

    @QUICK
    @given(st.text(max_size=25))
    def test_any_text_is_judged_without_crashing(self, text):
        vin = normalize_vin(text)
        expected_ok = len(vin) == 17 and all(c in VIN_ALPHABET for c in vin)
        self.assertEqual(check_vin(vin) is None, expected_ok, repr(text))

    @ORM_QUICK
    @given(st.text(alphabet=VIN_ALPHABET, min_size=17, max_size=17), st.booleans())
    def test_vehicle_stores_a_valid_vin_upper_case(self, vin, lower):
        with rolled_back(self.env):
            vehicle = self.env["aftersales.vehicle"].create({
                "vin": " %s " % (vin.lower() if lower else vin),
                "company_id": self.vin_company.id})
            self.env.clear()
            self.assertEqual(vehicle.vin, vin)

    @ORM_QUICK
    @given(st.one_of(
        st.text(alphabet=VIN_ALPHABET + "IOQ", min_size=17, max_size=17).filter(
            lambda v: set(v) & set("IOQ")),
        st.text(alphabet=VIN_ALPHABET + string.ascii_lowercase, max_size=30).filter(
            lambda v: len(v) != 17)))
    def test_vehicle_with_an_invalid_vin_is_refused_and_not_saved(self, vin):
        Vehicle = self.env["aftersales.vehicle"].with_context(active_test=False)
        with rolled_back(self.env):
            with self.assertRaises(ValidationError):
                Vehicle.create({"vin": vin, "company_id": self.vin_company.id})
        self.assertFalse(Vehicle.search([("company_id", "=", self.vin_company.id)]))


class TestCoverageProperties(HostileCommon):
    """A failure is covered iff it happened by the end of the warranty (handover + the
    model's months, included) and, with a mileage limit, at or under it; the reason says
    when it expired or by how many km it is over."""

    def oracle(self, start, months, km_limit, date_failure, odometer):
        end = fields.Date.to_string(fields.Date.from_string(start)
                                    + relativedelta(months=months))
        expired = date_failure > end
        over = bool(km_limit) and odometer > km_limit
        return end, expired, over

    def check_reason(self, covered, reason, end, expired, over, km_limit, odometer):
        self.assertEqual(covered, not (expired or over))
        if expired:
            self.assertIn("Warranty expired on %s" % end, reason)
        if over:
            self.assertIn("{:,} km over the {:,} km limit".format(
                odometer - km_limit, km_limit), reason)
        if covered:
            self.assertIn("Covered until %s" % end, reason)

    @QUICK
    @given(start=st.dates(min_value=fields.Date.from_string("2012-01-01"),
                          max_value=fields.Date.from_string("2026-01-01")),
           months=st.integers(min_value=1, max_value=120),
           km_limit=st.one_of(st.just(0), st.integers(min_value=1, max_value=300000)),
           after=st.integers(min_value=0, max_value=4500),
           odometer=st.integers(min_value=0, max_value=400000))
    def test_verdict(self, start, months, km_limit, after, odometer):
        start = fields.Date.to_string(start)
        failure = day(after, base=start)
        covered, reason = self.env["aftersales.warranty.claim"]._warranty_verdict(
            start, months, km_limit, failure, odometer)
        end, expired, over = self.oracle(start, months, km_limit, failure, odometer)
        self.check_reason(covered, reason, end, expired, over, km_limit, odometer)

    @QUICK
    @given(months=st.integers(min_value=1, max_value=120),
           km_limit=st.integers(min_value=1, max_value=300000))
    def test_boundaries_are_covered(self, months, km_limit):
        start = "2020-01-31"
        end = fields.Date.to_string(fields.Date.from_string(start)
                                    + relativedelta(months=months))
        verdict = self.env["aftersales.warranty.claim"]._warranty_verdict
        self.assertTrue(verdict(start, months, km_limit, end, km_limit)[0])
        self.assertFalse(verdict(start, months, km_limit, day(1, base=end), km_limit)[0])
        self.assertFalse(verdict(start, months, km_limit, end, km_limit + 1)[0])

    @ORM_QUICK
    @given(months=st.integers(min_value=1, max_value=96),
           km_limit=st.one_of(st.just(0), st.integers(min_value=1000, max_value=200000)),
           handover_days_ago=st.integers(min_value=1, max_value=3000),
           share=st.floats(min_value=0.0, max_value=1.0),
           odometer=st.integers(min_value=0, max_value=250000))
    def test_claim_coverage(self, months, km_limit, handover_days_ago, share, odometer):
        handover = day(-handover_days_ago)
        failure = day(int(handover_days_ago * share), base=handover)
        with rolled_back(self.env):
            self.vehicle_model.write({"warranty_months": months, "warranty_km": km_limit})
            vehicle = self.env["aftersales.vehicle"].create({
                "vin": "H7CVRGVXN00000001", "product_id": self.vehicle_model.id,
                "partner_id": self.customer.id, "handover_date": handover})
            claim = self.env["aftersales.warranty.claim"].create({
                "vehicle_id": vehicle.id, "date_failure": failure, "odometer": odometer,
                "symptom": "Noise"})
            end, expired, over = self.oracle(handover, months, km_limit, failure, odometer)
            self.assertEqual(vehicle.warranty_end_date, end)
            self.assertEqual(claim.coverage, "not_covered" if expired or over else "covered")
            self.check_reason(claim.coverage == "covered", claim.coverage_reason, end,
                              expired, over, km_limit, odometer)
