# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging

import psycopg2
from psycopg2 import errorcodes, sql

from odoo import api, fields, models, tools

from .aftersales_report_mixin import selection_of

_logger = logging.getLogger(__name__)

# The grain of the summary: what the KPI is grouped and filtered by. The call's customer,
# vehicle, order and rule are left to the calls analysis (one row per call).
KEYS = ("company_id", "date_due", "user_id", "purpose", "direction", "state", "campaign_id")
# The averages of the calls analysis, each kept as its sum and the number of calls it is
# about, so that the average of any group is exact (sum / rows).
AVERAGES = ("reached", "on_time", "satisfaction", "survey_score")
SUMS = ("call_count", "expired_count", "attempt_count")
# The last day that has passed somewhere on Earth (14 hours ahead of UTC): no dealership's
# yesterday is later. The summary's days after a dealership's last refresh up to this one
# may have passed there since (their open calls late now): the view reads them from the
# calls.
PASSED = "((now() AT TIME ZONE 'Etc/GMT-14')::date - 1)"
# What a reader may meet while another transaction refreshes the same days: it reads the
# figures without refreshing them (they are right without it, see the class docstring).
CONCURRENT = (errorcodes.SERIALIZATION_FAILURE, errorcodes.DEADLOCK_DETECTED,
              errorcodes.UNIQUE_VIOLATION, errorcodes.LOCK_NOT_AVAILABLE)


