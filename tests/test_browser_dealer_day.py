"""A dealer's day in the real web client (issue 7): the officer works a follow-up call
and escalates a complaint, the supervisor solves it from the activity menu, the officer
tells the customer the same day; a warranty claim is taken in, submitted and approved; a
back-ordered part is received at the parts counter and its arrival reaches the customer
and the officer. Runs headless Chromium against a server on its own copy of the demo
database (AFTERSALES_WEB_DB, made by `make test`)."""
import datetime
import os
import re

import pytest

import odoo

from browser.harness import Browser, chromium, odoo_server, staff_in_english

WEB_DB = os.environ.get("AFTERSALES_WEB_DB")
pytestmark = pytest.mark.skipif(
    not WEB_DB, reason="AFTERSALES_WEB_DB not set: run through `make test`")


def query(sql, params=()):
    """Read the web database the server writes to (not the test transaction's)."""
    with odoo.sql_db.db_connect(WEB_DB).cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


@pytest.fixture(scope="module")
def browser():
    staff_in_english(WEB_DB)
    with odoo_server(WEB_DB) as url:
        driver = chromium()
        try:
            yield Browser(driver, url)
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


def choose_filter(browser, label):
    if not browser.find_all(".o_search_options .o_dropdown_toggler_btn"):
        browser.click(".o_searchview_more")
    browser.click_text(".o_search_options button, .o_search_options .o_dropdown_toggler_btn",
                       "Filters")
    browser.click_text(".o_filters_menu a, .o_filters_menu li", label)
    browser.idle()
    browser.click(".o_control_panel .breadcrumb")  # close the dropdown, as a person would
    browser.idle()


def record_id(browser):
    found = re.search(r"[#&]id=(\d+)", browser.driver.current_url)
    assert found, "no record id in %s" % browser.driver.current_url
    return int(found.group(1))


def open_case_from_activities(browser, case_id):
    """Open the case from the activity menu of whoever is logged in: it must be there."""
    browser.open_activities("aftersales.case")
    browser.open_row("Squeaking brakes")
    assert record_id(browser) == case_id, "another case was opened from the activities"


def test_dealer_day(browser):
    state = {}

    def officer_works_the_call():
        browser.login("officer", "officer")
        browser.open_menu("aftersales_followup.menu_aftersales_root")
        choose_filter(browser, "Due today")
        browser.check_console("calls due today")
        rows = browser.find_all(".o_data_row")
        assert rows, "the officer has no call due today in the demo database"
        rows[0].click()
        browser.find(".o_form_view")
        browser.idle()
        state["call"] = record_id(browser)
        browser.click(".o_form_button_edit")
        browser.set_field("satisfaction", "2 - Unhappy")
        browser.set_field("notes", "Brakes squeak since the service.")
        browser.save()
        browser.button("Done")
        browser.expect_status("done")
        browser.check_console("call form")
        browser.button("Add case")
        dialog = ".modal-dialog"
        browser.find(dialog)
        browser.set_field("name", "Squeaking brakes", scope=dialog)
        browser.set_field("kind", "Complaint", scope=dialog)
        browser.set_field("description", "Brakes squeak since the service", scope=dialog)
        browser.click_text(".modal-footer button", "Save")
        browser.idle()
        browser.smart_button("Cases")
        rows = browser.find_all(".o_data_row")
        assert len(rows) == 1, "the complaint is not listed on the call"
        rows[0].click()
        browser.find(".o_form_view")
        browser.idle()
        state["case"] = record_id(browser)
        browser.button("Escalate")
        browser.check_console("case form")

    def supervisor_solves():
        browser.login("supervisor", "supervisor")
        open_case_from_activities(browser, state["case"])
        browser.click(".o_form_button_edit")
        browser.open_tab("Solution")
        browser.set_field("solution", "Brake pads replaced free of charge tomorrow.")
        browser.save()
        browser.button("Solve")
        browser.check_console("case solved")

    def officer_informs():
        browser.login("officer", "officer")
        open_case_from_activities(browser, state["case"])
        browser.button("Customer informed")
        browser.check_console("customer informed")

    step(browser, "officer-call", officer_works_the_call)
    call_state, satisfaction = query(
        "SELECT state, satisfaction FROM aftersales_call WHERE id = %s", (state["call"],))[0]
    assert (call_state, satisfaction) == ("done", "2")
    unhappy = query("""SELECT count(*) FROM mail_activity a JOIN res_users u ON u.id = a.user_id
                        WHERE a.res_model = 'aftersales.call' AND a.res_id = %s
                          AND u.login = 'supervisor'""", (state["call"],))[0][0]
    assert unhappy == 1, "the supervisor was not alerted of the unhappy customer"
    case_state, kind = query("SELECT state, kind FROM aftersales_case WHERE id = %s",
                             (state["case"],))[0]
    assert (case_state, kind) == ("escalated", "complaint")

    step(browser, "supervisor-solve", supervisor_solves)
    # "today" is the supervisor's day, in their time zone
    assert query("""SELECT c.state, c.date_solved = (now() AT TIME ZONE COALESCE(p.tz, 'UTC'))::date
                      FROM aftersales_case c, res_users u JOIN res_partner p ON p.id = u.partner_id
                     WHERE c.id = %s AND u.login = 'supervisor'""",
                 (state["case"],))[0] == ("solved", True)

    step(browser, "officer-inform", officer_informs)
    row = query("""SELECT state, informed_same_day, date_informed = date_solved
                     FROM aftersales_case WHERE id = %s""", (state["case"],))[0]
    assert row == ("informed", True, True)


