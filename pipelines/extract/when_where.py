"""Every event dated, and placed where the text allows: the article's pass after each
sentence has given its events their own dates (event_rows.attach_dates) and places.

Dates, by basis (`date_basis`):
- stated: a date phrase in the event's own clause (set per sentence).
- context: the date of the episode the event belongs to. A later mention of an event ("the
  strike") takes that event's date; an event whose sentence dates another event of the same
  kind takes that date ("troops exchanged fire on Monday, killing five"); a material event
  reported without a date takes the date of the story's episode, the latest day-precise
  event of the last month stated before it. An event with a time phrase of its own that
  names no definite date ("in recent years") keeps the phrase and skips to publication.
- published: statements, plans and reports of the day are dated by the publication.
A later mention of an event ("the strike", "the designation") also gets `mention_of`, the
event_id of the article's first mention of that act: one act is one event.
Places, by basis (`location_basis`): stated (the event's own phrase), context (the event it
refers to, its sentence's other events, its episode), dateline, actor (the country of actor1,
else actor2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pipelines.extract.events import EventMention
from pipelines.extract.places import Place, gazetteer
from pipelines.extract.rows import ArticleInput, EventRow

_FORWARD = {"planned", "expected", "possible"}
_VERBAL = {1, 3}  # quad classes of statements: verbal cooperation and conflict
_DEFINITE = {"the", "this", "that", "these", "those", "its", "their", "his", "her"}
_EPISODE_DAYS = 31  # an episode older than this before publication is background, not the story


def date_and_place(
    article: ArticleInput,
    events: Sequence[tuple[EventMention, EventRow]],
    actor_countries: dict[str, str | None],
) -> None:
    """Give every row a date and a basis, and a place where the text allows one."""
    published = article.published_date
    dateline = gazetteer().dateline(article.dateline)
    episode: EventRow | None = None
    seen: list[EventRow] = []
    for s_idx in sorted({row.sentence_index for _, row in events}):
        sentence = [(ev, row) for ev, row in events if row.sentence_index == s_idx]
        for ev, row in sentence:
            earlier = _referred(ev, row, seen)
            if earlier is not None and _same_act(ev, row, earlier):
                row.mention_of = earlier.mention_of or earlier.event_id
            if row.event_date is None:
                # An event with a time phrase of its own ("in recent years") that names no
                # definite date is not part of the story's episode: it is dated by publication.
                own_time = row.date_text is not None
                source = earlier or (None if own_time else _sentence_mate(row, sentence))
                if (
                    source is None
                    and not own_time
                    and _material(row)
                    and _fresh(episode, published)
                ):
                    source = episode
                if source is not None:
                    _copy_date(row, source)
                elif published is not None:
                    row.event_date, row.date_end = published, None
                    row.date_precision, row.date_basis = "day", "published"
            if row.location_basis is None:
                mates = [r for _, r in sentence if r is not row and r.location_basis == "stated"]
                source = earlier or (mates[0] if mates else None)
                if source is None and row.date_basis == "context" and episode is not None:
                    source = episode if episode.location_basis else None
                if source is not None and source.location_basis is not None:
                    _copy_place(row, source)
                elif dateline is not None:
                    _set_place(row, dateline, "dateline")
                else:
                    code = _actor_country(row, actor_countries)
                    if (place := gazetteer().country(code)) is not None:
                        _set_place(row, place, "actor")
        for _, row in sentence:
            if _material(row) and row.date_basis == "stated" and row.date_precision == "day":
                episode = row
            seen.append(row)


def _material(row: EventRow) -> bool:
    return row.quad_class not in _VERBAL and row.modality not in _FORWARD


def _fresh(episode: EventRow | None, published: dt.date | None) -> bool:
    if episode is None or episode.event_date is None or published is None:
        return False
    return 0 <= (published - episode.event_date).days <= _EPISODE_DAYS


def _referred(ev: EventMention, row: EventRow, seen: list[EventRow]) -> EventRow | None:
    """'the strike', 'the attack': a definite noun naming an event of a type already
    reported refers to the latest such event."""
    trig = ev.trigger
    if trig.pos_ != "NOUN" or not any(c.lower_ in _DEFINITE for c in trig.children):
        return None
    return next(
        (r for r in reversed(seen) if r.event_type == row.event_type and _same_parties(r, row)),
        None,
    )


_MENTION_REACH = 4  # sentences back a definite noun is read as naming the same act


def _same_act(ev: EventMention, row: EventRow, earlier: EventRow) -> bool:
    """One act, one event: 'the designation' the sentence after 'to designate'. Not when the
    noun carries a time of its own ('the 2015 nuclear deal', 'his arrest in 2022'), when the
    earlier act did not happen, or when it lies several sentences back (a 'buildup' paragraphs
    after one deployment is the campaign, not that deployment)."""
    if earlier.modality in ("negated", "denied"):
        return False
    if row.sentence_index - earlier.sentence_index > _MENTION_REACH:
        return False
    if any(t.ent_type_ == "DATE" for t in ev.trigger.subtree):
        return False
    return not (
        row.date_basis == "stated"
        and earlier.date_basis == "stated"
        and row.event_date != earlier.event_date
    )


def _same_parties(a: EventRow, b: EventRow) -> bool:
    """No party named for both that differs: 'the strike on Caracas' is not the strike on a
    boat reported before it."""
    pairs = ((a.actor1_id, b.actor1_id), (a.actor2_id, b.actor2_id))
    return all(x is None or y is None or x == y for x, y in pairs)


def _sentence_mate(
    row: EventRow, sentence: Sequence[tuple[EventMention, EventRow]]
) -> EventRow | None:
    """Another event of the sentence dated by its own words, of the same kind (material or
    statement, done or to come): "exchanged fire on Monday, killing five"."""
    for _, other in sentence:
        if (
            other is not row
            and other.date_basis == "stated"
            and _material(other) == _material(row)
            and (other.modality in _FORWARD) == (row.modality in _FORWARD)
        ):
            return other
    return None


def _copy_date(row: EventRow, source: EventRow) -> None:
    row.event_date, row.date_end = source.event_date, source.date_end
    row.date_precision, row.date_basis = source.date_precision, "context"
    if row.date_text is None:  # the phrase the date comes from, where it is written
        row.date_text = source.date_text
        row.date_text_start, row.date_text_end = source.date_text_start, source.date_text_end


def _copy_place(row: EventRow, source: EventRow) -> None:
    if row.location_text is None:  # a phrase the gazetteer does not know stays as written
        row.location_text = source.location_text
        row.location_text_start = source.location_text_start
        row.location_text_end = source.location_text_end
    row.location_country = source.location_country
    row.latitude, row.longitude = source.latitude, source.longitude
    row.location_precision, row.location_basis = source.location_precision, "context"


def _set_place(row: EventRow, place: Place, basis: str) -> None:
    row.location_country = place.country
    row.latitude, row.longitude = place.lat, place.lon
    row.location_precision, row.location_basis = place.kind, basis


def _actor_country(row: EventRow, countries: dict[str, str | None]) -> str | None:
    for actor_id in (row.actor1_id, row.actor2_id):
        if actor_id and countries.get(actor_id):
            return countries[actor_id]
    return None