class AftersalesCallKpi(models.Model):
    """Calls KPI: the figures of the calls analysis (``aftersales.call.report``: calls,
    expired, attempts, reached, on time, satisfaction, survey score) by dealership, due
    day, officer, purpose, direction, state and campaign, pre-aggregated so that a
    pivot over a year costs the days and officers it shows, not the calls of that year.

    - ``aftersales_call_kpi_summary`` (our own table) holds the sums of each group of
      calls of a due day, aggregated from the calls analysis' own SQL; each average as
      its sum and the number of calls it is about. The days to come are there too: a
      call due today or later is on time or late only once done (its open calls count
      in no on-time share until the day has passed), so their figures hold until then.
    - ``aftersales_call_kpi_state`` keeps per dealership the last day that had passed
      at its last refresh (``last_day``) and the time zone its days were told in.
    - A statement-level trigger on ``aftersales_call`` (insert, update, delete, with
      transition tables) appends the (dealership, due day) pairs of the calls it changed
      to ``aftersales_call_kpi_dirty``: whatever changes calls (the ORM, the scheduled
      actions' bulk SQL, the import command) is seen. The log has no unique index, so
      that writers of calls of the same day never wait on each other.
    - The view this model reads is the summary's rows, except for the days it may not
      hold right, which it reads from the calls (one row per call): the logged days, the
      days after ``last_day`` that may have passed since (up to the last day that has
      passed anywhere, 14 hours ahead of UTC: normally none), the calls without a due
      day, and every call of a dealership not summarized yet. It is right whenever it is
      read; the refresh only makes it fast. A change of a dealership's time zone is the
      exception: the refresh (which compares the zones) aggregates it again.
    - Before a read (``read_group``: the pivot and the graph) and hourly (a scheduled
      action), ``_aftersales_refresh`` aggregates the days that passed since and the
      logged days again, all days of a dealership seen for the first time or whose time
      zone changed, and deletes the log rows it processed, under an advisory lock: a
      second reader meanwhile reads without refreshing.
    """
    _name = "aftersales.call.kpi"
    _inherit = "aftersales.report.mixin"
    _description = "Calls KPI"
    _auto = False
    _order = "date_due desc, id desc"
    _rec_name = "date_due"

    company_id = fields.Many2one("res.company", readonly=True)
    date_due = fields.Date(string="Due on", readonly=True)
    user_id = fields.Many2one("res.users", string="Officer", readonly=True)
    purpose = fields.Selection(
        selection=selection_of("aftersales.call", "purpose"), readonly=True)
    direction = fields.Selection(
        selection=selection_of("aftersales.call", "direction"), readonly=True)
    state = fields.Selection(
        selection=selection_of("aftersales.call", "state"), readonly=True)
    campaign_id = fields.Many2one("aftersales.campaign", string="Campaign", readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    expired_count = fields.Integer(string="Expired calls", readonly=True)
    attempt_count = fields.Integer(string="Attempts without answer", readonly=True)
    reached = fields.Float(
        string="Reached (%)", readonly=True, group_operator="avg", digits=(16, 2),
        help="Share of the calls over (done or expired) that reached the customer.")
    on_time = fields.Float(
        string="On time (%)", readonly=True, group_operator="avg", digits=(16, 2),
        help="Share of the follow-up calls whose due day has passed that reached the "
             "customer on or before that day.")
    satisfaction = fields.Float(
        string="Satisfaction (1-5)", readonly=True, group_operator="avg", digits=(16, 2),
        help="Average of the satisfaction given (on the phone or in the survey), over the "
             "calls given one.")
    survey_score = fields.Float(
        string="Survey score (1-5)", readonly=True, group_operator="avg", digits=(16, 2),
        help="Average overall score of the answered surveys.")
    # Each average's sum and the number of calls it is about: read_group's averages are
    # computed from them (technical: left out of fields_get, so out of the pivot's menu).
    reached_sum = fields.Float(readonly=True)
    reached_rows = fields.Integer(readonly=True)
    on_time_sum = fields.Float(readonly=True)
    on_time_rows = fields.Integer(readonly=True)
    satisfaction_sum = fields.Float(readonly=True)
    satisfaction_rows = fields.Integer(readonly=True)
    survey_score_sum = fields.Float(readonly=True)
    survey_score_rows = fields.Integer(readonly=True)

    @api.model_cr
    def init(self):
        """The summary, its state and log, the trigger and the view (idempotent: run at
        every install and upgrade); then the first refresh, which fills the summary of an
        existing database in one statement (no migration needed)."""
        cr = self.env.cr
        cr.execute("""
            CREATE TABLE IF NOT EXISTS aftersales_call_kpi_summary (
                id serial PRIMARY KEY,
                company_id integer NOT NULL
                    REFERENCES res_company (id) ON DELETE CASCADE,
                date_due date NOT NULL,
                user_id integer,
                purpose varchar,
                direction varchar,
                state varchar,
                campaign_id integer,
                call_count integer NOT NULL,
                expired_count integer NOT NULL,
                attempt_count integer NOT NULL,
                reached_sum numeric, reached_rows integer NOT NULL,
                on_time_sum numeric, on_time_rows integer NOT NULL,
                satisfaction_sum numeric, satisfaction_rows integer NOT NULL,
                survey_score_sum numeric, survey_score_rows integer NOT NULL
            )""")
        cr.execute("""
            CREATE INDEX IF NOT EXISTS aftersales_call_kpi_summary_company_due_idx
                ON aftersales_call_kpi_summary (company_id, date_due)""")
        cr.execute("""
            CREATE TABLE IF NOT EXISTS aftersales_call_kpi_state (
                company_id integer PRIMARY KEY
                    REFERENCES res_company (id) ON DELETE CASCADE,
                last_day date NOT NULL,
                tz varchar NOT NULL
            )""")
        # Append-only: no unique index (an ON CONFLICT would make the writers of calls of
        # the same day wait on each other); the refresh deletes what it processed.
        cr.execute("""
            CREATE TABLE IF NOT EXISTS aftersales_call_kpi_dirty (
                id bigserial PRIMARY KEY,
                company_id integer NOT NULL,
                date_due date NOT NULL
            )""")
        cr.execute("""
            CREATE OR REPLACE FUNCTION aftersales_call_kpi_log_dirty() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO aftersales_call_kpi_dirty (company_id, date_due)
                    SELECT DISTINCT company_id, date_due FROM aftersales_call_kpi_new
                     WHERE company_id IS NOT NULL AND date_due IS NOT NULL;
                ELSIF TG_OP = 'UPDATE' THEN
                    INSERT INTO aftersales_call_kpi_dirty (company_id, date_due)
                    SELECT company_id, date_due FROM aftersales_call_kpi_new
                     WHERE company_id IS NOT NULL AND date_due IS NOT NULL
                    UNION
                    SELECT company_id, date_due FROM aftersales_call_kpi_old
                     WHERE company_id IS NOT NULL AND date_due IS NOT NULL;
                ELSE
                    INSERT INTO aftersales_call_kpi_dirty (company_id, date_due)
                    SELECT DISTINCT company_id, date_due FROM aftersales_call_kpi_old
                     WHERE company_id IS NOT NULL AND date_due IS NOT NULL;
                END IF;
                RETURN NULL;
            END $$""")
        # A trigger with transition tables has one event: three triggers.
        for event, referencing in (
                ("INSERT", "NEW TABLE AS aftersales_call_kpi_new"),
                ("UPDATE", "OLD TABLE AS aftersales_call_kpi_old "
                           "NEW TABLE AS aftersales_call_kpi_new"),
                ("DELETE", "OLD TABLE AS aftersales_call_kpi_old")):
            name = sql.Identifier("aftersales_call_kpi_%s_trg" % event.lower())
            cr.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON aftersales_call").format(name))
            cr.execute(sql.SQL("""
                CREATE TRIGGER {name} AFTER {event} ON aftersales_call
                REFERENCING {referencing}
                FOR EACH STATEMENT EXECUTE FUNCTION aftersales_call_kpi_log_dirty()
            """).format(name=name, event=sql.SQL(event), referencing=sql.SQL(referencing)))
        self._aftersales_create_kpi_view()
        self._aftersales_refresh()

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """The figures refreshed first; each average as the sum over the group's calls
        divided by their number (not an average of the summary's averages); the count
        of a group is its number of calls, as in the calls analysis."""
        names = [name.split(":")[0] for name in fields or []] or list(self._fields)
        averages = [name for name in names if name in AVERAGES]
        wanted = [name for name in names if name not in AVERAGES]
        wanted += [extra for extra in ["call_count"] + [
            "%s_%s" % (name, part) for name in averages for part in ("sum", "rows")]
            if extra not in wanted]
        read_group = super(AftersalesCallKpi, self).read_group

        def refresh_and_read():
            # the days of the dealerships the user sees (the record rule's); the others'
            # are refreshed by their own readers and the scheduled action
            self._aftersales_refresh_locked(self.env["res.company"].sudo().search(
                [("id", "child_of", self.env.user.company_id.id)]).ids)
            return read_group(domain, wanted, groupby, offset=offset, limit=limit,
                              orderby=orderby, lazy=lazy)
        groups = self._aftersales_without_jit(refresh_and_read)
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
        if lazy and groupby and not self.env.context.get("group_by_no_leaf"):
            count_key = "%s_count" % groupby[0].split(":")[0]
        else:
            count_key = "__count"
        for group in groups:
            for name in averages:
                rows = group.get("%s_rows" % name) or 0
                group[name] = group["%s_sum" % name] / rows if rows else False
            if count_key in group:
                group[count_key] = group.get("call_count") or 0
        return groups

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """The sums and counts behind the averages stay out of the pivot's measures."""
        result = super(AftersalesCallKpi, self).fields_get(allfields, attributes)
        if not allfields:
            for name in AVERAGES:
                result.pop("%s_sum" % name, None)
                result.pop("%s_rows" % name, None)
        return result

    # ------------------------------------------------------------------ the summary

    @api.model
    def _cron_refresh(self):
        """The scheduled action: the newly past days aggregated before the first reader
        of the morning asks."""
        return self._aftersales_refresh()

    @api.model_cr
    def _aftersales_create_kpi_view(self):
        summary = ", ".join(["s.%s" % key for key in KEYS] + ["s.%s" % name for name in SUMS]
                            + ["s.%s_sum / NULLIF(s.%s_rows, 0) AS %s" % (name, name, name)
                               for name in AVERAGES]
                            + ["s.%s_sum, s.%s_rows" % (name, name) for name in AVERAGES])
        # the company of the rows read from the calls is the driving row's (``k`` below),
        # so that the record rule on it restricts the driving rows, not the calls read
        per_call = ", ".join(["k.company_id"] + ["r.%s" % key for key in KEYS[1:]]
                             + ["r.%s" % name for name in SUMS]
                             + ["r.%s::numeric AS %s" % (name, name) for name in AVERAGES]
                             + ["r.%s::numeric AS %s_sum, (r.%s IS NOT NULL)::integer AS %s_rows"
                                % (name, name, name, name) for name in AVERAGES])
        calls = self._aftersales_calls_sql()
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(sql.SQL("""
            CREATE VIEW {table} AS (
                SELECT s.id, {summary}
                  FROM aftersales_call_kpi_summary s
                  JOIN aftersales_call_kpi_state st ON st.company_id = s.company_id
                 WHERE (s.date_due <= st.last_day OR s.date_due > {passed})
                   AND NOT EXISTS (SELECT 1 FROM aftersales_call_kpi_dirty d
                                    WHERE d.company_id = s.company_id
                                      AND d.date_due = s.date_due)
                UNION ALL
                SELECT -r.id, {per_call}
                  FROM (SELECT rc.id AS company_id,
                               COALESCE(st.last_day, '-infinity'::date) AS after,
                               CASE WHEN st.company_id IS NULL THEN 'infinity'::date
                                    ELSE {passed} END AS upto
                          FROM res_company rc
                          LEFT JOIN aftersales_call_kpi_state st ON st.company_id = rc.id
                       ) k
                 CROSS JOIN LATERAL (
                        SELECT * FROM {calls} c
                         WHERE c.company_id = k.company_id
                           AND c.date_due > k.after AND c.date_due <= k.upto
                        OFFSET 0) r
                UNION ALL
                SELECT -r.id, r.company_id, {per_call_null}
                  FROM {calls} r
                 WHERE r.date_due IS NULL
                UNION ALL
                SELECT -r.id, {per_call}
                  FROM (SELECT d.company_id, array_agg(DISTINCT d.date_due) AS days
                          FROM aftersales_call_kpi_dirty d
                          JOIN aftersales_call_kpi_state st ON st.company_id = d.company_id
                         WHERE d.date_due <= st.last_day OR d.date_due > {passed}
                         GROUP BY d.company_id) k
                 CROSS JOIN LATERAL (
                        SELECT * FROM {calls} c
                         WHERE c.company_id = k.company_id AND c.date_due = ANY(k.days)
                        OFFSET 0) r
            )""").format(table=sql.Identifier(self._table), summary=sql.SQL(summary),
                         per_call=sql.SQL(per_call), calls=sql.SQL(calls),
                         per_call_null=sql.SQL(per_call.split(", ", 1)[1]),
                         passed=sql.SQL(PASSED)))

    @api.model
    def _aftersales_calls_sql(self):
        """The calls analysis' rows (its SQL, not its view: recreating that view must not
        drop this one), one per active call of a dealership, its days told in the time
        zone of the summary (``aftersales_call_kpi_state``, which the refresh keeps to the
        dealership's: it is the one that tells the zone live, once per dealership and
        refresh, instead of every query for every dealership)."""
        report = self.env["aftersales.call.report"]
        companies = self._aftersales_companies_sql()
        summarized = """(SELECT rc.id, rc.partner_id,
                                COALESCE(st.tz, {tz}) AS aftersales_day_tz
                           FROM res_company rc
                           LEFT JOIN aftersales_call_kpi_state st ON st.company_id = rc.id
                         OFFSET 0)""".format(
            tz=self.env["res.company"]._aftersales_tz_live_sql("rc"))
        return "(SELECT {select} FROM {from_} WHERE {where})".format(
            select=report._select(), from_=report._from().replace(companies, summarized),
            where=report._where())

    @api.model
    def _aftersales_aggregate_sql(self, driver, condition):
        """INSERT into the summary the sums of the calls (``c``) for which ``condition``
        holds, for each row of ``driver`` (the days to aggregate): one index scan of the
        calls per row (a lateral subquery the planner may not turn into a scan of every
        call)."""
        sums = ", ".join(["count(*)"] + ["sum(r.%s)" % name for name in SUMS[1:]]
                         + ["sum(r.%s::numeric), count(r.%s)" % (name, name) for name in AVERAGES])
        columns = ", ".join(KEYS + SUMS + tuple(
            "%s_sum, %s_rows" % (name, name) for name in AVERAGES))
        keys = ", ".join("r.%s" % key for key in KEYS)
        return """
            INSERT INTO aftersales_call_kpi_summary ({columns})
            SELECT {keys}, {sums}
              FROM {driver}
             CROSS JOIN LATERAL (SELECT * FROM {calls} c WHERE {condition} OFFSET 0) r
             GROUP BY {keys}
             -- a dealership's days together in the table: a year of it is fewer pages
             ORDER BY r.company_id, r.date_due
        """.format(columns=columns, keys=keys, sums=sums, calls=self._aftersales_calls_sql(),
                   driver=driver, condition=condition)

    @api.model
    def _aftersales_refresh(self):
        """Aggregate what is not yet in the summary (the days that became past in each
        dealership, every past day of a dealership whose time zone changed, the logged
        days) and delete the log rows processed. One refresh at a time: a second reader
        meanwhile goes on without it (the view is right without it); so does a reader
        whose snapshot a concurrent refresh made out of date (the refresh is undone, not
        the request). Returns whether it refreshed."""
        return self._aftersales_without_jit(self._aftersales_refresh_locked)

    @api.model
    def _aftersales_refresh_locked(self, company_ids=None):
        """``_aftersales_refresh`` (JIT compiling off), the days of the dealerships
        ``company_ids`` only (default: all); the logged days of all."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock("
                   "'aftersales_call_kpi_summary'::regclass::integer, 0)")
        if not cr.fetchone()[0]:
            return False
        rebuild, windows, logged = self._aftersales_refresh_plan(company_ids)
        if not (windows or logged):
            return True
        try:
            with cr.savepoint():
                if windows:
                    self._aftersales_refresh_days(rebuild, windows)
                if logged:
                    self._aftersales_refresh_logged()
        except (psycopg2.OperationalError, psycopg2.IntegrityError) as error:
            if error.pgcode not in CONCURRENT:
                raise
            _logger.info("Calls KPI: refresh left to the next reader (%s)", error.pgcode)
            return False
        return True

    @api.model
    def _aftersales_without_jit(self, function):
        """``function()`` without PostgreSQL's JIT compiling: the planner's estimates of
        the calls read per dealership (lateral subqueries) are coarse, and past
        ``jit_above_cost`` it spent 100-650 ms compiling queries that run in a few (the
        setting is put back after, for the rest of the transaction)."""
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        jit = cr.fetchone()[0]
        result = function()
        cr.execute("SELECT set_config('jit', %s, true)", (jit,))
        return result

    @api.model
    def _aftersales_refresh_plan(self, company_ids=None):
        """What the refresh has to do, in one query: the dealerships (of ``company_ids``,
        default all) seen for the first time or whose time zone changed (all their
        days), the windows of days that passed in each since its last refresh, whether
        days are logged."""
        cr = self.env.cr
        cr.execute("""
            SELECT co.id, co.tz, (now() AT TIME ZONE co.tz)::date - 1, st.last_day, st.tz,
                   EXISTS (SELECT 1 FROM aftersales_call_kpi_dirty)
              FROM (SELECT rc.id, {tz} AS tz FROM res_company rc
                     WHERE %(all)s OR rc.id = ANY(%(ids)s)) co
              LEFT JOIN aftersales_call_kpi_state st ON st.company_id = co.id
        """.format(tz=self.env["res.company"]._aftersales_tz_live_sql("rc")),
                   {"all": company_ids is None, "ids": list(company_ids or [])})
        rebuild, windows, logged = [], [], False
        for company_id, tz, last_day, summarized, summarized_tz, dirty in cr.fetchall():
            logged = dirty
            if summarized is None or summarized_tz != tz or summarized > last_day:
                rebuild.append(company_id)
                windows.append((company_id, None, last_day, tz))
            elif summarized < last_day:
                windows.append((company_id, summarized, last_day, tz))
        return rebuild, windows, logged

    @api.model
    def _aftersales_refresh_days(self, rebuild, windows):
        """The days that became past since the last refresh, per dealership (``windows``:
        company, last day summarized or None, new last day, time zone); all past days of
        the dealerships ``rebuild``."""
        cr = self.env.cr
        company_ids, after, last_days, zones = (list(column) for column in zip(*windows))
        # a dealership rebuilt: all its days, the coming ones too
        upto = [None if company_id in rebuild else last_day
                for company_id, last_day in zip(company_ids, last_days)]
        window = """
            unnest(%s::integer[], %s::date[], %s::date[]) AS w (company_id, after, upto)
        """
        bounds = """
            {day} > COALESCE(w.after, '-infinity'::date)
            AND {day} <= COALESCE(w.upto, 'infinity'::date)
        """
        # the state first: the calls' days are told in its time zone
        cr.execute("""
            INSERT INTO aftersales_call_kpi_state (company_id, last_day, tz)
            SELECT * FROM unnest(%s::integer[], %s::date[], %s::varchar[])
                ON CONFLICT (company_id) DO UPDATE
               SET last_day = EXCLUDED.last_day, tz = EXCLUDED.tz
        """, (company_ids, last_days, zones))
        cr.execute("""
            DELETE FROM aftersales_call_kpi_summary s USING {window}
             WHERE s.company_id = w.company_id AND {bounds}
        """.format(window=window, bounds=bounds.format(day="s.date_due")),
                   (company_ids, after, upto))
        cr.execute(self._aftersales_aggregate_sql(
            window, "c.company_id = w.company_id AND " + bounds.format(day="c.date_due")),
            (company_ids, after, upto))

    @api.model
    def _aftersales_refresh_logged(self):
        """The logged days already summarized, aggregated again; the log rows this
        transaction sees deleted (those of writers not committed yet stay for the next
        refresh)."""
        self.env.cr.execute("""
            WITH logged AS (
                DELETE FROM aftersales_call_kpi_dirty RETURNING company_id, date_due
            ), days AS (
                SELECT DISTINCT l.company_id, l.date_due
                  FROM logged l
                  JOIN aftersales_call_kpi_state st ON st.company_id = l.company_id
            ), cleared AS (
                DELETE FROM aftersales_call_kpi_summary s USING days
                 WHERE s.company_id = days.company_id AND s.date_due = days.date_due
            )""" + self._aftersales_aggregate_sql(
            "(SELECT company_id, array_agg(date_due) AS days FROM days GROUP BY company_id) g",
            "c.company_id = g.company_id AND c.date_due = ANY(g.days)"))
