# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.safe_eval import safe_eval

ALIAS_NAME = "aftersales"


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
