"""The `eventwire` command: run the pipeline through Dagster, query the warehouse, export."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.processes import die_with_parent

if TYPE_CHECKING:
    import polars as pl

EXAMPLE_QUERIES = [
    (
        "Timeline of asserted events",
        "SELECT event_date, event_type, actor1_text, trigger, actor2_text "
        "FROM event_timeline WHERE modality = 'asserted' LIMIT 20",
    ),
    (
        "Events that rest only on anonymous sources, in every outlet that carried them",
        "SELECT e.event_type, e.trigger, c.speaker_text, c.reported_via, k.outlets "
        "FROM events e JOIN claims c USING (claim_id) JOIN event_clusters k USING (cluster_id) "
        "WHERE k.anonymous_only",
    ),
]


def main(argv: list[str] | None = None) -> int:
    """The command line. Invoked as the `eventwire` command (argv None) on Linux, `run` goes
    through a supervisor process (see `supervised`); called with argv (tests), it runs here."""
    parser = argparse.ArgumentParser(
        prog="eventwire", description="News articles to tables of events and claims."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="materialize every asset: raw/ -> warehouse/")
    run_p.add_argument("--raw", help="raw folder (default $EVENTWIRE_RAW_DIR or ./raw)")
    run_p.add_argument(
        "--warehouse", help="warehouse folder (default $EVENTWIRE_WAREHOUSE_DIR or ./warehouse)"
    )
    sql_p = sub.add_parser("sql", help="run a read-only SQL query on the warehouse")
    sql_p.add_argument("query", help='e.g. "SELECT event_type, count(*) FROM events GROUP BY 1"')
    sql_p.add_argument("--warehouse", help="warehouse folder (default ./warehouse)")
    sql_p.add_argument(
        "--format",
        choices=SQL_FORMATS,
        default="table",
        help="table (default), or csv, json, markdown: every row and whole values",
    )
    sql_p.add_argument(
        "--wide",
        action="store_true",
        help="table format: every column and whole strings, however wide the lines get",
    )
    exp_p = sub.add_parser("export", help="write events for other tools (PLOVER JSONL, ACLED CSV)")
    exp_p.add_argument("--format", required=True, choices=["plover", "acled"])
    exp_p.add_argument(
        "--out", help="output file, or - for stdout (default <warehouse>/exports/events-<format>.*)"
    )
    exp_p.add_argument("--warehouse", help="warehouse folder (default ./warehouse)")
    args = parser.parse_args(argv)
    if args.command == "run":
        if argv is None and sys.platform == "linux":
            return supervised(lambda: run(args.raw, args.warehouse))
        return run(args.raw, args.warehouse)
    if args.command == "export":
        return export(args.format, args.out, args.warehouse)
    return sql(args.query, args.warehouse, args.format, args.wide)


def supervised(work: Callable[[], int]) -> int:
    """Run `work` in a child process, so that SIGTERM or SIGINT stops the run within a second
    wherever it is. Dagster defers those signals while a step runs (extraction went on for
    minutes after a SIGTERM), and no handler in the run's own process can be relied on.

    On SIGTERM or SIGINT the supervisor kills the run with SIGKILL, which every stage is built
    to survive (docs/reliability.md): the previous warehouse stays whole and the next run
    resumes from the last checkpoint. The run dies with the supervisor however the supervisor
    dies, and the parser workers with the run (both by PR_SET_PDEATHSIG). The supervisor ends
    as the run ended: the same exit code, or the same signal."""
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child == 0:
        code = 1
        try:
            die_with_parent(parent)
            code = work()
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    stopped_by: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        if not stopped_by:
            stopped_by.append(signum)
            print(
                f"eventwire: {signal.Signals(signum).name} received: stopping the run. The "
                "warehouse from the last complete run is unchanged; the next run resumes",
                file=sys.stderr,
            )
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _, status = os.waitpid(child, 0)  # retried by Python after the handler runs (PEP 475)
    signum = stopped_by[0] if stopped_by else None
    if signum is None and os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)  # killed (by a fault point, the OOM killer): say so alike
    if signum is not None:
        if signum != signal.SIGKILL:
            signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return 128 + signum  # only if the signal was blocked
    return os.waitstatus_to_exitcode(status)


def dagster_home() -> Path | None:
    """Where runs are recorded: $DAGSTER_HOME, else the checkout's .dagster/, the home
    `make run` and `make ui` use, so every run shows in one history in the UI. None (no
    history kept) when DAGSTER_HOME is unset and EVENTWIRE_RUN_HISTORY=off (test and
    evaluation runs), or when eventwire is installed without its checkout."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        checkout = Path(__file__).resolve().parent.parent
        settings = checkout / "deploy" / "dagster.yaml"
        if os.environ.get("EVENTWIRE_RUN_HISTORY", "on") == "off" or not settings.is_file():
            return None
        home = str(checkout / ".dagster")
        if not (Path(home) / "dagster.yaml").is_file():
            # What the Makefile does too: the run queue and pool limits, copied once.
            Path(home).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(settings, Path(home) / "dagster.yaml")
    Path(home).mkdir(parents=True, exist_ok=True)
    return Path(home)


