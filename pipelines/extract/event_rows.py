"""Event mentions to event rows: actors resolved, place looked up, dates attached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from spacy.tokens import Span, Token

from pipelines.extract import syntax
from pipelines.extract.actors import PERSON_PRONOUNS, Actor, ActorResolver, name_words
from pipelines.extract.dates import resolve_date
from pipelines.extract.events import EventMention
from pipelines.extract.places import gazetteer
from pipelines.extract.rows import ArticleInput, EventRow, stable_id
from pipelines.extract.rules import role_words, trigger_lexicon

# Modalities of events still to come: a weekday in them points forward.
_FORWARD = {"planned", "expected", "possible"}
# Modalities of an act said to be coming: PLOVER codes them as the intent, not the act.
_ANNOUNCED = {"planned", "expected"}


def event_row(
    article: ArticleInput, sentence_index: int, ev: EventMention, resolver: ActorResolver
) -> EventRow:
    """The row of one event mention, without its claim and date (set once the sentence's
    claims and dates are known)."""
    doc = ev.trigger.doc
    start = ev.trigger.idx
    last = doc[ev.end_token - 1]
    end = last.idx + len(last.text)
    a1_text, a1 = _actor(
        ev.actor1, resolver, article.body_start, alone=ev.actor1_alone, trigger=ev.trigger
    )
    a2_text, a2 = _actor(ev.actor2, resolver, article.body_start, trigger=ev.trigger, other=a1)
    location_text = ev.location.text if ev.location is not None else None
    place = gazetteer().lookup(location_text) if location_text else None
    # The phrase is kept even when the gazetteer does not know it; the place then comes from
    # the next basis (when_where.py), the phrase stays as written.
    loc_start = ev.location.start_char if ev.location is not None else None
    loc_end = ev.location.end_char if ev.location is not None else None
    return EventRow(
        event_id=stable_id(article.article_id, "event", start, end, ev.event_type),
        article_id=article.article_id,
        sentence_index=sentence_index,
        start_char=start,
        end_char=end,
        trigger=article.text[start:end],
        event_type=ev.event_type,
        event_mode=ev.rule.mode,
        quad_class=ev.quad_class,
        actor1_text=a1_text,
        actor1_id=a1.actor_id if a1 else None,
        actor2_text=a2_text,
        actor2_id=a2.actor_id if a2 else None,
        location_text=location_text,
        location_country=place.country if place else None,
        latitude=place.lat if place else None,
        longitude=place.lon if place else None,
        location_precision=place.kind if place else None,
        location_basis="stated" if place else None,
        location_text_start=loc_start,
        location_text_end=loc_end,
        modality=ev.modality,
        confidence=ev.confidence,
        type_basis=ev.type_basis,
        plover_root=plover_root(ev),
    )


def plover_root(ev: EventMention) -> str:
    """The PLOVER root of the act as PLOVER's own coding has it (its CAMEO mapping): an act only
    announced or planned is the type's `announced` root ("will meet": AGREE), a negated one its
    `failed` root ("failed to reach a deal": REJECT), an entry may name another root for its
    act ("signed": SUPPORT); otherwise the event's type."""
    kind = trigger_lexicon().types[ev.event_type]
    if ev.modality in _ANNOUNCED and kind.announced:
        return kind.announced
    if ev.modality == "negated" and kind.failed:
        return kind.failed
    return ev.rule.plover or ev.event_type


