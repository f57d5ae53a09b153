# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
import re
from datetime import timedelta

import psycopg2
from dateutil.relativedelta import relativedelta
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .aftersales_guarded_mixin import is_trusted

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "aftersales_followup.group_aftersales_manager"
# The columns people search by fragment ("B0012", the VIN's last six): Odoo 11 turns
# ilike into ``column::text ilike '%...%'``, which a btree index cannot serve; a
# trigram GIN index can.
TRIGRAM_COLUMNS = ("license_plate", "vin", "name")

# ISO 3779: 17 characters, digits and capital letters except I, O and Q.
VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def normalize_vin(vin):
    return (vin or "").strip().upper()


def check_vin(vin):
    """What is wrong with ``vin`` ("length" or "alphabet"), or None when it is valid."""
    if len(vin) != 17:
        return "length"
    if not VIN_PATTERN.match(vin):
        return "alphabet"
    return None


def normalize_vin_sql(column):
    """SQL twin of ``normalize_vin`` over the SQL expression ``column``."""
    return sql.SQL(r"upper(regexp_replace(COALESCE({}, ''), '^\s+|\s+$', '', 'g'))").format(
        column)


def check_vin_sql(column):
    """SQL twin of ``check_vin`` over the SQL expression ``column`` (a normalized VIN):
    'length', 'alphabet' or NULL, from the same pattern (a POSIX regular expression
    too)."""
    return sql.SQL("(CASE WHEN char_length({vin}) != 17 THEN 'length' "
                   "WHEN {vin} !~ {pattern} THEN 'alphabet' END)").format(
        vin=column, pattern=sql.Literal(VIN_PATTERN.pattern))


