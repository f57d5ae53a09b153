"""The dealership's staff as locust users, sending the JSON-RPC requests of Odoo 11's web
client (web/static/src/js: data_manager.js ``/web/action/load``, basic_model.js
``/web/dataset/search_read`` and ``/web/dataset/call_kw/<model>/<method>``, view_manager.js
``/web/dataset/call_button`` with ``[[id], context]``, session.js
``/web/session/authenticate``).

Runs in the load test's own environment (.venv/locust), driven by drive.py; the accounts,
the server(s) and the record of every request come from there (``configure``). Each task is
one flow a person does through the back office: the requests follow one another as the
client sends them, and the first refused one ends the flow (the person would see an error).

Officers work on their own customers' calls and cases, supervisors share the escalated
cases by id (``id % supervisors``), so two simulated people never race for one record: a
refusal is a finding, not noise.
"""
import datetime
import itertools
import random
import time
import zoneinfo

from gevent import GreenletExit
from locust import HttpUser, between, task
from locust.exception import StopUser

# Filled by drive.py before the users start.
SETTINGS = {
    "hosts": [],          # base URLs of the Odoo servers (two in the two-server run)
    "db": None,
    "accounts": {},       # role -> [{"login", "password", "rank"}], handed out in order
    "log": None,          # callable(record): one dict per request and per flow
    "rank_of_role": {},
    "deadline": None,     # no flow starts after this time (time.time())
    "max_flows": None,    # nor after this many flows in all
    "parts": {},          # default_code -> product id
    "supplier_id": None,
    "phones": {},         # officer login -> phone numbers of their customers
}
STARTED = {"flows": 0}
_request_ids = itertools.count(1)
_host_turn = itertools.count()


class FlowError(Exception):
    """A request of a flow was refused or failed: the flow stops there."""


