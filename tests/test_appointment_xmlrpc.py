"""Issue 19's public contract over real XML-RPC: the appointment book's actions work for a
follow-up officer, and its workflow holds on the server whatever the officer sends.

A server runs on a free port of 127.0.0.1 against the committed copy of the test database
(``AFTERSALES_WEB_DB``, else ``AFTERSALES_RELIABILITY_DB``; see tests/test_security_xmlrpc.py).
The officer is given a time zone in which it is now early afternoon, so that an
appointment booked at 9:00 today has started (the no-show) whatever the hour of the run;
the demo's workshop is open every day 8:00-18:00. Logins, VINs and customers are unique
per run, the users archived at the end.
"""
import datetime
import os
import uuid
import xmlrpc.client

import pytest

import odoo

from browser.harness import odoo_server

DB = os.environ.get("AFTERSALES_WEB_DB") or os.environ.get("AFTERSALES_RELIABILITY_DB")
pytestmark = pytest.mark.skipif(
    not DB, reason="AFTERSALES_WEB_DB / AFTERSALES_RELIABILITY_DB not set: run through "
                   "`make test`")
ACCESS_ERROR = 4  # odoo.service.wsgi_server.RPC_FAULT_CODE_ACCESS_ERROR
WARNING = 2  # RPC_FAULT_CODE_WARNING: UserError (a ValidationError is an application error)


class Client(object):

    def __init__(self, url, login, password):
        self.password = password
        common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(DB, login, password, {})
        assert self.uid, "%s could not log in" % login
        self.models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(DB, self.uid, self.password, model, method,
                                      list(args), kwargs)


