# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class ResUsers(models.Model):
    """The parts clerk lands on the parts requests."""
    _inherit = "res.users"

    def _aftersales_home_action(self):
        action = super(ResUsers, self)._aftersales_home_action()
        # a warehouse user outside the after-sales desk: the parts counter
        if not action and self.sudo(self.id).has_group("stock.group_stock_user"):
            return self.env.ref("aftersales_parts.action_aftersales_parts_request")
        return action
