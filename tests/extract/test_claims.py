"""Attribution constructions, one test each, on sentences of our own."""

from __future__ import annotations

import pytest

from pipelines.extract import ArticleInput, extract_articles


def claims_of(text: str) -> list[dict]:
    result = extract_articles([ArticleInput("c" * 16, text)], n_process=1)
    return result.claims.to_dicts()


def one(text: str) -> dict:
    claims = claims_of(text)
    assert len(claims) == 1, claims
    return claims[0]


def test_indirect_speech_with_a_counted_unnamed_source():
    c = one("Two diplomats said the talks were likely to resume next week.")
    assert c["speaker_text"] == "Two diplomats"
    assert (c["speaker_kind"], c["anonymous"], c["speaker_count"]) == (
        "anonymous_official",
        True,
        2,
    )
    assert (c["cue"], c["cue_lemma"], c["stance"]) == ("said", "say", "assert")
    assert c["content"] == "the talks were likely to resume next week"
    assert c["direct_quote"] is False


def test_a_role_with_a_name_beside_it_is_that_person_even_misparsed():
    # the parser hangs the name on "dialogue" and the recogniser calls it an organisation
    claims = claims_of(
        "The two sides agreed to meet again, the bloc's envoy for the dialogue, Hanna "
        "Lindqvist, said. She said the talks had been difficult."
    )
    first, second = claims
    assert first["speaker_actor_id"] == second["speaker_actor_id"] == "unk:hanna-lindqvist"
    assert first["speaker_kind"] == "named_person"


def test_it_as_a_later_speaker_or_actor_is_the_body_last_named_as_subject():
    result = extract_articles(
        [
            ArticleInput(
                "i" * 16,
                "The prime minister's office said the border would stay open. It said the "
                "army would set up checkpoints. It rejected a demand from the rebels to "
                "withdraw.",
            )
        ],
        n_process=1,
    )
    speakers = [c["speaker_actor_id"] for c in result.claims.to_dicts()]
    assert speakers[:2] == ["unk:prime-minister-office"] * 2
    (reject,) = [e for e in result.events.to_dicts() if e["event_type"] == "REJECT"]
    assert reject["actor1_id"] == "unk:prime-minister-office"
    # "it" that is no subject of an act or a statement stays itself
    r = extract_articles([ArticleInput("j" * 16, "It was the deadliest clash.")], n_process=1)
    assert all(e["actor1_id"] is None for e in r.events.to_dicts())


def test_inverted_order():
    c = one("The army will withdraw from the town by Friday, two officials said.")
    assert c["speaker_text"] == "two officials"
    assert c["content"] == "The army will withdraw from the town by Friday"


def test_anonymity_stated_later_in_the_article():
    claims = claims_of(
        "Two people said the army would withdraw from the town.\n\n"
        "The people asked not to be named because the talks are confidential."
    )
    (c,) = [c for c in claims if c["cue_lemma"] == "say"]
    assert c["speaker_text"] == "Two people"
    assert c["anonymous"] is True


def test_direct_quote_over_two_sentences():
    c = one("“We will not back down. The strike goes on,” said union leader Mary Wanjiku.")
    assert c["speaker_kind"] == "named_person"
    assert c["direct_quote"] is True
    assert c["content"] == "“We will not back down. The strike goes on,”"


def test_direct_quote_over_two_paragraphs():
    text = (
        "The minister said: “We will not back down. The strike goes on.\n\n"
        "“We have waited two years for this.”\n\nTalks are due next week."
    )
    c = one(text)
    assert c["direct_quote"] is True
    assert c["content"].startswith("“We will not back down.")
    assert c["content"].endswith("“We have waited two years for this.”")


def test_mixed_quote_is_not_direct():
    c = one("The minister said the plan was “a betrayal of the people”.")
    assert c["content"] == "the plan was “a betrayal of the people”"
    assert c["direct_quote"] is False


def test_told_outlet_is_reported_via():
    c = one("A senior official told Harbor Post the ship would leave on Monday.")
    assert c["reported_via"] == "Harbor Post"
    assert c["cue"] == "told Harbor Post"
    assert c["anonymous"] is True


def test_outlet_reporting():
    c = one("Reuters reported that the convoy reached the city on Sunday.")
    assert c["speaker_kind"] == "outlet"
    assert c["reported_via"] == "Reuters"


@pytest.mark.parametrize(
    ("text", "cue", "speaker"),
    [
        ("The ministry declined to comment.", "declined to comment", "The ministry"),
        ("The embassy did not respond to requests for comment.", "respond", "The embassy"),
        (
            "The Pentagon referred questions to the White House.",
            "referred questions",
            "The Pentagon",
        ),
    ],
)
def test_refusals_are_claims(text, cue, speaker):
    c = one(text)
    assert (c["stance"], c["speaker_text"], c["content"]) == ("decline_comment", speaker, None)
    assert c["cue"] == cue


