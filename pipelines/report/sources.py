"""The sources view: who said what, named or anonymous, through which outlets; the events
that rest only on anonymous sources; and denials set against what they answer."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict

import polars as pl

from pipelines.report.facts import Facts
from pipelines.report.pages import (
    LIST_LIMIT,
    Row,
    Timeline,
    claim_brief,
    claim_rows,
    first_n,
    public,
)

SPEAKER_CLAIMS = 8  # claims listed under each speaker
CONTRADICTION_DAYS = 14
SHARED_WORDS = 2  # an assertion answered by a denial in the same article: words in common
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset("that this with from have were their they been into said says will would".split())
DENIALS = ("deny", "reject")
ACCUSATIONS = ("accuse", "assert")


def speaker_key(c: Row) -> str:
    """One speaker: a resolved actor, or the words; anonymous sources apart from the named
    voices of the same actor ("U.S. officials" are not the State Department on the record)."""
    who = c["speaker_actor_id"] or (c["speaker_text"] or "(unnamed)").casefold()
    return f"anonymous|{who}" if c["anonymous"] else who


def speaker_name(rows: list[Row]) -> str:
    """The actor's name; for anonymous sources the words most used, then the actor."""
    resolved = rows[0]["speaker"] or "(unnamed)"
    if not rows[0]["anonymous"]:
        return resolved
    words = Counter(c["speaker_text"] for c in rows if c["speaker_text"]).most_common(1)
    said = words[0][0] if words else resolved
    return said if resolved.casefold() in said.casefold() else f"{said} ({resolved})"


def sources_page(facts: Facts, tl: Timeline) -> Row:
    """Who said what (named or anonymous, through which outlets), the events that rest only
    on anonymous sources, and denials set against the accusations they answer."""
    by_speaker: dict[str, list[Row]] = defaultdict(list)
    claims = list(claim_rows(facts).values())
    for c in claims:
        by_speaker[speaker_key(c)].append(c)
    speakers = []
    for key, rows in by_speaker.items():
        rows.sort(key=lambda c: c["published_date"] or dt.date.min, reverse=True)
        speakers.append(
            {
                "key": key,
                "name": speaker_name(rows),
                "kind": Counter(c["speaker_kind"] for c in rows).most_common(1)[0][0],
                "anon": all(c["anonymous"] for c in rows),
                "n": len(rows),
                "stances": dict(Counter(c["stance"] for c in rows).most_common()),
                "outlets": sorted({c["outlet"] for c in rows if c["outlet"]}),
                "via": sorted({c["reported_via"] for c in rows if c["reported_via"]}),
                "claims": [claim_brief(c) for c in rows[:SPEAKER_CLAIMS]],
            }
        )
    speakers.sort(key=lambda s: (-s["n"], s["name"]))
    outlets: dict[str, Counter[str]] = defaultdict(Counter)
    for c in claims:
        outlets[c["outlet"] or "(unknown)"]["anonymous" if c["anonymous"] else "named"] += 1
    anonymous_only = [
        public(brief)
        for day in tl.day_order
        for brief in tl.days[day]
        if brief["src"] == "anonymous"
    ]
    return {
        "claims": len(claims),
        "anonymous": sum(1 for c in claims if c["anonymous"]),
        "outlets": [
            {"outlet": o, "named": n["named"], "anonymous": n["anonymous"]}
            for o, n in sorted(outlets.items(), key=lambda kv: -sum(kv[1].values()))
        ],
        "speakers": first_n(speakers),
        "anonymous_only": first_n(anonymous_only),
        "contradictions": contradictions(facts),
    }


def stems(text: str | None) -> set[str]:
    """Content words cut to five letters: "entered" and "enters" meet, "Greek" and "Greece" not."""
    return {w[:5] for w in _WORD.findall((text or "").casefold()) if w not in _STOP}