def run(raw: str | None, warehouse: str | None) -> int:
    # Imported here so `eventwire sql` starts fast and never loads Dagster or spaCy.
    import dagster as dg

    from pipelines.defs.executors import ExecutorSettings
    from pipelines.defs.resources import EventwireSettings
    from pipelines.errors import EventwireError
    from pipelines.store.locks import warehouse_lock

    settings = EventwireSettings.from_env(raw, warehouse)
    if not Path(settings.raw_dir).is_dir():
        print(f"eventwire: raw folder {settings.raw_dir} does not exist", file=sys.stderr)
        return 2
    executor = ExecutorSettings.from_env()
    home = dagster_home()
    # With a home, runs show in the UI's history. Dask's workers read the run's events from
    # the instance, so without a home they get a temporary one on disk.
    held = contextlib.ExitStack()
    if home:
        instance = dg.DagsterInstance.from_config(str(home))
    elif executor.in_run_process:
        instance = dg.DagsterInstance.ephemeral()
    else:
        temp_home = held.enter_context(tempfile.TemporaryDirectory(prefix="eventwire-dagster-"))
        instance = dg.DagsterInstance.local_temp(temp_home)
    print(f"eventwire: reading {settings.raw_dir} into {settings.warehouse_dir}", file=sys.stderr)
    # execute_job, not job.execute_in_process: the latter keeps every asset's output (all the
    # tables) in memory until the run ends, about 430 MB at 20,000 articles. The steps run
    # one after another in this process all the same.
    job = dg.build_reconstructable_job(
        "pipelines.definitions",
        "job_for_run",
        reconstructable_args=(settings.raw_dir, settings.warehouse_dir),
    )
    with held:
        held.enter_context(instance)
        # One run at a time per warehouse, from its first write to its last: stage locks
        # alone let a second run's articles meet the first run's events in one DuckDB build.
        try:
            held.enter_context(
                warehouse_lock(settings.warehouse_dir, "run", settings.lock_timeout_s)
            )
        except EventwireError as err:
            print(f"eventwire: the run did not start: {err.describe()}", file=sys.stderr)
            return 1
        result = held.enter_context(
            dg.execute_job(
                job,
                instance=instance,
                raise_on_error=False,
                run_config={
                    **(
                        {"execution": {"config": {"in_process": {}}}}
                        if executor.in_run_process
                        else {}
                    ),
                    "loggers": {"console": {"config": {"log_level": "INFO"}}},
                },
            )
        )
        return _report_run(result, settings.warehouse_dir)


def _report_run(result, warehouse_dir: str) -> int:
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure and event.step_failure_data:
                err = event.step_failure_data.error
                message = err.message if err else "unknown error"
                user = event.step_failure_data.user_failure_data
                if user and user.description:
                    message = user.description
                print(f"eventwire: step {event.step_key} failed: {message}", file=sys.stderr)
        return 1
    from pipelines.defs.warehouse import READING_ROOM_ERROR

    accounting = {}
    for mat in result.asset_materializations_for_node("raw_articles"):
        if mat.asset_key.path == ["articles"]:
            accounting = {k: v.value for k, v in mat.metadata.items()}
    room_error = None
    for mat in result.asset_materializations_for_node("duckdb_warehouse"):
        if mat.asset_key.path == ["warehouse", "events"] and READING_ROOM_ERROR in mat.metadata:
            room_error = mat.metadata[READING_ROOM_ERROR].value
    print_summary(warehouse_dir, accounting, room_error)
    return 0


