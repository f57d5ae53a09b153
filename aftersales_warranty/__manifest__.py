# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "After-Sales Warranty",
    "summary": "Warranty terms, vehicle coverage, claims from intake to compensation, "
               "feedback to the manufacturer",
    "version": "11.0.1.2.0",
    "category": "Sales",
    "website": "https://github.com/aftersales-suite/aftersales",
    "author": "After-sales suite contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "installable": True,
    "depends": ["aftersales_followup"],
    "data": [
        "security/aftersales_warranty_security.xml",
        "security/ir.model.access.csv",
        "security/aftersales_warranty_rules.xml",
        "data/ir_sequence_data.xml",
        "data/aftersales_followup_rule_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/product_template_views.xml",
        "views/res_company_views.xml",
        "views/aftersales_warranty_claim_views.xml",
        "views/aftersales_warranty_claim_line_views.xml",
        "views/aftersales_warranty_feedback_views.xml",
        "views/aftersales_vehicle_views.xml",
        "views/res_partner_views.xml",
        "views/aftersales_call_views.xml",
        "views/aftersales_warranty_menus.xml",
    ],
    "demo": [
        "demo/aftersales_warranty_demo.xml",
    ],
}
