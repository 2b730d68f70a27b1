"""What is new since the previous run: each reading room keeps a snapshot of what the
warehouse held (ids of articles, events and claims; the tolls of events and running totals),
and the next room compares the warehouse with the snapshot of the last different warehouse.

Ids are stable (hashes of article and span), so an id not in the snapshot is a row the
previous run did not have. Event clusters are matched through their members, since a
cluster's id can change when an article joins it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import polars as pl

from pipelines.report.facts import Facts
from pipelines.report.pages import Row, Timeline, claim_brief, claim_rows, first_n, iso, public

Snapshot = dict[str, Any]


def take_snapshot(facts: Facts, tl: Timeline, taken_at: dt.datetime) -> Snapshot:
    tolls = [
        {"members": brief["members"], "tolls": brief["tolls"]}
        for day in tl.day_order
        for brief in tl.days[day]
        if brief["tolls"]
    ]
    return {
        "taken_at": iso(taken_at),
        "articles": sorted(facts.articles["article_id"].to_list()),
        "events": sorted(facts.events["event_id"].to_list()),
        "claims": sorted(facts.claims["claim_id"].to_list()),
        "tolls": tolls,
        "running": running_totals(facts),
    }


def running_totals(facts: Facts) -> dict[str, float]:
    """The largest figure of each running total, by kind, period and country ("killed since
    september (VEN)"): the same tally as the stories give it, run after run."""
    # Only the running totals and their events' countries: not every row as a dict.
    totals = facts.quantities.filter(pl.col("scope") == "cumulative")
    events = facts.events.filter(pl.col("event_id").is_in(totals["event_id"].drop_nulls()))
    country = dict(zip(events["event_id"], events["location_country"], strict=True))
    out: dict[str, float] = {}
    for q in totals.select("kind", "scope_text", "event_id", "value").iter_rows(named=True):
        period = (q["scope_text"] or "").casefold().strip()
        where = country.get(q["event_id"])
        key = f"{q['kind']} {period}".strip() + (f" ({where})" if where else "")
        out[key] = max(out.get(key, 0.0), float(q["value"]))
    return out


def whats_new(previous: Snapshot | None, facts: Facts, tl: Timeline) -> Row:
    """New articles, event clusters with a new mention, new claims, rows gone, and tolls and
    running totals whose figure changed. With no previous snapshot everything is new."""
    before = previous or {"articles": [], "events": [], "claims": [], "tolls": [], "running": {}}
    old_articles, old_events = set(before["articles"]), set(before["events"])
    old_claims = set(before["claims"])
    added = facts.articles.filter(~pl.col("article_id").is_in(list(old_articles)))
    articles = [
        [a["article_id"], a["title"], a["outlet"], iso(a["published_date"]), iso(a["ingested_at"])]
        for a in added.select(
            "article_id", "title", "outlet", "published_date", "ingested_at"
        ).iter_rows(named=True)
    ]
    articles.sort(key=lambda a: (a[4] or "", a[3] or ""), reverse=True)
    events = [
        public(brief, new=sum(m not in old_events for m in brief["members"]))
        for day in reversed(tl.day_order)
        for brief in tl.days[day]
        if any(m not in old_events for m in brief["members"])
    ]
    claims = [claim_brief(c) for cid, c in claim_rows(facts).items() if cid not in old_claims]
    claims.sort(key=lambda c: c["day"] or "", reverse=True)
    return {
        "since": before.get("taken_at"),
        "first": previous is None,
        "articles": first_n(articles),
        "events": first_n(events),
        "claims": first_n(claims),
        "mentions": len(set(facts.events["event_id"]) - old_events),
        "removed": {
            "articles": len(old_articles - set(facts.articles["article_id"])),
            "events": len(old_events - set(facts.events["event_id"])),
            "claims": len(old_claims - set(facts.claims["claim_id"])),
        },
        "tolls": changed_tolls(before["tolls"], tl),
        "running": changed_running(before["running"], running_totals(facts)),
    }


def changed_tolls(old: list[Row], tl: Timeline) -> list[Row]:
    """Events whose toll changed: each cluster now set against the earlier cluster that
    shares most of its mentions."""
    owner: dict[str, int] = {}
    for i, entry in enumerate(old):
        for member in entry["members"]:
            owner[member] = i
    out = []
    for day in tl.day_order:
        for brief in tl.days[day]:
            shared = Counter(owner[m] for m in brief["members"] if m in owner)
            if not shared:
                continue
            was, now = old[shared.most_common(1)[0][0]]["tolls"], brief["tolls"]
            for kind in sorted(set(was) | set(now)):
                if was.get(kind) != now.get(kind):
                    out.append(public(brief, kind=kind, before=was.get(kind), after=now.get(kind)))
    return out


def changed_running(old: dict[str, float], new: dict[str, float]) -> list[Row]:
    return [
        {"total": key, "before": old[key], "after": value}
        for key, value in sorted(new.items())
        if key in old and old[key] != value
    ]
