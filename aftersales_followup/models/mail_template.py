# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import lxml.html

from odoo import api, fields, models

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
        it would have added, it takes its usual path (and removes the wrapper)."""
        if html and html.strip():
            root = lxml.html.fromstring(html)
            if not len(root) and root.text is None and root.tail is None:
                html = "<div>%s</div>" % html
        return super(MailTemplate, self)._replace_local_links(html)

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
