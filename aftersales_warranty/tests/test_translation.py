# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The dealers work in Chinese: the coverage is explained, the refusals worded and the
customer's emails written in Simplified Chinese from the addon's zh_CN.po."""
from odoo.exceptions import UserError
from odoo.modules.module import get_module_resource
from odoo.tools.translate import trans_load

from .common import WarrantyCommon


class TestTranslation(WarrantyCommon):

    @classmethod
    def setUpClass(cls):
        super(TestTranslation, cls).setUpClass()
        cls.env["res.lang"].load_lang("zh_CN")
        trans_load(cls.env.cr, get_module_resource("aftersales_warranty", "i18n", "zh_CN.po"),
                   "zh_CN", verbose=False, module_name="aftersales_warranty")
        cls.customer.lang = "zh_CN"

    def test_coverage_explained_in_chinese(self):
        vehicle = self.create_vehicle(months_ago=40, odometer=100000)
        claim = self.create_claim(vehicle, odometer=101200)
        reason = claim.with_context(lang="zh_CN").coverage_reason
        self.assertEqual(reason, "保修已于 %s 到期; 超出 100,000 公里的里程限制 1,200 公里"
                         % vehicle.warranty_end_date)

    def test_refusal_worded_in_chinese(self):
        claim = self.claim_in_state("assessment").with_context(lang="zh_CN")
        with self.assertRefused(UserError, "请先填写拒绝理由"):
            self.as_manager(claim).action_reject()

    def test_customer_email_in_chinese(self):
        claim = self.create_claim()
        claim.action_submit()
        mail = self.mails_of(claim)
        self.assertIn("我们已收到您的保修索赔", mail.subject)
        self.assertIn("尊敬的 %s" % self.customer.name, mail.body_html)
        self.assertIn(claim.name, mail.body_html)
