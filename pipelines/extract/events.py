"""Event rules: lexicon triggers on the parse, with actors, modality, date, place and numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from pipelines.extract import syntax
from pipelines.extract.rules import ModalityCues, Trigger, TriggerLexicon

# Clause heads climbed when looking for modality cues; stops at attribution verbs.
# Not relcl: a relative clause makes its own assertion ("... which it accuses Maduro of").
_CLIMB = {
    "xcomp",
    "ccomp",
    "advcl",
    "conj",
    "dobj",
    "pobj",
    "prep",
    "pcomp",
    "acl",
    "amod",
    "nsubj",
    "nsubjpass",
    "acomp",
    "attr",
    "compound",
    "appos",
}
_MODAL_CHILD_DEPS = {
    "aux",
    "auxpass",
    "neg",
    "acomp",
    "advmod",
    "amod",
    "mark",
    "nsubj",
    "nsubjpass",
    "prep",
}
# Verbs that take a reported event as their object: judging it, not doing it again.
# RETREAT too: "stopped attacks", "lifted the sanctions" end an event, they do not start one.
_REFERRING_TYPES = {"ACCUSE", "REJECT", "SUPPORT", "CONCEDE", "RETREAT"}
# "Under the agreement, ...", "despite the ceasefire": a noun after these names an event
# reported elsewhere, as background.
_BACKGROUND_PREPS = {"under", "despite"}
_INSTRUMENT_TARGET_PREPS = {"at", "on", "against", "with"}
_TARGET_PREPS = {"on", "against", "with", "at", "to", "toward", "towards", "into"}
_NOUN_TARGET_PREPS = {"on", "against", "with", "at", "of", "to"}
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

    @property
    def event_type(self) -> str:
        return self.rule.event_type


def find_events(
    sent: Span, lex: TriggerLexicon, modal: ModalityCues, cue_lemmas: set[str]
) -> list[EventMention]:
    events: list[EventMention] = []
    for tok in sent:
        pos = "VERB" if tok.pos_ in ("VERB", "AUX") else tok.pos_
        if tok.dep_ == "compound" and pos == "NOUN":
            continue  # "strike group", "protest leader": modifiers, not events
        if pos == "NOUN" and _refers_back(tok, lex):
            continue
        if _requested(tok, lex):
            continue
        for rule in lex.lookup(tok.lemma_, pos):
            mention = _mention(tok, pos, rule, lex, modal, cue_lemmas)
            if mention is not None:
                events.append(mention)
                break
    events = _merge_consequences(events)
    places = [e for e in syntax.sentence_ents(sent) if e.label_ in ("GPE", "LOC", "FAC")]
    for ev in events:
        ev.location = _location(ev, places)
    return events


def _mention(tok, pos, rule, lex, modal, cue_lemmas) -> EventMention | None:
    actor1 = actor2 = None
    anchors = [tok]
    end_token = tok.i + 1
    if pos == "VERB":
        obj = syntax.child(tok, "dobj")
        preps = _TARGET_PREPS
        if rule.event_type in lex.theme_object_types:
            obj = None  # "deployed troops": what moves is not a target, nor where it goes
            preps = lex.theme_object_types[rule.event_type]
        elif rule.object_is_instrument:
            obj = None  # "fired tear gas at protesters": the object is the instrument
            preps = _INSTRUMENT_TARGET_PREPS
        agent = syntax.passive_agent(tok)
        passive_subj = syntax.child(tok, "nsubjpass")
        if passive_subj is not None:
            actor1, actor2 = agent, passive_subj
        else:
            actor1 = syntax.subject_of(tok)
            actor2 = obj or syntax.prep_object(tok, preps)
        particle = syntax.child(tok, "prt")
        if particle is not None and particle.i == tok.i + 1:
            end_token = particle.i + 1
    else:
        actor1 = _noun_actor1(tok, lex)
        actor2 = syntax.prep_object(tok, _NOUN_TARGET_PREPS)
        between = syntax.prep_object(tok, {"between"})
        if between is not None:  # "clashes between farmers and armed groups"
            actor1 = between
            actor2 = next(iter(between.conjuncts), actor2)
        if actor2 is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in lex.light_verbs:
            actor2 = syntax.prep_object(tok.head, {"on", "against"})  # "imposed sanctions on X"
        if actor2 is not None and actor2.ent_type_ in ("DATE", "TIME"):
            actor2 = None
        if tok.pos_ == "ADJ":  # "covert action": the adjective names the kind of act
            anchors.append(tok.head)
            if tok.head.i > tok.i:  # not "assets ... are frozen", where the head comes first
                end_token = tok.head.i + 1
        if tok.head.pos_ == "VERB" and tok.dep_ in ("dobj", "nsubjpass"):
            anchors.append(tok.head)
    if actor2 is None and actor1 is not None and rule.event_type in lex.symmetric_types:
        # "Colombia and the CNEB agreed", "talks between ...": the second party is actor2
        actor2 = next(iter(actor1.conjuncts), None)
    if rule.subject_any and not _head_in(actor1, rule.subject_any):
        subj = syntax.subject_of(tok)
        if not _head_in(subj, rule.subject_any):
            return None
    if rule.object_any and not _object_matches(tok, rule.object_any):
        return None
    if rule.governor_any and tok.head.lemma_.lower() not in rule.governor_any:
        return None
    if rule.modifier_any and not _modified_by(tok, rule.modifier_any):
        return None
    if rule.prep_any and not any(
        c.dep_ in ("prep", "prt") and c.lower_ in rule.prep_any for c in tok.children
    ):
        return None
    modality, governors = _modality(tok, modal, cue_lemmas)
    if modality == "asserted" and rule.modality:
        modality = rule.modality  # "pledged $25 million": a pledge is of something to come
    anchors.extend(g for g in governors if g not in anchors)
    return EventMention(
        trigger=tok,
        end_token=end_token,
        rule=rule,
        quad_class=lex.quad_class[rule.event_type],
        actor1=actor1,
        actor2=actor2,
        modality=modality,
        anchors=anchors,
        confidence=rule.confidence,
    )


def _refers_back(noun: Token, lex: TriggerLexicon) -> bool:
    """'condemned the attack', 'rejected the sanctions': the object of an event verb names an
    event already reported; the verb is the new event."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ in _BACKGROUND_PREPS:
        return True
    if noun.dep_ not in ("dobj", "nsubjpass") or head.pos_ != "VERB":
        return False
    return any(r.event_type in _REFERRING_TYPES for r in lex.lookup(head.lemma_, "VERB"))


