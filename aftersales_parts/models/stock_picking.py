# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class StockPicking(models.Model):
    """The parts request's transfer to the workshop, a defective-part return, and the
    incoming receipts that bring back-ordered parts."""
    _inherit = "stock.picking"

    aftersales_parts_request_id = fields.Many2one(
        "aftersales.parts.request", string="Parts request", index=True, readonly=True,
        ondelete="set null")
    aftersales_parts_return_id = fields.Many2one(
        "aftersales.parts.return", string="Parts return", index=True, readonly=True,
        ondelete="set null")

    def action_done(self):
        result = super(StockPicking, self).action_done()
        done = self.filtered(lambda p: p.state == "done")
        done._aftersales_reserve_arrived_parts()
        requests = done.mapped("aftersales_parts_request_id")
        if requests:
            requests._aftersales_sync_state()
        returns = done.mapped("aftersales_parts_return_id")
        if returns:
            returns._aftersales_sync_state()
        return result

    @api.multi
    def action_cancel(self):
        """A request's transfer cancelled in the warehouse cancels what it held."""
        result = super(StockPicking, self).action_cancel()
        requests = self.mapped("aftersales_parts_request_id").filtered(
            lambda r: r.state not in ("draft", "cancelled"))
        if requests:
            requests._aftersales_sync_state()
        return result

    def _aftersales_reserve_arrived_parts(self):
        """A receipt came in: reserve its parts for the requests waiting for them, oldest
        request first. One query per receipt finds the waiting request lines of its
        products in the stock it was received into; the reservation (Odoo's own) then
        updates the requests and announces the arrivals (see stock.move._action_assign).
        """
        receipts = self.filtered(lambda p: p.picking_type_code == "incoming"
                                 and p.location_dest_id.usage == "internal")
        if not receipts:
            return
        move_model = self.env["stock.move"]
        cr = self.env.cr
        for receipt in receipts:
            cr.execute("""
                SELECT m.id
                  FROM stock_move m
                  JOIN aftersales_parts_request_line l ON l.id = m.aftersales_parts_line_id
                  JOIN aftersales_parts_request r ON r.id = l.request_id
                  JOIN stock_location src ON src.id = m.location_id
                  JOIN stock_location dest ON dest.id = %(dest)s
                 WHERE l.state = 'backorder'
                   AND m.state IN ('confirmed', 'partially_available')
                   AND m.product_id IN (SELECT product_id FROM stock_move
                                         WHERE picking_id = %(receipt)s AND state = 'done')
                   AND dest.parent_left >= src.parent_left
                   AND dest.parent_left < src.parent_right
                 ORDER BY r.date_requested, r.id, l.sequence, l.id
            """, {"receipt": receipt.id, "dest": receipt.location_dest_id.id})
            move_ids = [row[0] for row in cr.fetchall()]
            if move_ids:
                # sudo: whoever validates the receipt (a warehouse clerk) reserves the
                # arrived parts for the waiting requests, as the scheduler would; only the
                # moves of the waiting requests found above are touched.
                move_model.sudo().browse(move_ids)._action_assign()
