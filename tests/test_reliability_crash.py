"""Issue 8, point 2: a due-call run over 20,000 handovers killed (SIGKILL) half-way leaves
whole batches only, and the next run completes the rest: as many calls as due handovers,
no duplicate, every call to do with its activity, none for do-not-call customers.

The run works in batches of 1,000, each committed on its own (calls and their activities
are written by one statement per batch). The test polls the committed calls from another
connection and kills the worker as soon as half of them are there.
"""
import os
import signal
import time

from reliability.common import (CronRun, cleanup, connect, followup_rule_count, load_customers,
                                load_handovers, main_company, new_tag, reliability_db)

HANDOVERS = 20000
CUSTOMERS = 4000
BATCH = 1000
DO_NOT_CALL_EVERY = 10
ADMIN = 1


def _committed(cr, first, last):
    """Calls committed for the orders with ids in [first, last] (the test's own)."""
    cr.execute("SELECT count(*) FROM aftersales_call WHERE sale_order_id BETWEEN %s AND %s",
               (first, last))
    return cr.fetchone()[0]


def test_run_killed_half_way_is_completed_by_the_next_run(tmp_path):
    db = reliability_db()
    connection = connect(db)
    cr = connection.cursor()
    company_id = main_company(cr)[0]
    tag = new_tag("crash")
    customers = load_customers(cr, tag, CUSTOMERS, company_id, ADMIN,
                               do_not_call_every=DO_NOT_CALL_EVERY)
    order_ids = load_handovers(cr, tag, HANDOVERS, customers)
    assert order_ids[-1] - order_ids[0] + 1 == HANDOVERS, "the orders' ids are one range"
    first, last = order_ids[0], order_ids[-1]
    rules = followup_rule_count(cr)
    assert rules >= 1
    expected = HANDOVERS * rules

    # First run: killed half-way, as soon as half of the calls are committed (the
    # worker is then in the middle of the next batch).
    killed = CronRun(db, "due_calls", str(tmp_path), "killed", batch_size=BATCH)
    started = time.time()
    try:
        seen, kill_time = 0, None
        while killed.process.poll() is None and time.time() - started < 180:
            seen = _committed(cr, first, last)
            if seen >= expected // 2:
                os.kill(killed.pid, signal.SIGKILL)
                kill_time = time.time() - started
                break
            time.sleep(0.005)
        killed.wait(timeout=60)
    finally:
        killed.stop()
    assert killed.returncode == -signal.SIGKILL, \
        "the worker was not killed half-way (the run ended first?):\n" + killed.describe()
    # The killed worker's server process may still finish the statement it was running
    # and roll it back (or commit, if the COMMIT was already sent): wait until it is gone.
    deadline = time.time() + 30
    while time.time() < deadline:
        cr.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                   "AND pid != pg_backend_pid()", (db,))
        if not cr.fetchone()[0]:
            break
        time.sleep(0.05)
    after_kill = _committed(cr, first, last)
    assert 0 < after_kill < expected, "killed half-way: some but not all calls committed"
    _check_whole_batches(cr, order_ids, rules)

    # Second run: completes the rest.
    resumed = CronRun(db, "due_calls", str(tmp_path), "resumed", batch_size=BATCH)
    try:
        resumed.wait(timeout=300)
    finally:
        resumed.stop()
    assert resumed.returncode == 0, resumed.describe()
    assert not resumed.error_lines(), resumed.describe()
    assert resumed.result["result"]["created"] >= expected - after_kill, resumed.describe()

    cr.execute("""
        SELECT count(*), count(DISTINCT (sale_order_id, rule_id)),
               count(DISTINCT sale_order_id),
               count(*) FILTER (WHERE state = 'cancelled'),
               count(*) FILTER (WHERE state = 'cancelled' AND notes ILIKE '%%do-not-call%%')
          FROM aftersales_call WHERE sale_order_id = ANY(%s)
    """, (order_ids,))
    calls, distinct_calls, orders_called, cancelled, cancelled_with_reason = cr.fetchone()
    assert calls == distinct_calls == expected, "total calls = due handovers, no duplicate"
    assert orders_called == HANDOVERS
    assert cancelled == cancelled_with_reason == HANDOVERS // DO_NOT_CALL_EVERY * rules
    _check_whole_batches(cr, order_ids, rules)
    cr.execute("""
        SELECT count(*) FROM aftersales_call c
          JOIN res_partner p ON p.id = c.partner_id
         WHERE c.sale_order_id = ANY(%s) AND p.do_not_call AND c.state != 'cancelled'
    """, (order_ids,))
    assert cr.fetchone()[0] == 0, "no call to do for a do-not-call customer"
    cleanup(cr, customers, order_ids)
    connection.close()
    print("\ncrash: %d due handovers, batch %d; SIGKILL at %d committed calls "
          "(%d once the killed transaction was gone), %.1f s after the start (registry load "
          "included); the next run created "
          "the other %d in %.2f s; %d calls in all, no duplicate" % (
              HANDOVERS, BATCH, seen, after_kill, kill_time, expected - after_kill,
              resumed.result["ended"] - resumed.result["started"], calls))


def _check_whole_batches(cr, order_ids, rules):
    """No half-written batch: every call to do has exactly one activity, no cancelled
    (do-not-call) call has one, no activity points to a missing call, and the orders called
    so far are exactly the first ones (batches go in order id order)."""
    cr.execute("""
        SELECT count(*) FILTER (WHERE c.state = 'todo'),
               count(*) FILTER (WHERE c.state = 'todo' AND a.n = 1),
               count(*) FILTER (WHERE c.state != 'todo' AND a.n > 0)
          FROM aftersales_call c
          LEFT JOIN LATERAL (SELECT count(*) AS n FROM mail_activity x
                              WHERE x.res_model = 'aftersales.call' AND x.res_id = c.id) a
            ON TRUE
         WHERE c.sale_order_id = ANY(%s)
    """, (order_ids,))
    todo, todo_with_one_activity, others_with_activity = cr.fetchone()
    assert todo == todo_with_one_activity, "a call to do without (or with two) activities"
    assert others_with_activity == 0, "an activity for a do-not-call customer's call"
    cr.execute("""
        SELECT count(*) FROM mail_activity a
         WHERE a.res_model = 'aftersales.call'
           AND NOT EXISTS (SELECT 1 FROM aftersales_call c WHERE c.id = a.res_id)
    """)
    assert cr.fetchone()[0] == 0, "an activity without its call"
    cr.execute("""
        SELECT max(so.id) FILTER (WHERE c.n > 0), min(so.id) FILTER (WHERE c.n = 0),
               count(*) FILTER (WHERE c.n NOT IN (0, %s))
          FROM sale_order so
          JOIN LATERAL (SELECT count(*) AS n FROM aftersales_call x
                         WHERE x.sale_order_id = so.id) c ON TRUE
         WHERE so.id = ANY(%s)
    """, (rules, order_ids))
    last_called, first_uncalled, partial = cr.fetchone()
    assert partial == 0, "an order with some of its calls only"
    assert first_uncalled is None or last_called is None or last_called < first_uncalled, \
        "the orders called are not the first ones: a batch was left half-written"
