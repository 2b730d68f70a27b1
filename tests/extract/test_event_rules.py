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


def _coded(extract, sentence: str, event_type: str) -> tuple[str, str | None, str | None]:
    """The trigger and parties of the sentence's event of this type."""
    ev = _by_type(extract(sentence))[event_type]
    return ev["trigger"], ev["actor1_text"], ev["actor2_text"]


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
        # a particle or a purpose tells the sense: backing down is no support, a strike for
        # wages no air strike
        ("The president backed down and abandoned the policy on Wednesday.", "CONCEDE", None),
        ("The United States backed the rebels.", "SUPPORT", "the rebels"),
        ("About 1,100 miners stopped work in a strike for higher wages.", "PROTEST", None),
    ],
)
def test_general_plover_verbs(extract, sentence, etype, actor2):
    ev = _by_type(extract(sentence))[etype]
    assert ev["actor2_text"] == actor2


def test_act_counted_by_a_part_noun_is_carried_by_its_verb(extract):
    # The seed's headline shape: the act is named after "a new phase of", its target by a
    # participle, and the plan by the governing verb.
    r = extract(
        "The coalition is preparing to launch a new phase of operations targeting the rebel "
        "enclave in the coming weeks, three diplomats said."
    )
    ev = _by_type(r)["COERCE"]
    assert (ev["actor1_text"], ev["actor2_text"]) == ("The coalition", "the rebel enclave")
    assert ev["modality"] == "planned"
    ev = _by_type(extract("Border police launched a wave of arrests in the northern province."))
    assert ev["COERCE"]["actor1_text"] == "Border police"
    ev = _by_type(extract("The army launched a ground operation against the militia on Monday."))
    assert (ev["ASSAULT"]["actor1_text"], ev["ASSAULT"]["actor2_text"]) == (
        "The army",
        "the militia",
    )


@pytest.mark.parametrize(
    ("sentence", "etype"),
    [
        # courts, suits and summonses
        ("A district court convicted the former governor of bribery on Thursday.", "ACCUSE"),
        ("The union filed a lawsuit against the port authority over the dismissals.", "ACCUSE"),
        (
            "The foreign ministry summoned the Ostrian ambassador over the border incident.",
            "ACCUSE",
        ),
        ("The regulator launched a probe into the airline's safety record.", "ACCUSE"),
        # giving, granting, returning, surrendering
        ("The agency will provide 40 tonnes of seed to farmers in the north.", "AID"),
        ("The government gave $3 million to flood victims in the delta.", "AID"),
        ("The republic granted political asylum to the dissident writer.", "AID"),
        ("The museum returned two bronze sculptures to the Ostrian government.", "RETREAT"),
        ("Forty militants surrendered to the army near the border on Sunday.", "RETREAT"),
        ("The governor lifted the state of emergency in the coastal districts.", "RETREAT"),
        ("A judge ordered the release of the opposition leader on Tuesday.", "RETREAT"),
        ("The interior minister resigned after the bombing.", "CONCEDE"),
        # bans, coups, borders, ties
        ("The junta outlawed the main opposition party in March.", "COERCE"),
        ("Army officers seized power in the capital overnight.", "COERCE"),
        ("The government closed its land border with its neighbour.", "COERCE"),
        ("The two states severed diplomatic ties in 2019.", "SANCTION"),
        ("The aid group suspended food supplies to the northern camps.", "SANCTION"),
        ("The two countries established diplomatic ties on Saturday.", "SUPPORT"),
        ("The senator defended the ministry's new visa policy on Tuesday.", "SUPPORT"),
        ("The minister supports the plan to reopen the crossing.", "SUPPORT"),
        # forces, fighting, training
        ("Three warships docked at the naval base on Friday.", "MOBILIZE"),
        ("The army beefed up its presence along the frontier.", "MOBILIZE"),
        ("Rebel fighters captured two towns west of the capital on Monday.", "ASSAULT"),
        ("Guards tortured a detainee at the prison last year, the report said.", "ASSAULT"),
        ("Foreign instructors train local pilots to fly transport planes.", "COOPERATE"),
        ("The court set a 30-day deadline for the council to respond.", "THREATEN"),
        ("The opposition leader launched a scathing attack on the cabinet on Sunday.", "ACCUSE"),
        ("The republic reduced military aid to the army by $20 million.", "SANCTION"),
        ("Ostria is sending peacekeepers to the island.", "AID"),
        ("Bulldozers escorted by soldiers demolished three homes near the village.", "COERCE"),
        ("The group launched cyber warfare against the ministry's servers.", "ASSAULT"),
        # asked for, granted, turned down, reaffirmed
        ("About 4,000 families have sought refuge in the neighbouring province.", "REQUEST"),
        ("The defence minister approved a request from the health agency for tents.", "CONCEDE"),
        ("The port authority declined a request from the union to reopen the dock.", "REJECT"),
        ("The president reaffirmed his government's commitment to the peace accord.", "SUPPORT"),
        # "seek" held to its objects takes no asked-for act: the overthrow is an event
        ("The mayor says the governor seeks to overthrow the city council.", "COERCE"),
        # summits attended, meals shared, relief flown in
        ("The foreign ministers attended an emergency summit in Lima on Friday.", "CONSULT"),
        ("The president had lunch with his Ostrian counterpart in the capital.", "CONSULT"),
        ("The charity flew 12 tonnes of medicine into the northern province.", "AID"),
        ("The air force airlifted supplies to the flooded towns.", "AID"),
        # help withdrawn is help reduced; troops withdrawn are a retreat
        ("The UN withdrew its peacekeepers from the border zone on Monday.", "SANCTION"),
        ("The army withdrew its troops from the northern town.", "RETREAT"),
        # a strike called off, tariffs cut: pressure eased
        ("Dock workers called off a strike after the port agreed to raise pay.", "CONCEDE"),
        ("The ministry reduced tariffs on $20 billion of Ostrian exports.", "RETREAT"),
        ("Washington rolled back tariffs on Ostrian goods.", "RETREAT"),
    ],
)
def test_vocabulary_of_real_reporting(extract, sentence, etype):
    assert etype in _by_type(extract(sentence)), events_of(extract(sentence))


@pytest.mark.parametrize(
    ("sentence", "types"),
    [
        ("An official, who requested anonymity, described the talks as tense.", {"CONSULT"}),
        ("The lawyer called for his client's immediate release.", {"REQUEST"}),
        ("The exchange followed the release of three sailors by the navy in 2021.", set()),
        ("The pilots flew the jets low over the border towns.", set()),
        ("The union called off the talks with the ministry.", set()),
        ("The firm cut prices by 10 percent.", set()),
        ("Thousands attended the funeral of the slain mayor.", set()),
    ],
)
def test_releases_asked_for_or_recalled_and_anonymity_are_no_events(extract, sentence, types):
    assert {e["event_type"] for e in events_of(extract(sentence))} == types


def test_refusals_and_promises_are_aimed_at_the_party_of_their_act(extract):
    r = _by_type(extract("The governor refused to meet the Ostrian envoy on Monday."))
    assert r["REJECT"]["actor2_text"] == "the Ostrian envoy"
    r = _by_type(extract("The republic agreed to lift sanctions on Ostria next month."))
    assert (r["AGREE"]["actor1_text"], r["AGREE"]["actor2_text"]) == ("The republic", "Ostria")
    # what is promised is no party; the one it is given to is, named or not
    r = _by_type(extract("The donors agreed to provide food to the camps."))
    assert r["AGREE"]["actor2_text"] == "the camps"
    r = _by_type(extract("The donors agreed to provide food."))
    assert r["AGREE"]["actor2_text"] is None


@pytest.mark.parametrize(
    ("sentence", "etype"),
    [
        ("The premier has cancelled a planned visit to the capital.", "REJECT"),
        ("The ministry cancelled the permits of two foreign carriers.", "SANCTION"),
    ],
)
def test_cancelling_a_visit_rejects_cancelling_a_permit_sanctions(extract, sentence, etype):
    assert [e["event_type"] for e in events_of(extract(sentence))] == [etype]