# The query that lists every file that could not be read, printed by the run summary.
FAILED_FILES_QUERY = (
    "SELECT source_path, source_record, reason, message FROM ingest_errors "
    "ORDER BY source_path, source_record"
)
FAILED_FILES_SHOWN = 5


def command_prefix() -> str:
    """The eventwire command as a person can paste it in the current folder: `eventwire`
    when that name on PATH is this installation (an activated venv), else the script beside
    this interpreter, relative when below the current folder (`.venv/bin/eventwire` after
    `make run`)."""
    script = Path(os.path.abspath(sys.executable)).parent / "eventwire"
    if not script.is_file():
        return f"{shlex.quote(sys.executable)} -m pipelines.cli"
    found = shutil.which("eventwire")
    if found and Path(found).resolve() == script.resolve():
        return "eventwire"
    try:
        return shlex.quote(str(script.relative_to(Path.cwd())))
    except ValueError:
        return shlex.quote(str(script))


def sql_command(warehouse_dir: str | Path, query_text: str) -> str:
    """`eventwire sql "<query>"`, with `--warehouse DIR` unless it is ./warehouse (the default)."""
    # Double quotes keep the SQL readable; none of our queries holds a character the shell
    # would expand inside them.
    assert not set(query_text) & set('"$`\\'), query_text
    cmd = f'{command_prefix()} sql "{query_text}"'
    if Path(warehouse_dir).resolve() != Path("warehouse").resolve():
        cmd += f" --warehouse {shlex.quote(str(warehouse_dir))}"
    return cmd


def print_summary(warehouse_dir: str, accounting: dict, room_error: str | None = None) -> None:
    from pipelines.report import ROOM_INDEX
    from pipelines.store import query
    from schemas import TABLES

    # Table names come from our own model registry, never from data.
    counts = query(
        warehouse_dir,
        " UNION ALL ".join(
            f'SELECT \'{t}\' AS "table", count(*) AS rows FROM "{t}"' for t in TABLES
        ),
    )
    top = query(
        warehouse_dir,
        "SELECT event_type, count(*) AS events FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5",
    )
    print()
    print(f"Warehouse: {Path(warehouse_dir) / 'eventwire.duckdb'}")
    if accounting:
        print(
            f"Files: {accounting.get('files_seen', '?')} seen = "
            f"{accounting.get('files_read', '?')} read + "
            f"{accounting.get('files_duplicate', '?')} duplicates + "
            f"{accounting.get('files_failed', '?')} in ingest_errors"
        )
        print(
            f"Articles: {accounting.get('dagster/row_count', '?')}, of which "
            f"{accounting.get('near_duplicates', '?')} near-duplicates and "
            f"{accounting.get('non_english', '?')} not in English (neither extracted)"
        )
    rows = dict(counts.iter_rows())
    if rows.get("ingest_errors", 0):
        print_failed_files(warehouse_dir, rows["ingest_errors"])
    failed = rows.get("extraction_errors", 0)
    if failed:
        print(
            f"Extraction failed on {failed} article(s), which have no rows this run:\n  "
            + sql_command(warehouse_dir, "SELECT * FROM extraction_errors")
        )
    _print_frame("Rows per table", counts)
    _print_frame("Most frequent event types", top)
    print("\nTry:")
    for title, q in EXAMPLE_QUERIES:
        print(f"  # {title}\n  {sql_command(warehouse_dir, q)}")
    room = Path(warehouse_dir) / ROOM_INDEX
    if room_error:
        print(f"\nReading room: {room_error}")
    if room.is_file():
        print(f"\nReading room (open in a browser; it makes no network request):\n  {room}")


