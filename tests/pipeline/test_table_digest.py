"""Behaviour pinned across refactors: every table built from raw/ and from the gold texts has
the digest recorded in tests/table_digests.json. A change meant to alter extraction updates
that file (`python -m tests.table_digest --update`) in the same commit and says why."""

from __future__ import annotations

import json

import pytest

from tests.table_digest import CORPORA, PINNED, build, table_digests


@pytest.fixture(scope="module")
def pinned() -> dict[str, dict[str, str]]:
    return json.loads(PINNED.read_text())


def test_tables_from_raw_match_the_pinned_digest(shipped_run, pinned):
    _, warehouse = shipped_run
    assert table_digests(warehouse) == pinned["raw"]


def test_tables_from_the_gold_texts_match_the_pinned_digest(tmp_path, pinned):
    assert build(CORPORA["gold"], tmp_path) == pinned["gold"]