def test_declining_to_comment_is_no_event(extract):
    assert events_of(extract("The ministry declined to comment on the report.")) == []


def test_reported_must_is_a_request_whose_content_is_no_event(extract):
    r = extract("Moscow says Ostria must end its attacks on the border villages.")
    assert [e["event_type"] for e in events_of(r)] == ["REQUEST"]
    ev = events_of(r)[0]
    assert (ev["trigger"], ev["actor1_text"], ev["actor2_text"]) == ("must", "Moscow", "Ostria")
    # a passive clause or a pronoun names nobody asked to act
    assert events_of(extract("The report must be published by Friday, officials said.")) == []
    assert events_of(extract("Officials said it must be a mistake.")) == []


def test_mediation_between_two_parties_keeps_the_mediator(extract):
    ev = _by_type(extract("The bishop launched a mediation effort between the two factions."))
    assert (ev["CONSULT"]["actor1_text"], ev["CONSULT"]["actor2_text"]) == (
        "The bishop",
        "the two factions",
    )
    ev = _by_type(extract("Clashes between farmers and herders killed four people."))
    assert ev["ASSAULT"]["actor1_text"] == "farmers"


@pytest.mark.parametrize(
    ("sentence", "types"),
    [
        ("The president called King Harald of Ostria on Saturday.", ["CONSULT"]),
        ("The opposition called on the government to resign.", ["REQUEST"]),
        # calling it a mistake criticises it
        ("The premier called the plan a mistake on Monday.", ["ACCUSE"]),
        ("The cabinet accepted the demands of the union after a week.", ["CONCEDE"]),
    ],
)
def test_calls_to_named_parties_are_contact_and_accepted_demands_concede(extract, sentence, types):
    assert [e["event_type"] for e in events_of(extract(sentence))] == types


def test_willing_to_act_is_agreeing_to_it_and_the_act_stays(extract):
    r = _by_type(extract("The republic is willing to lift sanctions on Ostria next year."))
    assert (r["AGREE"]["actor1_text"], r["AGREE"]["actor2_text"]) == ("The republic", "Ostria")
    assert r["AGREE"]["modality"] == "planned"
    assert "RETREAT" in r
    # without an act to agree to, "willing" is no event
    assert events_of(extract("The ministry is a willing partner of the port authority.")) == []


@pytest.mark.parametrize(
    ("text", "trigger", "actor1"),
    [
        (
            "The government will not lift the curfew in the capital, the interior minister said.",
            "lift",
            "The government",
        ),
        (
            "Dock workers said they will not end the strike until wages are raised.",
            "strike",
            "Dock workers",  # "they", resolved
        ),
        ("Officials said the ministry won't sign the accord this year.", "sign", "the ministry"),
    ],
)
def test_an_act_someone_will_not_do_is_a_refusal(extract, text, trigger, actor1):
    """PLOVER codes a refusal as REJECT: 'will not lift the ban' is no lifting, negated."""
    ev = next(e for e in events_of(extract(text)) if e["trigger"] == trigger)
    assert (ev["event_type"], ev["event_mode"], ev["modality"]) == ("REJECT", "refusal", "asserted")
    assert ev["actor1_text"] == actor1


def test_a_refusing_verb_codes_the_refusal_once_and_a_failed_act_keeps_its_type(extract):
    refused = events_of(extract("The mayor refused to meet the protest leaders on Monday."))
    assert [(e["event_type"], e["trigger"]) for e in refused] == [("REJECT", "refused")]
    failed = _by_type(extract("The two sides did not sign the accord on Friday."))
    assert failed["AGREE"]["modality"] == "negated" and "REJECT" not in failed


def test_a_plan_to_attack_and_seize_stays_planned_past_the_attack(extract):
    # "attack" is also a claim cue (a person attacking in words); to the event rules it stays
    # an act, so the plan above it still governs the act coordinated with it.
    r = _by_type(extract("The rebels plan to attack the town and seize its airport."))
    assert (r["ASSAULT"]["modality"], r["COERCE"]["modality"]) == ("planned", "planned")


def test_a_burned_flag_is_a_protest_and_a_sent_platoon_a_deployment(extract):
    protest = _by_type(extract("Students burned an effigy of the minister outside parliament."))
    assert protest["PROTEST"]["actor1_text"] == "Students"
    burned = _by_type(extract("Gunmen burned houses in the village on Sunday."))
    assert "PROTEST" not in burned and burned["ASSAULT"]["actor2_text"] == "houses"
    sent = _by_type(extract("The army is sending a platoon to the border town."))
    assert sent["MOBILIZE"]["trigger"] == "sending"


def test_a_team_sent_to_investigate_is_the_investigation_not_aid(extract):
    r = extract(
        "Ostria has sent seven military experts to the capital to investigate the weekend's "
        "attacks on its oil terminals."
    )
    assert [(e["event_type"], e["actor1_text"]) for e in events_of(r)] == [("ACCUSE", "Ostria")]
    # aid sent for a purpose stays aid
    r = extract("The agency sent food to the camps to support the displaced families.")
    assert _by_type(r)["AID"]["actor2_text"] == "the camps"


@pytest.mark.parametrize(
    ("sentence", "actor1", "actor2"),
    [
        # the parser makes the acronym the subject and leaves the name outside it: the name
        # is the actor, as when the parser sets the acronym aside
        (
            "The World Health Organization (WHO) is providing urgent assistance to flood "
            "victims in the delta.",
            "The World Health Organization",
            "flood victims",  # a "to" the parser calls dative
        ),
        (
            "The Relief Coordination Office (RCO) is providing urgent assistance to flood "
            "victims in the delta.",
            "The Relief Coordination Office",
            "flood victims",
        ),
        ("Norland gave the refugees food.", "Norland", "the refugees"),
        (
            "Japan sent 20 tonnes of rice to Haiti on Friday.",
            "Japan",
            "Haiti",
        ),  # a country receives
    ],
)
def test_who_gives_aid_and_who_receives_it(extract, sentence, actor1, actor2):
    aid = _by_type(extract(sentence))["AID"]
    assert (aid["actor1_text"], aid["actor2_text"]) == (actor1, actor2)


def test_a_ceasefire_declared_violated_or_reneged_on(extract):
    # declaring is a light verb: the ceasefire is the event, its declarer the actor
    (ev,) = events_of(extract("The Saudi-led coalition has declared a two-week ceasefire."))
    assert (ev["event_type"], ev["actor1_text"]) == ("RETREAT", "The Saudi-led coalition")
    # a violated ceasefire is fighting, and the ceasefire no new event
    r = extract("The army violated the ceasefire on Tuesday.")
    assert [(e["event_type"], e["trigger"]) for e in events_of(r)] == [("ASSAULT", "violated")]
    # an accord reneged on or talks withdrawn from were made before: no new agreement or talks
    r = extract("US President Donald Trump on Tuesday reneged on an international nuclear accord.")
    assert [e["event_type"] for e in events_of(r)] == ["REJECT"]
    r = extract("The rebels withdrew from the peace talks on Monday.")
    assert [e["event_type"] for e in events_of(r)] == ["RETREAT"]


def test_striking_and_protesting_people_are_the_protest_once(extract):
    r = extract("The government rejected the demands of the striking teachers.")
    protest = _by_type(r)["PROTEST"]
    assert (protest["trigger"], protest["actor1_text"]) == ("striking", "the striking teachers")
    assert "ASSAULT" not in _by_type(r)  # a walkout, not an air strike
    assert (
        _by_type(extract("Nurses struck for a third day on Monday."))["PROTEST"]["actor1_text"]
        == "Nurses"
    )
    # the participle describes the doers of the blockade: one protest, not two
    r = extract("The protesting truck drivers blocked the highway.")
    assert [(e["event_type"], e["trigger"]) for e in events_of(r)] == [("PROTEST", "blocked")]
    # a passive's subject is struck: no walkout
    r = extract("A student who was struck in the head by a canister was taken to hospital.")
    assert [(e["event_type"], e["actor2_text"]) for e in events_of(r)] == [("ASSAULT", "A student")]


