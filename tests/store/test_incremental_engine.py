"""The incremental cycle ingest and extraction share (pipelines/store/incremental.py), on a
toy stage: results saved at checkpoints, reused only under the same fingerprint, compacted
to the units still there."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
import pytest

from pipelines.store.incremental import StageState, in_unit_order, incremental_run
from pipelines.store.state import KEY


class Words(pa.DataFrameModel):
    word: str


STAGE = StageState(
    name="toy",
    unit_index={"length": pl.Int64()},
    tables={"words": Words},
    fault_point=None,
)


def segments(state) -> int:
    return len(list((state / "toy").glob("seg-*")))


def process(state, texts: dict[str, str], fp: str = "v1", every: int = 2) -> list[str]:
    """Split each new or changed text into words; returns the keys processed."""
    done, before = [], segments(state)
    with incremental_run(STAGE, state, fp, checkpoint_every=every, load_tables=True) as run:
        for key, text in texts.items():
            kept = run.current(key)
            if kept is not None and kept["length"] == len(text):
                assert run.rows("words", key) == [{"word": w} for w in text.split()]
                continue
            run.record(key, {"length": len(text)}, {"words": [{"word": w} for w in text.split()]})
            done.append(key)
            if len(done) == every:  # a checkpoint was just written
                assert segments(state) == before + 1
        run.finish(keep=list(texts))
    return done


def test_results_are_reused_only_under_the_same_fingerprint(tmp_path):
    texts = {"a": "one two", "b": "three", "c": "four five six"}
    assert process(tmp_path, texts) == ["a", "b", "c"]
    assert segments(tmp_path) == 1  # two checkpoints, compacted into one
    assert process(tmp_path, texts) == []
    texts["b"] = "three and more"
    assert process(tmp_path, texts) == ["b"]
    assert process(tmp_path, texts, fp="v2") == ["a", "b", "c"]


def test_finish_keeps_only_the_units_still_there(tmp_path):
    process(tmp_path, {"a": "one two", "b": "three"})
    process(tmp_path, {"b": "three"})
    stored = STAGE.store(tmp_path).load()
    assert stored.index[KEY].to_list() == ["b"]
    assert stored.tables["words"]["word"].to_list() == ["three"]
    assert stored.index["fingerprint"].to_list() == ["v1"]


def test_rows_come_back_in_unit_order(tmp_path):
    process(tmp_path, {"b": "three", "a": "one two"})
    stored = STAGE.store(tmp_path).load()
    ordered = in_unit_order(stored.tables["words"], {"a": 0, "b": 1})
    assert ordered["word"].to_list() == ["one", "two", "three"]


def test_stored_rows_need_the_tables_loaded(tmp_path):
    process(tmp_path, {"a": "one"})
    with incremental_run(STAGE, tmp_path, "v1", checkpoint_every=10) as run:
        assert run.current("a") is not None
        with pytest.raises(RuntimeError):
            run.rows("words", "a")
