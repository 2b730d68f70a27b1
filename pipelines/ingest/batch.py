"""Read a whole raw folder: every file ends as article rows or as ingest_errors rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dateparser
import polars as pl

from pipelines.ingest import clean
from pipelines.ingest.errors import IngestError
from pipelines.ingest.readers import READERS, RawDoc, RecordError
from schemas import Articles, IngestErrors, frame_from_rows

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SIDECAR_SUFFIX = ".meta.json"
MIN_ARTICLE_WORDS = 5  # fewer is a caption, a menu or an empty page, not something to code

Progress = Callable[[int, int], None]  # (files done, files total)


@dataclass
class IngestResult:
    articles: pl.DataFrame
    errors: pl.DataFrame
    files_seen: int = 0
    duplicates: int = 0
    non_english: int = 0
    duplicate_of: dict[str, str] = field(default_factory=dict)  # dropped source -> kept source


def list_raw_files(raw_dir: Path) -> list[Path]:
    """Input files below raw_dir in a stable order; hidden files and sidecars are not inputs."""
    files = []
    for path in sorted(raw_dir.rglob("*")):
        rel = path.relative_to(raw_dir)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if path.name.endswith(SIDECAR_SUFFIX):
            continue
        files.append(path)
    return files


def read_raw_folder(
    raw_dir: Path | str,
    *,
    now: dt.datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> IngestResult:
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir} does not exist or is not a folder")
    now = now or dt.datetime.now(dt.UTC)
    files = list_raw_files(raw_dir)
    articles: dict[str, dict] = {}
    errors: list[dict] = []
    result = IngestResult(articles=pl.DataFrame(), errors=pl.DataFrame(), files_seen=len(files))

    def error(rel: str, err: IngestError, record: int | None = None) -> None:
        errors.append(
            {
                "source_path": rel,
                "source_record": record,
                "reason": err.reason,
                "message": err.message,
                "seen_at": now,
            }
        )

    for n, path in enumerate(files, 1):
        rel = path.relative_to(raw_dir).as_posix()
        try:
            for item in _read_file(path, max_bytes):
                if isinstance(item, RecordError):
                    where = item.path.relative_to(raw_dir).as_posix() if item.path else rel
                    error(where, item.error, item.record)
                    continue
                try:
                    row = article_row(item, rel, now)
                except IngestError as err:
                    error(rel, err, item.record)
                    continue
                kept = articles.get(row["article_id"])
                if kept is not None:
                    result.duplicates += 1
                    result.duplicate_of[_where(rel, item.record)] = _where(
                        kept["source_path"], kept["source_record"]
                    )
                    continue
                articles[row["article_id"]] = row
        except IngestError as err:
            error(rel, err)
        except Exception as err:  # a reader bug must not cost the rest of the batch
            error(rel, IngestError("unreadable", f"{type(err).__name__}: {err}"))
        if progress:
            progress(n, len(files))

    result.articles = frame_from_rows(Articles, list(articles.values()))
    result.errors = frame_from_rows(IngestErrors, errors)
    result.non_english = sum(1 for a in articles.values() if a["language"] != "en")
    return result


def _where(path: str, record: int | None) -> str:
    return path if record is None else f"{path}#{record}"


def _read_file(path: Path, max_bytes: int):
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise IngestError(
            "unsupported_format",
            f"files ending {path.suffix or '(none)'} are not read; use {known}",
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(
            "too_large", f"{size:,} bytes is over the {max_bytes:,}-byte limit for one file"
        )
    return reader(path, path.read_bytes())


def article_row(doc: RawDoc, source_path: str, now: dt.datetime) -> dict:
    text = clean.drop_chrome(clean.normalize_text(doc.text))
    title = clean.normalize_text(doc.title) if doc.title else None
    headline, body = clean.split_headline(text, title)
    title = title or headline
    words = len(body.split())
    if words < MIN_ARTICLE_WORDS or not any(ch.isalpha() for ch in body):
        raise IngestError(
            "no_article_text",
            f"only {words} words left after removing the headline and page chrome "
            f"(an article needs at least {MIN_ARTICLE_WORDS})",
        )
    dateline = clean.parse_dateline(body)

    published, published_source = _parse_date(doc.published), "none"
    if published:
        published_source = "html_meta" if doc.published_from_page else "metadata"
    elif dateline and dateline.date_text:
        published = clean.dateline_date(dateline.date_text, now.date())
        published_source = "dateline" if published else "none"

    language = (doc.language or "").split("-")[0].lower() or clean.guess_language(body)
    return {
        "article_id": clean.article_id(body),
        "source_path": source_path,
        "source_record": doc.record,
        "source_format": doc.source_format,
        "url": doc.url,
        "outlet": doc.outlet or (dateline.outlet if dateline else None),
        "title": title,
        "dateline": dateline.place if dateline else None,
        "published_date": published,
        "published_source": published_source,
        "body_start": dateline.end if dateline else 0,
        "language": language,
        "text": body,
        "word_count": words,
        "ingested_at": now,
    }


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    parsed = dateparser.parse(value, settings={"PREFER_DAY_OF_MONTH": "first"})
    return parsed.date() if parsed else None
