# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import sql

from odoo import _, api, fields, models

from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import html_escape

from .. import phone

from .aftersales_call import SATISFACTION
from .aftersales_guarded_mixin import is_trusted

MANAGER_GROUP = "aftersales_followup.group_aftersales_manager"
# The caller moves the open calls itself (a bulk reassignment): an in-process marker.
CALLS_MOVED_BY_CALLER = object()
CALLS_MOVED_KEY = "aftersales_calls_moved"


class ResPartner(models.Model):
    """The customer file (客户档案, S1-S4, S16): contact data, vehicles, the officer in
    charge, class, potential needs, and every call and case in one place."""
    _name = "res.partner"
    _inherit = ["res.partner", "aftersales.guarded.mixin", "aftersales.import.mixin"]
    # Figures the suite keeps up to date from the calls, visits and survey answers.
    _aftersales_guarded_fields = (
        "aftersales_last_contact_date", "aftersales_satisfaction_avg",
        "aftersales_last_visit_date", "aftersales_returning", "aftersales_last_feedback",
        "aftersales_last_feedback_date")
    _aftersales_frozen_fields = ()
    _aftersales_company_links = ("aftersales_class_id",)
    _aftersales_guard_computed = False

    aftersales_customer = fields.Boolean(
        string="After-sales customer", index=True,
        help="Set when the customer's first vehicle is checked in or sold: the customer file "
             "exists from then on.")
    aftersales_user_id = fields.Many2one(
        "res.users", string="Follow-up officer", index=True, track_visibility="onchange",
        help="The person the supervisor assigned to this customer's after-sales follow-up.",
        groups="base.group_user")
    aftersales_class_id = fields.Many2one(
        "aftersales.customer.class", string="Customer class", index=True,
        track_visibility="onchange",
        groups="base.group_user")
    aftersales_class_pinned = fields.Boolean(
        string="Class pinned", track_visibility="onchange",
        help="Keep the class chosen by hand: the nightly classification leaves it alone.",
        groups="base.group_user")
    aftersales_returning = fields.Float(
        string="Returning customer", readonly=True, group_operator="avg", digits=(3, 2),
        help="1 when the customer came back for service within the last 12 months after an "
             "earlier visit (kept up to date nightly); averaged, the returning rate.",
        groups="base.group_user")
    do_not_call = fields.Boolean(
        string="Do not call", track_visibility="onchange",
        help="The customer asked not to be phoned: follow-up calls are registered as "
             "cancelled with the reason, and no one is asked to call. Email consent is the "
             "separate 'Opt-Out' box.")
    vehicle_ids = fields.One2many("aftersales.vehicle", "partner_id", string="Vehicles")
    aftersales_call_ids = fields.One2many("aftersales.call", "partner_id", string="Calls")
    aftersales_case_ids = fields.One2many("aftersales.case", "partner_id", string="Cases")
    aftersales_need_ids = fields.One2many("aftersales.need", "partner_id",
                                          string="Potential needs")
    aftersales_history_ids = fields.One2many(
        "aftersales.service.history", "partner_id", string="Service history",
        help="Visits brought in from the dealership's old system.",
        groups="aftersales_followup.group_aftersales_user")
    # S1: for business customers, where and how the business runs
    aftersales_business_sector = fields.Char(string="Business sector",
                                             groups="base.group_user")
    aftersales_business_situation = fields.Text(
        string="Business situation", help="经营情况: activity, fleet use, seasonality.",
        groups="base.group_user")
    aftersales_business_level = fields.Selection([
        ("small", "Small"),
        ("medium", "Medium"),
        ("large", "Large"),
    ], string="Business level", help="经营水平",
        groups="base.group_user")
    aftersales_fleet_size = fields.Integer(string="Fleet size", groups="base.group_user")
    aftersales_last_contact_date = fields.Datetime(
        string="Last contact", compute="_compute_aftersales_contact", store=True,
        help="Date of the last call that reached the customer.",
        groups="base.group_user")
    aftersales_satisfaction_avg = fields.Float(
        string="Average satisfaction", compute="_compute_aftersales_contact", store=True,
        group_operator="avg", digits=(3, 2),
        help="Average of the satisfaction (1-5) given on the calls that reached the customer "
             "and in the answers to the satisfaction survey.",
        groups="base.group_user")
    aftersales_last_feedback = fields.Selection(
        SATISFACTION, string="Last feedback", readonly=True,
        help="Overall satisfaction given in the customer's last answer to the satisfaction "
             "survey.")
    aftersales_last_feedback_date = fields.Datetime(string="Last feedback on", readonly=True)
    aftersales_last_visit_date = fields.Datetime(
        string="Last visit", compute="_compute_aftersales_last_visit", store=True,
        help="Check-in of the customer's last service visit.",
        groups="base.group_user")
    aftersales_vehicle_count = fields.Integer(
        string="Number of vehicles", compute="_compute_aftersales_counts")
    aftersales_call_count = fields.Integer(
        string="Number of after-sales calls", compute="_compute_aftersales_counts")
    aftersales_case_open_count = fields.Integer(
        string="Open after-sales cases", compute="_compute_aftersales_counts")
    aftersales_history_count = fields.Integer(
        string="Number of earlier visits", compute="_compute_aftersales_history_count",
        groups="aftersales_followup.group_aftersales_user")
    # The caller lookup compares these keys (phone.py), not the numbers as written: an
    # equality on an indexed column, where an ilike on phone/mobile reads every row.
    aftersales_phone_key = fields.Char(
        string="Phone (lookup key)", compute="_compute_aftersales_phone_keys", store=True,
        index=True, copy=False,
        help="The phone number's digits without country code or trunk zero: what the "
             "caller lookup compares.")
    aftersales_mobile_key = fields.Char(
        string="Mobile (lookup key)", compute="_compute_aftersales_phone_keys", store=True,
        index=True, copy=False,
        help="The mobile number's digits without country code or trunk zero: what the "
             "caller lookup compares.")

    @api.model_cr
    def init(self):
        # The SQL twin of phone.phone_key, for bulk loads and the migration that fills
        # the keys of the partners that existed before them.
        result = super(ResPartner, self).init()
        phone.create_sql_function(self.env.cr)
        return result

    @api.depends("aftersales_call_ids.state", "aftersales_call_ids.date_call",
                 "aftersales_call_ids.satisfaction", "aftersales_call_ids.survey_score")
    def _compute_aftersales_contact(self):
        calls = self.env["aftersales.call"].search(
            [("partner_id", "in", self.ids),
             "|", ("state", "=", "done"), ("survey_score", ">", 0)])
        for partner in self:
            given = calls.filtered(lambda c: c.partner_id == partner)
            reached = given.filtered(lambda c: c.state == "done")
            dates = [d for d in reached.mapped("date_call") if d]
            # Each score once: the phone's, and the survey's (which fills the call's
            # satisfaction when none was given on the phone).
            scores = [int(c.satisfaction) for c in reached
                      if c.satisfaction and not c.satisfaction_from_survey]
            scores += [c.survey_score for c in given if c.survey_score]
            partner.aftersales_last_contact_date = max(dates) if dates else False
            partner.aftersales_satisfaction_avg = sum(scores) / len(scores) if scores else 0.0

    @api.depends("sale_order_ids.checkin_date", "sale_order_ids.state",
                 "aftersales_history_ids.date_checkin")
    def _compute_aftersales_last_visit(self):
        # the visits in Odoo and in the service history brought in (one home for both)
        last_visits = self.env["aftersales.service.history"]._aftersales_last_visits(
            "partner_id", self.ids)
        for partner in self:
            partner.aftersales_last_visit_date = last_visits.get(partner.id, False)

    @api.depends("phone", "mobile")
    def _compute_aftersales_phone_keys(self):
        for partner in self:
            partner.aftersales_phone_key = phone.phone_key(partner.phone)
            partner.aftersales_mobile_key = phone.phone_key(partner.mobile)

    def _compute_aftersales_counts(self):
        for partner in self:
            partner.aftersales_vehicle_count = len(partner.vehicle_ids)
            partner.aftersales_call_count = len(partner.aftersales_call_ids)
            partner.aftersales_case_open_count = len(partner.aftersales_case_ids.filtered(
                lambda c: c.state not in ("answered", "informed")))

    def _compute_aftersales_history_count(self):
        for partner in self:
            partner.aftersales_history_count = len(partner.aftersales_history_ids)

    @api.constrains("aftersales_user_id")
    def _check_aftersales_officer(self):
        """The follow-up officer is one of the dealership's staff: an import matching
        a portal user (a customer) by name is refused with the reason."""
        for partner in self:
            # sudo: only whether the officer is an internal user is read
            officer = partner.sudo().aftersales_user_id
            if officer and officer.share:
                raise ValidationError(_(
                    "%(user)s is not one of the dealership's staff: the follow-up officer "
                    "of %(customer)s must be an internal user.") % {
                        "user": officer.name, "customer": partner.display_name})

    # ------------------------------------------------------------------ CRUD

    @api.multi
    def write(self, vals):
        """A supervisor assigns a customer's follow-up officer (S4); the customer's open
        calls and their activities follow the new officer."""
        # a refusal is listed with its reason by a Test Import
        with self._aftersales_collect_refusal():
            before = {}
            if "aftersales_user_id" in vals:
                changed = self.filtered(
                    lambda p: not p._aftersales_unchanged("aftersales_user_id",
                                                          vals["aftersales_user_id"]))
                if changed and not is_trusted(self.env) \
                        and not self.env.user.has_group(MANAGER_GROUP):
                    raise AccessError(_("Only an after-sales supervisor assigns a customer's "
                                        "follow-up officer."))
                if self.env.context.get(CALLS_MOVED_KEY) is not CALLS_MOVED_BY_CALLER:
                    before = {p.id: p._aftersales_officer() for p in changed}
            result = super(ResPartner, self).write(vals)
            if before:
                self._aftersales_move_open_calls(before)
            return result

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        """The caller lookup (the inbound-call form's customer field): a term written
        like a phone number finds the partners whose phone or mobile has the same key,
        however either was written, through the keys' indexes, and the partner whose
        reference it is (a customer number of the old dealer system is digits too);
        record rules apply (search). Other terms search names, e-mails and references
        as before."""
        if operator in ("ilike", "=ilike", "like", "=like", "=") \
                and phone.looks_like_phone(name):
            key = phone.phone_key(name)
            domain = expression.AND([
                ["|", "|", ("aftersales_phone_key", "=", key),
                 ("aftersales_mobile_key", "=", key), ("ref", "=", name.strip())],
                args or []])
            return self.search(domain, limit=limit).name_get()
        return super(ResPartner, self).name_search(name, args, operator=operator, limit=limit)

    @api.multi
    def action_view_aftersales_calls(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_call").read()[0]
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.multi
    def action_view_aftersales_cases(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_case").read()[0]
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.multi
    def action_view_aftersales_vehicles(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_vehicle").read()[0]
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.multi
    def action_view_aftersales_history(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_service_history").read()[0]
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.multi
    def action_log_inbound_call(self):
        """One short form to log an inbound consultation or complaint (S9, S16)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Inbound call"),
            "res_model": "aftersales.call",
            "view_mode": "form",
            "view_id": self.env.ref("aftersales_followup.view_aftersales_call_form_inbound").id,
            "target": "new",
            "context": {"default_partner_id": self.id, "default_direction": "in",
                        "default_purpose": "consultation"},
        }

    # ------------------------------------------------------------------ who, and may we

    # The one home of "who is the customer, who is their officer, may we phone, may we
    # email": these methods for Python, the *_sql ones below for set-based SQL, built
    # from the same rules. A fleet company's visits are often booked on a contact (its
    # driver): the customer file is the commercial partner's, and a refusal by either
    # the contact or the company is honoured.

    def _aftersales_file(self):
        """The customer file of these partners: their commercial partner."""
        return self.mapped("commercial_partner_id")

    def _aftersales_officer(self, company=None):
        """The follow-up officer of this partner's customer file: the file's, else the
        contact's own, else the dealership's default officer."""
        self.ensure_one()
        company = company or self.company_id or self.env.user.company_id
        return self.commercial_partner_id.aftersales_user_id or self.aftersales_user_id \
            or company.aftersales_default_user_id

    def _aftersales_may_phone(self):
        """Neither the contact nor the customer file asked not to be phoned."""
        self.ensure_one()
        return not (self.do_not_call or self.commercial_partner_id.do_not_call)

    def _aftersales_accepts_email(self):
        """Consent for email: an address, and no opt-out of the contact nor of the
        customer file."""
        self.ensure_one()
        return bool(self.email) and not (self.opt_out or self.commercial_partner_id.opt_out)

    @api.model
    def _aftersales_file_join_sql(self, partner="p", file="f"):
        """JOIN bringing the customer file ``file`` of the partner ``partner``."""
        return sql.SQL("JOIN res_partner {f} ON {f}.id = COALESCE({p}.commercial_partner_id, "
                       "{p}.id)").format(f=sql.Identifier(file), p=sql.Identifier(partner))

    @api.model
    def _aftersales_officer_sql(self, partner="p", file="f", company="c"):
        """The officer (see _aftersales_officer); ``company`` is the res_company row."""
        return sql.SQL("COALESCE({f}.aftersales_user_id, {p}.aftersales_user_id, "
                       "{c}.aftersales_default_user_id)").format(
            f=sql.Identifier(file), p=sql.Identifier(partner), c=sql.Identifier(company))

    @api.model
    def _aftersales_may_phone_sql(self, partner="p", file="f"):
        return sql.SQL("NOT (COALESCE({p}.do_not_call, FALSE) "
                       "OR COALESCE({f}.do_not_call, FALSE))").format(
            f=sql.Identifier(file), p=sql.Identifier(partner))

    @api.model
    def _aftersales_opted_out_sql(self, partner="p", file="f"):
        """The contact or the customer file refused email (and mail: a notice letter
        goes by post only to those who did not)."""
        return sql.SQL("(COALESCE({p}.opt_out, FALSE) OR COALESCE({f}.opt_out, FALSE))").format(
            f=sql.Identifier(file), p=sql.Identifier(partner))

    @api.model
    def _aftersales_may_email_sql(self, partner="p", file="f"):
        return sql.SQL("(COALESCE({p}.email, '') != '' AND NOT (COALESCE({p}.opt_out, FALSE) "
                       "OR COALESCE({f}.opt_out, FALSE)))").format(
            f=sql.Identifier(file), p=sql.Identifier(partner))

    def _aftersales_open_file(self, vehicle=None):
        """Create or complete the customer file (S1) when a vehicle comes in or is sold."""
        for partner in self:
            vals = {}
            if not partner.aftersales_customer:
                vals["aftersales_customer"] = True
            if not partner.aftersales_user_id:
                officer = partner.company_id.aftersales_default_user_id \
                    or self.env.user.company_id.aftersales_default_user_id
                if officer:
                    vals["aftersales_user_id"] = officer.id
            # sudo: a confirmed sale or service visit opens the file whoever confirms it
            # (a salesman needs no right to edit contacts): only the after-sales flag,
            # the company's default officer and the owner of an unowned vehicle are set.
            if vals:
                partner.sudo().write(vals)
            if vehicle and not vehicle.partner_id:
                vehicle.sudo().partner_id = partner

    # ------------------------------------------------------------------ officer turnover

    def _aftersales_assign_officer(self, officer):
        """Give these customer files to ``officer`` (a supervisor's bulk reassignment)
        and move their open calls and activities to them. Returns the number of calls
        moved."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only an after-sales supervisor reassigns customers."))
        files = self.mapped("commercial_partner_id")
        before = {p.id: p._aftersales_officer() for p in files
                  if p.aftersales_user_id != officer}
        # sudo: a supervisor without "Contact Creation" reassigns too; only the officer
        # of these customer files is written.
        files.filtered(lambda p: p.id in before).sudo().with_context(
            **{CALLS_MOVED_KEY: CALLS_MOVED_BY_CALLER}).write(
                {"aftersales_user_id": officer.id})
        return files._aftersales_move_open_calls(before)

    def _aftersales_move_open_calls(self, before):
        """Move the open calls (to do, not answered) of these customer files and of
        their contacts from their former officer (``before``: {file id: user}) to the
        files' officer now, with the calls' activities, set-based: one UPDATE per change
        of officer. As the ORM would, the new officer follows the calls and each call's
        chatter tracks the officer; each customer file gets a note saying how many calls
        moved. Returns the number of calls moved."""
        Trace = self.env["aftersales.bulk.trace"]
        Call = self.env["aftersales.call"]
        groups = {}
        for partner in self.filtered(lambda p: p.id in before):
            old, new = before[partner.id], partner._aftersales_officer()
            if old and new and old != new:
                groups.setdefault((old, new), []).append(partner.id)
        moved_total, notes = 0, {}
        for (old, new), file_ids in groups.items():
            self.env.cr.execute("""
                WITH moved AS (
                    UPDATE aftersales_call c
                       SET user_id = %(new)s, write_uid = %(uid)s,
                           write_date = now() AT TIME ZONE 'UTC'
                      FROM res_partner p
                     WHERE p.id = c.partner_id
                       AND COALESCE(p.commercial_partner_id, p.id) = ANY(%(files)s)
                       AND c.state IN ('todo', 'no_answer') AND c.user_id = %(old)s
                 RETURNING c.id, COALESCE(p.commercial_partner_id, p.id) AS file_id
                ), activity AS (
                    UPDATE mail_activity a SET user_id = %(new)s, write_uid = %(uid)s,
                           write_date = now() AT TIME ZONE 'UTC'
                      FROM moved
                     WHERE a.res_model = 'aftersales.call' AND a.res_id = moved.id
                       AND a.user_id = %(old)s
                )
                SELECT id, file_id FROM moved ORDER BY id
            """, {"new": new.id, "old": old.id, "uid": self.env.uid, "files": file_ids})
            rows = self.env.cr.fetchall()
            call_ids = [row[0] for row in rows]
            Trace._subscribe("aftersales.call", call_ids, [new.id] * len(call_ids))
            Trace._track(Call, "user_id", [(call_id, old.id, new.id) for call_id in call_ids])
            counts = {}
            for _call_id, file_id in rows:
                counts[file_id] = counts.get(file_id, 0) + 1
            for file_id in file_ids:
                notes[file_id] = _(
                    "Follow-up officer changed from %(old)s to %(new)s: %(count)d open "
                    "calls and their activities moved.") % {
                        "old": old.name, "new": new.name, "count": counts.get(file_id, 0)}
            moved_total += len(call_ids)
        Trace._note(self, {file_id: "<p>%s</p>" % html_escape(body)
                           for file_id, body in notes.items()})
        if moved_total:
            Call.invalidate_cache(["user_id"])
            self.env["mail.activity"].invalidate_cache()
        return moved_total
