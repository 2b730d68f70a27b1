"""Read a whole raw folder: every file ends as article rows, as a duplicate of one, or as
ingest_errors rows; the accounting says which, per file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dateparser
import numpy as np
import polars as pl

from pipelines import MAX_ARTICLE_CHARS
from pipelines.errors import IngestError
from pipelines.ingest import clean
from pipelines.ingest.accounting import FileAccounting, account_for_files
from pipelines.ingest.decode import gunzip_capped, sniff_binary
from pipelines.ingest.dedup import group_near_duplicates, signatures
from pipelines.ingest.detect import (
    HEAD_BYTES,
    detect_format,
    is_gzip,
    is_tar,
    split_gzip_name,
)
from pipelines.ingest.feeds import read_feed
from pipelines.ingest.language import choose_language
from pipelines.ingest.readers import (
    SIDECAR_SUFFIX,
    Item,
    RawDoc,
    Reader,
    RecordError,
    read_html,
    read_json,
    read_jsonl,
    read_txt,
)
from pipelines.ingest.warc import read_warc
from schemas import Articles, IngestErrors, frame_from_rows

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MIN_ARTICLE_WORDS = 5  # fewer is a caption, a menu or an empty page, not something to code

READERS: dict[str, Reader] = {
    "txt": read_txt,
    "html": read_html,
    "json": read_json,
    "jsonl": read_jsonl,
    "feed": read_feed,
}
ACCEPTED = ".txt, .html, .htm, .json, .jsonl, .rss, .atom, .xml (feeds), .warc, and any of them .gz"

Progress = Callable[[int, int], None]  # (files done, files total)


@dataclass
class IngestResult:
    articles: pl.DataFrame
    errors: pl.DataFrame
    files: list[str] = field(default_factory=list)  # every input file, relative to raw/
    accounting: FileAccounting | None = None
    duplicates: int = 0  # records dropped because an identical text was already stored
    near_duplicates: int = 0  # rows kept but marked duplicate_of an earlier copy
    non_english: int = 0
    duplicate_of: dict[str, str] = field(default_factory=dict)  # dropped source -> kept source

    @property
    def files_seen(self) -> int:
        return len(self.files)


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
    reads = []
    for n, path in enumerate(files, 1):
        reads.append(read_file(raw_dir, path, now, max_bytes))
        if progress:
            progress(n, len(files))
    return combine(reads)


@dataclass
class FileRead:
    """What one input file gave, before duplicates across files are folded: article rows
    (metadata already JSON) and error rows. Kept between runs for files that do not change."""

    path: str  # relative to raw/
    records: list[dict]
    errors: list[dict]


def read_file(raw_dir: Path, path: Path, now: dt.datetime, max_bytes: int) -> FileRead:
    """Read one input file into article rows and error rows; never raises for bad input."""
    rel = path.relative_to(raw_dir).as_posix()
    out = FileRead(rel, [], [])

    def error(where: str, err: IngestError, record: int | None = None) -> None:
        out.errors.append(
            {
                "source_path": where,
                "source_record": record,
                "reason": err.reason,
                "message": err.message,
                "seen_at": now,
            }
        )

    outcomes = 0  # article rows and error rows this file produced
    try:
        for item in iter_file(path, max_bytes):
            outcomes += 1
            if isinstance(item, RecordError):
                where = item.path.relative_to(raw_dir).as_posix() if item.path else rel
                error(where, item.error, item.record)
                outcomes -= where != rel  # a sidecar's error says nothing about this file
                continue
            try:
                row = article_row(item, rel, now)
            except IngestError as err:
                error(rel, err, item.record)
                continue
            row["metadata"] = json.dumps(
                row["metadata"], ensure_ascii=False, sort_keys=True, default=str
            )
            out.records.append(row)
    except IngestError as err:
        error(rel, err, err.record)
        outcomes += 1
    except Exception as err:  # a reader bug must not cost the rest of the batch
        error(rel, IngestError("unreadable", f"{type(err).__name__}: {err}"))
        outcomes += 1
    if not outcomes:
        error(rel, IngestError("no_article_text", "the file holds no records"))
    return out


def combine(
    reads: list[FileRead], near_duplicates: NearDuplicateMemo | None = None
) -> IngestResult:
    """Fold exact duplicates into their first copy and mark near-duplicates, over every
    file's rows in raw/ order: the same reads always give the same tables. A memo of the
    last near-duplicate grouping saves recomputing it when the articles have not changed."""
    articles: dict[str, dict] = {}
    errors: list[dict] = []
    result = IngestResult(articles=pl.DataFrame(), errors=pl.DataFrame())
    result.files = [r.path for r in reads]
    for read in reads:
        errors.extend(read.errors)
        for record in read.records:
            row = {
                **record,
                "outlets": list(record["outlets"]),
                "duplicate_sources": list(record["duplicate_sources"]),
            }
            kept = articles.get(row["article_id"])
            if kept is not None:
                _fold_copy(kept, row)
                result.duplicates += 1
                result.duplicate_of[_where(read.path, row["source_record"])] = _where(
                    kept["source_path"], kept["source_record"]
                )
                continue
            articles[row["article_id"]] = row
    rows = list(articles.values())
    result.near_duplicates = mark_near_duplicates(rows, near_duplicates)
    result.articles = frame_from_rows(Articles, rows)
    result.errors = frame_from_rows(IngestErrors, errors)
    result.non_english = sum(1 for a in rows if a["language"] != "en")
    result.accounting = account_for_files(result.files, result.articles, result.errors)
    return result


def iter_file(path: Path, max_bytes: int) -> Iterator[Item]:
    """Pick the reader by name and content (unpacking gzip on the way) and run it."""
    size = path.stat().st_size
    if size == 0:
        raise IngestError("empty", "the file is empty (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    name = path.name
    if is_gzip(head):
        name = split_gzip_name(name)
        if name.lower().endswith(".warc"):
            return read_warc(path, max_bytes)  # gzipped per record: streamed, never unpacked
        _check_size(size, max_bytes, "compressed ")
        data = gunzip_capped(path.read_bytes(), max_bytes)
        if is_tar(data):
            raise IngestError(
                "unsupported_format", "a tar archive: unpack it into raw/ so each file is read"
            )
        head = data[:HEAD_BYTES]
    else:
        data = None
    fmt = detect_format(name, head)
    if fmt == "warc":
        return read_warc(path, max_bytes)
    if fmt is None:
        kind = sniff_binary(head)
        what = f"this is {kind}" if kind else f"files ending {path.suffix or '(none)'} are not read"
        raise IngestError("unsupported_format", f"{what}; eventwire reads {ACCEPTED}")
    if data is None:
        _check_size(size, max_bytes)
        data = path.read_bytes()
    return READERS[fmt](path, data)


def _check_size(size: int, max_bytes: int, what: str = "") -> None:
    if size > max_bytes:
        raise IngestError(
            "too_large",
            f"{size:,} {what}bytes is over the {max_bytes:,}-byte limit for one file; "
            "split it or raise the limit",
        )


def _where(path: str, record: int | None) -> str:
    return path if record is None else f"{path}#{record}"


def _fold_copy(kept: dict, copy: dict) -> None:
    """An identical text arrived again: remember where, and who else carried it."""
    kept["duplicate_sources"].append(_where(copy["source_path"], copy["source_record"]))
    for outlet in copy["outlets"]:
        if outlet not in kept["outlets"]:
            kept["outlets"].append(outlet)


@dataclass
class NearDuplicateMemo:
    """The last grouping and what it was computed from. The grouping depends only on the
    texts (article_id is a hash of the text, up to case and white space, which shingles
    ignore too) and their order (publication date, position), so equal keys give it back."""

    key: str = ""
    earliest_of: dict[int, int] = field(default_factory=dict)
    # MinHash signature by article_id, as last computed: an article's signature depends on
    # its text alone, so a run with a few new articles computes only theirs.
    signatures: dict[str, np.ndarray] = field(default_factory=dict)

    @staticmethod
    def key_of(rows: list[dict]) -> str:
        h = hashlib.sha256()
        for r in rows:
            h.update(f"{r['article_id']}|{r['published_date']}\n".encode())
        return h.hexdigest()


def mark_near_duplicates(rows: list[dict], memo: NearDuplicateMemo | None = None) -> int:
    """Set duplicate_of on every near-duplicate (pointing at its group's earliest copy) and
    give the earliest copy every outlet of the group. Returns how many rows were marked."""
    key = NearDuplicateMemo.key_of(rows) if memo is not None else ""
    if memo is not None and memo.key == key:
        earliest_of = dict(memo.earliest_of)
    else:
        order = [
            (r["published_date"] is None, r["published_date"] or dt.date.max, i)
            for i, r in enumerate(rows)
        ]
        texts = [r["text"] for r in rows]
        known = [memo.signatures.get(r["article_id"]) for r in rows] if memo is not None else None
        signed = signatures(texts, known)
        earliest_of = group_near_duplicates(texts, order, signed)
        if memo is not None:
            memo.key, memo.earliest_of = key, dict(earliest_of)
            positions, sigs = signed
            memo.signatures = {
                rows[p]["article_id"]: sig for p, sig in zip(positions.tolist(), sigs, strict=True)
            }
    for i in sorted(earliest_of):
        first = rows[earliest_of[i]]
        rows[i]["duplicate_of"] = first["article_id"]
        for outlet in rows[i]["outlets"]:
            if outlet not in first["outlets"]:
                first["outlets"].append(outlet)
    return len(earliest_of)


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
    if len(body) > MAX_ARTICLE_CHARS:
        raise IngestError(
            "too_large",
            f"the article text is {len(body):,} characters, over the {MAX_ARTICLE_CHARS:,} "
            "the parser takes in one article; split it into several files",
        )
    dateline = clean.parse_dateline(body)

    published, published_source = _parse_date(doc.published), "none"
    if published:
        published_source = "html_meta" if doc.published_from_page else "metadata"
    elif dateline and dateline.date_text:
        published = clean.dateline_date(dateline.date_text, now.date())
        published_source = "dateline" if published else "none"

    language, notes = choose_language(body, doc.language)
    outlet = doc.outlet or (dateline.outlet if dateline else None)
    return {
        "article_id": clean.article_id(body),
        "source_path": source_path,
        "source_record": doc.record,
        "source_format": doc.source_format,
        "url": doc.url,
        "outlet": outlet,
        "outlets": [outlet] if outlet else [],
        "author": doc.author,
        "title": title,
        "dateline": dateline.place if dateline else None,
        "published_date": published,
        "published_source": published_source,
        "body_start": dateline.end if dateline else 0,
        "language": language,
        "text": body,
        "word_count": words,
        "duplicate_of": None,
        "duplicate_sources": [],
        "metadata": {**doc.extra, **notes},
        "ingested_at": now,
    }


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    # Absolute dates only: "2 hours ago" in a dump would resolve against today's clock.
    parsed = dateparser.parse(
        value,
        settings={
            "PREFER_DAY_OF_MONTH": "first",
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        },
    )
    return parsed.date() if parsed else None
