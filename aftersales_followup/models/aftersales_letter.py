# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from lxml import etree, html
from psycopg2 import sql

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.queue_job.job import job

from .job_channel import AFTERSALES_CHANNEL, id_chunks

# Rendering and queueing emails is done this many letters at a time: bounded memory,
# a few statements per chunk.
EMAIL_CHUNK = 500
# Registered letters whose emails one job renders and queues (reminders).
EMAIL_JOB_CHUNK = 1000
# The letter fields the templates show (their many2one links): read together, before
# rendering a group of letters.
RENDERED_LETTER_FIELDS = ("name", "partner_id", "company_id", "campaign_id", "case_id",
                          "need_id", "call_id", "appointment_id", "res_model", "res_id")
# What a person may still change on a registered letter: archive it.
LETTER_EDITABLE_FIELDS = ("active",)
# Attributes through which a browser or the PDF renderer would fetch an address.
FETCHING_ATTRIBUTES = ("src", "srcset", "background", "poster", "data", "lowsrc",
                       "dynsrc", "action", "formaction", "xlink:href")
# Replaces a secret (a personal survey link) in the register's copy of an email.
SECRET_MASK = "[...]"


def letter_html(body):
    """``body`` safe to show in the back office and to print: sanitized like any HTML
    field (no script, no event handler), and without any address the browser or the
    PDF renderer would fetch by itself (images and frames from elsewhere), so that a
    letter cannot make the server or the reader's browser call any URL."""
    if not body:
        return body
    clean = tools.html_sanitize(body, silent=True, strip_style=True)
    if not clean:
        return clean
    tree = html.fragment_fromstring(clean, create_parent="div")
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in FETCHING_ATTRIBUTES:
            value = (element.get(attribute) or "").strip().lower()
            if value and not value.startswith("data:image/") and not (
                    value.startswith("/") and not value.startswith("//")):
                del element.attrib[attribute]
    # The wrapper <div> the fragment was parsed into is left out.
    return etree.tostring(tree, encoding="unicode", method="html")[len("<div>"):-len("</div>")]


