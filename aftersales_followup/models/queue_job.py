# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.tools import config

from .job_channel import AFTERSALES_CHANNEL

# Added to the longest a job's request may run before its worker is killed, before a
# job still marked started is taken for dead.
DEAD_JOB_MARGIN = 60
# The least time a job must have been started, whatever the server's limit (a threaded
# server has none).
DEAD_JOB_MINIMUM = 300


class QueueJob(models.Model):
    """The suite's chunk jobs whose worker died (killed, out of memory, the host lost)
    are run again. queue_job 11 leaves such a job ``started`` for ever: its runner
    resets them only when it starts, and its own scheduled action requeues stuck
    ``enqueued`` jobs, not started ones, since a job of another addon may not be safe
    to run twice. Ours are: a chunk is one transaction, rolled back with its worker,
    and the register's unique indexes make a second run add and send nothing twice."""
    _inherit = "queue.job"

    @api.model
    def _aftersales_dead_job_seconds(self):
        """How long a job of the suite must have been started to be taken for dead: a
        prefork worker is killed once its request runs longer than limit_time_real."""
        limit = int(config.get("limit_time_real") or 0)
        return max(limit + DEAD_JOB_MARGIN, DEAD_JOB_MINIMUM)

    @api.model
    def _aftersales_requeue_dead_jobs(self, now=None):
        """Requeue the suite's jobs started longer ago than a request may live
        (scheduled action "After-sales: run again the jobs of dead workers"); returns
        them. Jobs handed to a worker that never started them (``enqueued``) are
        queue_job's own scheduled action's (Jobs Garbage Collector)."""
        now = now or datetime.utcnow()
        deadline = fields.Datetime.to_string(
            now - timedelta(seconds=self._aftersales_dead_job_seconds()))
        jobs = self.search([
            "|", ("channel", "=", AFTERSALES_CHANNEL),
            ("channel", "=like", AFTERSALES_CHANNEL + ".%"),
            ("state", "=", "started"), ("date_started", "<=", deadline),
        ])
        jobs.requeue()
        return jobs
