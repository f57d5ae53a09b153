# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AftersalesCase(models.Model):
    """Something the customer raised (S6-S7): a request, a hope, a complaint or a
    consultation. Answered on the call when possible; otherwise studied, escalated to the
    supervisor if needed, and the customer is told the solution the same day it is known."""
    _name = "aftersales.case"
    _description = "Customer case"
    _inherit = ["aftersales.activity.mixin"]
    _order = "create_date desc, id desc"

    name = fields.Char(string="Subject", required=True, track_visibility="onchange")
    call_id = fields.Many2one("aftersales.call", string="Call", index=True,
                              ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    vehicle_id = fields.Many2one("aftersales.vehicle", string="Vehicle",
                                 domain="[('partner_id', '=', partner_id)]")
    kind = fields.Selection([
        ("request", "Request"),
        ("hope", "Hope"),
        ("complaint", "Complaint"),
        ("consultation", "Consultation"),
    ], required=True, default="request", index=True)
    description = fields.Text(help="What the customer said, in their words.")
    state = fields.Selection([
        ("answered", "Answered on the call"),
        ("study", "To study"),
        ("escalated", "Escalated"),
        ("solved", "Solved"),
        ("informed", "Customer informed"),
    ], required=True, default="study", index=True, track_visibility="onchange", copy=False)
    user_id = fields.Many2one("res.users", string="Officer", index=True,
                              default=lambda self: self.env.user,
                              track_visibility="onchange")
    supervisor_id = fields.Many2one("res.users", string="Supervisor",
                                    track_visibility="onchange", copy=False)
    solution = fields.Text(track_visibility="onchange", copy=False)
    date_solved = fields.Date(string="Solved on", copy=False, readonly=True)
    date_informed = fields.Date(string="Customer informed on", copy=False, readonly=True)
    informed_same_day = fields.Boolean(
        compute="_compute_informed_same_day", store=True,
        help="S7: the customer was told the solution on the day it was known.")
    informed_same_day_rate = fields.Integer(
        string="Informed the same day", compute="_compute_informed_same_day", store=True,
        group_operator="avg")
    letter_ids = fields.One2many("aftersales.letter", "case_id", string="Reply letters")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("aftersales.case"))
    active = fields.Boolean(default=True)

    @api.depends("date_solved", "date_informed")
    def _compute_informed_same_day(self):
        for case in self:
            same = bool(case.date_solved and case.date_informed
                        and case.date_informed == case.date_solved)
            case.informed_same_day = same
            case.informed_same_day_rate = 1 if same else 0

    @api.onchange("call_id")
    def _onchange_call_id(self):
        if self.call_id:
            self.partner_id = self.call_id.partner_id
            self.vehicle_id = self.call_id.vehicle_id

    @api.model
    def create(self, vals):
        call = self.env["aftersales.call"].browse(vals.get("call_id"))
        if call:
            vals.setdefault("partner_id", call.partner_id.id)
            vals.setdefault("vehicle_id", call.vehicle_id.id)
            vals.setdefault("company_id", call.company_id.id)
        if not vals.get("name") and (vals.get("description") or "").strip():
            vals["name"] = vals["description"].strip().splitlines()[0][:80]
        if not vals.get("name"):
            raise UserError(_("Say what the customer raised: a subject or a description."))
        if vals.get("state") == "answered" and not vals.get("solution"):
            raise UserError(_("Write the answer given on the call before closing the case."))
        return super(AftersalesCase, self).create(vals)

    @api.multi
    def unlink(self):
        # Cases are part of the customer's archive (S6): only the administrator may purge.
        if not self.env.user._is_superuser():
            raise UserError(_("Cases cannot be deleted; archive them instead."))
        return super(AftersalesCase, self).unlink()

    # ------------------------------------------------------------------ actions

    def _check_state(self, allowed, action):
        for case in self:
            if case.state not in allowed:
                raise UserError(_(
                    "The case %(case)s cannot be %(action)s in its current state.") % {
                        "case": case.display_name, "action": action})

    @api.multi
    def action_answer(self):
        """Answered on the call: nothing left to do."""
        self._check_state(("study", "escalated"), _("answered"))
        for case in self:
            if not case.solution:
                raise UserError(_("Write the answer given to the customer first."))
        today = fields.Date.context_today(self)
        self.write({"state": "answered", "date_solved": today, "date_informed": today})
        self._aftersales_close_activities()
        return True

    @api.multi
    def action_study(self):
        self._check_state(("answered",), _("put back to study"))
        self.write({"state": "study"})
        return True

    @api.multi
    def action_escalate(self):
        """Report to the business supervisor and ask for a solution (S7)."""
        self._check_state(("study",), _("escalated"))
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        today = fields.Date.context_today(self)
        for case in self:
            supervisor = case.company_id.aftersales_supervisor_id
            if not supervisor:
                raise UserError(_(
                    "No after-sales supervisor is configured for %s: set one in the "
                    "company's after-sales settings before escalating.") % case.company_id.name)
            case.write({"state": "escalated", "supervisor_id": supervisor.id})
            kind = dict(self._fields["kind"]._description_selection(self.env))[case.kind]
            case._aftersales_schedule_activity(
                activity_type, supervisor, today,
                _("Escalated %(kind)s: %(case)s") % {"kind": kind, "case": case.name},
                case.description or "")
        return True

    @api.multi
    def action_solve(self):
        """The solution is known: the officer must tell the customer today."""
        self._check_state(("study", "escalated"), _("solved"))
        for case in self:
            if not (case.solution or "").strip():
                raise UserError(_("Write the solution before marking the case solved."))
        today = fields.Date.context_today(self)
        self.write({"state": "solved", "date_solved": today})
        self._aftersales_close_activities()
        call_type = self.env.ref("mail.mail_activity_data_call")
        for case in self:
            case._aftersales_schedule_activity(
                call_type, case.user_id or self.env.user, today, _("Inform the customer"),
                case.solution)
        return True

    @api.multi
    def action_inform(self):
        """The customer was told the solution."""
        self._check_state(("solved",), _("marked as informed"))
        self.write({"state": "informed", "date_informed": fields.Date.context_today(self)})
        self._aftersales_close_activities()
        return True

    @api.multi
    def action_send_reply_letter(self):
        """Tell the customer the solution by a reply letter (答复函): an email when they
        accept email, otherwise a letter to print and post; both are registered."""
        self._check_state(("solved",), _("answered by letter"))
        template = self.env.ref("aftersales_followup.mail_template_case_reply")
        Letter = self.env["aftersales.letter"]
        for case in self:
            if case.partner_id._aftersales_accepts_email():
                Letter.send_template(template, case, kind="reply", case_id=case.id,
                                     call_id=case.call_id.id)
            else:
                Letter.create_post_letter(template, case, kind="reply", case_id=case.id,
                                          call_id=case.call_id.id)
        return self.action_inform()