class AftersalesVehicle(models.Model):
    """A customer's vehicle: the thing every service visit, call and claim is about."""
    _name = "aftersales.vehicle"
    _description = "Customer vehicle"
    _inherit = ["mail.thread", "aftersales.guarded.mixin", "aftersales.import.mixin"]
    _order = "name"
    # The warranty starts at the handover: given when the vehicle is registered (or
    # imported), set by its first handover, and then corrected by a manager only.
    _aftersales_company_links = ("partner_id",)
    _aftersales_frozen_fields = ("company_id", "handover_date")

    name = fields.Char(compute="_compute_name", store=True, index=True)
    vin = fields.Char(
        string="VIN", required=True, index=True, track_visibility="onchange",
        help="Vehicle identification number (ISO 3779): 17 characters, stored upper-case.")
    license_plate = fields.Char(string="License plate", index=True, track_visibility="onchange")
    product_id = fields.Many2one(
        "product.product", string="Vehicle model", index=True,
        help="The model of the vehicle, as the product it was sold as.")
    partner_id = fields.Many2one(
        "res.partner", string="Owner", index=True, track_visibility="onchange")
    handover_date = fields.Date(
        string="Handover date", track_visibility="onchange",
        help="Day the owner collected the vehicle when it was sold: the warranty starts here. "
             "Set by the first handover; a manager corrects it, with a reason.")
    odometer = fields.Integer(
        string="Odometer (km)", track_visibility="onchange",
        help="Last reading in kilometres; it can only increase.")
    odometer_date = fields.Date(string="Odometer read on")
    year = fields.Integer(string="Model year")
    color = fields.Char()
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get("aftersales.vehicle"))
    active = fields.Boolean(default=True)
    sale_order_ids = fields.One2many("sale.order", "vehicle_id", string="Orders")
    call_ids = fields.One2many("aftersales.call", "vehicle_id", string="Calls")
    reading_ids = fields.One2many("aftersales.odometer.reading", "vehicle_id",
                                  string="Odometer readings")
    service_history_ids = fields.One2many(
        "aftersales.service.history", "vehicle_id", string="Service history",
        help="Visits brought in from the dealership's old system.",
        groups="aftersales_followup.group_aftersales_user")
    corrected_reading_ids = fields.One2many(
        "aftersales.odometer.reading", "vehicle_id", string="Corrected readings",
        domain=[("active", "=", False)], context={"active_test": False}, readonly=True,
        help="Readings a manager found wrong, with the reason and the reading recorded "
             "instead.")
    last_service_date = fields.Date(
        string="Last service",
        compute="_compute_service_estimate", store=True,
        help="Check-in day of the vehicle's last service visit.")
    km_per_day = fields.Float(
        string="Average km per day", compute="_compute_service_estimate", store=True,
        digits=(8, 1), help="From the first and last odometer readings.")
    next_service_date = fields.Date(
        string="Next service",
        compute="_compute_service_estimate", store=True, index=True,
        help="When the next maintenance is due: the model's interval in months or in "
             "kilometres (at the vehicle's average km per day) from the last service or "
             "the handover, whichever comes first.")
    service_count = fields.Integer(string="Number of service visits", compute="_compute_counts")
    history_count = fields.Integer(string="Number of earlier visits",
                                   compute="_compute_history_count",
                                   help="Visits of the service history brought in.",
                                   groups="aftersales_followup.group_aftersales_user")
    call_count = fields.Integer(string="Number of calls", compute="_compute_counts")

    _sql_constraints = [
        ("vin_company_unique", "unique(vin, company_id)",
         "This VIN is already registered in this company."),
        ("odometer_positive", "CHECK(odometer >= 0)", "The odometer cannot be negative."),
    ]

    @api.model_cr
    def init(self):
        cr = self.env.cr
        if not self._aftersales_trigram_available():
            _logger.warning(
                "pg_trgm cannot be created in this database (CREATE EXTENSION needs the "
                "database's owner on PostgreSQL 13+, a superuser before): vehicle search "
                "by plate or VIN fragment reads the whole table.")
            return
        for column in TRIGRAM_COLUMNS:
            cr.execute(sql.SQL(
                "CREATE INDEX IF NOT EXISTS {index} ON aftersales_vehicle "
                "USING gin ({column} gin_trgm_ops)").format(
                    index=sql.Identifier("aftersales_vehicle_%s_trgm_idx" % column),
                    column=sql.Identifier(column)))

    @api.depends("vin", "license_plate", "product_id")
    def _compute_name(self):
        for vehicle in self:
            parts = [vehicle.license_plate or vehicle.vin or ""]
            if vehicle.product_id:
                parts.append(vehicle.product_id.name)
            vehicle.name = " - ".join(p for p in parts if p)

    @api.depends("reading_ids.odometer", "reading_ids.date", "sale_order_ids.checkin_date",
                 "sale_order_ids.state", "service_history_ids.date_checkin", "handover_date",
                 "product_id.service_interval_months", "product_id.service_interval_km")
    def _compute_service_estimate(self):
        # The visits (Odoo's and the service history) are read in SQL, whatever the
        # user may read: only their check-in dates, so that an after-sales user without
        # Sales rights can still save a vehicle.
        last_visits = self.env["aftersales.service.history"]._aftersales_last_visits(
            "vehicle_id", self.ids)
        for vehicle in self:
            last_visit = last_visits.get(vehicle.id)
            # the dealership's day of the check-in
            company = vehicle.company_id or self.env.user.company_id
            vehicle.last_service_date = last_visit and company._aftersales_date_of(last_visit)
            # sudo: a stored estimate must not depend on who triggers it (a warehouse
            # user handing over a sold vehicle may not read the reading history).
            readings = vehicle.sudo().reading_ids.sorted(lambda r: (r.date, r.id))
            vehicle.km_per_day = vehicle._average_km_per_day(readings)
            vehicle.next_service_date = vehicle._estimate_next_service(readings)

    def _compute_counts(self):
        for vehicle in self:
            vehicle.service_count = len(vehicle.sale_order_ids.filtered(
                lambda o: o.aftersales_kind == "service"))
            vehicle.call_count = len(vehicle.call_ids)

    def _compute_history_count(self):
        for vehicle in self:
            vehicle.history_count = len(vehicle.service_history_ids)

    @api.constrains("vin")
    def _check_vin(self):
        for vehicle in self:
            error = vehicle._vin_error_message(vehicle.vin)
            if error:
                raise ValidationError(error)

    @api.constrains("handover_date", "odometer_date", "company_id")
    def _check_dates_not_in_future(self):
        """A vehicle registered (or brought in from the old dealer system) was handed
        over and read on days already past in its dealership."""
        for vehicle in self:
            today = vehicle.company_id._aftersales_today()
            for name in ("handover_date", "odometer_date"):
                if vehicle[name] and vehicle[name] > today:
                    raise ValidationError(_(
                        "%(field)s %(date)s of the vehicle %(vehicle)s is in the future.") % {
                            "field": self._fields[name].get_description(self.env)["string"],
                            "date": vehicle[name], "vehicle": vehicle.vin})

    @api.model
    def create(self, vals):
        # the refusals below are listed with their reason by a Test Import
        with self._aftersales_collect_refusal():
            self._aftersales_ensure_value_types(vals)
            if "vin" in vals:
                vals["vin"] = normalize_vin(vals["vin"])
                company_id = vals.get("company_id") or self.default_get(
                    ["company_id"]).get("company_id")
                self._aftersales_ensure_vin_free(vals["vin"], company_id)
            vehicle = super(AftersalesVehicle, self).create(vals)
            if vehicle.odometer:
                self.env["aftersales.odometer.reading"]._aftersales_trusted().create({
                    "vehicle_id": vehicle.id, "odometer": vehicle.odometer,
                    "date": vehicle.odometer_date or vehicle.handover_date
                    or (vehicle.company_id or self.env.user.company_id)._aftersales_today(),
                    "source": "handover" if vehicle.handover_date else "manual"})
            return vehicle

    @api.multi
    def write(self, vals):
        with self._aftersales_collect_refusal():
            self._aftersales_ensure_value_types(vals)
            if "vin" in vals or "company_id" in vals:
                if "vin" in vals:
                    vals["vin"] = normalize_vin(vals["vin"])
                for vehicle in self:
                    vehicle._aftersales_ensure_vin_free(
                        vals.get("vin", vehicle.vin),
                        vals.get("company_id", vehicle.company_id.id))
            correcting = is_trusted(self.env) and self.env.context.get(
                "aftersales_odometer_correction")
            if vals.get("odometer") is not None and not correcting:
                self._aftersales_ensure_odometer_not_decreasing(vals["odometer"])
            if vals.get("odometer") and not vals.get("odometer_date"):
                # one day for the vehicles written together: those of one dealership
                vals["odometer_date"] = (self[:1].company_id
                                         or self.env.user.company_id)._aftersales_today()
            # a reading already recorded (an import sent back again) is not recorded twice
            changed = self.filtered(lambda v: vals.get("odometer") and (
                v.odometer, v.odometer_date) != (vals["odometer"], vals["odometer_date"]))
            result = super(AftersalesVehicle, self).write(vals)
            if changed and not correcting:
                # Only the suite's own code says where a reading came from (a service
                # visit, a claim); a reading written by anyone else is manual.
                source = is_trusted(self.env) and self.env.context.get(
                    "aftersales_reading_source") or "manual"
                Reading = self.env["aftersales.odometer.reading"]._aftersales_trusted()
                for vehicle in changed:
                    Reading.create({
                        "vehicle_id": vehicle.id, "odometer": vehicle.odometer,
                        "date": vals["odometer_date"], "source": source})
            return result

    @api.multi
    def action_correct_odometer(self):
        """A manager corrects a wrong odometer reading, with a reason."""
        self.ensure_one()
        return self.env["aftersales.odometer.correction"]._action_open(self)

    @api.multi
    def action_correct_handover(self):
        """A manager corrects the warranty start, with a reason kept in the chatter."""
        self.ensure_one()
        return self.env["aftersales.handover.correction"]._action_open(self)

    @api.multi
    def action_view_calls(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_call").read()[0]
        action["domain"] = [("vehicle_id", "=", self.id)]
        action["context"] = {"default_vehicle_id": self.id,
                             "default_partner_id": self.partner_id.id}
        return action

    @api.multi
    def action_view_service_history(self):
        self.ensure_one()
        action = self.env.ref("aftersales_followup.action_aftersales_service_history").read()[0]
        action["domain"] = [("vehicle_id", "=", self.id)]
        action["context"] = {"default_vehicle_id": self.id,
                             "default_partner_id": self.partner_id.id}
        return action

    @api.multi
    def action_view_service_orders(self):
        self.ensure_one()
        action = self.env.ref("sale.action_orders").read()[0]
        action["domain"] = [("vehicle_id", "=", self.id)]
        action["context"] = {"default_vehicle_id": self.id,
                             "default_partner_id": self.partner_id.id,
                             "default_aftersales_kind": "service"}
        return action

    @staticmethod
    def _average_km_per_day(readings):
        if len(readings) < 2:
            return 0.0
        first, last = readings[0], readings[-1]
        days = (fields.Date.from_string(last.date) - fields.Date.from_string(first.date)).days
        return max(last.odometer - first.odometer, 0) / days if days > 0 else 0.0

    def _estimate_next_service(self, readings):
        """The earlier of base + interval months and the day the interval in km is
        reached at the average km per day (base: last service, else handover)."""
        self.ensure_one()
        base = self.last_service_date or self.handover_date
        months = self.product_id.service_interval_months
        interval_km = self.product_id.service_interval_km
        if not base or not (months or interval_km):
            return False
        base_day = fields.Date.from_string(base)
        candidates = []
        if months:
            candidates.append(base_day + relativedelta(months=months))
        if interval_km and self.km_per_day > 0 and readings:
            before = readings.filtered(lambda r: r.date <= base)
            km_at_base = before[-1].odometer if before else 0
            last = readings[-1]
            remaining = interval_km - (last.odometer - km_at_base)
            candidates.append(fields.Date.from_string(last.date)
                              + timedelta(days=int(remaining / self.km_per_day)))
        return fields.Date.to_string(min(candidates)) if candidates else False

    def _vin_error_message(self, vin):
        """The translated reason why ``vin`` is refused, or None."""
        problem = check_vin(vin)
        if problem == "length":
            return _("The VIN %(vin)s has %(length)d characters; a VIN has exactly 17.") % {
                "vin": vin, "length": len(vin)}
        if problem == "alphabet":
            return _("The VIN %s contains characters not allowed in a VIN (only digits and "
                     "letters, except I, O and Q).") % vin
        return None

    def _aftersales_ensure_vin_free(self, vin, company_id):
        """Refuse a VIN already used in the company with a clear message, before the
        database's unique constraint would answer with a raw integrity error."""
        error = self._vin_error_message(vin)
        if error:
            raise ValidationError(error)
        duplicate = self.with_context(active_test=False).search(
            [("vin", "=", vin), ("company_id", "=", company_id), ("id", "not in", self.ids)],
            limit=1)
        if duplicate:
            raise ValidationError(_("The VIN %(vin)s is already registered for %(vehicle)s.") % {
                "vin": vin, "vehicle": duplicate.display_name})

    @api.model
    def _aftersales_ensure_value_types(self, vals):
        """Values from outside (XML-RPC, imports) of a type Odoo would mangle silently or
        fail on unclearly are refused with a reason."""
        vin = vals.get("vin")
        if vin and not isinstance(vin, str):
            raise ValidationError(_(
                "The VIN must be text (17 letters and digits), not a %s.")
                % type(vin).__name__)
        odometer = vals.get("odometer")
        if isinstance(odometer, float) and not odometer.is_integer():
            raise ValidationError(_(
                "The odometer is read in whole kilometres: %s is not.") % odometer)
        # Here rather than in an @api.constrains: the database's CHECK (kept for bulk
        # SQL) would refuse the row first, with a raw error.
        if isinstance(odometer, (int, float)) and odometer < 0:
            raise ValidationError(_("The odometer cannot be negative."))

    def _aftersales_ensure_odometer_not_decreasing(self, new_reading, date=None,
                                                   excluded=None):
        """Refuse a reading lower than the vehicle's last one; for a reading of a past
        ``date`` (service history), one lower than a reading up to that day or higher
        than a later one, leaving out the readings ``excluded`` (those it replaces)."""
        for vehicle in self:
            if date is None:
                if new_reading < vehicle.odometer:
                    raise ValidationError(_(
                        "The odometer of %(vehicle)s cannot go back from %(last)d km to "
                        "%(new)d km.") % {"vehicle": vehicle.display_name,
                                          "last": vehicle.odometer, "new": new_reading})
                continue
            # sudo: only the kilometres and days of this vehicle's readings are compared.
            readings = vehicle.sudo().reading_ids - (excluded or vehicle.reading_ids.browse())
            higher_before = readings.filtered(
                lambda r: r.date <= date and r.odometer > new_reading)
            if higher_before:
                last = higher_before.sorted(lambda r: (r.date, r.odometer))[-1]
                raise ValidationError(_(
                    "The odometer of %(vehicle)s cannot go back from %(last)d km (read on "
                    "%(last_date)s) to %(new)d km on %(date)s.") % {
                        "vehicle": vehicle.display_name, "last": last.odometer,
                        "last_date": last.date, "new": new_reading, "date": date})
            lower_after = readings.filtered(
                lambda r: r.date > date and r.odometer < new_reading)
            if lower_after:
                first = lower_after.sorted(lambda r: (r.date, r.odometer))[0]
                raise ValidationError(_(
                    "The odometer of %(vehicle)s cannot read %(new)d km on %(date)s: it "
                    "read %(later)d km later, on %(later_date)s.") % {
                        "vehicle": vehicle.display_name, "new": new_reading,
                        "date": date, "later": first.odometer,
                        "later_date": first.date})

    def _record_odometer(self, reading, date=None, source="manual", history=None):
        """Store a new reading from a service visit or claim (refuses a lower one) and
        keep it in the vehicle's reading history. A reading of the service ``history``
        is kept on its own day; the vehicle's odometer follows when it is the latest."""
        self.ensure_one()
        if history is not None:
            self._aftersales_ensure_odometer_not_decreasing(
                reading, date=date, excluded=history.reading_ids)
            self.env["aftersales.odometer.reading"]._aftersales_trusted().create({
                "vehicle_id": self.id, "odometer": reading, "date": date,
                "source": source, "service_history_id": history.id})
            self._aftersales_refresh_odometer()
            return
        if reading and reading != self.odometer:
            self._aftersales_trusted().with_context(aftersales_reading_source=source).write({
                "odometer": reading,
                "odometer_date": date or (self.company_id
                                          or self.env.user.company_id)._aftersales_today()})

    def _aftersales_refresh_odometer(self):
        """The vehicle's odometer is its latest current reading (after a reading of the
        service history was recorded or removed); no new reading is recorded."""
        Reading = self.env["aftersales.odometer.reading"]._aftersales_trusted()
        for vehicle in self:
            last = Reading.search([("vehicle_id", "=", vehicle.id)],
                                  order="date desc, odometer desc, id desc", limit=1)
            if last and (last.odometer, last.date) != (vehicle.odometer,
                                                       vehicle.odometer_date):
                vehicle._aftersales_trusted().with_context(
                    aftersales_odometer_correction=True).write({
                        "odometer": last.odometer, "odometer_date": last.date})

    @api.model
    def _aftersales_refresh_odometer_sql(self, vehicle_ids):
        """Set-based twin of ``_aftersales_refresh_odometer`` for the vehicles
        ``vehicle_ids`` (a bulk load's): the same latest current reading (date, then
        odometer, then id) in one statement. The odometer's tracking message is left
        out (see aftersales.bulk.import). Returns [(vehicle id, old, new odometer)]."""
        if not vehicle_ids:
            return []
        self.env.cr.execute("""
            WITH last AS (
                SELECT DISTINCT ON (r.vehicle_id) r.vehicle_id, r.odometer, r.date
                  FROM aftersales_odometer_reading r
                 WHERE r.active AND r.vehicle_id IN (SELECT unnest(%(ids)s::int[]))
                 ORDER BY r.vehicle_id, r.date DESC, r.odometer DESC, r.id DESC
            ), old AS (
                SELECT v.id, v.odometer FROM aftersales_vehicle v
                  JOIN last ON last.vehicle_id = v.id
                 WHERE (v.odometer, v.odometer_date) IS DISTINCT FROM (last.odometer, last.date)
                   FOR UPDATE OF v
            )
            UPDATE aftersales_vehicle v
               SET odometer = last.odometer, odometer_date = last.date,
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM last, old
             WHERE last.vehicle_id = v.id AND old.id = v.id
            RETURNING v.id, old.odometer, v.odometer
        """, {"ids": list(vehicle_ids), "uid": self.env.uid})
        rows = self.env.cr.fetchall()
        self.invalidate_cache(["odometer", "odometer_date"])
        return rows

    def _aftersales_correct_odometer(self, reading, odometer, reason):
        """A manager's correction of the wrong ``reading`` of this vehicle: the reading
        is archived with the reason (kept in the history), the corrected one recorded on
        its day, the vehicle's odometer set back to the highest reading left, and the
        chatter says who corrected what and why. Returns the corrected reading."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only an after-sales manager can correct an odometer "
                                "reading."))
        if not (reason or "").strip():
            raise UserError(_("Say why the odometer reading is corrected."))
        if reading.vehicle_id != self or not reading.active:
            raise UserError(_("Choose a current reading of %s to correct.")
                            % self.display_name)
        if odometer is None or odometer < 0:
            raise ValidationError(_("The odometer cannot be negative."))
        if odometer == reading.odometer:
            raise UserError(_("The corrected reading is the same as the recorded one."))
        Reading = self.env["aftersales.odometer.reading"]._aftersales_trusted()
        corrected = Reading.create({
            "vehicle_id": self.id, "odometer": odometer, "date": reading.date,
            "source": "correction"})
        reading._aftersales_trusted().write({
            "active": False, "correction_reason": reason.strip(),
            "corrected_by_id": self.env.user.id, "correction_id": corrected.id})
        last = Reading.search([("vehicle_id", "=", self.id)], order="odometer desc", limit=1)
        self._aftersales_trusted().with_context(aftersales_odometer_correction=True).write({
            "odometer": last.odometer, "odometer_date": last.date})
        self.message_post(body=_(
            "Odometer reading of %(date)s corrected by %(user)s from %(old)d km to "
            "%(new)d km: %(reason)s") % {
                "date": reading.date, "user": self.env.user.name, "old": reading.odometer,
                "new": odometer, "reason": reason.strip()})
        return corrected

    def _aftersales_trigram_available(self):
        """Create pg_trgm when it is missing; False when this role may not."""
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cr.fetchone():
            return True
        try:
            with cr.savepoint():
                cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except psycopg2.Error:  # the role's privileges, or contrib not installed
            _logger.exception("CREATE EXTENSION pg_trgm failed")
            return False
        return True