@pytest.mark.parametrize(
    ("text", "stance", "content"),
    [
        ("The opposition accused the government of rigging the vote.", "accuse",
         "the government of rigging the vote"),
        ("The ministry denied that soldiers had fired on protesters.", "deny",
         "that soldiers had fired on protesters"),
        ("The UN warned that fighting could displace thousands of people.", "warn",
         "that fighting could displace thousands of people"),
        ("Greece urged Turkey to withdraw the survey ship.", "request", "Turkey to withdraw the survey ship"),
    ],
)  # fmt: skip
def test_stances(text, stance, content):
    c = one(text)
    assert (c["stance"], c["content"]) == (stance, content)


def test_speakers_resolve_to_actors():
    c = one("The Kremlin said the talks had been constructive.")
    assert (c["speaker_actor_id"], c["speaker_kind"], c["anonymous"]) == (
        "RUSGOV",
        "government",
        False,
    )


def test_second_cue_inside_the_first_claim_keeps_its_speaker():
    claims = claims_of(
        "The president has long claimed that rebels seek to topple him and insists the army "
        "would resist any such attempt."
    )
    by_cue = {c["cue_lemma"]: c for c in claims}
    assert by_cue["claim"]["content"] == "that rebels seek to topple him"
    assert by_cue["insist"]["speaker_text"] == "The president"
    assert by_cue["insist"]["content"] == "the army would resist any such attempt"


def test_events_inside_a_claim_carry_its_id_and_denial():
    result = extract_articles(
        [ArticleInput("d" * 16, "The ministry denied that soldiers had fired on protesters.")]
    )
    (claim,) = result.claims.to_dicts()
    events = {e["trigger"]: e for e in result.events.to_dicts()}
    assert events["fired"]["claim_id"] == claim["claim_id"]
    assert events["fired"]["modality"] == "denied"


def test_according_to_with_nothing_attributed_is_no_claim():
    # Found by the property test: the phrase closing a text that says nothing else.
    from pipelines.extract import ArticleInput, extract_articles

    result = extract_articles([ArticleInput("f" * 16, "according to Police")], n_process=1)
    assert result.claims.height == 0


@pytest.mark.parametrize(
    ("text", "cue", "stance", "content"),
    [
        ("The governor called the shelling of the market a cowardly act.", "called", "assert",
         "the shelling of the market a cowardly act"),
        ("The union called for calm after the clashes in the port.", "called for", "request",
         "calm"),
        ("The minister described the ceasefire as fragile.", "described", "assert",
         "the ceasefire as fragile"),
        ("The senator asked whether the troops would stay beyond March.", "asked", "request",
         "whether the troops would stay beyond March"),
        ("The mayor tweeted that the bridge would reopen on Monday.", "tweeted", "assert",
         "that the bridge would reopen on Monday"),
        ("The envoy recalled that the last talks had collapsed in May.", "recalled", "assert",
         "that the last talks had collapsed in May"),
        ("The opposition leader pointed to the rising price of bread.", "pointed to", "assert",
         "the rising price of bread"),
        ("The minister replied: “The figures are wrong.”", "replied", "assert",
         "“The figures are wrong.”"),
        ("The senator is calling for the navy to leave the strait.", "calling for", "request",
         "the navy to leave the strait"),
        ("The minister praised the rescuers for their courage.", "praised", "assert",
         "the rescuers for their courage"),
        ("The mayor answered that the bridge was safe.", "answered", "assert",
         "that the bridge was safe"),
        ("The senator proposed a ban on imports of steel.", "proposed", "request",
         "a ban on imports of steel"),
    ],
)  # fmt: skip
def test_cues_of_real_reporting(text, cue, stance, content):
    c = one(text)
    assert (c["cue"], c["stance"], c["kind"], c["content"]) == (cue, stance, "statement", content)


@pytest.mark.parametrize(
    "text",
    [
        "The council called a meeting for Monday.",  # convening, not naming
        "“Nobody is above the law, whatever they call themselves,” the judge said.",
    ],
)
def test_call_without_a_named_thing_is_no_claim(text):
    assert [c["cue_lemma"] for c in claims_of(text)] in ([], ["say"])


def test_said_inserted_mid_sentence():
    c = one("The new levy, the finance minister said, would cost farmers more than it raises.")
    assert c["speaker_text"] == "the finance minister"
    assert "would cost farmers more" in c["content"] and c["content"].startswith("The new levy")


def test_said_after_a_quotation_of_several_sentences():
    c = one("“The road is closed. The trucks cannot pass,” the driver said.")
    assert c["speaker_text"] == "the driver"
    assert c["content"] == "“The road is closed. The trucks cannot pass,”"


def test_said_before_its_speaker_and_a_colon():
    c = one("Said the harbour master: “No ship leaves tonight.”")
    assert c["speaker_text"] == "the harbour master"
    assert c["content"] == "“No ship leaves tonight.”"


def test_beliefs_are_kept_apart_from_statements():
    claims = claims_of(
        "The general believes the rebels will regroup. Western diplomats fear the truce will not "
        "hold. The minister said the truce would hold."
    )
    kinds = {c["cue_lemma"]: c["kind"] for c in claims}
    assert kinds == {"believe": "belief", "fear": "belief", "say": "statement"}


