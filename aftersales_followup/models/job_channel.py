# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The queue_job channel of the suite's mass work (data/queue_job_data.xml): campaign
letters and satisfaction surveys are written by chunk jobs on it. Its capacity in the
server's [queue_job] channels option is how many chunks run at once over all workers."""

AFTERSALES_CHANNEL = "root.aftersales"
