"""What the security tests of issue 8 (points 4 to 6) share: the addons and their models
listed from the database, the four kinds of people who may try to reach after-sales data,
the hostile texts, and a way to try an operation and undo whatever it wrote.

Imported by tests/test_security_access_matrix.py, tests/test_security_xmlrpc.py,
tests/test_hostile_input.py and tests/test_consent.py (pytest puts tests/ on sys.path).
"""
import contextlib
import os
import uuid

from odoo.exceptions import except_orm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTIFACTS = os.path.join(ROOT, "artifacts")

ADDONS = ("aftersales_followup", "aftersales_warranty", "aftersales_parts")
# Who tries: a customer with a portal account, an employee without after-sales rights,
# a follow-up officer, an after-sales supervisor.
GROUPS = ("portal", "internal", "user", "manager")
GROUP_XMLIDS = {
    "portal": ["base.group_portal"],
    "internal": ["base.group_user"],
    "user": ["aftersales_followup.group_aftersales_user"],
    "manager": ["aftersales_followup.group_aftersales_manager"],
}
OPERATIONS = ("read", "write", "create", "unlink")
# The registers: archived, never deleted by anyone but the superuser.
REGISTERS = ("aftersales.call", "aftersales.case", "aftersales.letter",
             "aftersales.warranty.claim")

# Hostile text typed into a customer file, a note, a symptom...
SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PAYLOAD = '%s<img src=x onerror="alert(2)"><b>bold</b>' % SCRIPT
# 10,000 characters mixing Latin and Chinese (and a character outside the BMP).
LONG_TEXT = ("客户反映: brakes squeak at low speed, 刹车异响. 𠀋 " * 400)[:10000]


def addon_models(env):
    """{model name: addons among ours that define or extend it} for every ir.model of the
    three addons (its ``modules`` name one of them), abstract and transient ones left out:
    read from the database, so that a model added tomorrow is covered."""
    found = {}
    for model in env["ir.model"].search([]):
        modules = {name.strip() for name in (model.modules or "").split(",")}
        ours = modules.intersection(ADDONS)
        if not ours:
            continue
        cls = env.registry.get(model.model)
        if cls is None or cls._abstract or cls._transient:
            continue
        found[model.model] = ours
    return found


def defined_models(env):
    """The models the addons define (not the standard ones they extend)."""
    return sorted(name for name in addon_models(env)
                  if env.registry[name]._original_module in ADDONS)


def create_group_users(env, prefix, company, groups=GROUPS):
    """One user per kind of person, in ``company`` only; returns {group: user}."""
    users = env["res.users"].with_context(no_reset_password=True, mail_create_nosubscribe=True)
    created = {}
    for group in groups:
        created[group] = users.create({
            "name": "%s %s user" % (prefix, group),
            "login": "%s_%s" % (prefix, group),
            "email": "%s.%s@dealer.example.com" % (prefix, group),
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
            "groups_id": [(6, 0, [env.ref(xmlid).id for xmlid in GROUP_XMLIDS[group]])],
        })
    return created


def rights(env, model, user):
    """The operations ``user`` may do on ``model`` by the access rights: e.g. 'rwc-'."""
    records = env[model].sudo(user)
    return "".join(op[0] if records.check_access_rights(op, raise_exception=False) else "-"
                   for op in OPERATIONS)


@contextlib.contextmanager
def rolled_back(env):
    """Run the block in a savepoint that is always rolled back (what it wrote is undone,
    success or not), and clear the caches so that what follows reads the database."""
    name = "h7_%s" % uuid.uuid4().hex
    env.cr.execute('SAVEPOINT "%s"' % name)
    try:
        yield
    finally:
        env.cr.execute('ROLLBACK TO SAVEPOINT "%s"' % name)
        env.clear()


def attempt(env, func):
    """Try ``func`` and undo it: None when it went through, else the Odoo exception that
    refused it (AccessError, UserError, ValidationError...)."""
    with rolled_back(env):
        try:
            func()
        except except_orm as error:
            return error
    return None


def mails_to(env, partner):
    """Every email in Odoo's mail queue that would reach ``partner``: as a recipient or
    by its address."""
    mails = env["mail.mail"].sudo().search([("recipient_ids", "in", partner.ids)])
    if partner.email:
        mails |= env["mail.mail"].sudo().search([("email_to", "ilike", partner.email)])
    return mails
