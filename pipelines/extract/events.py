"""Event rules: lexicon triggers on the parse, with their actors, modality and place.

What a type's rules do besides finding its words (two parties, a theme object, judging or
referring back to a reported event) is read from per-type flags in triggers.yaml
(`event_types`); modality.py finds the modality, event_merges.py relates a sentence's events.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from spacy.tokens import Span, Token

from pipelines.extract import syntax
from pipelines.extract.actors import actor_dictionary
from pipelines.extract.event_merges import (
    described_doers,
    inherit_pronoun_targets,
    investigations_sent,
    merge_consequences,
    rejected_accusers,
    shared_parties,
)
from pipelines.extract.modality import event_modality
from pipelines.extract.rules import (
    EventType,
    ModalityCues,
    Trigger,
    TriggerLexicon,
    attribution_cues,
    role_words,
)
from pipelines.extract.sentence_typer import sentence_typer

# "Under the agreement, ...", "despite the ceasefire", "an inquiry into the shelling": a noun
# after these names an event reported elsewhere, as background or as what is looked into.
_BACKGROUND_PREPS = {"under", "despite", "into"}
# A light verb with these puts its object under an act: "placed under arrest", "into custody".
_PLACING_PREPS = {"under", "into"}
# "was under siege", "remains under curfew": the subject undergoes the act, when it is one of
# force ("came under attack" was left out: wire copy uses it to retell an attack already told).
_UNDERGOING_VERBS = {"be", "remain", "stay"}
_FORCE_TYPES = {"ASSAULT", "COERCE"}
# Links inside a requested clause: its verbs, coordinated verbs, objects and prepositions.
_REQUESTED_DEPS = ("ccomp", "xcomp", "dobj", "conj", "pobj", "prep")
_INSTRUMENT_TARGET_PREPS = {"at", "on", "against", "with"}
_TARGET_PREPS = {"on", "against", "with", "at", "to", "toward", "towards", "into"}
_NOUN_TARGET_PREPS = {"on", "against", "with", "at", "of", "to"}
# Two-party types name the other party with "with": "talks with", "met with", "signed with".
_SYMMETRIC_PREPS = {"with"}
_LOCATIVE_PREPS = {
    "in",
    "into",
    "at",
    "near",
    "off",
    "across",
    "over",
    "outside",
    "inside",
    "around",
    "through",
    "along",
    "from",
    "to",
}


@dataclass
class EventMention:
    trigger: Token
    end_token: int  # exclusive token index of the trigger phrase
    rule: Trigger
    quad_class: int
    actor1: Token | None = None
    actor2: Token | None = None
    modality: str = "asserted"
    anchors: list[Token] = field(default_factory=list)  # tokens dates/numbers attach through
    location: Span | None = None
    confidence: float = 0.8
    actor1_alone: bool = False  # actor2 is actor1's conjunct: actor1's phrase stops before it
    type_basis: str = "lexicon"  # or "model": the sentence typer's guess (sentence_typer.py)

    @property
    def event_type(self) -> str:
        return self.rule.event_type


def find_events(
    sent: Span, lex: TriggerLexicon, modal: ModalityCues, cue_lemmas: set[str]
) -> list[EventMention]:
    events: list[EventMention] = []
    # only a reported clause can hold a demand: the other words are not worth a call
    clauses = (t for t in sent if t.dep_ == "ccomp")
    demands = [d for d in (_reported_demand(t, lex, modal, cue_lemmas) for t in clauses) if d]
    demanded = {
        t.i
        for d in demands
        for t in d.anchors[0].subtree
        if d.actor2 is None or t.i not in {s.i for s in d.actor2.subtree}
    }
    doc, lemmas = sent.doc, syntax.lemmas(sent.doc)
    for i in range(sent.start, sent.end):
        if lemmas[i] not in lex.by_lemma:
            continue  # most words are no trigger: the tests below are for those that are
        tok = doc[i]
        pos = _pos(tok)
        rules = lex.lookup(tok.lemma_, pos)
        if not rules:
            continue
        if tok.dep_ == "compound" and pos == "NOUN":
            continue  # "strike group", "protest leader": modifiers, not events
        if tok.i in demanded:
            continue  # what a reported demand asks for is its content
        if _epithet(tok) or _standing_backer(tok, rules) or _in_a_title(tok, pos):
            continue
        if pos == "NOUN" and _refers_back(tok, lex):
            continue
        if _requested(tok, lex) or _accused_of(tok, lex) or _not_authorised(tok, lex):
            continue
        if _noun_content(tok, lex):
            continue
        if _asked_anonymity(tok):
            continue
        for rule in rules:
            mention = _mention(tok, pos, rule, lex, modal, cue_lemmas)
            if mention is not None:
                events.append(mention)
                break
    events = sorted(events + demands, key=lambda ev: ev.trigger.i)
    _keeping_the_peace(events, sent, lex)
    if not events:
        events = _guessed(sent, lex, modal, cue_lemmas)
    two_party = frozenset(t.name for t in lex.types.values() if t.symmetric)
    events = merge_consequences(events, two_party)
    events = investigations_sent(events)
    events = described_doers(events)
    inherit_pronoun_targets(events)
    rejected_accusers(events)
    shared_parties(events, lex)
    places = [e for e in syntax.span_ents(sent) if e.label_ in ("GPE", "LOC", "FAC")]
    for ev in events:
        ev.location = _location(ev, places)
    return events


def _keeping_the_peace(events: list[EventMention], sent: Span, lex: TriggerLexicon) -> None:
    """'Japan is sending troops to the UN peacekeeping force', 'peacekeepers began deploying':
    a type's act done by a verb to keep the peace is its `peacekeeping` type (forces sent or
    deployed for it are aid); a peacekeeping force's own patrols stay a show of force."""
    # sending or deploying, not "stepped up patrols"
    retyped = [
        ev for ev in events if lex.types[ev.event_type].peacekeeping and _pos(ev.trigger) == "VERB"
    ]
    if not retyped or not any(t.lemma_.lower() in lex.peacekeeping_words for t in sent):
        return  # the sentence is read only when it has such an act
    for ev in retyped:
        kind = lex.types[ev.event_type].peacekeeping
        ev.rule = replace(ev.rule, event_type=kind)
        ev.quad_class = lex.types[kind].quad_class


def _pos(tok: Token) -> str:
    """The part of speech a lexicon entry is looked up under: an auxiliary counts as a verb."""
    return "VERB" if tok.pos_ in ("VERB", "AUX") else tok.pos_


