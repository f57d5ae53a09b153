# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import email_split, html2plaintext

from .aftersales_guarded_mixin import is_trusted


def escape_like(text):
    """``text`` matched literally by ``=like``/``=ilike`` (its % and _ are not wildcards)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The vehicle systems a technical consultation (S13) or a training is about.
TECHNICAL_SYSTEMS = [
    ("engine", "Engine"),
    ("transmission", "Transmission"),
    ("brakes", "Brakes"),
    ("electrical", "Electrical"),
    ("body", "Body"),
    ("air_conditioning", "Air conditioning"),
    ("infotainment", "Infotainment"),
    ("other", "Other"),
]
# A consultation can be published as an answer once the customer got it.
ANSWERED_STATES = ("answered", "solved", "informed")
# Once known, the solution is what the customer is told: it stays as it was.
SOLUTION_FROZEN_STATES = ("answered", "solved", "informed")


class AftersalesCase(models.Model):
    """Something the customer raised (S6-S7): a request, a hope, a complaint or a
    consultation. Answered on the call when possible; otherwise studied, escalated to the
    supervisor if needed, and the customer is told the solution the same day it is known."""
    _name = "aftersales.case"
    _description = "Customer case"
    _inherit = ["aftersales.activity.mixin", "aftersales.guarded.mixin"]
    _order = "create_date desc, id desc"
    # Set by the case's buttons only: where it stands and when, who it was escalated
    # to, whether its answer is published, and how the customer reached us.
    _aftersales_company_links = ("call_id", "partner_id", "vehicle_id")
    _aftersales_guarded_fields = ("state", "date_solved", "date_informed",
                                  "datetime_informed", "supervisor_id",
                                  "published", "channel")

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
    datetime_informed = fields.Datetime(
        string="Customer informed at", copy=False, readonly=True,
        help="When the customer was told the solution (or answered on the call): the "
             "end of the time to answer measured in the cases analysis.")
    informed_same_day = fields.Boolean(
        string="Informed the same day",
        compute="_compute_informed_same_day", store=True,
        help="The customer was told the solution on the day it was known.")
    letter_ids = fields.One2many("aftersales.letter", "case_id", string="Reply letters")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("aftersales.case"))
    active = fields.Boolean(default=True)
    channel = fields.Selection([
        ("phone", "Phone"),
        ("email", "Email"),
    ], required=True, default="phone", index=True,
        help="How the customer reached us: on a call, or by email to the after-sales "
             "address.")
    # Technical consultation (S13): what it is about, and the answer for the next customer.
    topic_model_id = fields.Many2one(
        "product.product", string="Vehicle model", index=True,
        help="The vehicle model the consultation is about (the vehicle's model by default).")
    topic_system = fields.Selection(TECHNICAL_SYSTEMS, string="System", index=True)
    answer = fields.Text(
        help="The answer given, written for the next customer who asks the same: without "
             "this customer's personal details. Published answers form the knowledge list.")
    published = fields.Boolean(
        index=True, copy=False, track_visibility="onchange",
        help="The answer is in the knowledge list, for officers to answer on the call.")
    trained_user_ids = fields.Many2many(
        "res.users", string="Trained on this model", compute="_compute_trained_user_ids",
        help="People of the dealership who passed a training on this vehicle model.")
    knowledge_count = fields.Integer(
        string="Similar answers", compute="_compute_knowledge_count",
        help="Published answers on the same vehicle model.")

    @api.model_cr
    def init(self):
        cr = self.env.cr
        # The supervisor's "Escalated to me" and the "Open complaints" list read their
        # first page in the list's order (create_date desc, id desc) and their count from
        # indexes as small as the open work, whatever the history (tests/bench part 7).
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_case_escalated_idx
                ON aftersales_case (supervisor_id, create_date DESC, id DESC)
             WHERE state = 'escalated'
        """)
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_case_open_complaint_idx
                ON aftersales_case (company_id, create_date DESC, id DESC)
             WHERE kind = 'complaint' AND state IN ('study', 'escalated', 'solved')
        """)
        # The cases pivot over the last 12 months of one dealership (the case report
        # bounds its creation, see aftersales.case.report._where_calc).
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_case_company_create_idx
                ON aftersales_case (company_id, create_date)
        """)

    @api.depends("date_solved", "date_informed")
    def _compute_informed_same_day(self):
        for case in self:
            same = bool(case.date_solved and case.date_informed
                        and case.date_informed == case.date_solved)
            case.informed_same_day = same

    @api.depends("topic_model_id", "company_id")
    def _compute_trained_user_ids(self):
        models_asked = self.mapped("topic_model_id")
        lines = self.env["aftersales.training.attendee"].search([
            ("result", "=", "passed"),
            ("training_id.vehicle_model_ids", "in", models_asked.ids or [0])])
        for case in self:
            case.trained_user_ids = lines.filtered(
                lambda line: case.topic_model_id in line.training_id.vehicle_model_ids
                and line.company_id == case.company_id).mapped("user_id")

    def _compute_knowledge_count(self):
        for case in self:
            case.knowledge_count = case.topic_model_id and self.search_count(
                case._knowledge_domain()) or 0

    @api.constrains("published", "kind", "state", "answer")
    def _check_published(self):
        for case in self.filtered("published"):
            if case.kind != "consultation":
                raise ValidationError(_(
                    "Only consultations can be published as answers: %s is not one.")
                    % case.name)
            if case.state not in ANSWERED_STATES or not (case.answer or "").strip():
                raise ValidationError(_(
                    "The consultation %s can be published once the customer got the answer, "
                    "with the answer to publish written.") % case.name)

    @api.onchange("call_id")
    def _onchange_call_id(self):
        if self.call_id:
            self.partner_id = self.call_id.partner_id
            self.vehicle_id = self.call_id.vehicle_id

    @api.onchange("vehicle_id", "kind")
    def _onchange_vehicle_topic(self):
        if self.kind == "consultation" and self.vehicle_id.product_id \
                and not self.topic_model_id:
            self.topic_model_id = self.vehicle_id.product_id

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
        case = super(AftersalesCase, self).create(vals)
        if case.kind == "consultation" and not case.topic_model_id \
                and case.vehicle_id.product_id:
            case.topic_model_id = case.vehicle_id.product_id
        return case

    @api.multi
    def write(self, vals):
        if "solution" in vals and not is_trusted(self.env):
            for case in self.filtered(lambda c: c.state in SOLUTION_FROZEN_STATES):
                if not case._aftersales_unchanged("solution", vals["solution"]):
                    raise UserError(_(
                        "The customer was given the solution of %s: it stays as it was. "
                        "Put the case back to study to change it.") % case.display_name)
        # A case put back to study is no longer an answer to publish.
        if vals.get("state") in ("study", "escalated") and "published" not in vals:
            vals = dict(vals, published=False)
        return super(AftersalesCase, self).write(vals)

    @api.multi
    def unlink(self):
        # Cases are part of the customer's archive (S6): only the administrator may purge.
        if not self.env.user._is_superuser():
            raise UserError(_("Cases cannot be deleted; archive them instead."))
        return super(AftersalesCase, self).unlink()

    # ------------------------------------------------------------------ email (S16)

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An email to the after-sales address becomes an inbound case (a consultation
        unless the alias says otherwise) on the customer matched by the sender's address,
        a new contact when unknown; the email is its first message. The customer follows
        the case, so that replies posted on it go back by email; the officer follows it
        too and gets an activity to answer today."""
        # The alias's defaults choose the kind and the company, never a guarded field.
        guarded = self._aftersales_guarded_names()
        values = {key: value for key, value in (custom_values or {}).items()
                  if key not in guarded}
        Partner = self.env["res.partner"]
        # The dealership the email was sent to (its own address, see res.company); the
        # sender is looked for among its customers and the shared contacts only.
        company = self.env["res.company"].browse(values.get("company_id")) \
            or self.env.user.company_id
        partner = Partner.browse(msg_dict.get("author_id")).exists()
        if partner.company_id and partner.company_id != company:
            partner = Partner
        # Only the sender the gateway matched itself, or a contact made for this very
        # address, follows the case (and receives its replies): a partner found here by
        # another lookup is not subscribed.
        subscribe = partner
        email_from = msg_dict.get("email_from") or ""
        if not partner and email_from:
            address = (email_split(email_from) or [email_from])[0]
            partner = Partner.search([("email", "=ilike", escape_like(address)),
                                      ("company_id", "in", [False, company.id])], limit=1)
            if not partner:
                name, email = Partner._parse_partner_name(email_from)
                partner = subscribe = Partner.create({
                    "name": name or email or email_from, "email": email or address,
                    "company_id": company.id})
        if not partner:
            raise UserError(_("An email without a sender address cannot become a case."))
        values.setdefault("kind", "consultation")
        values["partner_id"] = partner.id
        values["channel"] = "email"
        subject = (msg_dict.get("subject") or "").strip()
        values.setdefault("description", html2plaintext(msg_dict.get("body") or "").strip())
        values.setdefault("name", subject or _("Email from %s") % partner.display_name)
        values["company_id"] = company.id
        officer = partner._aftersales_officer(company)
        if officer:
            values.setdefault("user_id", officer.id)
        case = super(AftersalesCase, self._aftersales_trusted()).message_new(
            msg_dict, custom_values=values).with_env(self.env)
        if subscribe:
            case.message_subscribe(partner_ids=subscribe.ids)
        if case.user_id:
            case.message_subscribe_users(user_ids=case.user_id.ids)
            case._aftersales_schedule_activity(
                self.env.ref("mail.mail_activity_data_email"), case.user_id,
                case.company_id._aftersales_today(), _("Answer the customer's email"))
        return case

    # ------------------------------------------------------------------ actions

    @api.multi
    def action_answer(self):
        """Answered on the call: nothing left to do."""
        self._aftersales_ensure_state(("study", "escalated"), _("answered"))
        for case in self:
            if not case.solution:
                raise UserError(_("Write the answer given to the customer first."))
        for case in self:
            # the dealership's day: the same-day rate counts in its days
            today = case.company_id._aftersales_today()
            case._aftersales_trusted().write(
                {"state": "answered", "date_solved": today, "date_informed": today,
                 "datetime_informed": fields.Datetime.now()})
        self._aftersales_close_activities()
        return True

    @api.multi
    def action_study(self):
        self._aftersales_ensure_state(("answered",), _("put back to study"))
        self._aftersales_trusted().write({"state": "study"})
        return True

    @api.multi
    def action_escalate(self):
        """Report to the business supervisor and ask for a solution (S7)."""
        self._aftersales_ensure_state(("study",), _("escalated"))
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for case in self:
            today = case.company_id._aftersales_today()
            supervisor = case.company_id.aftersales_supervisor_id
            if not supervisor:
                raise UserError(_(
                    "No after-sales supervisor is configured for %s: set one in the "
                    "company's after-sales settings before escalating.") % case.company_id.name)
            case._aftersales_trusted().write(
                {"state": "escalated", "supervisor_id": supervisor.id})
            kind = dict(self._fields["kind"]._description_selection(self.env))[case.kind]
            case._aftersales_schedule_activity(
                activity_type, supervisor, today,
                _("Escalated %(kind)s: %(case)s") % {"kind": kind, "case": case.name},
                case.description or "")
        return True

    @api.multi
    def action_solve(self):
        """The solution is known: the officer must tell the customer today."""
        self._aftersales_ensure_state(("study", "escalated"), _("solved"))
        for case in self:
            if not (case.solution or "").strip():
                raise UserError(_("Write the solution before marking the case solved."))
        for case in self:
            case._aftersales_trusted().write(
                {"state": "solved", "date_solved": case.company_id._aftersales_today()})
        self._aftersales_close_activities()
        call_type = self.env.ref("mail.mail_activity_data_call")
        for case in self:
            today = case.company_id._aftersales_today()
            case._aftersales_schedule_activity(
                call_type, case.user_id or self.env.user, today, _("Inform the customer"),
                case.solution)
        return True

    @api.multi
    def action_inform(self):
        """The customer was told the solution."""
        self._aftersales_ensure_state(("solved",), _("marked as informed"))
        for case in self:
            case._aftersales_trusted().write(
                {"state": "informed", "date_informed": case.company_id._aftersales_today(),
                 "datetime_informed": fields.Datetime.now()})
        self._aftersales_close_activities()
        return True

    @api.multi
    def action_publish(self):
        """Publish answered consultations in the knowledge list (S13). The answer to
        publish is the solution given when none was written."""
        for case in self:
            if not (case.answer or "").strip() and case.solution:
                case.answer = case.solution
        self._aftersales_trusted().write({"published": True})
        return True

    @api.multi
    def action_unpublish(self):
        self._aftersales_trusted().write({"published": False})
        return True

    @api.multi
    def action_view_knowledge(self):
        """The published answers on the same vehicle model, to answer on the call."""
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_knowledge").read()[0]
        action["context"] = {"search_default_topic_model_id": self.topic_model_id.id}
        if self.topic_system:
            action["context"]["search_default_topic_system"] = self.topic_system
        return action

    @api.multi
    def action_send_reply_letter(self):
        """Tell the customer the solution by a reply letter (答复函): an email when they
        accept email, otherwise a letter to print and post; both are registered."""
        self._aftersales_ensure_state(("solved",), _("answered by letter"))
        template = self.env.ref("aftersales_followup.mail_template_case_reply")
        Letter = self.env["aftersales.letter"]
        for case in self:
            if case.partner_id._aftersales_accepts_email():
                Letter._send_template(template, case, kind="reply", case_id=case.id,
                                      call_id=case.call_id.id)
            else:
                Letter._create_post_letter(template, case, kind="reply", case_id=case.id,
                                           call_id=case.call_id.id)
        return self.action_inform()

    # ------------------------------------------------------------------ helpers

    def _aftersales_ensure_state(self, allowed, action):
        for case in self:
            if case.state not in allowed:
                raise UserError(_(
                    "The case %(case)s cannot be %(action)s in its current state.") % {
                        "case": case.display_name, "action": action})

    # ------------------------------------------------------------------ knowledge

    def _knowledge_domain(self):
        """Published answers on this case's vehicle model, other than this case."""
        self.ensure_one()
        return [("published", "=", True), ("topic_model_id", "=", self.topic_model_id.id),
                ("id", "!=", self.id)]

    @api.model
    def search_knowledge(self, keyword=None, vehicle_model=None, system=None):
        """The published answers (S13) on ``vehicle_model`` (a product.product or its id),
        about ``system``, whose subject, question or answer contains ``keyword``."""
        domain = [("published", "=", True)]
        if vehicle_model:
            model_id = vehicle_model.id if hasattr(vehicle_model, "id") else vehicle_model
            domain.append(("topic_model_id", "=", model_id))
        if system:
            domain.append(("topic_system", "=", system))
        for word in (keyword or "").split():
            domain += ["|", "|", ("name", "ilike", word), ("description", "ilike", word),
                       ("answer", "ilike", word)]
        return self.search(domain)

    @api.multi
    @api.returns("self", lambda value: value.id)
    def message_post(self, body="", subject=None, message_type="notification",
                     subtype=None, **kwargs):
        """A message posted on the case reaches its customer by email (they follow the
        case, or are a recipient): such a reply is entered in the letter register as a
        reply letter (S10). The email is left to the mail queue, so that the register
        follows its delivery. A customer who asked not to be emailed gets none, and the
        chatter says so."""
        message = super(AftersalesCase, self.with_context(
            mail_notify_force_send=False)).message_post(
                body=body, subject=subject, message_type=message_type, subtype=subtype,
                **kwargs)
        if message_type == "comment" and len(self) == 1:
            self._aftersales_register_email_reply(message)
            customer = self.partner_id
            if customer in message.sudo().needaction_partner_ids and not customer.user_ids \
                    and not customer._aftersales_accepts_email():
                self.message_post(body=_(
                    "Not emailed to %s, who asked not to be emailed: tell them by phone or "
                    "by a reply letter sent by post.") % customer.display_name,
                    subtype="mail.mt_note")
        return message

    @api.multi
    def _message_notification_recipients(self, message, recipients):
        """Customers who asked not to be emailed (Do not email) get no email of the
        case's messages either, even when they follow it."""
        result = super(AftersalesCase, self)._message_notification_recipients(
            message, recipients)
        for group in result.values():
            for key in ("followers", "not_followers"):
                group[key] = group[key].filtered(
                    lambda partner: partner.user_ids or partner._aftersales_accepts_email())
        return result

    def _aftersales_register_email_reply(self, message):
        self.ensure_one()
        # sudo: officers cannot read the mail queue; only the emails of this very message
        # to this case's own customer are looked up.
        mail = self.env["mail.mail"].sudo().search([
            ("mail_message_id", "=", message.id),
            ("recipient_ids", "in", self.partner_id.ids)], limit=1)
        if not mail:
            return self.env["aftersales.letter"]
        return self.env["aftersales.letter"]._aftersales_register({
            "name": message.subject or mail.subject or self.name,
            "partner_id": self.partner_id.id,
            "kind": "reply",
            "channel": "email",
            "case_id": self.id,
            "call_id": self.call_id.id,
            "mail_id": mail.id,
            "res_model": self._name,
            "res_id": self.id,
            "body_html": mail.body_html,
            "email_to": self.partner_id.email,
            "company_id": self.company_id.id,
        })
