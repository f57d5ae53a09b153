# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class SaleOrder(models.Model):
    """A vehicle sale or a service visit. Confirming a service visit is the check-in that
    opens or completes the customer file (S1); handing the vehicle back starts the
    follow-up clock (S5)."""
    _name = "sale.order"
    _inherit = ["sale.order", "aftersales.guarded.mixin"]
    # Check-in and handover are recorded by confirming the visit, by its handover button
    # and by the delivery of a sold vehicle; a manager corrects a handover with a reason.
    _aftersales_guarded_fields = ("checkin_date", "handover_date")
    _aftersales_frozen_fields = ()
    _aftersales_company_links = ("vehicle_id",)
    _aftersales_guard_computed = False

    aftersales_kind = fields.Selection([
        ("vehicle", "Vehicle sale"),
        ("service", "Service visit"),
    ], string="After-sales kind", index=True, copy=True,
        readonly=True, states={"draft": [("readonly", False)], "sent": [("readonly", False)]})
    vehicle_id = fields.Many2one(
        "aftersales.vehicle", string="Vehicle", index=True, ondelete="restrict",
        readonly=True, states={"draft": [("readonly", False)], "sent": [("readonly", False)]})
    odometer_in = fields.Integer(
        string="Odometer at check-in (km)",
        readonly=True, states={"draft": [("readonly", False)], "sent": [("readonly", False)]})
    checkin_date = fields.Datetime(string="Checked in", readonly=True, copy=False)
    handover_date = fields.Datetime(
        string="Handed over", copy=False, index=True, track_visibility="onchange",
        help="When the customer collected the vehicle. A manager can correct it, e.g. for a "
             "handover recorded late.")
    aftersales_call_ids = fields.One2many("aftersales.call", "sale_order_id",
                                          string="Follow-up calls")

    @api.constrains("handover_date", "checkin_date")
    def _check_handover_after_checkin(self):
        for order in self:
            if order.handover_date and order.checkin_date \
                    and order.handover_date < order.checkin_date:
                raise ValidationError(_(
                    "%(order)s: the vehicle cannot be handed over (%(handover)s) before it "
                    "was checked in (%(checkin)s).") % {
                        "order": order.name, "handover": order.handover_date,
                        "checkin": order.checkin_date})

    @api.constrains("odometer_in")
    def _check_odometer_in(self):
        for order in self:
            if order.odometer_in < 0:
                raise ValidationError(_("The odometer cannot be negative."))

    @api.onchange("vehicle_id")
    def _onchange_vehicle_id(self):
        if self.vehicle_id:
            if self.vehicle_id.partner_id and not self.partner_id:
                self.partner_id = self.vehicle_id.partner_id
            if not self.odometer_in:
                self.odometer_in = self.vehicle_id.odometer

    @api.multi
    def action_confirm(self):
        for order in self.filtered(lambda o: o.aftersales_kind == "vehicle"):
            # The delivery of a vehicle sale starts its follow-up call and thank-you
            # email: without the vehicle sold, they would follow up nothing.
            if not order.vehicle_id:
                raise UserError(_("%s is a vehicle sale: choose the vehicle sold before "
                                  "confirming.") % order.name)
        service = self.filtered(lambda o: o.aftersales_kind == "service")
        for order in service:
            if not order.vehicle_id:
                raise UserError(_("%s is a service visit: choose the vehicle before "
                                  "confirming.") % order.name)
            if order.odometer_in:
                order.vehicle_id._record_odometer(order.odometer_in, source="service")
        result = super(SaleOrder, self).action_confirm()
        now = fields.Datetime.now()
        for order in self.filtered(lambda o: o.aftersales_kind):
            order.partner_id.commercial_partner_id._aftersales_open_file(order.vehicle_id)
            if order.aftersales_kind == "service" and not order.checkin_date:
                order._aftersales_trusted().checkin_date = now
        self.env["aftersales.need"]._close_booked_needs(service)
        return result

    @api.multi
    def action_handover(self):
        """The customer collects the vehicle after a service visit."""
        for order in self:
            if order.aftersales_kind != "service":
                raise UserError(_("%s is not a service visit: a sold vehicle is handed over "
                                  "by validating its delivery.") % order.name)
            if not order.vehicle_id:
                raise UserError(_("%s has no vehicle to hand over.") % order.name)
            if order.state not in ("sale", "done") or not order.checkin_date:
                raise UserError(_("%s must be confirmed (checked in) before the vehicle is "
                                  "handed over.") % order.name)
            if order.handover_date:
                raise UserError(_("The vehicle of %s was already handed over.") % order.name)
        self._aftersales_set_handover(fields.Datetime.now())
        return True

    @api.multi
    def action_correct_handover(self):
        """A manager corrects the handover (recorded late, on the wrong visit...), with a
        reason kept in the chatter."""
        self.ensure_one()
        return self.env["aftersales.handover.correction"]._action_open(self)

    def _aftersales_set_handover(self, date):
        """Record a handover (service visit collected, or sold vehicle delivered)."""
        self._aftersales_trusted().write({"handover_date": date})
        self._aftersales_thank_customer()

    def _aftersales_thank_customer(self):
        template = self.env.ref("aftersales_followup.mail_template_handover_thanks",
                                raise_if_not_found=False)
        if not template:
            return
        for order in self:
            self.env["aftersales.letter"]._send_template(template, order, kind="followup")
