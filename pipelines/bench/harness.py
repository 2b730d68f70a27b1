"""The benchmark: how close eventwire comes to the parser's own speed, and in what memory.

One run measures, on the same generated corpus and with the same worker count:
  1. bare `nlp.pipe` over the article texts: the floor;
  2. extraction (parse plus the event, claim and quantity rules) over the same texts;
  3. `eventwire run` from raw files to the DuckDB warehouse, cold, as a child process;
  4. the same run again with nothing new (the no-op);
  5. a run after adding 1% new articles;
  6. peak memory of a cold run at several corpus sizes;
the cold run's reading room opened in headless Chromium (page.py), when chromium is installed;
and a stage breakdown (ingest, parse, rules, link, validation, Parquet, DuckDB) timed in-process on
the plain-Python functions the Dagster assets call.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.bench.corpus import DEFAULT_SEED, write_corpus
from pipelines.bench.measure import ChildRun, CpuClock, Span, run_child, wait_for_quiet
from pipelines.bench.page import measure_page
from pipelines.errors import BenchError
from pipelines.extract.nlp import DEFAULT_BATCH_SIZE

REPO = Path(__file__).resolve().parents[2]
Log = Callable[[str], None]

# The targets; checked and reported, never asserted.
TARGETS = {
    "ratio_extract": (">=", 0.85),
    "ratio_e2e": (">=", 0.7),
    "noop_fraction": ("<=", 0.05),
    "incremental_fraction": ("<=", 0.08),
    "peak_rss_mb_largest": ("<=", 2000.0),
    "peak_rss_growth": ("<", 1.5),
    "cores_busy_extract": (">=", None),  # 90% of the machine's cores, filled in at run time
}


@dataclass
class BenchConfig:
    n: int = 5000
    sizes: list[int] = field(default_factory=list)  # empty: n, 2n and 4n
    workers: int = 0  # parser processes; 0 = automatic, as EVENTWIRE_WORKERS
    batch_size: int = DEFAULT_BATCH_SIZE
    model: str = ""  # empty: the pipeline's default model
    seed: int = DEFAULT_SEED
    repeat: int = 1  # bare parse and extraction alternate this many times; the best counts
    # Before each measurement, wait up to this many seconds for other processes to go quiet:
    # on a shared machine, someone else's test run halves what we can measure.
    quiet_wait: float = 300.0
    workdir: Path | None = None  # default: a new temporary folder, removed afterwards
    keep: bool = False

    @classmethod
    def from_env(cls, **overrides: Any) -> BenchConfig:
        """Defaults from the same environment variables `eventwire run` reads."""
        from pipelines.extract.nlp import DEFAULT_MODEL

        env = os.environ
        cfg = cls(
            workers=int(env.get("EVENTWIRE_WORKERS", "0")),
            batch_size=int(env.get("EVENTWIRE_BATCH_SIZE", DEFAULT_BATCH_SIZE)),
            model=env.get("EVENTWIRE_SPACY_MODEL", DEFAULT_MODEL),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(cfg, key, value)
        return cfg


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def run_benchmark(cfg: BenchConfig, log: Log | None = None) -> dict[str, Any]:
    log = log or (lambda msg: print(f"bench: {msg}", file=sys.stderr, flush=True))
    if cfg.n < 1:
        raise BenchError("the corpus needs at least one article")
    sizes = sorted(set(cfg.sizes or [cfg.n, 2 * cfg.n, 4 * cfg.n]))
    own_workdir = cfg.workdir is None
    work = cfg.workdir or Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report = _run(cfg, sizes, work, log)
        if cfg.keep or not own_workdir:
            report["workdir"] = str(work)
        return report
    finally:
        if own_workdir and not cfg.keep:
            shutil.rmtree(work, ignore_errors=True)


def _run(cfg: BenchConfig, sizes: list[int], work: Path, log: Log) -> dict[str, Any]:
    from pipelines.extract.nlp import resolve_workers

    raw = work / "raw"
    log(f"writing {cfg.n} articles to {raw}")
    clock = CpuClock.now()
    corpus = write_corpus(raw, cfg.n, seed=cfg.seed)
    gen_s = CpuClock.now().since(clock).wall
    workers = resolve_workers(cfg.workers, corpus.words)
    log(f"{corpus.words:,} words in {corpus.files} files ({gen_s:.1f} s); {workers} worker(s)")

    waits: list[float] = []
    inproc = _in_process(
        cfg, raw, work / "warehouse-inprocess", workers, corpus.articles, log, waits
    )
    words = inproc["words"]

    env = _child_env(cfg, workers)
    log("timing Python and Dagster start-up (import pipelines.definitions)")
    _quiet(cfg, log, waits)
    startup = run_child(
        [sys.executable, "-c", "import pipelines.definitions"],
        env=env | {"DAGSTER_HOME": str(work / "dagster-startup")},
        cwd=REPO,
        log_dir=work / "logs",
        name="startup",
    )
    _check(startup, "start-up")

    home = work / "dagster-home"
    warehouse = work / "warehouse"
    log(f"3/6 cold run: eventwire run over {cfg.n} articles")
    _quiet(cfg, log, waits)
    cold = _eventwire_run(raw, warehouse, home, env, work, "cold")
    log(f"    {_describe_run(cold)}")
    page = _open_room(cfg, warehouse, work, log, waits)
    log("4/6 no-op run: the same again, nothing new")
    _quiet(cfg, log, waits)
    noop = _eventwire_run(raw, warehouse, home, env, work, "noop")
    log(f"    {_describe_run(noop)}")
    added = max(1, round(cfg.n / 100))
    write_corpus(raw, added, start=cfg.n, seed=cfg.seed, batch="added")
    log(f"5/6 incremental run: {added} new articles (1%)")
    _quiet(cfg, log, waits)
    incr = _eventwire_run(raw, warehouse, home, env, work, "incremental")
    log(f"    {_describe_run(incr)}")

    memory = []
    for size in sizes:
        if size == cfg.n:
            log(f"6/6 memory: {size} articles is the cold run above")
            run = cold
        else:
            log(f"6/6 memory: cold run over {size} articles")
            size_raw = work / f"raw-{size}"
            write_corpus(size_raw, size, seed=cfg.seed)
            _quiet(cfg, log, waits)
            run = _eventwire_run(
                size_raw,
                work / f"warehouse-{size}",
                work / f"dagster-{size}",
                env,
                work,
                f"size-{size}",
            )
            shutil.rmtree(size_raw, ignore_errors=True)
            log(f"    {_describe_run(run)}")
        memory.append({"articles": size, **_child_figures(run)})

    runs = {"startup": startup, "cold": cold, "noop": noop, "incremental": incr}
    corpus_info = {
        "articles": corpus.articles,
        "words": words,
        "files": corpus.files,
        "formats": dict(sorted(corpus.formats.items())),
        "generate_seconds": round(gen_s, 2),
        "added_articles": added,
        "rows": inproc["rows"],
        "quiet_waits_seconds": waits,
    }
    return _report(cfg, sizes, workers, corpus_info, inproc, runs, memory, page)


def _open_room(
    cfg: BenchConfig, warehouse: Path, work: Path, log: Log, waits: list[float]
) -> dict[str, Any]:
    """The cold run's reading room in headless Chromium, as a reader opens it."""
    from pipelines.report import ROOM_INDEX

    log("    opening the cold run's reading room in headless chromium")
    _quiet(cfg, log, waits)
    page = measure_page(warehouse / ROOM_INDEX, work / "chromium-profile", log)
    if page["not_measured"]:
        log(f"    not measured: {page['not_measured']}")
    else:
        log(f"    {describe_page(page)}")
    return page


