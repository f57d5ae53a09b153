# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AftersalesWarrantyClaim(models.Model):
    """A warranty claim requests the parts its repair needs; approved for replacement,
    its defective parts go back to the manufacturer."""
    _inherit = "aftersales.warranty.claim"

    parts_request_ids = fields.One2many("aftersales.parts.request", "claim_id",
                                        string="Parts requests")
    parts_return_ids = fields.One2many("aftersales.parts.return", "claim_id",
                                       string="Parts returns")
    parts_request_count = fields.Integer(
        string="Number of parts requests", compute="_compute_parts_counts")
    parts_return_count = fields.Integer(
        string="Number of parts returns", compute="_compute_parts_counts")

    def _compute_parts_counts(self):
        for claim in self:
            claim.parts_request_count = len(claim.parts_request_ids)
            claim.parts_return_count = len(claim.parts_return_ids)

    @api.multi
    def action_approve(self):
        result = super(AftersalesWarrantyClaim, self).action_approve()
        self.filtered(lambda c: c.compensation_kind == "replace")._create_parts_returns()
        return result

    def _add_compensation_order_lines(self):
        """The parts already requested for the claim are the service visit's: the visit
        delivers them from the workshop rather than requesting them again."""
        requests = self.parts_request_ids.filtered(
            lambda r: r.state != "cancelled" and not r.sale_order_id)
        if self.sale_order_id:
            requests._aftersales_trusted().write({"sale_order_id": self.sale_order_id.id})
        order, charged = super(AftersalesWarrantyClaim, self)._add_compensation_order_lines()
        requests.filtered(lambda r: not r.sale_order_id)._aftersales_trusted().write(
            {"sale_order_id": order.id})
        order._aftersales_chain_parts_to_delivery()
        return order, charged

    @api.multi
    def action_request_parts(self):
        """Open a new parts request with the claim's parts."""
        self.ensure_one()
        if self.state in ("rejected", "closed"):
            raise UserError(_("%s is closed or rejected: no parts are needed for it.")
                            % self.name)
        lines = [(0, 0, {"product_id": line.product_id.id, "quantity": line.quantity})
                 for line in self.line_ids
                 if line.product_id.type == "product" and line.quantity > 0]
        request = self.env["aftersales.parts.request"].create({
            "partner_id": self.partner_id.id,
            "vehicle_id": self.vehicle_id.id,
            "claim_id": self.id,
            "sale_order_id": self.sale_order_id.id,
            "company_id": self.company_id.id,
            "line_ids": lines,
        })
        return request._aftersales_form_action()

    @api.multi
    def action_create_parts_return(self):
        """Prepare the return of the defective parts by hand (e.g. after a cancelled
        one)."""
        self.ensure_one()
        returns = self._create_parts_returns(raise_if_empty=True)
        action = self.env.ref("aftersales_parts.action_aftersales_parts_return").read()[0]
        action["views"] = [(False, "form")]
        action["res_id"] = returns.id
        return action

    @api.multi
    def action_view_parts_requests(self):
        self.ensure_one()
        action = self.env.ref("aftersales_parts.action_aftersales_parts_request").read()[0]
        action["domain"] = [("claim_id", "=", self.id)]
        action["context"] = {"default_claim_id": self.id,
                             "default_partner_id": self.partner_id.id,
                             "default_vehicle_id": self.vehicle_id.id}
        return action

    @api.multi
    def action_view_parts_returns(self):
        self.ensure_one()
        action = self.env.ref("aftersales_parts.action_aftersales_parts_return").read()[0]
        action["domain"] = [("claim_id", "=", self.id)]
        action["context"] = {"default_claim_id": self.id}
        return action

    def _create_parts_returns(self, raise_if_empty=False):
        """One return of the claimed parts per claim approved for replacement that has
        no open return, ready to ship to the manufacturer. Returns the returns made."""
        returns = self.env["aftersales.parts.return"]
        for claim in self:
            returns._aftersales_ensure_claim_value(claim)
            if claim.parts_return_ids.filtered(lambda r: r.state != "cancelled"):
                if raise_if_empty:
                    raise UserError(_("%s already has a parts return.") % claim.name)
                continue
            parts = claim.line_ids.filtered(
                lambda ln: ln.product_id.type == "product" and ln.quantity > 0)
            problem = None
            if not parts:
                problem = _("%s claims no stockable part: there is nothing to return to "
                            "the manufacturer.") % claim.name
            elif not claim.manufacturer_id:
                problem = _("%s has no manufacturer: set it to return the defective "
                            "parts.") % claim.name
            if problem:
                if raise_if_empty:
                    raise UserError(problem)
                claim.message_post(body=problem)
                continue
            parts_return = returns.create({
                "claim_id": claim.id,
                "manufacturer_id": claim.manufacturer_id.id,
                "company_id": claim.company_id.id,
                "warehouse_id": self.env["stock.warehouse"].search(
                    [("company_id", "=", claim.company_id.id)], limit=1).id,
                "line_ids": [(0, 0, {"claim_line_id": line.id,
                                     "product_id": line.product_id.id,
                                     "quantity": line.quantity}) for line in parts],
            })
            parts_return.action_confirm()
            claim.message_post(body=_(
                "The defective parts go back to %(maker)s: return %(return)s.") % {
                    "maker": claim.manufacturer_id.name, "return": parts_return.name})
            returns |= parts_return
        return returns
