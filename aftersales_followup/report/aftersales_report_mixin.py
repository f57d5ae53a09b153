# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import sql

from odoo import api, models, tools


def selection_of(model_name, field_name):
    """The selection of a report column that repeats a business field's: the field's own
    values with their labels translated as the field's are (Odoo translates only a
    selection given as a list, not one computed by a function)."""
    def selection(report):
        return report.env[model_name]._fields[field_name]._description_selection(report.env)
    return selection


class AftersalesReportMixin(models.AbstractModel):
    """What the after-sales KPI reports share: the dealership's day in SQL, and averages
    that stay empty when no row is concerned.

    A share is stored 100 or 0 on the rows it is about and NULL elsewhere, so that
    PostgreSQL's AVG counts only those rows; a group with none of them averages to NULL,
    which the report gives as False (shown empty, not 0.00)."""
    _name = "aftersales.report.mixin"
    _description = "After-sales KPI report helpers"

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """An average over no concerned row is empty: False, which the pivot and the list
        show blank (None would be shown 0.00)."""
        groups = super(AftersalesReportMixin, self).read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        averages = self._aftersales_average_measures()
        for group in groups:
            for name in averages:
                if name in group and group[name] is None:
                    group[name] = False
        return groups

    @api.model_cr
    def _aftersales_create_view(self):
        """(Re)create the report's view from its ``_select``, ``_from`` and ``_where``."""
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(sql.SQL("""
            CREATE OR REPLACE VIEW {table} AS (
                SELECT {select} FROM {from_} WHERE {where}
            )""").format(
                table=sql.Identifier(self._table), select=sql.SQL(self._select()),
                from_=sql.SQL(self._from()), where=sql.SQL(self._where())))

    @api.model
    def _aftersales_companies_sql(self):
        """The companies with the time zone of their dealership's day, to join as ``co``
        instead of ``res_company``: the rule is res.company's, told when the report is
        read (a view keeps its SQL, so the zones cannot be written into it), and once
        per company rather than per row (OFFSET 0 keeps PostgreSQL from inlining it)."""
        return ("(SELECT rc.id, rc.partner_id, {tz} AS aftersales_day_tz"
                " FROM res_company rc OFFSET 0)").format(
            tz=self.env["res.company"]._aftersales_tz_live_sql("rc"))

    @api.model
    def _aftersales_tz_sql(self, company="co"):
        """The time zone of the dealership of ``company``, a row of
        ``_aftersales_companies_sql``."""
        return "%s.aftersales_day_tz" % company

    @api.model
    def _aftersales_day_sql(self, timestamp, company="co"):
        """The dealership's day of the UTC ``timestamp`` (an SQL expression)."""
        return "((%s) AT TIME ZONE 'UTC' AT TIME ZONE %s)::date" % (
            timestamp, self._aftersales_tz_sql(company))

    @api.model
    def _aftersales_today_sql(self, company="co"):
        """Today in the dealership of ``company``, when the report is read."""
        return "(now() AT TIME ZONE %s)::date" % self._aftersales_tz_sql(company)

    @api.model
    def _aftersales_average_measures(self):
        return [name for name, field in self._fields.items()
                if field.type == "float" and field.group_operator == "avg"]
