# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The printed letter (S10): the notice / reply letter renders as a real PDF."""
import tempfile

from odoo.tests.common import TransactionCase
from odoo.tools import config


class TestLetterReport(TransactionCase):

    def test_post_letter_pdf_renders(self):
        partner = self.env["res.partner"].create({
            "name": "王先生", "street": "建国路 88 号", "city": "北京"})
        letter = self.env["aftersales.letter"]._aftersales_register({
            "name": "Reply", "partner_id": partner.id, "kind": "reply", "channel": "post",
            "body_html": "<p>您好, your brakes were replaced free of charge.</p>"})
        report = self.env.ref("aftersales_followup.report_aftersales_letter")
        # wkhtmltopdf fetches the report's styles from this URL. Under Odoo's own runner
        # the server listens on web.base.url but cannot answer while the addons install
        # (the registry is locked): the PDF would wait forever. A closed port answers at
        # once, and the letter renders without the web styles under every runner.
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:1")
        # Odoo renders real PDFs in tests only with test_enable and a report directory
        # (otherwise it may commit the asset bundles mid-test).
        saved = config["test_enable"], config["test_report_directory"]
        config["test_enable"], config["test_report_directory"] = True, tempfile.mkdtemp()
        try:
            pdf, fmt = report.render_qweb_pdf(letter.ids)
        finally:
            config["test_enable"], config["test_report_directory"] = saved
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertGreater(len(pdf), 2000)
        self.assertEqual(letter.attachment_id.mimetype, "application/pdf")

    def test_reply_letter_registered_when_customer_informed(self):
        partner = self.env["res.partner"].create({"name": "Chen Jun", "email": "cj@example.com"})
        case = self.env["aftersales.case"].create({
            "partner_id": partner.id, "kind": "complaint", "description": "Rattle <door>"})
        case.solution = "Door seal replaced"
        case.action_solve()
        case.action_send_reply_letter()
        self.assertEqual(case.state, "informed")
        self.assertTrue(case.informed_same_day)
        letter = case.letter_ids
        self.assertEqual((letter.kind, letter.channel), ("reply", "email"))
        self.assertIn("Door seal replaced", letter.mail_id.body_html)
        self.assertIn("Rattle &lt;door&gt;", letter.body_html)
        partner.email = False
        case2 = self.env["aftersales.case"].create({
            "partner_id": partner.id, "kind": "request", "description": "Manual"})
        case2.solution = "Sent by post"
        case2.action_solve()
        case2.action_send_reply_letter()
        self.assertEqual(case2.letter_ids.channel, "post")
        self.assertIn("Sent by post", case2.letter_ids.body_html)
