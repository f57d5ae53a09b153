# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

# Each criterion is a column of the metrics computed per customer by
# aftersales.customer.class._classify_customers (one SQL statement for all customers).
CRITERIA = [
    ("visits_12m", "Service visits in the last 12 months"),
    ("revenue_12m", "Revenue in the last 12 months"),
    ("vehicle_count", "Number of vehicles"),
    ("complaints_open", "Open complaints"),
    ("months_since_visit", "Months since the last visit"),
    ("is_company", "Business customer (1) or private (0)"),
]
OPERATORS = [(">=", "≥"), ("<=", "≤"), (">", ">"), ("<", "<"), ("=", "=")]


class AftersalesCustomerClassRule(models.Model):
    """One condition of a customer class (S3): a customer belongs to the first class, in
    sequence, all of whose conditions hold."""
    _name = "aftersales.customer.class.rule"
    _description = "Customer class condition"
    _order = "class_id, id"

    class_id = fields.Many2one("aftersales.customer.class", required=True,
                               ondelete="cascade", index=True)
    criterion = fields.Selection(CRITERIA, required=True)
    operator = fields.Selection(OPERATORS, required=True, default=">=")
    value = fields.Float(required=True, default=0.0)
    company_id = fields.Many2one(related="class_id.company_id", store=True, readonly=True,
                                 index=True)