def contradictions(facts: Facts, limit: int = LIST_LIMIT) -> Row:
    """Pairs of an accusation (or assertion) and the denial that answers it, found three
    ways: an event denied by its own actor against the same type of event by that actor
    asserted by someone else within two weeks; a denial and, earlier in its article, an
    accusation by another speaker or an assertion sharing SHARED_WORDS content words with
    it; a denial by an actor against accusations, elsewhere, of events in which that actor
    takes part.

    As first_n gives a list: how many pairs in all, and the first `limit`. The pairs past
    the limit are counted, not built: 20,000 generated articles have 3.5 million, and an
    actor's accusations within two weeks of a denial are found by date, not by reading
    every accusation of that actor in the corpus."""
    claims = claim_rows(facts)
    events = list(
        facts.events.filter(pl.col("claim_id").is_not_null())
        .select("event_type", "actor1_id", "actor1", "actor2_id", "modality", "claim_id", "day")
        .iter_rows(named=True)
    )
    found = _Pairs(limit)
    asserted: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for e in events:
        if e["modality"] == "asserted" and e["actor1_id"] and e["claim_id"]:
            asserted[(e["event_type"], e["actor1_id"])].append(e)
    by_type_actor = {key: _ByDate(rows, "day") for key, rows in asserted.items()}
    for d in events:
        if d["modality"] != "denied" or not d["claim_id"] or not d["actor1_id"]:
            continue
        group = by_type_actor.get((d["event_type"], d["actor1_id"]))
        if group is None:
            continue
        cd = claims[d["claim_id"]]
        # While rows are still listed, in the order of the events; after, only counted.
        for a in group.rows if found.listing else group.near(d["day"]):
            ca = claims[a["claim_id"]]
            if speaker_key(ca) != speaker_key(cd) and _near(a["day"], d["day"]):
                found.add("same event", ca, cd, f"{d['event_type']} by {d['actor1']}")
    by_article: dict[str, list[Row]] = defaultdict(list)
    for c in claims.values():
        by_article[c["article_id"]].append(c)
    involved: dict[str, set[str]] = defaultdict(set)  # actor -> accusation claims of its events
    for e in events:
        c = claims.get(e["claim_id"]) if e["claim_id"] else None
        if c is None or c["stance"] != "accuse":
            continue
        for role in ("actor1_id", "actor2_id"):
            if e[role]:
                involved[e[role]].add(c["claim_id"])
    accused: dict[str, _ByDate] = {}  # involved, by publication date, made when first asked
    for d in claims.values():
        if d["stance"] not in DENIALS:
            continue
        words = stems(d["content"])
        for c in by_article[d["article_id"]]:
            if (
                c["start_char"] < d["start_char"]
                and speaker_key(c) != speaker_key(d)
                and (
                    c["stance"] == "accuse"
                    or (
                        c["stance"] in ACCUSATIONS
                        and len(words & stems(c["content"])) >= SHARED_WORDS
                    )
                )
            ):
                found.add("same article", c, d, d["speaker"] or "")
        actor = d["speaker_actor_id"] or ""
        ids = involved.get(actor)
        if not ids:
            continue
        if found.listing:
            for cid in sorted(ids):
                c = claims[cid]
                if c["article_id"] != d["article_id"] and _near(
                    c["published_date"], d["published_date"]
                ):
                    found.add("same actor", c, d, d["speaker"] or "")
            continue
        if actor not in accused:
            accused[actor] = _ByDate([claims[cid] for cid in sorted(ids)], "published_date")
        found.count_same_actor(d, ids, accused[actor], by_article[d["article_id"]], claims)
    return {"total": found.total, "rows": found.rows}


def _near(a: dt.date | None, b: dt.date | None) -> bool:
    return a is None or b is None or abs((a - b).days) <= CONTRADICTION_DAYS


class _ByDate:
    """Rows in their order, and sorted by a date (those without one apart), so that the rows
    near a date are found without reading the others."""

    def __init__(self, rows: list[Row], column: str):
        self.rows = rows
        dated = sorted((r for r in rows if r[column] is not None), key=lambda r: r[column])
        self.dated = dated
        self.dates = [r[column] for r in dated]
        self.undated = [r for r in rows if r[column] is None]

    def _span(self, day: dt.date) -> tuple[int, int]:
        window = dt.timedelta(days=CONTRADICTION_DAYS)
        return bisect_left(self.dates, day - window), bisect_right(self.dates, day + window)

    def near(self, day: dt.date | None) -> list[Row]:
        """The rows _near `day`: all when it is unknown."""
        if day is None:
            return self.rows
        lo, hi = self._span(day)
        return self.dated[lo:hi] + self.undated

    def count_near(self, day: dt.date | None) -> int:
        if day is None:
            return len(self.rows)
        lo, hi = self._span(day)
        return hi - lo + len(self.undated)


class _Pairs:
    """Accusation-denial pairs: each counted once, the first `limit` built as rows."""

    def __init__(self, limit: int):
        self.limit = limit
        self.rows: list[Row] = []
        self.total = 0
        # The only pairs two ways can both find: an event's pair can also be found in the
        # same article or through the actor (those two never overlap: a pair is in one
        # article or in two). Kept by denial, so a denial's pairs are looked up at once.
        self.by_event: dict[str, set[str]] = defaultdict(set)

    @property
    def listing(self) -> bool:
        return len(self.rows) < self.limit

    def add(self, basis: str, accusation: Row, denial: Row, about: str) -> None:
        a, d = accusation["claim_id"], denial["claim_id"]
        if a == d or a in self.by_event.get(d, ()):
            return
        if basis == "same event":
            self.by_event[d].add(a)
        self.total += 1
        if self.listing:
            self.rows.append(
                {
                    "basis": basis,
                    "about": about,
                    "accusation": claim_brief(accusation),
                    "denial": claim_brief(denial),
                }
            )

    def count_same_actor(
        self,
        denial: Row,
        ids: set[str],
        accused: _ByDate,
        same_article: list[Row],
        claims: dict[str, Row],
    ) -> None:
        """Count what `add("same actor", c, denial)` would for every c of `ids` (held by date
        in `accused`) in another article near the denial's day, without reading them all."""
        day, article = denial["published_date"], denial["article_id"]
        n = accused.count_near(day)
        n -= sum(  # near, but in the denial's own article
            1 for c in same_article if c["claim_id"] in ids and _near(c["published_date"], day)
        )
        for a in self.by_event.get(denial["claim_id"], ()):  # counted already, as an event's
            c = claims[a]
            if a in ids and c["article_id"] != article and _near(c["published_date"], day):
                n -= 1
        self.total += n
