# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import AccessError

from .aftersales_guarded_mixin import is_trusted

AFTERSALES_MODEL_PREFIX = "aftersales."
# Odoo's own composer is sending (an assignment notice, "send by email"): an in-process
# marker set by mail.compose.message, never a context string a client could send.
COMPOSER = object()
COMPOSER_KEY = "aftersales_odoo_composer"


class MailMail(models.Model):
    """The suite's emails to customers wait in Odoo's mail queue, and Odoo 11 lets every
    internal and portal user create and write mail.mail records, which the queue then
    sends from the dealer's server. The after-sales emails are the suite's own: only its
    code (and administrators, and Odoo's own notifications, which run as superuser)
    creates, changes or deletes them; portal and public users queue no email at all.
    Who reads them is a record rule (security/aftersales_rules.xml).

    Also keeps the letter register's delivery state in step with the mail queue."""
    _inherit = "mail.mail"

    @api.model
    def create(self, vals):
        if self.env.context.get(COMPOSER_KEY) is COMPOSER:
            # Odoo's composer sends what a user may send from a document's chatter.
            return super(MailMail, self).create(vals)
        model = vals.get("model")
        if not model and vals.get("mail_message_id"):
            # sudo: only the document model of the message the email is built on.
            model = self.env["mail.message"].sudo().browse(vals["mail_message_id"]).model
        self._aftersales_refuse_queue_change([model])
        return super(MailMail, self).create(vals)

    @api.multi
    def write(self, vals):
        self._aftersales_refuse_queue_change(self.sudo().mapped("model"))
        result = super(MailMail, self).write(vals)
        if "state" in vals:
            # sudo: the queue runs as whichever user triggered it; only the letters
            # registered for these very emails are updated, with the emails' own state.
            self.env["aftersales.letter"].sudo()._sync_from_mails(self)
        return result

    @api.multi
    def unlink(self):
        self._aftersales_refuse_queue_change(self.sudo().mapped("model"))
        return super(MailMail, self).unlink()

    @api.multi
    def send(self, auto_commit=False, raise_exception=False):
        if self.env.context.get(COMPOSER_KEY) is COMPOSER:
            # sudo: Odoo's composer sends at once the emails it has just queued in this
            # very request (the marker is an in-process object, not a client's context);
            # the after-sales emails are not readable by employees (record rule).
            self = self.sudo()
        return super(MailMail, self).send(auto_commit=auto_commit,
                                          raise_exception=raise_exception)

    def _aftersales_refuse_queue_change(self, models_touched):
        env = self.env
        if env.uid == SUPERUSER_ID or is_trusted(env) or env.user.has_group("base.group_system"):
            return
        if env.user.share:
            raise AccessError(_("Portal and public users cannot queue or change emails."))
        if any((model or "").startswith(AFTERSALES_MODEL_PREFIX) for model in models_touched):
            raise AccessError(_("The after-sales emails are queued by the suite itself: "
                                "they cannot be created or changed directly."))
