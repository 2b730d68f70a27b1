"""Extraction results for N articles without parsing anything, for `make bench-scale`.

What extraction would have left behind: the `articles` table (as ingest writes it) and the
extraction state (one segment of per-article rows, as extraction checkpoints it), made with the
current extractor fingerprint so that the extract step reuses every article and parses none.
Everything after that (reading the state back, linking, validation, Parquet, DuckDB) then runs
for real.

The rows are made to look like the pipeline's own on real news, in the amounts the sample in
raw/ gives (per article about 13 event mentions, 12 claims, 6 quantities): articles spread
over days (about 550 a day, a newsroom following several crises), actors drawn from a few
thousand with a long tail (a few actors in most stories), and mentions of the same real-world
story by several articles on nearby days, so that linking finds clusters of many sizes.
Spans index the article text exactly: each article's text is assembled from the sentences its
rows quote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines import EXTRACTOR_VERSION
from pipelines.extract.incremental import (
    EXTRACT_STATE,
    EXTRACTION_INPUTS,
    extractor_fingerprint,
    input_key,
)
from pipelines.store.state import KEY
from schemas import Articles, polars_schema
from schemas.codes import KINDS, PLOVER_TYPES, STANCES

EVENTS_PER_ARTICLE = 13.0
CLAIMS_PER_ARTICLE = 12.0
QUANTITIES_PER_ARTICLE = 6.0
ARTICLES_PER_DAY = 550
ACTORS = 3000
STORIES_PER_DAY = 400  # real-world events a day's articles are about
FIRST_DAY = dt.date(2024, 1, 1)
OUTLETS = ["Reuters", "AP", "AFP", "BBC", "Al Jazeera", "DW", "Kyiv Independent", "Xinhua"]
COUNTRIES = ["USA", "RUS", "UKR", "ISR", "PSE", "IRN", "CHN", "SDN", "VEN", "SYR", "LBN", "YEM"]
TRIGGERS = {t: t.lower() + ("d" if t.endswith("E") else "ed") for t in PLOVER_TYPES}
SYLLABLES = "ka vo mu rel ti san de lo pra win ost ba ge nu ir fal ch".split()
# Made-up words (no third-party text): names of people and places, and the words statements
# are made of.
_WORDS = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
VOCAB = _WORDS[::2][:2000]
PLACES = [w.title() for w in _WORDS[1::40][:60]]
PLACE_COUNTRIES = (
    COUNTRIES + "IRQ AFG MLI NER BFA SOM ETH COD HTI MMR PAK IND LBY TUR ARM AZE GEO MDA".split()
)
ANONYMOUS = [
    "two officials",
    "a senior official",
    "sources familiar with the matter",
    "a diplomat",
    "a military spokesman",
    "people briefed on the talks",
]


@dataclass
class ScaleCorpus:
    articles: pl.DataFrame
    index: pl.DataFrame  # the extraction state's index: one row per article
    tables: dict[str, pl.DataFrame]  # events, claims, quantities, actors, keyed by article


def _ids(prefix: str, seed: int, n: int, start: int = 0) -> list[str]:
    """Stable 16-hex ids, as the pipeline's hashes look."""
    return [
        hashlib.blake2b(f"{prefix}{seed}:{i}".encode(), digest_size=8).hexdigest()
        for i in range(start, start + n)
    ]