def describe_page(page: dict[str, Any]) -> str:
    if page["not_measured"]:
        return f"not measured: {page['not_measured']}"

    def s(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f} s"

    return (
        f"timeline {s(page['first_view_s'])}, an article {s(page['article_s'])}, "
        f"a filter {s(page['filter_s'])}; the first view read "
        f"{page['first_view_bytes'] / 1e3:,.0f} kB in {page['first_view_files']} files"
    )


def _in_process(
    cfg: BenchConfig,
    raw: Path,
    warehouse: Path,
    workers: int,
    expected: int,
    log: Log,
    waits: list[float],
) -> dict[str, Any]:
    """Stages 1 and 2, and the stage breakdown, on the plain-Python functions the assets call."""
    from pipelines.extract import ArticleInput, extract_articles
    from pipelines.extract.extraction_errors import extraction_errors
    from pipelines.extract.nlp import load_nlp, parse
    from pipelines.ingest import read_raw_folder
    from pipelines.link import cluster_claims, cluster_events
    from pipelines.report import build_reading_room
    from pipelines.store import build_warehouse, write_table
    from schemas import TABLES, Articles, IngestErrors, validate_table

    t: dict[str, float] = {}
    log("ingest: read_raw_folder")
    clock = CpuClock.now()
    ingested = read_raw_folder(raw)
    t["ingest"] = CpuClock.now().since(clock).wall
    if ingested.articles.height != expected or ingested.errors.height or ingested.duplicates:
        raise BenchError(
            f"the corpus should read as {expected} distinct articles without errors; got "
            f"{ingested.articles.height} articles, {ingested.duplicates} duplicates and "
            f"{ingested.errors.height} errors"
        )
    clock = CpuClock.now()
    articles = validate_table("articles", Articles, ingested.articles)
    errors = validate_table("ingest_errors", IngestErrors, ingested.errors)
    validation = CpuClock.now().since(clock).wall

    # The same inputs the extract asset builds: English articles, dateline offsets kept.
    english = articles.filter(pl.col("language") == "en")
    inputs = [
        ArticleInput(
            article_id=row["article_id"],
            text=row["text"],
            published_date=row["published_date"],
            outlet=row["outlet"],
            body_start=row["body_start"],
            dateline=row["dateline"],
        )
        for row in english.iter_rows(named=True)
    ]
    # extract_articles blanks the dateline for the parser; the floor parses exactly that text.
    texts = [" " * a.body_start + a.text[a.body_start :] for a in inputs]
    words = sum(len(a.text.split()) for a in inputs)

    clock = CpuClock.now()
    load_nlp(cfg.model)
    t["model_load"] = CpuClock.now().since(clock).wall

    bare: list[Span] = []
    extract: list[Span] = []
    result = None
    for round_ in range(cfg.repeat):
        suffix = f" (round {round_ + 1} of {cfg.repeat})" if cfg.repeat > 1 else ""
        log(f"1/6 bare nlp.pipe over {len(texts)} texts{suffix}")
        _quiet(cfg, log, waits)
        clock = CpuClock.now()
        for _doc in parse(texts, model=cfg.model, n_process=workers, batch_size=cfg.batch_size):
            pass
        bare.append(CpuClock.now().since(clock))
        log(f"    {_describe(bare[-1], words)}")
        log(f"2/6 extraction over the same texts{suffix}")
        _quiet(cfg, log, waits)
        result = None
        gc.collect()
        clock = CpuClock.now()
        result = extract_articles(
            inputs, model=cfg.model, n_process=workers, batch_size=cfg.batch_size
        )
        extract.append(CpuClock.now().since(clock))
        log(f"    {_describe(extract[-1], words)}")
    assert result is not None
    best_bare = min(bare, key=lambda sp: sp.wall)
    best_extract = min(extract, key=lambda sp: sp.wall)

    tables = {
        "articles": articles,
        "ingest_errors": errors,
        "events": result.events,
        "claims": result.claims,
        "quantities": result.quantities,
        "actors": result.actors,
        "extraction_errors": extraction_errors(result.failures, dt.datetime.now(dt.UTC)),
    }
    clock = CpuClock.now()
    tables["claims"], tables["claim_clusters"] = cluster_claims(result.claims, articles)
    tables["events"], tables["event_clusters"] = cluster_events(
        result.events, tables["claims"], articles
    )
    t["link"] = CpuClock.now().since(clock).wall
    clock = CpuClock.now()
    for name in ("events", "claims", "quantities", "actors", "event_clusters", "claim_clusters"):
        tables[name] = validate_table(name, TABLES[name], tables[name])
    validation += CpuClock.now().since(clock).wall
    clock = CpuClock.now()
    for name, df in tables.items():
        write_table(warehouse, name, df)
    t["parquet"] = CpuClock.now().since(clock).wall
    clock = CpuClock.now()
    build_warehouse(warehouse, list(TABLES))
    t["duckdb"] = CpuClock.now().since(clock).wall
    rows = {name: df.height for name, df in tables.items()}
    del tables, result, inputs, texts, ingested, articles, english
    gc.collect()
    clock = CpuClock.now()
    room = build_reading_room(warehouse)
    t["reading_room"] = CpuClock.now().since(clock).wall
    return {
        "words": words,
        "bare": best_bare,
        "extract": best_extract,
        "bare_all": [sp.wall for sp in bare],
        "extract_all": [sp.wall for sp in extract],
        "ingest": t["ingest"],
        "validation": validation,
        "link": t["link"],
        "parquet": t["parquet"],
        "duckdb": t["duckdb"],
        "reading_room": t["reading_room"],
        "room": {
            "files": room.files,
            "data_mb": round(room.data_bytes / 1e6, 2),
            # What opening the page reads: index.html, index.js and the latest days.
            "first_view_kb": round(room.index_bytes / 1e3, 1),
        },
        "model_load": t["model_load"],
        "rows": rows,
    }


