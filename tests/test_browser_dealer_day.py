"""A dealer's day in the real web client (issue 7): the officer works a follow-up call
and escalates a complaint, the supervisor solves it from the activity menu, the officer
tells the customer the same day. Runs headless Chromium against a server on its own copy
of the demo database (AFTERSALES_WEB_DB, made by `make test`)."""
import os
import re
import time

import pytest

import odoo

from browser.harness import Browser, chromium, odoo_server

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


def test_dealer_day(browser):
    started = time.time()
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
        browser.find(".o_statusbar_status button.btn-primary[data-value='done']")
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
        browser.open_activities("aftersales.case")
        rows = browser.find_all(".o_data_row, .o_kanban_record:not(.o_kanban_ghost)")
        assert rows, "the escalated case is not in the supervisor's activities"
        browser.goto("/web#id=%d&model=aftersales.case&view_type=form" % state["case"])
        browser.find(".o_form_view")
        browser.idle()
        browser.click(".o_form_button_edit")
        browser.click_text(".o_notebook .nav-tabs a", "Solution")
        browser.set_field("solution", "Brake pads replaced free of charge tomorrow.")
        browser.save()
        browser.button("Solve")
        browser.check_console("case solved")

    def officer_informs():
        browser.login("officer", "officer")
        browser.open_activities("aftersales.case")
        rows = browser.find_all(".o_data_row, .o_kanban_record:not(.o_kanban_ghost)")
        assert rows, "no case with an activity for the officer"
        browser.goto("/web#id=%d&model=aftersales.case&view_type=form" % state["case"])
        browser.find(".o_form_view")
        browser.idle()
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
    assert time.time() - started < 180, "the dealer day took %.0f s" % (time.time() - started)