def test_a_report_inside_a_quotation_is_part_of_the_quoted_claim():
    c = one("“The soldiers told us to leave before dark,” the farmer said.")
    assert (c["speaker_text"], c["cue"]) == ("the farmer", "said")
    assert c["content"] == "“The soldiers told us to leave before dark,”"


@pytest.mark.parametrize(
    "text",
    [
        # A quotation running over paragraphs: each opens with a mark, only the last closes.
        "“The river rose overnight and the police told us to leave the village.\n\n"
        "“We took what we could carry,” the farmer said.",
        '"The river rose overnight and the police told us to leave the village.\n\n'
        '"We took what we could carry," the farmer said.',
        # Paragraphs ended by one line break, as some outlets write them.
        "“The river rose overnight and the police told us to leave.\n"
        "“We took what we could carry,” the farmer said.",
        # Opened with a curly mark, closed with a straight one.
        '“The river rose and the police told us to leave," the farmer said.',
    ],
)
def test_a_report_inside_a_quotation_over_paragraphs_is_not_a_claim(text):
    (c,) = claims_of(text)
    assert (c["speaker_text"], c["cue"]) == ("the farmer", "said")


def test_a_quotation_never_closed_hides_no_report():
    # Paragraph after paragraph opening a mark and never closing it: no quotation at all.
    text = "\n\n".join("“The rebels left the town, the mayor said" for _ in range(3))
    assert [c["speaker_text"] for c in claims_of(text)] == ["the mayor"] * 3


@pytest.mark.parametrize(
    "text",
    [
        "“I think the vote was stolen,” the candidate said.",  # a belief inside a quotation
        "Everyone knows the port is closed.",  # nobody in particular
        "The candidate thinks so.",  # no clause believed
    ],
)
def test_beliefs_that_are_not_claims_of_their_own(text):
    assert all(c["kind"] == "statement" for c in claims_of(text))


def test_quotation_after_said_in_a_statement():
    c = one(
        "The harbour master said in a statement on Monday. “No ship leaves tonight. The storm "
        "is too strong.”"
    )
    assert c["speaker_text"] == "The harbour master"
    assert c["content"] == "“No ship leaves tonight. The storm is too strong.”"


def test_as_the_speaker_said():
    c = one("As the port authority said, the ferries will not sail until Thursday.")
    assert c["speaker_text"] == "the port authority"
    assert c["content"] == "the ferries will not sail until Thursday"


@pytest.mark.parametrize(
    ("text", "channel", "platform"),
    [
        ("The senator wrote on Truth Social that the count was rigged.", "social_media",
         "Truth Social"),
        ("The mayor posted on X that the bridge would reopen.", "social_media", "X"),
        ("The governor tweeted that the curfew would end.", "social_media", "Twitter"),
        ("The ministry said in a statement that the talks had failed.", "statement", None),
        ("The minister told a news conference in Rome that the talks had failed.",
         "press_conference", None),
        ("The envoy said in an interview that the talks had failed.", "interview", None),
        ("A senior official told Harbor Post the ship would leave on Monday.", "interview",
         None),
        ("Reuters reported that the convoy reached the city on Sunday.", "news_outlet", None),
        ("The ministry said the talks had failed.", None, None),
        ("The talks failed, the ministry said, because X was absent.", None, None),
    ],
)  # fmt: skip
def test_channel_and_platform(text, channel, platform):
    c = one(text)
    assert (c["channel"], c["platform"]) == (channel, platform)


def test_every_later_mention_of_a_speaker_outside_the_dictionary_names_them():
    result = extract_articles(
        [
            ArticleInput(
                "e" * 16,
                "Foreign Minister Jan Novak said the talks had failed. Novak said the army would "
                "stay. He said the border was closed. The minister said more troops would come.",
            )
        ],
        n_process=1,
    )
    claims = result.claims.to_dicts()
    ids = {c["speaker_actor_id"] for c in claims}
    assert len(claims) == 4 and len(ids) == 1 and None not in ids
    assert [c["speaker_text"] for c in claims] == ["Foreign Minister Jan Novak", "Novak", "He",
                                                   "The minister"]  # fmt: skip
    assert {c["speaker_kind"] for c in claims} == {"named_person"}
    assert not any(c["anonymous"] for c in claims)
    (actor,) = result.actors.filter(result.actors["actor_id"] == ids.pop()).to_dicts()
    assert actor["name"] == "Jan Novak"


def test_short_form_speakers_named_first_as_the_actors_of_events():
    # Named in full only as the actors of events; then speaking by short forms.
    result = extract_articles(
        [
            ArticleInput(
                "f" * 16,
                "Paraguayan Interior Minister Lucia Benitez met police commanders on Tuesday. "
                "The minister said the border would stay closed. Benitez said two officers had "
                "been arrested. The Northern Valley Front attacked a patrol near the river. The "
                "front said it would fight on. The ministers said they would meet again.",
            )
        ],
        n_process=1,
    )
    events = {e["trigger"]: e for e in result.events.to_dicts()}
    claims = {c["speaker_text"]: c for c in result.claims.to_dicts()}
    person = events["met"]["actor1_id"]
    assert claims["The minister"]["speaker_actor_id"] == person
    assert claims["Benitez"]["speaker_actor_id"] == person
    assert claims["The minister"]["speaker_kind"] == "named_person"
    assert claims["The front"]["speaker_actor_id"] == events["attacked"]["actor1_id"]
    assert claims["The ministers"]["speaker_actor_id"] != person  # several: not her