def _requested(tok: Token, lex: TriggerLexicon) -> bool:
    """'demanded that the government withdraw the bill', 'urged Ankara to withdraw': the
    requested action is the content of a REQUEST, not an event of its own."""
    node = tok
    for _ in range(3):
        if node.dep_ not in ("ccomp", "xcomp", "dobj") or node.head.i == node.i:
            return False
        node = node.head
        if any(r.event_type == "REQUEST" for r in lex.lookup(node.lemma_, "VERB")):
            return tok.i != node.i
        if node.pos_ == "VERB":
            return False
    return False


def _noun_actor1(noun: Token, lex: TriggerLexicon) -> Token | None:
    for c in noun.children:
        if c.dep_ == "poss" or (c.dep_ == "compound" and c.ent_type_ in ("GPE", "NORP", "ORG")):
            return c
        if c.dep_ == "amod" and c.ent_type_ in ("NORP", "GPE"):
            return c
    if noun.pos_ == "ADJ":
        return None
    by = syntax.prep_object(noun, {"by"})
    if by is not None:
        return by  # "air strikes by the military"
    verb = None
    if noun.dep_ == "dobj":
        verb = noun.head  # "U.S. forces conducted strikes"
    elif noun.dep_ == "pobj" and noun.head.lower_ in ("to", "on", "in", "into"):
        verb = noun.head.head  # "the two sides agreed to a ceasefire", "stepped up pressure on"
    if verb is not None and verb.pos_ == "VERB":
        lemma = verb.lemma_.lower()
        if lemma in lex.light_verbs or lex.lookup(lemma, "VERB"):
            return syntax.subject_of(verb)
    return None


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


def _object_matches(tok: Token, words: frozenset[str]) -> bool:
    obj = syntax.child(tok, "dobj", "nsubjpass")
    if obj is None:
        return False
    candidates = [obj, *[c for c in obj.children if c.dep_ == "compound"]]
    of_obj = syntax.prep_object(obj, {"of"})
    if of_obj is not None:
        candidates.append(of_obj)
    return any(c.lemma_.lower() in words or c.lower_ in words for c in candidates)