def _actor(
    tok: Token | None,
    resolver: ActorResolver,
    body_start: int,
    alone: bool = False,
    trigger: Token | None = None,
    other: Actor | None = None,
) -> tuple[str | None, Actor | None]:
    """The event slot's text and actor. `other` is the event's other party: a pronoun in the
    second slot is someone else ("Netanyahu called Morrison to congratulate him": not
    Netanyahu, just named again as the first party)."""
    if tok is None or tok.idx < body_start or tok.ent_type_ in ("DATE", "TIME"):
        return None, None
    if tok.tag_ in ("WP", "WDT") and tok.head.dep_ == "relcl":
        tok = tok.head.head  # "a student who was struck": the student
    if tok.pos_ == "PRON":
        antecedent = syntax.pronoun_antecedent(tok)
        if antecedent is None:
            actor = resolver.resolve_pronoun(tok.text)
            if actor is None and tok.lower_ in PERSON_PRONOUNS:
                actor = resolver.last_person_but(other)  # someone outside the dictionary
            elif actor is None and tok.lower_ == "it" and tok.dep_ in ("nsubj", "nsubjpass"):
                actor = resolver.last_body  # "It rejected a demand from Georgetown"
            if actor is not None:
                resolver.note(actor, tok.text)
            return tok.text, actor
        tok = antecedent  # "the army said it had deployed": the army
    if tok.pos_ == "NOUN" and trigger_lexicon().lookup(tok.lemma_, "NOUN"):
        return None, None  # "condemned the attack": an event is not an actor
    span = syntax.phrase(tok, alone)
    if trigger is not None and span.start <= tok.i < trigger.i < span.end:
        # "11 civilians killed in the strike": an actor's phrase stops before its own event
        end = trigger.i
        while end > tok.i + 1 and tok.doc[end - 1].is_punct:
            end -= 1
        span = tok.doc[span.start : end]
    actor = _named(tok, span, resolver)
    verb = tok.head
    if tok.dep_ in ("nsubj", "nsubjpass") and (
        verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT")
    ):
        resolver.subject_named(actor)  # a main clause's: not "said the army would ..."'s
    return span.text, actor


def _named(head: Token, span: Span, resolver: ActorResolver) -> Actor:
    """The actor a phrase names: the dictionary's when it knows the phrase; else the full name
    an earlier phrase gave a short form ("Chang", "the minister", "the ministry"); else the
    person a titled name names ("Security Minister Horace Chang": Horace Chang)."""
    found = resolver.lookup(span.text, head.lemma_, head.ent_type_ or None)
    if not found.in_dictionary:
        earlier = _short_form_of(head, span, resolver)
        if earlier is not None:
            resolver.note(earlier, span.text)
            return earlier
    person = (
        None
        if found.in_dictionary
        else _titled_person(head, span) or syntax.role_apposition(head, role_words())
    )
    if person is not None:
        actor = resolver.resolve(person.text, person.root.lemma_, "PERSON")
        resolver.note(actor, span.text)
    else:
        actor = resolver.take(found, span.text)
    _remember(actor, head, span, resolver)
    return actor


def _titled_person(head: Token, span: Span) -> Span | None:
    """The name in "Foreign Minister Ernesto Valdivia", "the rebel commander, Juan Ortiz": a
    PERSON entity holding the phrase's head, the rest of the phrase holding a title. Not
    "Residents of Coalcomán" (the head is outside the name) nor "the carrier USS Gerald R. Ford"
    (no title)."""
    if head.ent_type_ != "PERSON":
        return None
    person = next((e for e in syntax.span_ents(span) if e.label_ == "PERSON" and head in e), None)
    if person is None or person.text == span.text:
        return None
    roles = role_words()
    if not any(t.lemma_.lower() in roles for t in span if t not in person):
        return None
    return person


def _short_form_of(head: Token, span: Span, resolver: ActorResolver) -> Actor | None:
    words = [t for t in span if not t.is_punct]
    if head.pos_ == "PROPN" and head.ent_type_ == "PERSON":
        names = name_words(words)
        if len(names) == 1:
            return resolver.by_surname.get(names[0].lower_)  # "Chang", "Mr. Chang"
        return None
    if head.tag_ == "NN" and [t.lower_ for t in words] == ["the", head.lower_]:
        return resolver.by_head.get(head.lemma_.lower())  # "the minister", "the ministry"
    return None


def _remember(actor: Actor, head: Token, span: Span, resolver: ActorResolver) -> None:
    """A full name is the referent of the short forms that follow it: a person by surname and
    title ("Security Minister Horace Chang": "Chang", "the minister"), a body named in more
    words than its head noun by that noun ("the Venezuelan Defence Ministry": "the ministry")."""
    if actor.kind == "person":
        roles = role_words()
        titles = [t.lemma_.lower() for t in span if t.lemma_.lower() in roles]
        resolver.remember(actor, titles)
    elif (
        head.pos_ in ("NOUN", "PROPN")
        and len(actor.name.split()) >= 2
        and actor.kind
        in (
            "organization",
            "armed_group",
        )
    ):
        resolver.remember(actor, [head.lemma_.lower()])


