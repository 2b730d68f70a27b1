"""Checks on the built warehouse, in SQL: keys are unique, every reference resolves, and every
span is its text. Plain results; the Dagster shell turns them into asset checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pandera.polars as pa

from schemas.relations import Reference, unique_columns

NO_DUPLICATE_KEYS = "no_duplicate_keys"
REFERENCES_EXIST = "references_exist"
SPANS_MATCH_TEXT = "spans_match_text"
# Per table: (start column, end column, the column that must equal articles.text[start:end]).
SPANS = {
    "events": [("start_char", "end_char", "trigger")],
    "claims": [("start_char", "end_char", "cue"), ("content_start", "content_end", "content")],
    "quantities": [("start_char", "end_char", "text")],
}
_EXAMPLES = 5


@dataclass
class CheckOutcome:
    table: str
    check: str
    passed: bool
    description: str
    metadata: dict[str, object] = field(default_factory=dict)


def check_warehouse(
    con: duckdb.DuckDBPyConnection,
    models: Mapping[str, type[pa.DataFrameModel]],
    references: Sequence[Reference],
    span_months: Mapping[str, list[str]] | None = None,
) -> list[CheckOutcome]:
    """span_months: per table, check the spans only of the rows whose article is of those
    months (the others passed on the file this one was updated from)."""
    span_months = span_months or {}
    outcomes = [_keys(con, table, model) for table, model in models.items()]
    by_table: dict[str, list[Reference]] = {}
    for ref in references:
        if ref.table in models and ref.target in models:
            by_table.setdefault(ref.table, []).append(ref)
    outcomes += [_references(con, table, refs) for table, refs in by_table.items()]
    outcomes += [_spans(con, table, span_months.get(table)) for table in span_check_tables(models)]
    return [o for o in outcomes if o is not None]


def span_check_tables(models: Mapping[str, type[pa.DataFrameModel]]) -> list[str]:
    return [t for t in SPANS if t in models and "articles" in models]


def key_check_tables(models: Mapping[str, type[pa.DataFrameModel]]) -> list[str]:
    return [t for t, m in models.items() if unique_columns(m)]


def reference_check_tables(
    models: Mapping[str, type[pa.DataFrameModel]], references: Sequence[Reference]
) -> list[str]:
    return sorted({r.table for r in references if r.table in models and r.target in models})


def _keys(con, table: str, model) -> CheckOutcome | None:
    keys = unique_columns(model)
    if not keys:
        return None
    meta: dict[str, object] = {}
    problems = []
    for key in keys:
        dupes, nulls = con.execute(
            f'SELECT count(*) - count(DISTINCT "{key}"), count(*) - count("{key}") FROM "{table}"'
        ).fetchall()[0]
        meta[f"{key}_duplicates"] = dupes
        meta[f"{key}_nulls"] = nulls
        if dupes or nulls:
            examples = [
                r[0]
                for r in con.execute(
                    f'SELECT "{key}" FROM "{table}" GROUP BY 1 HAVING count(*) > 1 LIMIT {_EXAMPLES}'
                ).fetchall()
            ]
            problems.append(f"{key}: {dupes} duplicates, {nulls} nulls (e.g. {examples})")
    desc = "; ".join(problems) or f"{', '.join(keys)} unique and present in every row"
    return CheckOutcome(table, NO_DUPLICATE_KEYS, not problems, desc, meta)


def _references(con, table: str, refs: list[Reference]) -> CheckOutcome:
    meta: dict[str, object] = {}
    problems = []
    for ref in refs:
        missing_sql = (
            f'SELECT DISTINCT c."{ref.column}" FROM "{ref.table}" c '
            f'WHERE c."{ref.column}" IS NOT NULL AND NOT EXISTS '
            f'(SELECT 1 FROM "{ref.target}" p WHERE p."{ref.target_column}" = c."{ref.column}")'
        )
        n = con.execute(f"SELECT count(*) FROM ({missing_sql})").fetchall()[0][0]
        meta[f"{ref.column}_missing"] = n
        if n:
            examples = [r[0] for r in con.execute(f"{missing_sql} LIMIT {_EXAMPLES}").fetchall()]
            problems.append(f"{ref}: {n} values not found (e.g. {examples})")
    desc = "; ".join(problems) or "every reference resolves: " + ", ".join(map(str, refs))
    return CheckOutcome(table, REFERENCES_EXIST, not problems, desc, meta)


def _spans(con, table: str, months: list[str] | None = None) -> CheckOutcome:
    """articles.text[start:end] (DuckDB's substring also counts code points, from 1) is
    exactly the recorded text, for every row (of an article of `months`, when given). A
    missing article, or an end before the start (which Python slicing would quietly read as
    an empty string), counts as a mismatch."""
    meta: dict[str, object] = {}
    problems = []
    only = ""
    if months is not None:  # a row without its article is of no month: the references say so
        only = (
            " AND coalesce(strftime(a.published_date, '%Y-%m'), 'undated') IN "
            "(SELECT unnest($months))"
        )
        meta["checked_months"] = months
    for start, end, column in SPANS[table]:
        mismatch_sql = (
            f'SELECT t."{start}", t."{end}", t."{column}" FROM "{table}" t '
            "LEFT JOIN articles a ON a.article_id = t.article_id "
            f'WHERE t."{column}" IS NOT NULL AND (a.text IS NULL OR t."{end}" < t."{start}" OR '
            f'substring(a.text, t."{start}" + 1, t."{end}" - t."{start}") <> t."{column}")' + only
        )
        params = {"months": months} if months is not None else None
        n = con.execute(f"SELECT count(*) FROM ({mismatch_sql})", params).fetchall()[0][0]
        meta[f"{column}_mismatches"] = n
        if n:
            examples = con.execute(f"{mismatch_sql} LIMIT {_EXAMPLES}", params).fetchall()
            problems.append(f"{column}: {n} rows where the text differs (e.g. {examples})")
    checked = ", ".join(f"{c} = text[{s}:{e}]" for s, e, c in SPANS[table])
    desc = "; ".join(problems) or f"every row's {checked} in articles"
    if months is not None and not problems:
        desc += (
            f" (checked in the months updated, {', '.join(months) or 'none'}; the other rows "
            "passed on the file this one was updated from)"
        )
    return CheckOutcome(table, SPANS_MATCH_TEXT, not problems, desc, meta)
