# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class AftersalesCall(models.Model):
    """When back-ordered parts arrive, the officer calls the customer to book the
    visit."""
    _inherit = "aftersales.call"

    purpose = fields.Selection(selection_add=[("parts_arrival", "Parts arrived")])
    parts_request_id = fields.Many2one(
        "aftersales.parts.request", string="Parts request", index=True, readonly=True,
        ondelete="restrict")

    @api.model_cr
    def init(self):
        result = super(AftersalesCall, self).init()
        # One "parts arrived" call per request, whatever processes the arrival.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_call_parts_arrival_uniq
                ON aftersales_call (parts_request_id)
             WHERE parts_request_id IS NOT NULL AND purpose = 'parts_arrival'
        """)
        return result

    @api.model
    def _aftersales_guarded_names(self):
        # The parts request behind the call is set by the suite when it creates the call.
        return super(AftersalesCall, self)._aftersales_guarded_names() | {"parts_request_id"}

    @api.model
    def _aftersales_company_link_names(self):
        return super(AftersalesCall, self)._aftersales_company_link_names() + (
            "parts_request_id",)

    def _aftersales_booking_purposes(self):
        return super(AftersalesCall, self)._aftersales_booking_purposes() | {"parts_arrival"}

    def _aftersales_booking_source(self):
        if self.parts_request_id or self.missed_appointment_id.parts_request_id:
            return "parts"
        return super(AftersalesCall, self)._aftersales_booking_source()

    def _aftersales_booking_context(self):
        context = super(AftersalesCall, self)._aftersales_booking_context()
        request = self.parts_request_id or self.missed_appointment_id.parts_request_id
        if request:
            context["default_parts_request_id"] = request.id
        return context
