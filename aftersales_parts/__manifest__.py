# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "After-Sales Parts",
    "summary": "Parts for service visits and warranty claims: availability, "
               "back-orders, returns",
    "version": "11.0.1.2.0",
    "category": "Sales",
    "website": "https://github.com/aftersales-suite/aftersales",
    "author": "After-sales suite contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "installable": True,
    "depends": ["aftersales_warranty", "purchase"],
    "data": [
        "security/ir.model.access.csv",
        "security/aftersales_parts_rules.xml",
        "data/ir_sequence_data.xml",
        "data/stock_data.xml",
        "data/mail_template_data.xml",
        "views/aftersales_parts_request_views.xml",
        "views/aftersales_parts_return_views.xml",
        "views/product_template_views.xml",
        "views/sale_order_views.xml",
        "views/aftersales_warranty_claim_views.xml",
        "views/res_partner_views.xml",
        "views/aftersales_appointment_views.xml",
        "report/aftersales_parts_report_views.xml",
        "report/aftersales_parts_revenue_report_views.xml",
        "report/aftersales_dashboard_views.xml",
        "views/aftersales_parts_menus.xml",
    ],
    "demo": [
        "demo/aftersales_parts_demo.xml",
    ],
}
