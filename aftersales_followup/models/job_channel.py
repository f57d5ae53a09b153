# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The queue_job channel of the suite's mass work (data/queue_job_data.xml): campaign
letters and satisfaction surveys are written by chunk jobs on it. Its capacity in the
server's [queue_job] channels option is how many chunks run at once over all workers."""
import hashlib

AFTERSALES_CHANNEL = "root.aftersales"


def id_chunks(ids, size):
    """``ids`` sorted and cut in chunks of ``size``: [(chunk, digest)], the digest of a
    chunk's ids being part of its job's identity key (the same chunk planned twice is
    one job while the first waits)."""
    ids = sorted(ids)
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
    return [(chunk, hashlib.sha1(",".join(map(str, chunk)).encode()).hexdigest())
            for chunk in chunks]
