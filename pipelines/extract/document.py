"""One parsed article to its rows, sentence by sentence: claims first, then the events
reported under them, then the numbers tied to those events."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from pipelines.extract import claims as claim_rules
from pipelines.extract import events as event_rules
from pipelines.extract.actors import ActorResolver
from pipelines.extract.claim_rows import ClaimIndex, Speakers, claim_row
from pipelines.extract.event_rows import attach_dates, event_of, event_row
from pipelines.extract.quantities import find_quantities, running_total_cue
from pipelines.extract.rows import (
    ArticleInput,
    ArticleRows,
    ClaimRow,
    EventRow,
    QuantityRow,
    stable_id,
)
from pipelines.extract.rules import attribution_cues, modality_cues, speaker_words, trigger_lexicon
from pipelines.extract.when_where import date_and_place


def extract_doc(article: ArticleInput, doc: Doc, rows: ArticleRows) -> None:
    lex, modal, cues = trigger_lexicon(), modality_cues(), attribution_cues()
    # Verbs that report speech only with a person speaking ("attack") are acts to the event
    # rules: a plan or threat stays above them ("plan to attack the town and seize ...").
    cue_lemmas = (set(cues.verbs) - cues.person_only) | {"accord"}
    resolver = ActorResolver()
    text = doc.text
    speakers = Speakers.of(article, doc, text, resolver, cues, speaker_words())
    events: list[tuple[event_rules.EventMention, EventRow]] = []
    quantities: list[QuantityRow] = []
    for s_idx, sent in enumerate(doc.sents):
        # Claims first: an event inside a claim's content is reported under it.
        claim_mentions = claim_rules.find_claims(sent, cues, text)
        sent_claims = [claim_row(speakers, s_idx, cm) for cm in claim_mentions]
        rows.claims.extend(c.as_dict() for c in sent_claims)
        mentions = event_rules.find_events(sent, lex, modal, cue_lemmas)
        sent_events = _event_rows(article, s_idx, mentions, sent_claims, resolver)
        attach_dates(sent, mentions, sent_events, article.published_date, cue_lemmas)
        by_anchor: dict[int, EventRow] = {}
        for ev, row in zip(mentions, sent_events, strict=True):
            for a in ev.anchors:
                by_anchor.setdefault(a.i, row)
        # "four U.S. officials" counts sources, not something that happened
        speaker_tokens = {cm.speaker.i for cm in claim_mentions if cm.speaker is not None}
        quantities += _quantity_rows(
            article, s_idx, sent, speaker_tokens, by_anchor, sent_events, sent_claims
        )
        events.extend(zip(mentions, sent_events, strict=True))
    actors = resolver.actors()
    date_and_place(article, events, {a.actor_id: a.country for a, _ in actors})
    by_id = {row.event_id: row for _, row in events}
    for q in quantities:
        if q.scope == "cumulative":  # a running total runs to its range's end, else to the day
            ev = by_id.get(q.event_id or "")
            q.as_of_date = (ev.date_end if ev else None) or article.published_date
    rows.events.extend(row.as_dict() for _, row in events)
    rows.quantities.extend(q.as_dict() for q in quantities)
    for actor, texts in actors:
        kept = rows.actors.setdefault(actor.actor_id, (actor, set()))
        kept[1].update(texts)


def _event_rows(
    article: ArticleInput,
    s_idx: int,
    mentions: list[event_rules.EventMention],
    sent_claims: list[ClaimRow],
    resolver: ActorResolver,
) -> list[EventRow]:
    claim_index = ClaimIndex(sent_claims)
    sent_events = []
    for ev in mentions:
        row = event_row(article, s_idx, ev, resolver)
        row.claim_id = claim_index.enclosing(row.start_char)
        sent_events.append(row)
    return sent_events


def _quantity_rows(
    article: ArticleInput,
    s_idx: int,
    sent: Span,
    speaker_tokens: set[int],
    by_anchor: dict[int, EventRow],
    sent_events: list[EventRow],
    sent_claims: list[ClaimRow],
) -> list[QuantityRow]:
    out = []
    claim_index = ClaimIndex(sent_claims)
    for q in find_quantities(sent):
        if q.counted.i in speaker_tokens:
            continue
        ev_row = event_of(q.counted, by_anchor, sent_events)
        cue = running_total_cue(q.counted)
        out.append(
            QuantityRow(
                quantity_id=stable_id(article.article_id, "quantity", q.start, q.end),
                article_id=article.article_id,
                event_id=ev_row.event_id if ev_row else None,
                sentence_index=s_idx,
                kind=q.kind,
                value=q.value,
                unit=q.unit,
                qualifier=q.qualifier,
                text=article.text[q.start : q.end],
                start_char=q.start,
                end_char=q.end,
                scope="cumulative" if cue is not None else "event",
                scope_text=cue.text if cue is not None else None,
                claim_id=claim_index.enclosing(q.start) or (ev_row.claim_id if ev_row else None),
            )
        )
    return out