def generate(n: int, *, seed: int = 20261207, start: int = 0, model: str) -> ScaleCorpus:
    """Articles start..start+n-1 of the corpus with this seed: a +1% run asks for the next ones.
    Article i is published on day i // ARTICLES_PER_DAY, so later articles are newer."""
    rng = np.random.default_rng([seed, start])
    idx = np.arange(start, start + n)
    day = idx // ARTICLES_PER_DAY
    article_ids = _ids("article", seed, n, start)

    def per_article(mean: float) -> np.ndarray:
        return rng.poisson(mean, n)

    n_ev, n_cl, n_qt = (per_article(m) for m in (EVENTS_PER_ARTICLE, CLAIMS_PER_ARTICLE, 6.0))
    ev_art, cl_art, qt_art = (np.repeat(np.arange(n), k) for k in (n_ev, n_cl, n_qt))

    # Stories: the real-world events of a day; a mention is about a story of its article's
    # day or the day before (reported late). Popular stories are told by many articles.
    def stories(rows: np.ndarray) -> np.ndarray:
        late = rng.random(rows.size) < 0.25
        story_day = np.maximum(day[rows] - late, 0)
        # a few big stories of the day, a long tail of small ones
        rank = (STORIES_PER_DAY * rng.random(rows.size) ** 2).astype(np.int64)
        return story_day * STORIES_PER_DAY + rank

    def story_pick(story: np.ndarray, salt: int, size: int) -> np.ndarray:
        return (story * 2654435761 + salt * 40503) % size

    def actor_of(story: np.ndarray, salt: int) -> np.ndarray:
        # A few actors (the big powers, the warring parties) are in most stories.
        ranks = np.minimum(rng.zipf(1.6, story.size), ACTORS) - 1
        keep = rng.random(story.size) < 0.8  # the story's own actor, else any
        return np.where(keep, story_pick(story, salt, ACTORS), ranks)

    ev_story = stories(ev_art)
    actor1, actor2 = actor_of(ev_story, 1), actor_of(ev_story, 2)
    has_actor2 = rng.random(ev_art.size) < 0.6
    events = pl.DataFrame(
        {
            "a": ev_art,
            "event_type": np.array(PLOVER_TYPES)[story_pick(ev_story, 3, len(PLOVER_TYPES))],
            "actor1": actor1,
            "actor2": np.where(has_actor2, actor2, -1),
            "story_day": ev_story // STORIES_PER_DAY,
            "basis": rng.choice(["stated", "published", "context"], ev_art.size, p=[0.6, 0.3, 0.1]),
            "modality": rng.choice(
                ["asserted", "planned", "expected", "possible", "negated", "denied"],
                ev_art.size,
                p=[0.8, 0.06, 0.05, 0.05, 0.02, 0.02],
            ),
            "place": story_pick(ev_story, 4, len(PLACES)),
            "placed": rng.random(ev_art.size) < 0.5,
            "with_claim": rng.random(ev_art.size) < 0.3,
            "confidence": rng.uniform(0.3, 1.0, ev_art.size).round(2),
        }
    )
    cl_story = stories(cl_art)
    named = rng.random(cl_art.size) < 0.75
    claims = pl.DataFrame(
        {
            "a": cl_art,
            "speaker": np.where(named, actor_of(cl_story, 5), -1),
            "anon": rng.integers(0, len(ANONYMOUS), cl_art.size),
            "stance": np.array(STANCES)[rng.integers(0, len(STANCES), cl_art.size)],
            "story": cl_story,
            # some retellings change a few words: the same statement, or only close to it
            "variant": rng.integers(0, 3, cl_art.size),
            "direct": rng.random(cl_art.size) < 0.3,
            "confidence": rng.uniform(0.3, 1.0, cl_art.size).round(2),
        }
    )
    quantities = pl.DataFrame(
        {
            "a": qt_art,
            "kind": np.array(KINDS)[rng.integers(0, len(KINDS), qt_art.size)],
            "value": rng.zipf(1.5, qt_art.size).clip(1, 100_000).astype(np.float64),
            "with_event": rng.random(qt_art.size) < 0.7,
        }
    )
    return _assemble(article_ids, day, idx, events, claims, quantities, seed, model)


def _actor_id(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr >= 0).then(pl.format("ACT{}", expr))


