# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import AccessError, UserError, ValidationError

MANAGER_GROUP = "aftersales_followup.group_aftersales_manager"


class AftersalesPartsRequestLine(models.Model):
    """One part of a parts request: how many, what the parts stock holds and forecasts,
    whether it was served from stock at the moment of the request (the first-time fill
    rate), and whether it waits on a back-order."""
    _name = "aftersales.parts.request.line"
    _description = "Parts request line"
    _inherit = ["aftersales.guarded.mixin"]
    _order = "request_id, sequence, id"
    # Measured and recorded by the request's own steps: what the stock held when it was
    # requested (the fill rate), what was ordered, when the part arrived and whether the
    # customer was told.
    _aftersales_guarded_fields = ("qty_available_at_request", "served_from_stock",
                                  "qty_procured", "date_available", "arrival_announced")
    _aftersales_frozen_fields = ()

    request_id = fields.Many2one("aftersales.parts.request", string="Request",
                                 required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="request_id.company_id", store=True, readonly=True,
                                 index=True)
    partner_id = fields.Many2one(related="request_id.partner_id", store=True, readonly=True,
                                 string="Customer")
    vehicle_model_id = fields.Many2one(related="request_id.vehicle_model_id", store=True,
                                       readonly=True, string="Vehicle model")
    product_id = fields.Many2one(
        "product.product", string="Part", required=True, index=True, ondelete="restrict",
        domain="[('type', '=', 'product')]")
    oem_code = fields.Char(related="product_id.oem_code", readonly=True, string="OEM code")
    product_uom_id = fields.Many2one(related="product_id.uom_id", readonly=True,
                                     string="Unit")
    quantity = fields.Float(required=True, default=1.0,
                            digits=dp.get_precision("Product Unit of Measure"))
    state = fields.Selection([
        ("draft", "To request"),
        ("available", "Available"),
        ("backorder", "Back-order"),
        ("done", "Issued"),
        ("cancelled", "Cancelled"),
    ], compute="_compute_state", store=True, index=True, readonly=True,
        help="Available: reserved in full for this vehicle. Back-order: waiting for parts "
             "to arrive. Issued: handed to the workshop.")
    # --- availability, shown while requesting (not stored: always the current figures)
    qty_on_hand = fields.Float(
        string="On hand", compute="_compute_availability",
        digits=dp.get_precision("Product Unit of Measure"),
        help="In the parts stock of the request's warehouse, reserved or not.")
    qty_free = fields.Float(
        string="Free", compute="_compute_availability",
        digits=dp.get_precision("Product Unit of Measure"),
        help="On hand and not reserved for anyone.")
    qty_forecast = fields.Float(
        string="Forecast", compute="_compute_availability",
        digits=dp.get_precision("Product Unit of Measure"),
        help="On hand, plus what is coming in, minus what is promised (these requests "
             "included).")
    qty_reserved = fields.Float(
        string="Reserved", compute="_compute_qty_reserved",
        digits=dp.get_precision("Product Unit of Measure"))
    # --- measured at the moment of the request
    qty_available_at_request = fields.Float(
        string="Free when requested", readonly=True, copy=False,
        digits=dp.get_precision("Product Unit of Measure"),
        help="What the parts stock held, not reserved for anyone, when the request was "
             "confirmed.")
    served_from_stock = fields.Boolean(
        string="Served from stock",
        readonly=True, copy=False, index=True,
        help="Reserved in full from stock at the moment of the request: the first-time "
             "fill rate counts these lines.")
    qty_procured = fields.Float(
        string="Ordered", readonly=True, copy=False,
        digits=dp.get_precision("Product Unit of Measure"),
        help="Quantity put on a purchase (RFQ) for this line's back-order.")
    date_available = fields.Datetime(
        string="Arrived on", readonly=True, copy=False,
        help="When a back-ordered part was reserved in full.")
    arrival_announced = fields.Boolean(
        string="Arrival announced",
        readonly=True, copy=False,
        help="The customer was told that this back-ordered part arrived.")
    # --- compatibility
    fits_vehicle = fields.Boolean(
        string="Fits the vehicle",
        compute="_compute_fits_vehicle",
        help="The part fits the model of the request's vehicle (or fits every model).")
    fitment_override = fields.Boolean(
        string="Fitment overridden", copy=False,
        help="An after-sales manager accepted this part although it is not listed for "
             "the vehicle's model.")
    move_ids = fields.One2many("stock.move", "aftersales_parts_line_id", string="Moves",
                               readonly=True)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "The quantity must be positive."),
    ]

    # ------------------------------------------------------------------ computes

    @api.depends("move_ids.state", "request_id.state")
    def _compute_state(self):
        for line in self:
            moves = line.move_ids.filtered(lambda m: m.state != "cancel")
            if line.request_id.state == "draft" or (
                    not line.move_ids and line.request_id.state != "cancelled"):
                line.state = "draft"
            elif not moves:
                line.state = "cancelled"
            elif all(m.state == "done" for m in moves):
                line.state = "done"
            elif all(m.state in ("assigned", "done") for m in moves):
                line.state = "available"
            else:
                line.state = "backorder"

    @api.depends("product_id", "request_id.warehouse_id")
    def _compute_availability(self):
        """Set-based: per warehouse, Odoo's quantity computation for all the parts at
        once, and one grouped query for what is free."""
        for line in self:
            line.qty_on_hand = line.qty_forecast = line.qty_free = 0.0
        for warehouse in self.mapped("request_id.warehouse_id"):
            lines = self.filtered(lambda ln, w=warehouse: ln.request_id.warehouse_id == w
                                  and ln.product_id)
            products = lines.mapped("product_id")
            location = warehouse.lot_stock_id
            quantities = products.with_context(location=location.id)._compute_quantities_dict(
                None, None, None)
            free = lines._free_quantities(location)
            for line in lines:
                figures = quantities[line.product_id.id]
                line.qty_on_hand = figures["qty_available"]
                line.qty_forecast = figures["virtual_available"]
                line.qty_free = free.get(line.product_id.id, 0.0)

    @api.depends("move_ids.state", "move_ids.product_uom_qty")
    def _compute_qty_reserved(self):
        for line in self:
            reserved = 0.0
            for move in line.move_ids:
                if move.state == "done":
                    reserved += move.product_qty
                elif move.state != "cancel":
                    reserved += move.reserved_availability
            line.qty_reserved = reserved

    @api.depends("product_id", "request_id.vehicle_id")
    def _compute_fits_vehicle(self):
        for line in self:
            line.fits_vehicle = line._fits_vehicle()

    # ------------------------------------------------------------------ onchanges

    @api.onchange("product_id")
    def _onchange_product_id(self):
        warning = self._fitment_warning()
        if warning:
            return {"warning": warning}
        return {}

    @api.constrains("product_id")
    def _check_product_stockable(self):
        for line in self:
            if line.product_id.type != "product":
                raise ValidationError(_(
                    "%s is not a stockable product: only parts kept in stock can be "
                    "requested, reserved and back-ordered.") % line.product_id.display_name)

    @api.constrains("product_id", "fitment_override")
    def _check_fitment(self):
        for line in self:
            if not line.fitment_override and not line._fits_vehicle():
                vehicle = line.request_id.vehicle_id
                raise ValidationError(_(
                    "%(part)s does not fit %(model)s, the model of %(vehicle)s. Choose a "
                    "part that fits, or ask an after-sales manager to accept it.") % {
                        "part": line.product_id.display_name,
                        "model": vehicle.product_id.display_name,
                        "vehicle": vehicle.display_name})

    # ------------------------------------------------------------------ ORM overrides

    @api.model
    def create(self, vals):
        self._aftersales_ensure_quantity_value(vals.get("quantity", 1.0))
        if vals.get("fitment_override"):
            self._aftersales_ensure_override_allowed()
        request = self.env["aftersales.parts.request"].browse(vals.get("request_id"))
        if request.state not in ("draft", False):
            raise UserError(_("%s is confirmed: parts can only be added to a draft "
                              "request.") % request.name)
        return super(AftersalesPartsRequestLine, self).create(vals)

    @api.multi
    def write(self, vals):
        if "quantity" in vals:
            self._aftersales_ensure_quantity_value(vals["quantity"])
        if vals.get("fitment_override"):
            self._aftersales_ensure_override_allowed()
        if "product_id" in vals and "fitment_override" not in vals \
                and not self.env.user.has_group(MANAGER_GROUP):
            # A manager's acceptance was for the part chosen then, not for a new one.
            vals["fitment_override"] = False
        if {"product_id", "quantity", "request_id"} & set(vals):
            confirmed = self.filtered(lambda ln: ln.request_id.state != "draft")
            if confirmed:
                raise UserError(_(
                    "%s is confirmed: its parts can no longer change. Cancel it and set it "
                    "back to draft to change them.") % confirmed[0].request_id.name)
        return super(AftersalesPartsRequestLine, self).write(vals)

    @api.multi
    def unlink(self):
        if self.filtered(lambda ln: ln.request_id.state not in ("draft", "cancelled")):
            raise UserError(_("Parts of a confirmed request cannot be removed: cancel the "
                              "request first."))
        return super(AftersalesPartsRequestLine, self).unlink()

    def _fits_vehicle(self, vehicle=None):
        """Whether the part fits ``vehicle`` (by default the request's)."""
        self.ensure_one()
        vehicle = self.request_id.vehicle_id if vehicle is None else vehicle
        return not self.product_id or self.product_id.product_tmpl_id._aftersales_fits(
            vehicle.product_id)

    def _free_quantities(self, location):
        """{product id: quantity on hand and not reserved} in ``location`` and below, for
        the parts of these lines, in one grouped query."""
        products = self.mapped("product_id")
        if not products:
            return {}
        groups = self.env["stock.quant"].read_group(
            [("product_id", "in", products.ids), ("location_id", "child_of", location.id)],
            ["product_id", "quantity", "reserved_quantity"], ["product_id"])
        return {g["product_id"][0]: g["quantity"] - g["reserved_quantity"] for g in groups}

    def _fitment_warning(self, vehicle=None):
        """The warning shown when a part does not fit the model of ``vehicle`` (by
        default the request's)."""
        misfits = self.filtered(lambda ln: ln.product_id and not ln._fits_vehicle(vehicle)
                                and not ln.fitment_override)
        if not misfits:
            return {}
        vehicle = misfits[0].request_id.vehicle_id if vehicle is None else vehicle
        return {
            "title": _("Part does not fit the vehicle"),
            "message": _(
                "%(parts)s is not listed for %(model)s, the model of %(vehicle)s. Choose a "
                "part that fits; only an after-sales manager can accept it anyway.") % {
                    "parts": ", ".join(misfits.mapped("product_id.display_name")),
                    "model": vehicle.product_id.display_name,
                    "vehicle": vehicle.display_name},
        }

    # ------------------------------------------------------------------ validation

    @api.model
    def _aftersales_ensure_quantity_value(self, quantity):
        # The one check of the quantity, in create and write: it must run before the
        # database's own CHECK (kept for bulk SQL), which would only give a raw error, so
        # it cannot be an @api.constrains (those run after the INSERT).
        if (quantity or 0.0) <= 0:
            raise ValidationError(_(
                "The quantity of a requested part must be more than zero (not %s).")
                % (quantity or 0))

    def _aftersales_ensure_override_allowed(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only an after-sales manager can accept a part that does "
                                "not fit the vehicle."))
