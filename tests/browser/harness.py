"""Drive the real Odoo 11 web client in headless Chromium (Debian's chromium and
chromium-driver) against a server started on a free local port.

Used by tests/test_browser_dealer_day.py and tools/screenshots.py."""
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (ElementClickInterceptedException,
                                        StaleElementReferenceException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "artifacts")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def addons_path():
    """The addons path of this test run (pytest-odoo's --odoo-addons-path) with the work
    tree's addons and Odoo's: outside pytest (tools/screenshots.py) Odoo's default
    configuration knows only its own addons."""
    import odoo.addons
    configured = odoo.tools.config.get("addons_path") or ""
    paths = [path for path in configured.split(",") if path]
    for path in [ROOT] + [p for p in odoo.addons.__path__ if os.path.isdir(p)]:
        if path not in paths:
            paths.append(path)
    return ",".join(paths)


def staff_in_english(database, logins=("officer", "supervisor", "parts")):
    """The demo staff work in Simplified Chinese; the browser tests find the web client's
    buttons and menus by their English labels: on their own copy of the demo database the
    staff switch to English, as each could in their preferences (before the server starts:
    it caches the users' context). The screenshots keep the Chinese back office."""
    import odoo
    with odoo.sql_db.db_connect(database).cursor() as cr:
        cr.execute("""UPDATE res_partner SET lang = 'en_US'
                       WHERE id IN (SELECT partner_id FROM res_users WHERE login IN %s)""",
                   (tuple(logins),))
        cr.commit()


def _start_server(database, log_path, timeout):
    """Start the server on a free port; (process, url) once it answers, or (None, reason)
    when it stopped before answering (the port taken between the choice and the bind)."""
    port = free_port()
    log = open(log_path, "w")
    process = subprocess.Popen([
        sys.executable, os.path.join(ROOT, "tools", "odoo-bin"),
        "--addons-path=%s" % addons_path(), "-d", database,
        "--db-filter=^%s$" % database, "--http-interface=127.0.0.1",
        "--http-port=%d" % port, "--max-cron-threads=0", "--workers=0",
        "--log-level=warn"], stdout=log, stderr=subprocess.STDOUT)
    log.close()  # the child has its own descriptor
    url = "http://127.0.0.1:%d" % port
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/web/login", timeout=5) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            pass
        if process.poll() is not None:
            return None, "it stopped with status %s" % process.returncode
        if time.time() > deadline:
            _stop(process)
            return None, "it did not answer within %d s" % timeout
        time.sleep(0.5)


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _log_tail(log_path, lines=30):
    with open(log_path, errors="replace") as log:
        return "".join(log.readlines()[-lines:])


