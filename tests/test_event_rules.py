"""Event rules for actors, dates, modality and event boundaries, on sentences of our own
(wire style, not from the gold set), through the same entry point the asset uses."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.extract import ArticleInput, extract_articles
from pipelines.extract.dates import resolve_date

PUBLISHED = dt.date(2025, 11, 19)  # a Wednesday


@pytest.fixture(scope="module")
def extract():
    def run(text: str, published: dt.date | None = PUBLISHED):
        return extract_articles([ArticleInput("b" * 16, text, published)], n_process=1)

    return run


def events_of(result) -> list[dict]:
    return result.events.to_dicts()


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
    # The saying's date is not stated for the event: it is dated by publication instead.
    r = extract("The navy has deployed three frigates to the strait, officials said on Monday.")
    mobilize = _by_type(r)["MOBILIZE"]
    assert (mobilize["date_basis"], mobilize["date_text"]) == ("published", None)
    r = extract("The army said on Monday it had arrested nine officers.")
    coerce = _by_type(r)["COERCE"]
    assert (coerce["date_basis"], coerce["date_text"]) == ("published", None)


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
