# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


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

    @api.multi
    def action_submit(self):
        """Submitting the claim requests its parts too (a draft parts request for the
        workshop to confirm): the repair does not wait for someone to press a button."""
        result = super(AftersalesWarrantyClaim, self).action_submit()
        for claim in self:
            # A part the request refuses (one that does not fit the vehicle...) does not
            # hold up the claim: the chatter says why, and the button requests it later.
            try:
                with self.env.cr.savepoint():
                    request = claim._aftersales_request_missing_parts()
            except (UserError, ValidationError) as error:
                claim.message_post(body=_("The parts could not be requested on "
                                          "submission: %s") % error.name)
                continue
            if request:
                claim.message_post(body=_(
                    "Parts requested on submission: %s.") % request.name)
        return result

    @api.multi
    def action_request_parts(self):
        """Open the parts request of the claim's parts not requested yet; when every
        part already is (e.g. on submission), open the claim's latest request."""
        self.ensure_one()
        if self.state in ("rejected", "closed"):
            raise UserError(_("%s is closed or rejected: no parts are needed for it.")
                            % self.name)
        request = self._aftersales_request_missing_parts(with_env=True)
        if not request:
            request = self.parts_request_ids.filtered(
                lambda r: r.state != "cancelled").sorted("id")[-1:]
        if not request:
            request = self._aftersales_create_parts_request([])
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

    def _aftersales_missing_parts(self):
        """[(product, quantity)] of the claim's stockable parts that no parts request
        of the claim (not cancelled) covers yet."""
        self.ensure_one()
        requested = {}
        # sudo: only quantities are compared; whoever submits the claim may have no
        # right on the parts requests.
        for line in self.sudo().parts_request_ids.filtered(
                lambda r: r.state != "cancelled").mapped("line_ids").filtered(
                    lambda ln: ln.state != "cancelled"):
            requested[line.product_id] = requested.get(line.product_id, 0.0) + line.quantity
        missing = []
        for line in self.line_ids.filtered(
                lambda ln: ln.product_id.type == "product" and ln.quantity > 0):
            covered = min(requested.get(line.product_id, 0.0), line.quantity)
            requested[line.product_id] = requested.get(line.product_id, 0.0) - covered
            if line.quantity - covered > 0:
                missing.append((line.product_id, line.quantity - covered))
        return missing

    def _aftersales_request_missing_parts(self, with_env=False):
        """A parts request (draft) for the parts the claim still needs, or an empty
        recordset when every part is requested: idempotent, so that the submission and
        the button never request a part twice."""
        self.ensure_one()
        missing = self._aftersales_missing_parts()
        if not missing:
            return self.env["aftersales.parts.request"]
        lines = [(0, 0, {"product_id": product.id, "quantity": quantity})
                 for product, quantity in missing]
        if with_env:
            return self._aftersales_create_parts_request(lines)
        # sudo: the submission requests the claim's own parts for the claim's customer
        # and vehicle, nothing a client chose; the submitter may have no parts rights.
        request = self.env["aftersales.parts.request"].sudo().create(
            self._aftersales_parts_request_values(lines))
        return request.with_env(self.env)

    def _aftersales_parts_request_values(self, lines):
        return {
            "partner_id": self.partner_id.id,
            "vehicle_id": self.vehicle_id.id,
            "claim_id": self.id,
            "sale_order_id": self.sale_order_id.id,
            "company_id": self.company_id.id,
            "line_ids": lines,
        }

    def _aftersales_create_parts_request(self, lines):
        """A parts request created by the user who presses the button (their rights)."""
        return self.env["aftersales.parts.request"].create(
            self._aftersales_parts_request_values(lines))

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
