"""A smoke run of the benchmark on ten articles, so it cannot rot. Benchmarks are not
tests: nothing here asserts a timing, only that every stage ran and reported."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.bench.__main__ import main
from pipelines.bench.measure import run_child
from pipelines.bench.page import FIGURES, measure_page

KEYS = [
    "words_per_s_bare",
    "ratio_extract",
    "ratio_e2e",
    "noop_fraction",
    "incremental_fraction",
    "peak_rss_mb_5",
    "peak_rss_mb_10",
]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    argv = ["--n", "10", "--sizes", "5,10", "--workers", "1", "--workdir", str(tmp / "work")]
    argv += ["--quiet-wait", "0"]  # a test never waits for the machine
    argv += ["--out", str(tmp / "bench.json"), "--markdown", str(tmp / "bench.md")]
    printed = []
    code = main(argv, print_=printed.append)
    return code, "\n".join(printed), tmp


def test_runs_every_stage_and_prints_the_key_line(smoke):
    code, printed, _ = smoke
    assert code == 0
    lines = printed.strip().splitlines()
    pairs = dict(kv.split("=", 1) for kv in lines[-1].split())
    assert list(pairs)[: len(KEYS)] == KEYS
    for key in KEYS:
        assert float(pairs[key]) > 0, key
    for label in ("bare nlp.pipe", "extraction", "cold", "no-op", "+1%", "stage breakdown"):
        assert label in printed


def test_json_report_matches_the_printed_line(smoke):
    _, printed, tmp = smoke
    report = json.loads((tmp / "bench.json").read_text())
    pairs = dict(kv.split("=", 1) for kv in printed.strip().splitlines()[-1].split())
    assert {k: "" if v is None else str(v) for k, v in report["key"].items()} == pairs
    assert report["corpus"]["articles"] == 10
    assert report["corpus"]["added_articles"] == 1
    assert report["config"]["sizes"] == [5, 10]
    assert [m["articles"] for m in report["memory"]] == [5, 10]
    assert set(report["breakdown"]) >= {
        "ingest",
        "validation",
        "parse",
        "rules",
        "parquet",
        "duckdb",
        "reading_room",
        "other",
        "cold_run",
    }
    # The room's size: what opening it reads, and every file it wrote.
    assert report["reading_room"]["files"] > report["corpus"]["articles"]
    assert 0 < report["reading_room"]["first_view_kb"] < 1000 * report["reading_room"]["data_mb"]
    # The cold run's room opened in chromium (make test installs it): every figure measured.
    page = report["reading_room"]["page"]
    assert page["not_measured"] is None
    for figure in FIGURES:
        assert isinstance(page[figure], int | float) and page[figure] > 0, figure
    assert page["first_view_bytes"] < 1e6 * report["reading_room"]["data_mb"]
    assert "reading room in headless chromium, cold run: timeline" in printed
    assert report["machine"]["cores"] == os.cpu_count()
    assert {t["name"] for t in report["targets"]} >= {"ratio_extract", "noop_fraction"}
    assert printed.strip().splitlines()[-1] in (tmp / "bench.md").read_text()


def test_the_runs_built_a_real_warehouse(smoke):
    _, _, tmp = smoke
    # The +1% run was the last one into this warehouse: 10 articles and the 1 added.
    con = duckdb.connect(str(tmp / "work" / "warehouse" / "eventwire.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 11
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    finally:
        con.close()


def test_peak_memory_counts_worker_processes(tmp_path):
    # A child that starts a grandchild holding 64 MB: the tree's peak must include it.
    code = (
        "import multiprocessing as mp, time\n"
        "def hold():\n"
        "    b = bytearray(64 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(1.5)\n"
        "p = mp.Process(target=hold); p.start(); p.join()\n"
    )
    run = run_child(
        [sys.executable, "-c", code],
        env=dict(os.environ),
        cwd=Path.cwd(),
        log_dir=tmp_path,
        name="child",
        interval=0.1,
    )
    assert run.returncode == 0
    assert run.peak_processes == 2
    assert run.peak_rss_mb is not None and run.peak_rss_mb > 64
    assert run.largest_process_rss_mb > 64


def test_without_chromium_the_page_is_not_measured_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on it
    page = measure_page(tmp_path / "index.html", tmp_path / "profile")
    assert {k: page[k] for k in FIGURES} == dict.fromkeys(FIGURES)
    assert "chromium is not installed" in page["not_measured"]