def _standing_backer(tok: Token, rules: list[Trigger]) -> bool:
    """'rebels backed by Iran', 'the militia, which is supported by Tehran': backing named by a
    passive participle on the backed is, like an epithet, who stands behind whom, told in every
    story about them; the act the sentence reports is another."""
    return (
        tok.tag_ == "VBN"
        and tok.dep_ in ("acl", "relcl")
        and any(c.dep_ == "agent" for c in tok.children)
        and any(r.event_type == "SUPPORT" and not r.prep_any for r in rules)
    )


def _in_a_title(tok: Token, pos: str) -> bool:
    """'the EU's envoy for the dialogue', 'the special envoy to the peace talks', 'the minister
    for trade negotiations': an act noun in a role's title names the role, not an act."""
    if pos != "NOUN" or tok.dep_ != "pobj" or tok.head.lower_ not in ("for", "to", "on"):
        return False
    return tok.head.head.lemma_.lower() in role_words()


def _asked_anonymity(tok: Token) -> bool:
    """'a person familiar with the inquiry, who asked not to be named': a source's terms, told
    in attribution.yaml's anonymity cues, are no request the story reports."""
    if tok.pos_ != "VERB":
        return False
    clause = tok.doc[tok.i : tok.right_edge.i + 1].text.lower()
    return any(
        clause.startswith(cue) or clause.startswith(f"{tok.lower_} {cue}")
        for cue in attribution_cues().anonymity_cues
    )


def _epithet(tok: Token) -> bool:
    """'Iran-backed Houthi rebels', 'the UN-brokered ceasefire', 'a Saudi-led coalition': a
    participle joined by a hyphen to who did it and set before a noun names that noun by a
    standing relation, repeated in every story about it, not an act the story reports."""
    doc = tok.doc
    return (
        tok.tag_ == "VBN"
        and tok.dep_ == "amod"
        and tok.i >= 2
        and doc[tok.i - 1].text == "-"
        and doc[tok.i - 2].pos_ == "PROPN"
        and not doc[tok.i - 1].whitespace_
        and not doc[tok.i - 2].whitespace_
    )


def _guessed(
    sent: Span, lex: TriggerLexicon, modal: ModalityCues, cue_lemmas: set[str]
) -> list[EventMention]:
    """The sentence typer's event for a sentence no lexicon entry fired in: its type and
    trigger word from the model, its parties, modality and refusal from the lexicon's code."""
    guess = sentence_typer().guess(sent)
    if guess is None:
        return []
    tok = guess.trigger
    pos = _pos(tok)
    rule = Trigger(
        lemma=tok.lemma_.lower(),
        event_type=guess.event_type,
        pos=frozenset({pos}),
        confidence=round(guess.probability / 2, 3),
    )
    mention = _mention(tok, pos, rule, lex, modal, cue_lemmas)
    if mention is None:
        return []
    target = mention.actor2
    if (
        target is not None
        and target.dep_ == "pobj"
        and target.head.lower_ in syntax.PLACE_PREPS
        and not _named_party(target)
    ):
        # the model chose the trigger, no entry says which prepositions name its target:
        # "poured into the streets of the capital" names where, not whom
        mention.actor2 = None
    mention.type_basis = "model"
    return [mention]


_DEMAND = Trigger(lemma="must", event_type="REQUEST", pos=frozenset({"VERB"}), confidence=0.5)


def _reported_demand(
    verb: Token, lex: TriggerLexicon, modal: ModalityCues, cue_lemmas: set[str]
) -> EventMention | None:
    """'Russia says Israel must end attacks on Syria', 'the minister said donors should pay':
    a reported clause whose subject must or should act is the speaker's request to that
    subject; the modal is the trigger."""
    if verb.dep_ != "ccomp" or verb.head.lemma_.lower() not in cue_lemmas:
        return None
    modal_tok = next(
        (c for c in verb.children if c.dep_ == "aux" and c.lower_ in lex.obligation_modals), None
    )
    subject = syntax.child(verb, "nsubj")  # not "the report must be published"
    if modal_tok is None or subject is None or subject.pos_ not in ("NOUN", "PROPN"):
        return None
    speaker = verb.head
    modality, _ = event_modality(speaker, modal, cue_lemmas)
    return EventMention(
        trigger=modal_tok,
        end_token=modal_tok.i + 1,
        rule=_DEMAND,
        quad_class=lex.types["REQUEST"].quad_class,
        actor1=syntax.subject_of(speaker),
        actor2=subject,
        modality=modality,
        anchors=[verb, speaker],
        confidence=_DEMAND.confidence,
    )


@dataclass
class _Parties:
    """Who takes part in an event being read, and the tokens its phrase spans and hangs off."""

    end_token: int  # exclusive end of the trigger phrase
    anchors: list[Token]
    actor1: Token | None = None
    actor2: Token | None = None
    alone: bool = False  # actor2 is actor1's conjunct


def _mention(
    tok: Token,
    pos: str,
    rule: Trigger,
    lex: TriggerLexicon,
    modal: ModalityCues,
    cue_lemmas: set[str],
) -> EventMention | None:
    """The event a trigger word makes under one lexicon entry, or None when the entry's
    conditions are not met."""
    kind = lex.types[rule.event_type]
    if pos == "VERB":
        parties = _verb_parties(tok, rule, kind, lex, cue_lemmas)
    else:
        parties = _noun_parties(tok, rule, kind, lex)
    _borrowed_parties(parties, kind, lex)
    governor = (_stand_in(tok, lex) if pos == "NOUN" else tok).head
    if not _conditions_met(tok, rule, parties.actor1, governor, lex):
        return None
    modality, governors = _mention_modality(tok, rule, modal, cue_lemmas)
    refusal = _refusal(tok, rule, modality, lex)
    if refusal == "coded":
        return None  # "refused to meet": the refusing verb is the REJECT already
    if refusal == "said":
        rule = replace(rule, event_type="REJECT", mode="refusal")
        kind, modality = lex.types["REJECT"], "asserted"  # the refusal itself is made
    anchors = parties.anchors
    anchors.extend(g for g in governors if g not in anchors)
    return EventMention(
        trigger=tok,
        end_token=parties.end_token,
        rule=rule,
        quad_class=kind.quad_class,
        actor1=parties.actor1,
        actor2=parties.actor2,
        modality=modality,
        anchors=anchors,
        confidence=rule.confidence,
        actor1_alone=parties.alone,
    )


