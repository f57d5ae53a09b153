# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from psycopg2 import sql

from odoo import _, api, fields, models


class AftersalesCall(models.Model):
    """A follow-up call can also follow a warranty claim closed: the customer is asked a
    few days later whether the vehicle runs well since the compensation."""
    _inherit = "aftersales.call"

    claim_id = fields.Many2one("aftersales.warranty.claim", string="Warranty claim",
                               index=True, ondelete="restrict", readonly=True)

    @api.model_cr
    def init(self):
        result = super(AftersalesCall, self).init()
        # The arbiter of idempotency: one call per rule and claim, whatever runs at once.
        # The claim comes first: the duplicate check probes by claim (see the order index
        # of aftersales_followup's aftersales.call for why the column order matters).
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_call_claim_rule_uniq
                ON aftersales_call (claim_id, rule_id)
             WHERE rule_id IS NOT NULL AND claim_id IS NOT NULL
        """)
        return result

    def _due_call_batch_generators(self):
        generators = super(AftersalesCall, self)._due_call_batch_generators()
        return generators + [self._generate_claim_closed_call_batch]

    def _generate_claim_closed_call_batch(self, now, batch_size, after=0):
        """Claims closed whose rule day has come and whose window is open: one follow-up
        call each, with its activity, set-based (see ``_insert_due_calls``); the partial
        unique index on (rule, claim) arbitrates, so that a second run or a concurrent
        worker adds nothing."""
        max_window = self.env["aftersales.followup.rule"].search(
            [("trigger", "=", "claim_closed")], order="window_days desc", limit=1).window_days
        if not max_window:
            return 0, 0, after
        # Only the claims whose window can still be open (index on date_closed); a day
        # of margin covers any time zone's offset from UTC.
        since = fields.Date.to_string(
            fields.Datetime.from_string(now).date() - timedelta(days=max_window + 1))
        due = sql.SQL("""
            SELECT wc.partner_id, wc.vehicle_id, wc.company_id, r.id AS rule_id,
                   wc.id AS link_id,
                   {officer} AS user_id,
                   NOT {may_phone} AS do_not_call,
                   p.name || ' - ' || wc.name AS name,
                   wc.date_closed + r.delay_days AS date_due,
                   wc.date_closed + r.window_days AS date_expiry
              FROM aftersales_warranty_claim wc
              JOIN aftersales_followup_rule r
                ON r.active AND r.trigger = 'claim_closed'
               AND (r.company_id IS NULL OR r.company_id = wc.company_id)
              JOIN res_partner p ON p.id = wc.partner_id
              {file_join}
              JOIN res_company c ON c.id = wc.company_id
             WHERE wc.state = 'closed' AND wc.id >= %(after)s
               AND wc.date_closed >= %(since)s
               AND wc.date_closed + r.delay_days <= {today}
               AND wc.date_closed + r.window_days >= {today}
               AND {class_filter}
               AND NOT EXISTS (SELECT 1 FROM aftersales_call ac
                                WHERE ac.claim_id = wc.id AND ac.rule_id = r.id)
             ORDER BY wc.id
             LIMIT %(limit)s
        """).format(class_filter=self._rule_class_filter_sql(),
                    today=self.env["res.company"]._aftersales_today_sql("wc.company_id", now),
                    **self._customer_sql())
        return self._insert_due_calls(
            due, {"since": since, "limit": batch_size, "after": after},
            "claim_id",
            "followup", _("Follow-up call after the warranty claim"))

    @api.model
    def _aftersales_guarded_names(self):
        # The claim behind the call is set by the suite when it creates the call.
        return super(AftersalesCall, self)._aftersales_guarded_names() | {"claim_id"}

    @api.model
    def _aftersales_company_link_names(self):
        return super(AftersalesCall, self)._aftersales_company_link_names() + ("claim_id",)
