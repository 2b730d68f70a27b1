"""Data files users edit are validated when loaded, with errors naming file and entry."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from pipelines.errors import LexiconError, TableValidationError
from pipelines.extract import actors, places, quantities, rules, sentence_typer
from pipelines.ingest import clean
from pipelines.lexicons import BUILTIN_DIR
from schemas import Events, validate_table
from schemas.codes import PLOVER_TYPES

CACHED = [
    rules.trigger_lexicon,
    rules.attribution_cues,
    rules.modality_cues,
    rules.speaker_words,
    quantities.quantity_words,
    actors.leading_words,
    actors.actor_dictionary,
    clean._chrome_patterns,
    places.gazetteer,
    sentence_typer.sentence_typer,
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
        ("triggers.yaml", "  types: [AGREE, ", "  types: [AGREES, ", "refusals.types: not PLOVER types"),
        ("triggers.yaml", "  ASSAULT: {quad_class: 4", "  ASSAULT: {quad_class: 5", "event_types.ASSAULT: quad_class must be 1..4"),
        ("triggers.yaml", "  AGREE: {quad_class: 1, symmetric: true", "  AGREE: {quad_class: 1, symmetric: yes", "event_types.AGREE.symmetric: expected true or false"),
        ("triggers.yaml", "  AID: {quad_class: 2, theme_object: [to, for]", "  AID: {quad_class: 2, theme_object: []", "event_types.AID.theme_object: expected prepositions"),
        ("triggers.yaml", "  PROTEST: {quad_class: 4,", "  PROTEST: {quad_class: 4, judges: true,", "event_types.PROTEST: unknown keys ['judges']"),
        ("triggers.yaml", "  PROTEST: {quad_class: 4, announced: THREATEN}\n", "", "event_types: missing ['PROTEST']"),
        ("triggers.yaml", "  AID: {quad_class: 2, theme_object: [to, for], announced: AGREE}", "  AID: {quad_class: 2, theme_object: [to, for], announced: PROMISE}", "event_types.AID.announced: expected a PLOVER type"),
        ("triggers.yaml", "    failed: REJECT,", "    failed: FAIL,", "event_types.AGREE.failed: expected a PLOVER type"),
        ("triggers.yaml", "peacekeeping: AID}", "peacekeeping: HELP}", "event_types.MOBILIZE.peacekeeping: expected a PLOVER type"),
        ("triggers.yaml", "peacekeeping_words: [peacekeeping,", "peacekeeping_words: [1,", "peacekeeping_words: expected a list"),
        ("triggers.yaml", "    - {lemma: sign, plover: SUPPORT}", "    - {lemma: sign, plover: ENDORSE}", "types.AGREE[1]: plover must be a PLOVER type"),
        ("triggers.yaml", "event_types:\n", "symmetric_types: [AGREE]\nevent_types:\n", "symmetric_types: unknown section"),
        ("triggers.yaml", "suspicion_verbs: [suspect]", "suspicion_verbs: [suspect, 2]", "suspicion_verbs: expected a list"),
        ("triggers.yaml", "said_things: [charge,", "said_things: [3,", "said_things: expected a list"),
        ("triggers.yaml", "permission_verbs: [authorise,", "permission_verbs: ['', authorise,", "permission_verbs: expected a list"),
        ("attribution.yaml", "  say: assert", "  say: asert", "verbs.say: stance must be one of"),
        ("attribution.yaml", "  think: {stance: assert, kind: belief,", "  think: {stance: assert, kind: opinion,", "verbs.think: kind must be one of"),
        ("attribution.yaml", "  tweet: {stance: assert, content: [ccomp]}", "  tweet: {stance: assert, content: []}", "verbs.tweet.content: expected"),
        ("attribution.yaml", "  tweet: {stance: assert,", "  tweet: {stance: assert, channel: x,", "verbs.tweet: unknown keys ['channel']"),
        ("attribution.yaml", "content: [dobj], speaker: person}", "content: [dobj], speaker: group}", "verbs.attack.speaker: expected person"),
        ("attribution.yaml", "content: [ccomp, dobj], object: thing}", "content: [ccomp, dobj], object: stuff}", "verbs.question.object: expected thing"),
        ("attribution.yaml", "people_nouns: [man,", "people_nouns: [1,", "people_nouns: expected a list"),
        ("attribution.yaml", '  call: {stance: request, content: ["prep:for"]}', '  call: {stance: request, content: [pobj]}', "nouns.call.content: expected prepositions"),
        ("attribution.yaml", "  criticism: {stance: accuse,", "  criticism: {stance: blame,", "nouns.criticism: stance must be one of"),
        ("attribution.yaml", "  point: assert\n", "  point: asert\n", "light_nouns.point: stance must be one of"),
        ("attribution.yaml", "  point: assert\n", "  point: assert\n  claim: assert\n", "light_nouns: ['claim'] already listed under nouns"),
        ("modality.yaml", "  auxiliaries: [could,", "  auxiliaries: [1,", "possible.auxiliaries"),
        ("actors.yaml", "  - {code: USA,", "  - {code: US,", "countries[0]: code must be"),
        ("actors.yaml", "kind: organization, country: USA, sector: MIL", "kind: army, country: USA, sector: MIL", "actors[0]: kind must be one of"),
        ("actors.yaml", "  - {id: USAMIL,", "  - {id: USA MIL,", "actors[0]: id is required"),
        ("boilerplate.yaml", '  - "advertisement"', '  - "advert(isement"', "bad regex"),
        ("places.yaml", "kind: sea, lat: 15.0, lon: -75.0", "kind: sea, lat: 95.0, lon: -75.0", "places[0]: lat -90..90"),
        ("places.yaml", "kind: sea, lat: 39.0", "kind: lake, lat: 39.0", "kind must be one of"),
        ("quantities.yaml", "{words: at least, qualifier: at_least}", "{words: at least, qualifier: atleast}", "qualifiers[0]: qualifier must be one of"),
        ("quantities.yaml", "  - {words: over,", "  - {words: '',", "qualifiers[3]: words required"),
        ("quantities.yaml", "  killed: [kill,", "  slain: [kill,", "kinds.slain: kind must be one of"),
        ("quantities.yaml", "  injured: [injure,", "  injured: [kill, injure,", "kinds.injured: 'kill' listed under two kinds"),
        ("quantities.yaml", "  $: USD", "  $: dollars", "currency_symbols.$: expected an ISO 4217 code"),
        ("quantities.yaml", "  yuan: CNY", "  yuan: cny", "currency_words.yuan: expected an ISO 4217 code"),
        ("quantities.yaml", "  dozens: 24", "  dozens: lots", "vague_plurals.dozens: expected a whole number"),
        ("quantities.yaml", "  million: 1000000\n", "  million: -1\n", "scales.million: expected a whole number"),
        ("quantities.yaml", "\nkinds:", "\nkind:", "kind: unknown section"),
        ("speakers.yaml", "role_heads: [lawyer,", "role_heads: [1,", "role_heads: expected a list of non-empty strings"),
        ("speakers.yaml", "government_heads: [partner,", "government_heads: ['', partner,", "government_heads: expected a list"),
        ("speakers.yaml", "\nanonymity_verbs:", "\nanonymity_verb:", "anonymity_verb: unknown section"),
        ("leading_words.yaml", "leading_words: [the,", "leading_words: [the very,", "leading_words[0]: 'the very' is not one word"),
        ("leading_words.yaml", "leading_words: [the,", "leading_words: [1,", "leading_words: expected a list"),
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
        "quantities.yaml": quantities.quantity_words,
        "speakers.yaml": rules.speaker_words,
        "leading_words.yaml": actors.leading_words,
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


def test_user_word_lists_change_extraction(lexicon_dir):
    # Each word list moved out of the code is read from EVENTWIRE_LEXICON_DIR like the rest.
    from pipelines.extract import ArticleInput, extract_articles

    text = "The government pledged 50 million naira. The guild said members would strike."

    def extracted():
        return extract_articles([ArticleInput("b" * 16, text)], n_process=1)

    before = extracted()
    assert before.quantities["kind"].to_list() == ["count"]
    assert before.claims["speaker_kind"].to_list() == ["other"]
    quantities_yaml = lexicon_dir / "quantities.yaml"
    quantities_yaml.write_text(
        quantities_yaml.read_text(encoding="utf-8").replace(
            "currency_words:\n", "currency_words:\n  naira: NGN\n"
        ),
        encoding="utf-8",
    )
    speakers_yaml = lexicon_dir / "speakers.yaml"
    speakers_yaml.write_text(
        speakers_yaml.read_text(encoding="utf-8").replace(
            "organization_heads: [", "organization_heads: [guild, "
        ),
        encoding="utf-8",
    )
    for fn in CACHED:
        fn.cache_clear()
    after = extracted()
    assert after.quantities.select("kind", "unit").rows() == [("money", "NGN")]
    assert after.claims["speaker_kind"].to_list() == ["organization"]


def test_user_leading_words_change_actor_lookup(lexicon_dir):
    assert actors.strip_leading("the notorious Pentagon") == "notorious Pentagon"
    path = lexicon_dir / "leading_words.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("leading_words: [", "leading_words: [notorious, "),
        encoding="utf-8",
    )
    actors.leading_words.cache_clear()
    assert actors.strip_leading("the notorious Pentagon") == "Pentagon"


def test_type_flags_are_read_per_type():
    types = rules.trigger_lexicon().types
    assert list(types) == list(PLOVER_TYPES)
    assert types["AGREE"].symmetric and types["AGREE"].theme_object == {"with"}
    assert types["ACCUSE"].referring and types["ACCUSE"].judging and not types["ACCUSE"].content
    assert types["RETREAT"].referring and not types["RETREAT"].judging
    assert types["THREATEN"].content and types["ASSAULT"].acted_on
    assert [t.name for t in types.values() if t.symmetric] == [
        "AGREE",
        "CONSULT",
        "COOPERATE",
        "RETREAT",
    ]


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
