"""Refresh the README's pictures from a demo database, in the Chinese back office the demo
staff work in: the officer's call queue, a customer file, the KPI pivot and the
supervisor's dashboard. Usage (after `make run` created the database):

    .venv/bin/python tools/screenshots.py [DATABASE]
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from browser.harness import Browser, chromium, odoo_server  # noqa: E402

DOCS = os.path.join(ROOT, "docs")


def main(database):
    os.makedirs(DOCS, exist_ok=True)
    with odoo_server(database) as url:
        driver = chromium()
        try:
            browser = Browser(driver, url)
            browser.login("officer", "officer")
            browser.open_menu("aftersales_followup.menu_aftersales_root")
            driver.save_screenshot(os.path.join(DOCS, "call-queue.png"))
            browser.open_action("aftersales_followup.action_aftersales_customer")
            browser.find(".o_kanban_record:not(.o_kanban_ghost), .o_data_row").click()
            browser.find(".o_form_view")
            browser.idle()
            browser.open_tab("售后")  # the officer works in Simplified Chinese
            browser.idle()
            driver.save_screenshot(os.path.join(DOCS, "customer-file.png"))
            browser.open_action("aftersales_followup.action_aftersales_call_report")
            browser.find(".o_pivot")
            browser.idle()
            driver.save_screenshot(os.path.join(DOCS, "kpi-pivot.png"))
        finally:
            driver.quit()
        driver = chromium()  # a fresh session for the supervisor
        try:
            browser = Browser(driver, url)
            browser.login("supervisor", "supervisor")
            browser.open_action("aftersales_followup.action_aftersales_dashboard")
            driver.save_screenshot(os.path.join(DOCS, "dashboard.png"))
        finally:
            driver.quit()
    print("written: docs/call-queue.png, docs/customer-file.png, docs/kpi-pivot.png, "
          "docs/dashboard.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AFTERSALES_DB", "aftersales"))
