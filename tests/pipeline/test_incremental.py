"""Incremental and idempotent runs: an unchanged raw/ does no work, a changed file or lexicon
re-processes what it affects, and every result equals a cold run over the same raw/."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.extract.incremental import EXTRACT_LEXICONS
from pipelines.ingest.raw_files import list_raw_files
from pipelines.store import DUCKDB_FILE, table_parts
from pipelines.store.timeline_chart import CHART_FILE
from schemas import TABLES
from tests.helpers import (
    GOLD_TEXTS,
    INGEST_FIXTURES,
    RAW,
    REPO,
    assert_same_tables,
    cli_env,
    duckdb_rows,
    materialize_all,
    read_tables,
    run_meta,
)

# The shipped raw/ folder: every file is read into an article, and every article extracted.
N_FILES = len(list_raw_files(RAW))
N_ARTICLES = N_FILES + 1  # the JSONL dump holds two


def file_identities(warehouse: Path) -> dict[str, tuple]:
    paths = [p for t in TABLES for p in table_parts(warehouse, t)]
    paths += [warehouse / DUCKDB_FILE, warehouse / CHART_FILE]
    return {
        str(p.relative_to(warehouse)): (
            p.stat().st_ino,
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in paths
    }


def copy_raw(dest: Path) -> Path:
    shutil.copytree(RAW, dest)  # copy2 keeps the old modification times
    return dest


@pytest.fixture(scope="module")
def twice(tmp_path_factory):
    """raw/ materialized twice into the same warehouse."""
    raw = copy_raw(tmp_path_factory.mktemp("inc") / "raw")
    warehouse = tmp_path_factory.mktemp("inc-wh")
    first = materialize_all(raw, warehouse)
    assert first.success
    before = file_identities(warehouse)
    tables_before = read_tables(warehouse)
    second = materialize_all(raw, warehouse)
    assert second.success
    return raw, warehouse, first, second, before, tables_before


def test_unchanged_raw_reads_and_parses_nothing_and_keeps_every_file(twice):
    _, warehouse, first, second, before, tables_before = twice
    m1, m2 = run_meta(first), run_meta(second)
    assert m1["articles"]["files_read_this_run"] == N_FILES
    assert m1["extracted_events"]["articles_parsed"] == N_ARTICLES
    assert m2["articles"]["files_read_this_run"] == 0
    assert m2["articles"]["files_unchanged"] == N_FILES
    assert m2["extracted_events"]["articles_parsed"] == 0
    assert m2["extracted_events"]["articles_reused"] == N_ARTICLES
    assert m1["events@warehouse"]["rebuilt"] is True
    assert m2["events@warehouse"]["rebuilt"] is False
    # Not one byte rewritten: same inode, same mtime, same content for every file.
    assert file_identities(warehouse) == before
    # Identical tables, ingested_at included (it is the first time an article was read).
    after = read_tables(warehouse)
    for table in TABLES:
        assert after[table].equals(tables_before[table]), table


def test_rerunning_never_duplicates_rows(twice):
    _, warehouse, *_ = twice
    tables = read_tables(warehouse)
    keys = {
        "articles": "article_id",
        "events": "event_id",
        "claims": "claim_id",
        "quantities": "quantity_id",
        "actors": "actor_id",
    }
    for table, key in keys.items():
        assert tables[table].height > 0
        assert tables[table][key].n_unique() == tables[table].height, table


def test_changed_added_and_removed_files_are_all_that_is_redone(twice, tmp_path):
    raw, warehouse, *_ = twice
    work = tmp_path / "raw"
    shutil.copytree(raw, work)
    shutil.copytree(warehouse, tmp_path / "wh")
    wh = tmp_path / "wh"
    edited = work / "wire" / "santiago-pension-protest.txt"
    edited.write_text(
        edited.read_text(encoding="utf-8")
        + "\nPolice arrested 12 protesters in Valparaíso on Friday, officials said.\n",
        encoding="utf-8",
    )
    (work / "wire" / "greece-turkey-naval-standoff.txt").unlink()
    (work / "wire" / "greece-turkey-naval-standoff.meta.json").unlink()
    gold = GOLD_TEXTS
    shutil.copy(gold / "india-pakistan-loc-clash-poonch.txt", work / "new.txt")
    shutil.copy(gold / "india-pakistan-loc-clash-poonch.meta.json", work / "new.meta.json")

    result = materialize_all(work, wh)
    assert result.success
    meta = run_meta(result)
    assert meta["articles"]["files_read_this_run"] == 2  # the edited file and the new one
    assert meta["articles"]["files_unchanged"] == N_FILES - 2  # one edited, one removed
    assert meta["extracted_events"]["articles_parsed"] == 2
    assert meta["extracted_events"]["articles_reused"] == N_ARTICLES - 2
    assert meta["extracted_events"]["articles_dropped"] == 2  # the removed one, the edit's old text
    assert meta["events@warehouse"]["rebuilt"] is True

    cold = materialize_all(work, tmp_path / "cold")
    assert cold.success
    assert_same_tables(read_tables(wh), read_tables(tmp_path / "cold"))
    articles = read_tables(wh)["articles"]
    assert any("Valparaíso on Friday" in t for t in articles["text"])
    assert "wire/greece-turkey-naval-standoff.txt" not in articles["source_path"].to_list()
    assert "new.txt" in articles["source_path"].to_list()


def _parts(warehouse: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every part of every table and staged table, by path."""
    found = [
        *(warehouse / "parquet").rglob("*.parquet"),
        *(warehouse / "state" / "staged").rglob("*.parquet"),
    ]
    return {str(p.relative_to(warehouse)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in found}


def test_articles_added_in_some_months_rewrite_only_those_months_parts(twice, tmp_path):
    raw, warehouse, *_ = twice
    work = tmp_path / "raw"
    shutil.copytree(raw, work)
    wh = tmp_path / "wh"
    shutil.copytree(warehouse, wh)
    before = _parts(wh)
    assert any("month=2025-11" in p for p in before) and any("month=2025-10" in p for p in before)
    # one article of October (a month with parts already) and one of September (none yet)
    for name in ("india-pakistan-loc-clash-poonch", "sudan-kadugli-aid-convoy"):
        for suffix in (".txt", ".meta.json"):
            shutil.copy(GOLD_TEXTS / f"{name}{suffix}", work / f"{name}{suffix}")
    result = materialize_all(work, wh)
    assert result.success
    meta = run_meta(result)
    assert meta["extracted_events"]["parts_written"] == 2  # not written whole
    assert meta["quantities"]["parts_written"] == 2
    # DuckDB: a copy of the last file, updated in those months only
    assert meta["events@warehouse"]["updated_parts"] == ["2025-09", "2025-10"]
    assert meta["actors@warehouse"]["updated_parts"] == ["whole"]
    after = _parts(wh)
    for table in ("articles", "events", "claims", "quantities", "staged/extracted_events"):
        november = [p for p in before if f"{table}/month=2025-11/" in p]
        assert november and all(after[p] == before[p] for p in november), table
        october = [p for p in before if f"{table}/month=2025-10/" in p]
        assert october and all(after[p] != before[p] for p in october), table
        assert any(f"{table}/month=2025-09/" in p for p in after), table
    cold = materialize_all(work, tmp_path / "cold")
    assert cold.success
    assert_same_tables(read_tables(wh), read_tables(tmp_path / "cold"))
    assert duckdb_rows(wh) == duckdb_rows(tmp_path / "cold")


def test_added_articles_alone_are_linked_alone_with_the_tables_of_a_cold_run(twice, tmp_path):
    raw, warehouse, *_ = twice
    work = tmp_path / "raw"
    shutil.copytree(raw, work)
    shutil.copytree(warehouse, tmp_path / "wh")
    for name in ("india-pakistan-loc-clash-poonch", "sudan-kadugli-aid-convoy"):
        for suffix in (".txt", ".meta.json"):
            shutil.copy(GOLD_TEXTS / f"{name}{suffix}", work / f"{name}{suffix}")
    result = materialize_all(work, tmp_path / "wh")
    assert result.success
    meta = run_meta(result)
    assert meta["extracted_events"]["articles_parsed"] == 2
    assert meta["events"]["articles_linked_alone"] == 2
    cold = materialize_all(work, tmp_path / "cold")
    assert cold.success
    assert run_meta(cold)["events"]["articles_linked_alone"] == 0
    assert_same_tables(read_tables(tmp_path / "wh"), read_tables(tmp_path / "cold"))


def _rerun_with_edited_lexicon(twice, tmp_path, monkeypatch, name: str) -> dict:
    """The second run's warehouse run again with an analyst's edit to lexicon `name`."""
    raw, warehouse, *_ = twice
    shutil.copytree(warehouse, tmp_path / "wh")
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir()
    src = REPO / "pipelines" / "lexicons" / name
    (lexicons / name).write_text(
        src.read_text(encoding="utf-8") + "\n# an analyst's edit\n", encoding="utf-8"
    )
    monkeypatch.setenv("EVENTWIRE_LEXICON_DIR", str(lexicons))
    result = materialize_all(raw, tmp_path / "wh")
    assert result.success
    return run_meta(result)


def test_an_extraction_lexicon_change_reparses_without_rereading(twice, tmp_path, monkeypatch):
    meta = _rerun_with_edited_lexicon(twice, tmp_path, monkeypatch, "triggers.yaml")
    assert meta["articles"]["files_read_this_run"] == 0
    assert meta["extracted_events"]["articles_parsed"] == N_ARTICLES


def test_a_reader_change_rereads_without_reparsing(twice, tmp_path, monkeypatch):
    meta = _rerun_with_edited_lexicon(twice, tmp_path, monkeypatch, "boilerplate.yaml")
    assert meta["articles"]["files_read_this_run"] == N_FILES
    assert meta["extracted_events"]["articles_parsed"] == 0  # same texts: nothing to parse again
    assert meta["events@warehouse"]["rebuilt"] is False


def test_every_lexicon_the_rules_load_is_in_the_fingerprint():
    root = REPO / "pipelines"
    for package, listed in (("extract", set(EXTRACT_LEXICONS)), ("ingest", {"boilerplate.yaml"})):
        loaded = set()
        for source in (root / package).glob("*.py"):
            text = source.read_text(encoding="utf-8")
            loaded |= set(_quoted_after(text, 'load_data_file("'))
        assert loaded, package
        assert loaded <= listed, (package, loaded - listed)


def _quoted_after(text: str, prefix: str) -> list[str]:
    names = []
    start = text.find(prefix)
    while start != -1:
        start += len(prefix)
        names.append(text[start : text.index('"', start)])
        start = text.find(prefix, start)
    return names


def test_touched_but_unchanged_files_are_not_read_again(twice, tmp_path):
    raw, warehouse, *_ = twice
    work = tmp_path / "raw"
    shutil.copytree(raw, work)
    shutil.copytree(warehouse, tmp_path / "wh")
    for path in work.rglob("*"):
        if path.is_file():
            os.utime(path)  # new modification time, same bytes
    result = materialize_all(work, tmp_path / "wh")
    assert result.success
    meta = run_meta(result)
    assert meta["articles"]["files_read_this_run"] == 0
    assert meta["extracted_events"]["articles_parsed"] == 0


def test_near_duplicates_are_remembered_and_recomputed_when_articles_change(tmp_path):
    from pipelines.ingest import read_raw_folder
    from pipelines.ingest.dedup import NEAR_DUPLICATE_MEMO
    from pipelines.ingest.incremental import read_raw_incremental

    raw = tmp_path / "raw"
    shutil.copytree(INGEST_FIXTURES / "neardup", raw)
    state = tmp_path / "state"
    first = read_raw_incremental(raw, state).result
    assert first.near_duplicates == 2
    memo = state / NEAR_DUPLICATE_MEMO
    assert memo.is_file()
    stamp = memo.stat().st_mtime_ns
    again = read_raw_incremental(raw, state).result
    assert again.articles.equals(first.articles)
    assert memo.stat().st_mtime_ns == stamp  # reused, not recomputed and rewritten
    # One copy goes away: the grouping is computed again and matches a cold read.
    copy = sorted(p for p in raw.glob("*.txt"))[-1]
    copy.unlink()
    copy.with_name(copy.name.removesuffix(".txt") + ".meta.json").unlink(missing_ok=True)
    changed = read_raw_incremental(raw, state).result
    cold = read_raw_folder(raw)
    assert changed.articles.drop("ingested_at").equals(cold.articles.drop("ingested_at"))
    assert memo.stat().st_mtime_ns != stamp


def test_the_input_key_covers_every_field_extraction_reads():
    import dataclasses

    from pipelines.extract import ArticleInput
    from pipelines.extract.incremental import EXTRACTION_INPUTS

    assert tuple(f.name for f in dataclasses.fields(ArticleInput)) == EXTRACTION_INPUTS


def test_a_run_with_nothing_to_parse_never_loads_spacy(tmp_path):
    import subprocess
    import sys

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy2(RAW / "realist-us-venezuela.txt", raw)
    warehouse = tmp_path / "wh"
    assert materialize_all(raw, warehouse).success
    code = (
        "import sys\n"
        "from pipelines.cli import main\n"
        "code = main(['run', '--raw', sys.argv[1], '--warehouse', sys.argv[2]])\n"
        "print('exit', code, 'spacy', 'spacy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(raw), str(warehouse)],
        cwd=RAW.parent,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.stdout.splitlines()[-1] == "exit 0 spacy False", out.stderr[-2000:]


def test_only_new_articles_get_near_duplicate_signatures_computed(tmp_path, monkeypatch):
    # Signatures are most of the time of grouping; a run with one new article computes one,
    # and its grouping equals a cold read's.
    from pipelines.ingest import dedup, read_raw_folder
    from pipelines.ingest.incremental import read_raw_incremental

    raw = tmp_path / "raw"
    shutil.copytree(INGEST_FIXTURES / "neardup", raw)
    state = tmp_path / "state"
    read_raw_incremental(raw, state)
    signed = []
    real = dedup.minhash
    monkeypatch.setattr(dedup, "minhash", lambda hashes: signed.append(hashes) or real(hashes))
    # A new article: a fourth outlet's copy of the wire story, under its own headline.
    original = sorted(raw.glob("*.txt"))[0].read_text(encoding="utf-8")
    (raw / "mekong-fourth-outlet.txt").write_text(
        "Mekong floods: thousands leave their homes\n\n" + original, encoding="utf-8"
    )
    changed = read_raw_incremental(raw, state).result
    new = changed.articles.filter(pl.col("source_path") == "mekong-fourth-outlet.txt")
    assert new["duplicate_of"][0] is not None  # grouped with the other copies
    assert len(signed) == 1  # of 5 articles, only the new one's signature was computed
    assert changed.articles.height == 5
    monkeypatch.undo()
    cold = read_raw_folder(raw)
    assert changed.articles.drop("ingested_at").equals(cold.articles.drop("ingested_at"))


def test_a_run_with_nothing_new_reuses_the_tables_and_a_deleted_one_is_made_again(twice):
    raw, warehouse, _, second, _, tables_before = twice
    m2 = run_meta(second)
    for step_output in ("extracted_events", "events", "event_clusters", "claim_clusters"):
        assert m2[step_output]["unchanged"] is True, step_output
    for part in table_parts(warehouse, "event_clusters") + table_parts(warehouse, "quantities"):
        part.unlink()
    third = materialize_all(raw, warehouse)
    assert third.success
    m3 = run_meta(third)
    assert "unchanged" not in m3["event_clusters"] and "unchanged" not in m3["quantities"]
    after = read_tables(warehouse)
    for table in ("event_clusters", "quantities", "events"):
        assert after[table].equals(tables_before[table]), table
