# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.queue_job.job import job

from .job_channel import AFTERSALES_CHANNEL, id_chunks

_logger = logging.getLogger(__name__)

# Customers per letters job (one transaction each); the system parameter below overrides it.
LETTER_CHUNK = 1000
LETTER_CHUNK_PARAM = "aftersales.campaign_letter_chunk"


class AftersalesCampaign(models.Model):
    """A customer club event, a discount or a free-service campaign (S8): every targeted
    customer is phoned two weeks before the event, then sent the notice letter (email or
    post) within two days."""
    _name = "aftersales.campaign"
    _description = "After-sales campaign"
    _inherit = ["aftersales.activity.mixin", "aftersales.guarded.mixin"]
    _order = "date_event desc, id desc"
    _aftersales_guarded_fields = ("state",)

    name = fields.Char(required=True, translate=True, track_visibility="onchange")
    kind = fields.Selection([
        ("club_event", "Customer club event"),
        ("discount", "Discount"),
        ("free_service", "Free service"),
    ], required=True, default="club_event")
    state = fields.Selection([
        ("draft", "Draft"),
        ("scheduled", "Scheduled"),
        ("notifying", "Notifying"),
        ("done", "Done"),
        ("cancelled", "Cancelled"),
    ], required=True, default="draft", index=True, track_visibility="onchange", copy=False)
    date_event = fields.Date(string="Event date", required=True, track_visibility="onchange")
    notice_days = fields.Integer(string="Phone notice (days before)", default=14,
                                 required=True)
    letter_days = fields.Integer(string="Letter within (days)", default=2, required=True)
    date_notice = fields.Date(
        string="Phone notice on", compute="_compute_dates", store=True, index=True,
        help="Two weeks before the event: the notice calls are due this day.")
    date_letter_deadline = fields.Date(
        string="Letters by", compute="_compute_dates", store=True,
        help="Every targeted customer has their notice letter by this day.")
    short_notice = fields.Boolean(string="Short notice", compute="_compute_short_notice")
    description = fields.Html(translate=True, help="What the customer is invited to.")
    location = fields.Char()
    user_id = fields.Many2one("res.users", string="Responsible",
                              default=lambda self: self.env.user)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.campaign"))
    mail_template_id = fields.Many2one(
        "mail.template", string="Notice template",
        domain="[('model', '=', 'aftersales.letter')]",
        help="Renders the notice letter (email, or the printed letter sent by post).")
    # Target customers
    target_domain = fields.Char(
        string="Target customers", default="[]",
        help="Which customers are invited, on top of the ready filters below.")
    class_ids = fields.Many2many("aftersales.customer.class", string="Customer classes")
    vehicle_model_ids = fields.Many2many("product.product", string="Vehicle models")
    last_visit_after = fields.Date(string="Last visit after")
    last_visit_before = fields.Date(string="Last visit before")
    vehicle_max_age_years = fields.Integer(
        string="Vehicle under (years)", help="Only owners of a vehicle handed over less "
                                             "than this many years ago (0: any age).")
    call_ids = fields.One2many("aftersales.call", "campaign_id", string="Calls")
    letter_ids = fields.One2many("aftersales.letter", "campaign_id", string="Letters")
    appointment_ids = fields.One2many("aftersales.appointment", "campaign_id",
                                      string="Appointments", readonly=True)
    # Counters
    target_count = fields.Integer(string="Targeted", compute="_compute_target_count")
    call_count = fields.Integer(string="Called", compute="_compute_counters")
    reached_count = fields.Integer(string="Reached", compute="_compute_counters")
    accepted_count = fields.Integer(string="Accepted", compute="_compute_counters")
    declined_count = fields.Integer(string="Declined", compute="_compute_counters")
    letter_count = fields.Integer(string="Lettered", compute="_compute_counters")
    late_call_count = fields.Integer(string="Late calls", compute="_compute_counters")
    late_letter_count = fields.Integer(string="Late letters", compute="_compute_counters")

    @api.depends("date_event", "notice_days", "letter_days")
    def _compute_dates(self):
        for campaign in self:
            if not campaign.date_event:
                campaign.date_notice = campaign.date_letter_deadline = False
                continue
            event = fields.Date.from_string(campaign.date_event)
            notice = event - timedelta(days=campaign.notice_days)
            campaign.date_notice = fields.Date.to_string(notice)
            campaign.date_letter_deadline = fields.Date.to_string(
                notice + timedelta(days=campaign.letter_days))

    @api.depends("date_notice", "state")
    def _compute_short_notice(self):
        for campaign in self:
            campaign.short_notice = bool(
                campaign.state in ("draft", "scheduled") and campaign.date_notice
                and campaign.date_notice < (campaign.company_id or self.env.user.company_id)
                ._aftersales_today())

    def _compute_target_count(self):
        Partner = self.env["res.partner"]
        for campaign in self:
            campaign.target_count = Partner.search_count(campaign._target_domain())

    def _compute_counters(self):
        cr = self.env.cr
        stats = dict.fromkeys(self.ids)
        if self.ids:
            cr.execute("""
                SELECT camp.id,
                       (SELECT count(*) FROM aftersales_call c
                         WHERE c.campaign_id = camp.id AND c.state != 'cancelled'),
                       (SELECT count(*) FROM aftersales_call c
                         WHERE c.campaign_id = camp.id AND c.state = 'done'),
                       (SELECT count(*) FROM aftersales_call c
                         WHERE c.campaign_id = camp.id AND c.campaign_response = 'accepted'),
                       (SELECT count(*) FROM aftersales_call c
                         WHERE c.campaign_id = camp.id AND c.campaign_response = 'declined'),
                       (SELECT count(*) FROM aftersales_letter l
                         WHERE l.campaign_id = camp.id),
                       (SELECT count(*) FROM aftersales_call c
                         WHERE c.campaign_id = camp.id AND c.state = 'done'
                           AND c.date_call::date > c.date_due),
                       (SELECT count(*) FROM aftersales_letter l
                         WHERE l.campaign_id = camp.id
                           AND l.create_date::date > camp.date_letter_deadline)
                  FROM aftersales_campaign camp WHERE camp.id IN %s
            """, (tuple(self.ids),))
            for row in cr.fetchall():
                stats[row[0]] = row[1:]
        for campaign in self:
            row = stats.get(campaign.id) or (0,) * 7
            (campaign.call_count, campaign.reached_count, campaign.accepted_count,
             campaign.declined_count, campaign.letter_count, campaign.late_call_count,
             campaign.late_letter_count) = row

    @api.constrains("notice_days", "letter_days")
    def _check_days(self):
        for campaign in self:
            if campaign.notice_days < 0 or campaign.letter_days < 0:
                raise ValidationError(_("The notice and letter delays cannot be negative."))

    @api.constrains("target_domain")
    def _check_target_domain(self):
        for campaign in self:
            try:
                domain = safe_eval(campaign.target_domain or "[]")
                self.env["res.partner"].search_count(domain)
            except Exception as error:
                raise ValidationError(_(
                    "The target of %(campaign)s is not a valid filter: %(error)s") % {
                        "campaign": campaign.name, "error": error})

    # ------------------------------------------------------------------ actions

    @api.multi
    def action_schedule(self):
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(_("Only a draft campaign can be scheduled."))
            if campaign.date_event < campaign.company_id._aftersales_today():
                raise UserError(_("The event date of %s is in the past.") % campaign.name)
            partners = self.env["res.partner"].search(campaign._target_domain())
            if not partners:
                raise UserError(_("The campaign %s targets no customer: widen its "
                                  "filters.") % campaign.name)
            if not campaign.mail_template_id:
                raise UserError(_("Choose the notice template of %s: it renders the emails "
                                  "and the printed letters.") % campaign.name)
        self._aftersales_trusted().write({"state": "scheduled"})
        # A campaign scheduled less than two weeks ahead gets its calls at once, due today
        # (its dealership's today).
        for campaign in self:
            today = campaign.company_id._aftersales_today()
            if campaign.date_notice <= today:
                campaign._run_notice(today)
        return True

    @api.multi
    def action_cancel(self):
        for campaign in self:
            if campaign.state == "done":
                raise UserError(_("A finished campaign cannot be cancelled."))
        self._aftersales_trusted().write({"state": "cancelled"})
        open_calls = self.mapped("call_ids").filtered(
            lambda c: c.state in ("todo", "no_answer"))
        open_calls._aftersales_cancel("campaign")
        return True

    @api.multi
    def action_draft(self):
        self.filtered(lambda c: c.state == "cancelled")._aftersales_trusted().write(
            {"state": "draft"})
        return True

    @api.multi
    def action_view_calls(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_call").read()[0]
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id, "default_purpose": "campaign"}
        return action

    @api.multi
    def action_view_letters(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_letter").read()[0]
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------ target

    def _target_domain(self):
        """The customers this campaign invites, as a res.partner domain."""
        self.ensure_one()
        domain = [("aftersales_customer", "=", True)]
        domain += safe_eval(self.target_domain or "[]")
        if self.company_id:
            domain += ["|", ("company_id", "=", False),
                       ("company_id", "=", self.company_id.id)]
        if self.class_ids:
            domain.append(("aftersales_class_id", "in", self.class_ids.ids))
        if self.vehicle_model_ids:
            domain.append(("vehicle_ids.product_id", "in", self.vehicle_model_ids.ids))
        if self.last_visit_after:
            domain.append(("aftersales_last_visit_date", ">=", self.last_visit_after))
        if self.last_visit_before:
            domain.append(("aftersales_last_visit_date", "<", self.last_visit_before))
        if self.vehicle_max_age_years:
            limit = fields.Date.from_string(
                (self.company_id or self.env.user.company_id)._aftersales_today()) \
                - relativedelta(years=self.vehicle_max_age_years)
            domain.append(("vehicle_ids.handover_date", ">=", fields.Date.to_string(limit)))
        return domain

    def _target_partner_ids(self):
        self.ensure_one()
        return self.env["res.partner"].search(self._target_domain()).ids

    # ------------------------------------------------------------------ scheduled action

    @api.model
    def _cron_run_campaigns(self, commit=False, now=None):
        """Daily: phone notices on the notice date, letters by the deadline, in the days
        of each campaign's dealership at ``now`` (naive UTC, default now)."""
        # The latest day any dealership can be in: each campaign then checks its own.
        latest = fields.Date.to_string(
            self.env["res.company"]._aftersales_moment(now).date() + timedelta(days=1))
        campaigns = self.search([("state", "in", ("scheduled", "notifying")),
                                 ("date_notice", "<=", latest)])
        for campaign in campaigns:
            today = campaign.company_id._aftersales_today(now)
            if campaign.date_notice > today:
                continue
            if commit:
                self.env["aftersales.call"]._aftersales_next_transaction()
                if campaign.state not in ("scheduled", "notifying"):
                    continue  # finished meanwhile by a concurrent worker
            campaign._run_notice(today)
            campaign._run_letters(today)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    def _run_notice(self, today):
        """Create the notice calls (one per targeted customer) with their activities."""
        for campaign in self:
            partner_ids = campaign._target_partner_ids()
            if campaign.state == "scheduled":
                campaign._aftersales_trusted().state = "notifying"
            if partner_ids:
                campaign._create_notice_calls(partner_ids, max(today, campaign.date_notice))

    def _create_notice_calls(self, partner_ids, date_due):
        """One notice call per targeted customer, with its activity, set-based."""
        self.ensure_one()
        Call = self.env["aftersales.call"]
        due = sql.SQL("""
            SELECT p.id AS partner_id,
                   (SELECT v.id FROM aftersales_vehicle v
                     WHERE v.partner_id = p.id AND v.active ORDER BY v.id LIMIT 1)
                       AS vehicle_id,
                   %(company)s AS company_id, NULL::int AS rule_id, %(campaign)s AS link_id,
                   {officer} AS user_id,
                   NOT {may_phone} AS do_not_call,
                   p.name || ' - ' || %(campaign_name)s AS name,
                   %(date_due)s::date AS date_due, %(date_event)s::date AS date_expiry
              FROM res_partner p
              JOIN unnest(%(partner_ids)s::int[]) AS t(id) ON t.id = p.id
              {file_join}
              JOIN res_company c ON c.id = %(company)s
             WHERE NOT EXISTS (SELECT 1 FROM aftersales_call ac
                                WHERE ac.campaign_id = %(campaign)s AND ac.partner_id = p.id)
        """).format(**Call._customer_sql())
        _selected, created, _last = Call._insert_due_calls(due, {
            "partner_ids": partner_ids, "campaign": self.id, "campaign_name": self.name,
            "date_due": date_due, "date_event": self.date_event,
            "company": self.company_id.id,
        }, "campaign_id", "campaign", _("Campaign notice: %s") % self.name)
        self.env.cr.execute("""
            UPDATE aftersales_call SET campaign_response = 'undecided'
             WHERE campaign_id = %s AND campaign_response IS NULL
        """, (self.id,))
        Call.invalidate_cache(["campaign_response"])
        return created

    def _run_letters(self, today):
        """Letters go out once the customer's notice call is handled (declined: none),
        and to every remaining targeted customer on the deadline. The letters are
        written by chunk jobs on the suite's queue_job channel (any worker of any host
        runs them); this only plans them. On the deadline the campaign is done: nothing
        is left for the scheduled action, its last chunks may still be running."""
        for campaign in self:
            partner_ids = campaign._target_partner_ids()
            if not partner_ids:
                continue
            deadline_reached = today >= campaign.date_letter_deadline
            campaign._plan_letter_jobs(partner_ids, deadline_reached, today)
            if deadline_reached:
                campaign._aftersales_trusted().state = "done"

    def _letter_chunk_size(self):
        # sudo: a system parameter (a number) read by the scheduled action, not shown.
        value = self.env["ir.config_parameter"].sudo().get_param(LETTER_CHUNK_PARAM)
        try:
            size = int(value or LETTER_CHUNK)
        except ValueError:
            size = LETTER_CHUNK
        return max(size, 1)

    def _plan_letter_jobs(self, partner_ids, deadline_reached, today):
        """One job per chunk of targeted customers; returns how many were planned.

        A chunk's identity (campaign, day, deadline, its customers) keeps a second
        planning of the same day from adding a job while the first one waits; a chunk
        run again anyway adds nothing (see _job_campaign_letters)."""
        self.ensure_one()
        chunks = id_chunks(partner_ids, self._letter_chunk_size())
        for number, (chunk, digest) in enumerate(chunks, 1):
            identity = "aftersales.campaign.letters:%d:%s:%d:%s" % (
                self.id, today, deadline_reached, digest)
            description = _("Campaign letters: %(campaign)s, part %(part)d of %(parts)d") % {
                "campaign": self.name, "part": number, "parts": len(chunks)}
            self.with_delay(channel=AFTERSALES_CHANNEL, identity_key=identity,
                            description=description)._job_campaign_letters(
                                chunk, deadline_reached)
        return len(chunks)

    @api.multi
    @job(default_channel=AFTERSALES_CHANNEL)
    def _job_campaign_letters(self, partner_ids, deadline_reached):
        """Campaign letters for a chunk of customers"""
        self.ensure_one()
        if self.state not in ("notifying", "done"):
            return "campaign %s is %s: no letter" % (self.id, self.state)
        letters = self._write_letters(partner_ids, deadline_reached)
        return "%d letters" % len(letters)

    def _write_letters(self, partner_ids, deadline_reached):
        """Register, render and queue the notice letters of ``partner_ids``, in the
        current transaction: letters and their emails are committed together or not at
        all. The register's unique index (one notice per campaign and customer) makes a
        second run add nothing: only the letters this run inserted are rendered and
        queued."""
        self.ensure_one()
        Letter = self.env["aftersales.letter"]
        letters = Letter._create_campaign_letters(self, partner_ids, deadline_reached)
        if not letters:
            return letters
        # The channels in one query: filtering the records would read every field of
        # every letter (the template rendering reads them again in its own environment).
        self.env.cr.execute("""
            SELECT id FROM aftersales_letter WHERE id IN %s AND channel = 'email' ORDER BY id
        """, (tuple(letters.ids),))
        emails = Letter.browse([row[0] for row in self.env.cr.fetchall()])
        emails._queue_emails()
        (letters - emails)._render_post_bodies()
        return letters
