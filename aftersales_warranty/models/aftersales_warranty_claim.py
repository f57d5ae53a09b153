# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.aftersales_followup.models.aftersales_guarded_mixin import is_trusted

MANAGER_GROUP = "aftersales_followup.group_aftersales_manager"
# Approves amounts above the company's approval limit.
SENIOR_APPROVER_GROUP = "aftersales_warranty.group_aftersales_warranty_senior_approver"

CLAIM_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("assessment", "Quality assessment"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("compensated", "Compensated"),
    ("closed", "Closed"),
]

# Which states each step starts from: everything else is refused with a clear message.
TRANSITIONS = {
    "submit": ("draft",),
    "assess": ("submitted",),
    "approve": ("assessment",),
    "reject": ("submitted", "assessment"),
    "compensate": ("approved",),
    "close": ("compensated", "rejected"),
}

# States in which a claim is decided: its lines and amounts are frozen.
DECIDED_STATES = ("approved", "rejected", "compensated", "closed")
# What the service desk takes in: it can change while the claim is a draft only.
INTAKE_FIELDS = ("partner_id", "vehicle_id", "date_claim", "date_failure", "odometer",
                 "symptom")
# What the inspector records: it can change until the claim is decided.
ASSESSMENT_FIELDS = ("cause", "assessment", "manufacturer_id", "sale_order_id")
# The decision: a manager sets it, before the claim is decided.
DECISION_FIELDS = ("compensation_kind", "amount_approved", "rejection_reason")