def _refusal(tok: Token, rule: Trigger, modality: str, lex: TriggerLexicon) -> str | None:
    """'will not lift the ban', 'will not end the strike': "said", a REJECT in the act's place;
    'refused to meet': "coded" when the refusing verb is a REJECT trigger itself, else "said";
    None for anything else (refusals.* in triggers.yaml)."""
    ref = lex.refusals
    if ref is None:
        return None
    verb = tok
    if rule.event_type == "PROTEST" and tok.pos_ == "NOUN":
        verb = tok.head  # "end the strike": the protest is what they will not end
        if tok.dep_ != "dobj" or verb.lemma_.lower() not in ref.ending_verbs:
            return None
    elif rule.event_type not in ref.types or tok.pos_ != "VERB":
        return None
    refuser = verb.head.lemma_.lower()
    if verb.dep_ == "xcomp" and refuser in ref.verbs:
        coded = any(t.event_type == "REJECT" for t in lex.lookup(refuser, "VERB"))
        return "coded" if coded else "said"
    kids = list(verb.children)
    negated = modality == "negated" or verb is not tok
    refused = any(c.dep_ == "neg" for c in kids) and any(
        c.dep_ == "aux" and c.lower_ in ref.future_aux for c in kids
    )
    return "said" if negated and refused else None


def _target_preps(rule: Trigger, kind: EventType) -> set[str] | frozenset[str]:
    """The prepositions whose object is a verb's target. _TARGET_PREPS itself (the same
    object) when the verb's object can be the target too."""
    if kind.theme_object is not None:
        return kind.theme_object  # "deployed troops": what moves is not a target, nor where
    if rule.object_is_instrument:
        return _INSTRUMENT_TARGET_PREPS  # "fired tear gas at protesters": the object is used
    if rule.object_is_topic:
        return _SYMMETRIC_PREPS  # "discussed the border": the party is "with"
    if kind.symmetric:
        return _SYMMETRIC_PREPS  # "met at the bridge": a place, not the other party
    return _TARGET_PREPS


def _verb_object(tok: Token, rule: Trigger, kind: EventType, lex: TriggerLexicon) -> Token | None:
    """The verb's object as a party of the event, when it is one."""
    if kind.theme_object is not None or rule.object_is_instrument or rule.object_is_topic:
        return None  # what is moved, used or talked about
    obj = syntax.child(tok, "dobj")
    if obj is None and kind.judging:
        # "conceded to the demands of the truck drivers", "objected to the plan": the act
        # answered is named after "to"
        to = syntax.prep_object(tok, {"to"})
        if to is not None and lex.lookup(to.lemma_, "NOUN"):
            return _noun_owner(to, lex)
    if obj is not None and kind.judging and obj.lemma_.lower() in lex.said_things:
        return _noun_owner(obj, lex)  # "rejected the charge": what was said is no party
    if obj is not None and lex.lookup(obj.lemma_, "NOUN"):
        if kind.judging:
            # "condemned the attack by X": the one judged is who did it
            return _noun_owner(obj, lex)
        # "stop attacks on security forces": the object is an event; its target is ours
        return syntax.prep_object(obj, _NOUN_TARGET_PREPS - {"of"})
    completes = rule.object_any and not kind.acted_on and obj is not None
    if kind.content and syntax.child(tok, "xcomp") is not None:
        completes = False  # "pressed the government to act": the object is who is asked
    if completes and _object_matches(tok, rule.object_any):
        return None  # "send delegates", "leave the area": the object completes the trigger
    return obj


def _verb_parties(
    tok: Token, rule: Trigger, kind: EventType, lex: TriggerLexicon, cue_lemmas: set[str]
) -> _Parties:
    """actor1 and actor2 of a verb trigger, by its voice: passive, reduced passive relative,
    passive participle with an agent, or active."""
    parties = _Parties(end_token=tok.i + 1, anchors=[tok])
    preps = _target_preps(rule, kind)
    obj = _verb_object(tok, rule, kind, lex)
    theme = rule.object_is_instrument or kind.theme_object is not None
    agent = syntax.passive_agent(tok)
    passive_subj = syntax.child(tok, "nsubjpass")
    if passive_subj is not None:
        parties.actor1, parties.actor2 = agent, passive_subj
        if theme:
            parties.actor2 = syntax.prep_object(tok, preps)  # "drones were launched": a weapon
    elif agent is None and _reduced_passive(tok):
        # "civilians killed in the strike", "the forces deployed to the border": the noun it
        # modifies undergoes the act, the doer is unnamed
        parties.actor2 = syntax.prep_object(tok, preps) if theme else tok.head
    elif agent is not None and tok.tag_ == "VBN":
        # "if attacked by the army", "escorted by three corvettes": a passive participle
        # whose undergoer is the subject it borrows
        parties.actor1, parties.actor2 = agent, syntax.subject_of(tok)
        if parties.actor2 is None and tok.dep_ in ("acl", "relcl"):
            parties.actor2 = tok.head  # "the 30 activists detained by police"
    else:
        parties.actor1, parties.actor2 = _active_parties(tok, rule, lex, obj, preps, cue_lemmas)
        if parties.actor1 is None and tok.dep_ == "amod" and tok.tag_ == "VBG":
            parties.actor1 = tok.head  # "the protesting truck drivers": they protest
    particle = syntax.child(tok, "prt")
    if particle is not None and particle.i == tok.i + 1:
        parties.end_token = particle.i + 1
    if parties.actor2 is None:
        parties.actor2 = _complement_party(tok, rule, lex)
    if parties.actor2 is None and kind.theme_object is not None and not rule.object_is_instrument:
        # "is providing urgent assistance to flood victims": the parser hangs the recipient
        # on the theme, not on the verb
        theme_obj = syntax.child(tok, "dobj")
        if theme_obj is not None:
            parties.actor2 = syntax.prep_object(theme_obj, kind.theme_object)
        if parties.actor2 is None and rule.event_type == "AID":
            # "sent 20 tonnes of rice to Haiti": a country that receives aid is its party
            parties.actor2 = syntax.prep_object(tok, kind.theme_object, places=True)
        dative = syntax.child(tok, "dative")  # "gave the refugees food"
        if parties.actor2 is None and dative is not None and dative.pos_ in ("NOUN", "PROPN"):
            parties.actor2 = dative
    return parties


def _reduced_passive(verb: Token) -> bool:
    """'civilians killed in the strike': a past participle modifying a noun, no subject."""
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("acl", "relcl")
        and verb.head.pos_ in ("NOUN", "PROPN")
        and syntax.child(verb, *syntax.SUBJECTS) is None
    )


