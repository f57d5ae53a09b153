# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "aftersales_followup.group_aftersales_manager"


class AftersalesOfficerReassign(models.TransientModel):
    """A supervisor gives customers to another follow-up officer (an officer leaves,
    a portfolio is split): every customer of one officer, or the customers selected in
    the list. Their open calls and the calls' activities follow."""
    _name = "aftersales.officer.reassign"
    _description = "Reassign customers to another officer"

    from_user_id = fields.Many2one(
        "res.users", string="All customers of",
        help="Every customer file followed by this officer.")
    partner_ids = fields.Many2many(
        "res.partner", string="Customers",
        help="The customers to reassign (the selection of the customer list).")
    to_user_id = fields.Many2one("res.users", string="New officer")
    state = fields.Selection([("draft", "To do"), ("done", "Done")], default="draft")
    moved_customer_count = fields.Integer(string="Customers reassigned", readonly=True)
    moved_call_count = fields.Integer(string="Open calls moved", readonly=True)

    @api.model
    def default_get(self, field_names):
        values = super(AftersalesOfficerReassign, self).default_get(field_names)
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_ids"):
            values["partner_ids"] = [(6, 0, context["active_ids"])]
        return values

    @api.multi
    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only an after-sales supervisor reassigns customers."))
        if not self.to_user_id:
            raise UserError(_("Choose the officer who takes the customers over."))
        partners = self.partner_ids.mapped("commercial_partner_id")
        if self.from_user_id:
            partners |= self.env["res.partner"].search(
                [("aftersales_user_id", "=", self.from_user_id.id)])
        partners = partners.filtered(lambda p: p.aftersales_user_id != self.to_user_id)
        if not partners:
            raise UserError(_("No customer to reassign: choose an officer whose customers "
                              "move, or select customers in the list."))
        moved = partners._aftersales_assign_officer(self.to_user_id)
        self.write({"state": "done", "moved_customer_count": len(partners),
                    "moved_call_count": moved})
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
            "view_mode": "form", "target": "new", "name": _("Customers reassigned"),
        }
