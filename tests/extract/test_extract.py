"""Extraction rules on sentences of our own, through the same entry point the asset uses."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.extract import ArticleInput, extract_articles
from pipelines.extract.dates import resolve_date
from pipelines.extract.quantities import parse_number
from tests.helpers import RAW, REPO

PUBLISHED = dt.date(2025, 11, 19)  # a Wednesday


@pytest.fixture(scope="module")
def extract():
    def run(text: str, published: dt.date | None = PUBLISHED):
        result = extract_articles([ArticleInput("a" * 16, text, published)], n_process=1)
        return result

    return run


def events_of(result) -> list[dict]:
    return result.events.to_dicts()


def test_passive_voice_gives_agent_as_actor1(extract):
    r = extract("Eleven villagers were killed by gunmen in Plateau state on Monday.")
    (ev,) = events_of(r)
    assert ev["event_type"] == "ASSAULT"
    assert ev["actor1_text"] == "gunmen"
    assert ev["actor2_text"] == "Eleven villagers"
    assert ev["event_date"] == dt.date(2025, 11, 17)  # the Monday before publication
    (q,) = r.quantities.to_dicts()
    assert (q["kind"], q["value"], q["qualifier"]) == ("killed", 11, "exact")
    assert q["event_id"] == ev["event_id"]


def test_nominal_trigger_with_light_verb_and_target(extract):
    r = extract("Russian forces launched an attack on a power station near Kharkiv on Tuesday.")
    (ev,) = events_of(r)
    assert (ev["trigger"], ev["event_type"]) == ("attack", "ASSAULT")
    assert ev["actor1_text"] == "Russian forces"
    assert ev["actor1_id"] == "RUSMIL"
    assert ev["actor2_text"] == "a power station"
    assert ev["location_text"] == "Kharkiv"
    assert (ev["location_country"], ev["location_precision"]) == ("UKR", "city")
    assert abs(ev["latitude"] - 49.98) < 0.1 and abs(ev["longitude"] - 36.25) < 0.1


@pytest.mark.parametrize(
    ("sentence", "trigger", "modality"),
    [
        ("The army is preparing to deploy troops to the border.", "deploy", "planned"),
        (
            "Brussels is expected to impose sanctions on the refinery next week.",
            "sanctions",
            "expected",
        ),
        ("The government could arrest the opposition leader.", "arrest", "possible"),
        ("Police did not arrest anyone at the march.", "arrest", "negated"),
        ("Officials denied that troops had attacked the village.", "attacked", "denied"),
        ("Soldiers attacked the village at dawn.", "attacked", "asserted"),
    ],
)
def test_modality_from_the_text(extract, sentence, trigger, modality):
    events = {e["trigger"]: e for e in events_of(extract(sentence))}
    assert events[trigger]["modality"] == modality


@pytest.mark.parametrize(
    ("phrase", "value", "qualifier"),
    [
        ("at least 83 people were killed", 83, "at_least"),
        ("more than 300 protesters were arrested", 300, "more_than"),
        ("about 40 people were injured", 40, "about"),
        ("up to 12 soldiers were killed", 12, "up_to"),
        ("dozens of people were injured", 24, "at_least"),
        ("seven people were killed", 7, "exact"),
    ],
)
def test_casualty_qualifiers_and_number_words(extract, phrase, value, qualifier):
    r = extract(f"Officials said {phrase} in the attack on Sunday.")
    casualties = [
        q for q in r.quantities.to_dicts() if q["kind"] in ("killed", "injured", "arrested")
    ]
    assert [(q["value"], q["qualifier"]) for q in casualties] == [(value, qualifier)]


def test_pledges_are_planned_and_orders_carried_out(extract):
    r = extract("The United States pledged $25 million in aid to the coordination centres.")
    (ev,) = events_of(r)
    assert (ev["event_type"], ev["modality"]) == ("AID", "planned")
    assert ev["actor2_text"] == "the coordination centres"
    r = extract("A judge ordered the detention of 30 activists on Monday.")
    (ev,) = events_of(r)
    assert (ev["event_type"], ev["modality"]) == ("COERCE", "asserted")


def test_money_and_number_parsing(extract):
    r = extract("Washington doubled its reward for information on the commander to $25 million.")
    money = [q for q in r.quantities.to_dicts() if q["kind"] == "money"]
    assert [(m["value"], m["unit"], m["text"]) for m in money] == [(25e6, "USD", "$25 million")]
    assert parse_number(["eighty-three"]) == 83
    assert parse_number(["1,200"]) == 1200
    assert parse_number(["2.5", "billion"]) == 2.5e9


def test_claim_told_outlet_inverted_order(extract):
    r = extract(
        "The navy will send two more frigates to the Aegean, three Greek officials told "
        "Atlas News Agency on Friday."
    )
    (c,) = r.claims.to_dicts()
    assert c["speaker_text"] == "three Greek officials"
    assert c["speaker_count"] == 3
    assert c["anonymous"] is True
    assert c["reported_via"] == "Atlas News Agency"
    assert c["content"] == "The navy will send two more frigates to the Aegean"
    (ev,) = events_of(r)
    assert ev["claim_id"] == c["claim_id"]


def test_claim_according_to_and_named_speaker(extract):
    r = extract(
        "According to the interior ministry, 46 people were arrested. "
        "Public Security Minister Tomas Aravena said police had acted “proportionately”."
    )
    by_cue = {c["cue_lemma"]: c for c in r.claims.to_dicts()}
    acc = by_cue["according to"]
    assert acc["speaker_text"] == "the interior ministry"
    assert acc["content"] == "46 people were arrested"
    assert acc["anonymous"] is False
    said = by_cue["say"]
    assert said["speaker_kind"] == "named_person"
    assert said["content"] == "police had acted “proportionately”"
    assert said["direct_quote"] is False


def test_direct_quote_and_refusal(extract):
    r = extract(
        "“We will not back down,” the opposition leader said. "
        "The defence ministry declined to comment."
    )
    claims = {c["stance"]: c for c in r.claims.to_dicts()}
    assert claims["assert"]["direct_quote"] is True
    assert claims["assert"]["content"].startswith("“We will not back down")
    refusal = claims["decline_comment"]
    assert refusal["speaker_text"] == "The defence ministry"
    assert refusal["cue"] == "declined to comment"
    assert refusal["content"] is None


def test_metonyms_and_pronouns_resolve(extract):
    r = extract(
        "President Nicolas Maduro addressed supporters in Caracas. "
        "Washington accuses Maduro of drug trafficking, allegations he rejects."
    )
    events = {e["event_type"]: e for e in events_of(r)}
    assert events["ACCUSE"]["actor1_id"] == "USAGOV"
    assert events["ACCUSE"]["actor2_id"] == "person:nicolas-maduro"
    assert events["REJECT"]["actor1_text"] == "he"
    assert events["REJECT"]["actor1_id"] == "person:nicolas-maduro"
    actors = {a["actor_id"]: a for a in r.actors.to_dicts()}
    assert actors["USAGOV"]["country"] == "USA"
    assert "Washington" in actors["USAGOV"]["aliases"]


@pytest.mark.parametrize("published", [dt.date(2025, 11, 19), dt.date(2024, 2, 29)])
@pytest.mark.parametrize("future", [False, True])
def test_common_dates_are_read_as_dateparser_reads_them(published, future):
    from pipelines.extract.dates import _month_day, _parsed_day

    phrases = [
        f"{month} {day}{suffix}"
        for month in ("november", "nov.", "february", "june", "sept")
        for day in (1, 19, 29, 30)
        for suffix in ("", "th", ", 2025")
    ] + ["19 november", "29th of february", "1 june 2024"]
    read = 0
    for phrase in phrases:
        mine = _month_day(phrase, published, future)
        if mine is not None:  # None: left to dateparser
            read += 1
            assert mine == _parsed_day(phrase, published, future), phrase
    assert read >= len(phrases) - 8  # the fast path takes nearly all of them


def test_people_outside_the_dictionary_keep_their_name_through_short_forms(extract):
    r = extract(
        "Paraguayan Interior Minister Lucia Benitez met police commanders in Asuncion on "
        "Tuesday. She later ordered the arrest of three customs officers. Benitez also "
        "accused the governor of corruption. The minister expelled two Brazilian diplomats on "
        "Wednesday. The Northern Valley Front attacked a patrol near "
        "the border. The front later withdrew from the town."
    )
    events = {e["trigger"]: e for e in events_of(r)}
    actors = {a["actor_id"]: a for a in r.actors.to_dicts()}
    person = events["met"]["actor1_id"]
    assert events["met"]["actor1_text"] == "Paraguayan Interior Minister Lucia Benitez"
    assert actors[person]["name"] == "Lucia Benitez"
    assert actors[person]["kind"] == "person"
    assert actors[person]["in_dictionary"] is False
    # "She" and the surname alone are the same person, written as they are in the text.
    assert events["arrest"]["actor1_text"] == "She"
    assert events["arrest"]["actor1_id"] == person
    assert events["accused"]["actor1_text"] == "Benitez"
    assert events["accused"]["actor1_id"] == person
    assert events["expelled"]["actor1_text"] == "The minister"
    assert events["expelled"]["actor1_id"] == person
    assert {"She", "Benitez"} <= set(actors[person]["aliases"])
    # "the front" is the body the article named in full just before.
    front = events["attacked"]["actor1_id"]
    assert events["withdrew"]["actor1_text"] == "The front"
    assert events["withdrew"]["actor1_id"] == front


def test_an_object_pronoun_is_not_the_events_own_first_party(extract):
    # "him" after "X called Y": Y, not X, though X is named again as the second event's actor
    r = extract(
        "Prime Minister Ana Ruiz called Foreign Minister Tomas Vera on Wednesday to congratulate "
        "him on his election."
    )
    events = {e["trigger"]: e for e in events_of(r)}
    actors = {a["actor_id"]: a["name"] for a in r.actors.to_dicts()}
    assert actors[events["congratulate"]["actor1_id"]] == "Ana Ruiz"
    assert events["congratulate"]["actor2_text"] == "him"
    assert actors[events["congratulate"]["actor2_id"]] == "Tomas Vera"


@pytest.mark.parametrize(
    ("text", "trigger", "actor_text"),
    [
        # the head of the phrase is no name: the residents, not a person called Coalcoman
        ("Residents of Coalcoman blocked the highway on Monday.", "blocked", "Residents"),
        # a name with no title is the whole phrase's: a ship is no person
        ("The carrier USS Gerald R. Ford arrived in the Caribbean.", "arrived", "Ford"),
    ],
)
def test_a_name_inside_a_phrase_is_no_person_without_a_title(extract, text, trigger, actor_text):
    r = extract(text)
    ev = next(e for e in events_of(r) if e["trigger"] == trigger)
    actors = {a["actor_id"]: a for a in r.actors.to_dicts()}
    assert actor_text in actors[ev["actor1_id"]]["name"]
    assert actors[ev["actor1_id"]]["name"] != "Coalcoman"
    assert actors[ev["actor1_id"]]["name"] != "Gerald R. Ford"


def test_unknown_entities_are_kept_without_a_code(extract):
    r = extract("The Northern Valley Front attacked a convoy on the highway.")
    (ev,) = events_of(r)
    actors = {a["actor_id"]: a for a in r.actors.to_dicts()}
    unknown = actors[ev["actor1_id"]]
    assert unknown["in_dictionary"] is False
    assert unknown["country"] is None
    assert ev["actor1_text"] == "The Northern Valley Front"


@pytest.mark.parametrize(
    ("text", "future", "expected"),
    [
        ("November 16", False, (dt.date(2025, 11, 16), None, "day")),
        ("Monday", True, (dt.date(2025, 11, 24), None, "day")),
        ("Monday", False, (dt.date(2025, 11, 17), None, "day")),
        ("Wednesday", False, (dt.date(2025, 11, 19), None, "day")),
        ("two days ago", False, (dt.date(2025, 11, 17), None, "day")),
        ("Since September", False, (dt.date(2025, 9, 1), dt.date(2025, 11, 19), "range")),
        ("last week", False, (dt.date(2025, 11, 10), dt.date(2025, 11, 16), "range")),
        ("October", False, (dt.date(2025, 10, 1), None, "month")),
        ("next month", True, (dt.date(2025, 12, 1), None, "month")),
        ("later this month", True, (dt.date(2025, 11, 1), None, "month")),
        ("next week", True, (dt.date(2025, 11, 24), dt.date(2025, 11, 30), "range")),
        ("2024", False, (dt.date(2024, 1, 1), None, "year")),
    ],
)
def test_date_resolution(text, future, expected):
    r = resolve_date(text, PUBLISHED, future=future)
    assert (r.start, r.end, r.precision) == expected


def test_vague_dates_resolve_to_nothing():
    assert resolve_date("in the coming days", PUBLISHED, future=True) is None
    assert resolve_date("in recent weeks", PUBLISHED, future=False) is None
    assert resolve_date("Monday", None, future=False) is None


def test_codebook_examples_give_their_types(extract):
    from pipelines.extract.rules import trigger_lexicon

    examples = trigger_lexicon().examples
    assert len(examples) == 16
    for etype, sentence in examples.items():
        types = set(extract(sentence).events["event_type"])
        assert etype in types, (etype, sentence, types)


def test_codebook_is_generated_from_the_lexicon():
    from pipelines.extract import codebook

    assert codebook.main(["--check"]) == 0, "run: python -m pipelines.extract.codebook"


def test_judged_event_nouns_refer_back(extract):
    r = extract("Nigeria's presidency condemned the attack as barbaric.")
    assert events_of(r)[0]["event_type"] == "ACCUSE"
    assert [e["event_type"] for e in events_of(r)] == ["ACCUSE"]


def test_requested_actions_are_not_events(extract):
    r = extract("Greece urged Ankara to withdraw the vessel from the disputed waters.")
    assert [e["event_type"] for e in events_of(r)] == ["REQUEST"]
    (claim,) = r.claims.to_dicts()
    assert claim["stance"] == "request"


def test_outcome_clauses_merge_into_one_event(extract):
    r = extract(
        "Investigators linked him to an attack on a police convoy that killed four officers."
    )
    (ev,) = [e for e in events_of(r) if e["event_type"] == "ASSAULT"]
    assert ev["trigger"] == "attack"
    assert ev["actor1_text"] is None  # the attack is not its own attacker
    (q,) = [q for q in r.quantities.to_dicts() if q["kind"] == "killed"]
    assert (q["value"], q["event_id"]) == (4, ev["event_id"])


def test_instrument_objects_are_not_targets(extract):
    r = extract("Police fired tear gas at protesters near the palace.")
    (ev,) = events_of(r)
    assert (ev["event_type"], ev["event_mode"]) == ("COERCE", "crowd control")
    assert ev["actor1_text"] == "Police"
    assert ev["actor2_text"] == "protesters"


def test_inverted_attribution_without_a_clause_in_the_parse(extract):
    r = extract(
        "Greece has deployed four frigates to the eastern Mediterranean, defence officials "
        "said on Friday."
    )
    (c,) = r.claims.to_dicts()
    assert c["content"] == "Greece has deployed four frigates to the eastern Mediterranean"
    (ev,) = events_of(r)
    assert ev["claim_id"] == c["claim_id"]
    assert ev["actor2_text"] is None  # frigates are what moves, not a target


def test_worker_processes_give_exactly_the_rows_of_one_process():
    # Two workers that each parse and run the rules must give the same rows, in the same
    # order, as one process: the seed article and sentences of our own, several times over.
    seed = RAW / "realist-us-venezuela.txt"
    texts = [
        seed.read_text(encoding="utf-8"),
        "Eleven villagers were killed by gunmen in Plateau state on Monday.",
        "Russian forces launched an attack on a power station near Kharkiv on Tuesday.",
        "Police arrested 40 protesters in Santiago, a spokesman told Reuters.",
    ]
    articles = [
        ArticleInput(f"{i:016x}", texts[i % len(texts)], PUBLISHED) for i in range(4 * len(texts))
    ]
    one = extract_articles(articles, n_process=1, batch_size=3)
    two = extract_articles(articles, n_process=2, batch_size=3)
    assert one.events.height > 20
    for table in ("events", "claims", "quantities", "actors"):
        assert getattr(two, table).equals(getattr(one, table)), table


def test_a_worker_that_dies_fails_the_extraction_instead_of_hanging():
    from concurrent.futures.process import BrokenProcessPool

    from pipelines.extract.nlp import DEFAULT_MODEL
    from pipelines.extract.workers import map_in_workers

    # One worker, so the first chunk is surely answered before the second kills it.
    chunks = [[1], ["die"], [3]]
    results = map_in_workers(_die_on, chunks, workers=1, model=DEFAULT_MODEL, batch_size=1)
    assert next(results) == ([1], [1])  # the worker started and loaded the model
    with pytest.raises(BrokenProcessPool):
        list(results)


def _die_on(chunk, model, batch_size):
    import os

    if chunk == ["die"]:
        os._exit(9)  # as the kernel's out-of-memory killer would end it
    return chunk


def test_a_parsed_document_is_freed_as_soon_as_it_is_extracted():
    # Anything the rules keep on a Doc that refers back to it (a Span in doc.user_data) makes
    # a reference cycle: every parsed document then waits for Python's cycle collector, and a
    # parser process held about 250 MB more over 400 articles. With the collector off, the
    # document must go the moment its last reference does.
    import gc
    import weakref

    from pipelines.extract.document import extract_doc
    from pipelines.extract.nlp import DEFAULT_MODEL, load_nlp
    from pipelines.extract.rows import ArticleRows

    text = (
        "CARACAS, Nov 18 - U.S. forces struck a boat off Venezuela on Tuesday, killing three "
        'people, Defense Secretary Pete Hegseth said. "We will continue," he told Reuters in '
        "Washington. Venezuela's government accused the United States of murder."
    )
    article = ArticleInput("b" * 16, text, PUBLISHED)
    doc = load_nlp(DEFAULT_MODEL)(text)
    rows = ArticleRows()
    extract_doc(article, doc, rows)
    assert rows.events and rows.claims and rows.quantities  # the rules did look at entities
    freed = weakref.ref(doc)
    gc.disable()
    try:
        del doc
        assert freed() is None, "the extracted Doc is kept alive by a reference cycle"
    finally:
        gc.enable()


def test_parser_processes_do_not_load_pandera_or_polars(tmp_path):
    # A parser process imports the command's module (spawn re-imports __main__) and the rules,
    # then extracts. pandera, polars and pyarrow would cost about 100 MB in each of them.
    import os
    import subprocess
    import sys

    code = (
        "import sys, datetime as dt\n"
        "import pipelines.cli, pipelines.extract.workers\n"
        "from pipelines.extract.article import ArticleInput, _extract_chunk\n"
        "from pipelines.extract.nlp import DEFAULT_MODEL\n"
        "a = ArticleInput('c' * 16, 'Police arrested 40 protesters in Santiago on Monday, a "
        "spokesman told Reuters.', dt.date(2025, 11, 19))\n"
        "rows = list(_extract_chunk([a], DEFAULT_MODEL, 8))\n"
        "assert rows[0].events and rows[0].claims, 'nothing extracted'\n"
        "print(sorted({'pandera', 'polars', 'pyarrow', 'pandas', 'dagster'} & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_typed_rows_have_the_columns_of_their_tables():
    # The rows extraction builds are the tables' columns, no more (no private keys for
    # frame_from_rows to drop) and no fewer; cluster ids are added later by pipelines/link.
    from dataclasses import fields

    from pipelines.extract.rows import ActorRow, ClaimRow, EventRow, QuantityRow
    from schemas import Actors, Claims, Events, Quantities, polars_schema

    later = {"cluster_id", "claim_cluster_id"}
    for row, model in (
        (EventRow, Events),
        (ClaimRow, Claims),
        (QuantityRow, Quantities),
        (ActorRow, Actors),
    ):
        assert {f.name for f in fields(row)} == set(polars_schema(model)) - later, row


def test_extracted_rows_carry_only_table_columns():
    from pipelines.extract.article import _extract_chunk
    from pipelines.extract.nlp import DEFAULT_MODEL
    from schemas import Claims, Events, Quantities, polars_schema

    text = "Four U.S. officials said at least 27 people were killed in an attack on Monday."
    (rows,) = _extract_chunk([ArticleInput("b" * 16, text, PUBLISHED)], DEFAULT_MODEL, 8)
    assert rows.events and rows.claims and rows.quantities
    for found, model in (
        (rows.events, Events),
        (rows.claims, Claims),
        (rows.quantities, Quantities),
    ):
        for row in found:
            assert set(row) <= set(polars_schema(model)), set(row) - set(polars_schema(model))