@contextlib.contextmanager
def odoo_server(database, log_name="browser-server.log", timeout=180):
    """An Odoo server on a free port of 127.0.0.1 serving ``database`` only; its log goes
    to artifacts/``log_name``. Yields the base URL. A server that stops before answering
    is started once more on another port; the error says why, with the log's end."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    log_path = os.path.join(ARTIFACTS, log_name)
    for attempt in (1, 2):
        process, url = _start_server(database, log_path, timeout)
        if process or attempt == 2 or "stopped" not in url:
            break
    if not process:
        raise RuntimeError("the Odoo server did not start (%s); the end of %s:\n%s" % (
            url, log_path, _log_tail(log_path)))
    try:
        yield url
    finally:
        _stop(process)


def chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                 "--user-data-dir=%s" % tempfile.mkdtemp(prefix="aftersales-chromium-")):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


class Browser(object):
    """A thin layer over Selenium speaking Odoo 11's web client."""

    def __init__(self, driver, url, timeout=30):
        self.driver = driver
        self.url = url
        self.timeout = timeout
        self.console = []  # every browser console entry seen, for the artifacts
        self.pages = []

    # -- waiting and finding

    def wait(self, condition, timeout=None, message=""):
        return WebDriverWait(self.driver, timeout or self.timeout).until(condition, message)

    def find(self, css, timeout=None):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)),
                         timeout, "no visible element %s" % css)

    def find_all(self, css):
        return [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]

    def _click_found(self, locate, timeout=None):
        """Click what ``locate()`` finds. A click caught by an overlay, or on an element
        the web client has just rendered again, is tried again until the timeout."""
        deadline = time.time() + (timeout or self.timeout)
        while True:
            try:
                element = locate()
                element.click()
                return element
            except (ElementClickInterceptedException, StaleElementReferenceException):
                if time.time() > deadline:
                    raise
                time.sleep(0.3)

    def click(self, css, timeout=None):
        return self._click_found(lambda: self.wait(
            EC.element_to_be_clickable((By.CSS_SELECTOR, css)),
            timeout, "nothing clickable at %s" % css), timeout)

    def find_text(self, css, text, timeout=None):
        """The visible element matching ``css`` whose text contains ``text``."""
        def match(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                try:
                    if element.is_displayed() and text in element.text:
                        return element
                except StaleElementReferenceException:
                    continue
            return False
        return self.wait(match, timeout, "no %s with text %r" % (css, text))

    def click_text(self, css, text, timeout=None):
        """Click the visible element matching ``css`` whose text contains ``text``."""
        return self._click_found(lambda: self.find_text(css, text, timeout), timeout)

    def idle(self):
        """Wait until the web client has no RPC in flight and no blocking overlay."""
        time.sleep(0.3)

        def quiet(driver):
            busy = driver.find_elements(By.CSS_SELECTOR, ".o_loading, .blockUI, .oe_blockui")
            try:
                return not any(element.is_displayed() for element in busy)
            except StaleElementReferenceException:
                return False
        self.wait(quiet, message="the web client stayed busy")

    # -- Odoo actions

    def login(self, login, password):
        self.driver.delete_all_cookies()
        self.goto("/web/login")
        self.find("input[name=login]").send_keys(login)
        self.find("input[name=password]").send_keys(password)
        self.click("button[type=submit]")
        self.find(".o_main_navbar, .o_web_client", timeout=90)
        self.idle()
        self.check_console("home of %s" % login)

    def open_menu(self, xmlid):
        """Click a menu of the main navbar, as a person would."""
        self.click("a[data-menu-xmlid='%s']" % xmlid)
        self.find(".o_control_panel")
        self.idle()
        self.check_console("menu %s" % xmlid)

    def open_activities(self, model):
        """Open the activity menu of the systray and the group of ``model``."""
        self.click("li.o_mail_navbar_item > a[title='Activities']")
        self.click(".o_mail_navbar_dropdown .o_mail_channel_preview[data-res_model='%s']"
                   % model)
        self.find(".o_list_view, .o_kanban_view")
        self.idle()
        self.check_console("activities of %s" % model)

    def goto(self, path):
        self.driver.get(self.url + path)
        self.pages.append(path)

    def open_action(self, xmlid):
        self.goto("/web#action=%s" % xmlid)
        self.find(".o_control_panel")
        self.idle()
        self.check_console("action %s" % xmlid)

    def button(self, label, area=".o_statusbar_buttons"):
        """Click the visible button labelled ``label`` (Odoo 11 renders form buttons
        without their method name, so a person's way, by label, is also the only one)."""
        deadline = time.time() + self.timeout
        while True:
            try:
                for element in self.driver.find_elements(By.CSS_SELECTOR, area + " button"):
                    if element.is_displayed() and element.is_enabled() \
                            and element.text.strip() == label:
                        element.click()
                        self.idle()
                        return
            except (ElementClickInterceptedException, StaleElementReferenceException):
                pass
            if time.time() > deadline:
                raise AssertionError("no visible button %r in %s" % (label, area))
            time.sleep(0.3)

    def expect_status(self, value):
        """Wait until the form's status bar shows ``value`` (a selection key) as current."""
        self.find(".o_statusbar_status button.btn-primary[data-value='%s']" % value)

    def open_tab(self, label):
        """Open the notebook page labelled ``label`` of the form."""
        self.click_text(".o_notebook .nav-tabs a", label)

    def smart_button(self, label):
        """Click a smart button of the form's button box by (part of) its label. Odoo
        11's sheet overlaps the box's edge, so the click is dispatched to the button
        itself rather than to a screen position."""
        def match(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, ".oe_button_box button"):
                if element.is_displayed() and label in element.text:
                    return element
            return False
        element = self.wait(match, message="no smart button %r" % label)
        self.driver.execute_script("arguments[0].click();", element)
        self.idle()

    def set_field(self, name, value, scope=""):
        """Type ``value`` in field ``name`` (in ``scope``, e.g. '.modal-dialog')."""
        container = "{0} .o_field_widget[name='{1}'], {0} [name='{1}'] input".format(
            scope, name)
        element = self.find(container)
        if element.tag_name == "select":
            from selenium.webdriver.support.ui import Select
            Select(element).select_by_visible_text(value)
            return
        if element.tag_name not in ("input", "textarea"):
            element = element.find_element(By.CSS_SELECTOR, "input, textarea")
        element.clear()
        element.send_keys(value)

    def set_many2one(self, name, text, scope="", pick=None):
        """Type ``text`` in the many2one field ``name`` and choose the suggestion that
        contains ``pick`` (default: ``text``), as a person picks from the dropdown."""
        element = self.find("{0} .o_field_widget[name='{1}'] input, "
                            "{0} .o_field_widget[name='{1}'].o_input".format(scope, name))
        element.clear()
        element.send_keys(text)
        self.click_text("ul.ui-autocomplete li a", pick or text)
        self.idle()

    def add_line(self, field):
        """Start a new line of the editable one2many list ``field``; its cells are then in
        the scope '.o_selected_row'."""
        self.click("div.o_field_one2many[name='%s'] .o_field_x2many_list_row_add a" % field)
        self.find(".o_selected_row")
        self.idle()

    def search(self, text):
        """Search the current list for ``text`` (the search view's default field)."""
        element = self.find(".o_searchview_input")
        element.send_keys(text)
        element.send_keys(Keys.ENTER)
        self.idle()

    def open_row(self, text):
        """Open the list's record whose row shows ``text``."""
        self.click_text(".o_data_row, .o_kanban_record", text)
        self.find(".o_form_view")
        self.idle()

    def save(self):
        self.click(".o_form_button_save")
        self.idle()
        self.find(".o_form_button_edit")

    # -- console

    def check_console(self, where):
        """No JavaScript error in the console since the last check."""
        entries = self.driver.get_log("browser")
        self.console.extend(dict(entry, page=where) for entry in entries)
        errors = [e for e in entries if e.get("level") == "SEVERE"
                  and "favicon" not in e.get("message", "")]
        assert not errors, "JavaScript errors on %s: %s" % (
            where, "; ".join(e["message"] for e in errors))

    def save_artifacts(self, name):
        """Screenshot and console log for a failed test; returns their paths."""
        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.join(ARTIFACTS, "%s.png" % name)
        log = os.path.join(ARTIFACTS, "%s-console.json" % name)
        try:
            self.driver.save_screenshot(shot)
        except Exception:  # the browser may be gone; keep the console log anyway
            shot = None
        try:
            self.console.extend(self.driver.get_log("browser"))
        except Exception:  # same reason
            pass
        with open(log, "w") as handle:
            json.dump({"pages": self.pages, "console": self.console}, handle, indent=2)
        return shot, log