def test_demands_are_made_by_who_voices_them_and_answered_by_who_concedes(extract):
    r = _by_type(extract("President Temer has conceded to the demands of the truck drivers."))
    # the demands were made before: conceding to them is the event, aimed at who made them
    assert set(r) == {"CONCEDE"} and r["CONCEDE"]["actor2_text"] == "the truck drivers"
    (ev,) = events_of(extract("The demands of the protesters include higher wages."))
    assert (ev["event_type"], ev["actor1_text"], ev["actor2_text"]) == (
        "REQUEST",
        "the protesters",
        None,
    )
    # "of" names what was said, not who said it, when it is no party
    r = _by_type(extract("Threats of violence forced the families to flee."))
    assert r["THREATEN"]["actor1_text"] is None
    r = _by_type(extract("Threats of the rebel commanders forced the families to flee."))
    assert r["THREATEN"]["actor1_text"] == "the rebel commanders"


def test_an_act_that_failed_did_not_happen_but_what_came_before_did(extract):
    r = _by_type(
        extract(
            "British and EU negotiators failed to reach a deal on the border after hours of talks."
        )
    )
    assert (r["AGREE"]["trigger"], r["AGREE"]["modality"]) == ("deal", "negated")
    assert r["CONSULT"]["modality"] == "asserted"  # the talks were held
    r = _by_type(extract("The two sides failed to agree on a ceasefire."))
    assert r["AGREE"]["modality"] == r["RETREAT"]["modality"] == "negated"


def test_a_hyphenated_epithet_is_no_event(extract):
    # "Iran-backed", "UN-brokered": a standing description repeated in every story
    r = extract("Iran-backed Houthi rebels fired missiles at ships in the Red Sea.")
    assert [(e["event_type"], e["actor1_text"]) for e in events_of(r)] == [
        ("ASSAULT", "Iran-backed Houthi rebels")
    ]
    assert [
        e["event_type"] for e in events_of(extract("The UN-brokered truce began on Tuesday."))
    ] == ["RETREAT"]
    # backing written as an act is one
    assert "SUPPORT" in _by_type(extract("Iran backed the rebels with weapons and money."))


@pytest.mark.parametrize(
    ("sentence", "trigger", "event_type", "modality", "plover_root"),
    [
        # an announced cooperative act is PLOVER's AGREE (CAMEO's "express intent to ...")
        ("Putin will meet Erdogan in Ankara on Monday.", "meet", "CONSULT", "expected", "AGREE"),
        (
            "The rebels said they would release the two hostages on Monday.",
            "release",
            "RETREAT",
            "expected",
            "AGREE",
        ),
        # held: the act itself
        ("Putin met Erdogan in Ankara on Monday.", "met", "CONSULT", "asserted", "CONSULT"),
        # a decision taken is the act, as PLOVER codes it: not a plan
        (
            "Japan has decided to lift the sanctions imposed on India.",
            "lift",
            "RETREAT",
            "asserted",
            "RETREAT",
        ),
        # a signed agreement is PLOVER's SUPPORT (CAMEO's "sign formal agreement")
        (
            "Japan and Vietnam signed a maritime security pact on Friday.",
            "signed",
            "AGREE",
            "asserted",
            "SUPPORT",
        ),
        ("Japan and Vietnam will sign the pact on Friday.", "sign", "AGREE", "expected", "AGREE"),
        # pledged aid is the intent to give it; a planned attack or boycott is a threat
        ("Japan pledged $5 million in aid to Haiti.", "pledged", "AID", "planned", "AGREE"),
        (
            "The army is preparing to attack the rebel stronghold.",
            "attack",
            "ASSAULT",
            "planned",
            "THREATEN",
        ),
        (
            "The opposition said it would boycott the election.",
            "boycott",
            "PROTEST",
            "expected",
            "THREATEN",
        ),
        # imposed sanctions are PLOVER's COERCE (CAMEO 163); expelled diplomats its SANCTION
        (
            "The EU imposed sanctions on five officials on Monday.",
            "sanctions",
            "SANCTION",
            "asserted",
            "COERCE",
        ),
        ("Poland expelled two Russian diplomats.", "expelled", "SANCTION", "asserted", "SANCTION"),
        # a failed agreement is PLOVER's REJECT
        (
            "British and EU negotiators failed to reach a deal on Monday.",
            "deal",
            "AGREE",
            "negated",
            "REJECT",
        ),
        # asking for a punishment of someone is PLOVER's accusation of them; other calls ask
        (
            "Three senators called for sanctions against the port's operator.",
            "called",
            "REQUEST",
            "asserted",
            "ACCUSE",
        ),
        (
            "The union is calling for an inquiry into the collapse of the mine.",
            "calling",
            "REQUEST",
            "asserted",
            "ACCUSE",
        ),
        ("The bishops called for calm in the capital.", "called", "REQUEST", "asserted", "REQUEST"),
        # an apology is PLOVER's SUPPORT (CAMEO 055), our CONCEDE
        (
            "The army chief issued an apology to the families.",
            "apology",
            "CONCEDE",
            "asserted",
            "SUPPORT",
        ),
    ],
)
def test_plover_root_codes_announced_acts_and_signed_accords_as_plover_does(
    extract, sentence, trigger, event_type, modality, plover_root
):
    (ev,) = [e for e in events_of(extract(sentence)) if e["trigger"] == trigger]
    assert (ev["event_type"], ev["modality"], ev["plover_root"]) == (
        event_type,
        modality,
        plover_root,
    )


def test_due_to_a_reason_is_no_forecast(extract):
    r = extract("In January, a court freed the consulate employee due to time served.")
    assert _by_type(r)["RETREAT"]["modality"] == "asserted"
    r = extract("The ministers are due to meet on Monday.")
    assert _by_type(r)["CONSULT"]["modality"] == "expected"


def test_a_would_under_a_condition_stays_possible(extract):
    r = extract("The army said it would withdraw from the town if the rebels disarmed.")
    ev = next(e for e in events_of(r) if e["trigger"] == "withdraw")
    assert ev["modality"] == "possible"


@pytest.mark.parametrize(
    ("sentence", "trigger", "actor1"),
    [
        ("The navy raised its readiness around the island on Wednesday.", "readiness", "The navy"),
        ("KFOR said it had stepped up patrols near the crossing.", "patrols", "KFOR"),
        ("Sweden sent two corvettes to the strait on Friday.", "sent", "Sweden"),
        ("The army moved an armoured battalion to the border.", "moved", "The army"),
    ],
)
def test_force_postures_of_real_reporting_are_mobilize(extract, sentence, trigger, actor1):
    (ev,) = [e for e in events_of(extract(sentence)) if e["trigger"] == trigger]
    assert (ev["event_type"], ev["actor1_text"]) == ("MOBILIZE", actor1)


def test_a_charge_d_affaires_summoned_is_a_protest_to_the_embassy(extract):
    for apostrophe in ("'", "\u2019"):
        r = extract(f"Poland summoned the chargé d{apostrophe}affaires of the Belarusian embassy.")
        assert _by_type(r)["ACCUSE"]["trigger"] == "summoned"


def test_an_offer_or_a_promise_to_act_is_the_agreement_and_the_act_its_content(extract):
    r = _by_type(extract("Brazil has offered to host talks between the two ministers."))
    assert (r["AGREE"]["trigger"], r["AGREE"]["actor1_text"]) == ("offered", "Brazil")
    assert (r["AGREE"]["modality"], r["AGREE"]["plover_root"]) == ("asserted", "AGREE")
    assert "CONSULT" not in r
    r = _by_type(extract("The rebels promised to withdraw from the town."))
    assert r["AGREE"]["trigger"] == "promised" and "RETREAT" not in r
    # what is agreed is the agreement; what is promised an act of its own
    r = events_of(extract("The two countries agreed a ceasefire in May."))
    assert [e["event_type"] for e in r] == ["AGREE"]
    # no infinitive, no offer to act
    r = _by_type(extract("The ministry offered no explanation for the delay."))
    assert "AGREE" not in r
    # a participle restating a signing lists the accord's terms, which stay events
    r = _by_type(
        extract(
            "The two ministers signed a border accord on Friday, promising to share "
            "intelligence on smuggling routes."
        )
    )
    assert r["AGREE"]["trigger"] == "signed" and r["COOPERATE"]["modality"] == "planned"


