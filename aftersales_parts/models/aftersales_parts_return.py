# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

RETURN_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Ready to ship"),
    ("done", "Returned"),
    ("cancelled", "Cancelled"),
]


class AftersalesPartsReturn(models.Model):
    """The defective parts of a warranty claim approved for replacement, sent back to the
    manufacturer that reimburses it: a standard transfer from the customer's vehicle to
    the manufacturer's location."""
    _name = "aftersales.parts.return"
    _description = "Defective parts return"
    _inherit = ["mail.thread", "aftersales.guarded.mixin"]
    _order = "id desc"
    _aftersales_guarded_fields = ("state", "picking_id", "date_done")
    _aftersales_company_links = ("claim_id",)
    _aftersales_frozen_fields = ("company_id", "name")

    name = fields.Char(string="Return", required=True, readonly=True, copy=False,
                       default=lambda self: _("New"), index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True,
        states={"draft": [("readonly", False)]},
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.parts.return"))
    state = fields.Selection(RETURN_STATES, required=True, default="draft", index=True,
                             copy=False, readonly=True, track_visibility="onchange")
    claim_id = fields.Many2one(
        "aftersales.warranty.claim", string="Warranty claim", required=True, index=True,
        ondelete="restrict", track_visibility="onchange",
        readonly=True, states={"draft": [("readonly", False)]},
        domain="[('compensation_kind', '=', 'replace'), "
               "('state', 'in', ('approved', 'compensated', 'closed'))]")
    manufacturer_id = fields.Many2one(
        "res.partner", string="Manufacturer", required=True, index=True,
        track_visibility="onchange", readonly=True, states={"draft": [("readonly", False)]},
        help="Receives the defective parts; by default the claim's manufacturer.")
    partner_id = fields.Many2one(related="claim_id.partner_id", store=True, readonly=True,
                                 string="Customer")
    vehicle_id = fields.Many2one(related="claim_id.vehicle_id", store=True, readonly=True,
                                 string="Vehicle")
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Warehouse", required=True,
        readonly=True, states={"draft": [("readonly", False)]},
        default=lambda self: self.env["aftersales.parts.request"]._default_warehouse())
    line_ids = fields.One2many(
        "aftersales.parts.return.line", "return_id", string="Defective parts", copy=True,
        readonly=True, states={"draft": [("readonly", False)]})
    picking_id = fields.Many2one("stock.picking", string="Return transfer", readonly=True,
                                 copy=False, index=True)
    date_done = fields.Datetime(string="Returned on", readonly=True, copy=False)
    notes = fields.Text()

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)",
         "A parts return number is unique per company."),
    ]

    # ------------------------------------------------------------------ onchanges

    @api.onchange("claim_id")
    def _onchange_claim_id(self):
        if self.claim_id:
            self.manufacturer_id = self.claim_id.manufacturer_id
            self.company_id = self.claim_id.company_id

    # ------------------------------------------------------------------ constraints

    @api.constrains("claim_id")
    def _check_claim_replacement(self):
        for parts_return in self:
            parts_return._aftersales_ensure_claim_value(parts_return.claim_id)

    # ------------------------------------------------------------------ ORM overrides

    @api.model
    def create(self, vals):
        claim = self.env["aftersales.warranty.claim"].browse(vals.get("claim_id"))
        if claim:
            # Refused before anything is written, with the reason in words.
            self._aftersales_ensure_claim_value(claim)
            vals.setdefault("company_id", claim.company_id.id)
            if not vals.get("manufacturer_id") and claim.manufacturer_id:
                vals["manufacturer_id"] = claim.manufacturer_id.id
        if not vals.get("name") or vals.get("name") == _("New"):
            vals["name"] = self.env["ir.sequence"].with_context(
                force_company=vals.get("company_id")).next_by_code(
                    "aftersales.parts.return") or _("New")
        return super(AftersalesPartsReturn, self).create(vals)

    @api.multi
    def unlink(self):
        if self.filtered(lambda r: r.state not in ("draft", "cancelled") or r.picking_id):
            raise UserError(_("A return that was prepared for shipping is kept: cancel it "
                              "instead."))
        return super(AftersalesPartsReturn, self).unlink()

    # ------------------------------------------------------------------ actions

    @api.multi
    def action_confirm(self):
        """Prepare the return transfer to the manufacturer's location."""
        for parts_return in self:
            if parts_return.state != "draft":
                raise UserError(_("%s is already confirmed.") % parts_return.name)
            if not parts_return.line_ids:
                raise UserError(_("%s has no defective parts to return.")
                                % parts_return.name)
            self._aftersales_ensure_claim_value(parts_return.claim_id)
        for parts_return in self:
            picking = parts_return._create_picking()
            parts_return._aftersales_trusted().write(
                {"state": "confirmed", "picking_id": picking.id})
        return True

    @api.multi
    def action_done(self):
        """The parts left for the manufacturer: the transfer is validated by the
        warehouse."""
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(_("Shipping the defective parts is done by the warehouse: it "
                                "needs Inventory rights."))
        for parts_return in self:
            if parts_return.state != "confirmed":
                raise UserError(_("%s is not ready to ship.") % parts_return.name)
        pickings = self.mapped("picking_id").filtered(
            lambda p: p.state not in ("done", "cancel"))
        pickings.action_assign()
        for move_line in pickings.mapped("move_line_ids"):
            move_line.qty_done = move_line.product_uom_qty
        pickings.action_done()
        return True

    @api.multi
    def action_cancel(self):
        if self.filtered(lambda r: r.state == "done"):
            raise UserError(_("The parts were already returned to the manufacturer."))
        # sudo: only these returns' own transfers are cancelled (see _create_picking).
        self.mapped("picking_id").sudo().action_cancel()
        self._aftersales_trusted().write({"state": "cancelled"})
        return True

    @api.multi
    def action_draft(self):
        if self.filtered(lambda r: r.state != "cancelled"):
            raise UserError(_("Only a cancelled return can be set back to draft."))
        self._aftersales_trusted().write({"state": "draft", "picking_id": False})
        return True

    @api.multi
    def action_view_picking(self):
        self.ensure_one()
        action = self.env.ref("stock.action_picking_tree_all").read()[0]
        action["views"] = [(False, "form")]
        action["res_id"] = self.picking_id.id
        return action

    @api.model
    def _aftersales_ensure_claim_value(self, claim):
        if not self._claim_approved_for_replacement(claim):
            raise ValidationError(_(
                "%(claim)s is not approved for replacement (compensation: %(kind)s, state: "
                "%(state)s): only the defective parts of a claim approved for a "
                "replacement go back to the manufacturer.") % {
                    "claim": claim.name,
                    "kind": claim.compensation_kind and dict(
                        claim._fields["compensation_kind"]._description_selection(
                            self.env))[claim.compensation_kind] or _("none"),
                    "state": dict(claim._fields["state"]._description_selection(
                        self.env))[claim.state]})

    @api.model
    def _claim_approved_for_replacement(self, claim):
        return claim.compensation_kind == "replace" and (
            claim.state in ("approved", "compensated")
            or (claim.state == "closed" and bool(claim.date_compensated)))

    # ------------------------------------------------------------------ helpers

    def _create_picking(self):
        """The defective parts come off the customer's vehicle (the customers location:
        they were never part of the dealer's stock) and go to the manufacturer's vendor
        location."""
        self.ensure_one()
        source = self.partner_id.property_stock_customer \
            or self.env.ref("stock.stock_location_customers")
        destination = self.manufacturer_id.property_stock_supplier \
            or self.env.ref("stock.stock_location_suppliers")
        moves = [(0, 0, {
            "name": _("Defective %(part)s (%(claim)s)") % {
                "part": line.product_id.display_name, "claim": self.claim_id.name},
            "product_id": line.product_id.id,
            "product_uom": line.product_id.uom_id.id,
            "product_uom_qty": line.quantity,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "company_id": self.company_id.id,
            "origin": self.name,
            "partner_id": self.manufacturer_id.id,
            "aftersales_return_line_id": line.id,
        }) for line in self.line_ids]
        # sudo: the return transfer is prepared for the after-sales desk, who needs no
        # warehouse rights to decide it; it holds exactly this return's lines. The
        # warehouse validates it with its own rights (action_done).
        picking = self.env["stock.picking"].sudo().create({
            "picking_type_id": self.warehouse_id.out_type_id.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": self.manufacturer_id.id,
            "origin": "%s (%s)" % (self.name, self.claim_id.name),
            "company_id": self.company_id.id,
            "aftersales_parts_return_id": self.id,
            "move_lines": moves,
        })
        picking.action_confirm()
        picking.action_assign()
        return picking

    def _aftersales_sync_state(self):
        """The return is done once its transfer is."""
        for parts_return in self.filtered(lambda r: r.state == "confirmed"):
            if parts_return.picking_id.state == "done":
                parts_return._aftersales_trusted().write({
                    "state": "done", "date_done": parts_return.picking_id.date_done})
