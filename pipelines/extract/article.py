"""Extraction for a batch of articles: parsed in batches, in worker processes when the batch
is large, each article's rules run on its own so that a failure costs that article alone and
is reported with where it was raised."""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import Progress
from pipelines.extract.document import extract_doc
from pipelines.extract.nlp import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, parse, resolve_workers
from pipelines.extract.rows import ActorRow, ArticleInput, ArticleRows
from pipelines.extract.workers import chunk_size, map_in_workers

if TYPE_CHECKING:
    import polars as pl
    from spacy.tokens import Doc

_REPO = Path(__file__).resolve().parents[2]
MAX_MESSAGE = 2000  # characters of an exception's message kept in extraction_errors


@dataclass
class ExtractionResult:
    events: pl.DataFrame
    claims: pl.DataFrame
    quantities: pl.DataFrame
    actors: pl.DataFrame
    articles_parsed: int = 0
    words_parsed: int = 0
    # Articles the rules failed on: {"article_id", "error", "location"}; they have no rows.
    failures: list[dict] = field(default_factory=list)


def extract_articles(
    articles: Iterable[ArticleInput],
    *,
    model: str = DEFAULT_MODEL,
    n_process: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> ExtractionResult:
    # Imported here, not at the top: this module is also what each parser process imports,
    # and polars with pandera would add about 100 MB to every one of them.
    from schemas import Actors, Claims, Events, Quantities, frame_from_rows

    articles = list(articles)
    rows = ArticleRows()
    failures = []
    for _, one in extract_each(
        articles, model=model, n_process=n_process, batch_size=batch_size, progress=progress
    ):
        if one.failure:
            failures.append(one.failure)
        rows.events.extend(one.events)
        rows.claims.extend(one.claims)
        rows.quantities.extend(one.quantities)
        for actor_id, (actor, texts) in one.actors.items():
            rows.actors.setdefault(actor_id, (actor, set()))[1].update(texts)
    return ExtractionResult(
        events=frame_from_rows(Events, rows.events),
        claims=frame_from_rows(Claims, rows.claims),
        quantities=frame_from_rows(Quantities, rows.quantities),
        actors=frame_from_rows(Actors, actor_rows(rows)),
        articles_parsed=len(articles),
        words_parsed=sum(len(a.text.split()) for a in articles),
        failures=failures,
    )


def extract_each(
    articles: Iterable[ArticleInput],
    *,
    model: str = DEFAULT_MODEL,
    n_process: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> Iterator[tuple[ArticleInput, ArticleRows]]:
    """Parse the articles in batches and yield each one's rows as soon as it is done, in input
    order: every article is extracted on its own, so its rows can be stored and reused per
    article.

    With more than one worker, each worker process parses *and* runs the rules on its own
    share of articles and sends back only the rows. Parsing in workers and running the rules
    here would leave this process deserializing every Doc and running the rules while the
    workers wait for it: a third busy process on a two-core machine."""
    articles = list(articles)
    words = sum(len(a.text.split()) for a in articles)
    workers = resolve_workers(n_process, words)
    if workers > 1:
        chunks = _chunks(articles, chunk_size(len(articles), workers, batch_size))
        results = map_in_workers(
            _extract_chunk, chunks, workers=workers, model=model, batch_size=batch_size
        )
        pairs = ((a, rows) for chunk, done in results for a, rows in zip(chunk, done, strict=True))
    else:
        pairs = zip(articles, _extract_chunk(articles, model, batch_size), strict=True)
    for n, (article, rows) in enumerate(pairs, 1):
        if progress:
            progress(n, len(articles))
        yield article, rows


def parsed(
    articles: list[ArticleInput], model: str = DEFAULT_MODEL, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[tuple[ArticleInput, Doc]]:
    """Each article with its parse as the rules read it, in one process. The dateline is
    blanked with spaces for the parser: offsets stay those of articles.text, and "MORELIA,
    Mexico, Nov 11 (Northline Press) -" is never read as a subject."""
    texts = (" " * a.body_start + a.text[a.body_start :] for a in articles)
    docs = parse(texts, model=model, n_process=1, batch_size=batch_size)
    yield from zip(articles, docs, strict=True)


def _extract_chunk(
    articles: list[ArticleInput], model: str, batch_size: int
) -> Iterator[ArticleRows]:
    for article, doc in parsed(articles, model, batch_size):
        rows = ArticleRows()
        try:
            extract_doc(article, doc, rows)
        except Exception as err:  # one article's failure must not cost the rest of the batch
            rows = ArticleRows(failure=failure_row(article.article_id, err))
        yield rows


def failure_row(article_id: str, err: BaseException) -> dict:
    """What to tell the user about rules that raised on an article: the exception, and where
    it was raised: the innermost frame in this repository's code (the rule that called into
    spaCy or dateparser, say), else the innermost frame."""
    frames = traceback.extract_tb(err.__traceback__)
    ours = [f for f in frames if _ours(Path(f.filename))]
    where = "unknown"
    if frames:
        frame = (ours or frames)[-1]
        path = Path(frame.filename)
        if path.is_relative_to(_REPO):
            path = path.relative_to(_REPO)
        where = f"{path.as_posix()}:{frame.lineno} in {frame.name}"
    message = str(err).strip()[:MAX_MESSAGE] or "(no message)"
    return {
        "article_id": article_id,
        "error": f"{type(err).__name__}: {message}",
        "location": where,
    }


def _ours(path: Path) -> bool:
    # A virtual environment inside the repository holds other people's code.
    return path.is_relative_to(_REPO) and "site-packages" not in path.parts


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def actor_rows(rows: ArticleRows) -> list[dict]:
    """Actors table rows, by actor_id: each with every name it was written as."""
    found = sorted(rows.actors.values(), key=lambda x: x[0].actor_id)
    return [ActorRow.of(actor, texts).as_dict() for actor, texts in found]