def _quiet(cfg: BenchConfig, log: Log, waits: list[float]) -> None:
    waited, quiet = wait_for_quiet(cfg.quiet_wait)
    waits.append(round(waited, 1))
    if cfg.quiet_wait > 0 and not quiet:
        log(f"    other processes still busy after {waited:.0f} s; measuring anyway")
    elif waited > 10:
        log(f"    waited {waited:.0f} s for other processes to go quiet")


def _describe(span: Span, words: int) -> str:
    others = "" if span.others is None else f", other processes {span.others:.2f} cores"
    return (
        f"{span.wall:.1f} s, {words / span.wall:,.0f} words/s, {span.busy:.2f} cores busy{others}"
    )


def _child_env(cfg: BenchConfig, workers: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("EVENTWIRE_RAW_DIR", "EVENTWIRE_WAREHOUSE_DIR", "DAGSTER_HOME")
    }
    env.update(
        EVENTWIRE_WORKERS=str(workers),
        EVENTWIRE_BATCH_SIZE=str(cfg.batch_size),
        EVENTWIRE_SPACY_MODEL=cfg.model,
    )
    return env


def _eventwire_run(
    raw: Path, warehouse: Path, home: Path, env: dict[str, str], work: Path, name: str
) -> ChildRun:
    # A Dagster home of its own, as `make run` has: run history is written, as it is for users,
    # without filling the project's UI history with benchmark runs.
    home.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--raw", str(raw)]
    cmd += ["--warehouse", str(warehouse)]
    run = run_child(
        cmd, env=env | {"DAGSTER_HOME": str(home)}, cwd=REPO, log_dir=work / "logs", name=name
    )
    _check(run, f"eventwire run ({name})")
    return run


