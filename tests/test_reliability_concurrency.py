"""Issue 8, point 1: the due-call and campaign scheduled actions run by several workers at
the same moment on one database (real PostgreSQL, one connection per process) create
exactly one call per due handover and per targeted customer, one letter per customer, and
every worker finishes without an error in its log.

Four processes are started and held at a barrier until all have loaded the registry:
two run the due-call action over 5,000 fresh handovers in batches of 500, each committed
on its own, so that the two workers' batches interleave; two run the campaign action of a
campaign targeting 1,000 customers (half of them by email, a tenth do-not-call) whose
letter deadline has passed, so that each worker tries to call and letter all of them.
"""
import time

from reliability.common import (CronRun, cleanup, connect, followup_rule_count, load_campaign,
                                load_customers, load_handovers, main_company, new_tag,
                                release_together, reliability_db)

HANDOVERS = 5000
HANDOVER_CUSTOMERS = 1000
CAMPAIGN_CUSTOMERS = 1000
BATCH = 500
DO_NOT_CALL_EVERY = 10
ADMIN = 1


def test_due_calls_and_campaigns_run_by_two_workers_each_at_once(tmp_path):
    db = reliability_db()
    connection = connect(db)
    cr = connection.cursor()
    company_id = main_company(cr)[0]
    loaded = time.time()
    tag = new_tag("conc")
    handover_customers = load_customers(cr, tag + "-h", HANDOVER_CUSTOMERS, company_id, ADMIN,
                                        do_not_call_every=DO_NOT_CALL_EVERY)
    order_ids = load_handovers(cr, tag, HANDOVERS, handover_customers)
    campaign_customers = load_customers(cr, tag + "-c", CAMPAIGN_CUSTOMERS, company_id, ADMIN,
                                        do_not_call_every=DO_NOT_CALL_EVERY, email_every=2)
    campaign_id = load_campaign(cr, tag + "-c", company_id, ADMIN)
    loaded = time.time() - loaded
    rules = followup_rule_count(cr)
    assert rules >= 1, "no follow-up rule applies to a service visit handed over 5 days ago"

    go = str(tmp_path / "go")
    runs = [CronRun(db, job, str(tmp_path), "%s-%d" % (job, n), batch_size=BATCH, barrier=go)
            for job in ("due_calls", "campaigns") for n in (1, 2)]
    try:
        released = release_together(runs, go)
        for run in runs:
            run.wait(timeout=300)
        finished = time.time() - released
    finally:
        for run in runs:
            run.stop()

    # Every worker finished, without an error a user would see in the log.
    for run in runs:
        assert run.returncode == 0, run.describe()
        assert not run.error_lines(), run.describe()
        assert run.result, run.describe()
    # They really ran at the same time: each job's two runs overlapped.
    for job in ("due_calls", "campaigns"):
        first, second = [run.result for run in runs if run.job == job]
        assert max(first["started"], second["started"]) < min(first["ended"], second["ended"]), \
            "the two %s runs did not overlap: %s %s" % (job, first, second)

    # Due calls: exactly one call per handover and rule, none lost, none doubled.
    cr.execute("""
        SELECT count(*), count(DISTINCT (c.sale_order_id, c.rule_id)),
               count(DISTINCT c.sale_order_id),
               count(*) FILTER (WHERE c.state = 'cancelled'),
               count(*) FILTER (WHERE c.state = 'todo')
          FROM aftersales_call c WHERE c.sale_order_id = ANY(%s)
    """, (order_ids,))
    calls, distinct_calls, orders_called, cancelled, todo = cr.fetchone()
    assert (calls, distinct_calls, orders_called) == (HANDOVERS * rules, HANDOVERS * rules,
                                                      HANDOVERS)
    do_not_call_orders = HANDOVERS // DO_NOT_CALL_EVERY  # 5 orders a customer, round-robin
    assert cancelled == do_not_call_orders * rules
    assert todo == calls - cancelled
    _check_activities(cr, "c.sale_order_id = ANY(%s)", order_ids, todo)

    # Campaign: one notice call and one letter per targeted customer, one email each.
    cr.execute("""
        SELECT count(*), count(DISTINCT partner_id),
               count(*) FILTER (WHERE state = 'cancelled'),
               count(*) FILTER (WHERE state = 'todo')
          FROM aftersales_call c WHERE c.campaign_id = %s
    """, (campaign_id,))
    calls, partners_called, cancelled, todo = cr.fetchone()
    assert (calls, partners_called) == (CAMPAIGN_CUSTOMERS, CAMPAIGN_CUSTOMERS)
    assert cancelled == CAMPAIGN_CUSTOMERS // DO_NOT_CALL_EVERY
    assert todo == calls - cancelled
    _check_activities(cr, "c.campaign_id = %s", campaign_id, todo)
    cr.execute("""
        SELECT count(*), count(DISTINCT l.partner_id),
               count(*) FILTER (WHERE l.channel = 'email'),
               count(*) FILTER (WHERE l.channel = 'email' AND l.mail_id IS NOT NULL),
               (SELECT count(*) FROM mail_message msg JOIN mail_mail m
                    ON m.mail_message_id = msg.id
                 WHERE msg.model = 'aftersales.letter'
                   AND msg.res_id IN (SELECT id FROM aftersales_letter
                                       WHERE campaign_id = %(campaign)s)),
               count(*) FILTER (WHERE l.channel = 'post' AND l.body_html IS NOT NULL)
          FROM aftersales_letter l WHERE l.campaign_id = %(campaign)s
    """, {"campaign": campaign_id})
    letters, partners_lettered, emails, emails_queued, mails, posts_rendered = cr.fetchone()
    assert (letters, partners_lettered) == (CAMPAIGN_CUSTOMERS, CAMPAIGN_CUSTOMERS)
    assert emails == CAMPAIGN_CUSTOMERS // 2
    assert emails_queued == mails == emails, "one queued email per email letter"
    assert posts_rendered == letters - emails
    cr.execute("SELECT state FROM aftersales_campaign WHERE id = %s", (campaign_id,))
    assert cr.fetchone()[0] == "done"
    cleanup(cr, handover_customers + campaign_customers, order_ids, [campaign_id])
    connection.close()

    print("\nconcurrency: %d processes at once (2 x due calls, 2 x campaigns), batch %d; "
          "%d handovers -> %d calls, %d campaign customers -> %d calls and %d letters; "
          "data loaded in %.1f s, jobs done %.1f s after the start; runs: %s" % (
              len(runs), BATCH, HANDOVERS, HANDOVERS * rules, CAMPAIGN_CUSTOMERS, calls,
              letters, loaded, finished,
              ", ".join("%s %.2f s" % (run.label, run.result["ended"] - run.result["started"])
                        for run in runs)))


def _check_activities(cr, where, param, todo):
    """Each call to do has exactly one activity; cancelled (do-not-call) calls none."""
    cr.execute("""
        SELECT count(a.id), count(DISTINCT a.res_id),
               count(a.id) FILTER (WHERE c.state != 'todo')
          FROM aftersales_call c
          JOIN mail_activity a ON a.res_model = 'aftersales.call' AND a.res_id = c.id
         WHERE """ + where, (param,))
    activities, calls_with_activity, wrong = cr.fetchone()
    assert (activities, calls_with_activity, wrong) == (todo, todo, 0)
