"""What assets tell the UI: column schemas from the pandera models, row counts, previews,
and throttled progress lines in the run log."""

from __future__ import annotations

import inspect
import time
from collections.abc import Mapping

import dagster as dg
import pandera.polars as pa
import polars as pl

from pipelines.defs.resources import UNCHANGED
from pipelines.errors import TableValidationError
from pipelines.faults import FaultPoint, fault_point
from schemas import validate_table

PREVIEW_ROWS = 5
_MAX_CELL = 60


def column_schema(model: type[pa.DataFrameModel]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=str(col.dtype),
                description=col.description,
                constraints=dg.TableColumnConstraints(nullable=col.nullable, unique=col.unique),
            )
            for name, col in model.to_schema().columns.items()
        ]
    )


def model_description(model: type[pa.DataFrameModel]) -> str:
    """An asset's description: its model's docstring, written once in schemas/."""
    return inspect.cleandoc(model.__doc__ or "")


def definition_metadata(model: type[pa.DataFrameModel]) -> dict[str, object]:
    return {"dagster/column_schema": column_schema(model)}


SCHEMA_CHECK = "matches_model"


def schema_check_spec(table: str, model: type[pa.DataFrameModel]) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        SCHEMA_CHECK,
        asset=table,
        description=f"Every row satisfies the pandera model schemas.{model.__name__}: column "
        "types, nulls, allowed values, ranges and unique keys. Checked before the table is "
        "written; a table that fails is not written and the run stops.",
    )


def validate_outputs(tables: dict[str, tuple[type[pa.DataFrameModel], pl.DataFrame]]):
    """Validate every table against its model: one check result per table, and the
    dg.Failure to raise when any is invalid (after yielding the results, so the UI shows
    which table failed and why)."""
    results, problems = [], []
    for table, (model, df) in tables.items():
        fault_point(FaultPoint.VALIDATE, table)
        try:
            validate_table(table, model, df)
        except TableValidationError as err:
            problems.append(str(err))
            results.append(_schema_result(table, model, df.height, df.width, err))
            continue
        results.append(_schema_result(table, model, df.height, df.width))
    failure = None
    if problems:
        # Bad data is not transient: retrying would fail the same way.
        failure = dg.Failure(description="\n".join(problems), allow_retries=False)
    return results, failure


def validate_months(
    table: str, model: type[pa.DataFrameModel], months: Mapping[str, pl.DataFrame | None]
) -> tuple[dg.AssetCheckResult, str | None]:
    """validate_outputs of a table given a month at a time (each month made, validated and
    let go before the next; rows numbered within the month), with the columns that must be
    unique checked across the months: the check, and the problems (None when valid)."""
    fault_point(FaultPoint.VALIDATE, table)
    unique = [c for c, column in model.to_schema().columns.items() if column.unique]
    problems: list[str] = []
    seen: dict[str, list[pl.Series]] = {column: [] for column in unique}
    height = 0
    for month in months:
        df = months[month]
        if df is None:
            continue
        height += df.height
        try:
            validate_table(table, model, df)
        except TableValidationError as err:
            problems.extend(f"month {month}: {problem}" for problem in err.problems)
        for column in unique:  # each month's values once: a repeat within it is found above
            seen[column].append(df[column].unique())
        del df
    for column, values in seen.items():
        if len(values) > 1:
            ids = pl.concat(values)
            repeated = ids.filter(ids.is_duplicated()).unique(maintain_order=True)
            if repeated.len():
                examples = ", ".join(repr(v) for v in repeated.head(3).to_list())
                problems.append(
                    f"column {column!r}: check field_uniqueness failed across months for "
                    f"{repeated.len()} value(s); examples {examples}"
                )
    width = len(model.to_schema().columns)
    if not problems:
        return _schema_result(table, model, height, width), None
    err = TableValidationError(table, problems)
    return _schema_result(table, model, height, width, err), str(err)


def _schema_result(
    table: str,
    model: type[pa.DataFrameModel],
    height: int,
    width: int,
    err: TableValidationError | None = None,
) -> dg.AssetCheckResult:
    if err is not None:
        return dg.AssetCheckResult(
            asset_key=table,
            check_name=SCHEMA_CHECK,
            passed=False,
            description=str(err)[:4000],
            metadata={"rows": height, "problems": len(err.problems)},
        )
    return dg.AssetCheckResult(
        asset_key=table,
        check_name=SCHEMA_CHECK,
        passed=True,
        description=f"{height} rows valid against schemas.{model.__name__}",
        metadata={"rows": height, "columns": width},
    )


def unchanged_outputs(
    outputs: list[str],
    checked: Mapping[str, type[pa.DataFrameModel]],
    rows: Mapping[str, int],
    metadata: Mapping[str, object] | None = None,
):
    """A step's outputs and schema checks when the tables stored last time still hold
    (pipelines/store/memo.py): nothing is written, and each check stands as it passed then."""
    for name in outputs:
        yield dg.Output(
            UNCHANGED,
            output_name=name,
            metadata={"dagster/row_count": rows[name], "unchanged": True, **(metadata or {})},
        )
    for table, model in checked.items():
        yield dg.AssetCheckResult(
            asset_key=table,
            check_name=SCHEMA_CHECK,
            passed=True,
            description=f"{rows[table]} rows valid against schemas.{model.__name__} "
            "(unchanged since they were validated)",
            metadata={"rows": rows[table], "unchanged": True},
        )


def table_metadata(df: pl.DataFrame) -> dict[str, object]:
    return {"dagster/row_count": df.height, "preview": dg.MetadataValue.md(markdown_preview(df))}


def markdown_preview(df: pl.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    head = df.head(rows)
    if not head.columns:
        return "(no columns)"

    def cell(v: object) -> str:
        s = "" if v is None else str(v)
        s = s.replace("|", "\\|").replace("\n", " ")
        return s if len(s) <= _MAX_CELL else s[: _MAX_CELL - 1] + "…"

    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in head.iter_rows()]
    if df.height > rows:
        lines.append(f"\n{df.height - rows} more rows")
    return "\n".join(lines)


class ProgressLog:
    """A callable(done, total) that logs counts, rate and time left at most every few seconds."""

    def __init__(self, log, stage: str, unit: str, every_s: float = 5.0):
        self.log, self.stage, self.unit, self.every_s = log, stage, unit, every_s
        self.start = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.every_s:
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        self.log.info(
            f"{self.stage}: {done}/{total} {self.unit} ({rate:.1f}/s, "
            f"{elapsed:.0f}s elapsed, ~{left:.0f}s left)"
        )
