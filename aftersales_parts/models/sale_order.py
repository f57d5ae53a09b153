# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    """The parts a service visit needs are requested from its order."""
    _inherit = "sale.order"

    aftersales_parts_request_ids = fields.One2many(
        "aftersales.parts.request", "sale_order_id", string="Parts requests")
    aftersales_parts_request_count = fields.Integer(
        compute="_compute_aftersales_parts_request_count")

    def _compute_aftersales_parts_request_count(self):
        groups = self.env["aftersales.parts.request"].read_group(
            [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["sale_order_id"])
        counts = {g["sale_order_id"][0]: g["sale_order_id_count"] for g in groups}
        for order in self:
            order.aftersales_parts_request_count = counts.get(order.id, 0)

    @api.multi
    def action_request_parts(self):
        """Open a new parts request for the service visit, with the parts on the order
        that no request holds yet."""
        self.ensure_one()
        if self.aftersales_kind != "service":
            raise UserError(_("%s is not a service visit: parts are requested for service "
                              "visits and warranty claims.") % self.name)
        requested = self.aftersales_parts_request_ids.filtered(
            lambda r: r.state != "cancelled").mapped("line_ids.product_id")
        lines = [(0, 0, {"product_id": line.product_id.id,
                         "quantity": line.product_uom_qty})
                 for line in self.order_line
                 if line.product_id.is_vehicle_part and line.product_id not in requested
                 and line.product_uom_qty > 0]
        vals = {
            "partner_id": self.partner_id.id,
            "vehicle_id": self.vehicle_id.id,
            "sale_order_id": self.id,
            "company_id": self.company_id.id,
            "line_ids": lines,
        }
        if self.warehouse_id:
            vals["warehouse_id"] = self.warehouse_id.id
        request = self.env["aftersales.parts.request"].create(vals)
        return request._aftersales_form_action()

    @api.multi
    def action_view_aftersales_parts_requests(self):
        self.ensure_one()
        action = self.env.ref("aftersales_parts.action_aftersales_parts_request").read()[0]
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {"default_sale_order_id": self.id,
                             "default_partner_id": self.partner_id.id,
                             "default_vehicle_id": self.vehicle_id.id,
                             "default_company_id": self.company_id.id}
        return action
