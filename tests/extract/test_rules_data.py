"""Data files users edit are validated when loaded, with errors naming file and entry."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from pipelines.extract import actors, places, rules
from pipelines.ingest import clean
from pipelines.lexicons import BUILTIN_DIR, LexiconError
from schemas import Events, TableValidationError, validate_table

CACHED = [
    rules.trigger_lexicon,
    rules.attribution_cues,
    rules.modality_cues,
    actors.actor_dictionary,
    clean._chrome_patterns,
    places.gazetteer,
]


@pytest.fixture
def lexicon_dir(tmp_path, monkeypatch):
    for f in BUILTIN_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path)
    monkeypatch.setenv("EVENTWIRE_LEXICON_DIR", str(tmp_path))
    for fn in CACHED:
        fn.cache_clear()
    yield tmp_path
    monkeypatch.delenv("EVENTWIRE_LEXICON_DIR")
    for fn in CACHED:
        fn.cache_clear()


def test_shipped_files_load():
    assert rules.trigger_lexicon().lookup("attack", "VERB")[0].event_type == "ASSAULT"
    assert rules.attribution_cues().verbs["say"] == "assert"
    assert "could" in rules.modality_cues().possible_aux
    assert actors.actor_dictionary().by_alias["Pentagon".lower()].actor_id == "USAMIL"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("triggers.yaml", "  ASSAULT:\n    - attack", "  ASSAULT:\n    - {lemma: attack, pos: [VRB]}", "pos must be among"),
        ("triggers.yaml", "  PROTEST:\n", "  PROTESTS:\n", "types.PROTESTS: not a PLOVER type"),
        ("triggers.yaml", "  ASSAULT: 4", "  ASSAULT: 5", "quad_class.ASSAULT"),
        ("attribution.yaml", "  say: assert", "  say: asert", "verbs.say: stance must be one of"),
        ("modality.yaml", "  auxiliaries: [could,", "  auxiliaries: [1,", "possible.auxiliaries"),
        ("actors.yaml", "  - {code: USA,", "  - {code: US,", "countries[0]: code must be"),
        ("actors.yaml", "kind: organization, country: USA, sector: MIL", "kind: army, country: USA, sector: MIL", "actors[0]: kind must be one of"),
        ("actors.yaml", "  - {id: USAMIL,", "  - {id: USA MIL,", "actors[0]: id is required"),
        ("boilerplate.yaml", '  - "advertisement"', '  - "advert(isement"', "bad regex"),
        ("places.yaml", "kind: sea, lat: 15.0, lon: -75.0", "kind: sea, lat: 95.0, lon: -75.0", "places[0]: lat -90..90"),
        ("places.yaml", "kind: sea, lat: 39.0", "kind: lake, lat: 39.0", "kind must be one of"),
    ],
)  # fmt: skip
def test_bad_entries_are_refused_with_file_and_entry(lexicon_dir, file, old, new, message):
    path = lexicon_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    loaders = {
        "triggers.yaml": rules.trigger_lexicon,
        "attribution.yaml": rules.attribution_cues,
        "modality.yaml": rules.modality_cues,
        "actors.yaml": actors.actor_dictionary,
        "boilerplate.yaml": clean._chrome_patterns,
        "places.yaml": places._own_places,
    }
    with pytest.raises(LexiconError) as err:
        loaders[file]()
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_user_extension_changes_extraction(lexicon_dir):
    from pipelines.extract import ArticleInput, extract_articles

    path = lexicon_dir / "actors.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  - {id: NGFRONT, name: Northern Valley Front, kind: armed_group, country: COL,"
        " sector: REB, aliases: [Northern Valley Front, the Front]}\n",
        encoding="utf-8",
    )
    r = extract_articles(
        [ArticleInput("b" * 16, "The Northern Valley Front attacked a convoy on Sunday.")]
    )
    assert r.events["actor1_id"].to_list() == ["NGFRONT"]
    assert r.actors.filter(pl.col("actor_id") == "NGFRONT")["sector"].to_list() == ["REB"]


def test_validation_failure_names_table_column_and_rows():
    bad = pl.DataFrame(
        {
            "event_id": ["e1", "e1"],
            "article_id": ["a", "a"],
            "sentence_index": [0, 1],
            "start_char": [0, 5],
            "end_char": [3, 9],
            "trigger": ["hit", "shot"],
            "event_type": ["ASSAULT", "PUNCH"],
        }
    )
    with pytest.raises(TableValidationError) as err:
        validate_table("events", Events, bad)
    message = str(err.value)
    assert "table 'events'" in message
    assert "column 'event_id'" in message  # duplicate key
    assert "column 'event_type'" in message and "'PUNCH'" in message and "rows 1" in message
    assert "quad_class" in message  # missing column


def test_data_dictionary_is_generated_from_the_models():
    from schemas import dictionary

    assert dictionary.main(["--check"]) == 0, "run: python -m schemas.dictionary"


def test_yaml_words_that_yaml_1_1_would_read_as_booleans_stay_words(lexicon_dir):
    assert ("call", "on") in [w for w, _ in rules.attribution_cues().phrases]
    assert "no" in rules.modality_cues().negators
