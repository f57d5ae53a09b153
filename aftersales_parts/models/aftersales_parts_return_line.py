# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import ValidationError


class AftersalesPartsReturnLine(models.Model):
    """One defective part going back to the manufacturer."""
    _name = "aftersales.parts.return.line"
    _description = "Defective parts return line"
    _order = "return_id, id"

    return_id = fields.Many2one("aftersales.parts.return", string="Return", required=True,
                                index=True, ondelete="cascade")
    company_id = fields.Many2one(related="return_id.company_id", store=True, readonly=True)
    claim_line_id = fields.Many2one(
        "aftersales.warranty.claim.line", string="Claim line", index=True,
        ondelete="set null")
    product_id = fields.Many2one(
        "product.product", string="Part", required=True, index=True, ondelete="restrict",
        domain="[('type', '=', 'product')]")
    oem_code = fields.Char(related="product_id.oem_code", readonly=True, string="OEM code")
    quantity = fields.Float(required=True, default=1.0,
                            digits=dp.get_precision("Product Unit of Measure"))
    move_ids = fields.One2many("stock.move", "aftersales_return_line_id", string="Moves",
                               readonly=True)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "The quantity must be positive."),
    ]

    @api.constrains("product_id")
    def _check_product_stockable(self):
        for line in self:
            if line.product_id.type != "product":
                raise ValidationError(_(
                    "%s is not a stockable product: only parts can be returned to the "
                    "manufacturer.") % line.product_id.display_name)

    @api.model
    def create(self, vals):
        self._aftersales_ensure_quantity_value(vals.get("quantity", 1.0))
        return super(AftersalesPartsReturnLine, self).create(vals)

    @api.multi
    def write(self, vals):
        if "quantity" in vals:
            self._aftersales_ensure_quantity_value(vals["quantity"])
        return super(AftersalesPartsReturnLine, self).write(vals)

    @api.model
    def _aftersales_ensure_quantity_value(self, quantity):
        # The one check of the quantity, in create and write (see the request line's).
        if (quantity or 0.0) <= 0:
            raise ValidationError(_(
                "The quantity of a returned part must be more than zero (not %s).")
                % (quantity or 0))
