# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

from psycopg2 import sql

from odoo import api, fields, models

from .aftersales_customer_class_rule import CRITERIA, OPERATORS

_logger = logging.getLogger(__name__)


class AftersalesCustomerClass(models.Model):
    """A class of customers (S3: VIP, regular, fleet...), so that service can be
    personalised per class."""
    _name = "aftersales.customer.class"
    _description = "After-sales customer class"
    _inherit = ["aftersales.guarded.mixin"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company",
        help="Leave empty to share the class between companies.")
    partner_count = fields.Integer(string="Number of customers", compute="_compute_partner_count")
    rule_ids = fields.One2many(
        "aftersales.customer.class.rule", "class_id", string="Conditions",
        help="A customer belongs to the first class (in sequence) whose conditions all "
             "hold; a class without conditions is only given by hand.")

    def _compute_partner_count(self):
        groups = self.env["res.partner"].read_group(
            [("aftersales_class_id", "in", self.ids)], ["aftersales_class_id"],
            ["aftersales_class_id"])
        counts = {g["aftersales_class_id"][0]: g["aftersales_class_id_count"] for g in groups}
        for record in self:
            record.partner_count = counts.get(record.id, 0)

    # ------------------------------------------------------------------ scheduled action

    @api.model
    def _cron_classify_customers(self, commit=False):
        result = self._classify_customers()
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return result

    @api.model
    def _classify_customers(self):
        """Re-classify every after-sales customer whose class is not pinned, set-based:
        one statement computes each customer's metrics and the first class whose
        conditions all hold, and updates only those whose class changes. Then a snapshot
        of the number of customers per class is kept for the trend report."""
        # sudo: every dealership's classes, each given to its own customers only.
        classes = self.sudo().search([("rule_ids", "!=", False)], order="sequence, id")
        criteria = {key for key, _label in CRITERIA}
        operators = {key for key, _label in OPERATORS}
        whens, params = [], []
        for klass in classes:
            conditions = []
            for rule in klass.rule_ids:
                if rule.criterion not in criteria or rule.operator not in operators:
                    continue
                conditions.append(sql.SQL("m.{} {} %s").format(
                    sql.Identifier(rule.criterion), sql.SQL(rule.operator)))
                params.append(rule.value)
            if conditions:
                # A dealership's class is given to that dealership's customers only; a
                # shared class (no company) to anyone.
                if klass.company_id:
                    conditions.append(sql.SQL("m.company_id = %s"))
                    params.append(klass.company_id.id)
                whens.append(sql.SQL("WHEN {} THEN %s").format(
                    sql.SQL(" AND ").join(conditions)))
                params.append(klass.id)
        # the visits in Odoo and in the service history brought in
        history = self.env["aftersales.service.history"]
        visits = history._aftersales_visits_sql()
        case = sql.SQL("CASE {} END").format(sql.SQL(" ").join(whens)) if whens \
            else sql.SQL("NULL::int")
        query = sql.SQL("""
            WITH m AS (
                SELECT p.id,
                       (SELECT count(*) FROM ({visits}) vi
                         WHERE vi.partner_id = p.id
                           AND vi.date_checkin >= now() - interval '12 months') AS visits_12m,
                       (SELECT COALESCE(sum(so.amount_untaxed), 0) FROM sale_order so
                         WHERE so.partner_id = p.id AND so.state IN ('sale', 'done')
                           AND so.date_order >= now() - interval '12 months')
                       + (SELECT COALESCE(sum(h.amount), 0) FROM aftersales_service_history h
                           WHERE h.partner_id = p.id
                             AND h.date_checkin >= now() - interval '12 months')
                           AS revenue_12m,
                       (SELECT count(*) FROM aftersales_vehicle v
                         WHERE v.partner_id = p.id AND v.active) AS vehicle_count,
                       (SELECT count(*) FROM aftersales_case c
                         WHERE c.partner_id = p.id AND c.kind = 'complaint' AND c.active
                           AND c.state NOT IN ('answered', 'informed')) AS complaints_open,
                       COALESCE(EXTRACT(YEAR FROM age(now(), COALESCE(
                           p.aftersales_last_visit_date, p.create_date))) * 12
                           + EXTRACT(MONTH FROM age(now(), COALESCE(
                           p.aftersales_last_visit_date, p.create_date))), 0)
                           AS months_since_visit,
                       CASE WHEN p.is_company THEN 1 ELSE 0 END AS is_company,
                       p.company_id
                  FROM res_partner p
                 WHERE p.aftersales_customer AND p.active
                   AND NOT COALESCE(p.aftersales_class_pinned, FALSE)
            ), target AS (
                SELECT m.id, {case} AS class_id, q.aftersales_class_id AS old_class_id
                  FROM m JOIN res_partner q ON q.id = m.id
            )
            UPDATE res_partner p SET aftersales_class_id = target.class_id,
                   write_date = now() AT TIME ZONE 'UTC'
              FROM target
             WHERE p.id = target.id
               AND p.aftersales_class_id IS DISTINCT FROM target.class_id
            RETURNING p.id, target.old_class_id, target.class_id
        """).format(case=case, visits=visits)
        self.env.cr.execute(query, params)
        rows = self.env.cr.fetchall()
        changed = len(rows)
        # The class is tracked on the customer file: each change shows in its chatter,
        # as the ORM's tracking would (set-based, see aftersales.bulk.trace).
        self.env["aftersales.bulk.trace"]._track(
            self.env["res.partner"], "aftersales_class_id", rows)
        # Returning customers: a visit in the last 12 months and at least one before it.
        self.env.cr.execute(sql.SQL("""
            WITH v AS (
                SELECT vi.partner_id,
                       count(*) FILTER (WHERE vi.date_checkin >= now() - interval '12 months')
                           AS recent,
                       count(*) AS total
                  FROM ({}) vi
                 GROUP BY vi.partner_id
            )
            UPDATE res_partner p
               SET aftersales_returning = CASE WHEN v.recent >= 1 AND v.total >= 2
                                               THEN 1 ELSE 0 END
              FROM res_partner q LEFT JOIN v ON v.partner_id = q.id
             WHERE p.id = q.id AND q.aftersales_customer
               AND p.aftersales_returning IS DISTINCT FROM
                   CASE WHEN v.recent >= 1 AND v.total >= 2 THEN 1 ELSE 0 END
        """).format(history._aftersales_visits_sql()))
        self.env["res.partner"].invalidate_cache(["aftersales_class_id",
                                                  "aftersales_returning"])
        self.env["aftersales.class.snapshot"]._take_snapshot()
        _logger.info("Customer classes: %d customers re-classified", changed)
        return changed
