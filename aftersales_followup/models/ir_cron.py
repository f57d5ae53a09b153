# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, models
from odoo.exceptions import AccessError

# What an after-sales manager may change on the suite's scheduled actions: when and how
# often they run. What they run and as whom stay the administrator's (Settings >
# Technical): a scheduled action's code or user is a way to run anything as anyone.
AFTERSALES_CRON_TIMING_FIELDS = frozenset((
    "active", "interval_number", "interval_type", "nextcall", "numbercall", "priority",
    "doall"))


class IrCron(models.Model):
    """After-sales managers see the suite's scheduled actions under After-Sales >
    Configuration (access rights and a record rule limit them to those) and may change
    their timing only."""
    _inherit = "ir.cron"

    @api.multi
    def write(self, vals):
        if not self.env.user._is_system():
            other = set(vals) - AFTERSALES_CRON_TIMING_FIELDS
            if other:
                raise AccessError(_(
                    "Only an administrator can change what a scheduled action runs or as "
                    "whom (%s); after-sales managers change when it runs.")
                    % ", ".join(sorted(other)))
        return super(IrCron, self).write(vals)
