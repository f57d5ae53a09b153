"""Issue 8, points 4 and 5 through XML-RPC, as a real client calls the server.

An Odoo server is started on a free port of 127.0.0.1 against a database with committed
data (``AFTERSALES_WEB_DB``, else ``AFTERSALES_RELIABILITY_DB``: ``make test`` prepares
both as copies of the fresh test database). The administrator creates the users through
XML-RPC; then, with ``xmlrpc.client`` on ``/xmlrpc/2/object``:

* a follow-up officer searches and reads calls, and cannot delete one;
* an employee without after-sales rights and a portal user get an access Fault on the
  phone register;
* wrong types and empty required values come back as a Fault and save nothing.

Logins and VINs are unique per run and the users are archived at the end, so reruns on
the same database are fine.
"""
import os
import uuid
import xmlrpc.client

import pytest

import odoo

from browser.harness import odoo_server

DB = os.environ.get("AFTERSALES_WEB_DB") or os.environ.get("AFTERSALES_RELIABILITY_DB")
pytestmark = pytest.mark.skipif(
    not DB, reason="AFTERSALES_WEB_DB / AFTERSALES_RELIABILITY_DB not set: these tests need "
                   "a database with committed data for a real server (make test prepares "
                   "it; by hand: createdb -T aftersales_test aftersales_test_web)")
ADMIN_PASSWORD = "admin"
ACCESS_ERROR = 4  # odoo.service.wsgi_server.RPC_FAULT_CODE_ACCESS_ERROR
WARNING = 2  # RPC_FAULT_CODE_WARNING: UserError, ValidationError


class Client(object):
    """One person logged in through XML-RPC."""

    def __init__(self, url, login, password):
        self.url, self.password = url, password
        common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(DB, login, password, {})
        assert self.uid, "%s could not log in" % login
        self.models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(DB, self.uid, self.password, model, method,
                                      list(args), kwargs)


@pytest.fixture(scope="module")
def server():
    if DB == odoo.tools.config["db_name"]:
        pytest.fail("%s is the database pytest-odoo tests in; these tests commit" % DB)
    with odoo_server(DB, "xmlrpc-server.log") as url:
        yield url


@pytest.fixture(scope="module")
def people(server):
    admin = Client(server, "admin", ADMIN_PASSWORD)
    tag = uuid.uuid4().hex[:10]
    company_id = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    groups = {
        # A service adviser: after-sales and sales rights (see the report: an after-sales
        # user without sales rights cannot register a vehicle).
        "officer": ["aftersales_followup.group_aftersales_user",
                    "sales_team.group_sale_salesman"],
        "internal": ["base.group_user"],
        "portal": ["base.group_portal"],
    }
    created, clients = [], {"admin": admin}
    try:
        for who, xmlids in groups.items():
            group_ids = [admin("ir.model.data", "xmlid_to_res_id", xmlid, True)
                         for xmlid in xmlids]
            login = "h7rpc_%s_%s" % (who, tag)
            user_id = admin("res.users", "create", {
                "name": "RPC %s %s" % (who, tag), "login": login, "password": tag,
                "email": "%s@dealer-h7.example.com" % login,
                "company_id": company_id, "company_ids": [(6, 0, [company_id])],
                "groups_id": [(6, 0, group_ids)]},
                context={"no_reset_password": True})
            created.append(user_id)
            clients[who] = Client(server, login, tag)
        customer_id = admin("res.partner", "create", {
            "name": "RPC customer %s" % tag, "email": "rpc.%s@customer.example.com" % tag})
        clients["tag"], clients["customer_id"] = tag, customer_id
        yield clients
    finally:
        admin("res.users", "write", created, {"active": False})
        admin("res.partner", "write", [clients.get("customer_id")] if clients.get(
            "customer_id") else [], {"active": False})


def vin(tag, n):
    """A valid VIN unique to this run (tag: 10 hex characters)."""
    return ("H7RPC%s%d" % (tag.upper(), n)).replace("O", "0")[:17].ljust(17, "0")


def assert_fault(call, code=None):
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call()
    if code is not None:
        assert fault.value.faultCode == code, fault.value.faultString
    return fault.value.faultString


def test_officer_reads_calls_and_cannot_delete_one(people):
    officer, admin = people["officer"], people["admin"]
    call_id = officer("aftersales.call", "create", {
        "partner_id": people["customer_id"], "direction": "in", "purpose": "consultation",
        "notes": "Asks for the next service date (RPC %s)" % people["tag"]})
    rows = officer("aftersales.call", "search_read", [("id", "=", call_id)],
                   fields=["name", "state", "notes"])
    assert [row["id"] for row in rows] == [call_id]
    assert rows[0]["state"] == "done"  # an inbound call logged happened (issue 16)
    assert officer("aftersales.call", "search_count", []) >= 1
    message = assert_fault(lambda: officer("aftersales.call", "unlink", [call_id]))
    assert "cannot be deleted" in message or "not allowed" in message, message
    assert admin("aftersales.call", "search", [("id", "=", call_id)],
                 context={"active_test": False}) == [call_id]
    officer("aftersales.call", "write", [call_id], {"active": False})  # archived, kept


