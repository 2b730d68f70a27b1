"""Shared fixtures: one real materialization of every asset on the shipped raw/ folder. And how
the suite is shared between two pytest-xdist workers (pyproject addopts)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from tests.helpers import RAW, materialize_all, read_all_tables

# The longest modules (a few CPU-minutes between them), started first in this order so that
# the two workers finish close together; every other module follows in the usual order.
LONGEST_FIRST = (
    "tests/bench/test_bench.py",
    "tests/bench/test_bench_scale.py",
    "tests/ingest/test_hostile_input.py",
    "tests/pipeline/test_faults.py",
    "tests/pipeline/test_run_safety.py",
    "tests/store/test_storage_faults.py",
    "tests/orchestration/test_webserver.py",
    "tests/orchestration/test_orchestration.py",
    "tests/pipeline/test_incremental.py",
)
# A worker runs a module's tests together, so the module's fixtures are built once. The tests
# of these modules are long and share nothing costly per module: each goes to whichever
# worker is free.
ONE_BY_ONE = {
    "tests/ingest/test_hostile_input.py",
    "tests/pipeline/test_faults.py",
    "tests/pipeline/test_run_safety.py",
    "tests/store/test_storage_faults.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {module: n for n, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    # xdist's own grouping mark (--dist loadgroup) does nothing under pytest 9, which no longer
    # lets it rename tests; scopes are all the scheduler sees, so the grouping is done here.
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::")[0]
            return nodeid if module in ONE_BY_ONE else module

    return ByModule(config, log)


@pytest.fixture(scope="session")
def shipped_run(tmp_path_factory) -> tuple[dg.ExecuteInProcessResult, Path]:
    warehouse = tmp_path_factory.mktemp("warehouse")
    result = materialize_all(RAW, warehouse)
    assert result.success, "materializing the shipped raw/ folder failed"
    return result, warehouse


@pytest.fixture(scope="session")
def tables(shipped_run) -> dict[str, pl.DataFrame]:
    _, warehouse = shipped_run
    return read_all_tables(warehouse)


@pytest.fixture(scope="session")
def seed(tables) -> dict[str, pl.DataFrame]:
    """The seed article's rows in every table."""
    articles = tables["articles"].filter(pl.col("source_path") == "realist-us-venezuela.txt")
    assert articles.height == 1
    aid = articles["article_id"][0]
    out = {"articles": articles}
    for name in ("events", "claims", "quantities"):
        out[name] = tables[name].filter(pl.col("article_id") == aid)
    return out
