"""A picture of the warehouse for the UI: events per day, by type, for the most active actor
pairs, one panel per pair, rendered to PNG from the warehouse opened read-only.

The axis follows where the events are: a few events far from the rest (a "since 2018" in a
story of this week) are noted under the picture rather than stretching the axis until this
week's bars are a sliver. Bars show how each date is known: solid when stated, hatched when
taken from the story's context, dotted when only the publication date is known."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.store.atomic import replace_atomically
from pipelines.store.warehouse import DUCKDB_FILE

CHART_FILE = Path("reports") / "event-timeline.png"
TOP_PAIRS = 4

# Event mentions between two known actors (not the 'other' kind: "the vessels", "a convoy"),
# dated by the event or else by the article.
_PAIR_EVENTS_SQL = """
WITH known AS (
    SELECT actor_id FROM actors WHERE kind <> 'other'
),
dated AS (
    SELECT
        e.actor1_id,
        e.actor2_id,
        e.event_type,
        coalesce(e.date_basis, 'published') AS basis,
        coalesce(e.event_date, a.published_date) AS day
    FROM events AS e
    JOIN articles AS a USING (article_id)
    WHERE e.actor1_id IN (SELECT actor_id FROM known)
      AND e.actor2_id IN (SELECT actor_id FROM known)
),
top AS (
    SELECT actor1_id, actor2_id, count(*) AS events
    FROM dated
    WHERE day IS NOT NULL
    GROUP BY ALL
    ORDER BY events DESC, actor1_id, actor2_id
    LIMIT {limit}
)
SELECT
    d.actor1_id,
    coalesce(n1.name, d.actor1_id) AS actor1,
    d.actor2_id,
    coalesce(n2.name, d.actor2_id) AS actor2,
    t.events AS pair_events,
    d.day,
    d.event_type,
    d.basis,
    count(*) AS n
