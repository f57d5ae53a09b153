# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Each set-based path of the suite against its ORM twin on the same data: the same rows,
the same values, the same followers and chatter traces; what the bulk path leaves out on
purpose is asserted as left out (DESIGN.md, "Bulk SQL").

Deliberately left out of the bulk paths, for every record a scheduled action makes:
the creator (the scheduled action's user) as a follower, the "Call created" note and the
initial-values tracking of a create, and the "you have been assigned" email (an officer
would receive one per due call every night; the call queue and the activity tell them).
The ORM twins are run with the context keys that leave out the same things.
"""
from odoo import fields
from odoo.exceptions import UserError

from .common import AftersalesCommon

# What the ORM twin of a bulk create leaves out, as the bulk path does.
ORM_TWIN = {"mail_create_nosubscribe": True, "mail_create_nolog": True, "mail_notrack": True,
            "mail_auto_subscribe_no_notify": True}
CALL_FIELDS = ("partner_id", "vehicle_id", "rule_id", "direction", "purpose", "state",
               "cancel_reason", "date_due", "date_expiry", "user_id", "company_id",
               "attempt_count", "notes", "vehicle_model_id")


class TestBulkPaths(AftersalesCommon):

    # ------------------------------------------------------------------ helpers

    def followers(self, record):
        """{partner: set of subtype xml names} of ``record``."""
        rows = self.env["mail.followers"].sudo().search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)])
        return {row.partner_id: set(row.subtype_ids.ids) for row in rows}

    def values(self, record, names):
        values = record.read(list(names))[0]
        return {name: values[name] for name in names}

    def trackings(self, record):
        """[(field, old char, new char, old int, new int)] of the record's chatter."""
        messages = self.env["mail.message"].sudo().search(
            [("model", "=", record._name), ("res_id", "=", record.id)])
        return sorted((t.field, t.old_value_char, t.new_value_char, t.old_value_integer,
                       t.new_value_integer, t.mail_message_id.subtype_id.id,
                       t.mail_message_id.author_id.id)
                      for t in messages.mapped("tracking_value_ids"))

    def orm_due_call(self, order):
        """What the scheduled action does for ``order``, with the ORM."""
        rule = self.env.ref("aftersales_followup.followup_rule_service_handover")
        partner = order.partner_id
        day = fields.Date.from_string(fields.Datetime.context_timestamp(
            order, fields.Datetime.from_string(order.handover_date)).date().isoformat())
        may_phone = partner._aftersales_may_phone()
        call = self.env["aftersales.call"].with_context(**ORM_TWIN)._aftersales_trusted() \
            .create({
                "name": "%s - %s" % (partner.name, order.name),
                "partner_id": partner.id, "vehicle_id": order.vehicle_id.id,
                "rule_id": rule.id, "sale_order_id": order.id, "direction": "out",
                "purpose": "followup", "state": "todo" if may_phone else "cancelled",
                "cancel_reason": False if may_phone else "do_not_call",
                "date_due": fields.Date.to_string(
                    day + fields.date.resolution * rule.delay_days),
                "date_expiry": fields.Date.to_string(
                    day + fields.date.resolution * rule.window_days),
                "user_id": partner._aftersales_officer(order.company_id).id,
                "company_id": order.company_id.id,
                "notes": False if may_phone else
                "Not called: the customer asked not to be phoned (do-not-call).",
            })
        if may_phone:
            call._aftersales_schedule_activity(
                self.env.ref("mail.mail_activity_data_call"), call.user_id, call.date_due,
                "Follow-up call")
        return call

    # ------------------------------------------------------------------ due calls

    def test_due_calls_as_the_orm_would_make_them(self):
        for do_not_call in (False, True):
            bulk_order = self.handed_over(3, partner=self.create_customer(
                "Bulk %s" % do_not_call, do_not_call=do_not_call))
            self.run_due_calls()
            bulk = self.calls_of(bulk_order)
            self.assertEqual(len(bulk), 1)
            # the twin: the same handover after the run, its call made by the ORM
            twin_order = self.handed_over(3, partner=self.create_customer(
                "Orm %s" % do_not_call, do_not_call=do_not_call))
            twin = self.orm_due_call(twin_order)
            skip = {"partner_id", "vehicle_id"}
            self.assertEqual(
                {k: v for k, v in self.values(bulk, CALL_FIELDS).items() if k not in skip},
                {k: v for k, v in self.values(twin, CALL_FIELDS).items() if k not in skip})
            self.assertEqual(self.followers(bulk), self.followers(twin))
            self.assertIn(self.officer.partner_id, self.followers(bulk))
            self.assertEqual(
                [(a.activity_type_id, a.user_id, a.date_deadline)
                 for a in self.activities_of(bulk)],
                [(a.activity_type_id, a.user_id, a.date_deadline)
                 for a in self.activities_of(twin)])
            # left out on purpose: no creation note, no tracking, no assignment email
            self.assertFalse(bulk.message_ids)
            self.assertFalse(self.env["mail.mail"].sudo().search(
                [("model", "=", "aftersales.call"), ("res_id", "=", bulk.id)]))

    # ------------------------------------------------------------------ expiry

    def test_expiry_tracks_the_state_as_the_orm_would(self):
        orders = self.handed_over(10) | self.handed_over(10)
        self.run_due_calls()
        bulk, twin = self.calls_of(orders[0]), self.calls_of(orders[1])
        for call in bulk | twin:
            call.sudo(self.officer).action_no_answer()
            call._aftersales_trusted().with_context(mail_notrack=True).write(
                {"date_expiry": self.days_from_today(-1)})
        # the ORM twin first, so that the scheduled action expires only the bulk one
        twin.activity_ids.unlink()
        twin._aftersales_trusted().write({"state": "expired"})
        self.run_due_calls()
        self.assertEqual((bulk.state, twin.state), ("expired", "expired"))
        self.assertFalse(bulk.activity_ids)
        self.assertEqual(self.trackings(bulk)[-1:], self.trackings(twin)[-1:])
        self.assertIn(("state", "No answer", "Expired"),
                      [t[:3] for t in self.trackings(bulk)])

    # ------------------------------------------------------------------ reassignment

    def test_reassignment_moves_calls_and_activities_as_the_orm_would(self):
        new_officer = self.supervisor
        bulk_customer = self.create_customer("Reassigned Bulk", aftersales_user_id=self.officer.id)
        orm_customer = self.create_customer("Reassigned Orm", aftersales_user_id=self.officer.id)
        self.handed_over(3, partner=bulk_customer)
        self.handed_over(3, partner=orm_customer)
        self.run_due_calls()
        bulk = bulk_customer.aftersales_call_ids
        orm_call = orm_customer.aftersales_call_ids
        self.assertEqual((bulk.user_id, orm_call.user_id), (self.officer, self.officer))
        moved = bulk_customer.sudo(self.supervisor)._aftersales_assign_officer(new_officer)
        self.assertEqual(moved, 1)
        # the ORM twin: the officer written on the call and on its activity
        orm_customer.write({"aftersales_user_id": False})
        orm_call.activity_ids.write({"user_id": new_officer.id})
        orm_call.sudo(self.supervisor).write({"user_id": new_officer.id})
        self.assertEqual(bulk.user_id, new_officer)
        self.assertEqual(bulk.activity_ids.mapped("user_id"), new_officer)
        self.assertEqual(self.followers(bulk), self.followers(orm_call))
        bulk_track = [t[:5] for t in self.trackings(bulk)]
        orm_track = [t[:5] for t in self.trackings(orm_call)]
        self.assertEqual(bulk_track, orm_track)
        self.assertIn(("user_id", self.officer.name, new_officer.name,
                       self.officer.id, new_officer.id), bulk_track)
        note = bulk_customer.message_ids[:1]
        self.assertIn("1 open calls", note.body)

    # ------------------------------------------------------------------ classes

    def test_class_change_tracked_as_the_orm_would(self):
        Class = self.env["aftersales.customer.class"]
        vip = self.env.ref("aftersales_followup.customer_class_vip")
        regular = self.env.ref("aftersales_followup.customer_class_regular")
        bulk = self.create_customer("Class Bulk", aftersales_customer=True)
        twin = self.create_customer("Class Orm", aftersales_customer=True)
        for partner in (bulk, twin):
            partner.write({"aftersales_class_id": vip.id})
        twin.write({"aftersales_class_id": regular.id, "aftersales_class_pinned": True})
        bulk.invalidate_cache()
        Class._classify_customers()
        self.assertNotEqual(bulk.aftersales_class_id, vip)
        new = bulk.aftersales_class_id
        twin.write({"aftersales_class_id": vip.id})
        twin.write({"aftersales_class_id": new.id})
        bulk_last = [t[:5] for t in self.trackings(bulk)][-1:]
        self.assertIn(("aftersales_class_id", vip.name, new.name or "", vip.id, new.id or 0),
                      [t[:5] for t in self.trackings(bulk)])
        self.assertIn(bulk_last[0], [t[:5] for t in self.trackings(twin)])

    # ------------------------------------------------------------------ campaign emails

    def test_queued_campaign_emails_are_the_template_s_own(self):
        template = self.env.ref("aftersales_followup.mail_template_campaign_notice")
        campaign = self.env["aftersales.campaign"].create({
            "name": "Bulk check-up", "date_event": self.days_from_today(30),
            "mail_template_id": template.id})
        customers = self.create_customer("Letter Bulk") | self.create_customer("Letter Orm")
        letters = self.env["aftersales.letter"]._create_campaign_letters(
            campaign, customers.ids, True)
        self.assertEqual(len(letters), 2)
        bulk, orm_letter = letters.sorted("partner_id")
        bulk._queue_emails()
        twin_mail = self.env["mail.mail"].sudo().browse(
            template.with_env(orm_letter._aftersales_trusted().env).send_mail(orm_letter.id))
        bulk_mail = bulk.sudo().mail_id
        for name in ("model", "state", "email_from", "reply_to", "author_id"):
            self.assertEqual(bulk_mail[name], twin_mail[name], name)
        self.assertEqual(bulk_mail.recipient_ids, bulk.partner_id)
        self.assertEqual(twin_mail.recipient_ids, orm_letter.partner_id)
        self.assertEqual(bulk_mail.body_html.replace(bulk.partner_id.name, "X"),
                         twin_mail.body_html.replace(orm_letter.partner_id.name, "X"))
        self.assertEqual(bulk.body_html, bulk_mail.body_html)

    def test_campaign_letters_render_as_odoo_renders_them(self):
        """The letters' renderer (format helpers remembered per call) gives what Odoo's
        render_template gives, subject, post-processed body and addresses (the reply-to
        empty), in Chinese and in English, dates and links included; a template that
        fails fails the same way."""
        template = self.env.ref("aftersales_followup.mail_template_campaign_notice")
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url")
        campaign = self.env["aftersales.campaign"].create({
            "name": "Render check", "date_event": self.days_from_today(30),
            "description": '<p><a href="/page/club">club</a></p>',
            "mail_template_id": template.id})
        customers = (self.create_customer("Render Zh", lang="zh_CN")
                     | self.create_customer("Render En", lang="en_US")
                     | self.create_customer("Render Other", lang="zh_CN"))
        letters = self.env["aftersales.letter"]._create_campaign_letters(
            campaign, customers.ids, True)
        self.assertEqual(len(letters), 3)
        for lang in ("zh_CN", "en_US"):
            localized = template.with_context(lang=lang)
            rendered = {}
            for name, post in (("subject", False), ("body_html", True),
                               ("email_from", False), ("reply_to", False)):
                renderer = localized.with_context(safe=name == "subject")
                ours = renderer._aftersales_render_template(
                    localized[name], "aftersales.letter", letters.ids, post_process=post)
                odoo = renderer.render_template(
                    localized[name], "aftersales.letter", letters.ids, post_process=post)
                self.assertEqual(ours, odoo, (lang, name))
                rendered[name] = ours
            self.assertIn("%s/page/club" % base_url, rendered["body_html"][letters[0].id])
            self.assertEqual(rendered["reply_to"][letters[0].id], "")
        zh_subject = template.with_context(lang="zh_CN", safe=True)._aftersales_render_template(
            template.with_context(lang="zh_CN").subject, "aftersales.letter", letters.ids)
        en_subject = template.with_context(lang="en_US", safe=True)._aftersales_render_template(
            template.subject, "aftersales.letter", letters.ids)
        self.assertNotEqual(zh_subject[letters[0].id], en_subject[letters[0].id])
        with self.assertRaises(UserError):
            template._aftersales_render_template(
                "${object.no_such_field.name}", "aftersales.letter", letters.ids)
        with self.assertRaises(UserError):
            template.render_template(
                "${object.no_such_field.name}", "aftersales.letter", letters.ids)

    # ------------------------------------------------------------------ survey links

    def test_survey_links_as_the_orm_would_create_them(self):
        survey = self.env.ref("aftersales_followup.survey_aftersales_satisfaction")
        order = self.handed_over(3, partner=self.create_customer("Survey Bulk"))
        self.run_due_calls()
        bulk = self.calls_of(order)
        bulk._link_survey_inputs(survey)
        twin = self.env["survey.user_input"].sudo().create({
            "survey_id": survey.id, "type": "link", "partner_id": bulk.partner_id.id,
            "email": bulk.partner_id.email})
        link = bulk.sudo().survey_user_input_id
        for name in ("survey_id", "type", "state", "test_entry", "create_uid",
                     "partner_id", "email"):
            self.assertEqual(link[name], twin[name], name)
        self.assertTrue(link.token and link.token != twin.token)