def test_a_toll_joined_to_another_outcome_is_the_same_attack(extract):
    r = extract(
        "Gunmen stormed the town on Sunday, setting fire to a clinic and killing 27 people."
    )
    assert [(e["event_type"], e["trigger"]) for e in events_of(r)] == [("ASSAULT", "stormed")]
    # the parser hangs the toll on the sentence's verb: it is the attack's told before it
    r = extract(
        "The general apologised on Tuesday for a shell that struck a school during the "
        "fighting, killing two teachers."
    )
    attacks = [e for e in events_of(r) if e["event_type"] == "ASSAULT"]
    assert [(e["trigger"], e["actor1_text"]) for e in attacks] == [("struck", None)]
    assert r.quantities.filter(r.quantities["value"] == 2)["event_id"].to_list() == [
        attacks[0]["event_id"]
    ]


@pytest.mark.parametrize(
    ("sentence", "event_type"),
    [
        ("The ministry renewed its call for an international inquiry.", "REQUEST"),
        ("A Navy destroyer will make a port call in Georgetown next month.", "MOBILIZE"),
        ("The two leaders held a phone call on Monday.", "CONSULT"),
    ],
)
def test_a_call_is_a_request_a_port_call_or_a_telephone_call(extract, sentence, event_type):
    (ev,) = events_of(extract(sentence))
    assert (ev["event_type"], ev["trigger"]) == (event_type, "call")


def test_a_source_asking_not_to_be_named_makes_no_request(extract):
    for text in [
        "An official, who asked not to be identified, said the convoy was hit on Monday.",
        "A diplomat who asked not to be named said the guns would stay where they were.",
    ]:
        assert "REQUEST" not in _by_type(extract(text))
    r = extract("The government asked the United Nations to send observers.")
    assert _by_type(r)["REQUEST"]["actor2_text"] == "the United Nations"


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1"),
    [
        ("The gunmen pulled back toward the hills on Monday.", "RETREAT", "pulled", "The gunmen"),
        (
            "Two navies joined the search for the missing trawler.",
            "COOPERATE",
            "joined",
            "Two navies",
        ),
        ("The deportations have drawn criticism from rights groups.", "ACCUSE", "criticism", None),
        (
            "Police fired tear gas at opposition supporters who had gathered outside the court.",
            "PROTEST",
            "gathered",
            "opposition supporters",
        ),
    ],
)
def test_more_acts_as_real_reporting_words_them(extract, sentence, event_type, trigger, actor1):
    (ev,) = [e for e in events_of(extract(sentence)) if e["trigger"] == trigger]
    assert (ev["event_type"], ev["actor1_text"]) == (event_type, actor1)


def test_the_purpose_of_an_act_of_its_own_type_is_that_act(extract):
    r = extract("The foreign ministers met in Geneva on Monday to discuss the crisis.")
    assert [(e["event_type"], e["trigger"]) for e in events_of(r)] == [("CONSULT", "met")]


@pytest.mark.parametrize(
    ("sentence", "actor2"),
    [
        ("Moscow rejected the charge on Friday.", None),
        ("The opposition rejected the official results of the election.", None),
        ("Kyiv rejected the rebels' claim that the town had fallen.", "the rebels"),
        ("Venezuela rejected a demand from Georgetown to withdraw the troops.", "Georgetown"),
        ("Caracas rejected Washington's proposal on Monday.", "Washington's"),
    ],
)
def test_what_a_judging_verb_answers_is_no_party_its_author_is(extract, sentence, actor2):
    ev = _by_type(extract(sentence))["REJECT"]
    assert ev["actor2_text"] == actor2


def test_forces_sent_to_keep_the_peace_are_aid(extract):
    for text, trigger in [
        (
            "Japan is sending troops to the United Nations peacekeeping force in South Sudan.",
            "sending",
        ),
        ("Dozens of Russian peacekeepers began deploying on Tuesday.", "deploying"),
    ]:
        ev = _by_type(extract(text))["AID"]
        assert (ev["trigger"], ev["quad_class"], ev["plover_root"]) == (trigger, 2, "AID")
    assert "MOBILIZE" in _by_type(extract("Russia is sending troops to the border."))
    # a peacekeeping force's own patrols stay a show of force
    r = extract("The peacekeeping force said it had stepped up patrols near the crossing.")
    assert "MOBILIZE" in _by_type(r)


def test_what_an_inquiry_looks_into_is_no_new_event(extract):
    r = extract("Cambodia called for an inquiry into the shelling of the school.")
    assert "ASSAULT" not in _by_type(r)


def test_backing_named_by_a_passive_participle_is_no_event(extract):
    # "rebels backed by Iran", "which is supported by": who stands behind whom, not the act
    for text, act in [
        ("Rebels backed by Iran attacked a convoy near the border on Tuesday.", "ASSAULT"),
        ("The militia, which is backed by Tehran, seized two villages on Monday.", "COERCE"),
    ]:
        assert [e["event_type"] for e in events_of(extract(text))] == [act]
    # backing written as a passive clause of its own is still an act
    r = extract("The proposal was backed by France and Germany on Monday.")
    assert [e["event_type"] for e in events_of(r)] == ["SUPPORT"]


def test_an_accord_pulled_out_of_is_no_new_accord(extract):
    r = extract("Washington pulled out of the nuclear deal with Iran in 2018.")
    assert "AGREE" not in _by_type(r)
    r = extract("The opposition walked out of the talks on Thursday.")
    assert "CONSULT" not in _by_type(r)