def _active_parties(
    tok: Token,
    rule: Trigger,
    lex: TriggerLexicon,
    obj: Token | None,
    preps: set[str] | frozenset[str],
    cue_lemmas: set[str],
) -> tuple[Token | None, Token | None]:
    actor1 = syntax.subject_of(tok)
    actor2 = obj or syntax.prep_object(tok, preps)
    if actor2 is None and obj is None and _relative_object(tok):
        actor2 = tok.head  # "five officers it accused of plotting": the officers
    speaker = _misattached_speaker(tok, lex, rule, cue_lemmas)
    if speaker is not None:
        actor1 = speaker
    clause = syntax.child(tok, "ccomp")
    if clause is not None and syntax.charge_denied(tok, clause):
        actor1 = _named_appos(actor1)  # "a charge New Delhi denied": New Delhi
    if actor2 is None and preps is not _TARGET_PREPS and obj is None:
        actor2 = _theme_recipient(tok, preps)
    return actor1, actor2


def _noun_parties(tok: Token, rule: Trigger, kind: EventType, lex: TriggerLexicon) -> _Parties:
    """actor1 and actor2 of a noun (or adjective) trigger, from its own phrase and the verb
    that carries it."""
    parties = _Parties(end_token=tok.i + 1, anchors=[tok])
    parties.actor1 = _noun_actor1(tok, lex, rule.governor_any or frozenset())
    if tok.pos_ == "ADJ" and tok.dep_ == "acomp" and syntax.child(tok, "xcomp") is not None:
        # "Honduras is willing to withdraw its troops from the zone": an attitude to an act,
        # held by the copula's subject and aimed at the act's party
        parties.actor1 = syntax.subject_of(tok.head)
        parties.actor2 = _complement_party(tok, rule, lex)
        return parties
    # "talks with the rebels" names a party; "talks on the nuclear programme" a topic
    preps = {"with", "against"} if kind.symmetric else _NOUN_TARGET_PREPS
    if kind.theme_object is not None and not kind.symmetric:
        preps = preps | kind.theme_object  # "$10 million in aid for the flood victims"
    # "operations targeting Venezuela", also when the parser hung the participle on the part
    # noun ("a new phase of operations targeting ...")
    parties.actor2 = (
        syntax.prep_object(tok, preps) or _aimed_at(tok) or _aimed_at(_stand_in(tok, lex))
    )
    between = syntax.prep_object(tok, {"between"})
    if between is not None and parties.actor1 is not None and rule.mode == "mediation":
        parties.actor2 = between  # "launched a mediation effort between X and Y": the mediated
    elif between is not None:  # "clashes between farmers and armed groups"
        parties.actor1 = between
        parties.actor2 = next(iter(between.conjuncts), parties.actor2)
        parties.alone = parties.actor2 is not None and parties.actor2.i != between.i
    if parties.actor2 is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in lex.light_verbs:
        parties.actor2 = syntax.prep_object(tok.head, {"on", "against"})  # "imposed sanctions on X"
    placed = _placed_under(tok, lex)
    if placed is not None and syntax.child(placed, "nsubjpass") is not None:
        # "three leaders were taken into custody (by police)"
        parties.actor1 = syntax.passive_agent(placed)
        parties.actor2 = syntax.child(placed, "nsubjpass")
    elif placed is not None and syntax.child(placed, "dobj") is not None:
        # "placed the former president under house arrest", "took three leaders into custody
        # at the airport": who is held, not where
        parties.actor2 = syntax.child(placed, "dobj")
    undergoer = _undergone(tok, lex)
    if parties.actor2 is None and undergoer is not None:
        parties.actor2 = syntax.subject_of(undergoer)  # "the city has been under siege"
    if parties.actor2 is not None and parties.actor2.ent_type_ in ("DATE", "TIME"):
        parties.actor2 = None
    if (
        parties.actor2 is not None
        and parties.actor1 is not None
        and parties.actor2.i == parties.actor1.i
    ):
        parties.actor2 = None  # "the demands of the protesters": they make them
    if tok.pos_ == "ADJ":  # "covert action": the adjective names the kind of act
        parties.anchors.append(tok.head)
        if tok.head.i > tok.i:  # not "assets ... are frozen", where the head comes first
            parties.end_token = tok.head.i + 1
    place = _stand_in(tok, lex)
    if place.head.pos_ == "VERB" and place.dep_ in ("dobj", "nsubjpass"):
        parties.anchors.append(place.head)
    return parties


def _placed_under(noun: Token, lex: TriggerLexicon) -> Token | None:
    """The light verb that puts someone under or into the act a noun names: 'placed him under
    house arrest', 'took them into custody', 'put the city under curfew'."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ not in _PLACING_PREPS:
        return None
    verb = prep.head
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in lex.light_verbs:
        return None
    return verb if prep.i > verb.i else None  # not "Under the deal, they will set up ..."


def _undergone(noun: Token, lex: TriggerLexicon) -> Token | None:
    """'the town has been under siege', 'the region remains under curfew': the subject of a
    copula undergoes the force the noun after 'under' names; returns that verb."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "under" or prep.head.pos_ not in ("VERB", "AUX"):
        return None
    if prep.head.lemma_.lower() not in _UNDERGOING_VERBS:
        return None
    forced = any(r.event_type in _FORCE_TYPES for r in lex.lookup(noun.lemma_, "NOUN"))
    return prep.head if forced else None


def _measured_by(noun: Token) -> Token | None:
    """'pledged $10 million in aid', 'sent 20 tonnes of flour': the amount the verb takes, whose
    'in' or 'of' phrase names the act's kind."""
    amount = noun.head.head
    if noun.dep_ != "pobj" or noun.head.lower_ not in ("in", "of") or amount.dep_ != "dobj":
        return None
    if amount.pos_ == "NUM" or amount.ent_type_ in ("MONEY", "QUANTITY", "CARDINAL"):
        return amount
    return None


def _stand_in(noun: Token, lex: TriggerLexicon) -> Token:
    """Where an act's noun stands in its clause: 'launched a new phase of operations' counts and
    stages the operations with 'phase' (a lexicon part noun), so 'phase' stands for them."""
    for _ in range(3):
        of = noun.head
        if not (noun.dep_ == "pobj" and of.lower_ == "of" and of.head.pos_ == "NOUN"):
            break
        if of.head.lemma_.lower() not in lex.part_nouns:
            break
        noun = of.head
    return noun


def _aimed_at(noun: Token) -> Token | None:
    """'operations targeting Venezuela', 'a campaign aimed at the cartels': the target named by
    a participle on the act's noun."""
    for c in noun.children:
        if c.dep_ != "acl" or c.pos_ != "VERB":
            continue
        if c.lemma_.lower() == "target":
            return syntax.child(c, "dobj")
        if c.lemma_.lower() in ("aim", "direct"):
            return syntax.prep_object(c, {"at", "against"})
    return None


