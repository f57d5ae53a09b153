# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class StockMove(models.Model):
    """A move of a parts request line or of a defective-part return."""
    _inherit = "stock.move"

    aftersales_parts_line_id = fields.Many2one(
        "aftersales.parts.request.line", string="Parts request line", index=True,
        ondelete="set null", readonly=True)
    aftersales_return_line_id = fields.Many2one(
        "aftersales.parts.return.line", string="Parts return line", index=True,
        ondelete="set null", readonly=True)

    @api.model
    def _prepare_merge_moves_distinct_fields(self):
        # Two lines of a request asking for the same part stay two moves: each line
        # keeps its own reservation, fill rate and back-order.
        distinct_fields = super(StockMove, self)._prepare_merge_moves_distinct_fields()
        return distinct_fields + ["aftersales_parts_line_id", "aftersales_return_line_id"]

    @api.model
    def _prepare_merge_move_sort_method(self, move):
        keys_sorted = super(StockMove, self)._prepare_merge_move_sort_method(move)
        return keys_sorted + [move.aftersales_parts_line_id.id,
                              move.aftersales_return_line_id.id]

    def _action_assign(self):
        """Whatever reserves parts (a receipt arriving, "Check availability", the
        scheduler) brings the requests up to date and announces the parts that came in."""
        result = super(StockMove, self)._action_assign()
        requests = self.mapped("aftersales_parts_line_id.request_id")
        if requests:
            requests._aftersales_after_reservation()
        return result