@pytest.mark.parametrize(
    ("text", "actor_id"),
    [
        ("The Kremlin accused Kyiv of stalling. The statement said talks could resume.", "RUSGOV"),
        ("The White House statement said the talks had failed.", "USAGOV"),
        ("A statement from the Kremlin said the talks had failed.", "RUSGOV"),
    ],
)
def test_a_statement_speaks_for_whoever_issued_it(text, actor_id):
    c = next(c for c in claims_of(text) if c["cue_lemma"] == "say")
    assert (c["speaker_actor_id"], c["speaker_kind"], c["channel"]) == (
        actor_id,
        "government",
        "statement",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Over ten years the deficits would add up to $2 billion.",
        "The governor hopes to deny the challenger the nomination.",
        "The reporter had not been called on by the spokesman.",
        "The reform would let firms write off the cost of new machines.",
        "The second term could add another title to his resume.",
        # "attacked" is a cue only for a person attacking in words
        "Rebels attacked the town before dawn.",
        "Gunmen attacked the convoy near the border.",
        "Reyes attacked the guard with a knife.",
        # "questioned" a person is an interrogation; "continues to" is no report
        "Police questioned the suspect for six hours on Monday.",
        "Investigators questioned him about the fire.",
        "Detectives questioned two witnesses at the scene.",
        "On the Republican side of the race, Garcia continues to lead with 40 percent.",
        "After a short break in the capital, the two rivals continued their campaign.",
    ],
)
def test_cue_words_in_other_senses_are_no_claims(text):
    assert claims_of(text) == []


def test_a_report_inside_doubled_apostrophe_quotes_is_part_of_the_quoted_claim():
    c = one("''Farmers tell me they cannot sell their grain,'' the senator said.")
    assert c["speaker_text"] == "the senator"


def test_a_dateline_is_not_the_speaker():
    c = one(
        "ZENDA, May 3 (Harbor Post) — Former Interior Minister Karel Dvorak told reporters that "
        "the vote had been rigged."
    )
    assert c["speaker_text"] == "Former Interior Minister Karel Dvorak"
    assert c["speaker_kind"] == "named_person"


def test_issued_a_statement_saying():
    c = one("The port authority issued a statement saying the ferries would not sail.")
    assert (c["speaker_text"], c["cue"], c["channel"]) == ("The port authority", "saying",
                                                           "statement")  # fmt: skip
    assert c["content"] == "the ferries would not sail"


def test_a_pledge_is_a_claim_and_an_agree_event_whose_act_is_its_content():
    result = extract_articles(
        [ArticleInput("p" * 16, "The governor pledged to withdraw the police from the campus.")],
        n_process=1,
    )
    (claim,) = result.claims.to_dicts()
    assert (claim["cue"], claim["stance"], claim["content"]) == (
        "pledged",
        "promise",
        "to withdraw the police from the campus",
    )
    # one act reported, the promise (PLOVER's intent to act); what is promised is its content
    events = [(e["event_type"], e["trigger"], e["modality"]) for e in result.events.to_dicts()]
    assert events == [("AGREE", "pledged", "planned")]


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "stance", "content"),
    [
        ("Her remark that the vote had been rigged angered the council.", "remark", "Her",
         "assert", "that the vote had been rigged"),
        ("The claim by the ministry that rebels had shelled the market drew scorn.", "claim",
         "the ministry", "assert", "that rebels had shelled the market"),
        ("The mayor's warning that the dam could burst went unheeded.", "warning", "The mayor",
         "warn", "that the dam could burst"),
    ],
)  # fmt: skip
def test_communication_nouns_with_a_speaker_and_a_that_clause(text, cue, speaker, stance, content):
    c = one(text)
    assert (c["cue"], c["speaker_text"], c["stance"], c["content"]) == (
        cue,
        speaker,
        stance,
        content,
    )


@pytest.mark.parametrize(
    "text",
    [
        "His statement was short.",  # no content
        "The claim that rebels shelled the market was never proven.",  # nobody behind it
        "The minister rejected the claim that she had lied.",  # the verb's claim, not the noun's
    ],
)
def test_communication_nouns_without_speaker_or_clause_are_no_claims(text):
    assert [c["cue_lemma"] for c in claims_of(text)] in ([], ["reject"])


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "The senator spoke of a long and costly recovery.",
            "spoke",
            "of a long and costly recovery",
        ),
        (
            "The minister complained about the shortage of clean water.",
            "complained",
            "about the shortage of clean water",
        ),
        (
            "The mayor warned against cuts to the police budget.",
            "warned",
            "against cuts to the police budget",
        ),
        ("The candidate railed against the new fuel tax.", "railed", "against the new fuel tax"),
        ("The governor did not mention his rivals by name.", "mention", "his rivals"),
        ("The governor touted the new jobs figures.", "touted", "the new jobs figures"),
        (
            "The minister assured investors that the currency would hold.",
            "assured",
            "that the currency would hold",
        ),
        ("“Leave the building now,” the guard yelled.", "yelled", "“Leave the building now,”"),
        (
            "The port operator disclosed that it had lost two cranes.",
            "disclosed",
            "that it had lost two cranes",
        ),
    ],
)
def test_more_cues_of_real_reporting(text, cue, content):
    c = one(text)
    assert (c["cue"], c["content"]) == (cue, content)


