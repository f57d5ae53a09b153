"""Work in-process on another database without leaking into the test's own environments.

Odoo 11 keeps one set of environments per thread (``api.Environment._local``), shared by
every registry used in that thread, and ``api.Environment.manage()`` does nothing when a set
already exists (pytest-odoo's). Records to recompute on another database then stay in the
shared ``todo`` when a create fails half-way (a refused booking, say), and the next test's
first create on the test database trips over fields its registry does not know
(``TypeError`` in ``get_todo``). A test that opens a cursor on another database does it
inside ``own_environments()``.
"""
import contextlib

from odoo import api


@contextlib.contextmanager
def own_environments():
    """A fresh set of environments for the current thread, the previous one restored."""
    local = api.Environment._local
    saved = getattr(local, "environments", None)
    local.environments = api.Environments()
    try:
        yield
    finally:
        if saved is None:
            del local.environments
        else:
            local.environments = saved