def user_today(login):
    """Today in the time zone of ``login``, as the web client shows it ('YYYY-MM-DD', as
    Odoo's cursor returns dates)."""
    return query("""SELECT (now() AT TIME ZONE COALESCE(p.tz, 'UTC'))::date
                      FROM res_users u JOIN res_partner p ON p.id = u.partner_id
                     WHERE u.login = %s""", (login,))[0][0]


def date_format(login):
    """The date format of ``login``'s language, in which the web client reads dates."""
    return query("""SELECT l.date_format FROM res_users u
                      JOIN res_partner p ON p.id = u.partner_id
                      JOIN res_lang l ON l.code = COALESCE(p.lang, 'en_US')
                     WHERE u.login = %s""", (login,))[0][0]


def test_warranty_claim_submitted_and_approved(browser):
    """The officer takes in a claim at the service desk and submits it; the supervisor
    assesses it and approves a repair. The customer is acknowledged, then told."""
    state = {}
    failure = odoo.fields.Date.from_string(user_today("officer")) - datetime.timedelta(days=2)

    def officer_takes_the_claim():
        browser.login("officer", "officer")
        browser.open_menu("aftersales_followup.menu_aftersales_root")
        browser.open_menu("aftersales_warranty.menu_aftersales_warranty_claim")
        browser.click(".o_list_button_add")
        browser.find(".o_form_view .o_form_editable, .o_form_view.o_form_editable")
        browser.idle()
        browser.set_many2one("vehicle_id", "3K521")
        browser.set_field("date_failure", failure.strftime(date_format("officer")))
        browser.set_field("odometer", "30600")
        browser.set_field("symptom", "Coolant on the garage floor every morning.")
        browser.add_line("line_ids")
        browser.set_many2one("product_id", "AUR-WP-15", scope=".o_selected_row",
                             pick="Water pump")
        browser.save()
        state["claim"] = record_id(browser)
        browser.find_text(".o_form_view .alert-success", "Covered")  # in warranty
        browser.button("Submit")
        browser.expect_status("submitted")
        browser.check_console("claim submitted")

    def supervisor_approves():
        browser.login("supervisor", "supervisor")
        browser.open_menu("aftersales_followup.menu_aftersales_root")
        browser.open_menu("aftersales_warranty.menu_aftersales_warranty_claim")
        name = query("SELECT name FROM aftersales_warranty_claim WHERE id = %s",
                     (state["claim"],))[0][0]
        browser.search(name)
        browser.open_row(name)
        browser.button("Start assessment")
        browser.expect_status("assessment")
        browser.click(".o_form_button_edit")
        browser.open_tab("Quality assessment")
        browser.set_field("cause", "Manufacturing defect")
        browser.set_field("assessment", "Water pump seal leaks; no outside damage.")
        browser.open_tab("Decision")
        browser.set_field("compensation_kind", "Repair")
        browser.save()
        browser.button("Approve")
        browser.expect_status("approved")
        browser.check_console("claim approved")

    step(browser, "officer-claim", officer_takes_the_claim)
    row = query("""SELECT c.state, v.license_plate, c.date_failure, c.odometer, c.coverage,
                          c.date_submitted, c.amount_claimed
                     FROM aftersales_warranty_claim c
                     JOIN aftersales_vehicle v ON v.id = c.vehicle_id
                    WHERE c.id = %s""", (state["claim"],))[0]
    assert row[:6] == ("submitted", "沪A·3K521", str(failure), 30600, "covered",
                       user_today("officer"))
    assert row[6] > 0, "the water pump was claimed at no price"

    step(browser, "supervisor-approve", supervisor_approves)
    row = query("""SELECT state, cause, compensation_kind, date_decision, amount_approved,
                          amount_claimed, inspector_id = (SELECT id FROM res_users
                                                           WHERE login = 'supervisor')
                     FROM aftersales_warranty_claim WHERE id = %s""", (state["claim"],))[0]
    assert row[:4] == ("approved", "manufacturing", "repair", user_today("supervisor"))
    assert row[4] == row[5], "a covered repair is approved for what was claimed"
    assert row[6], "the supervisor who assessed it is not recorded as the inspector"
    # the customer's two emails: acknowledgement on submission, decision on approval
    letters = query("""SELECT l.kind, m.state, m.email_to, m.body_html
                         FROM aftersales_letter l JOIN mail_mail m ON m.id = l.mail_id
                        WHERE l.res_model = 'aftersales.warranty.claim' AND l.res_id = %s
                        ORDER BY l.id""", (state["claim"],))
    assert [(kind, mail_state) for kind, mail_state, _to, _body in letters] == [
        ("notice", "outgoing"), ("reply", "outgoing")]
    recipients = query("""SELECT p.email FROM mail_mail m
                            JOIN aftersales_letter l ON l.mail_id = m.id
                            JOIN mail_mail_res_partner_rel r ON r.mail_mail_id = m.id
                            JOIN res_partner p ON p.id = r.res_partner_id
                           WHERE l.res_model = 'aftersales.warranty.claim'
                             AND l.res_id = %s""", (state["claim"],))
    assert {email for (email,) in recipients} == {"wang.wei@example.com"}
    # Wang Wei is a Chinese customer of the Chinese demo: his letter is in Chinese
    assert "已获批准" in letters[1][3]
    assert "免费" in letters[1][3]