def test_an_accusation_whose_of_hangs_on_the_accused_keeps_its_content(extract):
    # the parser hangs "of violations" on "the rebels", not on "accused"
    r = extract("The army accused the rebels of violations of the ceasefire on Sunday.")
    assert "ASSAULT" not in _by_type(r)
    assert _by_type(r)["ACCUSE"]["actor1_text"] == "The army"


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The USS Gerald R. Ford docked in Souda Bay on Tuesday.",
            "MOBILIZE",
            "docked",
            "The USS Gerald R. Ford",
            None,
        ),
        (
            "The carrier group entered the Caribbean on Sunday.",
            "MOBILIZE",
            "entered",
            "The carrier group",
            None,
        ),
        (
            "Caracas revoked the flight permits of six airlines.",
            "SANCTION",
            "revoked",
            "Caracas",
            "the flight permits of six airlines",
        ),
    ],
)
def test_ships_and_permits_as_reporting_writes_them(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_fighting_a_disease_or_a_ruling_is_no_fighting(extract):
    assert "ASSAULT" not in _by_type(extract("The government vowed to fight corruption."))
    r = extract("Her lawyers said they would fight the extradition order in court.")
    assert "ASSAULT" not in _by_type(r)
    fought = _by_type(extract("Rebels fought government troops near the town."))["ASSAULT"]
    assert fought["actor2_text"] == "government troops"


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "Riot police dispersed the marchers with tear gas.",
            "COERCE",
            "dispersed",
            "Riot police",
            "the marchers",
        ),
        ("Soldiers broke up a rally outside the ministry.", "COERCE", "broke up", "Soldiers", None),
        (
            "The authorities cracked down on the student movement.",
            "COERCE",
            "cracked down",
            "The authorities",
            "the student movement",
        ),
        (
            "Police rounded up dozens of activists overnight.",
            "COERCE",
            "rounded up",
            "Police",
            "dozens of activists",
        ),
        (
            "Troops sealed off the district after the blast.",
            "COERCE",
            "sealed off",
            "Troops",
            "the district",
        ),
        (
            "Agents searched the offices of the newspaper.",
            "COERCE",
            "searched",
            "Agents",
            "the offices of the newspaper",
        ),
        (
            "The cabinet declared a state of emergency in the province.",
            "COERCE",
            "state",
            "The cabinet",
            None,
        ),
        (
            "Artillery units pounded militant positions for hours.",
            "ASSAULT",
            "pounded",
            "Artillery units",
            "militant positions",
        ),
        (
            "Insurgents overran a border post on Friday.",
            "ASSAULT",
            "overran",
            "Insurgents",
            "a border post",
        ),
        (
            "Armed men hijacked a fuel tanker in the gulf.",
            "ASSAULT",
            "hijacked",
            "Armed men",
            "a fuel tanker",
        ),
        (
            "Soldiers gunned down two fishermen near the river.",
            "ASSAULT",
            "gunned down",
            "Soldiers",
            "two fishermen",
        ),
        (
            "The army launched an offensive against the rebels.",
            "ASSAULT",
            "offensive",
            "The army",
            "the rebels",
        ),
        (
            "The navy dispatched two frigates to the strait.",
            "MOBILIZE",
            "dispatched",
            "The navy",
            None,
        ),
        (
            "The ministry downgraded relations with Riyadh.",
            "SANCTION",
            "downgraded",
            "The ministry",
            "Riyadh",
        ),
        (
            "Ottawa slapped tariffs on imported steel.",
            "SANCTION",
            "tariffs",
            "Ottawa",
            "imported steel",
        ),
        ("Nurses walked off the job on Tuesday.", "PROTEST", "walked", "Nurses", None),
        ("Port workers went on strike on Monday.", "PROTEST", "strike", "Port workers", None),
        (
            "Hundreds of demonstrators gathered outside the consulate.",
            "PROTEST",
            "gathered",
            "Hundreds of demonstrators",
            None,
        ),
        (
            "Protesters torched two police cars.",
            "PROTEST",
            "torched",
            "Protesters",
            "two police cars",
        ),
    ],
)
def test_conflict_acts_in_the_words_of_wire_reports(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_joint_drills_cooperate_and_drills_alone_mobilize(extract):
    joint = _by_type(extract("The two navies held joint drills off the coast."))
    assert "COOPERATE" in joint and "MOBILIZE" not in joint
    alone = _by_type(extract("The army held military drills near the border."))
    assert alone["MOBILIZE"]["actor1_text"] == "The army"


def test_dispersed_units_are_no_crowd_control(extract):
    r = extract("The militia relies on dispersed units in the hills.")
    assert "COERCE" not in _by_type(r)


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The envoy held a telephone conversation with the Omani minister.",
            "CONSULT",
            "conversation",
            "The envoy",
            "the Omani minister",
        ),
        (
            "Officials of the two states held consultations in Vienna.",
            "CONSULT",
            "consultations",
            "Officials of the two states",
            None,
        ),
        (
            "The chancellor spoke with the Polish premier on Monday.",
            "CONSULT",
            "spoke",
            "The chancellor",
            "the Polish premier",
        ),
        ("The mayor will travel to Warsaw next month.", "CONSULT", "travel", "The mayor", None),
        ("Chile and Peru struck a deal on fishing rights.", "AGREE", "struck", "Chile", "Peru"),
        (
            "The Senate leader lauded the compromise.",
            "SUPPORT",
            "lauded",
            "The Senate leader",
            "the compromise",
        ),
        (
            "Poland stands with Lithuania, the minister said.",
            "SUPPORT",
            "stands",
            "Poland",
            "Lithuania",
        ),
        ("The bishops pushed for a truce in the region.", "REQUEST", "pushed", "The bishops", None),
        (
            "The mediator implored the factions to lay down their arms.",
            "REQUEST",
            "implored",
            "The mediator",
            "the factions",
        ),
        (
            "Lawyers petitioned the tribunal for a new hearing.",
            "REQUEST",
            "petitioned",
            "Lawyers",
            "the tribunal",
        ),
        (
            "The union slammed the pension reform.",
            "ACCUSE",
            "slammed",
            "The union",
            "the pension reform",
        ),
        (
            "The senator lashed out at the cabinet over the budget.",
            "ACCUSE",
            "lashed out",
            "The senator",
            "the cabinet",
        ),
        (
            "A grand jury indicted the former mayor.",
            "ACCUSE",
            "indicted",
            "A grand jury",
            "the former mayor",
        ),
        (
            "Seoul lodged a protest with Beijing over the flights.",
            "ACCUSE",
            "protest",
            "Seoul",
            "Beijing",
        ),
        (
            "The cabinet ruled out a referendum.",
            "REJECT",
            "ruled out",
            "The cabinet",
            "a referendum",
        ),
        ("The militia turned down the offer.", "REJECT", "turned down", "The militia", "the offer"),
        (
            "The junta rebuffed the proposal.",
            "REJECT",
            "rebuffed",
            "The junta",
            None,
        ),  # said_things
    ],
)
def test_verbal_acts_in_the_words_of_wire_reports(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_requested_anonymity_is_no_request(extract):
    r = extract("An official, who requested anonymity, said the talks had stalled.")
    assert "REQUEST" not in _by_type(r)


def test_pressing_a_government_to_act_is_a_request_for_the_act(extract):
    r = _by_type(extract("The opposition pressed the government to release the detainees."))
    assert r["REQUEST"]["actor2_text"] == "the government"
    assert "RETREAT" not in r  # the release is what is asked for


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        ("The governor stepped down on Friday.", "CONCEDE", "stepped", "The governor", None),
        (
            "The cabinet gave in to the farmers' demands.",
            "CONCEDE",
            "gave in",
            "The cabinet",
            "the farmers",
        ),
        (
            "The ministry scrapped the planned fuel tax.",
            "CONCEDE",
            "scrapped",
            "The ministry",
            None,
        ),
        (
            "The council backtracked on its plan to close the clinics.",
            "CONCEDE",
            "backtracked",
            "The council",
            "its plan to close the clinics",
        ),
        (
            "Militia fighters pulled out of the oil town.",
            "RETREAT",
            "pulled",
            "Militia fighters",
            None,
        ),
        (
            "Belgrade pulled its police back from the crossing.",
            "RETREAT",
            "pulled",
            "Belgrade",
            "its police",
        ),
        (
            "Damascus handed back the remains of three pilots.",
            "RETREAT",
            "handed back",
            "Damascus",
            "the remains of three pilots",
        ),
        (
            "The Red Cross distributed blankets to the displaced families.",
            "AID",
            "distributed",
            "The Red Cross",
            "the displaced families",
        ),
        (
            "The World Bank approved a $500 million loan for Kenya.",
            "AID",
            "approved",
            "The World Bank",
            "Kenya",
        ),
        (
            "Norway earmarked 20 million crowns for the camps.",
            "AID",
            "earmarked",
            "Norway",
            "the camps",
        ),
        (
            "The rival militias swapped prisoners near the front.",
            "COOPERATE",
            "swapped",
            "The rival militias",
            None,
        ),
    ],
)
def test_yielding_and_giving_in_the_words_of_wire_reports(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_an_entry_needing_a_particle_does_not_judge_other_uses_of_its_verb(extract):
    # "stepped down" is a concession, which refers back to acts it yields; "stepped up
    # attacks" and "gives a deadline" keep their own events
    r = _by_type(extract("The army stepped up attacks on the rebels."))
    assert r["ASSAULT"]["actor1_text"] == "The army"
    r = _by_type(extract("The premier gave the militia a deadline to disarm."))
    assert r["THREATEN"]["actor1_text"] == "The premier"


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The junta placed the former premier under house arrest.",
            "COERCE",
            "arrest",
            "The junta",
            "the former premier",
        ),
        (
            "Soldiers took two reporters into custody at the airport.",
            "COERCE",
            "custody",
            "Soldiers",
            "two reporters",
        ),
        (
            "Two reporters were taken into custody by soldiers.",
            "COERCE",
            "custody",
            "soldiers",
            "Two reporters",
        ),
        (
            "The governor put the province under curfew.",
            "COERCE",
            "curfew",
            "The governor",
            "the province",
        ),
        (
            "The port city has been under siege since March.",
            "COERCE",
            "siege",
            None,
            "The port city",
        ),
        (
            "Canberra announced $40 million in relief aid for the islands.",
            "AID",
            "aid",
            "Canberra",
            "the islands",
        ),
        (
            "The senator raised the threat of new tariffs.",
            "THREATEN",
            "threat",
            "The senator",
            None,
        ),
    ],
)
def test_acts_named_by_nouns_in_reporting_constructions(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_under_an_accord_is_still_background(extract):
    r = _by_type(extract("Under the accord, the two armies will set up joint patrols."))
    assert "AGREE" not in r


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "Marines boarded a cargo vessel off the coast.",
            "COERCE",
            "boarded",
            "Marines",
            "a cargo vessel",
        ),
        (
            "The coast guard intercepted a speedboat carrying migrants.",
            "COERCE",
            "intercepted",
            "The coast guard",
            "a speedboat carrying migrants",
        ),
        (
            "Rebel officers toppled the president in a night raid.",
            "COERCE",
            "toppled",
            "Rebel officers",
            "the president",
        ),
        (
            "Customs officers impounded the trawler.",
            "COERCE",
            "impounded",
            "Customs officers",
            "the trawler",
        ),
        (
            "The regulator blocked access to two news websites.",
            "COERCE",
            "blocked",
            "The regulator",
            "access to two news websites",
        ),
        ("Police used water cannon against the crowd.", "COERCE", "used", "Police", "the crowd"),
        (
            "Troops fired live ammunition at the marchers.",
            "ASSAULT",
            "fired",
            "Troops",
            "the marchers",
        ),
        (
            "Air defences downed six drones over the capital.",
            "ASSAULT",
            "downed",
            "Air defences",
            "six drones",
        ),
        (
            "Seoul scrambled fighter jets after the incursion.",
            "MOBILIZE",
            "scrambled",
            "Seoul",
            None,
        ),
        (
            "Gendarmes carried out patrols in the border towns.",
            "MOBILIZE",
            "patrols",
            "Gendarmes",
            None,
        ),
    ],
)
def test_forces_at_sea_in_the_air_and_on_the_street(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_joint_patrols_stay_cooperation(extract):
    r = _by_type(extract("The two armies will mount joint patrols along the border."))
    assert "COOPERATE" in r and "MOBILIZE" not in r


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        ("Lima inked a trade pact with Seoul.", "AGREE", "inked", "Lima", "Seoul"),
        ("Bahrain reopened its embassy in Doha.", "SUPPORT", "reopened", "Bahrain", None),
        (
            "Egypt reopened the crossing for aid trucks.",
            "RETREAT",
            "reopened",
            "Egypt",
            None,
        ),
        ("The chancellor paid a state visit to Rome.", "CONSULT", "visit", "The chancellor", None),
        ("The premier pinned the blame on the unions.", "ACCUSE", "blame", "The premier", None),
        ("The agency expressed alarm at the arrests.", "ACCUSE", "alarm", "The agency", None),
        ("China blocked the draft resolution in the council.", "REJECT", "blocked", "China", None),
        (
            "The ministry warned Tirana against any provocation.",
            "THREATEN",
            "warned",
            "The ministry",
            "Tirana",
        ),
        ("The junta vowed to crush the uprising.", "COERCE", "crush", "The junta", "the uprising"),
    ],
)
def test_diplomacy_and_its_breakdown_in_the_words_of_wire_reports(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_a_warning_of_a_danger_is_no_threat(extract):
    r = _by_type(extract("The agency warned of a famine in the north."))
    assert "THREATEN" not in r


def test_who_came_for_talks_holds_them(extract):
    r = _by_type(extract("The envoy flew to Ankara for talks with the foreign minister."))
    assert (r["CONSULT"]["actor1_text"], r["CONSULT"]["actor2_text"]) == (
        "The envoy",
        "the foreign minister",
    )


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        ("Dockers staged a walkout at the port.", "PROTEST", "walkout", "Dockers", None),
        ("The union called a general strike for Thursday.", "PROTEST", "strike", "The union", None),
        (
            "The insurgents claimed responsibility for the ambush.",
            "ASSAULT",
            "ambush",
            "The insurgents",
            None,
        ),
        (
            "The assembly impeached the governor.",
            "ACCUSE",
            "impeached",
            "The assembly",
            "the governor",
        ),
        (
            "The regime suspended the weekly newspaper.",
            "COERCE",
            "suspended",
            "The regime",
            "the weekly newspaper",
        ),
        (
            "Canberra offered Port Moresby three patrol boats and equipment.",
            "AID",
            "offered",
            "Canberra",
            "Port Moresby",
        ),
    ],
)
def test_protest_claims_and_penalties_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_calling_on_a_date_is_no_call_for(extract):
    r = _by_type(extract("The union called a general strike for Thursday."))
    assert "REQUEST" not in r


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The tribunal issued a warrant against the militia leader.",
            "COERCE",
            "warrant",
            "The tribunal",
            "the militia leader",
        ),
        (
            "Investigators documented abuses by the police.",
            "ACCUSE",
            "documented",
            "Investigators",
            None,
        ),
        ("Quito withdrew its ambassador from Mexico City.", "SANCTION", "withdrew", "Quito", None),
        ("Caracas pulled its envoy from Bogota.", "SANCTION", "pulled", "Caracas", None),
    ],
)
def test_courts_and_envoys_as_reported(extract, sentence, event_type, trigger, actor1, actor2):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_troops_withdrawn_are_still_a_retreat(extract):
    assert "RETREAT" in _by_type(extract("The army withdrew its troops from the valley."))


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "Tokyo tightened export controls on chemicals.",
            "SANCTION",
            "controls",
            "Tokyo",
            "chemicals",
        ),
        (
            "Ankara cut off imports of Syrian cotton.",
            "SANCTION",
            "cut off",
            "Ankara",
            "imports of Syrian cotton",
        ),
        ("Brussels broadened sanctions on Minsk.", "SANCTION", "sanctions", "Brussels", "Minsk"),
        ("Oslo and Helsinki deepened defence ties.", "COOPERATE", "ties", "Oslo", "Helsinki"),
        ("Soldiers fanned out across the market.", "MOBILIZE", "fanned out", "Soldiers", None),
        ("Police stepped up security around the stadium.", "MOBILIZE", "security", "Police", None),
        ("Jets carried out sorties over the valley.", "ASSAULT", "sorties", "Jets", None),
    ],
)
def test_trade_pressure_and_shows_of_force_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The governor ordered the closure of the airport.",
            "COERCE",
            "closure",
            "The governor",
            "the airport",
        ),
        ("Ottawa threw its weight behind the accord.", "SUPPORT", "weight", "Ottawa", None),
        (
            # a pledge to act is the agreement, the act its content ("promised to withdraw")
            "The ministers pledged to boost cooperation on energy.",
            "AGREE",
            "pledged",
            "The ministers",
            None,
        ),
    ],
)
def test_orders_backing_and_intent_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1"),
    [
        (
            "Strategic bombers landed in Managua on Monday.",
            "MOBILIZE",
            "landed",
            "Strategic bombers",
        ),
        (
            "A nuclear submarine surfaced off the island.",
            "MOBILIZE",
            "surfaced",
            "A nuclear submarine",
        ),
        ("Two bombers flew over the gulf near the coast.", "MOBILIZE", "flew", "Two bombers"),
        (
            "The presidential guard took power in the capital.",
            "COERCE",
            "took",
            "The presidential guard",
        ),
    ],
)
def test_movements_and_takeovers_as_reported(extract, sentence, event_type, trigger, actor1):
    ev = _by_type(extract(sentence))[event_type]
    assert (ev["trigger"], ev["actor1_text"]) == (trigger, actor1)