class AftersalesWarrantyClaim(models.Model):
    """A customer's warranty claim (质量保修, S11): received at the service desk, assessed
    by a quality inspector (质量鉴定), decided, compensated, and fed back to the
    manufacturer. Whether the failure is covered follows from the vehicle's handover date
    and odometer against the model's terms (and each part's own terms)."""
    _name = "aftersales.warranty.claim"
    _description = "Warranty claim"
    _inherit = ["aftersales.activity.mixin", "aftersales.guarded.mixin"]
    _order = "date_claim desc, id desc"
    # Set by the workflow's buttons only: the claim's state and the dates of its steps,
    # the refund paid, who inspected it and the feedback batch that reported it.
    _aftersales_guarded_fields = (
        "state", "date_submitted", "date_decision", "date_compensated", "date_closed",
        "amount_refunded", "feedback_id", "inspector_id")
    _aftersales_company_links = ("partner_id", "vehicle_id", "sale_order_id")
    _aftersales_frozen_fields = ("company_id", "name")

    name = fields.Char(string="Claim", required=True, readonly=True, copy=False,
                       default=lambda self: _("New"), index=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.warranty.claim"))
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    state = fields.Selection(CLAIM_STATES, required=True, default="draft", index=True,
                             copy=False, track_visibility="onchange")
    # --- intake
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True,
        track_visibility="onchange",
        readonly=True, states={"draft": [("readonly", False)]})
    vehicle_id = fields.Many2one(
        "aftersales.vehicle", string="Vehicle", required=True, index=True,
        ondelete="restrict", track_visibility="onchange",
        readonly=True, states={"draft": [("readonly", False)]})
    vin = fields.Char(related="vehicle_id.vin", readonly=True)
    vehicle_model_id = fields.Many2one(
        "product.product", string="Vehicle model", related="vehicle_id.product_id",
        store=True, readonly=True, index=True)
    handover_date = fields.Date(
        string="Handover date", related="vehicle_id.handover_date", readonly=True)
    sale_order_id = fields.Many2one(
        "sale.order", string="Service visit", index=True, ondelete="restrict", copy=False,
        track_visibility="onchange",
        domain="[('vehicle_id', '=', vehicle_id), ('aftersales_kind', '=', 'service')]",
        help="The service visit the claim came from; for a repair or a replacement, the "
             "order that carries out the compensation.")
    date_claim = fields.Date(
        string="Claimed on", required=True, index=True, copy=False,
        default=lambda self: self.env["res.company"]._aftersales_default_today(),
        readonly=True, states={"draft": [("readonly", False)]})
    date_failure = fields.Date(
        string="Failure date", required=True, track_visibility="onchange",
        readonly=True, states={"draft": [("readonly", False)]})
    odometer = fields.Integer(
        string="Odometer (km)", required=True, track_visibility="onchange",
        readonly=True, states={"draft": [("readonly", False)]},
        help="Reading at intake; it becomes the vehicle's last reading.")
    symptom = fields.Text(
        readonly=True, states={"draft": [("readonly", False)]},
        help="What the customer reports, in their words.")
    line_ids = fields.One2many(
        "aftersales.warranty.claim.line", "claim_id", string="Parts and labour", copy=True,
        readonly=True, states={"draft": [("readonly", False)],
                               "submitted": [("readonly", False)],
                               "assessment": [("readonly", False)]})
    amount_claimed = fields.Monetary(
        string="Amount claimed", compute="_compute_amounts", store=True,
        track_visibility="onchange")
    amount_covered = fields.Monetary(
        string="Amount covered",
        compute="_compute_amounts", store=True, track_visibility="onchange",
        help="The claimed lines that the warranty covers.")
    # --- coverage
    coverage = fields.Selection([
        ("covered", "Covered"),
        ("not_covered", "Not covered"),
    ], compute="_compute_coverage", store=True, index=True, track_visibility="onchange",
        help="From the vehicle's handover date and odometer against the model's terms.")
    coverage_reason = fields.Char(string="Coverage reason", compute="_compute_coverage_reason")
    # --- assessment and decision
    inspector_id = fields.Many2one("res.users", string="Inspector", index=True,
                                   track_visibility="onchange", copy=False)
    assessment = fields.Text(string="Quality assessment", copy=False,
                             help="质量鉴定: the inspector's findings.")
    cause = fields.Selection([
        ("manufacturing", "Manufacturing defect"),
        ("wear", "Normal wear"),
        ("misuse", "Misuse"),
        ("accident", "Accident"),
        ("other", "Other"),
    ], index=True, track_visibility="onchange", copy=False)
    compensation_kind = fields.Selection([
        ("repair", "Repair"),
        ("replace", "Replacement"),
        ("refund", "Refund"),
        ("goodwill", "Goodwill"),
    ], string="Compensation", track_visibility="onchange", copy=False,
        help="Goodwill: at the dealer's or maker's discretion, the only way a claim out of "
             "warranty can continue; approved by a manager. Repair, replacement and goodwill "
             "are carried out on a service visit at no charge; a refund records the amount.")
    amount_approved = fields.Monetary(
        string="Amount approved", track_visibility="onchange", copy=False)
    amount_refunded = fields.Monetary(string="Amount refunded", readonly=True, copy=False,
                                      track_visibility="onchange")
    rejection_reason = fields.Text(
        string="Rejection reason", track_visibility="onchange", copy=False)
    manufacturer_id = fields.Many2one(
        "res.partner", string="Manufacturer", index=True, track_visibility="onchange",
        help="Reimburses the claim and receives the quality feedback; by default the "
             "vehicle model's warranty manufacturer.")
    feedback_id = fields.Many2one(
        "aftersales.warranty.feedback", string="Reported in", index=True, readonly=True,
        copy=False, ondelete="restrict",
        help="The feedback batch that reported this claim to the manufacturer.")
    # --- dates of each step
    date_submitted = fields.Date(string="Submitted on", readonly=True, copy=False,
                                 track_visibility="onchange")
    date_decision = fields.Date(string="Decided on", readonly=True, copy=False,
                                track_visibility="onchange")
    date_compensated = fields.Date(string="Compensated on", readonly=True, copy=False,
                                   track_visibility="onchange")
    date_closed = fields.Date(string="Closed on", readonly=True, copy=False, index=True,
                              track_visibility="onchange")
    # --- analysis
    approval_rate = fields.Integer(
        string="Approved (%)", compute="_compute_approval_rate", store=True,
        group_operator="avg",
        help="100 for an approved claim, 0 otherwise: averaged over decided claims, the "
             "approval rate.")
    letter_count = fields.Integer(string="Number of letters", compute="_compute_letter_count")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)",
         "A claim number is unique per company."),
    ]

    # ------------------------------------------------------------------ computes

    @api.depends("line_ids.subtotal", "line_ids.coverage")
    def _compute_amounts(self):
        for claim in self:
            claim.amount_claimed = sum(claim.line_ids.mapped("subtotal"))
            claim.amount_covered = sum(
                claim.line_ids.filtered(lambda ln: ln.coverage == "covered").mapped("subtotal"))

    @api.depends("date_failure", "odometer", "vehicle_id.handover_date",
                 "vehicle_id.warranty_end_date", "vehicle_id.warranty_km_limit")
    def _compute_coverage(self):
        for claim in self:
            claim.coverage = claim._coverage_verdict()[0]

    @api.depends("date_failure", "odometer", "vehicle_id.handover_date",
                 "vehicle_id.warranty_end_date", "vehicle_id.warranty_km_limit")
    def _compute_coverage_reason(self):
        # Not stored: always explained in the reader's language.
        for claim in self:
            claim.coverage_reason = claim._coverage_verdict()[1]

    @api.depends("state", "date_compensated")
    def _compute_approval_rate(self):
        for claim in self:
            claim.approval_rate = 100 if claim._is_approved() else 0

    def _compute_letter_count(self):
        counts = self.env["aftersales.letter"]._count_for(self)
        for claim in self:
            claim.letter_count = counts.get(claim.id, 0)

    # ------------------------------------------------------------------ onchanges

    @api.onchange("vehicle_id")
    def _onchange_vehicle_id(self):
        if self.vehicle_id:
            if self.vehicle_id.partner_id:
                self.partner_id = self.vehicle_id.partner_id
            if not self.odometer:
                self.odometer = self.vehicle_id.odometer
            manufacturer = self.vehicle_id.product_id.warranty_manufacturer_id
            if manufacturer and not self.manufacturer_id:
                self.manufacturer_id = manufacturer
            self.company_id = self.vehicle_id.company_id

    @api.onchange("sale_order_id")
    def _onchange_sale_order_id(self):
        if self.sale_order_id and self.sale_order_id.odometer_in and not self.odometer:
            self.odometer = self.sale_order_id.odometer_in

    # ------------------------------------------------------------------ constraints

    @api.constrains("vehicle_id")
    def _check_vehicle_owner(self):
        for claim in self:
            if not claim.vehicle_id.partner_id:
                raise ValidationError(self._no_owner_message(claim.vehicle_id))

    @api.constrains("date_failure", "vehicle_id")
    def _check_date_failure(self):
        for claim in self:
            if claim.date_failure > claim.company_id._aftersales_today():
                raise ValidationError(_(
                    "The failure date %(date)s is in the future.") % {
                        "date": claim.date_failure})
            handover = claim.vehicle_id.handover_date
            if handover and claim.date_failure < handover:
                raise ValidationError(_(
                    "The failure date %(date)s is before the vehicle was handed over to its "
                    "owner (%(handover)s).") % {
                        "date": claim.date_failure, "handover": handover})

    @api.constrains("amount_approved", "line_ids")
    def _check_amount_approved(self):
        for claim in self:
            if claim.amount_approved < 0:
                raise ValidationError(_("The approved amount cannot be negative."))
            if claim.currency_id.compare_amounts(
                    claim.amount_approved, claim.amount_claimed) > 0:
                raise ValidationError(_(
                    "%(claim)s: the approved amount (%(approved).2f) is more than what is "
                    "claimed (%(claimed).2f).") % {
                        "claim": claim.name, "approved": claim.amount_approved,
                        "claimed": claim.amount_claimed})

    # ------------------------------------------------------------------ ORM overrides

    @api.model
    def create(self, vals):
        self._aftersales_check_guarded_create(vals)
        if any(vals.get(name) for name in DECISION_FIELDS):
            self._require_decision_right()
        vehicle = self.env["aftersales.vehicle"].browse(vals.get("vehicle_id"))
        if vehicle:
            if not vehicle.partner_id:
                raise ValidationError(self._no_owner_message(vehicle))
            vals.setdefault("partner_id", vehicle.partner_id.id)
            vals.setdefault("company_id", vehicle.company_id.id)
            if not vals.get("manufacturer_id"):
                vals["manufacturer_id"] = \
                    vehicle.product_id.warranty_manufacturer_id.id or False
            vals.setdefault("odometer", vehicle.odometer)
            self._aftersales_ensure_odometer_reading(vehicle, vals["odometer"] or 0)
        if vals.get("name", _("New")) == _("New") or not vals.get("name"):
            vals["name"] = self.env["ir.sequence"].with_context(
                force_company=vals.get("company_id")).next_by_code(
                    "aftersales.warranty.claim") or _("New")
        claim = super(AftersalesWarrantyClaim, self).create(vals)
        claim._record_vehicle_odometer()
        return claim

    @api.multi
    def write(self, vals):
        self._refuse_out_of_step_changes(vals)
        if vals.get("odometer") is not None or vals.get("vehicle_id"):
            for claim in self:
                vehicle = self.env["aftersales.vehicle"].browse(
                    vals.get("vehicle_id", claim.vehicle_id.id))
                reading = vals.get("odometer", claim.odometer)
                if vehicle != claim.vehicle_id or reading != claim.odometer:
                    self._aftersales_ensure_odometer_reading(vehicle, reading)
        result = super(AftersalesWarrantyClaim, self).write(vals)
        if vals.get("odometer") is not None or vals.get("vehicle_id"):
            self._record_vehicle_odometer()
        return result

    @api.multi
    def unlink(self):
        # Claims are records the manufacturer may audit: archive them instead.
        if not self.env.user._is_superuser():
            raise UserError(_("Warranty claims cannot be deleted; archive them instead."))
        return super(AftersalesWarrantyClaim, self).unlink()

    # ------------------------------------------------------------------ actions

    @api.multi
    def action_submit(self):
        """The service desk hands the claim over for assessment; the customer gets an
        acknowledgement."""
        self._aftersales_ensure_transition("submit")
        for claim in self:
            if not claim.line_ids:
                raise UserError(_("%s: add the parts and labour claimed before submitting.")
                                % claim.name)
            if not (claim.symptom or "").strip():
                raise UserError(_("%s: describe the symptom before submitting.") % claim.name)
        for claim in self:
            claim._aftersales_trusted().write({
                "state": "submitted", "date_submitted": claim.company_id._aftersales_today()})
        self._send_customer_email("aftersales_warranty.mail_template_claim_submitted",
                                  kind="notice")
        return True

    @api.multi
    def action_assess(self):
        """Start the quality assessment (质量鉴定)."""
        self._aftersales_ensure_transition("assess")
        for claim in self:
            vals = {"state": "assessment"}
            if not claim.inspector_id:
                vals["inspector_id"] = self.env.uid
            claim._aftersales_trusted().write(vals)
        return True

    @api.multi
    def action_approve(self):
        """A manager accepts the claim, within the company's approval limit; above it, a
        senior approver. The customer is told the decision."""
        self._aftersales_ensure_manager(
            _("Only an after-sales manager can approve a warranty claim."))
        self._aftersales_ensure_transition("approve")
        for claim in self:
            if not claim.compensation_kind:
                raise UserError(_("%s: choose the compensation before approving.")
                                % claim.name)
            if claim.coverage != "covered" and claim.compensation_kind != "goodwill":
                raise UserError(_(
                    "%(claim)s is not covered (%(reason)s): it can only continue as "
                    "goodwill.") % {"claim": claim.name, "reason": claim.coverage_reason})
            if not (claim.assessment or "").strip() or not claim.cause:
                raise UserError(_("%s: record the quality assessment and the cause before "
                                  "deciding.") % claim.name)
            amount = claim.amount_approved or claim._default_amount_approved()
            if not claim.currency_id.compare_amounts(amount, 0.0) > 0:
                raise UserError(_("%s: there is no amount to approve; set it, or reject "
                                  "the claim.") % claim.name)
            claim._require_approval_right(amount)
            claim._aftersales_trusted().write({
                "state": "approved", "amount_approved": amount,
                "date_decision": claim.company_id._aftersales_today()})
        self._send_customer_email("aftersales_warranty.mail_template_claim_decision",
                                  kind="reply")
        return True

    @api.multi
    def action_reject(self):
        """A manager refuses the claim; the customer is told why."""
        self._aftersales_ensure_manager(
            _("Only an after-sales manager can reject a warranty claim."))
        self._aftersales_ensure_transition("reject")
        for claim in self:
            if not (claim.rejection_reason or "").strip():
                raise UserError(_("%s: write the reason of the rejection first; the "
                                  "customer receives it.") % claim.name)
        for claim in self:
            claim._aftersales_trusted().write({
                "state": "rejected", "amount_approved": 0.0,
                "date_decision": claim.company_id._aftersales_today()})
            claim.message_post(body=_("Rejected: %s") % claim.rejection_reason)
        self._send_customer_email("aftersales_warranty.mail_template_claim_decision",
                                  kind="reply")
        return True

    @api.multi
    def action_compensate(self):
        """Carry out the decision: a repair, replacement or goodwill repair is put on the
        service visit, at no charge for what the approval covers; a refund records the
        amount approved."""
        self._aftersales_ensure_manager(_(
            "Only an after-sales manager can carry out the compensation of a warranty claim."))
        for claim in self:
            if claim.state in ("draft", "submitted", "assessment", "rejected"):
                raise UserError(_("%s must be approved before it is compensated.")
                                % claim.name)
        self._aftersales_ensure_transition("compensate")
        for claim in self:
            vals = {"state": "compensated",
                    "date_compensated": claim.company_id._aftersales_today()}
            if claim.compensation_kind == "refund":
                vals["amount_refunded"] = claim.amount_approved
                claim.message_post(body=_("Refunded %(amount).2f %(currency)s.") % {
                    "amount": claim.amount_approved, "currency": claim.currency_id.name})
            else:
                order, charged = claim._add_compensation_order_lines()
                vals["sale_order_id"] = order.id
                if claim.currency_id.is_zero(charged):
                    claim.message_post(body=_(
                        "Compensation carried out on the service visit %s at no charge.")
                        % order.name)
                else:
                    claim.message_post(body=_(
                        "Compensation carried out on the service visit %(order)s; "
                        "%(amount).2f %(currency)s not covered by the approval are "
                        "charged to the customer.") % {
                            "order": order.name, "amount": charged,
                            "currency": claim.currency_id.name})
            claim._aftersales_trusted().write(vals)
        self._send_customer_email("aftersales_warranty.mail_template_claim_compensated",
                                  kind="notice")
        return True

    @api.multi
    def action_close(self):
        """The claim is settled; the customer gets a follow-up call a few days later."""
        self._aftersales_ensure_manager(
            _("Only an after-sales manager can close a warranty claim."))
        self._aftersales_ensure_transition("close")
        for claim in self:
            claim._aftersales_trusted().write({
                "state": "closed", "date_closed": claim.company_id._aftersales_today()})
        self._aftersales_close_activities()
        return True

    @api.multi
    def action_view_sale_order(self):
        self.ensure_one()
        action = self.env.ref("sale.action_orders").read()[0]
        action["views"] = [(False, "form")]
        action["res_id"] = self.sale_order_id.id
        return action

    @api.multi
    def action_view_letters(self):
        self.ensure_one()
        return self.env["aftersales.letter"]._action_for(self)

    def _coverage_verdict(self):
        """(coverage, reason) of the claim against the vehicle model's terms."""
        self.ensure_one()
        vehicle = self.vehicle_id
        if not vehicle or not self.date_failure:
            return False, ""
        if not vehicle.handover_date:
            return "not_covered", _(
                "The vehicle has no handover date: the warranty start is unknown.")
        if not vehicle.product_id.warranty_months:
            return "not_covered", _("The model %s has no warranty terms.") % (
                vehicle.product_id.display_name or _("(unknown)"))
        covered, reason = self._warranty_verdict(
            vehicle.handover_date, vehicle.product_id.warranty_months,
            vehicle.product_id.warranty_km, self.date_failure, self.odometer)
        return ("covered" if covered else "not_covered"), reason

    @api.model
    def _warranty_verdict(self, start, months, km_limit, date_failure, odometer):
        """Judge a failure against warranty terms starting on ``start`` (a date string).

        Returns (covered, reason) where reason says why in words, in the language of the
        environment; ``months`` = 0 means no terms at all, ``km_limit`` = 0 no mileage
        limit. The last covered day is ``start`` plus ``months``, included; the limit
        itself is covered, one kilometre more is not.
        """
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")

        def km(value):
            return lang.format("%d", value, grouping=True)

        end = fields.Date.to_string(
            fields.Date.from_string(start) + relativedelta(months=months))
        reasons = []
        if date_failure > end:
            reasons.append(_("Warranty expired on %(date)s") % {"date": end})
        if km_limit and odometer > km_limit:
            reasons.append(_("%(over)s km over the %(limit)s km limit") % {
                "over": km(odometer - km_limit), "limit": km(km_limit)})
        if reasons:
            return False, "; ".join(reasons)
        if km_limit:
            return True, _("Covered until %(date)s and %(limit)s km") % {
                "date": end, "limit": km(km_limit)}
        return True, _("Covered until %(date)s, no mileage limit") % {"date": end}

    # ------------------------------------------------------------------ helpers

    def _is_approved(self):
        """Whether the claim was approved (and not rejected): the one definition, see
        ``_approved_domain`` for the same in a search."""
        self.ensure_one()
        # A closed claim was either compensated or rejected before.
        return self.state in ("approved", "compensated") or (
            self.state == "closed" and bool(self.date_compensated))

    @api.model
    def _approved_domain(self):
        """``_is_approved`` as a search domain."""
        return ["|", ("state", "in", ("approved", "compensated")),
                "&", ("state", "=", "closed"), ("date_compensated", "!=", False)]

    def _default_amount_approved(self):
        """Goodwill: what is claimed; otherwise what the warranty covers."""
        self.ensure_one()
        if self.compensation_kind == "goodwill":
            return self.amount_claimed
        return self.amount_covered

    @api.model
    def _no_owner_message(self, vehicle):
        return _("The vehicle %s has no owner: record the owner before opening a warranty "
                 "claim.") % vehicle.display_name

    def _state_label(self, state):
        return dict(self._fields["state"]._description_selection(self.env))[state]

    def _aftersales_ensure_transition(self, step):
        labels = {
            "submit": _("submitted"), "assess": _("assessed"), "approve": _("approved"),
            "reject": _("rejected"), "compensate": _("compensated"), "close": _("closed"),
        }
        for claim in self:
            if claim.state not in TRANSITIONS[step]:
                raise UserError(_("%(claim)s is %(state)s: it cannot be %(step)s.") % {
                    "claim": claim.name, "state": self._state_label(claim.state),
                    "step": labels[step]})

    def _aftersales_ensure_manager(self, message):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(message)

    def _require_decision_right(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("The compensation, the amount approved and the reason of a "
                                "rejection are decided by an after-sales manager."))

    def _require_approval_right(self, amount):
        """Up to the company's approval limit a manager approves; above it, only a senior
        approver."""
        self.ensure_one()
        company = self.company_id
        limit = company.aftersales_warranty_approval_limit
        if company.currency_id.compare_amounts(amount or 0.0, limit) > 0 \
                and not self.env.user.has_group(SENIOR_APPROVER_GROUP):
            raise AccessError(_(
                "Approving %(amount).2f %(currency)s needs a senior warranty approver: it "
                "is above the approval limit of %(limit).2f %(currency)s.") % {
                    "amount": amount, "limit": limit, "currency": company.currency_id.name})

    def _refuse_out_of_step_changes(self, vals):
        """What the service desk took in changes while the claim is a draft only, the
        assessment until the decision, and the decision is a manager's, before the claim
        is decided; after that only the workflow changes the claim."""
        if is_trusted(self.env):
            return
        changed = {name for name in vals if name in self._fields
                   and not self._aftersales_unchanged(name, vals[name])}
        if changed & set(DECISION_FIELDS):
            self._require_decision_right()
        for claim in self:
            if claim.state != "draft" and changed & set(INTAKE_FIELDS):
                raise UserError(_(
                    "%(claim)s was submitted: what was taken in (%(fields)s) can no longer "
                    "change.") % {"claim": claim.name, "fields": claim._field_labels(
                        changed & set(INTAKE_FIELDS))})
            if claim.state in DECIDED_STATES and changed & set(
                    ASSESSMENT_FIELDS + DECISION_FIELDS):
                raise UserError(_(
                    "%(claim)s is decided: %(fields)s can no longer change.") % {
                        "claim": claim.name, "fields": claim._field_labels(
                            changed & set(ASSESSMENT_FIELDS + DECISION_FIELDS))})

    def _field_labels(self, names):
        return ", ".join(sorted(self._fields[name].get_description(self.env)["string"]
                                for name in names))

    @api.model
    def _aftersales_ensure_odometer_reading(self, vehicle, reading):
        if reading < 0:
            raise ValidationError(_("The odometer cannot be negative."))
        if reading < vehicle.odometer:
            raise ValidationError(_(
                "The odometer reading of %(reading)d km is lower than the last reading of "
                "%(vehicle)s (%(last)d km).") % {
                    "reading": reading, "vehicle": vehicle.display_name,
                    "last": vehicle.odometer})

    def _record_vehicle_odometer(self):
        for claim in self:
            if claim.odometer > claim.vehicle_id.odometer:
                claim.vehicle_id._record_odometer(claim.odometer, claim.date_claim)

    def _add_compensation_order_lines(self):
        """Put the claim's parts and labour on the linked service visit, or on a new one:
        free of charge for what the approval covers (the covered lines, or every line for
        goodwill, up to the amount approved, in the order of the lines), at their price
        for the rest. Returns the order and the amount charged."""
        self.ensure_one()
        order_model = self.env["sale.order"]
        if not order_model.check_access_rights("create", raise_exception=False):
            raise AccessError(_("Carrying out a repair or replacement creates a service "
                                "order: it needs Sales rights."))
        order = self.sale_order_id
        if order and order.state not in ("draft", "sent", "sale"):
            raise UserError(_(
                "The service visit %(order)s is %(state)s: it cannot take the compensation "
                "lines. Unlock it, or unlink it from %(claim)s to create a new one.") % {
                    "order": order.name, "claim": self.name,
                    "state": dict(order._fields["state"]._description_selection(
                        self.env))[order.state]})
        if not order:
            order = order_model.create({
                "partner_id": self.partner_id.id,
                "aftersales_kind": "service",
                "vehicle_id": self.vehicle_id.id,
                "odometer_in": self.vehicle_id.odometer,
                "company_id": self.company_id.id,
                "origin": self.name,
            })
        line_model = self.env["sale.order.line"]
        charged_total = 0.0
        for line, charged in self._compensation_split():
            quantity = line.quantity
            charged_total += charged
            if self.currency_id.is_zero(charged):
                name = _("%(name)s (warranty claim %(claim)s)")
            else:
                name = _("%(name)s (warranty claim %(claim)s, not covered by the approval)")
            line_model.create({
                "order_id": order.id,
                "product_id": line.product_id.id,
                "name": name % {"name": line.name or line.product_id.display_name,
                                "claim": self.name},
                "product_uom_qty": quantity,
                "product_uom": line.product_id.uom_id.id,
                "price_unit": charged / quantity if quantity else 0.0,
            })
        return order, charged_total

    def _compensation_split(self):
        """[(claim line, amount charged to the customer)]: the approval pays the lines it
        covers (covered lines, every line for goodwill) in their order until the amount
        approved is used up; the rest of each line is charged."""
        self.ensure_one()
        budget = self.amount_approved
        split = []
        for line in self.line_ids:
            eligible = self.compensation_kind == "goodwill" or line.coverage == "covered"
            free = min(line.subtotal, budget) if eligible else 0.0
            budget -= free
            split.append((line, self.currency_id.round(line.subtotal - free)))
        return split

    def _send_customer_email(self, template_xmlid, kind):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        letters = self.env["aftersales.letter"]
        for claim in self:
            letters._send_template(template, claim, kind=kind)
