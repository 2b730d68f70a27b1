"""Extraction quality on the hand-annotated gold set must not regress.

Floors sit a little under the figures in docs/quality.md, so a change that makes extraction
worse on any split fails here; raise them when the figures go up.
"""

from __future__ import annotations

import pytest

from pipelines.evaluate import evaluate
from tests.conftest import REPO

FLOORS = {
    # split: (events F1, claims F1, claim speaker accuracy, anonymous accuracy)
    "seed": (0.82, 0.87, 0.95, 0.95),
    "train": (0.78, 0.93, 0.95, 0.97),
    "test": (0.71, 0.92, 0.94, 0.97),
}


@pytest.fixture(scope="module")
def report():
    return evaluate(REPO / "tests" / "gold", REPO)


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_quality_floor(report, split):
    events_f1, claims_f1, speaker, anonymous = FLOORS[split]
    r = report[split]
    assert r["events"]["f1"] >= events_f1, r["events"]
    assert r["claims"]["f1"] >= claims_f1, r["claims"]
    assert r["claims"]["speaker_accuracy"] >= speaker, r["claims"]
    assert r["claims"]["anonymous_accuracy"] >= anonymous, r["claims"]


def test_gold_set_size(report):
    assert report["seed"]["articles"] == 1
    assert report["test"]["articles"] == 5
    assert report["train"]["articles"] >= 10
