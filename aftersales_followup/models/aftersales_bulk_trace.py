# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the ORM does around a write that the suite's set-based SQL must do as well.

The scheduled actions and bulk actions write thousands of rows in a few statements
(Odoo 11 has no batch create). What a user notices of the ORM path is reproduced here,
set-based: the followers a create or a reassignment subscribes (with the model's default
subtypes, as ``mail.followers`` gives them) and the tracking message of a tracked field
changed (the chatter's "state: To do -> Expired"). What is deliberately left out is said
where each bulk path calls these helpers (DESIGN.md, "Bulk SQL"), and tested against the
ORM path on the same data (tests/test_bulk_paths.py).
"""
from psycopg2 import sql

from odoo import api, models
from odoo.exceptions import UserError


class AftersalesBulkTrace(models.AbstractModel):
    _name = "aftersales.bulk.trace"
    _description = "Followers and tracking of the suite's set-based writes"

    @api.model
    def _subscribe(self, model, res_ids, user_ids):
        """Subscribe the partner of ``user_ids[i]`` to record ``res_ids[i]`` of ``model``
        with the model's default subtypes, as ``message_subscribe`` does for an employee;
        an existing follower is left as it is. Returns the number of followers added."""
        pairs = [(res_id, user_id) for res_id, user_id in zip(res_ids, user_ids) if user_id]
        if not pairs:
            return 0
        subtypes = self.env["mail.message.subtype"].default_subtypes(model)[0]
        self.env.cr.execute("""
            WITH wanted AS (
                SELECT DISTINCT t.res_id, u.partner_id
                  FROM unnest(%(res_ids)s::int[], %(user_ids)s::int[]) AS t(res_id, user_id)
                  JOIN res_users u ON u.id = t.user_id
            ), follower AS (
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT %(model)s, res_id, partner_id FROM wanted
                ON CONFLICT DO NOTHING
                RETURNING id
            ), subtype AS (
                INSERT INTO mail_followers_mail_message_subtype_rel (
                    mail_followers_id, mail_message_subtype_id)
                SELECT follower.id, s.id
                  FROM follower CROSS JOIN unnest(%(subtypes)s::int[]) AS s(id)
            )
            SELECT count(*) FROM follower
        """, {"model": model, "res_ids": [p[0] for p in pairs],
              "user_ids": [p[1] for p in pairs], "subtypes": subtypes.ids})
        added = self.env.cr.fetchone()[0]
        self.env["mail.followers"].invalidate_cache()
        return added

    @api.model
    def _author_email(self):
        """The sender a message posted by the current user would have (none when the
        user has no address: the tracking note needs none)."""
        try:
            return self.env["mail.message"]._get_default_from()
        except UserError:
            return None

    @api.model
    def _track(self, records, field_name, changes):
        """Post, set-based, the tracking message the ORM posts when the tracked
        ``field_name`` of ``records`` changes: ``changes`` is [(res_id, old, new)] with
        the raw values (a selection key, a record id or False). One note per record,
        with its tracking value, authored by the current user."""
        if not changes:
            return 0
        field = records._fields[field_name]
        description = field.get_description(self.env)["string"]
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))

            def text(value):
                return labels.get(value, "") if value else ""
            integer = [None] * len(changes)
            old_int = new_int = integer
        elif field.type == "many2one":
            comodel = self.env[field.comodel_name].sudo()
            ids = {v for _r, old, new in changes for v in (old, new) if v}
            names = dict(comodel.browse(list(ids)).name_get())

            def text(value):
                return names.get(value, "") if value else ""
            old_int = [old or 0 for _r, old, _n in changes]
            new_int = [new or 0 for _r, _o, new in changes]
        else:
            raise NotImplementedError(field.type)
        subtype = self.env.ref("mail.mt_note")
        table = records._table
        name_column = "display_name" if "display_name" in records._fields \
            and records._fields["display_name"].store else records._rec_name
        self.env.cr.execute(sql.SQL("""
            WITH change AS (
                SELECT * FROM unnest(%(res_ids)s::int[], %(old_char)s::text[],
                                     %(new_char)s::text[], %(old_int)s::int[],
                                     %(new_int)s::int[])
                    AS c(res_id, old_char, new_char, old_int, new_int)
            ), message AS (
                INSERT INTO mail_message (
                    model, res_id, record_name, message_type, subtype_id, body, date,
                    author_id, email_from, create_uid, create_date, write_uid, write_date)
                SELECT %(model)s, res_id,
                       (SELECT {name} FROM {table} r WHERE r.id = change.res_id),
                       'notification', %(subtype)s, '',
                       now() AT TIME ZONE 'UTC', %(author)s, %(email_from)s,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM change
                RETURNING id, res_id
            )
            INSERT INTO mail_tracking_value (
                mail_message_id, field, field_desc, field_type, old_value_char,
                new_value_char, old_value_integer, new_value_integer,
                create_uid, create_date, write_uid, write_date)
            SELECT message.id, %(field)s, %(description)s, %(type)s, change.old_char,
                   change.new_char, change.old_int, change.new_int,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM message JOIN change ON change.res_id = message.res_id
        """).format(name=sql.Identifier(name_column), table=sql.Identifier(table)), {
            "model": records._name, "subtype": subtype.id,
            "author": self.env.user.partner_id.id,
            "email_from": self._author_email(),
            "uid": self.env.uid, "field": field_name, "description": description,
            "type": field.type,
            "res_ids": [c[0] for c in changes],
            "old_char": [text(c[1]) for c in changes],
            "new_char": [text(c[2]) for c in changes],
            "old_int": old_int, "new_int": new_int,
        })
        count = self.env.cr.rowcount
        self.env["mail.message"].invalidate_cache()
        self.env["mail.tracking.value"].invalidate_cache()
        return count

    @api.model
    def _note(self, records, bodies):
        """Post, set-based, a note on each of ``records`` ({res_id: html body}), authored
        by the current user: what message_post(subtype='mail.mt_note') would leave."""
        if not bodies:
            return 0
        ids = list(bodies)
        self.env.cr.execute(sql.SQL("""
            INSERT INTO mail_message (
                model, res_id, record_name, message_type, subtype_id, body, date,
                author_id, email_from, create_uid, create_date, write_uid, write_date)
            SELECT %(model)s, b.res_id,
                   (SELECT {name} FROM {table} r WHERE r.id = b.res_id),
                   'comment', %(subtype)s, b.body, now() AT TIME ZONE 'UTC',
                   %(author)s, %(email_from)s,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM unnest(%(ids)s::int[], %(bodies)s::text[]) AS b(res_id, body)
        """).format(name=sql.Identifier(
            "display_name" if "display_name" in records._fields
            and records._fields["display_name"].store else records._rec_name),
            table=sql.Identifier(records._table)), {
                "model": records._name, "subtype": self.env.ref("mail.mt_note").id,
                "author": self.env.user.partner_id.id, "email_from": self._author_email(),
                "uid": self.env.uid, "ids": ids, "bodies": [bodies[i] for i in ids]})
        self.env["mail.message"].invalidate_cache()
        return self.env.cr.rowcount
