# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AftersalesLetter(models.Model):
    """One line of the letter register (S10): every notice, invitation, reply letter
    (答复函) or follow-up email the dealer sends a customer, with its body exactly as
    sent and its delivery state, archived and never deleted."""
    _name = "aftersales.letter"
    _description = "Letter register entry"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(string="Subject", required=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    kind = fields.Selection([
        ("notice", "Notice"),
        ("invitation", "Invitation"),
        ("reply", "Reply letter"),
        ("followup", "Follow-up"),
    ], required=True, default="followup", index=True)
    channel = fields.Selection([("email", "Email"), ("post", "Post")],
                               required=True, default="email", index=True)
    case_id = fields.Many2one("aftersales.case", string="Case", index=True)
    call_id = fields.Many2one("aftersales.call", string="Call", index=True)
    mail_template_id = fields.Many2one("mail.template", string="Template")
    mail_id = fields.Many2one("mail.mail", string="Queued email", index=True,
                              ondelete="set null", readonly=True)
    res_model = fields.Char(string="Source model", readonly=True)
    res_id = fields.Integer(string="Source record", readonly=True)
    date_sent = fields.Datetime(string="Sent on", readonly=True, copy=False)
    state = fields.Selection([
        ("draft", "Queued"),
        ("sent", "Sent"),
        ("failed", "Failed"),
    ], required=True, default="draft", index=True, track_visibility="onchange", copy=False)
    failure_reason = fields.Text(readonly=True, copy=False)
    body_html = fields.Html(string="Body as sent", sanitize=False, readonly=True)
    email_to = fields.Char(string="To", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="PDF", readonly=True,
                                    help="For a postal letter: the printed letter.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("aftersales.letter"))
    active = fields.Boolean(default=True)

    @api.multi
    def unlink(self):
        # The letter register is an archive (S10): only the administrator may purge it.
        if not self.env.user._is_superuser():
            raise UserError(_("Letters are part of the letter register and cannot be "
                              "deleted; archive them instead."))
        return super(AftersalesLetter, self).unlink()

    # ------------------------------------------------------------------ sending

    @api.model
    def send_template(self, template, record, kind="followup", partner=None, **links):
        """Queue ``template`` rendered for ``record`` to the customer and register it.

        Every email the suite sends a customer goes through here, so that the register
        holds what was sent. Honours email consent: a customer without an address or who
        opted out gets nothing and nothing is registered. Returns the letter (or empty).
        ``links`` are extra letter values (call_id, case_id, campaign_id...).
        """
        partner = partner or record.partner_id
        if not partner._aftersales_accepts_email():
            return self.browse()
        mail = self.env["mail.mail"].browse(template.send_mail(record.id))
        vals = {
            "name": mail.subject or template.name,
            "partner_id": partner.id,
            "kind": kind,
            "channel": "email",
            "mail_template_id": template.id,
            "mail_id": mail.id,
            "res_model": record._name,
            "res_id": record.id,
            "body_html": mail.body_html,
            "email_to": mail.email_to or partner.email,
            "company_id": (getattr(record, "company_id", False) or self.env.user.company_id).id,
        }
        vals.update(links)
        return self.create(vals)

    @api.model
    def _sync_from_mails(self, mails):
        """Carry the mail queue's delivery state onto the letters (set-based)."""
        if not mails:
            return
        self.env.cr.execute("""
            UPDATE aftersales_letter l
               SET state = CASE m.state WHEN 'sent' THEN 'sent'
                                        WHEN 'exception' THEN 'failed'
                                        WHEN 'cancel' THEN 'failed'
                                        ELSE 'draft' END,
                   date_sent = CASE WHEN m.state = 'sent'
                                    THEN now() AT TIME ZONE 'UTC' END,
                   failure_reason = m.failure_reason,
                   write_date = now() AT TIME ZONE 'UTC'
              FROM mail_mail m
             WHERE l.mail_id = m.id AND m.id IN %s
        """, (tuple(mails.ids),))
        self.invalidate_cache(["state", "date_sent", "failure_reason"])

    @api.multi
    def action_retry(self):
        """Put failed emails back in the mail queue; the queue's next run sends them."""
        failed = self.filtered(lambda lt: lt.state == "failed" and lt.channel == "email")
        if not failed:
            raise UserError(_("Only failed emails can be sent again."))
        mails = failed.mapped("mail_id")
        if len(mails) != len(failed):
            raise UserError(_("The queued email of a failed letter was deleted; send the "
                              "letter again from its source."))
        mails.mark_outgoing()
        return True
