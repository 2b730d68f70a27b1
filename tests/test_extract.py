"""Extraction rules on sentences of our own, through the same entry point the asset uses."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.extract import ArticleInput, extract_articles
from pipelines.extract.dates import resolve_date
from pipelines.extract.quantities import parse_number

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


def _by_type(result) -> dict[str, dict]:
    return {ev["event_type"]: ev for ev in events_of(result)}


def test_passive_participle_takes_agent_and_borrowed_subject(extract):
    r = extract("The fighters said they would withdraw if attacked by the navy.")
    ev = _by_type(r)["ASSAULT"]
    assert ev["actor1_text"] == "the navy"
    assert ev["actor2_text"] == "they" or ev["actor2_text"] == "The fighters"


def test_event_noun_object_passes_on_its_target(extract):
    r = extract("Under the deal, the militia will halt attacks on police stations.")
    ev = _by_type(r)["RETREAT"]
    assert ev["actor1_text"] == "the militia"
    assert ev["actor2_text"] == "police stations"


def test_two_party_verb_takes_other_party_from_with_not_a_place(extract):
    r = extract("The two envoys met at the old customs house before signing the accord.")
    met = _by_type(r)["CONSULT"]
    assert met["actor2_text"] is None  # the customs house is where, not whom
    sign = _by_type(r)["AGREE"]
    assert sign["actor1_text"] == "The two envoys"  # borrowed through "before signing"


def test_speech_act_coordinated_into_reported_clause_belongs_to_speaker(extract):
    r = extract(
        "The interior ministry said the border post lay inside its territory and denied "
        "that its guards had fired on the convoy."
    )
    rej = _by_type(r)["REJECT"]
    assert rej["actor1_text"] == "The interior ministry"


def test_event_noun_subject_of_same_type_verb_is_one_event(extract):
    r = extract("The rebels' shelling has killed 40 civilians in the town since May.")
    (ev,) = events_of(r)
    assert (ev["trigger"], ev["event_type"]) == ("shelling", "ASSAULT")
    assert ev["actor1_text"] == "The rebels"
    assert "civilians" in ev["actor2_text"]
    (q,) = r.quantities.to_dicts()
    assert (q["kind"], q["value"], q["event_id"]) == ("killed", 40, ev["event_id"])


def test_weapon_is_no_actor_unless_owned(extract):
    r = extract("Two traders were killed by shrapnel in the market on Monday.")
    assert _by_type(r)["ASSAULT"]["actor1_text"] is None
    r = extract("Army drones struck a rebel depot on Monday.")
    assert _by_type(r)["ASSAULT"]["actor1_text"] == "Army drones"


def test_rejection_of_an_accusation_rejects_the_accuser(extract):
    r = extract("Kenya accuses Somalia of harbouring militants, a charge Mogadishu denied.")
    acc, rej = _by_type(r)["ACCUSE"], _by_type(r)["REJECT"]
    assert acc["modality"] == "asserted"
    assert (acc["actor1_text"], acc["actor2_text"]) == ("Kenya", "Somalia")
    assert rej["actor1_text"] == "Mogadishu"
    assert rej["actor2_text"] == "Kenya"
    r = extract("Prosecutors accuse the mayor of bribery — allegations he rejects.")
    assert _by_type(r)["REJECT"]["actor2_text"] == "Prosecutors"


def test_accusation_content_is_no_event(extract):
    r = extract("The opposition accused the police of torturing detainees.")
    assert [ev["event_type"] for ev in events_of(r)] == ["ACCUSE"]


def test_date_of_the_report_does_not_date_the_event(extract):
    r = extract("The navy has deployed three frigates to the strait, officials said on Monday.")
    assert _by_type(r)["MOBILIZE"]["event_date"] is None
    r = extract("The army said on Monday it had arrested nine officers.")
    assert _by_type(r)["COERCE"]["event_date"] is None


def test_own_date_before_governing_clause_date(extract):
    r = extract("The rebels and the government agreed on Sunday to a truce starting on December 1.")
    assert _by_type(r)["AGREE"]["event_date"] == dt.date(2025, 11, 16)
    assert _by_type(r)["RETREAT"]["event_date"] == dt.date(2025, 12, 1)  # ahead, not 2024


def test_two_parties_resolve_separately(extract):
    r = extract("Tehran and Berlin agreed to a prisoner exchange on Tuesday.")
    agree = _by_type(r)["AGREE"]
    assert (agree["actor1_text"], agree["actor1_id"]) == ("Tehran", "IRNGOV")
    assert (agree["actor2_text"], agree["actor2_id"]) == ("Berlin", "DEUGOV")


def test_topic_object_is_no_party(extract):
    r = extract("The ministers will discuss the pipeline with Turkish officials next week.")
    ev = _by_type(r)["CONSULT"]
    assert ev["actor2_text"] == "Turkish officials"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("four days", None),
        ("November 25", dt.date(2025, 11, 25)),  # a few days ahead of publication
        ("December 1", dt.date(2025, 12, 1)),
        ("November 2", dt.date(2025, 11, 2)),
    ],
)
def test_month_day_nearest_publication_and_durations(text, expected):
    resolved = resolve_date(text, PUBLISHED, future=False)
    assert (resolved.start if resolved else None) == expected


def test_earlier_this_month_is_the_publication_month():
    resolved = resolve_date("earlier this month", PUBLISHED, future=False)
    assert (resolved.start, resolved.precision) == (dt.date(2025, 11, 1), "month")


def test_coordinated_casualty_verbs_are_one_attack(extract):
    r = extract(
        "Militants killed 12 soldiers and wounded 30 more in an attack on an army base on Sunday."
    )
    (ev,) = events_of(r)
    assert ev["actor2_text"] == "an army base"
    assert ev["event_date"] == dt.date(2025, 11, 16)
    kinds = {(q["kind"], q["value"]) for q in r.quantities.to_dicts() if q["event_id"]}
    assert kinds == {("killed", 12), ("injured", 30)}


@pytest.mark.parametrize(
    ("sentence", "types"),
    [
        ("The ministry said it would suspend its cooperation with Kyiv.", ["SANCTION"]),
        ("Britain dropped its demands for an arms embargo on Friday.", ["CONCEDE"]),
        (
            "Two officials, who were not authorised to talk to the media, confirmed the raid.",
            ["COERCE"],
        ),
    ],
)
def test_nouns_and_verbs_that_complete_another_act_are_no_events(extract, sentence, types):
    assert sorted(ev["event_type"] for ev in events_of(extract(sentence))) == types


def test_threatened_action_is_the_threats_content(extract):
    r = extract("The president threatened to retaliate against any attack on the capital.")
    assert [ev["event_type"] for ev in events_of(r)] == ["THREATEN"]


def test_counterpart_resolves_to_the_named_government(extract):
    r = extract("Tehran's foreign minister met his German counterpart in Doha on Monday.")
    ev = _by_type(r)["CONSULT"]
    assert (ev["actor1_id"], ev["actor2_id"]) == ("IRNGOV", "DEUGOV")


def test_attack_noun_subject_names_what_it_hit(extract):
    r = extract("Rocket attacks have hit two fuel depots near the port since August.")
    (ev,) = events_of(r)
    assert ev["actor2_text"] == "two fuel depots"


def test_reduced_passive_relative_names_the_undergoer(extract):
    r = extract("Rights groups named 30 activists detained by police in the capital last week.")
    ev = _by_type(r)["COERCE"]
    assert (ev["actor1_text"], ev["actor2_text"]) == ("police", "30 activists")
    r = extract("Relatives mourned the 11 civilians killed in the air strike.")
    ev = _by_type(r)["ASSAULT"]
    assert (ev["actor1_text"], ev["actor2_text"]) == (None, "the 11 civilians")


def test_a_threat_made_is_asserted_whatever_it_threatens(extract):
    r = extract("The commander said his men would defend themselves if the army advanced.")
    assert _by_type(r)["THREATEN"]["modality"] == "asserted"
    r = extract("The minister could threaten sanctions against the company.")
    assert _by_type(r)["THREATEN"]["modality"] == "possible"


@pytest.mark.parametrize(
    ("sentence", "etype", "actor2"),
    [
        ("The ministry dismissed the allegations as propaganda.", "REJECT", None),
        (
            "A court sentenced the former mayor to ten years in prison.",
            "COERCE",
            "the former mayor",
        ),
        (
            "Rioters stormed the parliament building on Tuesday.",
            "ASSAULT",
            "the parliament building",
        ),
        ("The rebels handed over 12 prisoners to the Red Cross.", "RETREAT", "12 prisoners"),
        ("Iran freed two German citizens on Wednesday.", "RETREAT", "two German citizens"),
    ],
)
def test_general_plover_verbs(extract, sentence, etype, actor2):
    ev = _by_type(extract(sentence))[etype]
    assert ev["actor2_text"] == actor2
