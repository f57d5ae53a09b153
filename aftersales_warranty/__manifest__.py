# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "After-Sales Warranty",
    "summary": "Warranty terms, vehicle coverage, claims from intake to compensation, "
               "feedback to the manufacturer",
    "version": "11.0.1.0.0",
    "category": "Sales",
    "website": "https://github.com/aftersales-suite/aftersales",
    "author": "After-sales suite contributors",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["aftersales_followup"],
    "data": [],
    "demo": [],
}