@pytest.mark.parametrize(
    "text",
    [
        "The mayor spoke at a rally in the capital.",  # where, not what
        "It is worth noting that the bridge was built in 1990.",  # nobody says it
        "It goes without saying that the repairs will cost more.",
        "The new tax helps the city maintain its roads.",
    ],
)
def test_no_claim_without_a_speaker_and_something_said(text):
    assert claims_of(text) == []


def test_speaking_on_condition_of_anonymity_is_no_second_claim():
    c = one("Speaking on condition of anonymity, an official said the army would withdraw.")
    assert (c["cue"], c["anonymous"]) == ("said", True)


def test_a_belief_inside_a_statement_is_part_of_it():
    c = one("The mayor said she thinks the bridge will hold.")
    assert (c["cue"], c["content"]) == ("said", "she thinks the bridge will hold")


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("The deaths were confirmed by the health ministry.", "the health ministry", "The deaths"),
        (
            "The central bank has been criticized by traders for not raising rates.",
            "traders",
            "for not raising rates",
        ),
    ],
)
def test_a_passive_report_is_its_agents_claim(text, speaker, content):
    c = one(text)
    assert (c["speaker_text"], c["content"]) == (speaker, content)


def test_no_claim_from_a_passive_without_an_agent_or_a_cue():
    assert claims_of("The bridge was built by a Chinese firm. The figures were reported.") == []


@pytest.mark.parametrize("mark", [("“", "”"), ("''", "''")])
def test_a_question_quoted_before_asked(mark):
    c = one(f"{mark[0]}Can we still win the state?{mark[1]} the governor asked.")
    assert (c["speaker_text"], c["content"]) == (
        "the governor",
        f"{mark[0]}Can we still win the state?{mark[1]}",
    )


def test_a_promise_after_a_comma_is_the_speakers_unless_a_pact_makes_it():
    c = one("The mayor spoke to union leaders, promising to cut taxes and build more homes.")
    assert (c["speaker_text"], c["cue"]) == ("The mayor", "promising")
    assert claims_of("The two ministers signed the pact, promising to share intelligence.") == []


def test_praise_for_an_object():
    c = one("Two state officials praised the governor's handling of the floods.")
    assert (c["cue"], c["content"]) == ("praised", "the governor's handling of the floods")


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        (
            "The assembly debated the president's calls for a new constitution.",
            "calls",
            "the president",
            "a new constitution",
        ),
        (
            "The minister's comments about the strike angered the unions.",
            "comments",
            "The minister",
            "the strike",
        ),
    ],
)
def test_a_communication_noun_with_its_preposition(text, cue, speaker, content):
    c = one(text)
    assert (c["cue"], c["speaker_text"], c["content"]) == (cue, speaker, content)


def test_a_communication_noun_with_a_date_is_no_claim():
    assert claims_of("The minister's remarks on Saturday were brief.") == []


def test_a_person_attacking_in_words_is_a_claim():
    c = one("Senator Mark Reyes attacked the governor in a series of posts on Friday.")
    assert (c["speaker_text"], c["cue"], c["stance"]) == (
        "Senator Mark Reyes",
        "attacked",
        "accuse",
    )


def test_a_passive_attack_inside_a_claim_does_not_cut_it():
    c = one("The commander said his men would defend the bridge if attacked by the army.")
    assert c["content"] == "his men would defend the bridge if attacked by the army"


def test_quotation_split_around_the_cue_with_the_speaker_after_it():
    c = one(
        '"The danger," said Peter Lund, an economist who is the director of the Northline '
        'Growth Forecast, "is that we are going to be losing workers and jobs."'
    )
    assert (c["cue"], c["speaker_text"]) == ("said", "Peter Lund")
    assert c["content"].startswith('"The danger,"')
    assert c["content"].endswith('"is that we are going to be losing workers and jobs."')


def test_participle_clause_with_an_agent_is_the_agents_claim():
    claims = claims_of(
        "When asked by a reporter whether the talks had failed, the mayor said she had not "
        "heard that concern."
    )
    by_cue = {c["cue"]: c for c in claims}
    assert by_cue["asked"]["speaker_text"] == "a reporter"
    assert by_cue["asked"]["content"] == "whether the talks had failed"
    assert by_cue["said"]["speaker_text"] == "the mayor"


def test_as_reported_by_an_outlet():
    c = one("As first reported by the Harbor Post, the ministry will close three border posts.")
    assert (c["cue"], c["speaker_text"]) == ("reported", "the Harbor Post")
    assert c["content"] == "the ministry will close three border posts"


