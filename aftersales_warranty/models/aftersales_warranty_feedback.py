# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import csv
import io

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_repr

from odoo.addons.aftersales_followup.models.aftersales_guarded_mixin import is_trusted

from .aftersales_warranty_claim import MANAGER_GROUP

# What a sent batch keeps as it was sent.
SENT_FROZEN_FIELDS = ("manufacturer_id", "date_from", "date_to", "claim_ids")
# A spreadsheet opening the file runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The manufacturer's file: one row per claim line, these columns, in this order.
FEEDBACK_CSV_HEADER = [
    "claim", "vin", "model", "handover_date", "failure_date", "odometer_km", "symptom",
    "cause", "assessment", "part", "quantity", "unit_price", "subtotal", "amount_approved",
]


class AftersalesWarrantyFeedback(models.Model):
    """One batch of quality feedback to one manufacturer (向厂商反馈用户质量信息, S11): the
    approved claims of a period, sent once as a CSV file so that no claim is reported
    twice."""
    _name = "aftersales.warranty.feedback"
    _description = "Warranty quality feedback"
    _inherit = ["mail.thread", "aftersales.guarded.mixin"]
    _order = "date_to desc, id desc"
    _aftersales_guarded_fields = ("state", "date_sent", "attachment_id")
    _aftersales_frozen_fields = ("company_id", "name")

    name = fields.Char(string="Batch", required=True, readonly=True, copy=False,
                       default=lambda self: _("New"))
    manufacturer_id = fields.Many2one(
        "res.partner", string="Manufacturer", required=True, index=True,
        track_visibility="onchange",
        readonly=True, states={"draft": [("readonly", False)]})
    date_from = fields.Date(string="From", required=True,
                            readonly=True, states={"draft": [("readonly", False)]})
    date_to = fields.Date(string="To", required=True,
                          readonly=True, states={"draft": [("readonly", False)]},
                          default=lambda self: self.env["res.company"]._aftersales_default_today())
    claim_ids = fields.Many2many(
        "aftersales.warranty.claim", "aftersales_warranty_feedback_claim_rel",
        "feedback_id", "claim_id", string="Claims", copy=False,
        readonly=True, states={"draft": [("readonly", False)]},
        help="The manufacturer's approved claims of the period (decided in it) not yet "
             "reported.")
    claim_count = fields.Integer(string="Number of claims", compute="_compute_totals")
    amount_approved = fields.Monetary(string="Amount approved", compute="_compute_totals")
    state = fields.Selection([("draft", "Draft"), ("sent", "Sent")], required=True,
                             default="draft", index=True, copy=False,
                             track_visibility="onchange")
    date_sent = fields.Datetime(string="Sent on", readonly=True, copy=False)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True,
                                    copy=False, ondelete="restrict")
    file_data = fields.Binary(related="attachment_id.datas", string="Export file",
                              readonly=True)
    file_name = fields.Char(string="File name", related="attachment_id.datas_fname", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.warranty.feedback"))
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)

    @api.depends("claim_ids.amount_approved")
    def _compute_totals(self):
        for batch in self:
            batch.claim_count = len(batch.claim_ids)
            batch.amount_approved = sum(batch.claim_ids.mapped("amount_approved"))

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for batch in self:
            if batch.date_from > batch.date_to:
                raise ValidationError(_("The period of %(batch)s ends (%(to)s) before it "
                                        "starts (%(from)s).") % {
                                            "batch": batch.name, "to": batch.date_to,
                                            "from": batch.date_from})

    @api.model
    def create(self, vals):
        if not vals.get("name") or vals["name"] == _("New"):
            vals["name"] = self.env["ir.sequence"].with_context(
                force_company=vals.get("company_id")).next_by_code(
                    "aftersales.warranty.feedback") or _("New")
        return super(AftersalesWarrantyFeedback, self).create(vals)

    @api.multi
    def write(self, vals):
        # What was sent to the manufacturer is a record: the batch no longer changes.
        if not is_trusted(self.env) and self.filtered(lambda b: b.state != "draft") \
                and set(vals) & set(SENT_FROZEN_FIELDS):
            raise UserError(_("A feedback batch that was sent is a record of what the "
                              "manufacturer received: it cannot change."))
        return super(AftersalesWarrantyFeedback, self).write(vals)

    @api.multi
    def unlink(self):
        if any(batch.state == "sent" for batch in self):
            raise UserError(_("A feedback batch that was sent is a record of what the "
                              "manufacturer received: it cannot be deleted."))
        return super(AftersalesWarrantyFeedback, self).unlink()

    # ------------------------------------------------------------------ actions

    @api.multi
    def action_collect(self):
        """Take the manufacturer's approved claims decided in the period and not yet
        reported."""
        self._aftersales_ensure_manager()
        self._aftersales_ensure_draft()
        claim_model = self.env["aftersales.warranty.claim"]
        for batch in self:
            claims = claim_model.search([
                ("manufacturer_id", "=", batch.manufacturer_id.id),
                ("company_id", "=", batch.company_id.id),
                ("feedback_id", "=", False),
                ("date_decision", ">=", batch.date_from),
                ("date_decision", "<=", batch.date_to),
            ] + claim_model._approved_domain(), order="name")
            batch.claim_ids = [(6, 0, claims.ids)]
        return True

    @api.multi
    def action_send(self):
        """Produce the CSV file, attach it, email it to the manufacturer and mark the
        claims reported."""
        self._aftersales_ensure_manager()
        self._aftersales_ensure_draft()
        for batch in self:
            batch._aftersales_ensure_sendable()
        template = self.env.ref("aftersales_warranty.mail_template_warranty_feedback")
        for batch in self:
            attachment = self.env["ir.attachment"].create({
                "name": batch._file_name(),
                "datas_fname": batch._file_name(),
                "datas": base64.b64encode(batch._feedback_csv()),
                "mimetype": "text/csv",
                "res_model": self._name,
                "res_id": batch.id,
            })
            batch._mark_claims_reported()
            batch._aftersales_trusted().write({
                "state": "sent", "date_sent": fields.Datetime.now(),
                "attachment_id": attachment.id})
            # Not a letter to a customer: straight to the manufacturer's address.
            template.with_env(batch._aftersales_trusted().env).send_mail(
                batch.id, email_values={"attachment_ids": [attachment.id]})
        return True

    # ------------------------------------------------------------------ helpers

    def _aftersales_ensure_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only an after-sales manager can send quality feedback to "
                                "the manufacturer."))

    def _aftersales_ensure_draft(self):
        for batch in self:
            if batch.state != "draft":
                raise UserError(_("%s was already sent.") % batch.name)

    def _aftersales_ensure_sendable(self):
        self.ensure_one()
        if not self.claim_ids:
            raise UserError(_("%s has no claim to report: collect the claims of the period "
                              "first.") % self.name)
        reported = self.claim_ids.filtered("feedback_id")
        if reported:
            raise UserError(_("These claims were already reported to the manufacturer: "
                              "%(claims)s. Remove them from %(batch)s.") % {
                "claims": ", ".join("%s (%s)" % (c.name, c.feedback_id.name)
                                    for c in reported),
                "batch": self.name})
        not_approved = self.claim_ids.filtered(lambda c: not c._is_approved())
        if not_approved:
            raise UserError(_("Only approved claims are reported to the manufacturer: %s.")
                            % ", ".join(not_approved.mapped("name")))
        other = self.claim_ids.filtered(lambda c: c.manufacturer_id != self.manufacturer_id)
        if other:
            raise UserError(_("These claims belong to another manufacturer: %s.")
                            % ", ".join(other.mapped("name")))
        if not self.manufacturer_id.email:
            raise UserError(_("The manufacturer %s has no email address.")
                            % self.manufacturer_id.display_name)

    def _mark_claims_reported(self):
        """Set the batch on its claims, refusing any claim another batch reported in the
        meantime (two managers sending at once): the row lock of the UPDATE decides."""
        self.ensure_one()
        self.env.cr.execute("""
            UPDATE aftersales_warranty_claim
               SET feedback_id = %s, write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
             WHERE id IN %s AND feedback_id IS NULL
        """, (self.id, self.env.uid, tuple(self.claim_ids.ids)))
        if self.env.cr.rowcount != len(self.claim_ids):
            raise UserError(_("Some claims of %s were reported by another batch in the "
                              "meantime; collect the claims again.") % self.name)
        self.claim_ids.invalidate_cache(["feedback_id"])

    def _file_name(self):
        self.ensure_one()
        return "warranty_feedback_%s.csv" % self.name.replace("/", "-")

    def _feedback_csv(self):
        """The manufacturer's file (UTF-8 with a byte-order mark, so that spreadsheets
        read the Chinese text): one row per claim line."""
        self.ensure_one()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(FEEDBACK_CSV_HEADER)
        for claim in self.claim_ids.sorted("name"):
            for row in self._claim_rows(claim):
                writer.writerow([self._csv_text(cell) for cell in row])
        return buffer.getvalue().encode("utf-8-sig")

    @staticmethod
    def _csv_text(value):
        """A text cell as a spreadsheet shows it, never run: a symptom typed as
        ``=HYPERLINK(...)`` would otherwise be a formula in the manufacturer's
        spreadsheet. Numbers are written by the suite itself and stay as they are."""
        text = value if isinstance(value, str) else str(value)
        if text.startswith(FORMULA_START):
            try:
                float(text)
            except ValueError:
                return "'" + text
        return text

    def _claim_rows(self, claim):
        digits = claim.currency_id.decimal_places

        def amount(value):
            return float_repr(value, digits)

        head = [
            claim.name, claim.vin or "", claim.vehicle_model_id.name or "",
            claim.handover_date or "", claim.date_failure or "", str(claim.odometer),
            claim.symptom or "", claim.cause or "", claim.assessment or "",
        ]
        rows = []
        for line in claim.line_ids:
            quantity = ("%.3f" % line.quantity).rstrip("0").rstrip(".")
            rows.append(head + [line.product_id.display_name, quantity,
                                amount(line.price_unit), amount(line.subtotal),
                                amount(claim.amount_approved)])
        if not rows:
            rows.append(head + ["", "", "", "", amount(claim.amount_approved)])
        return rows