def attach_dates(
    sent: Span,
    mentions: Sequence[EventMention],
    rows: Sequence[EventRow],
    published: dt.date | None,
    cue_lemmas: set[str],
) -> None:
    """A date belongs to the event whose clause it hangs off (first anchor up its heads).
    Dates hung off an event's own trigger are placed first: in "agreed on Sunday to a ceasefire
    starting on November 1" the ceasefire takes November 1, not the Sunday of the agreeing
    clause it also hangs off."""
    dates = [ent for ent in syntax.span_ents(sent) if ent.label_ == "DATE"]
    own = {ev.trigger.i: [(ev, row)] for ev, row in zip(mentions, rows, strict=True)}
    anchor_rows: dict[int, list[tuple[EventMention, EventRow]]] = {}
    for ev, row in zip(mentions, rows, strict=True):
        for a in ev.anchors:
            anchor_rows.setdefault(a.i, []).append((ev, row))
    taken: set[int] = set()
    for anchors in (own, anchor_rows):
        for ent in dates:
            if ent.start in taken and anchors is anchor_rows:
                continue
            root = ent.root
            if (
                root.dep_ in ("compound", "nmod", "amod", "nummod")
                and root.head.i not in anchors
                and root.head.ent_type_ not in ("DATE", "TIME")  # "Thursday morning"
            ):
                continue  # "the 2023 agreement": the noun's own date, not its clause's
            if _said_on(ent, cue_lemmas):
                continue
            for anc in syntax.ancestors_in_sentence(ent.root):
                if anc.i not in anchors:
                    if (
                        anc.pos_ == "VERB"
                        and anc.lemma_.lower() in cue_lemmas
                        and anc.dep_ not in ("acl", "amod")  # "boats suspected of ..."
                    ):
                        break  # "..., officials said on Friday": the date of the saying
                    if anchors is own and anc.i in anchor_rows:
                        break  # another clause's date; the second pass decides
                    continue
                for ev, row in anchors[anc.i]:
                    if row.event_date is None and _date_event(ent, ev, row, published):
                        taken.add(ent.start)
                break


def _date_event(ent: Span, ev: EventMention, row: EventRow, published: dt.date | None) -> bool:
    """Resolve the date against the publication date and give it to the row; False when it
    names no definite time (the phrase is still kept, as written, when the row has none: the
    date then comes from the next basis)."""
    phrase = _date_phrase(ent)
    future = ev.modality in _FORWARD
    resolved = resolve_date(phrase.text, published, future=future)
    cut = next((t.i for t in ent[1:] if t.pos_ in ("ADP", "SCONJ")), None)
    if resolved is None and cut is not None:
        # "Wednesday after months of talks" read as one DATE: its first part
        first = ent.doc[ent.start : cut]
        if (resolved := resolve_date(first.text, published, future=future)) is not None:
            phrase = first
    if resolved is None:
        if row.date_text is None:
            row.date_text = phrase.text
            row.date_text_start, row.date_text_end = phrase.start_char, phrase.end_char
        return False
    row.event_date = resolved.start
    row.date_end = resolved.end
    row.date_precision = resolved.precision
    row.date_basis = "stated"
    row.date_text = phrase.text
    row.date_text_start, row.date_text_end = phrase.start_char, phrase.end_char
    return True


def _said_on(ent: Span, cue_lemmas: set[str]) -> bool:
    """'The army said on Saturday it had arrested ...': the parser hangs the date on the
    reported verb, but it sits between the reporting verb and the reported clause's subject,
    so it dates the saying."""
    verb = next((a for a in ent.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.dep_ != "ccomp" or verb.head.lemma_.lower() not in cue_lemmas:
        return False
    subj = next((c for c in verb.children if c.dep_ in syntax.SUBJECTS), None)
    return subj is not None and verb.head.i < ent.start and ent.end <= subj.i


def _date_phrase(ent: Span) -> Span:
    """The DATE entity with a governing 'since'/'from' ("Since September")."""
    head = ent.root.head
    if ent.root.dep_ == "pobj" and head.lower_ in ("since", "from") and head.i == ent.start - 1:
        return ent.doc[head.i : ent.end]
    return ent


def event_of(
    counted: Token, by_anchor: dict[int, EventRow], sent_events: Sequence[EventRow]
) -> EventRow | None:
    """The event a number belongs to: the first event up the counted noun's heads, else the
    sentence's event nearest to it."""
    for anc in syntax.ancestors_in_sentence(counted):
        if anc.i in by_anchor:
            return by_anchor[anc.i]
    if not sent_events:
        return None
    return min(sent_events, key=lambda r: abs(r.start_char - counted.idx))
