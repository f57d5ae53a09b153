# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class MailMail(models.Model):
    """Keeps the letter register's delivery state in step with the mail queue."""
    _inherit = "mail.mail"

    def write(self, vals):
        result = super(MailMail, self).write(vals)
        if "state" in vals:
            # sudo: the queue runs as whichever user triggered it; only the letters
            # registered for these very emails are updated, with the emails' own state.
            self.env["aftersales.letter"].sudo()._sync_from_mails(self)
        return result