def _borrowed_parties(parties: _Parties, kind: EventType, lex: TriggerLexicon) -> None:
    """A weapon named as the doer gives way to who used it; a two-party event with one party
    takes the second from the first one's conjunct."""
    actor1 = parties.actor1
    if actor1 is not None and actor1.lemma_.lower() in lex.instruments:
        parties.actor1 = actor1 = _wielder(actor1)
    if parties.actor2 is None and actor1 is not None and kind.symmetric:
        # "Colombia and the CNEB agreed", "talks between ...": the second party is actor2,
        # also when the parser hung it off the first party's name ("Minister Andrés Felipe
        # Rueda and his counterpart", with "Rueda" an apposition)
        conjuncts = list(actor1.conjuncts) or [
            c for a in actor1.children if a.dep_ == "appos" for c in a.conjuncts
        ]
        parties.actor2 = conjuncts[0] if conjuncts else None
        parties.alone = parties.actor2 is not None


def _conditions_met(
    tok: Token, rule: Trigger, actor1: Token | None, governor: Token, lex: TriggerLexicon
) -> bool:
    """The lexicon entry's conditions: subject, object, governor, modifier, and the verb's
    frame (_frame_holds)."""
    # a passive's subject undergoes the act: "a student who was struck" did not strike
    passive = syntax.child(tok, "nsubjpass", "auxpass") is not None
    if (
        rule.subject_any
        and not _head_in(actor1, rule.subject_any)
        and (passive or not _head_in(syntax.subject_of(tok), rule.subject_any))
    ):
        return False
    if rule.object_any and not (
        _object_matches(tok, rule.object_any) or _asked_for(tok, rule.prep_any, rule.object_any)
    ):
        return False
    if rule.infinitive and _infinitive(tok) is None:
        return False
    if rule.object_not and _object_matches(tok, rule.object_not):
        return False
    if rule.governor_any and governor.lemma_.lower() not in rule.governor_any:
        return False
    if rule.modifier_any and not _modified_by(tok, rule.modifier_any):
        return False
    if rule.object_named and not _named_party(syntax.child(tok, "dobj")):
        return False
    return _frame_holds(tok, rule, lex)


def _frame_holds(verb: Token, rule: Trigger, lex: TriggerLexicon) -> bool:
    """The entry's conditions on what the verb takes: its particle ("called on"), what it calls
    its object ("called the drills a provocation"), what a clause of it foretells ("warned that
    Moscow would retaliate"). An entry whose frame fails is no reading of the verb at all."""
    return (
        (not rule.prep_any or _has_particle(verb, rule))
        and (not rule.complement_any or _called(verb, rule.complement_any))
        and (not rule.clause_any or _foretold(verb, rule.clause_any, lex))
    )


def _on_a_date(prep: Token) -> bool:
    """'called King Salman on Saturday': 'on' a date is no 'call on'; 'called a strike for
    Monday' no 'call for'."""
    return prep.lower_ in ("on", "for") and any(
        o.ent_type_ in ("DATE", "TIME") for o in prep.children if o.dep_ == "pobj"
    )


def _named_party(tok: Token | None) -> bool:
    return tok is not None and (tok.pos_ == "PROPN" or tok.ent_type_ in _PARTY_ENTS)


def _mention_modality(
    tok: Token, rule: Trigger, modal: ModalityCues, cue_lemmas: set[str]
) -> tuple[str, list[Token]]:
    modality, governors = event_modality(tok, modal, cue_lemmas)
    if rule.event_type == "THREATEN" and modality in ("expected", "possible"):
        # "his fighters would defend themselves", "we will defend our rights": the future is
        # what is threatened; the threat itself is made, unless a cue above the trigger's
        # own auxiliaries says otherwise
        modality, _ = event_modality(tok, modal, cue_lemmas, skip_own_aux=True)
    if modality == "asserted" and rule.modality:
        modality = rule.modality  # "pledged $25 million": a pledge is of something to come
    return modality, governors


def _named_appos(noun: Token) -> Token:
    return next((c for c in noun.children if c.dep_ == "appos"), noun)


def _relative_object(verb: Token) -> bool:
    """'the officers (whom) it accused': a relative clause with its own subject and no object
    has the noun it modifies as its object."""
    if verb.dep_ != "relcl" or verb.head.pos_ not in ("NOUN", "PROPN"):
        return False
    kids = list(verb.children)
    has_subject = any(
        c.dep_ in ("nsubj", "nsubjpass") and c.tag_ not in ("WDT", "WP") for c in kids
    )
    has_object = any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in kids)
    return has_subject and not has_object and syntax.child(verb, "nsubjpass") is None


def _wielder(weapon: Token) -> Token | None:
    """Who used a weapon named as the doer: 'a device planted by the group' (the group), 'army
    drones' (the army's, so the phrase stands); 'killed by gunfire' names nobody."""
    for c in weapon.children:
        if c.dep_ == "acl":
            agent = syntax.passive_agent(c)
            if agent is not None:
                return agent
        owner = c.dep_ == "poss" or (
            c.dep_ in ("compound", "amod", "nmod")
            and (
                c.ent_type_ in ("NORP", "GPE", "ORG")
                or c.lemma_.lower() in actor_dictionary().sector_nouns
            )
        )
        if owner:
            return weapon  # "army drones", "Russian missiles", "the group's mines"
    return None


def _complement_party(tok: Token, rule: Trigger, lex: TriggerLexicon) -> Token | None:
    """Who a request or threat is aimed at when the verb's own object is missing: 'demanded
    that the government withdraw the bill' (the subject of what is demanded), 'threatened to
    dismiss teachers' (the object of what is threatened)."""
    if rule.event_type == "REQUEST":
        clause = syntax.child(tok, "ccomp")
        subj = syntax.child(clause, "nsubj") if clause is not None else None
        if subj is not None and subj.pos_ in ("NOUN", "PROPN"):
            return subj
    if rule.event_type == "THREATEN":
        clause = syntax.child(tok, "xcomp")
        if clause is None:
            return None
        for t in clause.subtree:  # "to impose sanctions on X", "to trigger the return of
            if t.pos_ == "NOUN" and lex.lookup(t.lemma_, "NOUN"):  # U.N. sanctions on Iran"
                return syntax.prep_object(t, {"on", "against"})
        obj = syntax.child(clause, "dobj")
        if obj is not None and obj.pos_ in ("NOUN", "PROPN"):
            return obj
    if rule.event_type in ("REJECT", "AGREE"):
        # "refused to meet the envoy", "agreed to lift sanctions on the North": a refusal or a
        # promise of an act is aimed at the act's party
        clause = syntax.child(tok, "xcomp")
        return _party_of_act(clause, lex) if clause is not None else None
    return None