def test_a_plane_landing_is_no_show_of_force(extract):
    assert "MOBILIZE" not in _by_type(extract("The minister's plane landed in Lisbon."))


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        ("The premier expressed regret for the raid.", "CONCEDE", "regret", "The premier", None),
        (
            "The navy acknowledged responsibility for the sinking.",
            "CONCEDE",
            "acknowledged",
            "The navy",
            None,
        ),
        ("An aid convoy entered the besieged town.", "AID", "entered", "An aid convoy", None),
        ("The two parties reopened talks in Oslo.", "CONSULT", "reopened", "The two parties", None),
        (
            "Riot police blocked the march near the palace.",
            "COERCE",
            "blocked",
            "Riot police",
            None,
        ),
        ("Budapest blocked the sanctions package.", "REJECT", "blocked", "Budapest", None),
    ],
)
def test_regrets_relief_and_blocks_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The defence ministry called the joint drills a provocation.",
            "ACCUSE",
            "called",
            "The defence ministry",
            None,
        ),
        (
            "The junta branded the strikers saboteurs and traitors.",
            "ACCUSE",
            "branded",
            "The junta",
            "the strikers",
        ),
        (
            "Opposition leaders described the count as rigged.",
            "ACCUSE",
            "described",
            "Opposition leaders",
            "the count",  # what is judged, as with "criticised the count"
        ),
        ("The envoy called the talks constructive.", "SUPPORT", "called", "The envoy", None),
    ],
)
def test_calling_something_a_wrong_or_a_success_judges_it(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_calling_a_meeting_or_a_name_without_a_judgement_is_no_judgement(extract):
    r = _by_type(extract("The premier called the committee an advisory body."))
    assert "ACCUSE" not in r and "SUPPORT" not in r
    r = _by_type(extract("The opposition called a general strike for Monday."))
    assert "ACCUSE" not in r


def test_an_act_noun_in_a_role_title_is_no_act(extract):
    r = events_of(extract("The bloc's envoy for the dialogue, Hanna Lindqvist, hosted the talks."))
    assert [(e["event_type"], e["trigger"], e["actor1_id"]) for e in r] == [
        ("CONSULT", "hosted", "unk:hanna-lindqvist")
    ]


@pytest.mark.parametrize(
    ("sentence", "actor1"),
    [
        ("The envoy warned that Ostria would retaliate if the crew were charged.", "The envoy"),
        ("Tehran warned that it would close the strait if its ports were blockaded.", "Tehran"),
        ("The junta warned of serious consequences if the talks failed.", "The junta"),
    ],
)
def test_a_warning_of_what_ones_side_will_do_is_a_threat(extract, sentence, actor1):
    assert _coded(extract, sentence, "THREATEN")[:2] == ("warned", actor1)


def test_a_warning_of_a_famine_is_no_threat(extract):
    r = _by_type(extract("The agency warned that the drought would ruin the harvest."))
    assert "THREATEN" not in r


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        ("The rebels rejected a demand from the army to withdraw within 72 hours.", "REJECT"),
        ("The army issued an ultimatum to the militia to leave the city.", "THREATEN"),
        ("The rebels ignored a call by the bishops to release the hostages.", "REQUEST"),
    ],
)
def test_what_a_demand_or_threat_noun_asks_is_its_content(extract, sentence, kept):
    types = [e["event_type"] for e in events_of(extract(sentence))]
    assert types == [kept]


