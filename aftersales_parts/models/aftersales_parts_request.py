# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from collections import OrderedDict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_round

from odoo.addons.aftersales_followup.models.aftersales_guarded_mixin import is_trusted

_logger = logging.getLogger(__name__)

# What the request asks for, for whom and from where: a draft's only.
# The reservation made by confirming a request is not an arrival to announce: an
# in-process marker (compared by identity, never a context string a client could send).
CONFIRMING = object()
CONFIRMING_KEY = "aftersales_parts_confirming"
INTAKE_FIELDS = ("partner_id", "vehicle_id", "sale_order_id", "claim_id", "warehouse_id",
                 "line_ids")

REQUEST_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Waiting for parts"),
    ("partially_available", "Partially available"),
    ("ready", "Ready"),
    ("done", "Issued"),
    ("cancelled", "Cancelled"),
]


class AftersalesPartsRequest(models.Model):
    """The parts a service visit or a warranty claim needs (配件供应, S12). Confirming it
    reserves what the parts stock holds through a standard internal transfer to the
    workshop and orders the rest (a back-order the purchase flow fulfils); when the
    back-ordered parts arrive the customer is told to book the visit and the follow-up
    officer gets a call to arrange it."""
    _name = "aftersales.parts.request"
    _description = "Parts request"
    _inherit = ["aftersales.activity.mixin", "aftersales.guarded.mixin"]
    _order = "id desc"
    _aftersales_guarded_fields = ("state", "date_requested", "date_done")
    _aftersales_company_links = ("partner_id", "vehicle_id", "sale_order_id", "claim_id")
    _aftersales_frozen_fields = ("company_id", "name")

    name = fields.Char(string="Request", required=True, readonly=True, copy=False,
                       default=lambda self: _("New"), index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        readonly=True, states={"draft": [("readonly", False)]},
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.parts.request"))
    state = fields.Selection(REQUEST_STATES, required=True, default="draft", index=True,
                             copy=False, readonly=True, track_visibility="onchange")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True,
        track_visibility="onchange", readonly=True, states={"draft": [("readonly", False)]})
    vehicle_id = fields.Many2one(
        "aftersales.vehicle", string="Vehicle", index=True, ondelete="restrict",
        track_visibility="onchange", readonly=True, states={"draft": [("readonly", False)]})
    vehicle_model_id = fields.Many2one(
        "product.product", string="Vehicle model", related="vehicle_id.product_id",
        store=True, readonly=True, index=True)
    sale_order_id = fields.Many2one(
        "sale.order", string="Service visit", index=True, ondelete="restrict", copy=False,
        readonly=True, states={"draft": [("readonly", False)]},
        domain="[('aftersales_kind', '=', 'service')]")
    claim_id = fields.Many2one(
        "aftersales.warranty.claim", string="Warranty claim", index=True,
        ondelete="restrict", copy=False,
        readonly=True, states={"draft": [("readonly", False)]})
    origin_kind = fields.Selection([
        ("claim", "Warranty claim"),
        ("service", "Service visit"),
        ("other", "Other"),
    ], string="Requested for", compute="_compute_origin_kind", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Requested by", index=True,
                              default=lambda self: self.env.user,
                              track_visibility="onchange")
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Parts warehouse", required=True,
        readonly=True, states={"draft": [("readonly", False)]},
        default=lambda self: self._default_warehouse(),
        help="Its stock location is the parts stock; parts go to its workshop location.")
    date_requested = fields.Datetime(
        string="Requested on", readonly=True, copy=False, index=True,
        help="When the request was confirmed: the moment the fill rate is measured.")
    date_done = fields.Datetime(string="Issued on", readonly=True, copy=False)
    line_ids = fields.One2many(
        "aftersales.parts.request.line", "request_id", string="Parts", copy=True,
        readonly=True, states={"draft": [("readonly", False)]})
    picking_ids = fields.One2many("stock.picking", "aftersales_parts_request_id",
                                  string="Transfers", readonly=True)
    call_ids = fields.One2many("aftersales.call", "parts_request_id", string="Calls",
                               readonly=True)
    appointment_ids = fields.One2many("aftersales.appointment", "parts_request_id",
                                      string="Appointments", readonly=True)
    notes = fields.Text()
    arrival_announced = fields.Boolean(
        string="Arrival announced",
        compute="_compute_arrival_announced",
        help="The customer was told that the back-ordered parts arrived.")
    picking_count = fields.Integer(string="Number of transfers", compute="_compute_counts")
    backorder_count = fields.Integer(string="Back-ordered lines", compute="_compute_counts")
    letter_count = fields.Integer(string="Number of letters", compute="_compute_letter_count")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)",
         "A parts request number is unique per company."),
    ]

    # ------------------------------------------------------------------ computes

    @api.depends("claim_id", "sale_order_id")
    def _compute_origin_kind(self):
        for request in self:
            request.origin_kind = "claim" if request.claim_id else (
                "service" if request.sale_order_id else "other")

    @api.depends("line_ids.arrival_announced")
    def _compute_arrival_announced(self):
        for request in self:
            request.arrival_announced = any(request.line_ids.mapped("arrival_announced"))

    def _compute_counts(self):
        for request in self:
            request.picking_count = len(request.picking_ids)
            request.backorder_count = len(request.line_ids.filtered(
                lambda ln: ln.state == "backorder"))

    def _compute_letter_count(self):
        counts = self.env["aftersales.letter"]._count_for(self)
        for request in self:
            request.letter_count = counts.get(request.id, 0)

    # ------------------------------------------------------------------ onchanges

    @api.onchange("vehicle_id")
    def _onchange_vehicle_id(self):
        if self.vehicle_id.partner_id:
            self.partner_id = self.vehicle_id.partner_id
        warning = self.line_ids._fitment_warning(self.vehicle_id)
        if warning:
            return {"warning": warning}
        return {}

    @api.onchange("sale_order_id")
    def _onchange_sale_order_id(self):
        order = self.sale_order_id
        if order:
            self.partner_id = order.partner_id
            if order.vehicle_id:
                self.vehicle_id = order.vehicle_id
            self.company_id = order.company_id

    @api.onchange("claim_id")
    def _onchange_claim_id(self):
        claim = self.claim_id
        if claim:
            self.partner_id = claim.partner_id
            self.vehicle_id = claim.vehicle_id
            self.company_id = claim.company_id
            if claim.sale_order_id and not self.sale_order_id:
                self.sale_order_id = claim.sale_order_id

    @api.onchange("company_id")
    def _onchange_company_id(self):
        if self.company_id and self.warehouse_id.company_id != self.company_id:
            self.warehouse_id = self.env["stock.warehouse"].search(
                [("company_id", "=", self.company_id.id)], limit=1)

    # ------------------------------------------------------------------ constraints

    @api.constrains("vehicle_id", "partner_id", "sale_order_id", "claim_id")
    def _check_links(self):
        for request in self:
            order, claim = request.sale_order_id, request.claim_id
            if order and order.vehicle_id and request.vehicle_id \
                    and order.vehicle_id != request.vehicle_id:
                raise ValidationError(_(
                    "%(request)s: the vehicle %(vehicle)s is not the one of the service "
                    "visit %(order)s.") % {"request": request.name,
                                           "vehicle": request.vehicle_id.display_name,
                                           "order": order.name})
            if claim and claim.vehicle_id != request.vehicle_id:
                raise ValidationError(_(
                    "%(request)s: the vehicle must be the one of the warranty claim "
                    "%(claim)s.") % {"request": request.name, "claim": claim.name})

    @api.constrains("vehicle_id")
    def _check_lines_fit_vehicle(self):
        self.mapped("line_ids")._check_fitment()

    @api.constrains("warehouse_id", "company_id")
    def _check_warehouse_company(self):
        for request in self:
            if request.warehouse_id.company_id != request.company_id:
                raise ValidationError(_(
                    "%(request)s: the warehouse %(warehouse)s belongs to another company.")
                    % {"request": request.name, "warehouse": request.warehouse_id.name})

    # ------------------------------------------------------------------ ORM overrides

    @api.model
    def create(self, vals):
        if not vals.get("name") or vals.get("name") == _("New"):
            company_id = vals.get("company_id") or self.default_get(
                ["company_id"]).get("company_id")
            vals["name"] = self.env["ir.sequence"].with_context(
                force_company=company_id).next_by_code("aftersales.parts.request") \
                or _("New")
        return super(AftersalesPartsRequest, self).create(vals)

    @api.multi
    def write(self, vals):
        if not is_trusted(self.env) and set(vals) & set(INTAKE_FIELDS):
            for request in self.filtered(lambda r: r.state != "draft"):
                changed = [name for name in INTAKE_FIELDS if name in vals
                           and not request._aftersales_unchanged(name, vals[name])]
                if changed:
                    raise UserError(_(
                        "%s is confirmed: what it requests, for whom and from where can no "
                        "longer change. Cancel it and set it back to draft to change it.")
                        % request.name)
        return super(AftersalesPartsRequest, self).write(vals)

    @api.multi
    def unlink(self):
        for request in self:
            if request.state not in ("draft", "cancelled"):
                raise UserError(_("%s was confirmed: cancel it instead of deleting it.")
                                % request.name)
            if request.picking_ids:
                raise UserError(_("%s has stock transfers: it is kept for the record.")
                                % request.name)
        return super(AftersalesPartsRequest, self).unlink()

    # ------------------------------------------------------------------ actions

    @api.multi
    def action_confirm(self):
        """Request the parts: reserve what the parts stock holds (one internal transfer
        to the workshop per request), record what was on hand, and order the rest."""
        for request in self:
            if request.state != "draft":
                raise UserError(_("%s is already confirmed.") % request.name)
            if not request.line_ids:
                raise UserError(_("%s has no parts: add the parts needed before "
                                  "confirming.") % request.name)
        now = fields.Datetime.now()
        self._record_availability_at_request()
        self._aftersales_trusted().write({"state": "confirmed", "date_requested": now})
        pickings = self._create_pickings()
        # sudo: the transfers belong to these requests and hold exactly their lines;
        # like a confirmed sale order's delivery, they are prepared on the requester's
        # behalf, who needs no warehouse rights to ask for parts.
        pickings = pickings.sudo()
        pickings.action_confirm()
        pickings.with_context(**{CONFIRMING_KEY: CONFIRMING}).action_assign()
        self.mapped("line_ids").filtered(lambda ln: ln.state == "available") \
            ._aftersales_trusted().write({"served_from_stock": True})
        self._procure_backorders()
        self._aftersales_sync_state()
        for request in self:
            request.message_post(body=request._confirmation_summary())
        # a confirmed service visit delivers these parts from the workshop
        self.mapped("sale_order_id")._aftersales_chain_parts_to_delivery()
        return True

    @api.multi
    def action_assign(self):
        """Check the parts stock again (e.g. after a stock correction)."""
        pickings = self.mapped("picking_ids").filtered(
            lambda p: p.state in ("confirmed", "waiting", "partially_available"))
        if not pickings:
            raise UserError(_("There is nothing waiting for parts in these requests."))
        # sudo: only the transfers of these requests are re-checked, see action_confirm.
        pickings.sudo().action_assign()
        return True

    @api.multi
    def action_done(self):
        """The parts are issued to the workshop: the transfer is validated, by someone
        with warehouse rights."""
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(_("Parts are issued to the workshop by the warehouse: it "
                                "needs Inventory rights."))
        for request in self:
            if request.state != "ready":
                waiting = request.line_ids.filtered(lambda ln: ln.state == "backorder")
                raise UserError(_(
                    "%(request)s is not ready: %(parts)s still on back-order.") % {
                        "request": request.name,
                        "parts": ", ".join(waiting.mapped("product_id.display_name"))
                        or _("nothing reserved")})
        pickings = self.mapped("picking_ids").filtered(lambda p: p.state == "assigned")
        for move_line in pickings.mapped("move_line_ids"):
            move_line.qty_done = move_line.product_uom_qty
        pickings.action_done()
        return True

    @api.multi
    def action_cancel(self):
        """Cancel the request and release what it reserved. Purchases already ordered for
        it are kept (they may serve other requests) and listed in the chatter."""
        for request in self:
            if request._aftersales_issued():
                raise UserError(_("The parts of %s were issued to the workshop: the "
                                  "request cannot be cancelled.") % request.name)
        # sudo: only the transfers of these requests are cancelled, see action_confirm.
        self.mapped("picking_ids").sudo().action_cancel()
        self._aftersales_trusted().write({"state": "cancelled"})
        for request in self.filtered(lambda r: any(r.line_ids.mapped("qty_procured"))):
            request.message_post(body=_(
                "Parts already ordered for this request stay on their purchase orders: "
                "%s.") % ", ".join(request.line_ids.filtered("qty_procured").mapped(
                    "product_id.display_name")))
        self._aftersales_close_activities()
        return True

    @api.multi
    def action_draft(self):
        for request in self:
            if request.state != "cancelled":
                raise UserError(_("Only a cancelled request can be set back to draft."))
            if request.picking_ids.filtered(lambda p: p.state != "cancel"):
                raise UserError(_("%s still has stock transfers in progress: it cannot be "
                                  "set back to draft.") % request.name)
        self.mapped("line_ids")._aftersales_trusted().write({
            "served_from_stock": False, "qty_available_at_request": 0.0,
            "qty_procured": 0.0, "date_available": False, "arrival_announced": False})
        self._aftersales_trusted().write({"state": "draft", "date_requested": False})
        return True

    @api.multi
    def action_view_pickings(self):
        self.ensure_one()
        action = self.env.ref("stock.action_picking_tree_all").read()[0]
        action["domain"] = [("aftersales_parts_request_id", "=", self.id)]
        action["context"] = {}
        if len(self.picking_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.picking_ids.id
        return action

    @api.multi
    def action_view_letters(self):
        self.ensure_one()
        return self.env["aftersales.letter"]._action_for(self)

    @api.model
    def _default_warehouse(self):
        company = self.env["res.company"]._company_default_get("aftersales.parts.request")
        return self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)

    def _aftersales_issued(self):
        """Parts of the request left the parts stock for the workshop."""
        self.ensure_one()
        return self.state == "done" or bool(self.picking_ids.filtered(
            lambda p: p.state == "done"))

    def _aftersales_form_action(self):
        self.ensure_one()
        action = self.env.ref("aftersales_parts.action_aftersales_parts_request").read()[0]
        action["views"] = [(False, "form")]
        action["res_id"] = self.id
        return action

    # ------------------------------------------------------------------ confirmation

    def _record_availability_at_request(self):
        """Store on each line what the parts stock held, not yet reserved for anyone,
        just before this request reserves: the basis of the first-time fill rate."""
        for warehouse in self.mapped("warehouse_id"):
            lines = self.filtered(lambda r, w=warehouse: r.warehouse_id == w).mapped(
                "line_ids")
            free = lines._free_quantities(warehouse.lot_stock_id)
            # One write per distinct quantity, not one per line.
            by_quantity = OrderedDict()
            for line in lines:
                quantity = free.get(line.product_id.id, 0.0)
                by_quantity.setdefault(quantity, self.env["aftersales.parts.request.line"])
                by_quantity[quantity] |= line
            for quantity, same in by_quantity.items():
                same._aftersales_trusted().write({"qty_available_at_request": quantity})

    def _create_pickings(self):
        pickings = self.env["stock.picking"]
        for request in self:
            warehouse = request.warehouse_id
            source = warehouse.lot_stock_id
            workshop = warehouse._aftersales_workshop_location()
            origin = request.name
            if request.sale_order_id:
                origin = "%s (%s)" % (origin, request.sale_order_id.name)
            moves = [(0, 0, {
                "name": line.product_id.display_name,
                "product_id": line.product_id.id,
                "product_uom": line.product_id.uom_id.id,
                "product_uom_qty": line.quantity,
                "location_id": source.id,
                "location_dest_id": workshop.id,
                "company_id": request.company_id.id,
                "origin": origin,
                "partner_id": request.partner_id.id,
                "aftersales_parts_line_id": line.id,
            }) for line in request.line_ids]
            # sudo: see action_confirm.
            pickings |= self.env["stock.picking"].sudo().create({
                "picking_type_id": warehouse.int_type_id.id,
                "location_id": source.id,
                "location_dest_id": workshop.id,
                "partner_id": request.partner_id.id,
                "origin": origin,
                "company_id": request.company_id.id,
                "move_type": "direct",
                "aftersales_parts_request_id": request.id,
                "move_lines": moves,
            })
        return pickings

    def _procure_backorders(self):
        """Order the parts that neither the stock nor what is already coming can serve:
        per warehouse and part, the shortfall of the forecast at the parts stock location
        (which counts these requests' demand), at most what the requests miss. The
        procurement follows the warehouse's buy route: an RFQ to the part's vendor that
        the standard purchase flow (and the reordering rules, which count RFQs in
        progress) carries on."""
        lines = self.mapped("line_ids").filtered(lambda ln: ln.state == "backorder")
        groups = OrderedDict()
        for line in lines:
            key = (line.request_id.warehouse_id, line.product_id)
            groups.setdefault(key, self.env["aftersales.parts.request.line"])
            groups[key] |= line
        for warehouse in self.mapped("warehouse_id"):
            products = lines.filtered(
                lambda ln, w=warehouse: ln.request_id.warehouse_id == w).mapped("product_id")
            if not products:
                continue
            forecast = products.with_context(
                location=warehouse.lot_stock_id.id)._compute_quantities_dict(
                    None, None, None)
            for product in products:
                group = groups[(warehouse, product)]
                rounding = product.uom_id.rounding
                missing = sum(ln.quantity - ln.qty_reserved for ln in group)
                shortfall = -forecast[product.id]["virtual_available"]
                to_order = float_round(min(missing, shortfall), precision_rounding=rounding)
                if float_compare(to_order, 0.0, precision_rounding=rounding) <= 0:
                    continue
                if group.mapped("request_id")._run_procurement(warehouse, product, to_order):
                    for line in group:
                        share = min(line.quantity - line.qty_reserved, to_order)
                        line._aftersales_trusted().qty_procured += share
                        to_order -= share

    def _run_procurement(self, warehouse, product, quantity):
        """One procurement of ``quantity`` ``product`` into the parts stock. When the
        purchase cannot be prepared (no vendor, no route), the requesters are told in the
        chatter and get an activity to order it by hand; the request stays valid."""
        origin = ", ".join(self.mapped("name"))
        company = warehouse.company_id
        values = {
            "company_id": company,
            "warehouse_id": warehouse,
            "date_planned": fields.Datetime.now(),
            "route_ids": warehouse._aftersales_buy_route(),
        }
        try:
            with self.env.cr.savepoint():
                # sudo: as Odoo does for a sale order's procurements; the RFQ is for the
                # parts stock of the request's own warehouse and company.
                self.env["procurement.group"].sudo().with_context(
                    force_company=company.id).run(
                        product, quantity, product.uom_id, warehouse.lot_stock_id,
                        origin, origin, values)
        except UserError as error:
            _logger.info("Parts back-order of %s for %s not ordered: %s",
                         product.display_name, origin, error.name)
            todo = self.env.ref("mail.mail_activity_data_todo")
            for request in self:
                message = _("%(qty)s %(part)s could not be ordered automatically: "
                            "%(reason)s") % {"qty": quantity, "part": product.display_name,
                                             "reason": error.name}
                request.message_post(body=message)
                request._aftersales_schedule_activity(
                    todo, request.user_id or self.env.user,
                    request.company_id._aftersales_today(), _("Order the missing parts"),
                    message)
            return False
        return True

    def _confirmation_summary(self):
        self.ensure_one()
        served = self.line_ids.filtered("served_from_stock")
        waiting = self.line_ids - served
        parts = []
        for line in waiting:
            parts.append(_("%(part)s: %(reserved)s of %(qty)s reserved, %(ordered)s "
                           "ordered") % {"part": line.product_id.display_name,
                                         "reserved": line.qty_reserved,
                                         "qty": line.quantity,
                                         "ordered": line.qty_procured})
        summary = _("Requested: %(served)d of %(total)d lines served from stock.") % {
            "served": len(served), "total": len(self.line_ids)}
        if parts:
            summary += "<br/>" + _("On back-order:") + "<br/>" + "<br/>".join(parts)
        return summary

    # ------------------------------------------------------------------ state and arrival

    def _aftersales_sync_state(self):
        """The request's state follows its lines once it is confirmed."""
        for request in self:
            if request.state in ("draft", "cancelled"):
                continue
            lines = request.line_ids.filtered(lambda ln: ln.state != "cancelled")
            states = set(lines.mapped("state"))
            if not lines:
                state = "cancelled"
            elif states == {"done"}:
                state = "done"
            elif states <= {"available", "done"}:
                state = "ready"
            elif states & {"available", "done"} or "partially_available" in lines.mapped(
                    "move_ids.state"):
                state = "partially_available"
            else:
                state = "confirmed"
            if state != request.state:
                vals = {"state": state}
                if state == "done":
                    vals["date_done"] = fields.Datetime.now()
                request._aftersales_trusted().write(vals)

    def _aftersales_after_reservation(self):
        """Parts were reserved for these requests: bring them up to date, date the
        back-orders that are served, and announce complete arrivals."""
        if self.env.context.get(CONFIRMING_KEY) is CONFIRMING:
            return
        # sudo: this follows a stock event that a warehouse clerk or the scheduler
        # triggered; it only updates these requests and tells their customer and officer,
        # from the request's own data.
        requests = self.sudo()
        requests._aftersales_sync_state()
        arrived = requests.mapped("line_ids").filtered(
            lambda ln: ln.state == "available" and not ln.served_from_stock
            and not ln.date_available)
        if arrived:
            arrived._aftersales_trusted().write({"date_available": fields.Datetime.now()})
        # The notice is rendered as the person whose action brought the parts in (the
        # suite's templates are edited by managers and administrators only).
        self.browse(requests.filtered(lambda r: r.state == "ready").ids) \
            ._aftersales_announce_arrival()

    def _aftersales_announce_arrival(self):
        """Tell the customer that the back-ordered parts are in (email from the template,
        registered in the letter register) and give the follow-up officer a call to book
        the visit. The lines are marked announced by one UPDATE that only takes lines not
        yet announced, so that nothing is announced twice, even when two transactions
        process the same arrival."""
        candidates = self.mapped("line_ids").filtered(
            lambda ln: ln.state == "available" and not ln.served_from_stock
            and not ln.arrival_announced)
        if not candidates:
            return
        cr = self.env.cr
        cr.execute("""
            UPDATE aftersales_parts_request_line
               SET arrival_announced = TRUE, write_uid = %s,
                   write_date = now() AT TIME ZONE 'UTC'
             WHERE id IN %s AND NOT arrival_announced
            RETURNING request_id
        """, (self.env.uid, tuple(candidates.ids)))
        request_ids = {row[0] for row in cr.fetchall()}
        candidates.invalidate_cache(["arrival_announced"])
        template = self.env.ref("aftersales_parts.mail_template_parts_arrived")
        for request in self.filtered(lambda r: r.id in request_ids):
            call = request._create_arrival_call()
            self.env["aftersales.letter"]._send_template(
                template, request, kind="notice", call_id=call.id or False)
            request.message_post(body=_(
                "The back-ordered parts arrived: the customer was notified and the visit "
                "is to be booked."))

    def _create_arrival_call(self):
        """A call for the officer to book the visit, due today; for a do-not-call
        customer it is registered as cancelled with the reason, and nobody is asked to
        call."""
        self.ensure_one()
        partner = self.partner_id
        officer = partner._aftersales_officer(self.company_id) or self.user_id
        do_not_call = not partner._aftersales_may_phone()
        # the dealership's day, not the clerk's (the arrival may come from a scheduler)
        today = self.company_id._aftersales_today()
        # sudo: a warehouse clerk receiving the parts has no right on the phone register;
        # the call is the suite's own, from this request's data.
        call = self.env["aftersales.call"].sudo()._aftersales_trusted().create({
            "name": _("%(customer)s - parts arrived (%(request)s)") % {
                "customer": partner.display_name, "request": self.name},
            "partner_id": partner.id,
            "vehicle_id": self.vehicle_id.id,
            "sale_order_id": self.sale_order_id.id,
            "parts_request_id": self.id,
            "direction": "out",
            "purpose": "parts_arrival",
            "state": "cancelled" if do_not_call else "todo",
            "date_due": today,
            "user_id": officer.id,
            "company_id": self.company_id.id,
            "cancel_reason": "do_not_call" if do_not_call else False,
            "notes": _("Not called: the customer asked not to be phoned (do-not-call).")
            if do_not_call else _("The parts of %s arrived: book the customer's visit.")
            % self.name,
        }).with_env(self.env)
        if not do_not_call and officer:
            call.sudo()._aftersales_schedule_activity(
                self.env.ref("mail.mail_activity_data_call"), officer, today,
                _("Parts arrived: book the visit"),
                ", ".join(self.line_ids.mapped("product_id.display_name")))
        return call
