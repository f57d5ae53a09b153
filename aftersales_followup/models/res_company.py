# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_default_user_id = fields.Many2one(
        "res.users", string="Default follow-up officer",
        help="Officer given to a new after-sales customer who has none yet (S4).")
    aftersales_supervisor_id = fields.Many2one(
        "res.users", string="After-sales supervisor",
        help="Business supervisor who receives escalated cases and unhappy-customer alerts.")
    # The service appointment book (issue 19): the workshop's hours and capacity.
    aftersales_workshop_calendar_id = fields.Many2one(
        "resource.calendar", string="Workshop hours",
        help="Days and hours the workshop takes appointments, with its public holidays and "
             "closures. Empty: the company's working hours.")
    aftersales_service_bays = fields.Integer(
        string="Service bays", default=4,
        help="How many vehicles the workshop takes at the same time (0: no limit).")
    aftersales_daily_appointments = fields.Integer(
        string="Appointments per day", default=0,
        help="How many appointments the workshop takes in a day (0: no limit).")
    aftersales_appointment_duration = fields.Float(
        string="Appointment duration (hours)", default=1.0,
        help="Default length of a service appointment.")
    aftersales_appointment_product_id = fields.Many2one(
        "product.product", string="Booked service product",
        domain="[('type', '=', 'service')]",
        help="The product of the line each booked need gets on the service visit at "
             "check-in. Empty: the suite's 'Booked service'.")
