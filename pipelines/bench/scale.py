"""`make bench-scale`: what a run costs after extraction, at a corpus size parsing would take
days to reach (default 200,000 articles).

Extraction results are generated (pipelines/bench/scale_corpus.py), not parsed. Then the
steps after the parse run as `eventwire run` runs them (one process, in-process executor):
`extracted_tables` (which finds every article already extracted and reads the results back),
`linked_tables` and `duckdb_warehouse`. Three runs: cold (no table yet), no-op (nothing new),
and +1% (new articles' extraction results added, as extraction would have saved them).

Each run is a child process; its peak memory is its own peak resident set as the kernel
keeps it (VmHWM in /proc/self/status, which the child reads as it ends and prints): the run
has no worker processes, as nothing is parsed. Not ru_maxrss: Linux carries a forked child's
high-water mark over from its parent and across exec, so it would report this process's
size after generating the corpus. The last line printed is

    scale_articles=… post_extract_peak_rss_mb=… cold_nonparse_s=… noop_s=… plus1pct_nonparse_s=…

with the largest of the three peaks, and each run's wall time (Python and Dagster start-up
included, about 3 s).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipelines.bench.measure import ChildRun, run_child
from pipelines.errors import BenchError
from pipelines.extract.incremental import EXTRACT_STATE
from pipelines.extract.nlp import DEFAULT_MODEL
from pipelines.store import TableFiles, state_dir
from schemas import IngestErrors, empty_frame

REPO = Path(__file__).resolve().parents[2]
PEAK_LINE = "bench-scale peak_rss_kb="
# What the post-extract run materializes: everything downstream of ingest.
UPSTREAM = ("fetched_feed_items", "articles", "ingest_errors")
Log = Callable[[str], None]


def seed_warehouse(warehouse: Path, n: int, *, start: int = 0, model: str, log: Log) -> None:
    """Add articles start..start+n-1 to the warehouse as ingest and extraction would have."""
    from pipelines.bench.scale_corpus import generate

    t0 = time.perf_counter()
    corpus = generate(n, start=start, model=model)
    files = TableFiles(warehouse)
    articles = corpus.articles
    if start:
        articles = pl.concat([files.read("articles"), articles])
    files.write("articles", articles)
    if not files.exists("ingest_errors"):
        files.write("ingest_errors", empty_frame(IngestErrors))
    EXTRACT_STATE.store(state_dir(warehouse)).append(corpus.index, corpus.tables)
    rows = {name: df.height for name, df in corpus.tables.items()}
    log(f"generated {n:,} articles from #{start:,} ({rows}) in {time.perf_counter() - t0:.1f} s")


def post_extract_run(warehouse: Path, raw: Path, work: Path, name: str) -> ChildRun:
    """One run of every step after ingest, in a child process of its own."""
    cmd = [sys.executable, "-m", "pipelines.bench.scale", "--child", str(warehouse), str(raw)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVENTWIRE_", "DAGSTER_"))}
    run = run_child(cmd, env=env, cwd=REPO, log_dir=work / "logs", name=name)
    if run.returncode != 0:
        tail = run.stderr.read_text(errors="replace")[-3000:]
        raise BenchError(f"the {name} run failed (exit {run.returncode}); its log ends:\n{tail}")
    return run


def own_peak_mb(run: ChildRun) -> float:
    """The peak the child printed (see child()), else the sampled peak of its process tree."""
    for line in reversed(run.stdout.read_text(errors="replace").splitlines()):
        if line.startswith(PEAK_LINE):
            return int(line.removeprefix(PEAK_LINE)) / 1024
    if run.peak_rss_mb is None:
        raise BenchError("no peak memory: the run printed none and /proc could not be sampled")
    return run.peak_rss_mb


def run_scale(n: int, workdir: Path, *, model: str = DEFAULT_MODEL, log: Log = print) -> dict:
    if n < 100:
        raise BenchError(f"--n {n}: at least 100 articles, so that 1% is one or more")
    warehouse, raw = workdir / "warehouse", workdir / "raw"
    shutil.rmtree(workdir, ignore_errors=True)
    raw.mkdir(parents=True)
    seed_warehouse(warehouse, n, model=model, log=log)
    gc.collect()
    runs: dict[str, ChildRun] = {}
    for name in ("cold", "noop"):
        runs[name] = post_extract_run(warehouse, raw, workdir, name)
        log(_describe(name, runs[name]))
    seed_warehouse(warehouse, n // 100, start=n, model=model, log=log)
    runs["plus1pct"] = post_extract_run(warehouse, raw, workdir, "plus1pct")
    log(_describe("plus1pct", runs["plus1pct"]))
    return {
        "scale_articles": n,
        "post_extract_peak_rss_mb": round(max(own_peak_mb(r) for r in runs.values())),
        "cold_nonparse_s": round(runs["cold"].seconds, 1),
        "noop_s": round(runs["noop"].seconds, 1),
        "plus1pct_nonparse_s": round(runs["plus1pct"].seconds, 1),
        "runs": {
            name: {
                "seconds": round(r.seconds, 2),
                "cpu_seconds": round(r.cpu_seconds, 2),
                "peak_rss_mb": round(own_peak_mb(r), 1),
            }
            for name, r in runs.items()
        },
    }


def key_line(report: dict) -> str:
    keys = ("scale_articles", "post_extract_peak_rss_mb", "cold_nonparse_s", "noop_s")
    return " ".join(f"{k}={report[k]}" for k in (*keys, "plus1pct_nonparse_s"))


def _describe(name: str, run: ChildRun) -> str:
    return (
        f"{name}: {run.seconds:.1f} s, {run.cpu_seconds:.1f} CPU s, "
        f"peak RSS {own_peak_mb(run):.0f} MB"
    )


def child(warehouse: str, raw: str) -> int:
    """The run itself: eventwire_job without ingest, executed as `eventwire run` executes it."""
    import dagster as dg

    from pipelines.definitions import ASSETS

    upstream = {dg.AssetKey(name) for name in UPSTREAM}
    keys = [key for asset in ASSETS for key in asset.keys if key not in upstream]
    job = dg.build_reconstructable_job(
        "pipelines.definitions", "job_for_run", reconstructable_args=(raw, warehouse)
    )
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.execute_job(
            job,
            instance=instance,
            asset_selection=keys,
            raise_on_error=False,
            run_config={"execution": {"config": {"in_process": {}}}},
        )
        failed = [
            e.asset_check_evaluation_data.check_name
            for e in result.all_events
            if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
            and not e.asset_check_evaluation_data.passed
        ]
        ok = result.success and not failed
    if failed:
        print(f"asset checks failed: {failed}", file=sys.stderr)
    _print_own_peak()
    return 0 if ok else 1


def _print_own_peak() -> None:
    try:
        with open("/proc/self/status") as fh:
            hwm = next(line for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return  # not Linux: the parent falls back to its samples
    print(f"{PEAK_LINE}{int(hwm.split()[1])}", flush=True)


def main(argv: list[str] | None = None, print_: Log = print) -> int:
    p = argparse.ArgumentParser(prog="python -m pipelines.bench.scale", description=__doc__)
    p.add_argument("--n", type=int, default=200_000, help="articles (default 200,000)")
    p.add_argument("--workdir", type=Path, help="scratch folder (default: a temporary one)")
    p.add_argument("--out", type=Path, help="write the report as JSON here")
    p.add_argument("--child", nargs=2, metavar=("WAREHOUSE", "RAW"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return child(*args.child)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        try:
            report = run_scale(args.n, args.workdir or Path(tmp) / "work", log=print_)
        except BenchError as err:
            print_(f"bench-scale: {err}")
            return 1
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1) + "\n")
    print_(key_line(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