def _modality(tok: Token, cues: ModalityCues, cue_lemmas: set[str]) -> tuple[str, list[Token]]:
    """Nearest cue wins, walking from the trigger up through its governing clauses; the walk
    stops at an attribution verb, whose own tense says nothing about the reported event."""
    governors: list[Token] = []
    node = tok
    for _ in range(8):
        verdict = _modal_cue(node, cues, is_trigger=node.i == tok.i)
        if verdict:
            return verdict, governors
        if node.dep_ not in _CLIMB or node.head.i == node.i:
            break
        parent = node.head
        if parent.lemma_.lower() in cue_lemmas and parent.pos_ == "VERB":
            if parent.lemma_.lower() in cues.denied and node.dep_ == "ccomp":
                return "denied", governors  # "officials denied that troops attacked"
            break
        node = parent
        if node.pos_ in ("VERB", "AUX", "ADJ"):
            governors.append(node)
    return "asserted", governors


def _modal_cue(node: Token, cues: ModalityCues, is_trigger: bool) -> str | None:
    lemma = node.lemma_.lower()
    kids = [c for c in node.children if c.dep_ in _MODAL_CHILD_DEPS]
    kid_lemmas = {c.lemma_.lower() for c in kids} | {c.lower_ for c in kids}
    if lemma in cues.denied and not is_trigger:
        return "denied"
    if any(c.dep_ == "neg" for c in kids) or (kid_lemmas & cues.negators and node.pos_ == "VERB"):
        return "denied" if lemma in cues.denied else "negated"
    if not is_trigger and lemma in cues.planned:
        return "planned"
    if kid_lemmas & cues.planned_adj:
        return "planned"
    if (not is_trigger and lemma in cues.expected) or kid_lemmas & cues.expected:
        return "expected"
    if any(c.dep_ == "aux" and c.lower_ in cues.expected_aux for c in kids):
        return "expected"
    if any(c.dep_ in ("aux",) and c.lower_ in cues.possible_aux for c in kids):
        return "possible"
    if kid_lemmas & cues.possible_adj or (not is_trigger and lemma in cues.possible):
        return "possible"
    if any(c.lemma_.lower() in cues.possible for c in kids if c.dep_ in ("nsubj", "mark")):
        return "possible"
    return None


def _merge_consequences(events: list[EventMention]) -> list[EventMention]:
    """'conducted strikes ..., killing 83': the participle reports the same event's outcome."""
    by_anchor = {}
    by_target = {}
    for ev in events:
        for a in ev.anchors:
            by_anchor.setdefault(a.i, ev)
        if ev.actor2 is not None:
            by_target.setdefault(ev.actor2.i, ev)
    kept = []
    merged: dict[int, EventMention] = {}
    for ev in events:
        trig = ev.trigger
        parent = by_anchor.get(trig.head.i)
        if parent is None and trig.dep_ == "relcl":
            # "an attack on a convoy that killed four": the clause hangs off the target
            parent = by_target.get(trig.head.i)
        outcome = trig.dep_ in ("relcl", "acl") or (
            trig.dep_ in ("advcl", "conj", "xcomp") and trig.tag_ == "VBG"
        )
        # "killed 27 people in an attack on ...", "pledged $25 million in aid": a noun inside
        # a same-type verb's clause names that verb's event.
        in_pp = False
        if trig.pos_ == "NOUN" and trig.dep_ != "ROOT":
            verb = next((a for a in trig.ancestors if a.pos_ in ("VERB", "AUX")), None)
            if verb is not None and verb.i in by_anchor and by_anchor[verb.i] is not ev:
                parent, in_pp = by_anchor[verb.i], True
        if (
            (outcome or in_pp)
            and parent is not None
            and parent is not ev
            and parent.event_type == ev.event_type
        ):
            parent = merged.get(id(parent), parent)
            parent.anchors.extend(a for a in ev.anchors if a not in parent.anchors)
            for attr in ("actor1", "actor2"):
                value = getattr(ev, attr)
                # "an attack that killed four": the relative clause's subject is the attack
                # ... or the target the clause hangs off ("a convoy that killed").
                taken = {parent.trigger.i} | {a.i for a in (parent.actor1, parent.actor2) if a}
                if getattr(parent, attr) is None and value is not None and value.i not in taken:
                    setattr(parent, attr, value)
            if in_pp and ev.actor2 is not None and ev.actor2.head.lower_ in ("on", "against"):
                # "killed 27 people in an attack on a village": the attack names the target;
                # the people are its victims, counted in quantities.
                parent.actor2 = ev.actor2
            merged[id(ev)] = parent
            continue
        kept.append(ev)
    return kept


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
