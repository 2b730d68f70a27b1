"""How runs behave when something goes wrong or overlaps: which failures are retried, and the
pool and run tag that keep writers to one warehouse from running at the same time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipelines.errors import EventwireError

# Anything unexpected (a network share gone for a minute, a parser
# worker killed for memory) is tried again, waiting longer each time; extraction resumes from
# its last checkpoint, so a retry costs little.
TRANSIENT_RETRIES = dg.RetryPolicy(
    max_retries=2, delay=15, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
# Our own errors say whether they would only repeat (EventwireError.deterministic: a bad
# lexicon, a missing model, a full disk, a bad table); these are DuckDB's: an SQL error in a
# view fails the same way every time.
DETERMINISTIC_SQL_ERRORS = (
    duckdb.BinderException,
    duckdb.ParserException,
    duckdb.CatalogException,
)
# Steps that write the warehouse share one pool; deploy/dagster.yaml limits it to one step at a
# time across runs (the file locks in pipelines/store/locks.py enforce it in any case).
WAREHOUSE_POOL = "eventwire_warehouse"
# Runs that write the warehouse carry this tag; deploy/dagster.yaml queues them one at a time.
WAREHOUSE_RUN_TAGS = {"eventwire/writes": "warehouse"}


@contextmanager
def classified_failures(retries: int, wait_s: float) -> Iterator[None]:
    """An error that asks to be retried later (another run holding the warehouse past the lock
    timeout): retry after wait_s, up to `retries` times. A deterministic error: fail now, no
    retry. Anything else: the step's retry policy decides."""
    try:
        yield
    except EventwireError as err:
        if err.retry_later:
            raise dg.RetryRequested(max_retries=retries, seconds_to_wait=wait_s) from err
        if err.deterministic:
            raise dg.Failure(description=err.describe(), allow_retries=False) from err
        raise
    except DETERMINISTIC_SQL_ERRORS as err:
        raise dg.Failure(description=f"{type(err).__name__}: {err}", allow_retries=False) from err
