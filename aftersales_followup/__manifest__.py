# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "After-Sales Follow-up",
    "summary": "Customer files, follow-up calls within 3 days of handover, "
               "phone register, cases answered the same day, campaigns, letters",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "website": "https://github.com/aftersales-suite/aftersales",
    "author": "After-sales suite contributors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["sale_management", "stock", "sale_stock", "mail"],
    "data": [
        "security/aftersales_security.xml",
        "security/ir.model.access.csv",
        "security/aftersales_rules.xml",
        "data/aftersales_followup_rule_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/aftersales_campaign_data.xml",
        "data/aftersales_retention_data.xml",
        "report/aftersales_letter_report.xml",
        "views/aftersales_menus.xml",
        "views/aftersales_campaign_views.xml",
    ],
    "demo": [],
}
