"""What extraction reads and writes: an article in, typed rows out.

One dataclass per table extraction writes, its fields the columns of the pandera model in
schemas/ (a test keeps the two equal), less the cluster ids that pipelines/link adds. Rows
leave an article as plain dicts (`as_dict`): they cross from the parser processes and go
straight into frames. Nothing here imports pandera or polars, which parser processes never
load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pipelines import EXTRACTOR_VERSION
from pipelines.extract.actors import Actor


@dataclass(frozen=True)
class ArticleInput:
    article_id: str
    text: str
    published_date: dt.date | None = None
    outlet: str | None = None
    body_start: int = 0  # tokens before this offset (the dateline) are never actors
    dateline: str | None = None  # the dateline's place as written ("KADUGLI, Sudan")


def stable_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


class _Row:
    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(slots=True)
class EventRow(_Row):
    """A row of the events table (schemas.events.Events)."""

    event_id: str
    article_id: str
    sentence_index: int
    start_char: int
    end_char: int
    trigger: str
    event_type: str
    event_mode: str | None
    quad_class: int
    actor1_text: str | None
    actor1_id: str | None
    actor2_text: str | None
    actor2_id: str | None
    location_text: str | None
    location_country: str | None
    latitude: float | None
    longitude: float | None
    location_precision: str | None
    modality: str
    confidence: float
    type_basis: str = "lexicon"
    plover_root: str = ""
    location_basis: str | None = None
    location_text_start: int | None = None
    location_text_end: int | None = None
    # Set once the sentence's claims and dates are known, and the article's (when_where.py).
    claim_id: str | None = None
    event_date: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str | None = None
    date_basis: str | None = None
    date_text: str | None = None
    date_text_start: int | None = None
    date_text_end: int | None = None
    mention_of: str | None = None  # the first mention's event_id, for a later mention
    extractor_version: str = EXTRACTOR_VERSION


@dataclass(slots=True)
class ClaimRow(_Row):
    """A row of the claims table (schemas.claims.Claims)."""

    claim_id: str
    article_id: str
    sentence_index: int
    start_char: int
    end_char: int
    speaker_text: str | None
    speaker_actor_id: str | None
    speaker_kind: str
    speaker_count: int | None
    anonymous: bool
    cue: str
    cue_lemma: str
    stance: str
    kind: str
    content: str | None
    content_start: int | None
    content_end: int | None
    direct_quote: bool
    reported_via: str | None
    channel: str | None
    platform: str | None
    confidence: float
    extractor_version: str = EXTRACTOR_VERSION


@dataclass(slots=True)
class QuantityRow(_Row):
    """A row of the quantities table (schemas.quantities.Quantities)."""

    quantity_id: str
    article_id: str
    event_id: str | None
    sentence_index: int
    kind: str
    value: float
    unit: str | None
    qualifier: str
    text: str
    start_char: int
    end_char: int
    scope: str = "event"
    scope_text: str | None = None
    as_of_date: dt.date | None = None
    claim_id: str | None = None
    extractor_version: str = EXTRACTOR_VERSION


@dataclass(slots=True)
class ActorRow(_Row):
    """A row of the actors table (schemas.actors.Actors): an actor with every name it was
    written as."""

    actor_id: str
    name: str
    kind: str
    country: str | None
    sector: str | None
    in_dictionary: bool
    aliases: list[str]

    @classmethod
    def of(cls, actor: Actor, texts: set[str]) -> ActorRow:
        return cls(
            actor_id=actor.actor_id,
            name=actor.name,
            kind=actor.kind,
            country=actor.country,
            sector=actor.sector,
            in_dictionary=actor.in_dictionary,
            aliases=sorted(texts | set(actor.aliases)),
        )


@dataclass
class ArticleRows:
    """One article's rows as the tables hold them, or, when the rules raised on the article,
    no rows and the failure ({"article_id", "error", "location"})."""

    events: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    quantities: list[dict] = field(default_factory=list)
    actors: dict[str, tuple[Actor, set[str]]] = field(default_factory=dict)  # with names seen
    failure: dict | None = None