_PARTY_ENTS = ("PERSON", "ORG", "GPE", "NORP")


def _party_of_act(verb: Token, lex: TriggerLexicon) -> Token | None:
    """The party an act in a complement is done to or with: a named object, the object of
    'with', 'to', 'on' or 'against' on the verb, or of 'on'/'against' on an act's noun."""
    obj = syntax.child(verb, "dobj")
    rules = lex.lookup(verb.lemma_, "VERB")
    # the object of an act done to someone ("meet the envoy"), not of one that moves or uses
    # a thing ("provide food")
    acted_on = bool(rules) and not any(
        lex.types[r.event_type].theme_object is not None
        or r.object_is_instrument
        or r.object_is_topic
        for r in rules
    )
    named = obj is not None and (obj.pos_ == "PROPN" or obj.ent_type_ in _PARTY_ENTS)
    if obj is not None and not lex.lookup(obj.lemma_, "NOUN") and (named or acted_on):
        return obj
    found = syntax.prep_object(verb, {"with", "to", "on", "against"})
    if found is not None and (found.pos_ == "PROPN" or found.ent_type_ in _PARTY_ENTS):
        return found
    # the one given to ("agreed to offer an aid package to the cultural sector", "to open its
    # borders to Somali refugees"): a recipient need not be named to be the party
    gives = bool(rules) and any(lex.types[r.event_type].theme_object is not None for r in rules)
    if gives and obj is not None:
        recipient = syntax.prep_object(verb, {"to", "for"}) or syntax.prep_object(obj, {"to"})
        if recipient is not None and recipient.pos_ in ("NOUN", "PROPN"):
            return recipient
    acts = lex.lookup(obj.lemma_, "NOUN") if obj is not None else ()
    if acts:
        # "lift sanctions on the North" targets it; "boost cooperation on energy" is about it
        helping = all(lex.types[r.event_type].quad_class in (1, 2) for r in acts)
        return syntax.prep_object(obj, {"with", "against"} if helping else {"on", "against"})
    return None


def _misattached_speaker(tok: Token, lex, rule, cue_lemmas: set[str]) -> Token | None:
    """'The ministry said the area lay within its shelf and denied that ...', 'the spokesperson
    said the alliance was following developments and urged both allies ...': a verbal act
    coordinated, by the parse, with the reported clause belongs to the reporting verb's subject."""
    if lex.types[rule.event_type].quad_class not in (1, 3) or tok.dep_ != "conj":
        return None
    if syntax.child(tok, *syntax.SUBJECTS) is not None:
        return None
    clause = tok.head
    if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in cue_lemmas:
        return None
    return syntax.subject_of(clause.head)


def _theme_recipient(verb: Token, preps) -> Token | None:
    """'pledged $25 million in drones and training for the coordination centres', 'provide
    food and shelter to displaced residents': the recipient's preposition the parser hung
    inside the object phrase."""
    obj = syntax.child(verb, "dobj")
    if obj is None:
        return None
    # "provide food and shelter to ...": also a second object the parser coordinated with the verb
    objects = [obj, *(c for c in verb.children if c.dep_ == "conj" and c.pos_ == "NOUN")]
    for o in objects:
        for t in o.subtree:
            if t.dep_ == "prep" and t.lower_ in preps and t.i > obj.i:
                found = syntax.prep_object(t.head, {t.lower_})
                if found is not None:
                    return found
    return None


# The preposition before an event noun, and the event-type flag its verb must carry for the
# noun to name an act already made.
_ANSWERED_PREPS = {"on": "referring", "from": "referring", "of": "referring", "to": "judging"}