@pytest.mark.parametrize("who", ["internal", "portal"])
def test_outsiders_get_an_access_fault_on_the_phone_register(people, who):
    client = people[who]
    call_ids = people["admin"]("aftersales.call", "search", [], limit=1)
    assert call_ids, "the database holds no call to try"
    for method, args, kwargs in (("read", [call_ids, ["notes"]], {}),
                                 ("search_read", [[]], {"fields": ["notes"], "limit": 5}),
                                 ("search_count", [[]], {}),
                                 ("create", [{"partner_id": people["customer_id"]}], {}),
                                 ("write", [call_ids, {"notes": "Changed"}], {})):
        message = assert_fault(lambda: client("aftersales.call", method, *args, **kwargs),
                               code=ACCESS_ERROR)
        assert "not allowed" in message or "security restrictions" in message, message
    # Deleting is refused before the rights are even looked at: the register is an archive.
    message = assert_fault(lambda: client("aftersales.call", "unlink", call_ids))
    assert "cannot be deleted" in message or "not allowed" in message, message
    assert people["admin"]("aftersales.call", "search_count", [("id", "in", call_ids)],
                           context={"active_test": False}) == 1
    for model in ("aftersales.case", "aftersales.letter", "aftersales.warranty.claim",
                  "aftersales.vehicle"):
        assert_fault(lambda: client(model, "search_read", [], fields=["id"], limit=1),
                     code=ACCESS_ERROR)


def test_wrong_types_are_refused_and_save_nothing(people):
    officer, admin, tag = people["officer"], people["admin"], people["tag"]
    customer_id = people["customer_id"]
    model_ids = admin("product.product", "search", [("sale_ok", "=", True)], limit=1)

    def vehicles(n):
        return admin("aftersales.vehicle", "search", [("vin", "=", vin(tag, n))],
                     context={"active_test": False})

    tries = [
        # (what, call, expected text in the fault)
        ("odometer as text", lambda: officer("aftersales.vehicle", "create", {
            "vin": vin(tag, 1), "odometer": "twelve thousand", "product_id": model_ids[0]}),
         "twelve thousand"),
        ("VIN as a list", lambda: officer("aftersales.vehicle", "create", {
            "vin": [vin(tag, 2)], "product_id": model_ids[0]}), "must be text"),
        ("odometer with decimals", lambda: officer("aftersales.vehicle", "create", {
            "vin": vin(tag, 3), "odometer": 12.7, "product_id": model_ids[0]}),
         "whole kilometres"),
        ("empty VIN", lambda: officer("aftersales.vehicle", "create", {
            "vin": "", "product_id": model_ids[0]}), "17"),
        ("negative odometer", lambda: officer("aftersales.vehicle", "create", {
            "vin": vin(tag, 4), "odometer": -5}), "negative"),
        ("customer as text", lambda: officer("aftersales.call", "create", {
            "partner_id": "Li Wei", "notes": "RPC wrong type %s" % tag}), "Li Wei"),
        ("no customer", lambda: officer("aftersales.call", "create", {
            "partner_id": False, "notes": "RPC wrong type %s" % tag}), "mandatory"),
        ("date as free text", lambda: officer("aftersales.call", "create", {
            "partner_id": customer_id, "date_due": "next Tuesday",
            "notes": "RPC wrong type %s" % tag}), "next Tuesday"),
        ("unknown purpose", lambda: officer("aftersales.call", "create", {
            "partner_id": customer_id, "purpose": "hacked",
            "notes": "RPC wrong type %s" % tag}), "hacked"),
        ("unknown customer id", lambda: officer("aftersales.call", "create", {
            "partner_id": 2 ** 31 - 1, "notes": "RPC wrong type %s" % tag}),
         "does not exist"),
        ("empty case", lambda: officer("aftersales.case", "create", {
            "partner_id": customer_id, "name": "", "description": " "}),
         "a subject or a description"),
    ]
    for what, call, expected in tries:
        message = assert_fault(call)
        assert expected in message, "%s: %s" % (what, message)
    for n in (1, 2, 3, 4):
        assert not vehicles(n), "a vehicle was saved"
    assert not admin("aftersales.call", "search", [("notes", "like", "RPC wrong type %s" % tag)],
                     context={"active_test": False})
    # The right types are taken (and the VIN stored upper-case).
    vehicle_id = officer("aftersales.vehicle", "create", {
        "vin": " %s " % vin(tag, 5).lower(), "odometer": 1200, "product_id": model_ids[0],
        "partner_id": customer_id, "license_plate": "沪A·%s" % tag[:5]})
    row = officer("aftersales.vehicle", "read", [vehicle_id],
                  ["vin", "odometer", "license_plate"])[0]
    assert (row["vin"], row["odometer"], row["license_plate"]) == (
        vin(tag, 5), 1200, "沪A·%s" % tag[:5])
    admin("aftersales.vehicle", "write", [vehicle_id], {"active": False})