def test_a_military_convoy_entering_is_still_a_deployment(extract):
    r = _by_type(extract("A military convoy entered the border town."))
    assert "MOBILIZE" in r and "AID" not in r


def test_pressing_an_attack_is_no_request(extract):
    r = _by_type(extract("The army pressed its offensive on the town."))
    assert r["ASSAULT"]["actor1_text"] == "The army"
    assert "REQUEST" not in r


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        ("Students staged a sit-in at the university.", "PROTEST", "in", "Students", None),
        ("Rioters looted shops in the capital.", "PROTEST", "looted", "Rioters", "shops"),
        ("China held live-fire drills near Taiwan.", "MOBILIZE", "drills", "China", None),
        ("Kyiv called up 10,000 reservists.", "MOBILIZE", "called up", "Kyiv", None),
        (
            "The carrier strike group steamed into the Mediterranean.",
            "MOBILIZE",
            "steamed",
            "The carrier strike group",
            None,
        ),
        (
            "Government forces retook the airport on Sunday.",
            "ASSAULT",
            "retook",
            "Government forces",
            "the airport",
        ),
        (
            "A missile slammed into an apartment block.",
            "ASSAULT",
            "slammed",
            None,
            "an apartment block",
        ),
        (
            "Security forces stormed the mosque.",
            "ASSAULT",
            "stormed",
            "Security forces",
            "the mosque",
        ),
        ("Police beat protesters with batons.", "ASSAULT", "beat", "Police", "protesters"),
        (
            "Authorities placed the region under a state of emergency.",
            "COERCE",
            "state",
            "Authorities",
            "the region",
        ),
        (
            "Police lobbed tear gas canisters at the demonstrators.",
            "COERCE",
            "lobbed",
            "Police",
            "the demonstrators",
        ),
        (
            "The junta shut the country's airspace.",
            "COERCE",
            "shut",
            "The junta",
            "the country's airspace",
        ),
        (
            "The election commission barred the opposition leader from the race.",
            "COERCE",
            "barred",
            "The election commission",
            "the opposition leader",
        ),
        (
            "The United States barred imports from the region.",
            "SANCTION",
            "barred",
            "The United States",
            "imports from the region",
        ),
        (
            "The prosecutor opened a case against the minister.",
            "ACCUSE",
            "case",
            "The prosecutor",
            "the minister",
        ),
    ],
)
def test_sit_ins_call_ups_retaken_towns_and_bars_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_slamming_a_decision_stays_an_accusation(extract):
    r = _by_type(extract("The senator slammed the decision."))
    assert "ACCUSE" in r and "ASSAULT" not in r


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        ("China extended a $2 billion credit line to Pakistan.", "AID", "line", "China", None),
        (
            "Saudi Arabia deposited $3 billion in Pakistan's central bank.",
            "AID",
            "deposited",
            "Saudi Arabia",
            None,
        ),
        ("Germany wrote off the debt of Somalia.", "AID", "wrote off", "Germany", None),
        (
            "The EU released 1 billion euros in frozen funds to Hungary.",
            "AID",
            "released",
            "The EU",
            "Hungary",
        ),
        ("Germany took in one million refugees.", "AID", "took in", "Germany", None),
        ("The coast guard rescued 200 migrants at sea.", "AID", "rescued", "The coast guard", None),
        (
            "The United Nations facilitated the evacuation of civilians.",
            "AID",
            "evacuation",
            "The United Nations",
            "civilians",
        ),
        (
            "The United States shipped weapons to Ukraine.",
            "AID",
            "shipped",
            "The United States",
            "Ukraine",
        ),
        ("France delivered Rafale jets to India.", "AID", "delivered", "France", "India"),
        (
            "The king sent a congratulatory message to the new president.",
            "SUPPORT",
            "message",
            "The king",
            None,
        ),
        (
            "Leaders sent their congratulations to the winner.",
            "SUPPORT",
            "congratulations",
            "Leaders",
            None,
        ),
        (
            "The countries vowed to work together against terrorism.",
            "COOPERATE",
            "work",
            "The countries",
            None,
        ),
        (
            "The two navies conducted a joint search for the missing plane.",
            "COOPERATE",
            "search",
            "The two navies",
            None,
        ),
        ("Police tear-gassed the marchers.", "COERCE", "gassed", "Police", "the marchers"),
        (
            "Turkey sent back the Syrian refugees.",
            "COERCE",
            "sent",
            "Turkey",
            "the Syrian refugees",
        ),
        (
            "The government granted citizenship to 14 foreigners.",
            "CONCEDE",
            "granted",
            "The government",
            "14 foreigners",
        ),
    ],
)
def test_credit_lines_debt_relief_rescues_and_congratulations_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_released_captives_are_still_a_release(extract):
    r = _by_type(extract("The rebels released 14 hostages on Sunday."))
    assert "RETREAT" in r and "AID" not in r


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The minister hit out at the European Union over its migration policy.",
            "ACCUSE",
            "hit out",
            "The minister",
            "the European Union",
        ),
        ("The minister took aim at the government.", "ACCUSE", "aim", "The minister", None),
        ("The ministry objected to the visit.", "ACCUSE", "objected", "The ministry", None),
        ("The ministry disputed the figures.", "ACCUSE", "disputed", "The ministry", None),
        (
            "The opposition challenged the results in court.",
            "ACCUSE",
            "challenged",
            "The opposition",
            None,
        ),
        (
            "The minister questioned the legality of the strikes.",
            "ACCUSE",
            "questioned",
            "The minister",
            None,
        ),
        ("India trashed the report as baseless.", "REJECT", "trashed", "India", None),
        (
            "The high court quashed the detention orders.",
            "REJECT",
            "quashed",
            "The high court",
            "the detention orders",
        ),
        (
            "The supreme court annulled the presidential election.",
            "REJECT",
            "annulled",
            "The supreme court",
            None,
        ),
        ("The court struck down the emergency law.", "REJECT", "struck down", "The court", None),
        (
            "The commission disqualified three candidates.",
            "COERCE",
            "disqualified",
            "The commission",
            "three candidates",
        ),
        (
            "The court suspended the president from office.",
            "COERCE",
            "suspended",
            "The court",
            "the president",
        ),
        ("Troops cordoned off the area around the embassy.", "COERCE", "cordoned", "Troops", None),
        ("The regime locked down the city.", "COERCE", "locked down", "The regime", None),
        (
            "Soldiers set up roadblocks across the capital.",
            "COERCE",
            "roadblocks",
            "Soldiers",
            None,
        ),
        (
            "Rebels took control of the provincial capital.",
            "ASSAULT",
            "control",
            "Rebels",
            "the provincial capital",
        ),
        ("Rebels took over the airport.", "ASSAULT", "took over", "Rebels", "the airport"),
        ("Protesters pelted police with stones.", "PROTEST", "pelted", "Protesters", "police"),
    ],
)
def test_criticism_court_reversals_and_takeovers_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_a_law_struck_down_is_no_air_strike(extract):
    assert "ASSAULT" not in _by_type(extract("The court struck down the emergency law."))


