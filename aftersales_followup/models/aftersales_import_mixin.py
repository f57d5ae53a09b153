# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The reasons Odoo's standard import gives for a refused row.

Odoo 11's ``load()`` (behind the Import button and its "Test Import") reports a row that
a constraint or a guard refused as "Unknown error during import: <class ...>: ('reason',
None)", with "Resolve other errors first" as the hint. A model that inherits this mixin
has those rows listed with the refusal's own translated reason instead: nothing else of
the import changes (a file with a bad row still imports nothing)."""
import contextlib

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError

# The refusals a row can get from the suite's constraints and guards.
REFUSALS = (AccessError, UserError, ValidationError)
# Where load() collects the refusals of its rows: a _Reasons it made itself, that nothing
# reads but load(); a client cannot send one (JSON gives a plain dict, left alone).
REASONS_KEY = "aftersales_import_reasons"


class _Reasons(dict):
    """The reasons of one load(). Equal only to itself: Odoo reuses an environment whose
    context compares equal, and two empty dicts do, so one load() would fill the dict
    of another."""
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__


class AftersalesImportMixin(models.AbstractModel):
    _name = "aftersales.import.mixin"
    _description = "Refused import rows listed with their reason"

    @api.model
    def create(self, vals):
        with self._aftersales_collect_refusal():
            return super(AftersalesImportMixin, self).create(vals)

    @api.multi
    def write(self, vals):
        with self._aftersales_collect_refusal():
            return super(AftersalesImportMixin, self).write(vals)

    @api.model
    def load(self, fields, data):
        reasons = _Reasons()
        result = super(AftersalesImportMixin, self.with_context(
            **{REASONS_KEY: reasons})).load(fields, data)
        if reasons:
            for message in result["messages"]:
                for raw, reason in reasons.items():
                    # load()'s text: its translated "Unknown error..." and then this
                    if (message.get("message") or u"").endswith(u" " + raw):
                        message["message"] = reason
                        message.pop("moreinfo", None)
        return result

    @contextlib.contextmanager
    def _aftersales_collect_refusal(self):
        """Keep the reason of a refusal raised in the block, as load() prints it."""
        try:
            yield
        except REFUSALS as error:
            reasons = self.env.context.get(REASONS_KEY)
            if isinstance(reasons, _Reasons):
                # exactly the text load() makes of it (odoo/models.py, load)
                reasons[u"%s: %s" % (type(error), error)] = error.name
            raise
