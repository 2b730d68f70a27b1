"""Validate a table against its model and say exactly what is wrong: table, column, rows."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from pipelines.errors import TableValidationError


def validate_table(table: str, model: type[pa.DataFrameModel], df: pl.DataFrame) -> pl.DataFrame:
    """Return df unchanged when it satisfies model, else raise TableValidationError."""
    try:
        return model.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise TableValidationError(table, _describe(err.failure_cases)) from None


def _describe(failures: pl.DataFrame) -> list[str]:
    problems = []
    grouped = failures.group_by(["column", "check"], maintain_order=True).agg(
        pl.col("index").drop_nulls().head(10).alias("rows"),
        pl.col("failure_case").cast(pl.String).head(3).alias("examples"),
        pl.len().alias("n"),
    )
    for row in grouped.iter_rows(named=True):
        column = row["column"] or "<table>"
        rows = ", ".join(str(i) for i in row["rows"]) or "n/a"
        examples = ", ".join(repr(x) for x in row["examples"])
        problems.append(
            f"column {column!r}: check {row['check']} failed in {row['n']} case(s); "
            f"rows {rows}; examples {examples}"
        )
    return problems


def polars_schema(model: type[pa.DataFrameModel]) -> dict[str, pl.DataType]:
    """The model's columns as a polars schema, for building frames with exact dtypes."""
    return {name: col.dtype.type for name, col in model.to_schema().columns.items()}


def empty_frame(model: type[pa.DataFrameModel]) -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema(model))


def frame_from_rows(model: type[pa.DataFrameModel], rows: list[dict]) -> pl.DataFrame:
    """Build a frame with the model's dtypes from row dicts (missing keys become null)."""
    schema = polars_schema(model)
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema, orient="row")
