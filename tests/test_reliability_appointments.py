"""Issue 19: two people booking the workshop's last bay at the same moment get one
booking, not two. Each booking updates its company's row first: the second transaction
waits, then fails to serialize once the first commits, and Odoo runs its request again
(as for any concurrent update), which now sees the first booking and is refused.

Two real transactions on the reliability database (committed data, see
tests/reliability/common.py), in two threads; the test's company and records are its
own and are left archived or cancelled.
"""
import threading
import uuid
from datetime import datetime, timedelta

import psycopg2
import pytest

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from environments import own_environments
from reliability.common import reliability_db


def test_two_bookings_of_the_last_bay_at_once_make_one():
    # the refused booking leaves records of this database to recompute: not in the suite's
    with own_environments():
        two_bookings_of_the_last_bay(odoo.registry(reliability_db()))


def two_bookings_of_the_last_bay(registry):
    tag = uuid.uuid4().hex[:8]
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        calendar = env["resource.calendar"].create({
            "name": "Always open (h19 %s)" % tag,
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": str(d), "dayofweek": str(d), "hour_from": 0.0,
                        "hour_to": 24.0}) for d in range(7)]})
        company = env["res.company"].create({
            "name": "One bay (h19 %s)" % tag, "aftersales_service_bays": 1,
            "aftersales_workshop_calendar_id": calendar.id})
        partners = [env["res.partner"].create({"name": "Concurrent %s %d" % (tag, n),
                                               "company_id": company.id})
                    for n in range(2)]
        company_id, partner_ids = company.id, [p.id for p in partners]
    start = fields.Datetime.to_string(
        (datetime.utcnow() + timedelta(days=2)).replace(hour=10, minute=0, second=0,
                                                        microsecond=0))

    def values(n):
        return {"partner_id": partner_ids[n], "company_id": company_id,
                "user_id": SUPERUSER_ID, "date_start": start, "duration": 1.0}

    first_cr, second_cr = registry.cursor(), registry.cursor()
    outcome = {}
    try:
        first = api.Environment(first_cr, SUPERUSER_ID, {})["aftersales.appointment"]
        # the second transaction has begun (its snapshot is taken) before the first commits
        second_cr.execute("SELECT count(*) FROM aftersales_appointment")
        booked = first.create(values(0))

        def book_second():
            with api.Environment.manage(), mute_logger("odoo.sql_db"):
                second = api.Environment(second_cr, SUPERUSER_ID, {})["aftersales.appointment"]
                try:
                    outcome["id"] = second.create(values(1)).id
                except psycopg2.OperationalError as error:
                    outcome["error"] = error
        thread = threading.Thread(target=book_second)
        thread.start()
        thread.join(timeout=3)
        assert thread.is_alive(), "the second booking did not wait for the first"
        first_cr.commit()
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert "error" in outcome, "the second booking was taken: %s" % outcome
        assert outcome["error"].pgcode in odoo.service.model.PG_CONCURRENCY_ERRORS_TO_RETRY
        # Odoo runs the request again in a new transaction: it sees the first booking
        second_cr.rollback()
        second = api.Environment(second_cr, SUPERUSER_ID, {})["aftersales.appointment"]
        with pytest.raises(ValidationError) as refused:
            second.create(values(1))
        assert "service bays" in refused.value.name
        second_cr.rollback()
        booked.action_cancel()
        first_cr.commit()
    finally:
        first_cr.close()
        second_cr.close()
    with registry.cursor() as cr:
        cr.execute("""SELECT count(*) FROM aftersales_appointment
                       WHERE company_id = %s AND state != 'cancelled'""", (company_id,))
        assert cr.fetchone()[0] == 0
