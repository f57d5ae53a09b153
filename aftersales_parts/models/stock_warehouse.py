# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, fields, models


class StockWarehouse(models.Model):
    """The parts stock of a dealership is its warehouse's stock location; parts requested
    for a vehicle are moved from there to the warehouse's workshop."""
    _inherit = "stock.warehouse"

    aftersales_workshop_location_id = fields.Many2one(
        "stock.location", string="Workshop location",
        domain="[('usage', '=', 'internal')]",
        help="Where the parts requested for service visits and warranty claims are "
             "issued to. Outside the stock location, so that parts set aside for a vehicle "
             "are not reserved again for another one.")
    aftersales_workshop_route_id = fields.Many2one(
        "stock.location.route", string="Parts fitted from the workshop", readonly=True,
        help="Delivers the parts of a service visit from the workshop, where its parts "
             "request put them, instead of a second time from the parts stock.")

    def _aftersales_workshop_location(self):
        """The workshop location, created under the warehouse on first use (for a
        warehouse made after this addon was installed)."""
        self.ensure_one()
        if not self.aftersales_workshop_location_id:
            # sudo: a stock configuration step any parts request may need; it only adds an
            # internal location under this warehouse's own view location and links it.
            warehouse = self.sudo()
            location = self.env["stock.location"].sudo().create({
                "name": _("Workshop"),
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
                "company_id": warehouse.company_id.id,
            })
            warehouse.aftersales_workshop_location_id = location
        return self.aftersales_workshop_location_id

    def _aftersales_buy_route(self):
        """The warehouse's buy route (from the purchase addon), if it buys to resupply."""
        self.ensure_one()
        return self.buy_pull_id.route_id

    def _aftersales_workshop_route(self):
        """The route of a service visit's parts: delivered from the workshop, where the
        visit's parts request issues them, to the customer whose car they are fitted on.
        Created on first use; not offered on products or orders, only service visits
        take it."""
        self.ensure_one()
        if not self.aftersales_workshop_route_id:
            # sudo: a stock configuration step any service visit may need; it only adds a
            # route with one rule between this warehouse's own workshop and the customers
            # location, used by the service visits of this warehouse.
            warehouse = self.sudo()
            workshop = warehouse._aftersales_workshop_location()
            route = self.env["stock.location.route"].sudo().create({
                "name": _("%s: parts fitted from the workshop") % warehouse.name,
                "sequence": 1000,
                "product_selectable": False,
                "product_categ_selectable": False,
                "warehouse_selectable": False,
                "sale_selectable": False,
                "company_id": warehouse.company_id.id,
                "pull_ids": [(0, 0, {
                    "name": _("%s: workshop to customer") % warehouse.name,
                    "action": "move",
                    "location_src_id": workshop.id,
                    "location_id": self.env.ref("stock.stock_location_customers").id,
                    "picking_type_id": warehouse.out_type_id.id,
                    "procure_method": "make_to_stock",
                    "warehouse_id": warehouse.id,
                    "company_id": warehouse.company_id.id,
                })],
            })
            warehouse.aftersales_workshop_route_id = route
        return self.aftersales_workshop_route_id
