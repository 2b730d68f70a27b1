"""Passes over one sentence's event mentions once each has been read: mentions of one action
merged into one event, and parties one event lends another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.extract import syntax
from pipelines.extract.rules import TriggerLexicon

if TYPE_CHECKING:
    from pipelines.extract.events import EventMention


def shared_parties(events: list[EventMention], lex: TriggerLexicon) -> None:
    """'The government and the rebels agreed to a ceasefire after four days of talks': a
    two-party noun event with no party of its own, inside a two-party verb's clause, is between
    that verb's parties."""
    by_trigger = {ev.trigger.i: ev for ev in events}
    for ev in events:
        tok = ev.trigger
        if tok.pos_ != "NOUN" or ev.actor1 is not None or ev.actor2 is not None:
            continue
        if not lex.types[ev.event_type].symmetric:
            continue
        verb = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX")), None)
        owner = by_trigger.get(verb.i) if verb is not None else None
        if (
            owner is not None
            and lex.types[owner.event_type].symmetric
            and owner.actor1 is not None
            and owner.actor2 is not None
        ):
            ev.actor1, ev.actor2 = owner.actor1, owner.actor2


def described_doers(events: list[EventMention]) -> list[EventMention]:
    """'The protesting truck drivers blocked the highway', 'protesting farmers clashed with
    police': a participle that describes the doers of another act in the sentence is told
    by that act, not as a second event."""
    doers = [ev.actor1.i for ev in events if ev.actor1 is not None]
    return [
        ev
        for ev in events
        if not (
            ev.trigger.dep_ == "amod"
            and ev.trigger.tag_ == "VBG"
            and ev.actor1 is not None
            and ev.actor1.i == ev.trigger.head.i
            and doers.count(ev.actor1.i) > 1
        )
    ]


def rejected_accusers(events: list[EventMention]) -> None:
    """'Washington accuses Maduro of trafficking — allegations he rejects', 'prosecutors accuse
    Zavala of kidnapping — charges his lawyer denied': a rejection in a relative clause on the
    accusation's own words rejects the accuser."""
    for ev in events:
        clause = syntax.child(ev.trigger, "ccomp")
        if (
            ev.event_type == "REJECT"
            and clause is not None
            and syntax.charge_denied(ev.trigger, clause)
        ):
            accusation = next(
                (a for a in events if a.event_type == "ACCUSE" and a.trigger.i == clause.i), None
            )
            if accusation is not None and accusation.actor1 is not None:
                ev.actor2 = accusation.actor1
            continue
        if ev.event_type != "REJECT" or ev.trigger.dep_ != "relcl":
            continue
        if ev.actor2 is not None and ev.actor2.i != ev.trigger.head.i:
            continue  # a target of its own; "allegations he rejects" has only the allegations
        accusation = next(
            (
                a
                for a in reversed(events)
                if a.event_type == "ACCUSE"
                and a.trigger.i < ev.trigger.i
                and a.actor1 is not None
                and ev.trigger.head.i in {t.i for t in a.trigger.subtree}
            ),
            None,
        )
        if accusation is not None:
            ev.actor2 = accusation.actor1


def investigations_sent(events: list[EventMention]) -> list[EventMention]:
    """'sent a team of experts to Saudi Arabia to investigate the attacks': the people sent
    serve the investigation, which is the act; sending them is no aid. The investigation
    takes the sender as its actor when it has none."""
    by_trigger = {ev.trigger.i: ev for ev in events}
    dropped: set[int] = set()
    for ev in events:
        if ev.event_type != "AID":
            continue
        for c in ev.trigger.children:
            purpose = by_trigger.get(c.i) if c.dep_ in ("advcl", "xcomp") else None
            if purpose is None or purpose.event_type != "ACCUSE":
                continue
            if not any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
                continue
            if purpose.actor1 is None:
                purpose.actor1 = ev.actor1
            dropped.add(ev.trigger.i)
    return [ev for ev in events if ev.trigger.i not in dropped]


def inherit_pronoun_targets(events: list[EventMention]) -> None:
    """'imposed sanctions on nine officials, accusing them of ...': 'them' in a clause hung off
    another event's verb is that event's target."""
    by_anchor: dict[int, EventMention] = {}
    for ev in events:
        for a in ev.anchors:
            by_anchor.setdefault(a.i, ev)
    for ev in events:
        pron = ev.actor2
        if (
            pron is None
            or pron.lower_ not in ("them", "it")
            or ev.trigger.dep_
            not in (
                "advcl",
                "conj",
                "xcomp",
            )
        ):
            continue
        parent = by_anchor.get(ev.trigger.head.i)
        if parent is not None and parent is not ev and parent.actor2 is not None:
            ev.actor2 = parent.actor2 if parent.actor2.pos_ != "PRON" else ev.actor2


