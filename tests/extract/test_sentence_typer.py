"""The sentence typer: a learned fallback asked only where no lexicon entry fired."""

from __future__ import annotations

import json

import pytest

from pipelines.errors import LexiconError
from pipelines.extract import ArticleInput, extract_articles, sentence_typer
from pipelines.extract.nlp import load_nlp
from pipelines.lexicons import BUILTIN_DIR
from pipelines.train.sentence_typer import fit

NO_ENTRY = "Thousands of people poured into the streets of the capital on Sunday."


def _events(text: str) -> list[dict]:
    return extract_articles([ArticleInput("t" * 16, text)], n_process=1).events.to_dicts()


@pytest.fixture
def typer_file(tmp_path, monkeypatch):
    """Write a sentence_typer.json of one's own into a lexicon folder in use."""

    def write(data: dict) -> None:
        (tmp_path / sentence_typer.FILE).write_text(json.dumps(data), encoding="utf-8")
        sentence_typer.sentence_typer.cache_clear()

    monkeypatch.setenv("EVENTWIRE_LEXICON_DIR", str(tmp_path))
    yield write
    monkeypatch.delenv("EVENTWIRE_LEXICON_DIR")
    sentence_typer.sentence_typer.cache_clear()


def test_a_sentence_no_entry_fires_in_gets_the_models_type():
    (ev,) = _events(NO_ENTRY)
    assert ev["event_type"] == "PROTEST"
    assert ev["type_basis"] == "model"
    assert 0 < ev["confidence"] < 0.5  # below every lexicon entry's
    # The noun that decided the type ("streets") hands the trigger to its clause's verb, so
    # the parties are read from the clause.
    assert ev["trigger"] == "poured"
    assert ev["actor1_text"] == "Thousands of people"
    assert NO_ENTRY[ev["start_char"] : ev["end_char"]] == "poured"
    # "into the streets" is where it happened: no entry names the verb's target prepositions
    assert ev["actor2_text"] is None


def test_an_entry_that_fires_keeps_the_sentence_to_the_lexicon():
    # protesters clashing are a riot (PROTEST's "clash" entry), troops clashing an ASSAULT
    events = _events("Protesters clashed with riot police outside parliament on Friday.")
    assert [(e["event_type"], e["type_basis"]) for e in events] == [("PROTEST", "lexicon")]


def test_a_typer_file_with_no_classes_switches_it_off(typer_file):
    typer_file({"format": 1, "classes": []})
    assert _events(NO_ENTRY) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"classes": ["PROTEST", "RIOT", "NONE"]}, "not PLOVER types or NONE: ['RIOT']"),
        ({"classes": ["PROTEST", "ASSAULT"]}, "NONE once"),
        ({"threshold": 0}, "threshold: in (0, 1]"),
        ({"bias": [0.0]}, "bias: expected 3 finite numbers"),
        ({"weights": {"v=march": [1.0, "x", 0.0]}}, "weights.v=march: expected 3 finite numbers"),
        ({"weights": {"v=march": [1.0, float("inf"), 0.0]}}, "weights.v=march"),
        ({"layers": 2}, "unknown keys ['layers']"),
        ({"format": 2}, "format must be 1"),
    ],
)
def test_a_broken_typer_file_names_what_is_wrong(typer_file, change, message):
    good = {
        "format": 1,
        "classes": ["ASSAULT", "NONE", "PROTEST"],
        "threshold": 0.4,
        "bias": [0.0, 0.0, 0.0],
        "weights": {"v=march": [0.0, -1.0, 2.0]},
    }
    typer_file(good | change)
    with pytest.raises(LexiconError, match=r"sentence_typer\.json: ") as err:
        sentence_typer.sentence_typer()
    assert message in str(err.value)


def test_the_shipped_file_loads_and_knows_every_type_it_may_give():
    typer = sentence_typer.parse_typer(
        json.loads((BUILTIN_DIR / sentence_typer.FILE).read_text(encoding="utf-8")), "shipped"
    )
    assert "NONE" in typer.classes and len(typer.classes) > 10
    assert 0 < typer.threshold < 1


def test_training_fits_the_examples_it_is_given():
    # A small set where the verb decides: fitting must put each sentence in its class, and the
    # file it writes must load.
    examples = [({"v=march", "n=street"}, "PROTEST")] * 3 + [({"v=shell", "n=town"}, "ASSAULT")] * 3
    examples += [({"v=say", "n=weather"}, "NONE")] * 3
    model = fit(examples)
    typer = sentence_typer.parse_typer(model, "trained")
    nlp = load_nlp()
    sent = next(nlp("Workers march in the street.").sents)
    guess = typer.guess(sent)
    assert guess is not None and guess.event_type == "PROTEST" and guess.trigger.text == "march"
    assert typer.guess(next(nlp("They say the weather is fine.").sents)) is None
