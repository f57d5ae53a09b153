# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Fields that only the suite's own code may set.

Odoo 11 lets any logged-in user write any stored field of a record they may write, over
XML-RPC or ``/web/dataset/call_kw``, with a context of their choosing: ``readonly``,
``attrs`` and ``states`` only shape the form. A model that inherits the mixin names the
fields that only its own code sets (workflow states, decision dates, amounts decided or
paid, the body of a letter once queued...); ``create`` and ``write`` refuse them from
anyone else with a clear error, whoever the user is.

The model's own code (transition methods, scheduled actions) writes them through
``_aftersales_trusted()``: a recordset whose context holds :data:`TRUSTED`, an object
compared by identity. A client can send any JSON in its context, never this object.
"""
from odoo import _, api, models
from odoo.exceptions import AccessError, ValidationError

# The in-process marker of the suite's own code. Never a string: a client cannot forge it.
TRUSTED = object()
TRUSTED_KEY = "aftersales_trusted"


def is_trusted(env):
    """Whether ``env`` comes from the suite's own code (see ``_aftersales_trusted``)."""
    return env.context.get(TRUSTED_KEY) is TRUSTED


class AftersalesGuardedMixin(models.AbstractModel):
    _name = "aftersales.guarded.mixin"
    _description = "Fields only the suite's own code sets"

    # Fields only the model's own code sets, on create (beyond their own default) and on
    # write. Stored computed fields without an inverse and stored related fields are
    # added automatically: written from outside they would store a value their compute
    # did not give (a KPI) or write through to another record.
    _aftersales_guarded_fields = ()
    # Fields set on create and never changed afterwards from outside (the company).
    _aftersales_frozen_fields = ("company_id",)
    # Links to records that must belong to the record's own company or one above it: a
    # complaint of one dealership on another one's customer, vehicle or call is refused.
    _aftersales_company_links = ()
    # A standard model that gets the mixin (sale.order...) lists its guarded fields only:
    # its own code writes its computed fields.
    _aftersales_guard_computed = True

    @api.model
    def create(self, vals):
        self._aftersales_check_guarded_create(vals)
        record = super(AftersalesGuardedMixin, self).create(vals)
        record._aftersales_verify_company_links()
        return record

    @api.multi
    def write(self, vals):
        self._aftersales_check_guarded_write(vals)
        result = super(AftersalesGuardedMixin, self).write(vals)
        if "company_id" in vals:
            self._aftersales_verify_company_links()
        elif set(vals) & set(self._aftersales_company_link_names()):
            self._aftersales_verify_company_links(set(vals))
        return result

    @api.model
    def _aftersales_guarded_names(self):
        names = set(self._aftersales_guarded_fields)
        if self._aftersales_guard_computed:
            for name, field in self._fields.items():
                if field.store and (field.related or (field.compute and not field.inverse)):
                    names.add(name)
        return names

    def _aftersales_trusted(self):
        """These records as the model's own code: guarded fields may be written."""
        return self.with_context(**{TRUSTED_KEY: TRUSTED})

    def _aftersales_demo_write(self, vals):
        """Demo data sets the history the suite would have recorded over the past days
        (a visit handed over three days ago, a call made last month). Private: no client
        can call it; demo files call it with <function>."""
        return self._aftersales_trusted().write(vals)

    @api.model
    def _aftersales_demo_create(self, xmlid, vals):
        """Create a demo record the suite would have recorded (a letter of the register)
        under the XML id ``xmlid`` ("module.name"); see _aftersales_demo_write."""
        module, name = xmlid.split(".", 1)
        existing = self.env.ref(xmlid, raise_if_not_found=False)
        if existing:
            existing._aftersales_demo_write(vals)
            return existing.id
        record = self._aftersales_trusted().create(vals)
        self.env["ir.model.data"].create({
            "module": module, "name": name, "model": self._name, "res_id": record.id,
            "noupdate": True})
        return record.id

    @api.model
    def _aftersales_refuse_fields(self, names):
        labels = sorted(self._fields[name].get_description(self.env)["string"]
                        for name in names)
        raise AccessError(_(
            "%(model)s: %(fields)s cannot be set directly; the buttons and scheduled "
            "actions of the after-sales suite set them.") % {
                "model": self.env["ir.model"]._get(self._name).name,
                "fields": ", ".join(labels)})

    def _aftersales_normalized(self, name, value):
        """``value`` for ``name`` as ``write`` would store it (an id for a many2one,
        False for empty), to compare with what the record holds."""
        field = self._fields[name]
        record = self[:1]
        return field.convert_to_write(
            field.convert_to_record(field.convert_to_cache(value, record), record),
            record) or False

    @api.model
    def _aftersales_same_as_default(self, name, value):
        """Whether ``value`` is the field's own default, ignoring the context's
        ``default_*`` keys (which a client chooses): a form sends the defaults back."""
        field = self._fields[name]
        if field.type in ("one2many", "many2many"):
            return not value
        default = field.default(self) if field.default is not None else False
        try:
            return self._aftersales_normalized(name, value) \
                == self._aftersales_normalized(name, default)
        except (ValueError, TypeError):
            return False

    def _aftersales_unchanged(self, name, value):
        """Whether writing ``value`` into ``name`` leaves every record of ``self`` as it
        is (a form or an import may send back the value a field already has)."""
        field = self._fields[name]
        if field.type in ("one2many", "many2many"):
            return False
        try:
            new = self._aftersales_normalized(name, value)
        except (ValueError, TypeError):
            return False
        return all((field.convert_to_write(record[name], record) or False) == new
                   for record in self)

    @api.model
    def _aftersales_check_guarded_create(self, vals):
        """Refuse the guarded fields that a caller outside the suite's code gives to
        ``create``: in ``vals``, or through the context's ``default_*`` keys. A model
        whose own ``create`` adds guarded values checks the caller's first with this,
        then creates through ``_aftersales_trusted()``."""
        if is_trusted(self.env):
            return
        given = {}
        for name in self._aftersales_guarded_names():
            if name in vals:
                given[name] = vals[name]
            elif "default_%s" % name in self.env.context:
                given[name] = self.env.context["default_%s" % name]
        refused = [name for name, value in given.items()
                   if not self._aftersales_same_as_default(name, value)]
        if refused:
            self._aftersales_refuse_fields(refused)

    def _aftersales_check_guarded_write(self, vals):
        """Refuse the guarded and frozen fields that a caller outside the suite's code
        would change with ``write``."""
        if is_trusted(self.env):
            return
        names = self._aftersales_guarded_names() | (
            set(self._aftersales_frozen_fields) & set(self._fields))
        refused = [name for name in names.intersection(vals)
                   if not self._aftersales_unchanged(name, vals[name])]
        if refused:
            self._aftersales_refuse_fields(refused)

    @api.model
    def _aftersales_company_link_names(self):
        return tuple(self._aftersales_company_links)

    def _aftersales_verify_company_links(self, names=None):
        """Refuse a link to a record of another company (see _aftersales_company_links)."""
        links = [name for name in self._aftersales_company_link_names()
                 if names is None or name in names]
        if not links or "company_id" not in self._fields:
            return
        # sudo: only the companies of the linked records are compared; the user may not
        # be allowed to read a record planted from another company, which is the point.
        for record in self.sudo():
            company = record.company_id
            if not company:
                continue
            allowed = company
            parent = company.parent_id
            while parent:
                allowed |= parent
                parent = parent.parent_id
            for name in links:
                for target in record[name]:
                    other = target.company_id if "company_id" in target._fields else False
                    if other and other not in allowed:
                        raise ValidationError(_(
                            "%(record)s belongs to %(company)s, but its %(field)s "
                            "%(target)s belongs to %(other)s.") % {
                                "record": record.display_name, "company": company.name,
                                "field": self._fields[name].get_description(
                                    self.env)["string"],
                                "target": target.display_name, "other": other.name})
