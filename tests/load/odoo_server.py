#!/usr/bin/env python3
"""tools/odoo-bin with two hooks for the load test, both off unless their variable is set:

- ``AFTERSALES_LOAD_CRON_POLL``: seconds between two polls of a cron worker (Odoo 11 waits
  60 s plus up to 9 s, so a short run would see no scheduled action at all);
- ``AFTERSALES_LOAD_TIMINGS``: a directory where every process appends one line per HTTP
  request: start time, the request kind sent by the load tool in ``X-Load-Kind`` (or the
  path), the HTTP status, the seconds the server spent on it. That is the server time of the
  load test's report, measured where the request is answered.

Everything else is Odoo's own command line (``odoo.cli.main``)."""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
# lessc compiles the back office's styles (as tools/odoo-bin does).
LESSC_BIN = os.path.join(ROOT, ".venv", "node", "node_modules", ".bin")
if os.path.isdir(LESSC_BIN):
    os.environ["PATH"] = LESSC_BIN + os.pathsep + os.environ.get("PATH", "")
import odoo_py311  # noqa: E402,F401  (the venv's .pth loads it too)
import odoo  # noqa: E402
import odoo.service.server  # noqa: E402
import odoo.service.wsgi_server  # noqa: E402


def timed(application, directory):
    """``application`` writing each request's server time to ``directory``/<pid>.tsv
    (opened in the process that answers, after the prefork)."""
    files = {}

    def log(line):
        pid = os.getpid()
        out = files.get(pid)
        if out is None:
            out = files[pid] = open(os.path.join(directory, "%d.tsv" % pid), "a")
        out.write(line)
        out.flush()

    def timed_application(environ, start_response):
        started = time.time()
        status = []

        def start(code, headers, exc_info=None):
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, exc_info)
        try:
            return application(environ, start)
        finally:
            kind = environ.get("HTTP_X_LOAD_KIND") or environ.get("PATH_INFO", "")
            log("%.6f\t%s\t%s\t%.6f\t%d\n" % (
                started, kind.replace("\t", " "), status[0] if status else "-",
                time.time() - started, os.getpid()))
    return timed_application


def main():
    poll = os.environ.get("AFTERSALES_LOAD_CRON_POLL")
    if poll:
        odoo.service.server.SLEEP_INTERVAL = int(poll)
    directory = os.environ.get("AFTERSALES_LOAD_TIMINGS")
    if directory:
        os.makedirs(directory, exist_ok=True)
        odoo.service.wsgi_server.application = timed(
            odoo.service.wsgi_server.application, directory)
    odoo.cli.main()


if __name__ == "__main__":
    main()
