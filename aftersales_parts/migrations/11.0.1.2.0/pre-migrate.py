# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""11.0.1.2.0: the demo records' XML ids carry the ``_demo`` suffix (OCA's convention); a
database installed with the demo before keeps its records under their new names (the
records Odoo made for their parents, ``*_res_partner`` and ``*_product_template``, too)."""
from odoo.addons.aftersales_followup.upgrade import rename_xmlids

RENAMED = {
    "demo_inventory_line_brake_pads": "inventory_line_brake_pads_demo",
    "demo_inventory_line_oil_filter": "inventory_line_oil_filter_demo",
    "demo_inventory_parts": "inventory_parts_demo",
    "demo_orderpoint_headlamp": "orderpoint_headlamp_demo",
    "demo_part_brake_pads": "part_brake_pads_demo",
    "demo_part_headlamp": "part_headlamp_demo",
    "demo_part_oil_filter": "part_oil_filter_demo",
    "demo_parts_manufacturer": "parts_manufacturer_demo",
    "demo_parts_request_backorder": "parts_request_backorder_demo",
    "demo_parts_request_backorder_line_1": "parts_request_backorder_line_1_demo",
    "demo_parts_request_served": "parts_request_served_demo",
    "demo_parts_request_served_line_1": "parts_request_served_line_1_demo",
    "demo_parts_request_served_line_2": "parts_request_served_line_2_demo",
    "demo_service_visit_brake_pads": "service_visit_brake_pads_demo",
    "demo_service_visit_brake_pads_labour": "service_visit_brake_pads_labour_demo",
    "demo_service_visit_brake_pads_part": "service_visit_brake_pads_part_demo",
    "demo_supplierinfo_brake_pads": "supplierinfo_brake_pads_demo",
    "demo_supplierinfo_headlamp": "supplierinfo_headlamp_demo",
    "demo_supplierinfo_oil_filter": "supplierinfo_oil_filter_demo",
    "user_parts_clerk": "user_parts_clerk_demo",
}


def migrate(cr, version):
    if not version:
        return
    rename_xmlids(cr, "aftersales_parts", RENAMED)