class OdooStaff(HttpUser):
    """A member of staff logged in to the web client."""
    abstract = True
    role = None
    wait_time = between(0.5, 2.0)
    host = "http://127.0.0.1"

    # (method name, weight): each user first does every flow once, in this order from a
    # place of their own, then picks them at random by weight.
    flows = ()

    @task
    def work(self):
        if self.tour:
            name = self.tour.pop(0)
        else:
            names, weights = zip(*self.flows)
            name = random.choices(names, weights)[0]
        getattr(self, name)()

    def on_start(self):
        self.client.base_url = SETTINGS["hosts"][next(_host_turn) % len(SETTINGS["hosts"])]
        account = SETTINGS["accounts"][self.role].pop(0)
        self.login = account["login"]
        self.rank = account["rank"]
        # Each person starts the tour at a flow of their own: every flow begins at once.
        names = [name for name, _weight in self.flows]
        start = self.rank % len(names)
        self.tour = names[start:] + names[:start]
        self.user_context = {}
        self.uid = None
        self.flow = None
        self.views_loaded = set()
        self._authenticate(account["password"])

    def _authenticate(self, password):
        result = self.rpc("/web/session/authenticate", {
            "db": SETTINGS["db"], "login": self.login, "password": password,
            "context": {}}, "session/authenticate")
        self.uid = result["uid"]
        self.user_context = dict(result["user_context"])
        self.password = password

    # -- the web client's requests

    def rpc(self, route, params, kind):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params,
                   "id": next(_request_ids)}
        started = time.time()
        error = None
        with self.client.post(route, json=payload, name=kind, catch_response=True,
                              headers={"X-Load-Kind": kind}) as response:
            if response.status_code != 200:
                error = "HTTP %s" % response.status_code
            else:
                try:
                    body = response.json()
                except ValueError:
                    body = {"error": {"data": {"name": "not JSON",
                                               "message": response.text[:200]}}}
                if "error" in body:
                    data = body["error"].get("data") or {}
                    error = "%s: %s" % (data.get("name") or body["error"].get("message"),
                                        (data.get("message") or "")[:300])
            if error:
                response.failure(error)
            else:
                response.success()
        self._log({"type": "request", "kind": kind, "start": started, "end": time.time(),
                   "ok": error is None, "error": error, "user": self.login,
                   "flow": self.flow})
        if error:
            raise FlowError(error)
        return body.get("result")

    def call_kw(self, model, method, args, kwargs=None, kind=None):
        kwargs = dict(kwargs or {})
        kwargs.setdefault("context", self.user_context)
        return self.rpc("/web/dataset/call_kw/%s/%s" % (model, method), {
            "model": model, "method": method, "args": args, "kwargs": kwargs},
            kind or "call_kw %s.%s" % (model, method))

    def search_read(self, model, domain, fields, limit=80, sort="", kind=None):
        return self.rpc("/web/dataset/search_read", {
            "model": model, "domain": domain, "fields": fields, "limit": limit,
            "offset": 0, "sort": sort, "context": self.user_context},
            kind or "search_read %s" % model)["records"]

    def read(self, model, ids, fields):
        return self.call_kw(model, "read", [ids, fields], kind="read %s" % model)

    def button(self, model, record_id, method, context=None):
        """A button of type object, as view_manager.js sends it."""
        ctx = dict(self.user_context, **(context or {}))
        return self.rpc("/web/dataset/call_button", {
            "model": model, "method": method, "args": [[record_id], ctx]},
            "button %s.%s" % (model, method))

    def open_action(self, xmlid, model, views):
        """The menu: the action, then (once per session, the client caches them) its
        views."""
        action = self.rpc("/web/action/load", {"action_id": xmlid}, "action/load")
        if model not in self.views_loaded:
            self.call_kw(model, "load_views", [], {
                "views": views, "options": {"toolbar": True, "load_filters": True}},
                kind="load_views %s" % model)
            self.views_loaded.add(model)
        return action

    def form_views(self, model):
        if model not in self.views_loaded:
            self.call_kw(model, "load_views", [], {
                "views": [[False, "form"]], "options": {"toolbar": True}},
                kind="load_views %s" % model)
            self.views_loaded.add(model)

    # -- flows

    def run_flow(self, name, steps):
        """One flow; its outcome and the records it touched go to the run's record."""
        if time.time() >= SETTINGS["deadline"]:
            raise StopUser()
        STARTED["flows"] += 1
        number = STARTED["flows"]
        if SETTINGS["max_flows"] and number > SETTINGS["max_flows"]:
            raise StopUser()
        self.flow = "%s#%d" % (name, number)
        record = {"type": "flow", "flow": self.flow, "name": name, "user": self.login,
                  "start": time.time(), "ok": False, "records": {}, "error": None,
                  "done": []}
        try:
            steps(record)
            record["ok"] = True
        except FlowError as error:
            record["error"] = str(error)
        except GreenletExit:
            # The run's end stopped this person half-way (drive.py's grace was over).
            record["error"] = record["interrupted"] = "interrupted: the run ended"
            raise
        finally:
            record["end"] = time.time()
            self.flow = None
            self._log(record)
        if record["error"] and "SessionExpired" in record["error"]:
            # The web client shows "session expired" and the person logs in again.
            try:
                self._authenticate(self.password)
            except FlowError:
                pass

    def _log(self, record):
        SETTINGS["log"](record)

    def today(self, days=0):
        """Today where the person works (their time zone), as the web client reads it."""
        try:
            zone = zoneinfo.ZoneInfo(self.user_context.get("tz") or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = datetime.timezone.utc
        today = datetime.datetime.now(zone).date()
        return (today + datetime.timedelta(days=days)).isoformat()


class Officer(OdooStaff):
    """The after-sales officer: the call queue, cases, inbound calls, warranty claims."""
    role = "officer"
    flows = (("follow_up_call", 6), ("inbound_call", 2), ("warranty_claim", 1),
             ("inform_customer", 2))

    def follow_up_call(self):
        """Open the queue, open a call, record it done with a satisfaction score; one
        call in three raises a case that is escalated to the supervisor."""
        def steps(record):
            self.open_action("aftersales_followup.action_aftersales_call", "aftersales.call",
                             [[False, "list"], [False, "kanban"], [False, "form"],
                              [False, "search"]])
            calls = self.search_read(
                "aftersales.call",
                [["user_id", "=", self.uid], ["state", "in", ["todo", "no_answer"]],
                 ["date_due", "<=", self.today()]],
                ["name", "partner_id", "vehicle_id", "purpose", "date_due", "state",
                 "user_id", "attempt_count"], sort="date_due asc, id asc")
            if not calls:
                return
            call = random.choice(calls[:20])
            record["records"]["call"] = call["id"]
            self.read("aftersales.call", [call["id"]], [
                "name", "partner_id", "phone", "mobile", "vehicle_id", "state", "date_due",
                "purpose", "satisfaction", "notes", "case_ids", "message_ids",
                "activity_ids", "duration"])
            score = random.choice("12345")
            self.call_kw("aftersales.call", "write", [[call["id"]], {
                "satisfaction": score, "duration": round(random.uniform(2, 9), 1),
                "notes": "Load test: the customer is %s with the service." % score}],
                kind="write aftersales.call")
            if random.random() < 1 / 3.0:
                self._add_and_escalate_case(record, call)
            self.button("aftersales.call", call["id"], "action_done")
            record["done"].append(["aftersales.call", call["id"], "done"])
            self.read("aftersales.call", [call["id"]], ["state", "satisfaction", "case_ids"])
        self.run_flow("follow-up call", steps)

    def _add_and_escalate_case(self, record, call):
        action = self.button("aftersales.call", call["id"], "action_add_case")
        context = dict(self.user_context, **(action.get("context") or {}))
        self.form_views("aftersales.case")
        defaults = self.call_kw("aftersales.case", "default_get", [[
            "call_id", "partner_id", "kind", "name", "description", "state", "user_id"]],
            {"context": context}, kind="default_get aftersales.case")
        values = dict(defaults, name="Load test: noise when braking",
                      description="The customer hears a noise when braking at low speed.")
        case_id = self.call_kw("aftersales.case", "create", [values], {"context": context},
                               kind="create aftersales.case")
        record["records"]["case"] = case_id
        record["done"].append(["aftersales.case", case_id, "study"])
        self.button("aftersales.case", case_id, "action_escalate")
        record["done"][-1][2] = "escalated"
        self.read("aftersales.case", [case_id], ["state", "supervisor_id"])

    def inform_customer(self):
        """A solved case of mine: I phone the customer and mark them informed."""
        def steps(record):
            self.open_action("aftersales_followup.action_aftersales_case", "aftersales.case",
                             [[False, "list"], [False, "form"], [False, "search"]])
            cases = self.search_read(
                "aftersales.case", [["user_id", "=", self.uid], ["state", "=", "solved"]],
                ["name", "partner_id", "state", "date_solved", "solution"])
            if not cases:
                return
            case = random.choice(cases)
            record["records"]["case"] = case["id"]
            self.read("aftersales.case", [case["id"]], [
                "name", "state", "solution", "date_solved", "message_ids", "activity_ids"])
            self.button("aftersales.case", case["id"], "action_inform")
            record["done"].append(["aftersales.case", case["id"], "informed"])
            self.read("aftersales.case", [case["id"]], ["state", "date_informed"])
        self.run_flow("inform customer", steps)

    def inbound_call(self):
        """A customer phones in: look the caller up by number, log the consultation."""
        def steps(record):
            phones = SETTINGS["phones"].get(self.login) or []
            if not phones:
                return
            number = random.choice(phones)
            found = self.search_read(
                "res.partner", ["|", ["phone", "ilike", number], ["mobile", "ilike", number]],
                ["display_name", "phone", "mobile", "aftersales_user_id"], limit=8,
                kind="caller lookup")
            if not found:
                raise FlowError("caller lookup: nobody has the number %s" % number)
            partner = found[0]
            action = self.button("res.partner", partner["id"], "action_log_inbound_call")
            context = dict(self.user_context, **(action.get("context") or {}))
            self.form_views("aftersales.call")
            defaults = self.call_kw("aftersales.call", "default_get", [[
                "partner_id", "direction", "purpose", "user_id", "date_due", "state",
                "company_id", "name"]], {"context": context},
                kind="default_get aftersales.call")
            call_id = self.call_kw("aftersales.call", "create", [dict(
                defaults, notes="Load test: asks when the next service is due.",
                duration=2.5)], {"context": context}, kind="create aftersales.call")
            record["records"]["call"] = call_id
            record["done"].append(["aftersales.call", call_id, "todo"])
            self.button("aftersales.call", call_id, "action_done", context)
            record["done"][-1][2] = "done"
        self.run_flow("inbound call", steps)

    def warranty_claim(self):
        """Take in a warranty claim on a customer's vehicle and submit it."""
        def steps(record):
            self.open_action("aftersales_warranty.action_aftersales_warranty_claim",
                             "aftersales.warranty.claim",
                             [[False, "list"], [False, "form"], [False, "search"]])
            vehicles = self.search_read(
                "aftersales.vehicle", [["partner_id.aftersales_user_id", "=", self.uid],
                                       ["partner_id.ref", "like", "load-"]],
                ["display_name", "odometer", "partner_id", "handover_date"], limit=20,
                kind="search_read aftersales.vehicle")
            if not vehicles:
                return
            vehicle = random.choice(vehicles)
            part_id = SETTINGS["parts"]["AUR-WP-15"]
            price = self.read("product.product", [part_id], ["list_price"])[0]["list_price"]
            claim_id = self.call_kw("aftersales.warranty.claim", "create", [{
                "vehicle_id": vehicle["id"], "date_failure": self.today(-2),
                "odometer": (vehicle["odometer"] or 0) + random.randint(10, 90),
                "symptom": "Load test: coolant on the garage floor every morning.",
                "line_ids": [[0, 0, {"product_id": part_id, "quantity": 1,
                                     "price_unit": price}]]}],
                kind="create aftersales.warranty.claim")
            record["records"]["claim"] = claim_id
            record["done"].append(["aftersales.warranty.claim", claim_id, "draft"])
            self.button("aftersales.warranty.claim", claim_id, "action_submit")
            record["done"][-1][2] = "submitted"
            self.read("aftersales.warranty.claim", [claim_id],
                      ["state", "coverage", "date_submitted", "amount_claimed"])
        self.run_flow("warranty claim", steps)


class Supervisor(OdooStaff):
    """The business supervisor: escalated cases and the letter register."""
    role = "supervisor"
    flows = (("solve_case", 4), ("retry_failed_letters", 1), ("call_kpis", 1))

    def mine(self, rows):
        share = len(SETTINGS["rank_of_role"]["supervisor"])
        return [row for row in rows if row["id"] % share == self.rank]

    def solve_case(self):
        """An escalated case: write the solution, mark it solved (the officer is asked
        to tell the customer today)."""
        def steps(record):
            self.open_action("aftersales_followup.action_aftersales_case", "aftersales.case",
                             [[False, "list"], [False, "form"], [False, "search"]])
            cases = self.mine(self.search_read(
                "aftersales.case", [["state", "=", "escalated"]],
                ["name", "partner_id", "user_id", "state", "kind"], sort="id asc"))
            if not cases:
                return
            case = cases[0]
            record["records"]["case"] = case["id"]
            self.read("aftersales.case", [case["id"]], [
                "name", "description", "state", "solution", "message_ids", "activity_ids"])
            self.call_kw("aftersales.case", "write", [[case["id"]], {
                "solution": "Load test: brake pads replaced free of charge."}],
                kind="write aftersales.case")
            self.button("aftersales.case", case["id"], "action_solve")
            record["done"].append(["aftersales.case", case["id"], "solved"])
            self.read("aftersales.case", [case["id"]], ["state", "date_solved"])
        self.run_flow("solve case", steps)

    def retry_failed_letters(self):
        """The letter register's failed emails (the mail server refused them): send
        them again once the cause is fixed."""
        def steps(record):
            self.open_action("aftersales_followup.action_aftersales_letter",
                             "aftersales.letter",
                             [[False, "list"], [False, "form"], [False, "search"]])
            letters = self.mine(self.search_read(
                "aftersales.letter", [["state", "=", "failed"], ["channel", "=", "email"]],
                ["name", "partner_id", "state", "failure_reason"]))
            for letter in letters[:10]:
                self.button("aftersales.letter", letter["id"], "action_retry")
                record["done"].append(["aftersales.letter", letter["id"], "retried"])
        self.run_flow("retry failed letters", steps)

    def call_kpis(self):
        """The phone register's KPIs by officer (the calls analysis pivot)."""
        def steps(record):
            self.call_kw("aftersales.call.report", "read_group", [], {
                "domain": [["direction", "=", "out"]],
                "fields": ["user_id", "on_time", "reached", "satisfaction"],
                "groupby": ["user_id"], "lazy": False},
                kind="read_group aftersales.call.report")
        self.run_flow("call KPIs", steps)


class PartsClerk(OdooStaff):
    """The parts counter: orders a part from the maker and receives it."""
    role = "parts"
    flows = (("receive_part", 1),)

    def receive_part(self):
        def steps(record):
            self.open_action("purchase.purchase_rfq", "purchase.order",
                             [[False, "list"], [False, "form"], [False, "search"]])
            code = random.choice(["OF-UNI", "OF-UNI", "BP-X5-F", "HL-X5-L"])
            product_id = SETTINGS["parts"][code]
            product = self.read("product.product", [product_id], [
                "display_name", "uom_po_id", "standard_price"])[0]
            order_id = self.call_kw("purchase.order", "create", [{
                "partner_id": SETTINGS["supplier_id"],
                "order_line": [[0, 0, {
                    "product_id": product_id, "name": product["display_name"],
                    "product_qty": random.randint(1, 4),
                    "product_uom": product["uom_po_id"][0],
                    "price_unit": product["standard_price"] or 10.0,
                    "date_planned": "%s 08:00:00" % self.today()}]]}],
                kind="create purchase.order")
            record["records"]["order"] = order_id
            record["done"].append(["purchase.order", order_id, "draft"])
            self.button("purchase.order", order_id, "button_confirm")
            record["done"][-1][2] = "purchase"
            order = self.read("purchase.order", [order_id], ["state", "picking_ids"])[0]
            picking_id = order["picking_ids"][0]
            self.read("stock.picking", [picking_id], [
                "name", "state", "move_lines", "location_dest_id"])
            action = self.button("stock.picking", picking_id, "button_validate")
            if isinstance(action, dict) and action.get("res_model") == \
                    "stock.immediate.transfer":
                self.button("stock.immediate.transfer", action["res_id"], "process")
            record["done"].append(["stock.picking", picking_id, "done"])
            self.read("stock.picking", [picking_id], ["state"])
        self.run_flow("receive part", steps)
