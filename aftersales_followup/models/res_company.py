# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import re
from collections import Counter
from datetime import datetime

import pytz
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

ALIAS_NAME = "aftersales"


def _tz_get(self):
    # the zones res.partner offers for its own tz
    return [(tz, tz) for tz in sorted(pytz.all_timezones,
                                      key=lambda tz: tz if not tz.startswith("Etc/") else "_")]


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_default_user_id = fields.Many2one(
        "res.users", string="Default follow-up officer",
        help="Officer given to a new after-sales customer who has none yet.")
    aftersales_supervisor_id = fields.Many2one(
        "res.users", string="After-sales supervisor",
        help="Business supervisor who receives escalated cases and unhappy-customer alerts.")
    aftersales_supervisor_missing = fields.Boolean(
        string="No after-sales supervisor", compute="_compute_aftersales_supervisor_missing",
        help="Unhappy customers and escalated cases reach nobody until a supervisor is set.")
    aftersales_call_window_days = fields.Integer(
        string="Window of a call made by hand (days)", default=15,
        help="A call to do created without a follow-up rule (by hand, parts arrived) "
             "expires this many days after its due day.")
    aftersales_tz = fields.Selection(
        _tz_get, string="Dealership time zone",
        help="The time zone of the dealership's day: the day a call is due, expires or is "
             "late, and the days every scheduled action and report counts. Empty: the "
             "time zone most of the company's after-sales staff work in, else the "
             "company address's, else UTC.")
    aftersales_alias_id = fields.Many2one(
        "mail.alias", string="After-sales email address", readonly=True,
        ondelete="set null",
        help="An email to this address becomes a consultation case of this dealership.")

    # The service appointment book: the workshop's hours and capacity.
    aftersales_workshop_calendar_id = fields.Many2one(
        "resource.calendar", string="Workshop hours",
        help="Days and hours the workshop takes appointments, with its public holidays and "
             "closures. Empty: the company's working hours.")
    aftersales_service_bays = fields.Integer(
        string="Service bays", default=4,
        help="How many vehicles the workshop takes at the same time (0: no limit).")
    aftersales_daily_appointments = fields.Integer(
        string="Appointments per day", default=0,
        help="How many appointments the workshop takes in a day (0: no limit).")
    aftersales_appointment_duration = fields.Float(
        string="Appointment duration (hours)", default=1.0,
        help="Default length of a service appointment.")
    aftersales_appointment_product_id = fields.Many2one(
        "product.product", string="Booked service product",
        domain="[('type', '=', 'service')]",
        help="The product of the line each booked need gets on the service visit at "
             "check-in. Empty: the suite's 'Booked service'.")

    @api.depends("aftersales_supervisor_id")
    def _compute_aftersales_supervisor_missing(self):
        for company in self:
            company.aftersales_supervisor_missing = not company.aftersales_supervisor_id

    @api.constrains("aftersales_call_window_days")
    def _check_aftersales_call_window_days(self):
        for company in self:
            if company.aftersales_call_window_days < 1:
                raise ValidationError(_(
                    "The window of a call made by hand must be at least one day."))

    @api.model
    def create(self, vals):
        company = super(ResCompany, self).create(vals)
        company._aftersales_ensure_alias()
        return company

    # ------------------------------------------------------------------ the dealership's day

    def _aftersales_tz_name(self):
        """The name of the time zone in which the dealership's days are told: the one
        place that decides it (the scheduled actions, the reports and the appointment
        book ask it, never the user who runs them). The company's own setting, else the
        most common time zone of its after-sales staff, else its address's, else UTC."""
        self.ensure_one()
        # sudo: only time zone names are read (of the company, its staff and address),
        # whoever asks for the dealership's day (a cron user, a salesman).
        company = self.sudo()
        names = [company.aftersales_tz]
        if not company.aftersales_tz:
            staff = self.env.ref("aftersales_followup.group_aftersales_user").sudo().users
            zones = Counter(user.tz for user in staff
                            if user.tz and user.company_id == company and not user.share)
            # the most common zone; ties go to the zone first in alphabetical order
            names += sorted(zones, key=lambda tz: (-zones[tz], tz))[:1]
            names.append(company.partner_id.tz)
        return next((name for name in names if name in pytz.all_timezones_set), "UTC")

    @api.model
    def _aftersales_moment(self, now=None):
        """``now`` (naive UTC datetime or its string; default: now) as a naive UTC
        datetime: the moment a scheduled action's run tells its days from."""
        if not now:
            return datetime.utcnow()
        return now if isinstance(now, datetime) else fields.Datetime.from_string(now)

    def _aftersales_today(self, now=None):
        """The dealership's day (a date string) at ``now`` (naive UTC, default now)."""
        return self._aftersales_date_of(self._aftersales_moment(now))

    @api.model
    def _aftersales_default_today(self):
        """Default of a date field that records a day of the dealership (a claim made,
        a visit read): the day of the user's company, not of the user's browser."""
        return self.env.user.company_id._aftersales_today()

    def _aftersales_date_of(self, moment):
        """The dealership's day (a date string) of ``moment`` (naive UTC datetime or its
        string): the day a call was made, a visit handed over."""
        self.ensure_one()
        tz = pytz.timezone(self._aftersales_tz_name())
        return fields.Date.to_string(pytz.utc.localize(
            self._aftersales_moment(moment)).astimezone(tz).date())

    @api.model
    def _aftersales_tz_sql(self, company_column):
        """SQL twin of ``_aftersales_tz_name``: the time zone name of the company whose id
        is in ``company_column`` (``"alias.column"``), for queries over the records of
        several dealerships; a row without a company (a customer shared by all) is told
        in the time zone of the company of the user running the query."""
        # sudo: every dealership's time zone name, for a query over all of them.
        whens = [sql.SQL("WHEN {} THEN {}").format(
            sql.Literal(company.id), sql.Literal(company._aftersales_tz_name()))
            for company in self.sudo().search([])]
        return sql.SQL("(CASE {column} {whens} ELSE {default} END)").format(
            column=sql.Identifier(*company_column.split(".")), whens=sql.SQL(" ").join(whens),
            default=sql.Literal(self.env.user.company_id._aftersales_tz_name()))

    @api.model
    def _aftersales_tz_live_sql(self, company_alias):
        """SQL twin of ``_aftersales_tz_name`` told when the query runs, over the
        res_company row ``company_alias``: for SQL the database keeps (the report views),
        in which the zones of ``_aftersales_tz_sql`` would stay those of the install."""
        return """COALESCE(
            {c}.aftersales_tz,
            (SELECT sp.tz FROM res_groups_users_rel gu
               JOIN res_users su ON su.id = gu.uid
               JOIN res_partner sp ON sp.id = su.partner_id
              WHERE gu.gid = (SELECT res_id FROM ir_model_data
                               WHERE module = 'aftersales_followup'
                                 AND name = 'group_aftersales_user')
                AND su.active AND NOT su.share AND su.company_id = {c}.id
                AND sp.tz IS NOT NULL
              GROUP BY sp.tz ORDER BY count(*) DESC, sp.tz LIMIT 1),
            (SELECT cp.tz FROM res_partner cp WHERE cp.id = {c}.partner_id),
            'UTC')""".format(c=company_alias)

    @api.model
    def _aftersales_local_date_sql(self, timestamp, company_column):
        """SQL: the dealership's day of the UTC ``timestamp`` (an SQL expression) for the
        company in ``company_column``."""
        return sql.SQL("(({timestamp} AT TIME ZONE 'UTC') AT TIME ZONE {tz})::date").format(
            timestamp=timestamp, tz=self._aftersales_tz_sql(company_column))

    @api.model
    def _aftersales_today_sql(self, company_column, now=None):
        """SQL: the dealership's day at ``now`` (naive UTC, default now) for the company
        in ``company_column``: each row's own dealership's today."""
        now = fields.Datetime.to_string(self._aftersales_moment(now))
        return self._aftersales_local_date_sql(
            sql.SQL("{}::timestamp").format(sql.Literal(now)), company_column)

    # ------------------------------------------------------------------ aliases

    @api.model
    def _aftersales_ensure_aliases(self):
        """Give every dealership its own after-sales address (run at install and
        upgrade): the cases an email opens belong to the dealership it was sent to."""
        self.search([("aftersales_alias_id", "=", False)])._aftersales_ensure_alias()

    def _aftersales_ensure_alias(self):
        Alias = self.env["mail.alias"].sudo()
        main_alias = self.env.ref("aftersales_followup.mail_alias_aftersales",
                                  raise_if_not_found=False)
        model = self.env["ir.model"]._get("aftersales.case")
        for company in self.filtered(lambda c: not c.aftersales_alias_id):
            alias = main_alias if main_alias and company == self.env.ref(
                "base.main_company") and not self.search(
                    [("aftersales_alias_id", "=", main_alias.id)]) else None
            if alias is None:
                name = "%s-%s" % (ALIAS_NAME, company._aftersales_alias_suffix())
                if Alias.search_count([("alias_name", "=", name)]):
                    name = "%s-%d" % (name, company.id)
                alias = Alias.create({
                    "alias_name": name,
                    "alias_model_id": model.id,
                    "alias_contact": "everyone",
                })
            alias = alias.sudo()
            defaults = safe_eval(alias.alias_defaults or "{}")
            defaults.setdefault("kind", "consultation")
            defaults["company_id"] = company.id
            alias.alias_defaults = repr(defaults)
            # sudo: the address is the suite's, set once per company.
            company.sudo().aftersales_alias_id = alias

    def _aftersales_alias_suffix(self):
        self.ensure_one()
        suffix = re.sub(r"[^a-z0-9]+", "-", (self.name or "").lower()).strip("-")
        return suffix or str(self.id)