def _refers_back(noun: Token, lex: TriggerLexicon) -> bool:
    """'condemned the attack', 'rejected the sanctions': the object of an event verb names an
    event already reported; the verb is the new event."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ in _BACKGROUND_PREPS:
        # "under the deal", not "placed under arrest" nor "the town was under siege"
        return _placed_under(noun, lex) is None and _undergone(noun, lex) is None
    if noun.dep_ == "pobj" and head.lower_ == "as":
        # "condemned the attack as a reckless assault", "denounced the actions as killings":
        # the noun is the judgement of an event already named, not another event
        verb = head.head.head if head.head.dep_ == "dobj" else head.head
        if verb.pos_ == "VERB":
            return any(lex.types[r.event_type].referring for r in lex.lookup(verb.lemma_, "VERB"))
    # "demands for an arms embargo", "calls for a ceasefire": what is asked for
    if (
        noun.dep_ == "pobj"
        and head.lower_ == "for"
        and head.head.pos_ == "NOUN"
        and any(r.event_type == "REQUEST" for r in lex.lookup(head.head.lemma_, "NOUN"))
    ):
        return True
    if noun.dep_ == "pobj" and head.lower_ == "of":
        above = head.head
        if above.lower_ == "out" or any(
            c.dep_ == "prt" and c.lower_ == "out" for c in above.children
        ):
            return True  # "pulled out of the deal", "walked out of the talks": made before
    flag = _ANSWERED_PREPS.get(head.lower_) if noun.dep_ == "pobj" else None
    if flag is not None and head.head.pos_ == "VERB":
        # "reneged on the nuclear accord", "withdrew from the talks" (a verb that undoes or
        # refuses), "conceded to the demands" (one that judges): the act was made before
        rules = _particle_rules(head.head, lex)
        return any(getattr(lex.types[r.event_type], flag) for r in rules)
    if noun.dep_ not in ("dobj", "nsubjpass") or head.pos_ != "VERB":
        return False
    rules = _particle_rules(head, lex)
    if any(noun.lemma_.lower() in r.object_any for r in rules):
        return True  # "suspend its cooperation", "halt attacks": the noun completes the verb
    return any(lex.types[r.event_type].referring for r in rules)


def _particle_rules(verb: Token, lex: TriggerLexicon) -> tuple[Trigger, ...]:
    """The verb's entries, less those that need a particle it lacks: "stepped up attacks" is
    not "stepped down", "gives a deadline" not "gave in"; or a judgement it does not make:
    "called a general strike" judges no strike."""
    return tuple(r for r in lex.lookup(verb.lemma_, "VERB") if _frame_holds(verb, r, lex))


def _has_particle(tok: Token, rule: Trigger) -> bool:
    """A preposition or particle the entry asks for ("called on", "stepped down"); the parser
    often takes a particle for an adverb ("stepped down", "pulled its troops back")."""
    return any(
        c.dep_ in ("prep", "prt", "advmod") and c.lower_ in rule.prep_any and not _on_a_date(c)
        for c in tok.children
    )


def _requested(tok: Token, lex: TriggerLexicon) -> bool:
    """'demanded that the government withdraw the bill', 'urged Ankara to withdraw': the
    requested action is the content of a REQUEST, not an event of its own."""
    node = tok
    for _ in range(5):
        # Through the requested clause's own parts too: "called on Ankara to withdraw the vessel
        # and resume talks", "urged both allies to resolve their differences through dialogue".
        deps = ("ccomp", "xcomp", "dobj", "pobj") if node is tok else _REQUESTED_DEPS
        if node.dep_ not in deps or node.head.i == node.i:
            return False
        came_by = node.dep_
        node = node.head
        # An entry held to certain objects asks only with those objects: "seeks to overthrow
        # him" is an act of its own, "pressed the army to withdraw" asks, "pressed the attack"
        # does not.
        asking = [
            r
            for r in _particle_rules(node, lex)
            if lex.types[r.event_type].content
            and (not r.object_any or _object_matches(node, r.object_any))
            and (not r.object_named or _named_party(syntax.child(node, "dobj")))
        ]
        if asking and _restates(node, asking, lex):
            # "signed an agreement, promising to share intelligence": the participle restates
            # the act it hangs on, and what it lists are that act's terms, events of their own
            return False
        if asking:
            # a noun inside the asked-for object names its own event ("demanding the
            # implementation of a 2023 pay deal"); inside an asked-for action it does not
            ways = ("ccomp", "xcomp") if tok.dep_ == "pobj" else ("ccomp", "xcomp", "dobj")
            if node.lemma_.lower() != "agree" and all(
                lex.types[r.event_type].theme_object is not None for r in asking
            ):
                # a promise's object is what is promised, an act of its own ("promised
                # Washington's support"); only a promised clause is its content. What is
                # agreed is the agreement ("agreed a ceasefire").
                ways = ("ccomp", "xcomp")
            return tok.i != node.i and came_by in ways
        if node.pos_ == "VERB" and node.dep_ not in ("xcomp", "ccomp", "conj"):
            return False
    return False


def _restates(verb: Token, rules: list[Trigger], lex: TriggerLexicon) -> bool:
    """The verb is a participle clause on a verb of its own type ("signed ..., promising")."""
    if verb.dep_ != "advcl" or verb.tag_ != "VBG":
        return False
    types = {r.event_type for r in rules}
    return any(r.event_type in types for r in _particle_rules(verb.head, lex))


def _not_authorised(tok: Token, lex: TriggerLexicon) -> bool:
    """'officials who were not authorised to talk to the media': what someone may not do is no
    event (the anonymity formula of wire copy)."""
    head = tok.head
    return (
        tok.dep_ == "xcomp"
        and head.lemma_.lower() in lex.permission_verbs
        and any(c.dep_ == "neg" for c in head.children)
    )


def _accused_of(tok: Token, lex: TriggerLexicon) -> bool:
    """'accused India of violating the ceasefire', 'accusing them of orchestrating the
    detention of activists': what someone is accused of is the accusation's content, not an
    event the text reports."""
    node = tok
    for _ in range(6):
        if node.dep_ not in ("dobj", "pobj", "pcomp", "conj", "xcomp", "compound", "prep"):
            return False
        if node.tag_ in ("VBD", "VBZ", "VBP"):
            return False  # a finite verb is a new clause ("... and called for his resignation")
        if node.head.i == node.i:
            return False
        if node.dep_ == "prep" and node.lower_ == "of":
            verb = node.head  # "accused of", and "suspected of plotting to overthrow"
            if verb.pos_ in ("NOUN", "PROPN") and verb.dep_ == "dobj":
                verb = verb.head  # "accused the rebels of violations": "of" hung on the accused
            return verb.pos_ == "VERB" and (
                verb.lemma_.lower() in lex.suspicion_verbs
                or any(r.event_type == "ACCUSE" for r in lex.lookup(verb.lemma_, "VERB"))
            )
        node = node.head
    return False


def _noun_actor1(
    noun: Token, lex: TriggerLexicon, governors: frozenset[str] = frozenset()
) -> Token | None:
    """Who does a noun event: its possessor or national modifier, its 'by' phrase, or the
    subject of the verb that carries it ("conducted strikes", "expressed concern", where the
    rule names the governing verb)."""
    if noun.pos_ == "ADJ":
        return _possessor(noun)
    owner = _noun_owner(noun, lex)
    if owner is not None:
        return owner  # "Washington's sanctions", "air strikes by the military"
    noun = _stand_in(noun, lex)  # "launched a new phase of operations": who launched it
    verb = None
    if noun.dep_ == "dobj":
        verb = noun.head  # "U.S. forces conducted strikes"
    elif _measured_by(noun) is not None:
        verb = noun.head.head.head  # "Japan announced $10 million in emergency aid"
    elif noun.dep_ == "pobj" and noun.head.lower_ in ("to", "on", "in", "into"):
        verb = noun.head.head  # "the two sides agreed to a ceasefire", "stepped up pressure on"
    elif (
        noun.dep_ == "pobj"
        and noun.head.lower_ == "for"
        and noun.head.head.lemma_.lower() in lex.purpose_verbs
    ):
        verb = noun.head.head  # "the envoy arrived in Moscow for talks"
    elif (
        noun.dep_ == "pobj"
        and noun.head.lower_ == "for"
        and noun.head.head.lemma_.lower() in lex.responsibility_nouns
        and noun.head.head.dep_ == "dobj"
    ):
        verb = noun.head.head.head  # "the militants claimed responsibility for the bombing"
        return syntax.subject_of(verb) if verb.pos_ == "VERB" else None
    elif _placed_under(noun, lex) is not None:
        verb = noun.head.head  # "placed him under house arrest"
    if verb is not None and verb.pos_ == "VERB":
        lemma = verb.lemma_.lower()
        if lemma in lex.light_verbs or lemma in governors or lex.lookup(lemma, "VERB"):
            return syntax.subject_of(verb)
    return None


def _noun_owner(noun: Token, lex: TriggerLexicon) -> Token | None:
    """'Washington's sanctions', 'U.S. strikes', 'strikes by the military', 'the demands of
    the truck drivers': who did the act a noun names, from the noun phrase alone."""
    return _possessor(noun) or syntax.prep_object(noun, {"by"}) or _voiced_by(noun, lex)


