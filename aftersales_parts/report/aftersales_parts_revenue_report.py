# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models, tools


class AftersalesPartsRevenueReport(models.Model):
    """Parts revenue (S12: parts are a major business): the parts sold on confirmed
    orders, by the model of the vehicle they were sold for, part, customer and month."""
    _name = "aftersales.parts.revenue.report"
    _description = "Parts revenue analysis"
    _auto = False
    _order = "date_order desc"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    date_order = fields.Datetime(string="Order date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    aftersales_kind = fields.Selection([
        ("vehicle", "Vehicle sale"),
        ("service", "Service visit"),
    ], string="After-sales kind", readonly=True)
    vehicle_model_id = fields.Many2one("product.product", string="Vehicle model",
                                       readonly=True)
    product_id = fields.Many2one("product.product", string="Part", readonly=True)
    categ_id = fields.Many2one("product.category", string="Part category", readonly=True)
    quantity = fields.Float(readonly=True)
    amount_untaxed = fields.Monetary(string="Revenue (untaxed)", readonly=True)

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE OR REPLACE VIEW aftersales_parts_revenue_report AS (
                SELECT sol.id, sol.order_id, so.date_order, so.company_id,
                       c.currency_id, so.partner_id, so.user_id, so.aftersales_kind,
                       v.product_id AS vehicle_model_id, sol.product_id, pt.categ_id,
                       sol.product_uom_qty AS quantity,
                       sol.price_subtotal AS amount_untaxed
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_company c ON c.id = so.company_id
                  JOIN product_product pp ON pp.id = sol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  LEFT JOIN aftersales_vehicle v ON v.id = so.vehicle_id
                 WHERE so.state IN ('sale', 'done')
                   AND pt.is_vehicle_part
            )
        """)
