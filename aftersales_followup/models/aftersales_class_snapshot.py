# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import sql

from odoo import api, fields, models


class AftersalesClassSnapshot(models.Model):
    """How many customers each class had on a day: the "customers by class over time"
    report, written by the classification scheduled action."""
    _name = "aftersales.class.snapshot"
    _description = "Customers per class on a day"
    _order = "date desc, class_id"

    date = fields.Date(required=True, index=True, readonly=True)
    class_id = fields.Many2one("aftersales.customer.class", string="Class", readonly=True,
                               ondelete="cascade")
    company_id = fields.Many2one("res.company", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    returning_count = fields.Integer(
        string="Returning customers", readonly=True,
        help="Customers with a service visit in the last 12 months and at least one before.")

    @api.model
    def _take_snapshot(self):
        """Replace today's figures (each dealership's today) with one INSERT ... SELECT
        grouped by class."""
        Company = self.env["res.company"]
        cr = self.env.cr
        cr.execute(sql.SQL("DELETE FROM aftersales_class_snapshot s WHERE s.date = {}").format(
            Company._aftersales_today_sql("s.company_id")))
        insert = sql.SQL("""
            INSERT INTO aftersales_class_snapshot (
                date, class_id, company_id, customer_count, returning_count,
                create_uid, create_date, write_uid, write_date)
            SELECT {today}, p.aftersales_class_id, p.company_id, count(*),
                   count(*) FILTER (WHERE p.aftersales_returning = 1),
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM res_partner p
             WHERE p.aftersales_customer AND p.active
             GROUP BY p.aftersales_class_id, p.company_id
        """).format(today=Company._aftersales_today_sql("p.company_id"))
        cr.execute(insert, {"uid": self.env.uid})
        self.invalidate_cache()