class AftersalesLetter(models.Model):
    """One line of the letter register (S10): every notice, invitation, reply letter
    (答复函) or follow-up email the dealer sends a customer, with its body exactly as
    sent and its delivery state, archived and never deleted."""
    _name = "aftersales.letter"
    _description = "Letter register entry"
    _inherit = ["mail.thread", "aftersales.guarded.mixin"]
    _order = "id desc"
    _aftersales_company_links = ("partner_id", "campaign_id", "case_id", "need_id", "call_id")

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
    campaign_id = fields.Many2one("aftersales.campaign", string="Campaign", index=True,
                                  ondelete="restrict")
    case_id = fields.Many2one("aftersales.case", string="Case", index=True)
    need_id = fields.Many2one("aftersales.need", string="Potential need", index=True,
                              ondelete="set null")
    call_id = fields.Many2one("aftersales.call", string="Call", index=True)
    appointment_id = fields.Many2one("aftersales.appointment", string="Appointment",
                                     index=True, ondelete="set null")
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
    failure_reason = fields.Text(string="Failure reason", readonly=True, copy=False)
    body_html = fields.Html(string="Body as sent", sanitize=False, readonly=True,
                            help="The email or letter exactly as the suite rendered it.")
    body_html_safe = fields.Html(
        string="Body", compute="_compute_body_html_safe", sanitize=False,
        help="The body as sent, as it is shown and printed: sanitized, without any "
             "address that would be fetched.")
    email_to = fields.Char(string="To", readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="PDF", compute="_compute_attachment_id",
        help="For a postal letter: the printed letter, saved when it is first printed.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("aftersales.letter"))
    active = fields.Boolean(default=True)

    @api.model_cr
    def init(self):
        # One notice letter per campaign and customer, whatever runs at once.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_letter_campaign_partner_uniq
                ON aftersales_letter (campaign_id, partner_id)
             WHERE campaign_id IS NOT NULL AND kind = 'notice'
        """)
        # One reminder email per need and template.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS aftersales_letter_need_template_uniq
                ON aftersales_letter (need_id, mail_template_id) WHERE need_id IS NOT NULL
        """)

    def _compute_body_html_safe(self):
        for letter in self:
            letter.body_html_safe = letter_html(letter.body_html)

    def _compute_attachment_id(self):
        attachments = self.env["ir.attachment"].search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids),
            ("mimetype", "=", "application/pdf")], order="id desc")
        for letter in self:
            letter.attachment_id = attachments.filtered(lambda a: a.res_id == letter.id)[:1]

    @api.multi
    def unlink(self):
        # The letter register is an archive (S10): only the administrator may purge it.
        if not self.env.user._is_superuser():
            raise UserError(_("Letters are part of the letter register and cannot be "
                              "deleted; archive them instead."))
        return super(AftersalesLetter, self).unlink()

    @api.multi
    def action_mark_posted(self):
        """A printed letter was put in the post."""
        letters = self.filtered(lambda lt: lt.channel == "post" and lt.state == "draft")
        letters._aftersales_trusted().write({"state": "sent",
                                             "date_sent": fields.Datetime.now()})
        return True

    @api.multi
    def action_print(self):
        return self.env.ref("aftersales_followup.report_aftersales_letter").report_action(self)

    @api.multi
    def action_retry(self):
        """Put failed emails back in the mail queue; the queue's next run sends them. A
        customer who asked not to be emailed since gets nothing: the letter stays failed
        and says why."""
        failed = self.filtered(lambda lt: lt.state == "failed" and lt.channel == "email")
        if not failed:
            raise UserError(_("Only failed emails can be sent again."))
        # A letter rendered from its own template (a campaign notice, a reminder) whose
        # email was never queued (the customer had opted out when its job ran) is
        # rendered again; another without its email cannot be.
        unqueued = failed.filtered(lambda lt: not lt.mail_id)
        renderable = unqueued.filtered(lambda lt: lt.mail_template_id.model == self._name)
        if unqueued - renderable:
            raise UserError(_("The queued email of a failed letter was deleted; send the "
                              "letter again from its source."))
        refused = failed.filtered(lambda lt: not lt.partner_id._aftersales_accepts_email())
        if refused:
            refused._aftersales_trusted().write({"failure_reason": _(
                "Not sent again: the customer no longer accepts email.")})
        # sudo: staff cannot write the after-sales mail queue; only the emails of these
        # failed letters are put back, unchanged.
        (failed - refused - renderable).mapped("mail_id").sudo().mark_outgoing()
        again = (renderable - refused)._aftersales_trusted()
        if again:
            again.write({"state": "draft", "failure_reason": False})
            again._queue_emails()
        return True

    @api.model
    def _aftersales_guarded_names(self):
        """The register keeps what the suite sent: every field is the suite's own; a
        person can only archive a letter."""
        return {name for name, field in self._fields.items()
                if field.store and name not in LETTER_EDITABLE_FIELDS
                and not name.startswith(("message_", "activity_"))}

    # ------------------------------------------------------------------ sending

    @api.model
    def _send_template(self, template, record, kind="followup", partner=None, secrets=(),
                       render_as_superuser=False, **links):
        """Queue ``template`` rendered for ``record`` to the customer and register it.

        Every email the suite sends a customer one by one goes through here, so that the
        register holds what was sent. The template is rendered as the user whose action
        sends it (only after-sales managers and administrators edit the suite's
        templates). Honours email consent: a customer without an address or who opted out
        gets nothing and nothing is registered. ``secrets`` (a personal survey link...)
        are masked in the register's copy; an email holding one is rendered with
        ``render_as_superuser``, the user may not read it. Returns the letter (or empty).
        ``links`` are extra letter values (call_id, case_id, campaign_id...).
        """
        partner = partner or record.partner_id
        if not partner._aftersales_accepts_email():
            return self.browse()
        renderer = template.with_env(self._aftersales_trusted().env)
        if render_as_superuser:
            # sudo: see the docstring; only the suite's own templates pass secrets.
            renderer = renderer.sudo()
        mail_id = renderer.send_mail(record.id)
        # sudo: the after-sales mail queue is not readable by staff; this reads the email
        # just queued, to register it.
        mail = self.env["mail.mail"].sudo().browse(mail_id)
        body = mail.body_html or ""
        for secret in secrets:
            if secret:
                body = body.replace(secret, SECRET_MASK)
        vals = {
            "name": mail.subject or template.name,
            "partner_id": partner.id,
            "kind": kind,
            "channel": "email",
            "mail_template_id": template.id,
            "mail_id": mail.id,
            "res_model": record._name,
            "res_id": record.id,
            "body_html": body,
            "email_to": mail.email_to or partner.email,
            "company_id": (getattr(record, "company_id", False) or self.env.user.company_id).id,
        }
        vals.update(links)
        return self._aftersales_register(vals)

    @api.model
    def _aftersales_register(self, vals):
        """Enter a letter the suite sent in the register, whoever triggered it (a
        warehouse clerk validating a delivery has no right on the register): the values
        come from what was rendered and sent."""
        # sudo: see the docstring; the letter is returned in the caller's environment.
        letter = self.sudo()._aftersales_trusted().create(vals)
        return self.browse(letter.id)

    @api.model
    def _count_for(self, records):
        """How many letters the register holds for each of ``records`` ({id: count}), in
        one query: the "Letters" smart buttons of the records that send letters."""
        groups = self.read_group(
            [("res_model", "=", records._name), ("res_id", "in", records.ids)],
            ["res_id"], ["res_id"])
        return {group["res_id"]: group["res_id_count"] for group in groups}

    @api.model
    def _action_for(self, record):
        """The letter register showing the letters sent for ``record``."""
        action = self.env.ref("aftersales_followup.action_aftersales_letter").read()[0]
        action["domain"] = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        action["context"] = {}
        return action

    @api.model
    def _create_post_letter(self, template, record, kind="reply", partner=None, **links):
        """Register a postal letter rendered from ``template`` for ``record`` (as the user
        whose action writes it); it is printed from the register (PDF) and marked
        posted."""
        partner = partner or record.partner_id
        values = template.generate_email(record.id, fields=["subject", "body_html"])
        vals = {
            "name": values.get("subject") or template.name,
            "partner_id": partner.id,
            "kind": kind,
            "channel": "post",
            "mail_template_id": template.id,
            "res_model": record._name,
            "res_id": record.id,
            "body_html": values.get("body_html"),
            "company_id": (getattr(record, "company_id", False) or self.env.user.company_id).id,
        }
        vals.update(links)
        return self._aftersales_register(vals)

    @api.model
    def _create_campaign_letters(self, campaign, partner_ids, deadline_reached):
        """One notice letter per targeted customer (unique per campaign and customer),
        set-based. Email for customers with an address and no opt-out, post for the
        others; none for those who declined on the phone, nor for do-not-call customers
        who also opted out of mail. Before the deadline only customers whose notice call
        is already handled get theirs.

        The unique index (one notice per campaign and customer) leaves out the customers
        lettered already (ON CONFLICT), with no NOT EXISTS on the register: chunk after
        chunk in one transaction, the statistics still say the campaign has no letter and
        PostgreSQL rescanned all of them for each customer (quadratic: 100,000 letters in
        one transaction took 5.3 ms a letter, against 3.2 ms at 10,000)."""
        self.env.cr.execute(sql.SQL("""
            INSERT INTO aftersales_letter (
                name, partner_id, kind, channel, campaign_id, call_id, mail_template_id,
                state, company_id, active, res_model, res_id,
                create_uid, create_date, write_uid, write_date)
            SELECT %(name)s, p.id, 'notice',
                   CASE WHEN {may_email} THEN 'email' ELSE 'post' END,
                   %(campaign)s, c.id, %(template)s, 'draft', %(company)s, TRUE,
                   'aftersales.campaign', %(campaign)s,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM res_partner p
              JOIN unnest(%(partner_ids)s::int[]) AS t(id) ON t.id = p.id
              {file_join}
              LEFT JOIN aftersales_call c
                ON c.campaign_id = %(campaign)s AND c.partner_id = p.id
             WHERE NOT (NOT {may_phone} AND {opted_out})
               AND c.campaign_response IS DISTINCT FROM 'declined'
               AND (%(deadline)s OR c.id IS NULL OR c.state IN ('done', 'cancelled'))
            ON CONFLICT DO NOTHING
            RETURNING id
        """).format(**self.env["aftersales.call"]._customer_sql()), {
            "name": campaign.name, "campaign": campaign.id,
            "template": campaign.mail_template_id.id or None,
            "company": campaign.company_id.id, "uid": self.env.uid,
            "partner_ids": partner_ids, "deadline": bool(deadline_reached),
        })
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _queue_emails(self):
        """Render each letter's template and put the emails in Odoo's mail queue,
        set-based: the templates are rendered in Python, chunk by chunk, and the
        mail.message / mail.mail rows are written with one statement each per chunk.
        The queue's own scheduled action sends them, never the user's request."""
        cr = self.env.cr
        # The letters' template, subject and customer in one query: reading them from the
        # records would prefetch every field of every letter, again after each rendering
        # (which empties the cache).
        facts = self._letter_facts()
        for template, letters in self._by_template(facts):
            for start in range(0, len(letters), EMAIL_CHUNK):
                chunk = letters[start:start + EMAIL_CHUNK]
                rendered = chunk._render_by_language(
                    template, ["subject", "body_html", "email_from", "reply_to"])
                default_from = self.env["mail.message"]._get_default_from()
                rows = []
                for letter_id in chunk.ids:
                    values = rendered[letter_id]
                    name, partner_id = facts[letter_id][1:]
                    rows.append((
                        letter_id, values.get("subject") or name,
                        values.get("body_html") or "",
                        values.get("email_from") or default_from,
                        # as the template's send_mail: its reply-to, empty when it has none
                        values.get("reply_to") or "",
                        tools.generate_tracking_message_id("aftersales-letter-%d" % letter_id),
                        partner_id,
                    ))
                cr.execute("""
                    WITH src AS (
                        SELECT * FROM unnest(%(ids)s::int[], %(subjects)s::text[],
                                             %(bodies)s::text[], %(froms)s::text[],
                                             %(replies)s::text[], %(msgids)s::text[],
                                             %(partners)s::int[])
                            AS s(letter_id, subject, body, email_from, reply_to, message_id,
                                 partner_id)
                    ), msg AS (
                        INSERT INTO mail_message (
                            subject, date, body, model, res_id, record_name, message_type,
                            email_from, reply_to, message_id, author_id, no_auto_thread,
                            create_uid, create_date, write_uid, write_date)
                        SELECT subject, now() AT TIME ZONE 'UTC', body, 'aftersales.letter',
                               letter_id, subject, 'email', email_from, reply_to, message_id,
                               %(author)s, TRUE,
                               %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                               now() AT TIME ZONE 'UTC'
                          FROM src
                        RETURNING id, res_id
                    ), mail AS (
                        INSERT INTO mail_mail (
                            mail_message_id, body_html, state, auto_delete, notification,
                            create_uid, create_date, write_uid, write_date)
                        SELECT msg.id, src.body, 'outgoing', FALSE, FALSE,
                               %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                               now() AT TIME ZONE 'UTC'
                          FROM msg JOIN src ON src.letter_id = msg.res_id
                        RETURNING id, mail_message_id
                    ), recipient AS (
                        INSERT INTO mail_mail_res_partner_rel (mail_mail_id, res_partner_id)
                        SELECT mail.id, src.partner_id
                          FROM mail JOIN msg ON msg.id = mail.mail_message_id
                          JOIN src ON src.letter_id = msg.res_id
                    )
                    UPDATE aftersales_letter l
                       SET mail_id = mail.id, body_html = src.body, name = src.subject,
                           email_to = p.email, write_date = now() AT TIME ZONE 'UTC'
                      FROM mail JOIN msg ON msg.id = mail.mail_message_id
                      JOIN src ON src.letter_id = msg.res_id
                      JOIN res_partner p ON p.id = src.partner_id
                     WHERE l.id = src.letter_id
                """, {
                    "ids": [r[0] for r in rows], "subjects": [r[1] for r in rows],
                    "bodies": [r[2] for r in rows], "froms": [r[3] for r in rows],
                    "replies": [r[4] for r in rows], "msgids": [r[5] for r in rows],
                    "partners": [r[6] for r in rows],
                    "author": self.env.user.partner_id.id, "uid": self.env.uid,
                })
        self.invalidate_cache()
        self.env["mail.mail"].invalidate_cache()

    @api.model
    def _plan_email_jobs(self, letter_ids, label):
        """Render and queue the emails of registered letters (``letter_ids``: email
        letters without their email yet) in chunk jobs on the suite's queue_job channel,
        so that the scheduled action that registered them commits at once and any
        worker renders them; ``label`` names them in Job Queue > Jobs. Returns how many
        jobs were planned. A chunk's identity keeps a second planning from adding a job
        while the first waits; a chunk run again queues nothing twice."""
        chunks = id_chunks(letter_ids, EMAIL_JOB_CHUNK)
        for number, (chunk, digest) in enumerate(chunks, 1):
            description = _("%(label)s: part %(part)d of %(parts)d, %(count)d emails") % {
                "label": label, "part": number, "parts": len(chunks), "count": len(chunk)}
            self.with_delay(channel=AFTERSALES_CHANNEL,
                            identity_key="aftersales.letter.emails:%s" % digest,
                            description=description)._job_queue_emails(chunk)
        return len(chunks)

    @api.model
    @job(default_channel=AFTERSALES_CHANNEL)
    def _job_queue_emails(self, letter_ids):
        """Emails of a chunk of registered letters"""
        # The chunk's letters still without their email, locked: a second run of the
        # chunk waits for the first, then finds none. Consent is read now: a customer
        # who opted out since the letter was registered gets none.
        self.env.cr.execute(sql.SQL("""
            SELECT l.id, {may_email} FROM aftersales_letter l
              JOIN res_partner p ON p.id = l.partner_id
              {file_join}
             WHERE l.id = ANY(%s) AND l.channel = 'email' AND l.state = 'draft'
               AND l.mail_id IS NULL
             ORDER BY l.id
               FOR UPDATE OF l
        """).format(**self.env["aftersales.call"]._customer_sql()), (list(letter_ids),))
        rows = self.env.cr.fetchall()
        refused = [letter_id for letter_id, may_email in rows if not may_email]
        if refused:
            self.env.cr.execute("""
                UPDATE aftersales_letter
                   SET state = 'failed', failure_reason = %s,
                       write_date = now() AT TIME ZONE 'UTC'
                 WHERE id = ANY(%s)
            """, (_("Not sent: the customer no longer accepts email."), refused))
            self.invalidate_cache(["state", "failure_reason"])
        letters = self.browse([letter_id for letter_id, may_email in rows if may_email])
        letters._queue_emails()
        return "%d emails, %d no longer wanted" % (len(letters), len(refused))

    def _letter_facts(self):
        """{letter id: (template id, subject, customer id)} of these letters, in id order."""
        if not self.ids:
            return {}
        self.env.cr.execute("""
            SELECT id, mail_template_id, name, partner_id FROM aftersales_letter
             WHERE id IN %s ORDER BY id
        """, (tuple(self.ids),))
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _by_template(self, facts):
        """(template, letters) for each template of ``facts`` (letters without one are
        left out, as before: there is nothing to render)."""
        by_template = {}
        for letter_id, (template_id, _name, _partner) in facts.items():
            if template_id:
                by_template.setdefault(template_id, []).append(letter_id)
        return [(self.env["mail.template"].browse(template_id), self.browse(letter_ids))
                for template_id, letter_ids in sorted(by_template.items())]

    def _render_by_language(self, template, field_names):
        """Render ``template`` for these letters: {letter id: {field: value}}.

        Like mail.template.generate_email, in each customer's language, but the letters
        are grouped by language first and each group rendered with one call per field:
        generate_email renders the template's language expression record by record, one
        customer read per letter (10,000 letters: 25 s). The cache is emptied afterwards so
        that memory stays flat over a large campaign."""
        self.env.cr.execute("""
            SELECT l.id, COALESCE(p.lang, '') FROM aftersales_letter l
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.id IN %s
        """, (tuple(self.ids),))
        by_language = {}
        for letter_id, lang in self.env.cr.fetchall():
            by_language.setdefault(lang, []).append(letter_id)
        rendered = {letter_id: {} for letter_id in self.ids}
        for lang, letter_ids in by_language.items():
            localized = template.with_context(lang=lang or self.env.context.get("lang"))
            # Read what the templates show of the group at once, and only that: the
            # template would otherwise read the customers letter by letter, and the ORM's
            # prefetch reads every column of every letter and customer (a third of a
            # campaign's letters, measured). The cache is the transaction's: one read
            # serves every field rendered below. '_classic_write': ids, no name_get.
            group = self.with_env(localized.env).browse(letter_ids)
            group.read(RENDERED_LETTER_FIELDS, load="_classic_write")
            group.mapped("partner_id").read(["name", "lang"], load="_classic_write")
            for name in field_names:
                renderer = localized.with_context(safe=name == "subject")
                values = renderer._aftersales_render_template(
                    localized[name], template.model, letter_ids,
                    post_process=(name == "body_html"))
                for letter_id, value in values.items():
                    rendered[letter_id][name] = value
        self.invalidate_cache()
        return rendered

    def _render_post_bodies(self):
        """Render the printed letters' bodies, chunk by chunk (one write per chunk)."""
        cr = self.env.cr
        for template, letters in self._by_template(self._letter_facts()):
            for start in range(0, len(letters), EMAIL_CHUNK):
                chunk = letters[start:start + EMAIL_CHUNK]
                rendered = chunk._render_by_language(template, ["subject", "body_html"])
                cr.execute("""
                    UPDATE aftersales_letter l
                       SET body_html = s.body, name = COALESCE(s.subject, l.name),
                           write_date = now() AT TIME ZONE 'UTC'
                      FROM unnest(%s::int[], %s::text[], %s::text[]) AS s(id, subject, body)
                     WHERE l.id = s.id
                """, (chunk.ids, [rendered[i].get("subject") for i in chunk.ids],
                      [rendered[i].get("body_html") for i in chunk.ids]))
        self.invalidate_cache()

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
