# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import UserError, ValidationError

from .aftersales_warranty_claim import DECIDED_STATES


class AftersalesWarrantyClaimLine(models.Model):
    """A part or a labour item claimed under warranty. A part with its own warranty terms
    (a battery, tyres...) is judged against them; any other line follows the vehicle's
    coverage."""
    _name = "aftersales.warranty.claim.line"
    _description = "Warranty claim line"
    _order = "claim_id, sequence, id"

    claim_id = fields.Many2one("aftersales.warranty.claim", string="Claim", required=True,
                               index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", string="Part or labour", required=True,
                                 index=True)
    name = fields.Char(string="Description")
    is_part = fields.Boolean(string="Is a part", compute="_compute_is_part", store=True,
                             help="A part (not a labour or service item).")
    quantity = fields.Float(default=1.0, required=True,
                            digits=dp.get_precision("Product Unit of Measure"))
    price_unit = fields.Monetary(string="Unit price", required=True, default=0.0)
    subtotal = fields.Monetary(compute="_compute_subtotal", store=True)
    coverage = fields.Selection([
        ("covered", "Covered"),
        ("not_covered", "Not covered"),
    ], compute="_compute_coverage", store=True, index=True)
    coverage_reason = fields.Char(string="Coverage reason", compute="_compute_coverage_reason")
    # Copied from the claim (stored) so that claimed parts can be analysed by model,
    # cause and month.
    currency_id = fields.Many2one(related="claim_id.currency_id", readonly=True)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, readonly=True,
                                 index=True)
    state = fields.Selection(related="claim_id.state", store=True, readonly=True)
    cause = fields.Selection(related="claim_id.cause", store=True, readonly=True)
    vehicle_model_id = fields.Many2one(related="claim_id.vehicle_model_id", store=True,
                                       readonly=True, string="Vehicle model")
    date_claim = fields.Date(related="claim_id.date_claim", store=True, readonly=True,
                             string="Claimed on")

    @api.depends("product_id.type")
    def _compute_is_part(self):
        for line in self:
            line.is_part = bool(line.product_id) and line.product_id.type != "service"

    @api.depends("quantity", "price_unit")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.currency_id.round(line.quantity * line.price_unit) \
                if line.currency_id else line.quantity * line.price_unit

    @api.depends("product_id.product_tmpl_id.warranty_months",
                 "product_id.product_tmpl_id.warranty_km", "product_id.type",
                 "claim_id.coverage", "claim_id.date_failure", "claim_id.odometer",
                 "claim_id.vehicle_id.handover_date")
    def _compute_coverage(self):
        for line in self:
            line.coverage = line._coverage_verdict()[0]

    @api.depends("product_id", "claim_id.coverage", "claim_id.date_failure",
                 "claim_id.odometer")
    def _compute_coverage_reason(self):
        # Not stored: always explained in the reader's language.
        for line in self:
            line.coverage_reason = line._coverage_verdict()[1]

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id:
            self.name = self.product_id.display_name
            self.price_unit = self.product_id.lst_price

    @api.constrains("quantity", "price_unit")
    def _check_amounts(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(_("The quantity of %s must be positive.")
                                      % line.product_id.display_name)
            if line.price_unit < 0:
                raise ValidationError(_("The unit price of %s cannot be negative.")
                                      % line.product_id.display_name)

    @api.model
    def create(self, vals):
        claim = self.env["aftersales.warranty.claim"].browse(vals.get("claim_id"))
        if claim.state in DECIDED_STATES:
            raise UserError(_("%s is decided: its parts and labour can no longer change.")
                            % claim.name)
        if not vals.get("name") and vals.get("product_id"):
            vals["name"] = self.env["product.product"].browse(
                vals["product_id"]).display_name
        return super(AftersalesWarrantyClaimLine, self).create(vals)

    @api.multi
    def write(self, vals):
        self._aftersales_ensure_claim_open()
        return super(AftersalesWarrantyClaimLine, self).write(vals)

    @api.multi
    def unlink(self):
        self._aftersales_ensure_claim_open()
        return super(AftersalesWarrantyClaimLine, self).unlink()

    def _coverage_verdict(self):
        """(coverage, reason): a part with its own terms against them, from the vehicle's
        handover; any other line as the claim."""
        self.ensure_one()
        claim = self.claim_id
        product = self.product_id
        if not self.is_part or not product.warranty_months:
            return claim._coverage_verdict()
        if not claim.date_failure:
            return False, ""
        if not claim.vehicle_id.handover_date:
            return "not_covered", _(
                "The vehicle has no handover date: the warranty start is unknown.")
        covered, reason = claim._warranty_verdict(
            claim.vehicle_id.handover_date, product.warranty_months, product.warranty_km,
            claim.date_failure, claim.odometer)
        return ("covered" if covered else "not_covered"), _("Part: %s") % reason

    def _aftersales_ensure_claim_open(self):
        for claim in self.mapped("claim_id"):
            if claim.state in DECIDED_STATES:
                raise UserError(_("%s is decided: its parts and labour can no longer "
                                  "change.") % claim.name)
