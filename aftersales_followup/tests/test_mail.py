# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The emails the customer gets (S10, S16): thank you at handover, "we tried to reach you"
after an unanswered call; rendered from the real templates, queued in Odoo's mail queue
and entered in the letter register. Customers without email or who opted out get none."""
from .common import AftersalesCommon


class TestMail(AftersalesCommon):

    @classmethod
    def setUpClass(cls):
        super(TestMail, cls).setUpClass()
        cls.thanks = cls.env.ref("aftersales_followup.mail_template_handover_thanks")
        cls.tried = cls.env.ref("aftersales_followup.mail_template_call_no_answer")

    def queued_mails(self, partner, subject):
        return self.env["mail.mail"].search([
            ("recipient_ids", "in", partner.ids), ("subject", "like", subject)])

    def hand_over_today(self, partner, vehicle=None):
        order = self.create_service_visit(partner, vehicle)
        order.action_confirm()
        order.action_handover()
        return order

    # ------------------------------------------------------------------ thank you

    def test_thank_you_email_at_handover(self):
        customer = self.create_customer("Wang Fang")
        vehicle = self.create_vehicle(customer, license_plate="京B·H2777")
        order = self.hand_over_today(customer, vehicle)
        letter = self.letters_of(customer)
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.mail_template_id, self.thanks)
        self.assertEqual((letter.kind, letter.channel, letter.state),
                         ("followup", "email", "draft"))
        self.assertEqual((letter.res_model, letter.res_id), ("sale.order", order.id))
        self.assertEqual(letter.email_to, customer.email)
        self.assertEqual(letter.company_id, self.company)
        mail = letter.mail_id
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, customer)
        self.assertEqual(mail.subject, "Thank you for your visit, Wang Fang")
        self.assertEqual(letter.name, mail.subject)
        self.assertEqual(letter.body_html, mail.body_html)
        for text in ("Dear Wang Fang", vehicle.name, order.name, self.company.name,
                     self.officer.name, "within three days"):
            self.assertIn(text, mail.body_html)
        self.assertNotIn("${", mail.body_html)

    def test_thank_you_after_vehicle_sale_names_the_model(self):
        customer = self.create_customer("Zhao Min")
        order = self.env["sale.order"].sudo(self.officer).create({
            "partner_id": customer.id, "aftersales_kind": "vehicle",
            "vehicle_id": self.create_vehicle().id})
        order.action_confirm()
        order._aftersales_set_handover(self.local_datetime(0, 10))
        mail = self.letters_of(customer).mail_id
        self.assertIn("We hope you enjoy your new Aurora S 1.5T (h2)", mail.body_html)

    def test_customer_values_are_escaped(self):
        customer = self.create_customer("Tom <b>& Jerry</b>", email="tom@customer.example.com")
        self.hand_over_today(customer)
        body = self.letters_of(customer).body_html
        self.assertIn("Tom &lt;b&gt;&amp; Jerry&lt;/b&gt;", body)
        self.assertNotIn("<b>& Jerry", body)

    def test_no_thank_you_without_email(self):
        customer = self.create_customer("No Mail", email=False)
        order = self.hand_over_today(customer)
        self.assertTrue(order.handover_date)
        self.assertFalse(self.letters_of(customer))
        self.assertFalse(self.env["mail.mail"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id),
             ("subject", "like", "Thank you")]))

    def test_no_thank_you_when_opted_out(self):
        customer = self.create_customer("Opted Out", opt_out=True)
        order = self.hand_over_today(customer)
        self.assertTrue(order.handover_date)
        self.assertFalse(self.letters_of(customer))
        self.assertFalse(self.queued_mails(customer, "Thank you"))

    # ------------------------------------------------------------------ no answer

    def due_call(self, partner):
        order = self.handed_over(3, partner=partner)
        self.run_due_calls()
        return self.calls_of(order).sudo(self.officer)

    def test_no_answer_queues_we_tried_to_reach_you(self):
        customer = self.create_customer("Chen Jing")
        call = self.due_call(customer)
        call.action_no_answer()
        letter = self.letters_of(customer)
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.call_id, call)
        self.assertEqual(letter.mail_template_id, self.tried)
        self.assertEqual((letter.res_model, letter.res_id), ("aftersales.call", call.id))
        self.assertEqual(letter.state, "draft")
        mail = letter.mail_id
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, customer)
        self.assertEqual(mail.subject, "We tried to reach you, Chen Jing")
        for text in ("Dear Chen Jing", call.vehicle_id.name, self.officer.name,
                     self.company.phone):
            self.assertIn(text, mail.body_html)
        # A second attempt the same day sends no second email.
        call.action_no_answer()
        self.assertEqual(len(self.letters_of(customer)), 1)

    def test_no_answer_without_email_sends_nothing(self):
        customer = self.create_customer("Phone Only", email=False)
        call = self.due_call(customer)
        call.action_no_answer()
        self.assertEqual(call.state, "no_answer")
        self.assertFalse(self.letters_of(customer))

    def test_no_answer_when_opted_out_sends_nothing(self):
        customer = self.create_customer("Email Refuser", opt_out=True)
        call = self.due_call(customer)
        call.action_no_answer()
        self.assertEqual(call.attempt_count, 1)
        self.assertFalse(self.letters_of(customer))
        self.assertFalse(self.queued_mails(customer, "We tried to reach you"))

    # ------------------------------------------------------------------ Odoo 11's links

    def test_a_body_of_one_empty_element_renders(self):
        """Odoo 11 fails (TypeError from lxml) on a rendered body that is one empty
        element; such a template now renders, its local links made absolute as usual."""
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        template = self.env["mail.template"].create({
            "name": "One element (h20)", "model_id": self.env.ref("base.model_res_partner").id,
            "subject": "Hello", "email_to": "${object.email|safe}",
            "body_html": "<p></p>"})
        values = template.generate_email(self.customer.id)
        self.assertEqual(values["body_html"], "<p></p>")
        template.body_html = '<img src="/web/image/res.partner/1/image">'
        values = template.generate_email(self.customer.id)
        self.assertEqual(values["body_html"],
                         '<img src="%s/web/image/res.partner/1/image">' % base_url)