def test_participle_after_a_comma_hung_on_the_object_is_the_subjects():
    claims = claims_of(
        "The senator rejected the notion that the vote should be forgotten, saying that if he "
        "found something rotten he would fix it."
    )
    saying = next(c for c in claims if c["cue"] == "saying")
    assert (saying["speaker_text"], saying["content"]) == (
        "The senator",
        "that if he found something rotten he would fix it",
    )


def test_a_question_parsed_as_an_adverbial_clause():
    claims = claims_of(
        "Asked by a reporter if he believed the crisis was over, the governor said that he did not."
    )
    asked = next(c for c in claims if c["cue"] == "Asked")
    assert (asked["speaker_text"], asked["content"]) == (
        "a reporter",
        "if he believed the crisis was over",
    )
    assert "believed" not in {c["cue"] for c in claims}  # inside the question


def test_a_condition_after_asked_for_is_no_question():
    c = one("The mayor asked the council for money if the storm hit the town.")
    assert c["content"] == "the council for money"


@pytest.mark.parametrize(
    "text, speaker",
    [
        # a curly quotation closed with a straight mark, then a new one opened
        ('“We fundamentally disagree," said Tom Ward. "The bombing has no bearing."', "Tom Ward"),
        # a straight quotation closed with a curly mark
        ('"We won,” Reid said on Wednesday. “One of the best days."', "Reid"),
    ],
)
def test_a_report_after_a_quotation_closed_with_the_other_mark(text, speaker):
    assert speaker in {c["speaker_text"] for c in claims_of(text) if c["cue"] == "said"}


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "The governor was asked to name one road the plan would repair.",
            "asked",
            "to name one road the plan would repair",
        ),
        (
            "The mayor is accused of taking bribes from a builder.",
            "accused",
            "of taking bribes from a builder",
        ),
        (
            "It was reported that the port would reopen on Monday.",
            "reported",
            "that the port would reopen on Monday",
        ),
        (
            "The former minister has been called the architect of the reform.",
            "called",
            "the architect of the reform",
        ),
        # the question put to the main clause's subject, not by them
        (
            "When asked about the port, the mayor said it would reopen in May.",
            "asked",
            "about the port",
        ),
        (
            "Asked in Leeds on Friday whether he would run again, the governor said he had not "
            "decided.",
            "Asked",
            "whether he would run again",
        ),
    ],
)
def test_a_passive_report_with_no_speaker_is_an_unstated_claim(text, cue, content):
    (c,) = [c for c in claims_of(text) if c["cue"] == cue]
    assert (c["cue"], c["content"]) == (cue, content)
    assert (c["speaker_text"], c["speaker_actor_id"]) == (None, None)
    assert (c["speaker_kind"], c["anonymous"], c["channel"]) == ("unstated", True, None)


@pytest.mark.parametrize(
    "text",
    [
        "It should be noted that the bridge is older than the town hall.",  # nobody reports it
        "The same cannot be said for the ferry to the islands.",
        "The new budget figures were reported.",  # a subject alone: an act announced
        "The rebels were attacked on the road to the border.",  # an act, not words
        "The envoy was not told about the change of plan.",
    ],
)
def test_no_unstated_claim_from_a_passive_without_a_report(text):
    assert [c for c in claims_of(text) if c["speaker_kind"] == "unstated"] == []


def test_has_spoken_is_no_passive():
    claims = claims_of("More recently, she's spoken out against the new levy on fuel.")
    assert all(c["speaker_kind"] != "unstated" for c in claims)


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        # the cue parsed as a reduced relative clause of the speaker
        (
            "Some in the hall jeered, and when Novak thanked Leeds and said it was great to be "
            "back, a man yelled “Stay away!”",
            "yelled",
            "a man",
            "“Stay away!”",
        ),
        (
            "Hours after Prime Minister Jan Novak brought aid and blankets to the storm-battered "
            "villages of flood-hit Moravia, a Brno newspaper called on opposition leader Eva "
            "Horak to at least visit.",
            "called on",
            "a Brno newspaper",
            "opposition leader Eva Horak",
        ),
        (
            "On Sunday, Anna Berg, the Labour party's front-runner, called on tech companies to "
            "become more aggressive.",
            "called on",
            "Anna Berg",
            "tech companies to become more aggressive",
        ),
        # the speaker parsed as an apposition of the noun before the comma
        (
            "In an interview with Morning Show hosts Ann Fell and Mark Dunn, the Labour party "
            "candidate stated that the budget was a fantasy.",
            "stated",
            "the Labour party candidate",
            "that the budget was a fantasy",
        ),
        (
            "As a part of his plea, Pavel Lehel Ostrov, 44, said that he robbed nearly 200 "
            "pensioners from his flat abroad.",
            "said",
            "Pavel Lehel Ostrov",
            "that he robbed nearly 200 pensioners from his flat abroad",
        ),
    ],
)
def test_a_speaker_the_parser_hung_elsewhere(text, cue, speaker, content):
    (c,) = [c for c in claims_of(text) if c["cue"] == cue]
    assert (c["speaker_text"], c["content"]) == (speaker, content)