def test_backordered_part_arrives(browser):
    """The parts counter confirms the maker's order for the back-ordered headlamp and
    receives it; the waiting request is served, the customer's email is queued and the
    officer has a call to book the visit."""
    request, request_name = query("""SELECT r.id, r.name FROM aftersales_parts_request r
                                       JOIN aftersales_parts_request_line l
                                         ON l.request_id = r.id
                                      WHERE l.state = 'backorder'
                                      ORDER BY r.id LIMIT 1""")[0]

    def parts_counter_receives():
        browser.login("parts", "parts")
        browser.open_menu("purchase.menu_purchase_root")
        browser.open_row(request_name)  # the quotation ordered for the request
        browser.button("Confirm Order")
        browser.button("Receive Products")
        browser.find(".o_form_view")
        browser.button("Validate")
        browser.click_text(".modal-footer button", "Apply")  # receive all
        browser.idle()
        browser.expect_status("done")
        browser.check_console("receipt validated")

    def officer_sees_the_arrival():
        browser.login("officer", "officer")
        browser.open_activities("aftersales.call")
        browser.open_row("Parts arrived")  # the purpose tag on the call card
        browser.check_console("arrival call")
        browser.goto("/web#id=%d&model=aftersales.parts.request&view_type=form" % request)
        browser.find(".o_form_view")
        browser.idle()
        browser.expect_status("ready")
        browser.smart_button("Letters")
        rows = browser.find_all(".o_data_row")
        assert len(rows) == 1, "the arrival email is not in the request's letters"
        browser.check_console("request letters")

    step(browser, "parts-receipt", parts_counter_receives)
    assert query("SELECT state FROM aftersales_parts_request WHERE id = %s",
                 (request,))[0][0] == "ready"
    assert query("""SELECT bool_and(arrival_announced), bool_and(date_available IS NOT NULL)
                      FROM aftersales_parts_request_line WHERE request_id = %s""",
                 (request,))[0] == (True, True)
    letters = query("""SELECT l.kind, m.state, m.body_html FROM aftersales_letter l
                         JOIN mail_mail m ON m.id = l.mail_id
                        WHERE l.res_model = 'aftersales.parts.request' AND l.res_id = %s""",
                    (request,))
    assert [(kind, mail_state) for kind, mail_state, _body in letters] == [
        ("notice", "outgoing")]
    # in Li Na's language, the part's name too
    assert "左 LED 前大灯总成" in letters[0][2]
    calls = query("""SELECT c.state, c.date_due, u.login FROM aftersales_call c
                       JOIN res_users u ON u.id = c.user_id
                      WHERE c.parts_request_id = %s AND c.purpose = 'parts_arrival'""",
                  (request,))
    assert calls == [("todo", user_today("officer"), "officer")]

    step(browser, "officer-arrival", officer_sees_the_arrival)