def test_questioning_a_suspect_is_no_accusation(extract):
    assert "ACCUSE" not in _by_type(extract("Police questioned the suspect for hours."))


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The president telephoned his Turkish counterpart.",
            "CONSULT",
            "telephoned",
            "The president",
            "his Turkish counterpart",
        ),
        (
            "The chancellor phoned the president on Tuesday.",
            "CONSULT",
            "phoned",
            "The chancellor",
            "the president",
        ),
        (
            "The ministers exchanged letters on the border issue.",
            "CONSULT",
            "exchanged",
            "The ministers",
            None,
        ),
        (
            "Delegations from the two countries convened in Geneva.",
            "CONSULT",
            "convened",
            "Delegations from the two countries",
            None,
        ),
        ("The two countries ratified the treaty.", "AGREE", "ratified", "The two countries", None),
        ("The parties initialled the peace agreement.", "AGREE", "initialled", "The parties", None),
        (
            "Parliament approved the agreement with Ankara.",
            "AGREE",
            "approved",
            "Parliament",
            "Ankara",
        ),
        (
            "The bloc reached a consensus on the migration pact.",
            "AGREE",
            "consensus",
            "The bloc",
            None,
        ),
        (
            "The former president accepted the verdict.",
            "CONCEDE",
            "accepted",
            "The former president",
            None,
        ),
        (
            "The court granted bail to the opposition leader.",
            "CONCEDE",
            "granted",
            "The court",
            "the opposition leader",
        ),
        (
            "The House committee subpoenaed the former adviser.",
            "ACCUSE",
            "subpoenaed",
            "The House committee",
            "the former adviser",
        ),
        ("The Senate voted against the bill.", "REJECT", "voted", "The Senate", "the bill"),
        (
            "Democrats filibustered the measure.",
            "REJECT",
            "filibustered",
            "Democrats",
            "the measure",
        ),
        ("Police fined 200 drivers on Monday.", "COERCE", "fined", "Police", "200 drivers"),
        (
            "The commission imposed a fine on the broadcaster.",
            "COERCE",
            "fine",
            "The commission",
            "the broadcaster",
        ),
        (
            "The government nationalised the oil industry.",
            "COERCE",
            "nationalised",
            "The government",
            "the oil industry",
        ),
    ],
)
def test_calls_ratifications_votes_and_fines_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_a_signed_treaty_keeps_plover_s_root_of_a_signature(extract):
    ev = _by_type(extract("The two countries ratified the treaty."))["AGREE"]
    assert ev["plover_root"] == "SUPPORT"


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "The government restored internet access in the region.",
            "RETREAT",
            "restored",
            "The government",
            None,
        ),
        (
            "The authorities reopened the closed newspapers.",
            "RETREAT",
            "reopened",
            "The authorities",
            None,
        ),
        ("The rebels vacated the government buildings.", "RETREAT", "vacated", "The rebels", None),
        ("The government unfroze the assets.", "RETREAT", "unfroze", "The government", None),
        (
            "Washington waived sanctions on the oil sales.",
            "RETREAT",
            "waived",
            "Washington",
            "the oil sales",
        ),
        ("The EU delisted the group.", "RETREAT", "delisted", "The EU", "the group"),
        (
            "The government commuted the death sentences of 20 prisoners.",
            "RETREAT",
            "commuted",
            "The government",
            None,
        ),
        ("The government shelved the plan.", "CONCEDE", "shelved", "The government", None),
        ("The leader stepped aside.", "CONCEDE", "stepped", "The leader", None),
        (
            "The army will pay compensation to the families.",
            "AID",
            "compensation",
            "The army",
            "the families",
        ),
        (
            "The government compensated the victims' families.",
            "AID",
            "compensated",
            "The government",
            None,
        ),
    ],
)
def test_restrictions_eased_protests_suspended_and_compensation_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "Opposition supporters clashed with police in the capital.",
            "PROTEST",
            "clashed",
            "Opposition supporters",
            "police",
        ),
        (
            "The ambassador promised Washington's support for the reforms.",
            "SUPPORT",
            "support",
            "Washington's",
            None,
        ),
        (
            "Hackers breached the ministry's networks.",
            "ASSAULT",
            "breached",
            "Hackers",
            "the ministry's networks",
        ),
        (
            "Unknown assailants set off a car bomb near the embassy.",
            "ASSAULT",
            "set off",
            "Unknown assailants",
            None,
        ),
        (
            "The WFP suspended food deliveries to the region.",
            "SANCTION",
            "suspended",
            "The WFP",
            "food deliveries",
        ),
    ],
)
def test_riots_promised_backing_hacks_and_halted_deliveries_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_troops_clashing_stay_an_assault(extract):
    r = _by_type(extract("Indian and Pakistani troops clashed in Kashmir."))
    assert "ASSAULT" in r and "PROTEST" not in r


def test_a_promise_of_support_is_no_agreement(extract):
    assert "AGREE" not in _by_type(
        extract("The ambassador promised Washington's support for the reforms.")
    )


@pytest.mark.parametrize(
    ("sentence", "event_type", "trigger", "actor1", "actor2"),
    [
        (
            "A police van rammed into a crowd of protesters.",
            "ASSAULT",
            "rammed",
            "A police van",
            "a crowd of protesters",
        ),
        (
            "Chinese ships rammed a Vietnamese fishing boat.",
            "ASSAULT",
            "rammed",
            "Chinese ships",
            "a Vietnamese fishing boat",
        ),
        ("The army repelled the rebels.", "ASSAULT", "repelled", "The army", "the rebels"),
        ("The envoy shuttled between the two capitals.", "CONSULT", "shuttled", "The envoy", None),
        ("Police chased away the protesters.", "COERCE", "chased", "Police", "the protesters"),
        (
            "Iranian speedboats harassed a US warship in the strait.",
            "COERCE",
            "harassed",
            "Iranian speedboats",
            "a US warship",
        ),
        ("The army sealed the border with Syria.", "COERCE", "sealed", "The army", "the border"),
    ],
)
def test_rammings_shuttles_and_sealed_borders_as_reported(
    extract, sentence, event_type, trigger, actor1, actor2
):
    assert _coded(extract, sentence, event_type) == (trigger, actor1, actor2)


def test_a_bill_rammed_through_is_no_assault(extract):
    r = _by_type(extract("The ruling party rammed the bill through parliament."))
    assert "ASSAULT" not in r
