# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from .aftersales_case import TECHNICAL_SYSTEMS

TRAINING_TOPICS = [("product", "Product knowledge")] + TECHNICAL_SYSTEMS + [
    ("reception", "Customer reception"),
]


class AftersalesTraining(models.Model):
    """A training session (技术培训, S13): the maker, or an expert of the dealership, trains
    the service outlet's officers and technicians on vehicle models or a system, so that
    they can guide customers and answer their technical questions."""
    _name = "aftersales.training"
    _description = "Training session"
    _inherit = ["mail.thread", "aftersales.guarded.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(string="Course", required=True, track_visibility="onchange")
    date = fields.Date(
        required=True, index=True, track_visibility="onchange",
        default=lambda self: self.env["res.company"]._aftersales_default_today())
    trainer = fields.Char(help="Who gave the training: the maker's trainer or an expert of "
                               "the dealership.")
    topic = fields.Selection(TRAINING_TOPICS, required=True, default="product", index=True)
    vehicle_model_ids = fields.Many2many(
        "product.product", "aftersales_training_vehicle_model_rel", "training_id",
        "product_id", string="Vehicle models",
        help="The vehicle models the training covers: those who pass it are shown as "
             "trained on these models in consultations.")
    duration = fields.Float(string="Duration (hours)")
    description = fields.Text(string="Programme")
    attendee_ids = fields.One2many("aftersales.training.attendee", "training_id",
                                   string="Attendees", copy=False)
    attendee_count = fields.Integer(string="Number of attendees", compute="_compute_attendee_count")
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "aftersales.training"))
    active = fields.Boolean(default=True)

    @api.depends("attendee_ids")
    def _compute_attendee_count(self):
        for training in self:
            training.attendee_count = len(training.attendee_ids)
