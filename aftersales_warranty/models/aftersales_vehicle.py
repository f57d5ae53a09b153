# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

from dateutil.relativedelta import relativedelta
from psycopg2 import sql

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class AftersalesVehicle(models.Model):
    """The vehicle's warranty: the model's terms applied from the handover to its first
    owner, and the claims made under them."""
    _inherit = "aftersales.vehicle"

    warranty_end_date = fields.Date(
        string="Warranty until", compute="_compute_warranty", store=True, index=True,
        help="Last day covered: the handover date plus the model's warranty months.")
    warranty_km_limit = fields.Integer(
        string="Warranty limit (km)", compute="_compute_warranty", store=True,
        help="The model's mileage limit. 0: no mileage limit.")
    warranty_state = fields.Selection([
        ("none", "No warranty"),
        ("active", "Under warranty"),
        ("expired", "Warranty expired"),
    ], string="Warranty", compute="_compute_warranty", store=True, index=True,
        help="No warranty: no handover date or no terms on the model. Refreshed every day "
             "for the vehicles whose warranty ends.")
    claim_ids = fields.One2many(
        "aftersales.warranty.claim", "vehicle_id", string="Warranty claims",
        groups="aftersales_followup.group_aftersales_user")
    claim_count = fields.Integer(
        string="Number of warranty claims",
        compute="_compute_claim_count", groups="aftersales_followup.group_aftersales_user")

    @api.depends("handover_date", "product_id.product_tmpl_id.warranty_months",
                 "product_id.product_tmpl_id.warranty_km")
    def _compute_warranty(self):
        for vehicle in self:
            today = (vehicle.company_id or self.env.user.company_id)._aftersales_today()
            months = vehicle.product_id.warranty_months
            if not vehicle.handover_date or not months:
                vehicle.warranty_end_date = False
                vehicle.warranty_km_limit = 0
                vehicle.warranty_state = "none"
                continue
            end = fields.Date.to_string(
                fields.Date.from_string(vehicle.handover_date) + relativedelta(months=months))
            vehicle.warranty_end_date = end
            vehicle.warranty_km_limit = vehicle.product_id.warranty_km
            vehicle.warranty_state = "active" if end >= today else "expired"

    def _compute_claim_count(self):
        groups = self.env["aftersales.warranty.claim"].read_group(
            [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["vehicle_id"])
        counts = {g["vehicle_id"][0]: g["vehicle_id_count"] for g in groups}
        for vehicle in self:
            vehicle.claim_count = counts.get(vehicle.id, 0)

    @api.multi
    def action_view_claims(self):
        self.ensure_one()
        action = self.env.ref("aftersales_warranty.action_aftersales_warranty_claim").read()[0]
        action["domain"] = [("vehicle_id", "=", self.id)]
        action["context"] = {"default_vehicle_id": self.id,
                             "default_partner_id": self.partner_id.id}
        return action

    @api.model
    def _cron_expire_warranties(self, now=None):
        """Daily: the vehicles whose warranty ended yesterday (their dealership's
        yesterday at ``now``, naive UTC, default now) become expired. One UPDATE whatever
        the fleet's size (the state is stored so that it can be searched)."""
        self.env.cr.execute(sql.SQL("""
            UPDATE aftersales_vehicle v
               SET warranty_state = 'expired',
                   write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
             WHERE warranty_state = 'active' AND warranty_end_date < {today}
        """).format(today=self.env["res.company"]._aftersales_today_sql("v.company_id", now)),
            (self.env.uid,))
        count = self.env.cr.rowcount
        self.invalidate_cache(["warranty_state"])
        _logger.info("Warranties expired today: %d vehicles", count)
        return count
