"""Checks on the built warehouse, in SQL: keys are unique, every reference resolves, and every
span is its text. Plain results; the Dagster shell turns them into asset checks.

A file updated from the changed parts of one whose checks passed (ChangedRows) is checked
only where it can have changed: the rows of the updated months, and the rows that name a
key the update removed. Any other row, and everything it refers to, is as it was when it
passed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pandera.polars as pa

from pipelines.store.parquet import PARTED_BY_DATE, UNDATED
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


@dataclass(frozen=True)
class ChangedRows:
    """What a file updated from the changed parts of another holds anew, when that other file
    passed its checks. months: per table updated, the months whose rows were replaced ([None]:
    the whole table); removed: per reference target ("table.column"), the keys the update
    took out of it (None: too many to list); passed: the (table, check) pairs that passed on
    the other file; parts: per table, how many parts it has. A check that did not pass there
    is run whole, and so is one of a table with most of its months updated (a whole count
    costs less than picking most rows by month)."""

    months: Mapping[str, list[str | None]]
    removed: Mapping[str, list[str] | None]
    passed: frozenset[tuple[str, str]]
    parts: Mapping[str, int]

    def table_months(self, table: str, check: str) -> list[str] | None:
        """The months in which to check the table (None: the whole table)."""
        months = self.months.get(table, [])
        if (table, check) not in self.passed or mostly(months, self.parts.get(table, 0)):
            return None
        return sorted(m for m in months if m is not None)


def mostly(months: Sequence[str | None], parts: int) -> bool:
    """Whether an update of these months replaced the table whole or most of it."""
    return None in months or 2 * len(months) > parts


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
    changed: ChangedRows | None = None,
) -> list[CheckOutcome]:
    """Every check on every row, or, given what changed since a file whose checks passed,
    on the rows that can have changed only."""
    outcomes = [_keys(con, table, model, changed) for table, model in models.items()]
    by_table: dict[str, list[Reference]] = {}
    for ref in references:
        if ref.table in models and ref.target in models:
            by_table.setdefault(ref.table, []).append(ref)
    outcomes += [_references(con, table, refs, changed) for table, refs in by_table.items()]
    outcomes += [
        _spans(con, table, _span_months(table, changed)) for table in span_check_tables(models)
    ]
    return [o for o in outcomes if o is not None]


def _span_months(table: str, changed: ChangedRows | None) -> list[str] | None:
    """A span depends on its row and its article: the table's months and the articles'."""
    if changed is None:
        return None
    months = set(changed.months.get(table, [])) | set(changed.months.get("articles", []))
    if (table, SPANS_MATCH_TEXT) not in changed.passed or None in months:
        return None
    return sorted(months)


def _in_months(table: str, alias: str, months: list[str]) -> str:
    """SQL: the row `alias` of the table is in a part of the months $months (as the writer
    parts it: its own date's month, or its article's; a row whose article is missing was
    written to the undated part)."""
    if not months:
        return "FALSE"
    months_sql = "(SELECT unnest($months))"
    if table in PARTED_BY_DATE:
        month = f"coalesce(strftime({alias}.\"{PARTED_BY_DATE[table]}\", '%Y-%m'), '{UNDATED}')"
        return f"{month} IN {months_sql}"
    undated = (
        f" OR NOT EXISTS (SELECT 1 FROM articles AS _a WHERE _a.article_id = {alias}.article_id)"
        if UNDATED in months
        else ""
    )
    return (
        f"({alias}.article_id IN (SELECT article_id FROM articles WHERE "
        f"coalesce(strftime(published_date, '%Y-%m'), '{UNDATED}') IN {months_sql}){undated})"
    )


def _params(sql: str, **values: object) -> dict[str, object]:
    """The named parameters the statement uses (DuckDB refuses others)."""
    return {k: v for k, v in values.items() if f"${k}" in sql}


def _limited(desc: str, months: list[str], extra: str = "") -> str:
    return desc + (
        f" (checked in the months updated, {', '.join(months) or 'none'}{extra}; the other "
        "rows passed on the file this one was updated from)"
    )


def span_check_tables(models: Mapping[str, type[pa.DataFrameModel]]) -> list[str]:
    return [t for t in SPANS if t in models and "articles" in models]


def key_check_tables(models: Mapping[str, type[pa.DataFrameModel]]) -> list[str]:
    return [t for t, m in models.items() if unique_columns(m)]


def reference_check_tables(
    models: Mapping[str, type[pa.DataFrameModel]], references: Sequence[Reference]
) -> list[str]:
    return sorted({r.table for r in references if r.table in models and r.target in models})


def _keys(con, table: str, model, changed: ChangedRows | None = None) -> CheckOutcome | None:
    keys = unique_columns(model)
    if not keys:
        return None
    months = changed.table_months(table, NO_DUPLICATE_KEYS) if changed else None
    meta: dict[str, object] = {}
    problems = []
    for key in keys:
        if months is None:
            dupes, nulls = con.execute(
                f'SELECT count(*) - count(DISTINCT "{key}"), count(*) - count("{key}") '
                f'FROM "{table}"'
            ).fetchall()[0]
            dupes_sql = f'SELECT "{key}" FROM "{table}" GROUP BY 1 HAVING count(*) > 1'
        else:
            # The unchanged rows' keys were unique among themselves: a duplicate has a copy
            # among the updated rows, so only the rows holding one of their keys are counted.
            changed_sql = (
                f'CREATE OR REPLACE TEMP TABLE _changed_keys AS SELECT t."{key}" AS v '
                f'FROM "{table}" AS t WHERE {_in_months(table, "t", months)}'
            )
            con.execute(changed_sql, _params(changed_sql, months=months))
            nulls = con.execute("SELECT count(*) - count(v) FROM _changed_keys").fetchall()[0][0]
            holding = (
                f'FROM "{table}" AS x SEMI JOIN (SELECT DISTINCT v FROM _changed_keys) AS k '
                f'ON x."{key}" = k.v'
            )
            dupes = con.execute(
                f'SELECT count(*) - count(DISTINCT x."{key}") {holding}'
            ).fetchall()[0][0]
            dupes_sql = f'SELECT x."{key}" {holding} GROUP BY 1 HAVING count(*) > 1'
        meta[f"{key}_duplicates"] = dupes
        meta[f"{key}_nulls"] = nulls
        if dupes or nulls:
            examples = [r[0] for r in con.execute(f"{dupes_sql} LIMIT {_EXAMPLES}").fetchall()]
            problems.append(f"{key}: {dupes} duplicates, {nulls} nulls (e.g. {examples})")
    if months is not None:
        con.execute("DROP TABLE IF EXISTS _changed_keys")
        meta["checked_months"] = months
    desc = "; ".join(problems) or f"{', '.join(keys)} unique and present in every row"
    if months is not None and not problems:
        desc = _limited(desc, months)
    return CheckOutcome(table, NO_DUPLICATE_KEYS, not problems, desc, meta)


def _references(
    con, table: str, refs: list[Reference], changed: ChangedRows | None = None
) -> CheckOutcome:
    months = changed.table_months(table, REFERENCES_EXIST) if changed else None
    if changed is not None and months is not None:
        removed = [changed.removed.get(f"{r.target}.{r.target_column}", []) for r in refs]
        if any(keys is None for keys in removed):
            months = None  # a target lost too many keys to list: every row is checked
    meta: dict[str, object] = {}
    problems = []
    for i, ref in enumerate(refs):
        if months is None:
            missing_sql = (
                f'SELECT DISTINCT c."{ref.column}" FROM "{ref.table}" c '
                f'WHERE c."{ref.column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{ref.target}" p WHERE p."{ref.target_column}" = c."{ref.column}")'
            )
        else:
            # The values of the updated rows, and of any row naming a key the update removed,
            # looked up in the target (the target's rows holding one of them, not the whole).
            changed_sql = (
                f'CREATE OR REPLACE TEMP TABLE _changed_refs AS SELECT DISTINCT c."{ref.column}" '
                f'AS v FROM "{ref.table}" AS c WHERE c."{ref.column}" IS NOT NULL AND '
                f"({_in_months(ref.table, 'c', months)} OR "
                f'c."{ref.column}" IN (SELECT unnest($removed::VARCHAR[])))'
            )
            con.execute(changed_sql, _params(changed_sql, months=months, removed=removed[i] or []))
            missing_sql = (
                f'SELECT v FROM _changed_refs EXCEPT SELECT p."{ref.target_column}" '
                f'FROM "{ref.target}" AS p SEMI JOIN _changed_refs AS k ON p."{ref.target_column}" = k.v'
            )
        n = con.execute(f"SELECT count(*) FROM ({missing_sql})").fetchall()[0][0]
        meta[f"{ref.column}_missing"] = n
        if n:
            examples = [
                r[0] for r in con.execute(f"{missing_sql} ORDER BY 1 LIMIT {_EXAMPLES}").fetchall()
            ]
            problems.append(f"{ref}: {n} values not found (e.g. {examples})")
    desc = "; ".join(problems) or "every reference resolves: " + ", ".join(map(str, refs))
    if months is not None:
        con.execute("DROP TABLE IF EXISTS _changed_refs")
        meta["checked_months"] = months
        if not problems:
            desc = _limited(desc, months, ", and the rows naming a key the update removed")
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
        desc = _limited(desc, months)
    return CheckOutcome(table, SPANS_MATCH_TEXT, not problems, desc, meta)