def _possessor(noun: Token) -> Token | None:
    """The possessor or national modifier of a noun: 'Washington's', 'U.S.', 'Iranian'."""
    for c in noun.children:
        if c.dep_ == "poss" or (c.dep_ == "compound" and c.ent_type_ in ("GPE", "NORP", "ORG")):
            return c
        if c.dep_ == "amod" and c.ent_type_ in ("NORP", "GPE"):
            return c
    return None


# Acts done by speaking or by a crowd: after "of" comes who made them ("the demands of the
# drivers", "threats of the militia", "protests of farmers"), not whom they were done to.
_VOICED = frozenset({"REQUEST", "THREATEN", "ACCUSE", "PROTEST"})


def _voiced_by(noun: Token, lex: TriggerLexicon) -> Token | None:
    if not any(r.event_type in _VOICED for r in lex.lookup(noun.lemma_, "NOUN")):
        return None
    # "a demand from Georgetown", "criticism from rights groups": a capital speaks for its state
    voice = syntax.prep_object(noun, {"from"}, places=True)
    if voice is not None and (voice.ent_type_ in _PARTY_ENTS or voice.pos_ == "PROPN"):
        return voice
    of = syntax.prep_object(noun, {"of"})
    if of is None or not (of.ent_type_ in _PARTY_ENTS or of.tag_ in ("NNS", "NNPS")):
        return None  # "accusations of corruption": what was said, not who said it
    if of.tag_ == "NNS" and lex.lookup(of.lemma_, "NOUN"):
        return None  # "the threat of new sanctions", "demands of talks": the content
    return of


def _modified_by(noun: Token, words: frozenset[str]) -> bool:
    mods = [c for c in noun.children if c.dep_ in ("compound", "amod", "poss", "nmod")]
    by = syntax.prep_object(noun, {"by", "of"})
    if by is not None:
        mods.append(by)
    return any(m.lemma_.lower() in words or m.lower_ in words for m in mods)


def _head_in(tok: Token | None, words: frozenset[str]) -> bool:
    if tok is None:
        return False
    return (
        tok.lemma_.lower() in words
        or any(
            c.lemma_.lower() in words
            for c in tok.subtree
            if c.dep_ in ("conj", "compound", "appos")
        )
        or tok.lower_ in words
    )


def _called(tok: Token, words: frozenset[str]) -> bool:
    """What the verb calls its object is one of `words`: "called the drills a provocation"
    (oprd), "branded the protesters terrorists" (a second object), "described the vote as a
    sham" or "as rigged", "an act of aggression" (the noun or what it is "of")."""
    objects = [c for c in tok.children if c.dep_ == "dobj"]
    said = [c for c in tok.children if c.dep_ in ("oprd", "ccomp") and c.pos_ in ("NOUN", "ADJ")]
    said += objects[1:]
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "as":
            said.extend(g for g in c.children if g.dep_ in ("pobj", "acomp", "amod"))
        elif c.dep_ == "advcl" and any(m.lower_ == "as" for m in c.children if m.dep_ == "mark"):
            said.append(c)  # "described the vote as rigged"
    said += [c for w in said for c in w.conjuncts]  # "saboteurs and traitors"
    for word in list(said):
        of_obj = syntax.prep_object(word, {"of"})
        if of_obj is not None:
            said.append(of_obj)  # "an act of aggression", "a violation of the ceasefire"
    return any(w.lemma_.lower() in words or w.lower_ in words for w in said)


def _infinitive(tok: Token) -> Token | None:
    """The to-infinitive a verb or noun takes: "offered to mediate", "a call to release"."""
    return next(
        (
            c
            for c in tok.children
            if c.dep_ in ("xcomp", "acl")
            and c.pos_ in ("VERB", "AUX")
            and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        ),
        None,
    )


def _noun_content(tok: Token, lex: TriggerLexicon) -> bool:
    """'a demand from Georgetown to withdraw them', 'an ultimatum to the militia to leave', 'a
    threat to dismiss teachers': what a demand, threat or promise named by a noun asks or
    foretells is its content, not an act of its own."""
    if tok.dep_ != "acl" or tok.head.pos_ != "NOUN":
        return False
    asked = _infinitive(tok.head)
    if asked is None or asked.i != tok.i:
        return False
    return any(lex.types[r.event_type].content for r in lex.lookup(tok.head.lemma_, "NOUN"))


def _foretold(tok: Token, words: frozenset[str], lex: TriggerLexicon) -> bool:
    """A clause the verb takes says one of `words` will be done: "warned that Moscow would
    retaliate", "warned it will respond with force" (the future auxiliaries of refusals.*)."""
    future = lex.refusals.future_aux if lex.refusals is not None else frozenset()
    return any(
        clause.dep_ == "ccomp"
        and clause.lemma_.lower() in words
        and any(c.dep_ == "aux" and c.lower_ in future for c in clause.children)
        for clause in tok.children
    )


def _asked_for(tok: Token, preps: frozenset[str], words: frozenset[str]) -> bool:
    """With no direct object, an entry's object is that of its preposition: "called for
    sanctions" (with `prep_any: [for]`, `object_any: [sanction]`)."""
    if not preps or syntax.child(tok, "dobj") is not None:
        return False
    obj = syntax.prep_object(tok, preps)
    return obj is not None and (obj.lemma_.lower() in words or obj.lower_ in words)


def _object_matches(tok: Token, words: frozenset[str]) -> bool:
    obj = syntax.child(tok, "dobj", "nsubjpass")
    if obj is None:
        return False
    candidates = [obj, *[c for c in obj.children if c.dep_ == "compound"]]
    of_obj = syntax.prep_object(obj, {"of"})
    if of_obj is not None:
        candidates.append(of_obj)
    return any(c.lemma_.lower() in words or c.lower_ in words for c in candidates)


def _location(ev: EventMention, places: list[Span]) -> Span | None:
    anchor_ids = {a.i for a in ev.anchors}
    doc = ev.trigger.doc
    for ent in places:
        root = ent.root
        if root.dep_ != "pobj" or root.head.lower_ not in _LOCATIVE_PREPS:
            continue
        # The place must hang off this event's clause, not another event's.
        for anc in list(syntax.ancestors_in_sentence(root))[1:]:
            if anc.i in anchor_ids or (ev.actor2 is not None and anc.i == ev.actor2.i):
                end = ent.end
                for conj in root.conjuncts:
                    if (
                        conj.ent_type_ in ("GPE", "LOC", "FAC") or conj.pos_ == "PROPN"
                    ) and conj.i >= end:
                        end = conj.i + 1
                start = ent.start + (1 if doc[ent.start].lower_ == "the" else 0)
                return doc[start:end]
            if anc.pos_ == "VERB" and anc.dep_ not in ("acl", "pcomp", "xcomp"):
                break
    return None