def merge_casualty_conjuncts(events: list[EventMention]) -> list[EventMention]:
    """'Gunmen killed at least 27 people and wounded dozens more in an attack': coordinated
    ASSAULT verbs sharing one subject count the casualties of one attack, not two attacks."""
    by_trigger = {ev.trigger.i: ev for ev in events}
    kept = []
    for ev in events:
        tok = ev.trigger
        head = by_trigger.get(tok.head.i) if tok.dep_ == "conj" and tok.pos_ == "VERB" else None
        if (
            head is None
            or head is ev
            or ev.event_type != "ASSAULT"
            or head.event_type != "ASSAULT"
            or syntax.child(tok, *syntax.SUBJECTS) is not None
            or ev.modality != head.modality
        ):
            kept.append(ev)
            continue
        head.anchors.extend(a for a in ev.anchors if a not in head.anchors)
        if head.actor2 is None:
            head.actor2 = ev.actor2
    return kept


def merge_subject_events(events: list[EventMention]) -> list[EventMention]:
    """'Air strikes by the military have killed 1,200 civilians', 'their shelling has killed
    hundreds': a verb whose subject is an event noun of its own type reports that event's
    outcome; the noun keeps the event, the verb gives it its target and its clause."""
    by_trigger = {ev.trigger.i: ev for ev in events}
    kept = []
    for ev in events:
        subj = syntax.child(ev.trigger, "nsubj") if ev.trigger.pos_ == "VERB" else None
        noun = by_trigger.get(subj.i) if subj is not None else None
        if noun is None or noun is ev or noun.event_type != ev.event_type:
            kept.append(ev)
            continue
        noun.anchors.extend(a for a in ev.anchors if a not in noun.anchors)
        if noun.actor2 is None:
            noun.actor2 = ev.actor2
        if noun.modality == "asserted":
            noun.modality = ev.modality
    for ev in kept:
        # "drone attacks have hit oil and gas fields": an attack noun as the subject of a verb
        # the lexicon does not know still names what it hit
        tok = ev.trigger
        if (
            ev.event_type == "ASSAULT"
            and tok.pos_ == "NOUN"
            and tok.dep_ == "nsubj"
            and ev.actor2 is None
            and tok.head.pos_ == "VERB"
            and tok.head.i not in by_trigger
        ):
            ev.actor2 = syntax.child(tok.head, "dobj")
            if ev.actor2 is not None and tok.head not in ev.anchors:
                ev.anchors.append(tok.head)
    return kept


def merge_consequences(
    events: list[EventMention], two_party: frozenset[str] = frozenset()
) -> list[EventMention]:
    """'conducted strikes ..., killing 83': the participle reports the same event's outcome."""
    events = merge_subject_events(events)
    events = merge_casualty_conjuncts(events)
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
        told_before = False  # the parent was found by order, not by the parse: its parties stay
        if parent in (None, ev) and trig.dep_ == "conj" and trig.tag_ == "VBG":
            # "stormed the town, setting fire to the station and killing 27": a participle
            # joined to another outcome reports the same event's outcome too, also when the
            # parser joins it to the last noun of that outcome ("... a clinic and killing")
            verb = next((a for a in trig.ancestors if a.pos_ == "VERB"), None)
            if verb is not None and verb.dep_ in ("advcl", "conj"):
                found = by_anchor.get(verb.i)
                parent = found if found not in (None, ev) else by_anchor.get(verb.head.i)
        if (
            trig.tag_ == "VBG"
            and trig.dep_ in ("advcl", "conj")
            and (parent is None or parent.event_type != ev.event_type)
            and ev.event_type == "ASSAULT"
        ):
            # "apologised for a shell that struck a school, killing two teachers": the parser
            # hangs the toll on the sentence's verb; it is the toll of the attack told before it
            before = [e for e in events if e is not ev and e.trigger.i < trig.i]
            if before and before[-1].event_type == ev.event_type:
                parent, told_before = before[-1], True
        if parent is None and trig.dep_ == "relcl":
            # "an attack on a convoy that killed four": the clause hangs off the target
            parent = by_target.get(trig.head.i)
        outcome = (
            trig.dep_ in ("relcl", "acl")
            or (trig.dep_ in ("advcl", "conj", "xcomp") and trig.tag_ == "VBG")
            # "met in Geneva to discuss the crisis": the purpose of an act of its own type
            or (
                trig.dep_ in ("advcl", "xcomp")
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in trig.children)
            )
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
            for attr in ("actor1", "actor2") if not told_before else ():
                value = getattr(ev, attr)
                # "an attack that killed four": the relative clause's subject is the attack
                # ... or the target the clause hangs off ("a convoy that killed").
                taken = {parent.trigger.i} | {a.i for a in (parent.actor1, parent.actor2) if a}
                if getattr(parent, attr) is None and value is not None and value.i not in taken:
                    setattr(parent, attr, value)
            if (
                in_pp
                and ev.actor2 is not None
                and ev.actor2.head.lower_ in ("on", "against")
                and ev.event_type not in two_party  # "talks on X": a topic
            ):
                # "killed 27 people in an attack on a village": the attack names the target;
                # the people are its victims, counted in quantities.
                parent.actor2 = ev.actor2
            merged[id(ev)] = parent
            continue
        kept.append(ev)
    return kept
