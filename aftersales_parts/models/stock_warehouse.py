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
