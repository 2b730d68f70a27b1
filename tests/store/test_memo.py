"""A step reuses its tables only while its inputs and every table it wrote are as recorded."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.store import TableFiles
from pipelines.store.memo import StepMemo


def _memo(tmp_path) -> tuple[StepMemo, TableFiles]:
    files = TableFiles(tmp_path)
    files.write("a", pl.DataFrame({"x": [1, 2]}))
    files.write("b", pl.DataFrame({"y": ["z"]}))
    memo = StepMemo(tmp_path / "state", "step", {"a": files, "b": files})
    memo.record("inputs-1", {"a": 2, "b": 1})
    return memo, files


def test_same_inputs_and_untouched_tables_are_reused(tmp_path):
    memo, files = _memo(tmp_path)
    files.write("a", pl.DataFrame({"x": [1, 2]}))  # same content: the file is kept
    recorded = memo.still_valid("inputs-1")
    assert recorded is not None and recorded.rows == {"a": 2, "b": 1}


def test_other_inputs_a_rewritten_or_missing_table_or_no_record_are_not(tmp_path):
    memo, files = _memo(tmp_path)
    assert memo.still_valid("inputs-2") is None
    files.write("a", pl.DataFrame({"x": [1, 2, 3]}))
    assert memo.still_valid("inputs-1") is None
    memo.record("inputs-1", {"a": 3, "b": 1})
    assert memo.still_valid("inputs-1") is not None
    for part in files.part_paths("b"):
        part.unlink()
    assert memo.still_valid("inputs-1") is None
    memo.record("inputs-1", {"a": 3, "b": 0})
    memo.forget()
    assert memo.still_valid("inputs-1") is None


def test_an_unchanged_warehouse_file_is_not_checked_again(tmp_path, monkeypatch):
    from pipelines.store import build_warehouse, inspect_warehouse, warehouse
    from schemas import TABLES, empty_frame
    from schemas.relations import REFERENCES

    files = TableFiles(tmp_path)
    for table, model in TABLES.items():
        files.write(table, empty_frame(model))
    build_warehouse(tmp_path, list(TABLES))
    first = inspect_warehouse(tmp_path, TABLES, REFERENCES).checks
    assert first and all(c.passed for c in first)

    def must_not_run(*_):
        raise AssertionError("checked again")

    monkeypatch.setattr(warehouse, "check_warehouse", must_not_run)
    assert inspect_warehouse(tmp_path, TABLES, REFERENCES).checks == first
    build_warehouse(tmp_path, list(TABLES), force=True)  # a new file: checked again
    with pytest.raises(AssertionError, match="checked again"):
        inspect_warehouse(tmp_path, TABLES, REFERENCES)