FROM dated AS d
JOIN top AS t USING (actor1_id, actor2_id)
LEFT JOIN actors AS n1 ON n1.actor_id = d.actor1_id
LEFT JOIN actors AS n2 ON n2.actor_id = d.actor2_id
WHERE d.day IS NOT NULL
GROUP BY ALL
ORDER BY pair_events DESC, d.actor1_id, d.actor2_id, d.day, d.event_type, d.basis
"""
# How a bar shows the basis of its dates (events.date_basis).
BASIS_HATCH = {"stated": "", "context": "///", "published": ".."}
# Days further from the middle half of the events (by count) than this many times its width
# (at least a week) are noted, not drawn: the usual rule for outliers, on dates.
_OUTLIER_SPREAD = 3
_CENTRAL = (0.25, 0.75)


@dataclass
class TimelineChart:
    path: Path
    pairs: list[tuple[str, str]]  # (actor1_id, actor2_id), most active first
    events: int  # event mentions drawn
    outliers: int = 0  # event mentions outside the axis, noted under the picture


def axis_range(days: list[dt.date], weights: list[int]) -> tuple[dt.date, dt.date]:
    """The days the axis spans: the middle half of the events (by count), widened on each side
    by _OUTLIER_SPREAD times its width (at least a week), never beyond the events themselves."""
    ordered = sorted(zip(days, weights, strict=True))
    total = sum(weights)
    cum, lo, hi = 0, ordered[0][0], ordered[-1][0]
    lo_set = False
    for day, w in ordered:
        cum += w
        if not lo_set and cum >= total * _CENTRAL[0]:
            lo, lo_set = day, True
        if cum >= total * _CENTRAL[1]:
            hi = day
            break
    pad = max(dt.timedelta(days=7), hi - lo) * _OUTLIER_SPREAD
    return max(ordered[0][0], lo - pad), min(ordered[-1][0], hi + pad)


def chart_markdown(path: Path) -> str:
    """The PNG inlined as a data URI, for a Dagster markdown metadata value."""
    data = base64.b64encode(path.read_bytes()).decode()
    return f"![events per day for the most active actor pairs](data:image/png;base64,{data})"


def pair_events(warehouse_dir: Path | str, top_pairs: int = TOP_PAIRS) -> pl.DataFrame:
    con = duckdb.connect(str(Path(warehouse_dir) / DUCKDB_FILE), read_only=True)
    try:
        return con.sql(_PAIR_EVENTS_SQL.format(limit=int(top_pairs))).pl()
    finally:
        con.close()


def render_timeline(warehouse_dir: Path | str, top_pairs: int = TOP_PAIRS) -> TimelineChart:
    """Draw the chart to <warehouse>/reports/event-timeline.png (atomically)."""
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in Dagster's worker processes
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    everything = pair_events(warehouse_dir, top_pairs)
    pairs = everything.select("actor1_id", "actor2_id").unique(maintain_order=True).rows()
    df, outside = everything, everything.clear()
    if everything.height:
        first, last = axis_range(list(everything["day"]), list(everything["n"]))
        inside = pl.col("day").is_between(first, last)
        df, outside = everything.filter(inside), everything.filter(~inside)
    types = sorted(set(df["event_type"])) if df.height else []
    colors = {t: plt.get_cmap("tab20")(i % 20) for i, t in enumerate(types)}
    # Bars at least 1/60 of the time span wide, so a day stays visible over months or years.
    span = (max(df["day"]) - min(df["day"])).days if df.height else 0
    width = max(0.8, span / 60)
    fig, axes = plt.subplots(
        max(len(pairs), 1),
        1,
        figsize=(9, 1.9 * max(len(pairs), 1) + 0.6),
        sharex=True,
        squeeze=False,
    )
    for ax, (a1, a2) in zip(axes[:, 0], pairs or [(None, None)], strict=True):
        if a1 is None:
            ax.text(0.5, 0.5, "no events with two resolved actors yet", ha="center", va="center")
            ax.set_axis_off()
            continue
        sub = df.filter((pl.col("actor1_id") == a1) & (pl.col("actor2_id") == a2))
        if not sub.height:
            ax.text(0.5, 0.5, "all of this pair's events are outside the axis", ha="center")
            row = everything.filter((pl.col("actor1_id") == a1) & (pl.col("actor2_id") == a2)).row(
                0, named=True
            )
            ax.set_title(f"{row['actor1']} → {row['actor2']}", fontsize=9)
            continue
        days = sorted(set(sub["day"]))
        bottom = {d: 0 for d in days}
        for event_type in types:
            for basis, hatch in BASIS_HATCH.items():
                part = dict(
                    sub.filter((pl.col("event_type") == event_type) & (pl.col("basis") == basis))
                    .select("day", "n")
                    .rows()
                )
                if not part:
                    continue
                # Only the days this type has on this basis: over a year, a bar for every
                # day of every type and basis drew 70,000 empty rectangles (most of a
                # minute at 200,000 articles).
                have = [d for d in days if part.get(d)]
                ax.bar(
                    have,
                    [part[d] for d in have],
                    bottom=[bottom[d] for d in have],
                    width=width,
                    color=colors[event_type],
                    hatch=hatch,
                    edgecolor="white" if hatch else None,
                    label=event_type,
                )
                for d in have:
                    bottom[d] += part[d]
        row = sub.row(0, named=True)
        ax.set_title(f"{row['actor1']} → {row['actor2']} ({row['pair_events']} events)", fontsize=9)
        ax.set_ylabel("events", fontsize=8)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(labelsize=7)
    axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    fig.autofmt_xdate()
    if types:
        handles = [plt.Rectangle((0, 0), 1, 1, color=colors[t]) for t in types]
        handles += [
            plt.Rectangle((0, 0), 1, 1, facecolor="grey", hatch=h, edgecolor="white")
            for h in BASIS_HATCH.values()
        ]
        labels = [*types, *(f"date {b}" for b in BASIS_HATCH)]
        fig.legend(handles, labels, loc="upper right", fontsize=7, ncols=min(len(labels), 6))
    if outside.height:
        noted = outside.group_by("day").agg(pl.col("n").sum()).sort("day")
        days_noted = ", ".join(f"{d:%Y-%m-%d} ({n})" for d, n in noted.rows()[:6])
        more = " …" if noted.height > 6 else ""
        fig.text(
            0.01,
            0.005,
            f"outside the axis (events): {days_noted}{more}",
            fontsize=7,
        )
    fig.suptitle("Events per day by type, most active actor pairs", fontsize=10, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0.03 if outside.height else 0, 1, 0.93))
    path = Path(warehouse_dir) / CHART_FILE
    # No software/date tags: the same data draws the same bytes.
    replace_atomically(
        path, lambda tmp: fig.savefig(tmp, format="png", dpi=72, metadata={"Software": None})
    )
    plt.close(fig)
    drawn = int(df["n"].sum()) if df.height else 0
    noted = int(outside["n"].sum()) if outside.height else 0
    return TimelineChart(path, [tuple(p) for p in pairs], drawn, noted)
