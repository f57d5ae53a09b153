# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    """A spare part (配件, S12): the maker's part number and the vehicle models it fits."""
    _inherit = "product.template"

    is_vehicle_part = fields.Boolean(
        string="Vehicle part", index=True,
        help="A spare part that service visits and warranty claims request from the parts "
             "stock.")
    oem_code = fields.Char(
        string="OEM code", index=True, copy=False,
        help="The manufacturer's part number; the part search finds parts by it.")
    vehicle_model_ids = fields.Many2many(
        "product.product", "product_template_aftersales_vehicle_model_rel",
        "template_id", "vehicle_model_id", string="Fits vehicle models",
        help="The vehicle models this part fits. Empty: a universal part (oil, bulbs...) "
             "that fits every model.")

    @api.constrains("is_vehicle_part", "type")
    def _check_vehicle_part_stockable(self):
        for template in self:
            if template.is_vehicle_part and template.type != "product":
                raise ValidationError(_(
                    "%s is a vehicle part: it must be a stockable product, so that its "
                    "availability, reservations and back-orders are tracked.")
                    % template.display_name)

    @api.constrains("vehicle_model_ids")
    def _check_vehicle_models(self):
        for template in self:
            if template.product_variant_ids & template.vehicle_model_ids:
                raise ValidationError(_("%s cannot be listed among the vehicle models it "
                                        "fits.") % template.display_name)

    @api.onchange("is_vehicle_part")
    def _onchange_is_vehicle_part(self):
        if self.is_vehicle_part:
            self.type = "product"

    def _aftersales_fits(self, vehicle_model):
        """Whether this part fits ``vehicle_model`` (a product.product): a part with no
        models listed fits all, and so does an unknown model."""
        self.ensure_one()
        return not vehicle_model or not self.vehicle_model_ids \
            or vehicle_model in self.vehicle_model_ids