@pytest.mark.parametrize(
    "text",
    [
        "The author of Empty Shelves, a book calling for lower taxes, spoke at the event.",
        'A blog, called the "Wire," anchored by five writers, pumps out stories every day.',
    ],
)
def test_a_real_reduced_relative_or_apposition_is_no_claim(text):
    assert claims_of(text) == []


def test_a_quotation_in_doubled_apostrophes_before_the_cue():
    c = one("''No, not this year,'' she said.")
    assert (c["speaker_text"], c["content"]) == ("she", "No, not this year")


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        (
            "During the debate on Monday, Novak made an unprompted call for an end to farm "
            "subsidies.",
            "made an unprompted call",
            "an end to farm subsidies",
        ),
        (
            "Varga made the point that the tax would hit small firms hardest.",
            "made the point",
            "that the tax would hit small firms hardest",
        ),
        ("The leaflet makes no mention of the mayor.", "makes no mention", "the mayor"),
        (
            "Since 2010, Novak has repeatedly made public promises to give the money to charity.",
            "made public promises",
            "to give the money to charity",
        ),
        (
            "Leaders across the region sent messages of sympathy to the families.",
            "sent messages",
            "sympathy",
        ),
    ],
)
def test_a_communication_noun_after_a_light_verb(text, cue, content):
    c = one(text)
    assert (c["cue"], c["content"]) == (cue, content)


@pytest.mark.parametrize(
    "text",
    [
        "The mayor made a call to the station on Monday.",  # a telephone call
        "She made a statement.",  # nothing said in it
        "The minister raised the question with his Dutch counterpart.",
    ],
)
def test_a_light_verb_noun_without_content_is_no_claim(text):
    assert claims_of(text) == []


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        (
            "The levy is a classic scare tactic, as Nina Holt noted in the Harbor Post.",
            "Nina Holt",
            "The levy is a classic scare tactic",
        ),
        (
            "Prices will rise again next year, as the central bank predicted.",
            "the central bank",
            "Prices will rise again next year",
        ),
    ],
)
def test_a_report_after_its_content_introduced_by_as(text, speaker, content):
    c = one(text)
    assert (c["speaker_text"], c["content"]) == (speaker, content)


@pytest.mark.parametrize(
    "text",
    [
        "The fee will go up, as the rate continues to rise.",
        "The port will close early, as the mayor speaks to the council on Friday.",
    ],
)
def test_as_meaning_while_is_no_report(text):
    assert claims_of(text) == []


@pytest.mark.parametrize(
    ("text", "cue", "speaker", "content"),
    [
        (
            "In the new ad, in which she declares, “We will not give up the port,” the mayor "
            "looks tired.",
            "declares",
            "she",
            "“We will not give up the port,”",
        ),
        ("She went on to say: “The port stays open.”", "say", "She", "“The port stays open.”"),
        ("The crowd cheered as a boy shouted, “Go home!”", "shouted", "a boy", "“Go home!”"),
        (
            "Then there was the radio host Tom Reyes, who lamented in an interview with a local "
            "paper, ''We have spent years attacking the press.''",
            "lamented",
            "Tom Reyes",
            "''We have spent years attacking the press.''",
        ),
        (
            "The minister responded, “Well, in addition to the unions, the banks and the press, "
            "probably the opposition.”",
            "responded",
            "The minister",
            "“Well, in addition to the unions, the banks and the press, probably the opposition.”",
        ),
    ],
)
def test_a_quotation_right_after_a_cue_inside_a_clause(text, cue, speaker, content):
    (c,) = [c for c in claims_of(text) if c["cue"] == cue]
    assert (c["speaker_text"], c["content"]) == (speaker, content)


@pytest.mark.parametrize(
    "text",
    [
        "The mayor said her campaign would continue “to fight for every vote” across the state.",
        "He said he would advise the mayor on dealing with the “hard choices ahead.”",
    ],
)
def test_a_quotation_in_an_infinitive_or_other_preposition_is_not_the_cues(text):
    assert [c["cue"] for c in claims_of(text)] == ["said"]


def test_a_that_clause_hung_on_the_cues_modifier():
    text = (
        "The ministry denied that its ships had been seized and said in a statement that the "
        "delay was caused by “routine checks” after the storm hit the port."
    )
    (c,) = [c for c in claims_of(text) if c["cue"] == "said"]
    assert (c["speaker_text"], c["channel"]) == ("The ministry", "statement")
    assert c["content"] == (
        "that the delay was caused by “routine checks” after the storm hit the port"
    )


def test_a_speaker_between_a_quotation_and_a_cue_with_no_subject():
    text = (
        "“The guards are under a lot of strain and are working double shifts,” a prison "
        "source, who was not authorized to speak on the record, told the Harbor Post."
    )
    (c,) = [c for c in claims_of(text) if c["cue_lemma"] == "tell"]
    assert (c["speaker_text"], c["anonymous"], c["reported_via"]) == (
        "a prison source",
        True,
        "Harbor Post",
    )
    assert c["content"] == "“The guards are under a lot of strain and are working double shifts,”"