def _actor_names() -> dict[int, str]:
    """Made-up names (two words each, some words shared, as family names are), and the
    governments of the countries."""
    names = {i: f"the government of {c}" for i, c in enumerate(COUNTRIES)}
    for i in range(len(COUNTRIES), ACTORS):
        first = SYLLABLES[(i * 5) % 17] + SYLLABLES[(i * 11 // 7) % 17]
        last = SYLLABLES[i % 17] + SYLLABLES[(i // 17) % 17] + SYLLABLES[(i // 289) % 17]
        names[i] = f"{first.title()} {last.title()}"
    return names


_ACTOR_NAMES = _actor_names()


def _actor_text(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr >= 0).then(
        expr.replace_strict(_ACTOR_NAMES, default=None, return_dtype=pl.String)
    )


def _assemble(article_ids, day, idx, events, claims, quantities, seed, model) -> ScaleCorpus:
    n = len(article_ids)
    ids = pl.Series("article_id", article_ids)
    published = pl.Series([FIRST_DAY + dt.timedelta(days=int(d)) for d in day], dtype=pl.Date)
    art = pl.DataFrame({"a": np.arange(n), "article_id": ids, "published_date": published})

    # Sentences: one headline per article, then one per event, claim and quantity. Each kind
    # knows where its spans sit in its own sentence; offsets in the text come from the lengths
    # of the sentences before it.
    events = (
        events.with_row_index("r")
        .join(art, on="a")
        .with_columns(
            actor1_id=_actor_id(pl.col("actor1")),
            actor1_text=_actor_text(pl.col("actor1")),
            actor2_id=_actor_id(pl.col("actor2")),
            actor2_text=_actor_text(pl.col("actor2")),
            trigger=pl.col("event_type").replace_strict(TRIGGERS, return_dtype=pl.String),
        )
        .with_columns(
            sentence=pl.concat_str(
                [
                    "actor1_text",
                    pl.lit(" "),
                    "trigger",
                    pl.lit(" "),
                    pl.col("actor2_text").fill_null("the talks"),
                    pl.lit("."),
                ],
                ignore_nulls=True,
            ),
            rel=pl.col("actor1_text").str.len_chars() + 1,
        )
    )
    claims = (
        claims.with_row_index("r")
        .join(art, on="a")
        .with_columns(
            speaker_actor_id=_actor_id(pl.col("speaker")),
            speaker_text=pl.coalesce(
                _actor_text(pl.col("speaker")),
                pl.col("anon").replace_strict(dict(enumerate(ANONYMOUS)), return_dtype=pl.String),
            ),
            content=pl.concat_str(
                [_vocab_word(pl.col("story"), pl.col("variant"), j) for j in range(8)],
                separator=" ",
            ),
        )
        .with_columns(
            sentence=pl.format("{} said that {}.", "speaker_text", "content"),
            rel=pl.col("speaker_text").str.len_chars() + 1,
        )
    )
    quantities = (
        quantities.with_row_index("r")
        .join(art, on="a")
        .with_columns(text=pl.col("value").cast(pl.Int64).cast(pl.String))
        .with_columns(sentence=pl.format("At least {} were counted.", "text"), rel=pl.lit(9))
    )
    headline = art.select(
        "a", r=pl.lit(0, pl.UInt32), sentence=pl.format("Report {} of the day.", "article_id")
    )
    order = pl.concat(
        [
            headline.with_columns(kind=pl.lit(0)),
            events.select("a", "r", "sentence", kind=pl.lit(1)),
            claims.select("a", "r", "sentence", kind=pl.lit(2)),
            quantities.select("a", "r", "sentence", kind=pl.lit(3)),
        ]
    ).sort("a", "kind", "r")
    order = order.with_columns(
        length=pl.col("sentence").str.len_chars() + 1,  # the space after it
        sentence_index=pl.int_range(pl.len()).over("a"),
    ).with_columns(offset=(pl.col("length").cum_sum() - pl.col("length")).over("a"))
    texts = order.group_by("a", maintain_order=True).agg(
        text=pl.col("sentence").str.join(" "),
        words=pl.col("sentence").str.split(" ").list.len().sum(),
    )
    placed = order.select("a", "r", "kind", "offset", "sentence_index")

    def spans(frame: pl.DataFrame, kind: int) -> pl.DataFrame:
        return frame.join(
            placed.filter(pl.col("kind") == kind).drop("kind"), on=["a", "r"], how="left"
        )

    events = spans(events, 1)
    claims = spans(claims, 2)
    quantities = spans(quantities, 3)

    first_claim = claims.group_by("a").agg(first_claim=pl.col("r").min())
    events = (
        events.with_columns(event_id=_row_ids("event", seed, pl.col("article_id"), pl.col("r")))
        .join(first_claim, on="a", how="left")
        .join(
            claims.select("a", "r", claim_of=_row_ids("claim", seed, "article_id", "r")),
            left_on=["a", "first_claim"],
            right_on=["a", "r"],
            how="left",
        )
    )
    first_event = events.group_by("a").agg(first_event=pl.col("r").min())
    quantities = quantities.join(first_event, on="a", how="left").join(
        events.select("a", "r", "event_id"),
        left_on=["a", "first_event"],
        right_on=["a", "r"],
        how="left",
    )
    stated = pl.col("basis") == "stated"
    story_date = pl.lit(FIRST_DAY) + pl.duration(days=pl.col("story_day"))
    located = pl.col("placed")
    event_rows = events.select(
        KEY=pl.col("article_id"),
        event_id="event_id",
        article_id="article_id",
        sentence_index=pl.col("sentence_index").cast(pl.Int64),
        start_char=(pl.col("offset") + pl.col("rel")).cast(pl.Int64),
        end_char=(pl.col("offset") + pl.col("rel") + pl.col("trigger").str.len_chars()).cast(
            pl.Int64
        ),
        trigger="trigger",
        event_type="event_type",
        event_mode=pl.lit(None, pl.String),
        quad_class=(pl.col("event_type").rank("dense") % 4 + 1).cast(pl.Int64),
        actor1_text="actor1_text",
        actor1_id="actor1_id",
        actor2_text="actor2_text",
        actor2_id="actor2_id",
        event_date=pl.when(pl.col("basis") != "published")
        .then(story_date)
        .otherwise("published_date"),
        date_end=pl.lit(None, pl.Date),
        date_precision=pl.lit("day"),
        date_basis="basis",
        date_text=pl.lit(None, pl.String),
        date_text_start=pl.lit(None, pl.Int64),
        date_text_end=pl.lit(None, pl.Int64),
        location_text=pl.when(located).then(
            pl.col("place").replace_strict(dict(enumerate(PLACES)), return_dtype=pl.String)
        ),
        location_text_start=pl.lit(None, pl.Int64),
        location_text_end=pl.lit(None, pl.Int64),
        location_basis=pl.when(located).then(
            pl.when(stated).then(pl.lit("stated")).otherwise(pl.lit("context"))
        ),
        location_country=pl.when(located).then(
            pl.col("place").replace_strict(
                {i: PLACE_COUNTRIES[i % len(PLACE_COUNTRIES)] for i in range(len(PLACES))},
                return_dtype=pl.String,
            )
        ),
        latitude=pl.lit(None, pl.Float64),
        longitude=pl.lit(None, pl.Float64),
        location_precision=pl.when(located).then(pl.lit("city")),
        modality="modality",
        cluster_id=pl.lit(None, pl.String),
        mention_of=pl.lit(None, pl.String),
        claim_id=pl.when("with_claim").then("claim_of"),
        confidence="confidence",
        type_basis=pl.lit("lexicon"),
        plover_root="event_type",
        extractor_version=pl.lit(EXTRACTOR_VERSION),
    )
    claim_rows = claims.select(
        KEY=pl.col("article_id"),
        claim_id=_row_ids("claim", seed, "article_id", "r"),
        article_id="article_id",
        sentence_index=pl.col("sentence_index").cast(pl.Int64),
        start_char=(pl.col("offset") + pl.col("rel")).cast(pl.Int64),
        end_char=(pl.col("offset") + pl.col("rel") + 4).cast(pl.Int64),
        speaker_text="speaker_text",
        speaker_actor_id="speaker_actor_id",
        speaker_kind=pl.when(pl.col("speaker") >= 0)
        .then(pl.lit("government"))
        .otherwise(pl.lit("anonymous_official")),
        speaker_count=pl.lit(None, pl.Int64),
        anonymous=pl.col("speaker") < 0,
        cue=pl.lit("said"),
        cue_lemma=pl.lit("say"),
        stance="stance",
        kind=pl.lit("statement"),
        content="content",
        content_start=(pl.col("offset") + pl.col("rel") + 10).cast(pl.Int64),
        content_end=(
            pl.col("offset") + pl.col("rel") + 10 + pl.col("content").str.len_chars()
        ).cast(pl.Int64),
        direct_quote="direct",
        reported_via=pl.lit(None, pl.String),
        channel=pl.lit(None, pl.String),
        platform=pl.lit(None, pl.String),
        claim_cluster_id=pl.lit(None, pl.String),
        confidence="confidence",
        extractor_version=pl.lit(EXTRACTOR_VERSION),
    )
    quantity_rows = quantities.select(
        KEY=pl.col("article_id"),
        quantity_id=_row_ids("quantity", seed, "article_id", "r"),
        article_id="article_id",
        event_id=pl.when("with_event").then("event_id"),
        sentence_index=pl.col("sentence_index").cast(pl.Int64),
        kind="kind",
        value="value",
        unit=pl.lit("people"),
        qualifier=pl.lit("at_least"),
        text="text",
        start_char=(pl.col("offset") + pl.col("rel")).cast(pl.Int64),
        end_char=(pl.col("offset") + pl.col("rel") + pl.col("text").str.len_chars()).cast(pl.Int64),
        scope=pl.lit("event"),
        scope_text=pl.lit(None, pl.String),
        as_of_date=pl.lit(None, pl.Date),
        claim_id=pl.lit(None, pl.String),
        extractor_version=pl.lit(EXTRACTOR_VERSION),
    )
    mentioned = pl.concat(
        [
            events.select("a", "article_id", actor="actor1", text="actor1_text"),
            events.select("a", "article_id", actor="actor2", text="actor2_text"),
            claims.select("a", "article_id", actor="speaker", text="speaker_text"),
        ]
    ).filter(pl.col("actor") >= 0)
    actor_rows = (
        mentioned.group_by("a", "actor", maintain_order=True)
        .agg(pl.col("article_id").first(), aliases=pl.col("text").unique().sort())
        .sort("a", "actor")
        .select(
            KEY=pl.col("article_id"),
            actor_id=_actor_id(pl.col("actor")),
            name=_actor_text(pl.col("actor")),
            kind=pl.when(pl.col("actor") < len(COUNTRIES))
            .then(pl.lit("country"))
            .otherwise(pl.lit("person")),
            country=pl.when(pl.col("actor") < len(COUNTRIES)).then(
                pl.col("actor").replace_strict(
                    dict(enumerate(COUNTRIES)), default=None, return_dtype=pl.String
                )
            ),
            sector=pl.lit(None, pl.String),
            in_dictionary=pl.col("actor") < 200,
            aliases="aliases",
        )
    )
    tables = {
        "events": event_rows,
        "claims": claim_rows,
        "quantities": quantity_rows,
        "actors": actor_rows,
    }
    tables = {
        name: frame.rename({"KEY": KEY}).cast(
            {KEY: pl.String, **polars_schema(EXTRACT_STATE.tables[name])}
        )
        for name, frame in tables.items()
    }
    articles = _articles(art, texts, idx)
    index = pl.DataFrame(
        {
            KEY: articles["article_id"],
            "input_key": [
                input_key(r) for r in articles.select(EXTRACTION_INPUTS).iter_rows(named=True)
            ],
            "fingerprint": extractor_fingerprint(model),
        }
    )
    return ScaleCorpus(articles, index, tables)


_PRIMES = [104729, 15485863, 32452843, 49979687, 67867967, 86028121, 104395301, 122949823]


def _vocab_word(story: pl.Expr, variant: pl.Expr, j: int) -> pl.Expr:
    """Word j of a story's statement; the last two words vary between retellings."""
    pick = story * _PRIMES[j] + j * 7919
    if j >= 6:
        pick = pick + variant
    return pick.mod(len(VOCAB)).replace_strict(dict(enumerate(VOCAB)), return_dtype=pl.String)


def _row_ids(kind: str, seed: int, article: str | pl.Expr, r: str | pl.Expr) -> pl.Expr:
    article = pl.col(article) if isinstance(article, str) else article
    r = pl.col(r) if isinstance(r, str) else r
    return pl.concat_str([pl.lit(f"{kind[0]}{seed % 97:02d}"), article, r.cast(pl.String)])


def _articles(art: pl.DataFrame, texts: pl.DataFrame, idx: np.ndarray) -> pl.DataFrame:
    now = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    outlet = pl.Series(np.array(OUTLETS)[idx % len(OUTLETS)])
    rows = art.join(texts, on="a").sort("a").with_columns(outlet=outlet)
    frame = rows.select(
        "article_id",
        source_path=pl.format("feeds/{}.json", "article_id"),
        source_record=pl.lit(None, pl.Int64),
        source_format=pl.lit("json"),
        url=pl.format("https://news.example/{}", "article_id"),
        outlet="outlet",
        outlets=pl.concat_list("outlet"),
        author=pl.lit(None, pl.String),
        title=pl.format("Report {}", "article_id"),
        dateline=pl.lit(None, pl.String),
        published_date="published_date",
        published_source=pl.lit("metadata"),
        body_start=pl.lit(0, pl.Int64),
        language=pl.lit("en"),
        text="text",
        word_count=pl.col("words").cast(pl.Int64),
        duplicate_of=pl.lit(None, pl.String),
        duplicate_sources=pl.lit([], pl.List(pl.String)),
        metadata=pl.lit("{}"),
        ingested_at=pl.lit(now),
    )
    return frame.cast(polars_schema(Articles))  # type: ignore[arg-type]
