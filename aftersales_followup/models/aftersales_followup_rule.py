# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

HANDOVER_TRIGGERS = ("service_handover", "vehicle_handover")


class AftersalesFollowupRule(models.Model):
    """When a follow-up call is due after an event (S5: three days after the customer
    collects the vehicle) and how long it stays in the officer's queue."""
    _name = "aftersales.followup.rule"
    _description = "Follow-up rule"
    _inherit = ["aftersales.guarded.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    trigger = fields.Selection([
        ("service_handover", "Vehicle handed over after a service visit"),
        ("vehicle_handover", "Vehicle handed over after a sale"),
        ("service_due", "Next service approaching"),
        ("warranty_ending", "Warranty ending"),
        ("insurance_due", "Insurance renewal approaching"),
        ("trade_in", "Vehicle old enough for a trade-in"),
        ("tyres_due", "Tyres to replace"),
        ("accessory_due", "Accessories to offer"),
        ("other_due", "Other potential need approaching"),
    ], required=True, index=True,
        help="The event that starts the follow-up clock: a handover, or a potential need of "
             "the customer whose date approaches.")
    action = fields.Selection([
        ("call", "Call by the officer"),
        ("email", "Email from a template"),
    ], required=True, default="call",
        help="How the customer is reminded of a potential need (handovers are always "
             "followed up by phone).")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email template",
        domain="[('model', '=', 'aftersales.letter')]",
        help="Reminder email, rendered for the letter registered for each customer.")
    lead_days = fields.Integer(
        string="Remind (days before)", default=14,
        help="For needs: the reminder is due this many days before the need's date.")
    class_ids = fields.Many2many(
        "aftersales.customer.class", "aftersales_followup_rule_class_rel", "rule_id",
        "class_id", string="Customer classes",
        help="Only customers of these classes (all when empty): service differs per class.")
    delay_days = fields.Integer(
        string="Call after (days)", default=3, required=True,
        help="The call is due this many days after the event.")
    window_days = fields.Integer(
        string="Window (days)", default=15, required=True,
        help="Counted from the event: a call not done by then expires.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.followup.rule"),
        help="Leave empty to apply the rule to every company.")
    note = fields.Text(string="Call script", translate=True,
                       help="What the officer asks on the call.")
    call_count = fields.Integer(string="Number of calls", compute="_compute_call_count")

    def _compute_call_count(self):
        groups = self.env["aftersales.call"].read_group(
            [("rule_id", "in", self.ids)], ["rule_id"], ["rule_id"])
        counts = {g["rule_id"][0]: g["rule_id_count"] for g in groups}
        for rule in self:
            rule.call_count = counts.get(rule.id, 0)

    @api.constrains("action", "mail_template_id", "trigger")
    def _check_email_template(self):
        for rule in self:
            if rule.action == "email" and not rule.mail_template_id:
                raise ValidationError(_("Rule %s reminds by email: choose its template.")
                                      % rule.name)
            if rule.action == "email" and rule.trigger in HANDOVER_TRIGGERS:
                raise ValidationError(_("Rule %s: a handover is always followed up by "
                                        "phone.") % rule.name)

    @api.constrains("delay_days", "window_days")
    def _check_window(self):
        for rule in self:
            if rule.delay_days < 0:
                raise ValidationError(_("The delay of rule %s cannot be negative.") % rule.name)
            if rule.window_days <= rule.delay_days:
                raise ValidationError(_(
                    "The window of rule %(rule)s (%(window)d days) must be longer than its "
                    "delay (%(delay)d days).") % {"rule": rule.name, "window": rule.window_days,
                                                  "delay": rule.delay_days})
