"""Tables as parts by month: what is written where, and every reader takes every part."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from pipelines.store import DUCKDB_FILE, TableFiles, build_warehouse
from pipelines.store.parquet import PART_NAME
from schemas import TABLES, empty_frame

ARTICLES = pl.DataFrame(
    {
        "article_id": ["n1", "j1", "u1", "j2"],
        "published_date": [dt.date(2026, 11, 3), dt.date(2026, 1, 9), None, dt.date(2026, 1, 2)],
    }
)
ROWS = pl.DataFrame({"article_id": ["u1", "j1", "n1", "j2", "j1"], "n": [1, 2, 3, 4, 5]})


def test_rows_go_to_their_articles_month_and_read_back_in_month_order(tmp_path):
    files = TableFiles(tmp_path)
    files.write("articles", ARTICLES)
    files.write("events", ROWS)
    folder = tmp_path / "parquet" / "events"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet")) == [
        f"month=2026-01/{PART_NAME}",
        f"month=2026-11/{PART_NAME}",
        f"month=undated/{PART_NAME}",
    ]
    # months in order, undated last; within a month, the order the rows were written in
    assert files.read("events")["n"].to_list() == [2, 4, 5, 3, 1]
    assert files.read("articles")["article_id"].to_list() == ["j1", "j2", "n1", "u1"]
    assert files.read_months("events", ["2026-11", "undated"])["n"].to_list() == [3, 1]
    assert files.read_months("events", ["2025-01"]) is None
    # a table kept whole (actors) is one part as before
    files.write("actors", pl.DataFrame({"actor": ["x"]}))
    assert files.part_paths("actors") == [tmp_path / "parquet" / "actors" / PART_NAME]


def test_a_table_written_whole_before_the_parts_reads_the_same_and_is_replaced(tmp_path):
    files = TableFiles(tmp_path)
    whole = tmp_path / "parquet" / "articles" / PART_NAME
    whole.parent.mkdir(parents=True)
    ARTICLES.write_parquet(whole)
    assert files.read("articles").equals(ARTICLES)
    files.write("articles", ARTICLES)
    assert not whole.exists()
    assert len(files.part_paths("articles")) == 3
    assert files.read("articles").sort("article_id").equals(ARTICLES.sort("article_id"))


def test_writing_some_months_leaves_the_other_parts_files_alone(tmp_path):
    files = TableFiles(tmp_path)
    files.write("articles", ARTICLES)
    files.write("events", ROWS)
    before = {p: p.stat() for p in files.part_paths("events")}
    january = files.read_months("events", ["2026-01"])
    changed = files.write_parts(
        "events", {"2026-01": january.filter(pl.col("n") != 5), "undated": None}
    )
    assert changed
    after = {p: p.stat() for p in files.part_paths("events")}
    assert [p.parent.name for p in after] == ["month=2026-01", "month=2026-11"]
    november = next(p for p in after if p.parent.name == "month=2026-11")
    assert (after[november].st_ino, after[november].st_mtime_ns) == (
        before[november].st_ino,
        before[november].st_mtime_ns,
    )
    assert files.read("events")["n"].to_list() == [2, 4, 3]
    # the same content again rewrites nothing
    assert not files.write_parts("events", {"2026-01": january.filter(pl.col("n") != 5)})
    # no row left: one empty part keeps the table's columns
    files.write("events", ROWS.clear())
    assert files.read("events").schema == ROWS.schema
    assert [p.parent.name for p in files.part_paths("events")] == ["month=undated"]


def test_duckdb_reads_every_part_and_keeps_exactly_the_tables_columns(tmp_path):
    files = TableFiles(tmp_path)
    for table, model in TABLES.items():
        files.write(table, empty_frame(model))
    articles = pl.concat(
        [
            empty_frame(TABLES["articles"]),
            empty_frame(TABLES["articles"])
            .clear(n=3)
            .with_columns(
                pl.Series("article_id", ["a" * 16, "b" * 16, "c" * 16]),
                pl.Series("published_date", [dt.date(2026, 1, 1), dt.date(2026, 2, 1), None]),
            ),
        ]
    )
    files.write("articles", articles)
    assert len(files.part_paths("articles")) == 3
    build = build_warehouse(tmp_path, list(TABLES))
    assert build.row_counts["articles"] == 3
    con = duckdb.connect(str(tmp_path / DUCKDB_FILE), read_only=True)
    try:
        columns = [r[0] for r in con.execute("DESCRIBE articles").fetchall()]
    finally:
        con.close()
    assert columns == list(TABLES["articles"].to_schema().columns)


def _rows(path) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(map(repr, con.sql(f'SELECT * FROM "{t}"').fetchall())) for t in TABLES}
    finally:
        con.close()


def _articles(ids: list[str], dates: list[dt.date | None]) -> pl.DataFrame:
    return (
        empty_frame(TABLES["articles"])
        .clear(n=len(ids))
        .with_columns(pl.Series("article_id", ids), pl.Series("published_date", dates))
    )


def test_duckdb_is_updated_from_the_changed_parts_with_the_rows_of_a_full_build(tmp_path):
    files = TableFiles(tmp_path)
    for table, model in TABLES.items():
        files.write(table, empty_frame(model))
    jan, feb = dt.date(2026, 1, 5), dt.date(2026, 2, 5)
    files.write("articles", _articles(["a" * 16, "b" * 16], [jan, feb]))
    quantities = empty_frame(TABLES["quantities"]).clear(n=2)
    files.write(
        "quantities", quantities.with_columns(pl.Series("article_id", ["a" * 16, "b" * 16]))
    )
    first = build_warehouse(tmp_path, list(TABLES))
    assert first.updated == {}  # no earlier file: built whole
    february = files.part_paths("articles")[1].stat()

    # One article added in January, one moved from February to March.
    files.write(
        "articles", _articles(["a" * 16, "b" * 16, "c" * 16], [jan, dt.date(2026, 3, 1), jan])
    )
    files.write(
        "quantities",
        quantities.clear(n=3).with_columns(pl.Series("article_id", ["a" * 16, "b" * 16, "c" * 16])),
    )
    assert not any(p.parent.name == "month=2026-02" for p in files.part_paths("articles"))
    assert february  # the part is gone; its rows must go from DuckDB too
    second = build_warehouse(tmp_path, list(TABLES))
    assert second.updated == {
        "articles": ["2026-01", "2026-02", "2026-03"],
        "quantities": ["2026-01", "2026-02", "2026-03"],
    }
    assert second.row_counts["articles"] == 3 and second.row_counts["quantities"] == 3
    updated = _rows(tmp_path / DUCKDB_FILE)
    whole = build_warehouse(tmp_path, list(TABLES), force=True)
    assert whole.updated == {}
    assert _rows(tmp_path / DUCKDB_FILE) == updated

    # A table kept whole is replaced whole.
    files.write(
        "ingest_errors",
        empty_frame(TABLES["ingest_errors"])
        .clear(n=1)
        .with_columns(
            pl.lit("x").alias("source_path"),
            pl.lit("bad_json").alias("reason"),
            pl.lit("m").alias("message"),
        ),
    )
    third = build_warehouse(tmp_path, list(TABLES))
    assert third.updated == {"ingest_errors": [None]}
    assert third.row_counts["ingest_errors"] == 1


def test_after_an_update_spans_are_checked_in_the_updated_months_and_found_wrong_there(tmp_path):
    from pipelines.store import inspect_warehouse
    from pipelines.store.integrity import SPANS_MATCH_TEXT
    from schemas.relations import REFERENCES

    files = TableFiles(tmp_path)
    for table, model in TABLES.items():
        files.write(table, empty_frame(model))
    jan, feb = dt.date(2026, 1, 5), dt.date(2026, 2, 5)
    articles = _articles(["a" * 16, "b" * 16], [jan, feb]).with_columns(
        pl.lit("Ten were hurt.").alias("text")
    )
    files.write("articles", articles)
    quantities = (
        empty_frame(TABLES["quantities"])
        .clear(n=2)
        .with_columns(
            pl.Series("article_id", ["a" * 16, "b" * 16]),
            pl.lit(0).alias("start_char"),
            pl.lit(3).alias("end_char"),
            pl.lit("Ten").alias("text"),
        )
    )
    files.write("quantities", quantities)
    build_warehouse(tmp_path, list(TABLES))

    def spans() -> object:
        checks = inspect_warehouse(tmp_path, TABLES, REFERENCES).checks
        return next(c for c in checks if c.table == "quantities" and c.check == SPANS_MATCH_TEXT)

    first = spans()
    assert first.passed and "checked_months" not in first.metadata
    # February's quantity now names the wrong words: only February is checked, and fails.
    files.write("quantities", quantities.with_columns(pl.Series("text", ["Ten", "Two"])))
    assert build_warehouse(tmp_path, list(TABLES)).updated == {"quantities": ["2026-02"]}
    second = spans()
    assert second.metadata["checked_months"] == ["2026-02"]
    assert not second.passed and second.metadata["text_mismatches"] == 1
    # Put right: the file it is updated from failed its spans, so this one is checked whole.
    files.write("quantities", quantities)
    build_warehouse(tmp_path, list(TABLES))
    third = spans()
    assert third.passed and "checked_months" not in third.metadata


def _check(warehouse, table: str, check: str):
    from pipelines.store import inspect_warehouse
    from schemas.relations import REFERENCES

    checks = inspect_warehouse(warehouse, TABLES, REFERENCES).checks
    return next(c for c in checks if c.table == table and c.check == check)


def _events(ids: list[str], articles: list[str], mention_of: list[str | None]) -> pl.DataFrame:
    return (
        empty_frame(TABLES["events"])
        .clear(n=len(ids))
        .with_columns(
            pl.Series("event_id", ids),
            pl.Series("article_id", articles),
            pl.Series("mention_of", mention_of, pl.String),
        )
    )


def test_after_an_update_keys_and_references_are_checked_in_the_changed_rows_and_caught(
    tmp_path,
):
    from pipelines.store.integrity import NO_DUPLICATE_KEYS, REFERENCES_EXIST

    files = TableFiles(tmp_path)
    for table, model in TABLES.items():
        files.write(table, empty_frame(model))
    a, b = "a" * 16, "b" * 16
    files.write("articles", _articles([a, b], [dt.date(2026, 1, 5), dt.date(2026, 2, 5)]))
    # e1 (January) is a mention of e2 (February): a reference across months
    files.write("events", _events(["e1", "e2", "e3"], [a, b, b], ["e2", None, "e2"]))
    build_warehouse(tmp_path, list(TABLES))
    first = _check(tmp_path, "events", REFERENCES_EXIST)
    assert first.passed and "checked_months" not in first.metadata

    # February's events rewritten without e2: January's e1, whose part did not change, now
    # names an event that is gone (found through the keys the update removed).
    files.write("events", _events(["e1", "e3"], [a, b], ["e2", None]))
    build = build_warehouse(tmp_path, list(TABLES))
    assert build.updated == {"events": ["2026-02"]}
    refs = _check(tmp_path, "events", REFERENCES_EXIST)
    assert refs.metadata["checked_months"] == ["2026-02"]
    assert not refs.passed and refs.metadata["mention_of_missing"] == 1
    assert "e2" in refs.description
    keys = _check(tmp_path, "events", NO_DUPLICATE_KEYS)
    assert keys.passed and keys.metadata["checked_months"] == ["2026-02"]

    # Put right, checked whole (the file it was updated from failed its references).
    files.write("events", _events(["e1", "e2", "e3"], [a, b, b], ["e2", None, "e2"]))
    build_warehouse(tmp_path, list(TABLES))
    assert _check(tmp_path, "events", REFERENCES_EXIST).passed
    assert "checked_months" not in _check(tmp_path, "events", REFERENCES_EXIST).metadata

    # An updated month's own broken reference, and a key it repeats from an unchanged month.
    files.write("events", _events(["e1", "e2", "e3", "e1"], [a, b, b, b], ["e2", None, "x9", None]))
    assert build_warehouse(tmp_path, list(TABLES)).updated == {"events": ["2026-02"]}
    refs = _check(tmp_path, "events", REFERENCES_EXIST)
    assert refs.metadata["checked_months"] == ["2026-02"]
    assert not refs.passed and refs.metadata["mention_of_missing"] == 1 and "x9" in refs.description
    keys = _check(tmp_path, "events", NO_DUPLICATE_KEYS)
    assert keys.metadata["checked_months"] == ["2026-02"]
    assert not keys.passed and keys.metadata["event_id_duplicates"] == 1
    assert "e1" in keys.description


def test_the_changed_rows_checks_find_what_the_whole_checks_find(tmp_path):
    """After every update, the outcomes of the checks on the changed rows are those of the
    same checks run on every row of the file."""
    from pipelines.store import DUCKDB_FILE
    from pipelines.store.integrity import check_warehouse
    from schemas.relations import REFERENCES

    files = TableFiles(tmp_path)
    for table, model in TABLES.items():
        files.write(table, empty_frame(model))
    ids = [c * 16 for c in "abcd"]
    dates = [dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 3, 5), None]
    files.write("articles", _articles(ids, dates))
    files.write("events", _events(["e1", "e2", "e3"], ids[:3], ["e2", "e3", None]))
    build_warehouse(tmp_path, list(TABLES))
    _check(tmp_path, "events", "references_exist")
    steps = [
        ("events", _events(["e1", "e2"], ids[:2], ["e2", "e3"])),  # March's e3 gone
        ("events", _events(["e1", "e2", "e3"], ids[:3], ["e2", "e3", None])),
        ("articles", _articles(ids[:2] + ids[3:], dates[:2] + dates[3:])),  # March's article
        ("articles", _articles(ids, dates)),
        ("events", _events(["e1", "e2", "e3", "e4"], ids, ["e2", "e3", None, "e4"])),
        ("events", _events(["e1", "e2", "e3", "e2"], ids, ["e2", "e3", None, None])),
    ]
    for table, frame in steps:
        files.write(table, frame)
        assert build_warehouse(tmp_path, list(TABLES)).updated
        limited = {
            (c.table, c.check): (c.passed, {k: v for k, v in c.metadata.items()
                                            if k != "checked_months"})
            for c in _outcomes(tmp_path)
        }  # fmt: skip
        con = duckdb.connect(str(tmp_path / DUCKDB_FILE), read_only=True)
        try:
            whole = {
                (c.table, c.check): (c.passed, c.metadata)
                for c in check_warehouse(con, TABLES, REFERENCES)
            }
        finally:
            con.close()
        assert {k: v[0] for k, v in limited.items()} == {k: v[0] for k, v in whole.items()}
        missing = {k: v[1] for k, v in limited.items() if k[1] == "references_exist"}
        assert missing == {k: v[1] for k, v in whole.items() if k[1] == "references_exist"}


def _outcomes(warehouse):
    from pipelines.store import inspect_warehouse
    from schemas.relations import REFERENCES

    return inspect_warehouse(warehouse, TABLES, REFERENCES).checks
