# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from psycopg2 import sql

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# Which potential needs a visit of each kind of work fulfils.
FULFILLED_NEEDS = {
    "maintenance": ("service",),
    "tyres": ("tyres",),
}


class AftersalesServiceHistory(models.Model):
    """A service visit made before the dealership used the suite, brought in from its old
    dealer system or spreadsheets (履历). It counts as a visit wherever Odoo's own
    service visits count (last visit, odometer readings, next service, potential needs,
    customer class, returning customers) but starts no follow-up call, survey or
    thank-you email: those belong to visits handed over in Odoo."""
    _name = "aftersales.service.history"
    _description = "Service history"
    _inherit = ["aftersales.guarded.mixin", "aftersales.import.mixin"]
    _order = "date_checkin desc, id desc"
    _aftersales_company_links = ("partner_id", "vehicle_id", "user_id")
    _aftersales_frozen_fields = ("company_id",)

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="restrict")
    vehicle_id = fields.Many2one(
        "aftersales.vehicle", string="Vehicle", required=True, index=True,
        ondelete="restrict", domain="[('partner_id', 'child_of', partner_id)]")
    date_checkin = fields.Datetime(string="Checked in", required=True, index=True)
    date_handover = fields.Datetime(string="Handed over")
    odometer = fields.Integer(
        string="Odometer (km)",
        help="Reading at check-in; recorded in the vehicle's odometer readings. Leave "
             "empty (0) when the old system did not record it.")
    work_kind = fields.Selection([
        ("maintenance", "Maintenance"),
        ("repair", "Repair"),
        ("warranty", "Warranty"),
        ("body", "Body and paint"),
        ("tyres", "Tyres"),
        ("other", "Other"),
    ], string="Work", required=True, default="maintenance", index=True)
    currency_id = fields.Many2one(related="company_id.currency_id", readonly=True)
    amount = fields.Monetary(help="What the visit was invoiced, untaxed.")
    user_id = fields.Many2one("res.users", string="Service advisor", index=True,
                              domain=[("share", "=", False)])
    notes = fields.Text()
    source_ref = fields.Char(
        string="Source reference", index=True,
        help="The visit's reference in the dealer system it was brought in from.")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.service.history"))
    reading_ids = fields.One2many("aftersales.odometer.reading", "service_history_id",
                                  string="Odometer readings", readonly=True)

    # ------------------------------------------------------------------ constraints

    @api.constrains("partner_id", "vehicle_id")
    def _check_vehicle_of_customer(self):
        for history in self:
            owner = history.vehicle_id.partner_id
            if not owner:
                raise ValidationError(_(
                    "The vehicle %(vehicle)s has no owner: register %(customer)s as its "
                    "owner before bringing in its service history.") % {
                        "vehicle": history.vehicle_id.display_name,
                        "customer": history.partner_id.display_name})
            if owner._aftersales_file() != history.partner_id._aftersales_file():
                raise ValidationError(_(
                    "The vehicle %(vehicle)s belongs to %(owner)s, not to %(customer)s.") % {
                        "vehicle": history.vehicle_id.display_name,
                        "owner": owner.display_name,
                        "customer": history.partner_id.display_name})

    @api.constrains("date_checkin", "date_handover", "company_id")
    def _check_dates(self):
        for history in self:
            today = history.company_id._aftersales_today()
            for name in ("date_checkin", "date_handover"):
                moment = history[name]
                if moment and history.company_id._aftersales_date_of(moment) > today:
                    raise ValidationError(_(
                        "%(field)s %(date)s is in the future: the service history holds "
                        "visits already made.") % {
                            "field": self._fields[name].get_description(self.env)["string"],
                            "date": moment})
            if history.date_handover and history.date_handover < history.date_checkin:
                raise ValidationError(_(
                    "The vehicle cannot be handed over (%(handover)s) before it was checked "
                    "in (%(checkin)s).") % {
                        "handover": history.date_handover, "checkin": history.date_checkin})

    @api.constrains("odometer", "vehicle_id", "date_checkin")
    def _check_odometer(self):
        for history in self:
            if history.odometer < 0:
                raise ValidationError(_("The odometer cannot be negative."))
            if history.odometer:
                history.vehicle_id._aftersales_ensure_odometer_not_decreasing(
                    history.odometer, date=history._aftersales_day(),
                    excluded=history.reading_ids)

    # ------------------------------------------------------------------ CRUD

    @api.model
    def create(self, vals):
        if not vals.get("company_id") and vals.get("vehicle_id"):
            vals = dict(vals, company_id=self.env["aftersales.vehicle"].browse(
                vals["vehicle_id"]).company_id.id)
        history = super(AftersalesServiceHistory, self).create(vals)
        history._aftersales_record_visit()
        return history

    @api.multi
    def write(self, vals):
        result = super(AftersalesServiceHistory, self).write(vals)
        if set(vals) & {"odometer", "vehicle_id", "date_checkin"}:
            vehicles = self.mapped("reading_ids.vehicle_id")
            # the readings these rows recorded are replaced by their new values
            self.mapped("reading_ids").unlink()
            vehicles._aftersales_refresh_odometer()
            for history in self:
                history._aftersales_record_reading()
        return result

    @api.multi
    def unlink(self):
        vehicles = self.mapped("vehicle_id")
        result = super(AftersalesServiceHistory, self).unlink()
        # their readings went with them (cascade): the odometer is the last one left
        vehicles.exists()._aftersales_refresh_odometer()
        return result

    @api.multi
    def name_get(self):
        return [(history.id, " - ".join(x for x in (
            history.source_ref or history.vehicle_id.display_name,
            (history.date_checkin or "")[:10]) if x)) for history in self]

    # ------------------------------------------------------------------ helpers

    def _aftersales_day(self):
        """The dealership's day of the check-in."""
        self.ensure_one()
        return self.company_id._aftersales_date_of(self.date_checkin)

    def _aftersales_record_visit(self):
        """What a visit in Odoo records: its odometer reading, and the potential needs
        it fulfilled closed (no follow-up call, survey or thank-you email)."""
        for history in self:
            history._aftersales_record_reading()
            history.partner_id.commercial_partner_id._aftersales_open_file(
                history.vehicle_id)
        self.env["aftersales.need"]._close_fulfilled_needs(self)

    def _aftersales_record_reading(self):
        self.ensure_one()
        if self.odometer:
            self.vehicle_id._record_odometer(self.odometer, date=self._aftersales_day(),
                                             source="history", history=self)

    @api.model
    def _aftersales_visits_sql(self):
        """The one home of "the visits": Odoo's service visits (confirmed, checked in)
        and the service history brought in, with the columns partner_id, vehicle_id,
        company_id, date_checkin, date_handover. The customer's last visit, the
        vehicle's last service, the class metrics and the returning customers are all
        told from it."""
        return sql.SQL("""
            SELECT so.partner_id, so.vehicle_id, so.company_id,
                   so.checkin_date AS date_checkin, so.handover_date AS date_handover
              FROM sale_order so
             WHERE so.aftersales_kind = 'service' AND so.state IN ('sale', 'done')
               AND so.checkin_date IS NOT NULL
            UNION ALL
            SELECT h.partner_id, h.vehicle_id, h.company_id, h.date_checkin, h.date_handover
              FROM aftersales_service_history h
        """)

    @api.model
    def _aftersales_last_visits(self, column, ids):
        """{id: check-in of the last visit} of the customers (``column`` partner_id) or
        vehicles (vehicle_id) ``ids``, from the visits above."""
        ids = [record_id for record_id in ids if isinstance(record_id, int)]
        if not ids:
            return {}
        self.env.cr.execute(sql.SQL("""
            SELECT v.{column}, max(v.date_checkin) FROM ({visits}) v
             WHERE v.{column} = ANY(%s) GROUP BY v.{column}
        """).format(column=sql.Identifier(column), visits=self._aftersales_visits_sql()),
            [ids])
        # Odoo's cursor reads timestamps as the ORM's strings already
        return dict(self.env.cr.fetchall())