def print_failed_files(warehouse_dir: str, errors: int) -> None:
    """The first few files that could not be read, with their reason, and the query that lists
    them all: a count alone sends the reader to look for them."""
    from pipelines.store import query

    first = query(
        warehouse_dir,
        "SELECT source_path, source_record, reason FROM ingest_errors "
        f"ORDER BY source_path, source_record LIMIT {FAILED_FILES_SHOWN}",
    )
    print(f"Not read ({errors} in ingest_errors):")
    for path, record, reason in first.iter_rows():
        where = f"{path} [{record}]" if record else path
        print(f"  {where}: {reason}")
    if errors > first.height:
        print(f"  … and {errors - first.height} more")
    print(f"  # every one, with its message:\n  {sql_command(warehouse_dir, FAILED_FILES_QUERY)}")


def _print_frame(title: str, df: pl.DataFrame) -> None:
    import polars as pl

    print(f"\n{title}:")
    with pl.Config(
        tbl_hide_dataframe_shape=True,
        tbl_rows=50,
        fmt_str_lengths=60,
        tbl_hide_column_data_types=True,
    ):
        print(df)


SQL_FORMATS = ["table", "csv", "json", "markdown"]


def sql(query_text: str, warehouse: str | None, fmt: str = "table", wide: bool = False) -> int:
    import duckdb

    from pipelines.store import query

    warehouse_dir = warehouse or os.environ.get("EVENTWIRE_WAREHOUSE_DIR", "warehouse")
    try:
        df = query(warehouse_dir, query_text)
    except FileNotFoundError as err:
        print(f"eventwire: {err}", file=sys.stderr)
        return 2
    except duckdb.Error as err:
        print(f"eventwire: query failed: {err}", file=sys.stderr)
        return 1
    write_frame(df, fmt, wide)
    return 0


def write_frame(df: pl.DataFrame, fmt: str, wide: bool = False) -> None:
    """A query result on stdout. csv, json and markdown hold every row and whole values (lists
    as JSON in csv and markdown); the table is for a terminal: 200 rows, and strings cut at 80
    characters and columns left out to fit unless `wide`."""
    import polars as pl

    if fmt == "json":
        sys.stdout.write(df.write_json() + "\n")
    elif fmt == "csv":
        sys.stdout.write(_flat(df).write_csv())
    elif fmt == "markdown":
        sys.stdout.write(markdown_table(df))
    elif wide:
        with pl.Config(
            tbl_rows=200,
            tbl_cols=-1,
            fmt_str_lengths=1_000_000,
            fmt_table_cell_list_len=-1,
            tbl_width_chars=-1,
        ):
            print(df)
    else:
        with pl.Config(tbl_rows=200, fmt_str_lengths=80, tbl_width_chars=200):
            print(df)


def _cell_json(value: object) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False)


def _flat(df: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (lists, structs) as JSON text, which CSV can hold."""
    import polars as pl

    return df.with_columns(
        pl.Series(name, [_cell_json(v) for v in df[name].to_list()], dtype=pl.String)
        for name, dtype in df.schema.items()
        if dtype.is_nested()
    )


def markdown_table(df: pl.DataFrame) -> str:
    """A GitHub-style table, whole values: | escaped, line breaks as <br>, null as empty."""

    def cell(value: object) -> str:
        if value is None:
            return ""
        text = value if isinstance(value, str) else str(value)
        if isinstance(value, list | dict):
            text = _cell_json(value) or ""
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")

    lines = ["| " + " | ".join(df.columns) + " |", "|" + " --- |" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.iter_rows()]
    return "\n".join(lines) + "\n"


def export(fmt: str, out: str | None, warehouse: str | None) -> int:
    from pipelines.store.export import export_events

    warehouse_dir = warehouse or os.environ.get("EVENTWIRE_WAREHOUSE_DIR", "warehouse")
    try:
        result = export_events(warehouse_dir, fmt, out)
    except FileNotFoundError as err:
        print(f"eventwire: {err}", file=sys.stderr)
        return 2
    where = result.path or "stdout"
    skipped = ""
    if result.skipped:
        skipped = f"; {result.skipped} left out (not asserted, or a type ACLED does not code)"
    print(f"eventwire: {result.rows} events written to {where}{skipped}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
