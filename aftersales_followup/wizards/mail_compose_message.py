# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models

from ..models.mail_mail import COMPOSER, COMPOSER_KEY


class MailComposeMessage(models.TransientModel):
    """Odoo's composer queues its emails itself (the "you have been assigned" notice of
    a call given to a colleague, a document sent by email): the suite's guard on the
    after-sales mail queue lets it, as it lets the chatter's notifications."""
    _inherit = "mail.compose.message"

    @api.multi
    def send_mail(self, auto_commit=False):
        return super(MailComposeMessage, self.with_context(
            **{COMPOSER_KEY: COMPOSER})).send_mail(auto_commit=auto_commit)
