"""Refresh the README's pictures from a demo database: the officer's call queue, a
customer file and the KPI pivot. Usage (after `make run` created the database):

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
            browser.open_tab("After-sales")
            browser.idle()
            driver.save_screenshot(os.path.join(DOCS, "customer-file.png"))
            browser.open_action("aftersales_followup.action_aftersales_call_analysis")
            browser.find(".o_pivot")
            browser.idle()
            driver.save_screenshot(os.path.join(DOCS, "kpi-pivot.png"))
        finally:
            driver.quit()
    print("written: docs/call-queue.png, docs/customer-file.png, docs/kpi-pivot.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AFTERSALES_DB", "aftersales"))
