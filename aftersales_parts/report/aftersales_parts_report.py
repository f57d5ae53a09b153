# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models, tools


class AftersalesPartsReport(models.Model):
    """Parts service analysis (S12): one row per part requested, with the first-time fill
    rate (share of lines served from stock at the moment of the request, a standard
    dealer measure) and the age of back-orders (until the part arrived, or until now for
    those still waiting)."""
    _name = "aftersales.parts.report"
    _description = "Parts service analysis"
    _auto = False
    _order = "date_requested desc"
    _rec_name = "request_id"

    request_id = fields.Many2one("aftersales.parts.request", string="Request",
                                 readonly=True)
    date_requested = fields.Datetime(string="Requested on", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Warehouse", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Requested by", readonly=True)
    vehicle_model_id = fields.Many2one("product.product", string="Vehicle model",
                                       readonly=True)
    product_id = fields.Many2one("product.product", string="Part", readonly=True)
    categ_id = fields.Many2one("product.category", string="Part category", readonly=True)
    origin_kind = fields.Selection([
        ("claim", "Warranty claim"),
        ("service", "Service visit"),
        ("other", "Other"),
    ], string="Requested for", readonly=True)
    state = fields.Selection([
        ("available", "Available"),
        ("backorder", "Back-order"),
        ("done", "Issued"),
        ("cancelled", "Cancelled"),
    ], string="Line state", readonly=True)
    quantity = fields.Float(readonly=True)
    line_count = fields.Integer(string="Lines", readonly=True)
    served_count = fields.Integer(string="Served from stock", readonly=True)
    backorder_count = fields.Integer(string="Back-orders", readonly=True)
    fill_rate = fields.Float(
        string="First-time fill rate (%)", readonly=True, group_operator="avg",
        help="100 for a line served from stock when requested, 0 otherwise: averaged, "
             "the share of lines served at once.")
    backorder_age = fields.Float(
        string="Back-order age (days)", readonly=True, group_operator="avg",
        help="For a back-ordered line: days from the request until the part arrived, or "
             "until now while it waits.")

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE OR REPLACE VIEW aftersales_parts_report AS (
                SELECT l.id, l.request_id, r.date_requested, r.company_id, r.warehouse_id,
                       r.partner_id, r.user_id, r.vehicle_model_id, l.product_id,
                       pt.categ_id, r.origin_kind, l.state, l.quantity,
                       1 AS line_count,
                       CASE WHEN l.served_from_stock THEN 1 ELSE 0 END AS served_count,
                       CASE WHEN l.served_from_stock THEN 0 ELSE 1 END AS backorder_count,
                       CASE WHEN l.served_from_stock THEN 100.0 ELSE 0.0 END AS fill_rate,
                       CASE WHEN NOT COALESCE(l.served_from_stock, FALSE)
                            THEN EXTRACT(EPOCH FROM (
                                     COALESCE(l.date_available,
                                              now() AT TIME ZONE 'UTC')
                                     - r.date_requested)) / 86400.0
                       END AS backorder_age
                  FROM aftersales_parts_request_line l
                  JOIN aftersales_parts_request r ON r.id = l.request_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE r.date_requested IS NOT NULL
            )
        """)