def afternoon_tz():
    """An Etc/GMT zone in which it is now between 12:00 and 13:59 (Etc/GMT-N is UTC+N): the
    dealership's for the test (the officer's too)."""
    hour = datetime.datetime.utcnow().hour
    offset = (13 - hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT%+d" % -offset if offset else "Etc/GMT", offset


def fault(call, code=None):
    with pytest.raises(xmlrpc.client.Fault) as raised:
        call()
    if code is not None:
        assert raised.value.faultCode == code, raised.value.faultString
    return raised.value.faultString


@pytest.fixture(scope="module")
def rpc():
    if DB == odoo.tools.config["db_name"]:
        pytest.fail("%s is the database pytest-odoo tests in; these tests commit" % DB)
    with odoo_server(DB, "appointment-xmlrpc-server.log") as url:
        admin = Client(url, "admin", "admin")
        tag = uuid.uuid4().hex[:8]
        tz, offset = afternoon_tz()
        company_id = admin("res.users", "read", [admin.uid], ["company_id"])[0][
            "company_id"][0]
        # the workshop's day is the dealership's: early afternoon there now
        company_tz = admin("res.company", "read", [company_id], ["aftersales_tz"])[0][
            "aftersales_tz"]
        admin("res.company", "write", [company_id], {"aftersales_tz": tz})
        groups = [admin("ir.model.data", "xmlid_to_res_id", xmlid, True) for xmlid in (
            "aftersales_followup.group_aftersales_user", "sales_team.group_sale_salesman")]
        login = "h19rpc_%s" % tag
        officer_id = admin("res.users", "create", {
            "name": "RPC advisor %s" % tag, "login": login, "password": tag, "tz": tz,
            "email": "%s@dealer-h19.example.com" % login, "company_id": company_id,
            "company_ids": [(6, 0, [company_id])], "groups_id": [(6, 0, groups)]},
            context={"no_reset_password": True})
        customer_id = admin("res.partner", "create", {
            "name": "RPC customer %s" % tag, "email": "rpc.%s@customer.example.com" % tag})
        model_id = admin("product.product", "search", [("sale_ok", "=", True)], limit=1)[0]
        vehicles = [admin("aftersales.vehicle", "create", {
            "vin": ("H19RPC%s%d" % (tag.upper(), n)).replace("O", "0")[:17].ljust(17, "0"),
            "product_id": model_id, "partner_id": customer_id,
            "license_plate": "沪R·%s%d" % (tag[:4], n)}) for n in range(3)]
        try:
            yield {"admin": admin, "officer": Client(url, login, tag), "tag": tag,
                   "officer_id": officer_id, "customer_id": customer_id,
                   "vehicles": vehicles, "offset": offset}
        finally:
            admin("res.users", "write", [officer_id], {"active": False})
            admin("res.company", "write", [company_id], {"aftersales_tz": company_tz})


def local_today_at(offset, hour):
    """'YYYY-MM-DD HH:MM:SS' (UTC) of ``hour`` o'clock today in the zone UTC+``offset``."""
    now = datetime.datetime.utcnow() + datetime.timedelta(hours=offset)
    local = datetime.datetime.combine(now.date(), datetime.time(hour))
    return (local - datetime.timedelta(hours=offset)).strftime("%Y-%m-%d %H:%M:%S")


def test_the_actions_work_over_xmlrpc(rpc):
    officer, admin = rpc["officer"], rpc["admin"]
    slot = officer("aftersales.appointment", "default_get", ["date_start"])["date_start"]
    assert slot, "no free slot proposed"
    appointment_id = officer("aftersales.appointment", "create", {
        "partner_id": rpc["customer_id"], "vehicle_id": rpc["vehicles"][0],
        "user_id": rpc["officer_id"], "date_start": slot, "duration": 1.0,
        "notes": "RPC booking %s" % rpc["tag"]})
    row = officer("aftersales.appointment", "read", [appointment_id],
                  ["state", "calendar_event_id", "date_start"])[0]
    assert row["state"] == "booked" and row["calendar_event_id"]
    assert officer("aftersales.appointment", "action_confirm", [appointment_id]) is True
    row = officer("aftersales.appointment", "read", [appointment_id],
                  ["state", "letter_count"])[0]
    assert (row["state"], row["letter_count"]) == ("confirmed", 1)
    action = officer("aftersales.appointment", "action_arrive", [appointment_id])
    assert action["res_model"] == "sale.order" and action["res_id"]
    row = officer("aftersales.appointment", "read", [appointment_id],
                  ["state", "sale_order_id"])[0]
    assert row["state"] == "arrived" and row["sale_order_id"][0] == action["res_id"]
    visit = admin("sale.order", "read", [action["res_id"]],
                  ["state", "aftersales_kind", "vehicle_id", "partner_id"])[0]
    assert (visit["state"], visit["aftersales_kind"], visit["vehicle_id"][0],
            visit["partner_id"][0]) == ("sale", "service", rpc["vehicles"][0],
                                        rpc["customer_id"])

    # cancelled: the slot is free, and it cannot be checked in
    cancelled_id = officer("aftersales.appointment", "create", {
        "partner_id": rpc["customer_id"], "vehicle_id": rpc["vehicles"][1],
        "user_id": rpc["officer_id"], "date_start": slot, "duration": 1.0})
    assert officer("aftersales.appointment", "action_cancel", [cancelled_id]) is True
    message = fault(lambda: officer("aftersales.appointment", "action_arrive",
                                    [cancelled_id]), WARNING)
    assert "cancelled" in message
    assert admin("aftersales.appointment", "read", [cancelled_id],
                 ["state", "sale_order_id", "calendar_event_id"])[0] == {
        "id": cancelled_id, "state": "cancelled", "sale_order_id": False,
        "calendar_event_id": False}

    # a no-show: booked at 9:00 today (early afternoon in the dealership's zone)
    missed_id = officer("aftersales.appointment", "create", {
        "partner_id": rpc["customer_id"], "vehicle_id": rpc["vehicles"][2],
        "user_id": rpc["officer_id"], "date_start": local_today_at(rpc["offset"], 9),
        "duration": 1.0})
    assert officer("aftersales.appointment", "action_no_show", [missed_id]) is True
    assert officer("aftersales.appointment", "read", [missed_id], ["state"])[0][
        "state"] == "no_show"
    calls = admin("aftersales.call", "search_read", [("missed_appointment_id", "=", missed_id)],
                  fields=["purpose", "state"], context={"active_test": False})
    assert [(c["purpose"], c["state"]) for c in calls] == [("no_show", "todo")]
    # a second no-show is refused
    fault(lambda: officer("aftersales.appointment", "action_no_show", [missed_id]), WARNING)


def test_the_officer_cannot_set_the_workflow_over_xmlrpc(rpc):
    officer, admin = rpc["officer"], rpc["admin"]
    slot = officer("aftersales.appointment", "default_get", ["date_start"])["date_start"]
    values = {"partner_id": rpc["customer_id"], "vehicle_id": rpc["vehicles"][1],
              "user_id": rpc["officer_id"], "date_start": slot, "duration": 1.0,
              "notes": "RPC forged %s" % rpc["tag"]}
    contexts = ({}, {"aftersales_trusted": True}, {"aftersales_trusted": "1"})
    for context in contexts:
        message = fault(lambda: officer("aftersales.appointment", "create",
                                        dict(values, state="arrived"), context=context),
                        ACCESS_ERROR)
        assert "cannot be set directly" in message
        fault(lambda: officer("aftersales.appointment", "create", values,
                              context=dict(context, default_state="arrived")), ACCESS_ERROR)
        fault(lambda: officer("aftersales.appointment", "create",
                              dict(values, overbooking=True), context=context), ACCESS_ERROR)
    assert not admin("aftersales.appointment", "search",
                     [("notes", "=", "RPC forged %s" % rpc["tag"])])
    appointment_id = officer("aftersales.appointment", "create", values)
    order_id = admin("sale.order", "search", [], limit=1)[0]
    for context in contexts:
        for vals in ({"state": "arrived"}, {"sale_order_id": order_id},
                     {"date_arrived": "2030-01-01 10:00:00"}, {"overbooking": True}):
            fault(lambda: officer("aftersales.appointment", "write", [appointment_id], vals,
                                  context=context), ACCESS_ERROR)
    row = admin("aftersales.appointment", "read", [appointment_id],
                ["state", "sale_order_id", "date_arrived", "overbooking"])[0]
    assert (row["state"], row["sale_order_id"], row["date_arrived"], row["overbooking"]) \
        == ("booked", False, False, False)
    assert officer("aftersales.appointment", "action_cancel", [appointment_id]) is True


def test_bad_input_over_xmlrpc_saves_nothing(rpc):
    officer, admin = rpc["officer"], rpc["admin"]
    tag = rpc["tag"]
    yesterday = local_today_at(rpc["offset"], 10)
    yesterday = (datetime.datetime.strptime(yesterday, "%Y-%m-%d %H:%M:%S")
                 - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    tonight = local_today_at(rpc["offset"], 21)
    other_vehicle = admin("aftersales.vehicle", "search",
                          [("partner_id", "!=", rpc["customer_id"]),
                           ("partner_id", "!=", False)], limit=1)[0]
    for what, vals, expected in (
            ("yesterday", {"date_start": yesterday}, "in the past"),
            ("21:00", {"date_start": tonight}, "opening hours"),
            ("another customer's vehicle", {"vehicle_id": other_vehicle}, "belongs to")):
        values = dict({"partner_id": rpc["customer_id"], "vehicle_id": rpc["vehicles"][0],
                       "user_id": rpc["officer_id"], "duration": 1.0,
                       "date_start": local_today_at(rpc["offset"], 16),
                       "notes": "RPC bad %s" % tag}, **vals)
        message = fault(lambda: officer("aftersales.appointment", "create", values))
        assert expected in message, "%s: %s" % (what, message)
    assert not admin("aftersales.appointment", "search", [("notes", "=", "RPC bad %s" % tag)])
