# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The initial load of a dealer group (issue 18): customers, vehicles and service
history from CSV files of hundreds of thousands of rows, set-based.

``tools/import_dealership.py`` drives it: each file is copied (``COPY``) into a temporary
staging table, every row is checked in SQL with the rules the models apply to Odoo's
standard import (the SQL twins that live next to them: ``check_vin_sql``, the
dealership's day of ``res.company``), the refused rows keep a reason (the models' own
translated messages) and the good rows go in with ``INSERT ... SELECT``, with the
external ids that Odoo's import gives from the ``id`` column (so loading a file again
updates, never duplicates). Then the derived state (last visit, odometer, next service,
warranty, needs, class, returning customers) is computed once for all the rows.

Unlike the Import button (a bad row imports nothing), the good rows of a file go in and
the bad ones are listed with their reason, to be corrected and loaded again.

What the ORM does that this path reproduces: the defaults of every column the file does
not give (``default_get``: company, language, time zone...), create/write uid and dates,
the creator following each customer and vehicle, the odometer readings a vehicle and a
visit record, the customer file a visit opens (after-sales flag, default officer), the
needs a maintenance or tyre visit fulfilled, a changed officer's open calls moved, the
tracking of the links changed on records that already existed (officer, class, owner).
Deliberately left out (tested in tests/test_import_command.py): the creation tracking
messages of each new customer and vehicle, the tracking of the odometer the service
history moves forward and of the texts, boxes, days and numbers a second load changes
(hundreds of thousands of chatter notes nobody reads; the load itself is the trace: the
command's progress lines, summary and rejects file)."""
import logging

from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .aftersales_service_history import FULFILLED_NEEDS
from .aftersales_vehicle import check_vin_sql, normalize_vin_sql

_logger = logging.getLogger(__name__)

# The files, in load order, with the model and the columns (technical names, as the
# sample dealership's files and Odoo's import dialog use them) each may have.
KINDS = ("customers", "vehicles", "service_history")
MODELS = {"customers": "res.partner", "vehicles": "aftersales.vehicle",
          "service_history": "aftersales.service.history"}
COLUMNS = {
    "customers": ("id", "name", "is_company", "ref", "phone", "mobile", "email", "street",
                  "zip", "city", "aftersales_customer", "aftersales_user_id", "do_not_call",
                  "opt_out", "aftersales_class_id/id", "aftersales_class_pinned"),
    "vehicles": ("id", "vin", "license_plate", "product_id", "partner_id/id",
                 "handover_date", "odometer", "odometer_date", "year", "color"),
    "service_history": ("id", "source_ref", "partner_id/id", "vehicle_id/id",
                        "date_checkin", "date_handover", "odometer", "work_kind", "amount",
                        "user_id", "notes"),
}
# Odoo's import reads these as false (ir.fields.converter); anything else is true.
FALSE_TEXTS = ("", "0", "false", "no")
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
DATETIME_RE = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
INTEGER_RE = r"^-?\d+(\.0*)?$"
NUMBER_RE = r"^-?(\d+\.?\d*|\.\d+)$"
RECOMPUTE_BATCH = 2000
# the staging tables, temporary: one per file
STAGE = "aftersales_stage_"


def column_of(name):
    """The staging column of a file's column (``partner_id/id`` -> ``c_partner_id__id``)."""
    return "c_" + name.replace("/", "__")


class AftersalesBulkImport(models.AbstractModel):
    _name = "aftersales.bulk.import"
    _description = "Set-based initial load of a dealership"

    # ------------------------------------------------------------------ staging

    @api.model
    def _bulk_prepare(self):
        """The helpers of the checks, for this transaction only: a text to a date or
        timestamp, NULL when the calendar has no such day (2023-02-30)."""
        self.env.cr.execute("""
            CREATE OR REPLACE FUNCTION pg_temp.aftersales_date(t text) RETURNS date
            LANGUAGE plpgsql IMMUTABLE AS $$
            BEGIN RETURN t::date; EXCEPTION WHEN others THEN RETURN NULL; END $$;
            CREATE OR REPLACE FUNCTION pg_temp.aftersales_timestamp(t text) RETURNS timestamp
            LANGUAGE plpgsql IMMUTABLE AS $$
            BEGIN RETURN t::timestamp; EXCEPTION WHEN others THEN RETURN NULL; END $$;
        """)

    @api.model
    def _bulk_stage(self, kind, stream):
        """Copy the CSV ``stream`` (text, header line first) of ``kind`` into its staging
        table. Returns (the file's columns, the number of rows)."""
        import csv
        header = next(csv.reader([stream.readline().lstrip("\ufeff")]))
        header = self._bulk_header(kind, [name.strip() for name in header])
        unknown = [name for name in header if name not in COLUMNS[kind]]
        if unknown or len(set(header)) != len(header):
            raise UserError(_(
                "The file of %(kind)s has columns the command does not know or twice: "
                "%(unknown)s. Its columns are: %(columns)s.") % {
                    "kind": kind, "unknown": ", ".join(unknown) or ", ".join(header),
                    "columns": ", ".join(COLUMNS[kind])})
        table = sql.Identifier(STAGE + kind)
        cr = self.env.cr
        cr.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        cr.execute(sql.SQL("""
            CREATE TEMP TABLE {table} (
                lineno serial PRIMARY KEY, {columns},
                xml_module text, xml_name text, res_id int, new_id int,
                code text, args jsonb, company_id int, ref1 int, ref2 int, ref3 int,
                d1 date, d2 date, t1 timestamp, t2 timestamp, n1 int, amount numeric,
                vin text, day date, kind_key text)
        """).format(table=table, columns=sql.SQL(", ").join(
            sql.SQL("{} text").format(sql.Identifier(column_of(name)))
            for name in COLUMNS[kind])))
        # lineno counts from 2: the line of the file, after its header
        cr.execute(sql.SQL("ALTER SEQUENCE {} RESTART WITH 2").format(
            sql.Identifier("aftersales_stage_%s_lineno_seq" % kind)))
        cr.copy_expert(sql.SQL("COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)").format(
            table=table, columns=sql.SQL(", ").join(
                sql.Identifier(column_of(name)) for name in header)).as_string(cr._obj),
            stream)
        cr.execute(sql.SQL("SELECT count(*) FROM {}").format(table))
        count = cr.fetchone()[0]
        cr.execute(sql.SQL("ANALYZE {}").format(table))
        return header, count

    def _bulk_langs(self):
        """The user's language, then English, then every other installed one."""
        langs = [self.env.lang or "en_US", "en_US"]
        langs += self.env["res.lang"].search([]).mapped("code")
        return list(dict.fromkeys(langs))

    def _bulk_header(self, kind, header):
        """The file's columns as technical names: a label (the import templates'
        headers, in any installed language) is mapped by base_import's own matching,
        as the Import button's dialog maps it."""
        Import = self.env["base_import.import"]
        fields_of = {}
        columns = []
        for name in header:
            column = name if name in COLUMNS[kind] else None
            for lang in self._bulk_langs() if column is None else ():
                if lang not in fields_of:
                    fields_of[lang] = Import.with_context(lang=lang).get_fields(MODELS[kind])
                # the columns the command reads only: a label may be another field's
                # too ("电话" is both the phone and the calls in Chinese)
                known = [field for field in fields_of[lang]
                         if any(c.split("/")[0] == field["name"] for c in COLUMNS[kind])]
                match = Import.with_context(lang=lang)._match_header(name, known, {})
                path = "/".join(field["name"] for field in match)
                if path in COLUMNS[kind]:
                    column = path
                    break
            columns.append(column or name)
        return columns

    # ------------------------------------------------------------------ checks

    def _bulk_reject(self, kind, code, condition, args=None, params=None, extra=None):
        """Refuse the rows of ``kind`` not refused yet where ``condition`` holds (SQL
        over the staging row ``s`` and the FROM items ``extra``), with the reason
        ``code`` and its arguments (a jsonb SQL expression). Returns the count."""
        self.env.cr.execute(sql.SQL("""
            UPDATE {table} s SET code = {code}, args = {args}
              {extra}
             WHERE s.code IS NULL AND ({condition})
        """).format(table=sql.Identifier(STAGE + kind), code=sql.Literal(code),
                    args=args or sql.SQL("NULL"), condition=condition,
                    extra=sql.SQL("FROM ") + extra if extra else sql.SQL("")),
            params or {})
        return self.env.cr.rowcount

    def _bulk_set(self, kind, assignment, params=None, extra=None, condition=None):
        self.env.cr.execute(sql.SQL("UPDATE {table} s SET {assignment} {extra} "
                                    "WHERE s.code IS NULL {condition}").format(
            table=sql.Identifier(STAGE + kind), assignment=assignment,
            extra=sql.SQL("FROM ") + extra if extra else sql.SQL(""),
            condition=sql.SQL("AND ") + condition if condition else sql.SQL("")),
            params or {})

    @staticmethod
    def _col(name):
        return sql.SQL("s.{}").format(sql.Identifier(column_of(name)))

    def _bulk_check_ids(self, kind):
        """The external ids of the ``id`` column: split as Odoo's import splits them
        (``module.name``; no module: ''), the record they already name (to update),
        and a second line with the same id refused."""
        model = MODELS[kind]
        col = self._col("id")
        self._bulk_set(kind, sql.SQL("""
            xml_module = CASE WHEN position('.' IN btrim({col})) > 0
                              THEN split_part(btrim({col}), '.', 1) ELSE '' END,
            xml_name = CASE WHEN position('.' IN btrim({col})) > 0
                            THEN split_part(btrim({col}), '.', 2) ELSE btrim({col}) END
        """).format(col=col), condition=sql.SQL("COALESCE(btrim({}), '') != ''").format(col))
        # the statistics of the columns filled since the COPY (all NULL then)
        self.env.cr.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(STAGE + kind)))
        self._bulk_reject(kind, "duplicate_id", sql.SQL(
            "d.lineno = s.lineno AND d.first < s.lineno"),
            args=sql.SQL("jsonb_build_object('line', d.first)"),
            extra=sql.SQL("""(SELECT lineno, min(lineno) OVER (
                                     PARTITION BY xml_module, xml_name) AS first
                                FROM {table} WHERE xml_name IS NOT NULL) d""").format(
                table=sql.Identifier(STAGE + kind)))
        table = sql.Identifier(self.env[model]._table)
        self._bulk_set(kind, sql.SQL("res_id = d.res_id"), {"model": model}, extra=sql.SQL(
            "ir_model_data d JOIN {table} r ON r.id = d.res_id").format(table=table),
            condition=sql.SQL("d.model = %(model)s AND d.module = s.xml_module "
                              "AND d.name = s.xml_name"))

    def _bulk_resolve_xmlid(self, kind, name, target, model):
        """Resolve the external id column ``name`` into ``target`` (ref1..ref3); an
        unknown one refuses the row, as Odoo's import does."""
        col = self._col(name)
        table = sql.Identifier(self.env[model]._table)
        value = sql.SQL("btrim({})").format(col)
        self._bulk_set(kind, sql.SQL("{target} = d.res_id").format(
            target=sql.Identifier(target)), {"model": model},
            extra=sql.SQL("ir_model_data d JOIN {table} r ON r.id = d.res_id").format(
                table=table),
            condition=sql.SQL("""d.model = %(model)s
                AND d.module = CASE WHEN position('.' IN {v}) > 0
                                    THEN split_part({v}, '.', 1) ELSE '' END
                AND d.name = CASE WHEN position('.' IN {v}) > 0
                                  THEN split_part({v}, '.', 2) ELSE {v} END""").format(
                v=value))
        self._bulk_reject(kind, "no_match_xmlid", sql.SQL(
            "COALESCE({v}, '') != '' AND s.{target} IS NULL").format(
                v=value, target=sql.Identifier(target)),
            args=sql.SQL("jsonb_build_object('field', {name}, 'value', {v})").format(
                name=sql.Literal(name.split("/")[0]), v=value))

    def _bulk_resolve_user(self, kind, name, target):
        """A user given by login, else by name, as res.users' name_search finds it."""
        col = self._col(name)
        self._bulk_set(kind, sql.SQL("""{target} = COALESCE(
            (SELECT u.id FROM res_users u WHERE u.active AND u.login = btrim({col})
              ORDER BY u.id LIMIT 1),
            (SELECT u.id FROM res_users u JOIN res_partner up ON up.id = u.partner_id
              WHERE u.active AND up.name = btrim({col}) ORDER BY up.name, u.id LIMIT 1))
        """).format(target=sql.Identifier(target), col=col),
            condition=sql.SQL("COALESCE(btrim({}), '') != ''").format(col))
        self._bulk_reject(kind, "no_match_name", sql.SQL(
            "COALESCE(btrim({col}), '') != '' AND s.{target} IS NULL").format(
                col=col, target=sql.Identifier(target)),
            args=sql.SQL("jsonb_build_object('field', {name}, 'value', btrim({col}))").format(
                name=sql.Literal(name), col=col))

    def _bulk_check_date(self, kind, name, target, datetime=False):
        """A date (YYYY-MM-DD) or datetime (YYYY-MM-DD HH:MM:SS, in the importing
        user's time zone as Odoo's import reads it, stored in UTC) into ``target``."""
        col = self._col(name)
        if datetime:
            parsed = sql.SQL("""(pg_temp.aftersales_timestamp(btrim({col}))
                AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC'""").format(col=col)
            pattern = DATETIME_RE
        else:
            parsed = sql.SQL("pg_temp.aftersales_date(btrim({col}))").format(col=col)
            pattern = DATE_RE
        self._bulk_set(kind, sql.SQL("{target} = {parsed}").format(
            target=sql.Identifier(target), parsed=parsed), {"tz": self._bulk_input_tz()},
            condition=sql.SQL("btrim({col}) ~ {pattern}").format(
                col=col, pattern=sql.Literal(pattern)))
        self._bulk_reject(kind, "bad_datetime" if datetime else "bad_date", sql.SQL(
            "COALESCE(btrim({col}), '') != '' AND s.{target} IS NULL").format(
                col=col, target=sql.Identifier(target)),
            args=sql.SQL("jsonb_build_object('field', {name}, 'value', btrim({col}))").format(
                name=sql.Literal(name), col=col))

    def _bulk_check_odometer(self, kind):
        """Whole, not negative kilometres into n1 (empty: 0)."""
        col = self._col("odometer")
        args = sql.SQL("jsonb_build_object('field', 'odometer', 'value', btrim({}))").format(col)
        self._bulk_reject(kind, "bad_integer", sql.SQL(
            "COALESCE(btrim({col}), '') != '' AND btrim({col}) !~ {pattern} "
            "AND btrim({col}) !~ {number}").format(
                col=col, pattern=sql.Literal(INTEGER_RE), number=sql.Literal(NUMBER_RE)),
            args=args)
        self._bulk_reject(kind, "odometer_fraction", sql.SQL(
            "COALESCE(btrim({col}), '') != '' AND btrim({col}) !~ {pattern}").format(
                col=col, pattern=sql.Literal(INTEGER_RE)), args=args)
        self._bulk_set(kind, sql.SQL("n1 = COALESCE(NULLIF(btrim({col}), '')::numeric, 0)"
                                     "::int").format(col=col))
        self._bulk_reject(kind, "odometer_negative", sql.SQL("s.n1 < 0"))

    def _bulk_check_company_links(self, kind, links):
        """A link to a record of another dealership is refused (the models'
        ``_aftersales_company_links``): ``links`` is {field: (table, staging column)};
        the row's company and its parent companies are allowed, a record without a
        company too."""
        pairs = []
        for company in self.env["res.company"].sudo().search([]):
            parent = company
            while parent:
                pairs.append((company.id, parent.id))
                parent = parent.parent_id
        Model = self.env[MODELS[kind]]
        for name in Model._aftersales_company_links:
            if name not in links:
                continue
            table, column = links[name]
            self._bulk_reject(kind, "other_company", sql.SQL("""
                t.id = s.{column} AND t.company_id IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM unnest(%(rows)s::int[], %(allowed)s::int[])
                                           AS a(company_id, allowed_id)
                                 WHERE a.company_id = s.company_id
                                   AND a.allowed_id = t.company_id)""").format(
                column=sql.Identifier(column)),
                args=sql.SQL("jsonb_build_object('field', {name}, 'target', t.id, "
                             "'other', t.company_id, 'company', s.company_id)").format(
                    name=sql.Literal(name)),
                params={"rows": [p[0] for p in pairs], "allowed": [p[1] for p in pairs]},
                extra=sql.SQL("{} t").format(sql.Identifier(table)))

    def _bulk_input_tz(self):
        """The time zone Odoo's import reads datetimes in (ir.fields.converter)."""
        return self.env["ir.fields.converter"]._input_tz().zone

    def _bulk_check_customers(self, company):
        kind = "customers"
        self._bulk_set(kind, sql.SQL("company_id = %(company)s"), {"company": company.id})
        self._bulk_check_ids(kind)
        self._bulk_reject(kind, "required", sql.SQL("COALESCE(btrim({}), '') = ''").format(
            self._col("name")), args=sql.SQL("jsonb_build_object('field', 'name')"))
        self._bulk_resolve_user(kind, "aftersales_user_id", "ref1")
        self._bulk_reject(kind, "officer_not_staff", sql.SQL("u.id = s.ref1 AND u.share"),
                          args=sql.SQL("jsonb_build_object('user', u.id)"),
                          extra=sql.SQL("res_users u"))
        self._bulk_resolve_xmlid(kind, "aftersales_class_id/id", "ref2",
                                 "aftersales.customer.class")
        self._bulk_check_company_links(kind, {
            "aftersales_class_id": ("aftersales_customer_class", "ref2")})

    def _bulk_check_vehicles(self, company):
        kind = "vehicles"
        self._bulk_set(kind, sql.SQL("company_id = %(company)s, vin = {vin}").format(
            vin=normalize_vin_sql(self._col("vin"))), {"company": company.id})
        self._bulk_check_ids(kind)
        self._bulk_resolve_xmlid(kind, "partner_id/id", "ref1", "res.partner")
        self._bulk_check_company_links(kind, {"partner_id": ("res_partner", "ref1")})
        # one rule, in Python for the ORM and its SQL twin here (check_vin_sql)
        self._bulk_reject(kind, "vin_invalid", sql.SQL("{} IS NOT NULL").format(
            check_vin_sql(sql.SQL("s.vin"))))
        self._bulk_reject(kind, "vin_taken", sql.SQL(
            "v.vin = s.vin AND v.company_id = s.company_id "
            "AND v.id IS DISTINCT FROM s.res_id"),
            args=sql.SQL("jsonb_build_object('vehicle', v.name)"),
            extra=sql.SQL("aftersales_vehicle v"))
        self._bulk_reject(kind, "vin_taken", sql.SQL(
            "first.vin = s.vin AND s.lineno > first.lineno"),
            args=sql.SQL("jsonb_build_object('line', first.lineno)"),
            extra=sql.SQL("""(SELECT DISTINCT ON (vin) vin, lineno FROM {table}
                               WHERE code IS NULL ORDER BY vin, lineno) first""").format(
                table=sql.Identifier(STAGE + kind)))
        self._bulk_resolve_product(kind)
        self._bulk_check_date(kind, "handover_date", "d1")
        self._bulk_check_date(kind, "odometer_date", "d2")
        self._bulk_check_odometer(kind)
        for name, target in (("handover_date", "d1"), ("odometer_date", "d2")):
            self._bulk_reject(kind, "future_vehicle", sql.SQL("s.{} > %(today)s").format(
                sql.Identifier(target)),
                args=sql.SQL("jsonb_build_object('field', {name})").format(
                    name=sql.Literal(name)),
                params={"today": company._aftersales_today()})
        year = self._col("year")
        self._bulk_reject(kind, "bad_integer", sql.SQL(
            "COALESCE(btrim({col}), '') != '' AND btrim({col}) !~ {pattern}").format(
                col=year, pattern=sql.Literal(INTEGER_RE)),
            args=sql.SQL("jsonb_build_object('field', 'year', 'value', btrim({}))").format(
                year))
        # an update: the warranty start is frozen once set, the odometer only goes up
        self._bulk_reject(kind, "frozen", sql.SQL(
            "v.id = s.res_id AND v.handover_date IS NOT NULL "
            "AND v.handover_date IS DISTINCT FROM s.d1"),
            args=sql.SQL("jsonb_build_object('field', 'handover_date')"),
            extra=sql.SQL("aftersales_vehicle v"))
        self._bulk_reject(kind, "frozen", sql.SQL(
            "v.id = s.res_id AND v.company_id != s.company_id"),
            args=sql.SQL("jsonb_build_object('field', 'company_id')"),
            extra=sql.SQL("aftersales_vehicle v"))
        self._bulk_reject(kind, "odometer_back", sql.SQL(
            "v.id = s.res_id AND s.n1 < v.odometer"),
            args=sql.SQL("jsonb_build_object('vehicle', v.name, 'last', v.odometer)"),
            extra=sql.SQL("aftersales_vehicle v"))

    def _bulk_resolve_product(self, kind):
        """The vehicle model as product.product's name_search finds it: internal
        reference, barcode, then name (or its translation in the user's language)."""
        col = self._col("product_id")
        self._bulk_set(kind, sql.SQL("""ref2 = COALESCE(
            (SELECT p.id FROM product_product p WHERE p.active
                AND p.default_code = btrim({col}) ORDER BY p.id LIMIT 1),
            (SELECT p.id FROM product_product p WHERE p.active
                AND p.barcode = btrim({col}) ORDER BY p.id LIMIT 1),
            (SELECT p.id FROM product_product p
               JOIN product_template t ON t.id = p.product_tmpl_id
              WHERE p.active AND t.name = btrim({col}) ORDER BY p.id LIMIT 1),
            (SELECT p.id FROM product_product p
               JOIN ir_translation tr ON tr.res_id = p.product_tmpl_id
                AND tr.name = 'product.template,name' AND tr.lang IN %(langs)s
              WHERE p.active AND tr.value = btrim({col}) ORDER BY p.id LIMIT 1))
        """).format(col=col), {"langs": tuple(self._bulk_langs())},
            condition=sql.SQL("COALESCE(btrim({}), '') != ''").format(col))
        self._bulk_reject(kind, "no_match_name", sql.SQL(
            "COALESCE(btrim({col}), '') != '' AND s.ref2 IS NULL").format(col=col),
            args=sql.SQL("jsonb_build_object('field', 'product_id', 'value', btrim({}))")
            .format(col))

    def _bulk_check_history(self, company):
        kind = "service_history"
        self._bulk_check_ids(kind)
        self._bulk_resolve_xmlid(kind, "partner_id/id", "ref1", "res.partner")
        self._bulk_resolve_xmlid(kind, "vehicle_id/id", "ref2", "aftersales.vehicle")
        for name in ("partner_id/id", "vehicle_id/id", "date_checkin"):
            self._bulk_reject(kind, "required", sql.SQL(
                "COALESCE(btrim({}), '') = ''").format(self._col(name)),
                args=sql.SQL("jsonb_build_object('field', {})").format(
                    sql.Literal(name.split("/")[0])))
        self._bulk_check_date(kind, "date_checkin", "t1", datetime=True)
        self._bulk_check_date(kind, "date_handover", "t2", datetime=True)
        self._bulk_check_odometer(kind)
        self._bulk_resolve_user(kind, "user_id", "ref3")
        # the work: its key or its label (English or the user's language)
        History = self.env["aftersales.service.history"]
        field = History._fields["work_kind"]
        labels = {}
        for key, label in field.selection:
            labels[key.lower()] = key
            labels[label.lower()] = key
        for lang in self._bulk_langs():
            for key, label in field._description_selection(self.env(context=dict(
                    self.env.context, lang=lang))):
                labels.setdefault(label.lower(), key)
        work = self._col("work_kind")
        self._bulk_set(kind, sql.SQL("""kind_key = COALESCE(
            (SELECT m.key FROM unnest(%(labels)s::text[], %(keys)s::text[]) AS m(label, key)
              WHERE m.label = lower(btrim({col})) LIMIT 1),
            CASE WHEN COALESCE(btrim({col}), '') = '' THEN %(default)s END)""").format(
                col=work), {"labels": list(labels), "keys": list(labels.values()),
                            "default": History._fields["work_kind"].default(History)})
        self._bulk_reject(kind, "bad_selection", sql.SQL("s.kind_key IS NULL"), args=sql.SQL(
            "jsonb_build_object('field', 'work_kind', 'value', btrim({}))").format(work))
        amount = self._col("amount")
        self._bulk_reject(kind, "bad_number", sql.SQL(
            "COALESCE(btrim({col}), '') != '' AND btrim({col}) !~ {pattern}").format(
                col=amount, pattern=sql.Literal(NUMBER_RE)),
            args=sql.SQL("jsonb_build_object('field', 'amount', 'value', btrim({}))").format(
                amount))
        self._bulk_set(kind, sql.SQL("amount = COALESCE(NULLIF(btrim({}), '')::numeric, 0)")
                       .format(amount))
        # the visit's company is its vehicle's; its day is that dealership's
        self._bulk_set(kind, sql.SQL("company_id = v.company_id"),
                       extra=sql.SQL("aftersales_vehicle v"), condition=sql.SQL("v.id = s.ref2"))
        self._bulk_set(kind, sql.SQL("day = {}").format(
            self.env["res.company"]._aftersales_local_date_sql(
                sql.SQL("s.t1"), "s.company_id")))
        self._bulk_check_company_links(kind, {
            "partner_id": ("res_partner", "ref1"), "vehicle_id": ("aftersales_vehicle", "ref2"),
            "user_id": ("res_users", "ref3")})
        # the vehicle is the customer's (the same customer file)
        self._bulk_reject(kind, "no_owner", sql.SQL("v.id = s.ref2 AND v.partner_id IS NULL"),
                          extra=sql.SQL("aftersales_vehicle v"))
        other_owner = sql.SQL("""
            v.id = s.ref2 AND o.id = v.partner_id AND p.id = s.ref1
            AND COALESCE(o.commercial_partner_id, o.id)
                != COALESCE(p.commercial_partner_id, p.id)""")
        self._bulk_reject(
            kind, "other_owner", other_owner,
            args=sql.SQL("jsonb_build_object('owner', o.id)"),
            extra=sql.SQL("aftersales_vehicle v, res_partner o, res_partner p"))
        Company = self.env["res.company"]
        for name, target in (("date_checkin", "t1"), ("date_handover", "t2")):
            self._bulk_reject(kind, "future_history", sql.SQL("{day} > {today}").format(
                day=Company._aftersales_local_date_sql(sql.SQL("s.{}").format(
                    sql.Identifier(target)), "s.company_id"),
                today=Company._aftersales_today_sql("s.company_id")),
                args=sql.SQL("jsonb_build_object('field', {name}, 'date', "
                             "to_char(s.{target}, 'YYYY-MM-DD HH24:MI:SS'))").format(
                    name=sql.Literal(name), target=sql.Identifier(target)))
        # the moments as the ORM's message gives them: the stored (UTC) ones
        # an update: the visit's company is frozen once created
        self._bulk_reject(kind, "frozen", sql.SQL(
            "h.id = s.res_id AND h.company_id != s.company_id"),
            args=sql.SQL("jsonb_build_object('field', 'company_id')"),
            extra=sql.SQL("aftersales_service_history h"))
        self._bulk_reject(kind, "handover_before_checkin", sql.SQL("s.t2 < s.t1"),
                          args=sql.SQL("jsonb_build_object("
                                       "'checkin', to_char(s.t1, 'YYYY-MM-DD HH24:MI:SS'), "
                                       "'handover', to_char(s.t2, 'YYYY-MM-DD HH24:MI:SS'))"))
        self._bulk_check_history_odometer()

    def _bulk_check_history_odometer(self):
        """The odometer never goes backwards (the rule of
        ``_aftersales_ensure_odometer_not_decreasing`` for a reading of a past day):
        against the vehicle's current readings (its own, earlier visits; not those of
        the row being updated), then against the file's earlier visits of the same
        vehicle (by day, then line: of two readings that disagree the later one is
        refused)."""
        kind = "service_history"
        table = sql.Identifier(STAGE + kind)
        self.env.cr.execute(sql.SQL(
            "CREATE INDEX ON {} (ref2, day, lineno) WHERE n1 > 0").format(table))
        # the statistics of the columns resolved since the COPY (NULL then)
        self.env.cr.execute(sql.SQL("ANALYZE {}").format(table))
        readings = sql.SQL("""aftersales_odometer_reading r WHERE r.active
            AND r.vehicle_id = c.ref2
            AND COALESCE(r.service_history_id, 0) != COALESCE(c.res_id, -1)""")
        # (UPDATE ... FROM cannot reach the updated row from a LATERAL: each check picks
        # the conflicting reading of every candidate row first)
        checks = (
            ("history_back", "last", "last_date", sql.SQL("""
                SELECT r.odometer, r.date FROM {readings}
                   AND r.date <= c.day AND r.odometer > c.n1
                 ORDER BY r.date DESC, r.odometer DESC LIMIT 1""").format(readings=readings)),
            ("history_later", "later", "later_date", sql.SQL("""
                SELECT r.odometer, r.date FROM {readings}
                   AND r.date > c.day AND r.odometer < c.n1
                 ORDER BY r.date, r.odometer LIMIT 1""").format(readings=readings)),
        )
        for code, km, day, conflict in checks:
            self.env.cr.execute(sql.SQL("""
                UPDATE {table} s SET code = %(code)s,
                       args = jsonb_build_object(%(km)s, x.odometer, %(day)s, x.date)
                  FROM (SELECT c.lineno, hit.odometer, hit.date FROM {table} c,
                               LATERAL ({conflict}) AS hit(odometer, date)
                         WHERE c.code IS NULL AND c.n1 > 0) x
                 WHERE x.lineno = s.lineno AND s.code IS NULL
            """).format(table=table, conflict=sql.Composed([conflict])),
                {"code": code, "km": km, "day": day})
        # the file's own earlier visits of the vehicle (by day, then line): a window finds
        # the rows below an earlier reading, then the reading named in the reason (the
        # latest of those higher, as the ORM's message names it) for those few rows
        self.env.cr.execute(sql.SQL("""
            UPDATE {table} s SET code = 'history_back'
              FROM (SELECT lineno, max(n1) OVER (
                           PARTITION BY ref2 ORDER BY day, lineno
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
                      FROM {table} WHERE code IS NULL AND n1 > 0) w
             WHERE w.lineno = s.lineno AND s.code IS NULL AND w.before > s.n1
        """).format(table=table))
        self.env.cr.execute(sql.SQL("""
            UPDATE {table} s SET args = jsonb_build_object('last', x.n1, 'last_date', x.day)
              FROM (SELECT c.lineno, hit.n1, hit.day FROM {table} c,
                           LATERAL (SELECT e.n1, e.day FROM {table} e
                                     WHERE e.ref2 = c.ref2 AND e.n1 > c.n1
                                       AND e.code IS NULL
                                       AND (e.day, e.lineno) < (c.day, c.lineno)
                                     ORDER BY e.day DESC, e.n1 DESC LIMIT 1) hit
                     WHERE c.code = 'history_back' AND c.args IS NULL) x
             WHERE x.lineno = s.lineno
        """).format(table=table))

    # ------------------------------------------------------------------ reasons

    @api.model
    def _bulk_rejects(self, kind):
        """[(line, {column: value}, reason)] of the refused rows of ``kind``, the
        reason in the user's language: the models' own messages."""
        header = COLUMNS[kind]
        self.env.cr.execute(sql.SQL(
            "SELECT lineno, code, args, vin, res_id, ref1, ref2, {columns} FROM {table} s "
            "WHERE code IS NOT NULL ORDER BY lineno").format(
                table=sql.Identifier(STAGE + kind), columns=sql.SQL(", ").join(
                    self._col(name) for name in header)))
        result = []
        for row in self.env.cr.fetchall():
            lineno, code, args, vin, res_id, ref1, ref2 = row[:7]
            values = dict(zip(header, row[7:]))
            reason = self._bulk_reason(kind, code, args or {}, values, vin, res_id, ref1, ref2)
            result.append((lineno, values, reason))
        return result

    def _bulk_label(self, kind, name):
        return self.env[MODELS[kind]]._fields[name].get_description(self.env)["string"]

    def _bulk_reason(self, kind, code, args, values, vin, res_id, ref1, ref2):
        """The translated reason of a refused row: the message the model (or Odoo's
        import) gives for the same rule."""
        Vehicle = self.env["aftersales.vehicle"]
        field = args.get("field")
        label = field and self._bulk_label(kind, field)
        value = args.get("value")
        if code == "duplicate_id":
            return _("The external id %(id)s is already on line %(line)s of this file.") % {
                "id": values.get("id"), "line": args["line"]}
        if code == "required":
            return _("Missing required value for the field %s.") % label
        if code == "no_match_name":
            return (_(u"No matching record found for %(field_type)s '%(value)s' in field "
                      u"'%%(field)s'") % {"field_type": _(u"name"), "value": value}) % {
                          "field": label}
        if code == "no_match_xmlid":
            return (_(u"No matching record found for %(field_type)s '%(value)s' in field "
                      u"'%%(field)s'") % {"field_type": _(u"external id"), "value": value}) % {
                          "field": label}
        if code == "bad_date":
            return (_(u"'%s' does not seem to be a valid date for field '%%(field)s'")
                    % value) % {"field": label}
        if code == "bad_datetime":
            return (_(u"'%s' does not seem to be a valid datetime for field '%%(field)s'")
                    % value) % {"field": label}
        if code == "bad_integer":
            return (_(u"'%s' does not seem to be an integer for field '%%(field)s'")
                    % value) % {"field": label}
        if code == "bad_number":
            return (_(u"'%s' does not seem to be a number for field '%%(field)s'")
                    % value) % {"field": label}
        if code == "bad_selection":
            return (_(u"Value '%s' not found in selection field '%%(field)s'")
                    % value) % {"field": label}
        if code == "officer_not_staff":
            return _("%(user)s is not one of the dealership's staff: the follow-up officer "
                     "of %(customer)s must be an internal user.") % {
                         "user": self.env["res.users"].browse(args["user"]).name,
                         "customer": values.get("name")}
        if code == "other_company":
            target = self.env[self.env[MODELS[kind]]._fields[field].comodel_name].browse(
                args["target"])
            company = self.env["res.company"].browse(args["company"])
            return _("%(record)s belongs to %(company)s, but its %(field)s "
                     "%(target)s belongs to %(other)s.") % {
                         "record": values.get("name") or vin or values.get("source_ref")
                         or values.get("id"), "company": company.name, "field": label,
                         "target": target.display_name,
                         "other": self.env["res.company"].browse(args["other"]).name}
        if code == "vin_invalid":
            return Vehicle._vin_error_message(vin)
        if code == "vin_taken":
            vehicle = args.get("vehicle") or _("line %s of this file") % args.get("line")
            return _("The VIN %(vin)s is already registered for %(vehicle)s.") % {
                "vin": vin, "vehicle": vehicle}
        if code == "future_vehicle":
            return _("%(field)s %(date)s of the vehicle %(vehicle)s is in the future.") % {
                "field": label, "date": values.get(field), "vehicle": vin}
        if code == "odometer_fraction":
            return _("The odometer is read in whole kilometres: %s is not.") % value
        if code in ("odometer_negative", "history_negative"):
            return _("The odometer cannot be negative.")
        if code == "frozen":
            try:
                self.env[MODELS[kind]]._aftersales_refuse_fields([field])
            except AccessError as error:
                return error.name
        if code == "odometer_back":
            return _("The odometer of %(vehicle)s cannot go back from %(last)d km to "
                     "%(new)d km.") % {"vehicle": args["vehicle"], "last": args["last"],
                                       "new": int(float(values["odometer"]))}
        vehicle = Vehicle.browse(ref2)
        if code == "no_owner":
            return _("The vehicle %(vehicle)s has no owner: register %(customer)s as its "
                     "owner before bringing in its service history.") % {
                         "vehicle": vehicle.display_name,
                         "customer": self.env["res.partner"].browse(ref1).display_name}
        if code == "other_owner":
            return _("The vehicle %(vehicle)s belongs to %(owner)s, not to %(customer)s.") % {
                "vehicle": vehicle.display_name,
                "owner": self.env["res.partner"].browse(args["owner"]).display_name,
                "customer": self.env["res.partner"].browse(ref1).display_name}
        if code == "future_history":
            return _("%(field)s %(date)s is in the future: the service history holds "
                     "visits already made.") % {"field": label, "date": args["date"]}
        if code == "handover_before_checkin":
            return _("The vehicle cannot be handed over (%(handover)s) before it was checked "
                     "in (%(checkin)s).") % {"handover": args["handover"],
                                             "checkin": args["checkin"]}
        day = self._bulk_day_of(values, vehicle)
        if code == "history_back":
            return _("The odometer of %(vehicle)s cannot go back from %(last)d km (read on "
                     "%(last_date)s) to %(new)d km on %(date)s.") % {
                         "vehicle": vehicle.display_name, "last": args["last"],
                         "last_date": args["last_date"], "new": int(float(values["odometer"])),
                         "date": day}
        if code == "history_later":
            return _("The odometer of %(vehicle)s cannot read %(new)d km on %(date)s: it "
                     "read %(later)d km later, on %(later_date)s.") % {
                         "vehicle": vehicle.display_name, "new": int(float(values["odometer"])),
                         "date": day, "later": args["later"],
                         "later_date": args["later_date"]}
        raise ValidationError(code)

    def _bulk_day_of(self, values, vehicle):
        moment = fields.Datetime.from_string(values["date_checkin"])
        tz = self.env["ir.fields.converter"]._input_tz()
        utc = tz.localize(moment).astimezone(pytz_utc()).replace(tzinfo=None)
        return (vehicle.company_id or self.env.user.company_id)._aftersales_date_of(utc)

    # ------------------------------------------------------------------ writing

    def _bulk_defaults(self, model, given):
        """{column: SQL literal} of the defaults the ORM gives a new record of ``model``
        for the stored columns the load does not set itself (``given``)."""
        Model = self.env[model]
        names = [name for name, field in Model._fields.items()
                 if field.store and field.column_type and not field.compute
                 and not field.related and name not in given
                 and name not in models.MAGIC_COLUMNS]
        defaults = Model.default_get(names)
        record = Model.browse()
        # a boolean without a default is stored false by create(), not NULL
        values = {name: sql.Literal(False) for name in names
                  if Model._fields[name].type == "boolean" and name not in defaults}
        for name, value in defaults.items():
            field = Model._fields[name]
            if value is None or value is False and field.type != "boolean":
                continue
            values[name] = sql.Literal(field.convert_to_column(value, record))
        return values

    def _bulk_write(self, kind, columns):
        """Insert the good new rows of ``kind`` (``columns``: {column: SQL over the
        staging row s}) with their external ids, and update the good rows that name
        existing records with the columns the file gave. Returns (created, updated)."""
        Model = self.env[MODELS[kind]]
        table = sql.Identifier(Model._table)
        stage = sql.Identifier(STAGE + kind)
        cr = self.env.cr
        uid = self.env.uid
        cr.execute(sql.SQL("""
            UPDATE {stage} SET new_id = nextval(%(seq)s)
             WHERE code IS NULL AND res_id IS NULL
        """).format(stage=stage), {"seq": Model._table + "_id_seq"})
        created = cr.rowcount
        insert = dict(self._bulk_defaults(MODELS[kind], columns), **columns)
        insert.update(id=sql.SQL("s.new_id"), create_uid=sql.Literal(uid),
                      write_uid=sql.Literal(uid),
                      create_date=sql.SQL("now() AT TIME ZONE 'UTC'"),
                      write_date=sql.SQL("now() AT TIME ZONE 'UTC'"))
        names = sorted(insert)
        cr.execute(sql.SQL("""
            INSERT INTO {table} ({names})
            SELECT {values} FROM {stage} s WHERE s.new_id IS NOT NULL AND s.code IS NULL
             ORDER BY s.lineno
        """).format(table=table, stage=stage,
                    names=sql.SQL(", ").join(map(sql.Identifier, names)),
                    values=sql.SQL(", ").join(insert[name] for name in names)))
        cr.execute(sql.SQL("""
            INSERT INTO ir_model_data (module, name, model, res_id, noupdate,
                                       date_init, date_update,
                                       create_uid, create_date, write_uid, write_date)
            SELECT s.xml_module, s.xml_name, %(model)s, s.new_id, FALSE,
                   now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM {stage} s WHERE s.new_id IS NOT NULL AND s.xml_name IS NOT NULL
               AND s.code IS NULL
        """).format(stage=stage), {"model": MODELS[kind], "uid": uid})
        # the trace of the load in the server log (the records' chatters stay quiet)
        _logger.info("initial load by %s: %d %s created", self.env.user.login, created,
                     MODELS[kind])
        return created

    def _bulk_update(self, kind, columns, header):
        """Update the good rows that name existing records with the columns the file
        gave (as Odoo's import writes them), tracking the tracked fields that change.
        Returns the number of records updated."""
        Model = self.env[MODELS[kind]]
        table = sql.Identifier(Model._table)
        stage = sql.Identifier(STAGE + kind)
        cr = self.env.cr
        given = {name: expression for name, expression in columns.items()
                 if name in {h.split("/")[0] for h in header}}
        cr.execute(sql.SQL("SELECT count(*) FROM {} WHERE code IS NULL AND res_id IS NOT NULL")
                   .format(stage))
        if not cr.fetchone()[0] or not given:
            return 0
        trace = self.env["aftersales.bulk.trace"]
        for name in given:
            field = Model._fields[name]
            # the tracking the set-based trace posts (selections and links: the officer,
            # the class, the owner); a changed text, box, day or number of an existing
            # record is left untracked (its write date says when the load changed it)
            if not getattr(field, "track_visibility", None) \
                    or field.type not in ("selection", "many2one"):
                continue
            cr.execute(sql.SQL("""
                SELECT r.id, r.{name}, {value} FROM {table} r JOIN {stage} s ON s.res_id = r.id
                 WHERE s.code IS NULL AND r.{name} IS DISTINCT FROM {value}
            """).format(name=sql.Identifier(name), value=sql.Composed([given[name]]),
                        table=table, stage=stage))
            changes = [(res_id, old or False, new or False)
                       for res_id, old, new in cr.fetchall()]
            if changes:
                trace._track(Model, name, changes)
        cr.execute(sql.SQL("""
            UPDATE {table} r SET {assignments}, write_uid = %(uid)s,
                   write_date = now() AT TIME ZONE 'UTC'
              FROM {stage} s WHERE s.res_id = r.id AND s.code IS NULL
        """).format(table=table, stage=stage, assignments=sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(name), expression)
            for name, expression in sorted(given.items()))), {"uid": self.env.uid})
        updated = cr.rowcount
        Model.invalidate_cache()
        return updated

    def _bulk_new_ids(self, kind):
        self.env.cr.execute(sql.SQL(
            "SELECT COALESCE(new_id, res_id) FROM {} WHERE code IS NULL ORDER BY lineno")
            .format(sql.Identifier(STAGE + kind)))
        return [row[0] for row in self.env.cr.fetchall()]

    def _bulk_subscribe_creator(self, kind):
        """The creator follows each new record, as mail.thread's create subscribes it."""
        self.env.cr.execute(sql.SQL(
            "SELECT new_id FROM {} WHERE code IS NULL AND new_id IS NOT NULL").format(
                sql.Identifier(STAGE + kind)))
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["aftersales.bulk.trace"]._subscribe(
            MODELS[kind], ids, [self.env.uid] * len(ids))

    @staticmethod
    def _bool(name):
        return sql.SQL("lower(btrim(COALESCE({col}, ''))) NOT IN {false}").format(
            col=AftersalesBulkImport._col(name), false=sql.Literal(FALSE_TEXTS))

    @staticmethod
    def _text(name):
        return sql.SQL("NULLIF(btrim({}), '')").format(AftersalesBulkImport._col(name))

    @api.model
    def _bulk_load_customers(self, header, company):
        """Check and write the staged customers. Returns (created, updated, refused)."""
        self._bulk_check_customers(company)
        text, boolean = self._text, self._bool
        columns = {
            "name": sql.SQL("btrim({})").format(self._col("name")),
            "display_name": sql.SQL("btrim({})").format(self._col("name")),
            "is_company": boolean("is_company"), "ref": text("ref"), "phone": text("phone"),
            "mobile": text("mobile"), "email": text("email"), "street": text("street"),
            "zip": text("zip"), "city": text("city"),
            "aftersales_customer": boolean("aftersales_customer"),
            "aftersales_user_id": sql.SQL("s.ref1"),
            "do_not_call": boolean("do_not_call"), "opt_out": boolean("opt_out"),
            "aftersales_class_id": sql.SQL("s.ref2"),
            "aftersales_class_pinned": boolean("aftersales_class_pinned"),
            "company_id": sql.SQL("s.company_id"),
        }
        before = self._bulk_officers_before()
        updated = self._bulk_update("customers", columns, header)
        created = self._bulk_write("customers", dict(columns, **{
            "commercial_partner_id": sql.SQL("s.new_id"),
            "commercial_company_name": sql.SQL("CASE WHEN {} THEN btrim({}) END").format(
                columns["is_company"], self._col("name")),
            "partner_share": sql.SQL("TRUE")}))
        self._bulk_subscribe_creator("customers")
        if before:
            # a changed officer takes over the customer's open calls, as write() does
            Partner = self.env["res.partner"]
            changed = Partner.browse(list(before))
            changed.invalidate_cache()
            moved = {pid: user for pid, user in before.items()
                     if Partner.browse(pid)._aftersales_officer() != user}
            if moved:
                Partner.browse(list(moved))._aftersales_move_open_calls(moved)
        return created, updated

    def _bulk_officers_before(self):
        """{customer id: officer} of the existing customers whose officer the file
        changes."""
        self.env.cr.execute(sql.SQL("""
            SELECT p.id FROM res_partner p JOIN {stage} s ON s.res_id = p.id
             WHERE s.code IS NULL AND p.aftersales_user_id IS DISTINCT FROM s.ref1
        """).format(stage=sql.Identifier(STAGE + "customers")))
        partners = self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])
        return {partner.id: partner._aftersales_officer() for partner in partners}

    @api.model
    def _bulk_load_vehicles(self, header, company):
        """Check and write the staged vehicles and their odometer readings."""
        self._bulk_check_vehicles(company)
        stage = sql.Identifier(STAGE + "vehicles")
        columns = {
            "vin": sql.SQL("s.vin"), "license_plate": self._text("license_plate"),
            "product_id": sql.SQL("s.ref2"), "partner_id": sql.SQL("s.ref1"),
            "handover_date": sql.SQL("s.d1"), "odometer": sql.SQL("s.n1"),
            "odometer_date": sql.SQL("s.d2"),
            "year": sql.SQL("NULLIF(btrim({}), '')::numeric::int").format(self._col("year")),
            "color": self._text("color"), "company_id": sql.SQL("s.company_id"),
            "active": sql.SQL("TRUE"),
        }
        today = fields.Date.context_today(self)
        cr = self.env.cr
        # an update: a new odometer or day is a new (manual) reading, as write() records
        if "odometer" in header:
            cr.execute(sql.SQL("""
                UPDATE {stage} s SET d2 = %(today)s
                 WHERE s.code IS NULL AND s.res_id IS NOT NULL AND s.n1 > 0 AND s.d2 IS NULL
            """).format(stage=stage), {"today": today})
            cr.execute(sql.SQL("""
                SELECT s.res_id, s.n1, s.d2 FROM {stage} s JOIN aftersales_vehicle v
                    ON v.id = s.res_id
                 WHERE s.code IS NULL AND s.n1 > 0
                   AND (v.odometer, v.odometer_date) IS DISTINCT FROM (s.n1, s.d2)
            """).format(stage=stage))
            new_readings = cr.fetchall()
        else:
            new_readings = []
        updated = self._bulk_update("vehicles", columns, header)
        # the name as _compute_name gives it (computed again with the derived state)
        created = self._bulk_write("vehicles", dict(columns, name=sql.SQL("""concat_ws(
            ' - ', COALESCE({plate}, s.vin), (SELECT t.name FROM product_product p
              JOIN product_template t ON t.id = p.product_tmpl_id WHERE p.id = s.ref2))
        """).format(plate=self._text("license_plate"))))
        self._bulk_subscribe_creator("vehicles")
        # a vehicle created with an odometer records its first reading (create())
        cr.execute(sql.SQL("""
            INSERT INTO aftersales_odometer_reading (
                vehicle_id, odometer, date, source, company_id, active,
                create_uid, create_date, write_uid, write_date)
            SELECT s.new_id, s.n1, COALESCE(s.d2, s.d1, %(today)s),
                   CASE WHEN s.d1 IS NOT NULL THEN 'handover' ELSE 'manual' END,
                   s.company_id, TRUE,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM {stage} s WHERE s.code IS NULL AND s.new_id IS NOT NULL AND s.n1 > 0
            UNION ALL
            SELECT r.vehicle_id, r.odometer, r.date::date, 'manual', v.company_id, TRUE,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM unnest(%(ids)s::int[], %(odometers)s::int[], %(dates)s::text[])
                   AS r(vehicle_id, odometer, date)
              JOIN aftersales_vehicle v ON v.id = r.vehicle_id
        """).format(stage=stage), {
            "today": today, "uid": self.env.uid,
            "ids": [r[0] for r in new_readings], "odometers": [r[1] for r in new_readings],
            "dates": [str(r[2]) for r in new_readings]})
        return created, updated

    @api.model
    def _bulk_load_history(self, header, company):
        """Check and write the staged service history, its odometer readings, the
        customer files it opens and the needs it fulfilled."""
        self._bulk_check_history(company)
        stage = sql.Identifier(STAGE + "service_history")
        cr = self.env.cr
        uid = self.env.uid
        columns = {
            "partner_id": sql.SQL("s.ref1"), "vehicle_id": sql.SQL("s.ref2"),
            "date_checkin": sql.SQL("s.t1"), "date_handover": sql.SQL("s.t2"),
            "odometer": sql.SQL("s.n1"), "work_kind": sql.SQL("s.kind_key"),
            "amount": sql.SQL("s.amount"), "user_id": sql.SQL("s.ref3"),
            "notes": self._text("notes"), "source_ref": self._text("source_ref"),
            "company_id": sql.SQL("s.company_id"),
        }
        # an update replaces the readings the row recorded (write())
        cr.execute(sql.SQL("""
            DELETE FROM aftersales_odometer_reading r USING {stage} s
             WHERE s.code IS NULL AND r.service_history_id = s.res_id
        """).format(stage=stage))
        updated = self._bulk_update("service_history", columns, header)
        created = self._bulk_write("service_history", columns)
        cr.execute(sql.SQL("""
            INSERT INTO aftersales_odometer_reading (
                vehicle_id, odometer, date, source, service_history_id, company_id, active,
                create_uid, create_date, write_uid, write_date)
            SELECT s.ref2, s.n1, s.day, 'history', COALESCE(s.new_id, s.res_id),
                   s.company_id, TRUE,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM {stage} s WHERE s.code IS NULL AND s.n1 > 0
        """).format(stage=stage), {"uid": uid})
        cr.execute(sql.SQL("SELECT DISTINCT ref2 FROM {} WHERE code IS NULL").format(stage))
        vehicle_ids = [row[0] for row in cr.fetchall()]
        self.env["aftersales.vehicle"]._aftersales_refresh_odometer_sql(vehicle_ids)
        # the customer file a visit opens (_aftersales_open_file): the after-sales flag
        # and the default officer (the customer's dealership's, else the user's) when
        # the customer has none
        cr.execute(sql.SQL("""
            UPDATE res_partner f
               SET aftersales_customer = TRUE,
                   aftersales_user_id = COALESCE(
                       f.aftersales_user_id,
                       (SELECT c.aftersales_default_user_id FROM res_company c
                         WHERE c.id = f.company_id),
                       %(default_officer)s),
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM (SELECT DISTINCT COALESCE(p.commercial_partner_id, p.id) AS id
                      FROM {stage} s JOIN res_partner p ON p.id = s.ref1
                     WHERE s.code IS NULL) files
             WHERE f.id = files.id
               AND (NOT COALESCE(f.aftersales_customer, FALSE)
                    OR f.aftersales_user_id IS NULL)
        """).format(stage=stage), {
            "uid": uid,
            "default_officer": self.env.user.company_id.aftersales_default_user_id.id or None})
        self._bulk_close_fulfilled_needs(stage)
        self.env["res.partner"].invalidate_cache()
        return created, updated

    def _bulk_close_fulfilled_needs(self, stage):
        """Set-based twin of ``aftersales.need._close_fulfilled_needs``: a maintenance
        or tyre visit closes its vehicle's open needs of that kind known (created) or
        due by its check-in; the earliest such visit is the one that closed it."""
        kinds = [(work, kind) for work, needs in FULFILLED_NEEDS.items() for kind in needs]
        self.env.cr.execute(sql.SQL("""
            WITH closing AS (
                SELECT DISTINCT ON (n.id) n.id, COALESCE(s.new_id, s.res_id) AS history_id
                  FROM aftersales_need n
                  JOIN {stage} s ON s.ref2 = n.vehicle_id AND s.code IS NULL
                  JOIN unnest(%(works)s::text[], %(kinds)s::text[]) AS k(work, kind)
                    ON k.work = s.kind_key AND k.kind = n.kind
                 WHERE n.state = 'open'
                   AND (n.create_date <= s.t1 OR n.date_expected <= s.day)
                 ORDER BY n.id, s.t1, s.lineno
            )
            UPDATE aftersales_need n SET state = 'done', service_history_id = closing.history_id,
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM closing WHERE closing.id = n.id
        """).format(stage=stage), {"works": [k[0] for k in kinds],
                                   "kinds": [k[1] for k in kinds], "uid": self.env.uid})
        self.env["aftersales.need"].invalidate_cache()

    # ------------------------------------------------------------------ derived state

    @api.model
    def _bulk_batch(self):
        """How many records the derived state is computed for at a time."""
        return RECOMPUTE_BATCH

    @api.model
    def _bulk_recompute(self, records, names):
        """The stored computed fields ``names`` of ``records`` by their own compute
        methods (each once for all the records, in the cache), written with one UPDATE
        (the ORM's recompute writes record by record)."""
        Model = records.browse()
        done = set()
        # prefetch_fields=False: a compute reading a plain field (a partner's phone) would
        # otherwise prefetch every column of the batch, the computed ones still empty in
        # the table, over the values computed before it in the cache.
        computing = records.with_context(prefetch_fields=False)
        for name in names:
            field = Model._fields[name]
            if field not in done:
                field.compute_value(computing)
                done.update(Model._field_computed[field])
        columns = [sql.SQL("%s::{}[]").format(sql.SQL(Model._fields[name].column_type[1]))
                   for name in names]
        values = [[] for _name in names]
        for record in computing:
            written = record._convert_to_write({name: record[name] for name in names})
            for index, name in enumerate(names):
                # as the ORM stores it (a float rounded to its digits, False as NULL)
                values[index].append(Model._fields[name].convert_to_column(
                    written[name], record))
        self.env.cr.execute(sql.SQL("""
            UPDATE {table} r SET {assignments}
              FROM unnest(%s::int[], {columns}) AS v(id, {names})
             WHERE v.id = r.id
        """).format(table=sql.Identifier(Model._table),
                    assignments=sql.SQL(", ").join(
                        sql.SQL("{0} = v.{0}").format(sql.Identifier(name)) for name in names),
                    columns=sql.SQL(", ").join(columns),
                    names=sql.SQL(", ").join(map(sql.Identifier, names))),
            [records.ids] + values)
        for name in names:
            records._recompute_done(Model._fields[name])
        # the whole cache: the readings, products, visits read for the batch too
        Model.invalidate_cache()

    @api.model
    def _bulk_refresh_derived(self, partner_ids, vehicle_ids, progress=None):
        """Compute the derived state of the loaded customers and vehicles once, after
        the load: the suite's stored computed fields (last visit, last service, km per
        day, next service, the warranty's coverage...) by the models' own compute
        methods, a batch at a time and one UPDATE per batch, then the needs and the
        class of every customer as the nightly scheduled actions compute them
        (set-based)."""
        for model, ids in (("aftersales.vehicle", vehicle_ids), ("res.partner", partner_ids)):
            Model = self.env[model]
            names = [name for name, field in Model._fields.items()
                     if field.store and field.compute and not field.related
                     and field.column_type and (field._module or "").startswith("aftersales_")]
            for start in range(0, len(ids), RECOMPUTE_BATCH):
                self._bulk_recompute(Model.browse(ids[start:start + RECOMPUTE_BATCH]), names)
                if progress:
                    progress(model, min(start + RECOMPUTE_BATCH, len(ids)), len(ids))
        needs = self.env["aftersales.need"]._refresh_needs_from_vehicles()
        self.env["aftersales.customer.class"]._classify_customers()
        return needs


def pytz_utc():
    import pytz
    return pytz.utc
