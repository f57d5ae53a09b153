# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.addons.mail.models.mail_template import (
    format_amount, format_date, format_tz, mako_safe_template_env, mako_template_env)

_logger = logging.getLogger(__name__)

SUITE_MODULES = ("aftersales_followup", "aftersales_warranty", "aftersales_parts")


class MailTemplate(models.Model):
    """Odoo 11 lets every employee edit email templates, and a template's expressions
    can reach the whole database (``object.env``): the suite's templates, which its
    scheduled actions render, are edited by after-sales managers and administrators
    only (record rules in security/aftersales_rules.xml)."""
    _inherit = "mail.template"

    aftersales_template = fields.Boolean(
        string="After-sales template", readonly=True, index=True, copy=False,
        help="A template of the after-sales suite, or one for its records: only "
             "after-sales managers and administrators edit it.")

    @api.model
    def create(self, vals):
        template = super(MailTemplate, self).create(vals)
        if template.model and template.model.startswith("aftersales.") \
                and not template.aftersales_template:
            # sudo: the flag only narrows who may edit the template afterwards.
            template.sudo().aftersales_template = True
        return template

    @api.model
    def _replace_local_links(self, html):
        """Odoo 11 re-parses a body that is a single empty element (``<p></p>``, an
        ``<img/>``) with ``fromstring(..., encoding='unicode')``, which lxml refuses
        (TypeError: every email of such a template fails to render). Given the wrapper
        it would have added, it takes its usual path (and removes the wrapper). Only
        then: parsing every body once more to spot that case cost a campaign a tenth of
        its rendering."""
        try:
            return super(MailTemplate, self)._replace_local_links(html)
        except TypeError:
            if not (html and html.strip()):
                raise
            return super(MailTemplate, self)._replace_local_links("<div>%s</div>" % html)

    @api.model
    def _aftersales_render_template(self, template_txt, model, res_ids, post_process=False):
        """``render_template`` for many records at once ({id: text}): the same sandbox,
        variables, errors and post-processing, but what the format helpers return is
        remembered for the call. Odoo's ``format_date`` looks up the language's locale
        files on every call, and a campaign shows the same few dates in every letter
        (a third of its letters' rendering time, measured); the helpers depend only on
        their arguments and this environment, which a call does not change."""
        results = dict.fromkeys(res_ids, "")
        if not template_txt:  # an empty field (no reply-to): Odoo renders "False" to ""
            return results
        jinja = mako_safe_template_env if self.env.context.get("safe") else mako_template_env
        try:
            compiled = jinja.from_string(tools.ustr(template_txt))
        except Exception:
            _logger.info("Failed to load template %r", template_txt, exc_info=True)
            return results
        remembered = {}

        def remember(helper, *args):
            key = (helper, args)
            try:
                hash(key)
            except TypeError:  # an argument that cannot be a key (a list): not kept
                return helper(self.env, *args)
            if key not in remembered:
                remembered[key] = helper(self.env, *args)
            return remembered[key]

        variables = {
            "format_date": lambda date, format=False, context=None: remember(
                format_date, date, format),
            "format_tz": lambda dt, tz=False, format=False, context=None: remember(
                format_tz, dt, tz, format),
            "format_amount": lambda amount, currency, context=None: remember(
                format_amount, amount, currency),
            "user": self.env.user,
            "ctx": self._context,
        }
        for record in self.env[model].browse([res_id for res_id in res_ids if res_id]):
            variables["object"] = record
            try:
                text = compiled.render(variables)
            except Exception:
                _logger.info("Failed to render template %r using values %r",
                             compiled, variables, exc_info=True)
                raise UserError(_(
                    "Failed to render template %(template)r using values %(values)r") % {
                        "template": compiled, "values": variables})
            results[record.id] = "" if text == "False" else text
        if post_process:
            for res_id, text in results.items():
                results[res_id] = self.render_post_process(text)
        return results

    @api.model
    def _aftersales_mark_suite_templates(self):
        """Flag the suite's own templates and every template of an after-sales model."""
        self.env.cr.execute("""
            UPDATE mail_template t SET aftersales_template = TRUE
             WHERE NOT COALESCE(t.aftersales_template, FALSE)
               AND (t.model LIKE 'aftersales.%%'
                    OR t.id IN (SELECT res_id FROM ir_model_data
                                 WHERE model = 'mail.template' AND module IN %s))
        """, (SUITE_MODULES,))
        self.invalidate_cache(["aftersales_template"])