def _describe_run(run: ChildRun) -> str:
    others = "" if run.others_busy is None else f", other processes {run.others_busy:.2f} cores"
    rss = "" if run.peak_rss_mb is None else f", peak RSS {run.peak_rss_mb:,.0f} MB"
    return f"{run.seconds:.1f} s, {run.cores_busy:.2f} cores busy{rss}{others}"


def _check(run: ChildRun, what: str) -> None:
    if run.returncode != 0:
        tail = run.stderr.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise BenchError(f"{what} exited with {run.returncode}:\n{tail}")


def _child_figures(run: ChildRun) -> dict[str, Any]:
    return {
        "seconds": round(run.seconds, 2),
        "cpu_seconds": round(run.cpu_seconds, 2),
        "cores_busy": round(run.cores_busy, 2),
        "peak_rss_mb": _r(run.peak_rss_mb, 0),
        "peak_pss_mb": _r(run.peak_pss_mb, 0),
        "largest_process_rss_mb": round(run.largest_process_rss_mb),
        "peak_processes": run.peak_processes,
        "others_busy": _r(run.others_busy, 2),
        "at_peak": run.at_peak,
    }


def _r(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def machine() -> dict[str, Any]:
    import spacy

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem_gib,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "polars": pl.__version__,
        "commit": _git_commit(),
    }


