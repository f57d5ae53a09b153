# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""11.0.1.2.0: the demo records' XML ids carry the ``_demo`` suffix (OCA's convention); a
database installed with the demo before keeps its records under their new names (the
records Odoo made for their parents, ``*_res_partner`` and ``*_product_template``, too)."""
from odoo.addons.aftersales_followup.upgrade import rename_xmlids

RENAMED = {
    "claim_demo_assessment": "claim_assessment_demo",
    "claim_demo_closed": "claim_closed_demo",
    "claim_demo_compensated": "claim_compensated_demo",
    "claim_demo_draft": "claim_draft_demo",
    "claim_demo_goodwill": "claim_goodwill_demo",
    "claim_demo_rejected": "claim_rejected_demo",
    "claim_demo_submitted": "claim_submitted_demo",
    "feedback_demo_sent": "feedback_sent_demo",
    "partner_demo_manufacturer": "partner_manufacturer_demo",
    "product_demo_labour": "product_labour_demo",
    "product_demo_part_battery": "product_part_battery_demo",
    "product_demo_part_water_pump": "product_part_water_pump_demo",
    "product_demo_part_window_motor": "product_part_window_motor_demo",
}


def migrate(cr, version):
    if not version:
        return
    rename_xmlids(cr, "aftersales_warranty", RENAMED)
