# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models
from odoo.osv import expression


class ProductProduct(models.Model):
    """The part search: by name, internal reference or the maker's OEM code, with the
    parts that fit the vehicle at hand first."""
    _inherit = "product.product"

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        args = list(args or [])
        vehicle_model = self._aftersales_context_vehicle_model()
        if not name and not vehicle_model:
            return super(ProductProduct, self).name_search(name, args, operator, limit)
        found = []
        if vehicle_model:
            # Fitting parts first: those listing the model, and universal parts.
            fitting = expression.AND([args, [
                "|", ("vehicle_model_ids", "in", vehicle_model.ids),
                "&", ("vehicle_model_ids", "=", False), ("is_vehicle_part", "=", True)]])
            found = self._aftersales_search_by_name_or_oem(name, fitting, operator, limit)
        if not limit or len(found) < limit:
            rest = args + [("id", "not in", [pid for pid, _name in found])] if found else args
            found += self._aftersales_search_by_name_or_oem(
                name, rest, operator, limit and limit - len(found))
        return found

    def _aftersales_search_by_name_or_oem(self, name, args, operator, limit):
        """Odoo's own name search, completed by the parts whose OEM code matches."""
        found = super(ProductProduct, self).name_search(name, args, operator, limit)
        if name and operator in ("ilike", "like", "=", "=like", "=ilike") \
                and (not limit or len(found) < limit):
            domain = args + [("oem_code", operator, name)]
            if found:
                domain.append(("id", "not in", [pid for pid, _name in found]))
            by_oem = self.search(domain, limit=limit and limit - len(found))
            found += by_oem.name_get()
        return found

    def _aftersales_context_vehicle_model(self):
        """The vehicle model the context asks parts for (from a request's vehicle)."""
        context = self.env.context
        if context.get("aftersales_vehicle_model_id"):
            return self.browse(context["aftersales_vehicle_model_id"]).exists()
        if context.get("aftersales_vehicle_id"):
            vehicle = self.env["aftersales.vehicle"].browse(
                context["aftersales_vehicle_id"]).exists()
            return vehicle.product_id
        return self.browse()
