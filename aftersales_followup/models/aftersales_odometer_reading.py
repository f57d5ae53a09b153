# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class AftersalesOdometerReading(models.Model):
    """An odometer reading of a vehicle on a day: their history gives the vehicle's
    average kilometres per day, from which the next service is estimated. A wrong
    reading is never deleted: a manager archives it with the reason, and the corrected
    reading is recorded next to it (see aftersales.odometer.correction)."""
    _name = "aftersales.odometer.reading"
    _description = "Odometer reading"
    _inherit = ["aftersales.guarded.mixin"]
    _order = "date desc, id desc"
    # Where a reading came from is the suite's to say (a reading typed in is manual), and
    # so is a correction: only the correction wizard archives a reading, with its reason.
    _aftersales_guarded_fields = ("source", "active", "correction_reason",
                                  "corrected_by_id", "correction_id", "service_history_id")
    _aftersales_frozen_fields = ()

    vehicle_id = fields.Many2one("aftersales.vehicle", required=True, index=True,
                                 ondelete="cascade")
    date = fields.Date(required=True, index=True,
                       default=lambda self: self.env["res.company"]._aftersales_default_today())
    odometer = fields.Integer(string="Odometer (km)", required=True)
    source = fields.Selection([
        ("handover", "Handover"),
        ("service", "Service visit"),
        ("claim", "Warranty claim"),
        ("manual", "Manual"),
        ("correction", "Correction"),
        ("history", "Service history"),
    ], required=True, default="manual")
    service_history_id = fields.Many2one(
        "aftersales.service.history", string="Earlier visit", readonly=True, index=True,
        ondelete="cascade", help="The visit of the service history this reading was read at.")
    company_id = fields.Many2one(related="vehicle_id.company_id", store=True, readonly=True)
    active = fields.Boolean(default=True,
                            help="Archived when a manager corrected the reading as wrong.")
    correction_reason = fields.Text(
        string="Why it was corrected", readonly=True,
        help="Why a manager found this reading wrong.")
    corrected_by_id = fields.Many2one("res.users", string="Corrected by", readonly=True)
    correction_id = fields.Many2one(
        "aftersales.odometer.reading", string="Corrected reading", readonly=True,
        ondelete="set null", help="The reading recorded instead of this wrong one.")

    _sql_constraints = [
        ("odometer_positive", "CHECK(odometer >= 0)", "The odometer cannot be negative."),
    ]