def test_a_preposition_before_the_cue_is_not_its_own():
    # "For years" hangs on "called": the cue is "called for", after it
    c = one("For years, the union called for a new wage deal.")
    assert (c["cue"], c["content"]) == ("called for", "a new wage deal")


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        (
            "The army's gains around the port, they said, could be lost within a month.",
            "they",
            "The army's gains around the port, they said, could be lost within a month",
        ),
        (
            "The bridge will reopen to traffic in the spring, they said.",
            "they",
            "The bridge will reopen to traffic in the spring",
        ),
    ],
)
def test_the_cues_own_subject_after_what_it_reports(text, speaker, content):
    c = one(text)  # 'they' is not the gains nor the bridge
    assert (c["speaker_text"], c["content"]) == (speaker, content)


def test_of_two_subjects_the_parser_gave_a_cue_the_one_next_to_it():
    # "It helps families to save, she said." parsed (as the parser sometimes does on longer
    # sentences) with "families" as a second subject of "said"
    from spacy.tokens import Doc

    from pipelines.extract import claim_speakers
    from pipelines.extract.nlp import load_nlp

    words = ["It", "helps", "families", "to", "save", ",", "she", "said", "."]
    heads = [1, 1, 7, 4, 1, 7, 7, 1, 1]
    deps = ["nsubj", "ROOT", "nsubj", "aux", "xcomp", "punct", "nsubj", "advcl", "punct"]
    doc = Doc(load_nlp().vocab, words=words, heads=heads, deps=deps)
    assert claim_speakers.own_subject(doc[7]).text == "she"


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Novak brags that's a record for the club.", "that's a record for the club"),
        ("Berg brags that's good news for farmers.", "that's good news for farmers"),
    ],
)
def test_a_cue_verb_tagged_as_a_plural_noun(text, content):
    c = one(text)  # "brags" taken for the noun, the sentence's root
    assert (c["cue"], c["content"]) == ("brags", content)
    assert c["speaker_text"] == text.split()[0]


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        (
            "They have no choice but to take the lead in advertising, says Jan Novak, a media "
            "consultant with Meridian Media in Alexandria, Va.\n\nThat outside help comes at a "
            "steep price and pays for fewer ads.",
            "Jan Novak",
            "They have no choice but to take the lead in advertising",
        ),
        (
            "“The plan is sound and the money is there,” said Wembly, explaining he had checked "
            "the figures.",
            "Wembly",
            "“The plan is sound and the money is there,”",
        ),
    ],
)
def test_a_speaker_named_after_the_cue_that_the_parser_misread(text, speaker, content):
    # the name taken for the subject of the next paragraph, or for an adverb
    c = next(c for c in claims_of(text) if c["cue_lemma"] == "say")
    assert (c["speaker_text"], c["content"]) == (speaker, content)


def test_a_quotation_mark_glued_to_the_next_word_still_ends_the_quotation():
    # a space lost in scraping: '...,”Garcia said' was one token and the claim was lost
    c = one("“We will hold the line at the border,”Garcia said on Tuesday.")
    assert c["speaker_text"] == "Garcia"
    assert c["content"] == "“We will hold the line at the border,”"
    c = one("Lopez said,“The talks have failed and we are going home.”")
    assert c["speaker_text"] == "Lopez"
    assert c["direct_quote"] is True


def test_a_surname_the_tagger_takes_for_an_organization_attacks_in_words():
    # the small model tags some surnames as organizations; aimed at a named person, the
    # attack is verbal
    c = one("Trump also attacked Hillary Clinton and Marco Rubio during the rally.")
    assert (c["cue"], c["speaker_text"]) == ("attacked", "Trump")
    assert c["content"].startswith("Hillary Clinton and Marco Rubio")


@pytest.mark.parametrize(
    ("text", "lemma", "speaker", "content"),
    [
        # questioning a thing, not a person
        (
            "Senator Ana Ruiz is once again questioning the cost of the border plan.",
            "question",
            "Senator Ana Ruiz",
            "the cost of the border plan",
        ),
        (
            "Two mayors have questioned the wisdom of sending more troops.",
            "question",
            "Two mayors",
            "the wisdom of sending more troops",
        ),
        # the noun a "saying" participle describes says it
        (
            "Voters see her as ready, with 52 percent saying she is prepared for the job.",
            "say",
            "52 percent",
            "she is prepared for the job",
        ),
        (
            "Protesters held up a banner saying the plant would close in March.",
            "say",
            "a banner",
            "the plant would close in March",
        ),
    ],
)
def test_questioning_a_thing_and_a_noun_saying_something_are_claims(text, lemma, speaker, content):
    c = one(text)
    assert (c["cue_lemma"], c["speaker_text"], c["content"]) == (lemma, speaker, content)


def test_continued_after_a_quotation_is_still_a_claim():
    c = one("“We are not going anywhere,” Ruiz continued.")
    assert (c["cue_lemma"], c["speaker_text"]) == ("continue", "Ruiz")
