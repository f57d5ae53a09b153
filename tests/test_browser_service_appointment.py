"""Issue 19 in the real web client: the officer books a visit from a reminder call, finds it
in the appointment calendar and checks the vehicle in, which opens the service visit.
Runs headless Chromium against a server on the web copy of the demo database
(AFTERSALES_WEB_DB, made by `make test`), with the harness of the dealer's day."""
import os

import pytest

import odoo

from browser.harness import Browser, chromium, odoo_server, staff_in_english
from environments import own_environments

WEB_DB = os.environ.get("AFTERSALES_WEB_DB")
pytestmark = pytest.mark.skipif(
    not WEB_DB, reason="AFTERSALES_WEB_DB not set: run through `make test`")


def query(sql, params=()):
    """Read the web database the server writes to (not the test transaction's)."""
    with odoo.sql_db.db_connect(WEB_DB).cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


@pytest.fixture(scope="module")
def server():
    staff_in_english(WEB_DB)
    with odoo_server(WEB_DB, "browser-appointment-server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(server):
    driver = chromium()
    try:
        yield Browser(driver, server)
    finally:
        driver.quit()


def step(browser, name, func):
    """Run one step; on failure keep a screenshot and the console log as artifacts."""
    try:
        return func()
    except Exception as error:
        shot, log = browser.save_artifacts("browser-%s" % name)
        raise AssertionError("browser step %r failed: %s\nscreenshot: %s\nconsole log: %s"
                             % (name, error, shot, log)) from error


def reminder_call(url):
    """A reminder call in the officer's queue: the tyres of 赵敏's car, due today. The
    call register is written by the suite only (not over XML-RPC, not even by the
    administrator): it is made in-process on the web database, as the scheduled action
    would, and committed for the server to see."""
    with own_environments(), odoo.registry(WEB_DB).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        partner = env.ref("aftersales_followup.partner_zhao_min_demo")
        vehicle = env.ref("aftersales_followup.vehicle_zhao_min_demo")
        officer = env["res.users"].search([("login", "=", "officer")], limit=1)
        need = env["aftersales.need"].create({
            "partner_id": partner.id, "vehicle_id": vehicle.id, "kind": "tyres",
            "note": "前轮磨损，建议更换（浏览器测试）"})
        call = env["aftersales.call"]._aftersales_trusted().create({
            "name": "赵敏 - 轮胎提醒", "partner_id": partner.id, "vehicle_id": vehicle.id,
            "need_id": need.id, "user_id": officer.id, "direction": "out",
            "purpose": "other"})
        cr.commit()
        return call.id, need.id


def test_officer_books_a_visit_from_a_reminder_call_and_checks_it_in(browser, server):
    call_id, need_id = reminder_call(server)
    state = {}

    def officer_books():
        browser.login("officer", "officer")
        browser.goto("/web#id=%d&model=aftersales.call&view_type=form" % call_id)
        browser.find(".o_form_view")
        browser.idle()
        browser.button("Book a visit")
        browser.find(".o_form_view.o_form_editable, .o_form_view .o_form_editable")
        browser.idle()
        browser.set_field("notes", "更换两条前轮轮胎。")
        browser.save()
        browser.expect_status("booked")
        browser.button("Confirm")
        browser.expect_status("confirmed")
        browser.check_console("appointment booked")

    def officer_checks_in_from_the_calendar():
        browser.open_action("aftersales_followup.action_aftersales_appointment")
        browser.find(".o_calendar_view")
        browser.idle()
        for _week in range(3):
            events = [e for e in browser.find_all(".fc-event") if "赵敏" in e.text]
            if events:
                break
            browser.click(".o_calendar_button_next")
            browser.idle()
        assert events, "the booked visit is not in the appointment calendar"
        browser.check_console("appointment calendar")
        events[0].click()
        browser.find(".o_form_view")
        browser.idle()
        browser.expect_status("confirmed")
        browser.button("Check in")
        browser.find(".o_form_view .o_statusbar_status button.btn-primary[data-value='sale']")
        browser.check_console("service visit")

    step(browser, "appointment-book", officer_books)
    rows = query("""SELECT a.id, a.state, a.source, a.need_id, v.name, u.login,
                           a.calendar_event_id IS NOT NULL, a.date_start > now() AT TIME ZONE 'UTC'
                      FROM aftersales_appointment a
                      JOIN aftersales_vehicle v ON v.id = a.vehicle_id
                      JOIN res_users u ON u.id = a.user_id
                     WHERE a.call_id = %s""", (call_id,))
    assert len(rows) == 1, "the booking was not saved from the call"
    state["appointment"] = rows[0][0]
    assert rows[0][1:] == ("confirmed", "reminder", need_id, rows[0][4], "officer", True,
                           True)
    assert query("""SELECT count(*) FROM aftersales_letter
                     WHERE appointment_id = %s AND channel = 'email'""",
                 (state["appointment"],))[0][0] == 1, "no confirmation email registered"

    step(browser, "appointment-check-in", officer_checks_in_from_the_calendar)
    row = query("""SELECT a.state, o.state, o.aftersales_kind, o.vehicle_id = a.vehicle_id,
                          n.state, n.order_id = o.id
                     FROM aftersales_appointment a
                     JOIN sale_order o ON o.id = a.sale_order_id
                     JOIN aftersales_need n ON n.id = a.need_id
                    WHERE a.id = %s""", (state["appointment"],))[0]
    assert row == ("arrived", "sale", "service", True, "done", True)
