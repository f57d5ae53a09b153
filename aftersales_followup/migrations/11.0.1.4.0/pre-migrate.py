# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""11.0.1.4.0: the caller lookup compares phone keys (aftersales_followup/phone.py).
The two columns are created and filled here, in one UPDATE through the rule's SQL twin,
before the module loads: Odoo then finds them and does not compute them in Python,
partner by partner (an hour at a dealer group's million customers)."""
from odoo.addons.aftersales_followup.phone import create_sql_function


def migrate(cr, version):
    if not version:
        return
    create_sql_function(cr)
    cr.execute("""
        ALTER TABLE res_partner ADD COLUMN IF NOT EXISTS aftersales_phone_key varchar,
                                ADD COLUMN IF NOT EXISTS aftersales_mobile_key varchar
    """)
    cr.execute("""
        UPDATE res_partner
           SET aftersales_phone_key = aftersales_phone_key(phone),
               aftersales_mobile_key = aftersales_phone_key(mobile)
         WHERE phone IS NOT NULL OR mobile IS NOT NULL
    """)
