"""How runs behave when something goes wrong or overlaps: retries for transient failures, and
the pool and run tag that keep writers to one warehouse from running at the same time."""

import dagster as dg

# A network blip, a full disk being cleaned, a parser worker killed: try again, waiting longer
# each time. Bad data raises dg.Failure(allow_retries=False) and is never retried.
TRANSIENT_RETRIES = dg.RetryPolicy(
    max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
# Steps that write the warehouse share one pool; deploy/dagster.yaml limits it to one step at a
# time across runs (the file locks in pipelines/store/locks.py enforce it in any case).
WAREHOUSE_POOL = "eventwire_warehouse"
# Runs that write the warehouse carry this tag; deploy/dagster.yaml queues them one at a time.
WAREHOUSE_RUN_TAGS = {"eventwire/writes": "warehouse"}