def _git_commit() -> str | None:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
    except OSError:
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def _report(
    cfg: BenchConfig,
    sizes: list[int],
    workers: int,
    corpus: dict[str, Any],
    inproc: dict[str, Any],
    runs: dict[str, ChildRun],
    memory: list[dict[str, Any]],
    page: dict[str, Any],
) -> dict[str, Any]:
    words = corpus["words"]
    startup, cold, noop, incr = (runs[k] for k in ("startup", "cold", "noop", "incremental"))
    bare: Span = inproc["bare"]
    extract: Span = inproc["extract"]
    bare_s, extract_s = bare.wall, extract.wall
    parts = {
        "ingest": inproc["ingest"],
        "validation": inproc["validation"],
        "parse": bare_s,
        "rules": extract_s - bare_s,
        "link": inproc["link"],
        "parquet": inproc["parquet"],
        "duckdb": inproc["duckdb"],
        "reading_room": inproc["reading_room"],
    }
    breakdown = {k: round(v, 2) for k, v in parts.items()}
    breakdown["other"] = round(cold.seconds - sum(parts.values()), 2)
    breakdown["cold_run"] = round(cold.seconds, 2)
    breakdown["startup"] = round(startup.seconds, 2)
    breakdown["model_load"] = round(inproc["model_load"], 2)

    key: dict[str, Any] = {
        "words_per_s_bare": round(words / bare_s),
        "ratio_extract": round(bare_s / extract_s, 3),
        "ratio_e2e": round(bare_s / cold.seconds, 3),
        "noop_fraction": round(noop.seconds / cold.seconds, 3),
        "incremental_fraction": round(incr.seconds / cold.seconds, 3),
    }
    for m in memory:
        key[f"peak_rss_mb_{size_label(m['articles'])}"] = m["peak_rss_mb"]
    first, last = memory[0]["peak_rss_mb"], memory[-1]["peak_rss_mb"]
    key["peak_rss_growth"] = round(last / first, 3) if first and last and len(memory) > 1 else None
    key["workers"] = workers
    key["cores_busy_extract"] = round(extract.busy, 2)
    # The same ratios in CPU seconds: much steadier when other work shares the machine, but
    # blind to lost parallelism (a worker idling while the main process runs the rules).
    bare_cpu, extract_cpu = bare.busy * bare.wall, extract.busy * extract.wall
    key["ratio_extract_cpu"] = round(bare_cpu / extract_cpu, 3) if extract_cpu else None
    key["ratio_e2e_cpu"] = round(bare_cpu / cold.cpu_seconds, 3) if cold.cpu_seconds else None

    cores = os.cpu_count() or 1
    values = dict(key, peak_rss_mb_largest=last)
    targets = []
    for name, (op, limit) in TARGETS.items():
        if name == "cores_busy_extract":
            limit = round(0.9 * cores, 2)
        value = values.get(name)
        met = None
        if value is not None:
            met = {"<=": value <= limit, "<": value < limit, ">=": value >= limit}[op]
        targets.append({"name": name, "value": value, "target": f"{op} {limit:g}", "met": met})

    def stage(seconds: float, **extra: Any) -> dict[str, Any]:
        return {"seconds": round(seconds, 2), "words_per_s": round(words / seconds)} | extra

    return {
        "config": {
            "articles": cfg.n,
            "sizes": sizes,
            "workers_setting": cfg.workers,
            "workers": workers,
            "batch_size": cfg.batch_size,
            "model": cfg.model,
            "seed": cfg.seed,
            "repeat": cfg.repeat,
            "quiet_wait": cfg.quiet_wait,
        },
        "machine": machine(),
        "corpus": corpus,
        "stages": {
            "bare_parse": stage(
                bare_s,
                cores_busy=round(bare.busy, 2),
                cpu_seconds=round(bare.busy * bare.wall, 2),
                others_busy=_r(bare.others, 2),
                all_seconds=[round(x, 2) for x in inproc["bare_all"]],
            ),
            "extract": stage(
                extract_s,
                cores_busy=round(extract.busy, 2),
                cpu_seconds=round(extract.busy * extract.wall, 2),
                others_busy=_r(extract.others, 2),
                all_seconds=[round(x, 2) for x in inproc["extract_all"]],
            ),
            "e2e_cold": {"words_per_s": round(words / cold.seconds), **_child_figures(cold)},
            "e2e_noop": _child_figures(noop),
            "e2e_incremental": _child_figures(incr),
        },
        "memory": memory,
        "reading_room": inproc["room"]
        | {"seconds": round(inproc["reading_room"], 2), "page": page},
        "breakdown": breakdown,
        "key": key,
        "targets": targets,
    }


def key_line(report: dict[str, Any]) -> str:
    return " ".join(f"{k}={'' if v is None else v}" for k, v in report["key"].items())


def write_json(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
