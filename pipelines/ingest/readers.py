"""What a reader gets (a RawFile) and gives (RawDocs and RecordErrors); metadata from
sidecars and record fields; the readers of plain text and JSON (web pages: html_pages.py,
feeds: feeds.py, web archives: warc.py). Each turns one raw file into documents (text plus
metadata) or IngestErrors; none of them cleans text or decides ids, that is clean.py's and
article_row.py's job. registry.py says which reader a file goes to."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.errors import IngestError
from pipelines.ingest.decode import decode_text


@dataclass
class RawDoc:
    """A document as a reader found it, before clean-up."""

    text: str
    source_format: str
    record: int | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    published_from_page: bool = False  # the date came from the page markup, not a sidecar
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordError:
    error: IngestError
    record: int | None = None
    path: Path | None = None  # when the error is about another file (a sidecar)


Item = RawDoc | RecordError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # the most one file (or one page of an archive) may hold


@dataclass
class RawFile:
    """One input file as its reader gets it. Its bytes (unpacked when it was gzipped) are read
    on demand and within the size limit, so a reader that streams (WARC) never loads them."""

    path: Path
    size: int  # on disk
    max_bytes: int = DEFAULT_MAX_BYTES
    unpacked: bytes | None = None  # the file's content when it was gzipped

    def data(self) -> bytes:
        if self.unpacked is None:
            check_size(self.size, self.max_bytes)
            self.unpacked = self.path.read_bytes()
        return self.unpacked


Reader = Callable[[RawFile], Iterator[Item]]


def check_size(size: int, max_bytes: int, what: str = "") -> None:
    if size > max_bytes:
        raise too_large(size, max_bytes, what)


def too_large(size: int, max_bytes: int, what: str = "") -> IngestError:
    return IngestError(
        "too_large",
        f"{size:,} {what}bytes is over the {max_bytes:,}-byte limit for one file; "
        "split it or raise the limit",
    )


SIDECAR_SUFFIX = ".meta.json"

# Field names seen in common news dumps (NewsAPI, GDELT DOC, Common Crawl news, scrapers).
_TEXT_KEYS = ("text", "body", "content", "article", "full_text", "maintext")
_DATE_KEYS = ("published", "publishedAt", "published_at", "date", "pubDate", "date_publish")
_OUTLET_KEYS = ("outlet", "source", "publisher", "site_name", "source_domain")
_URL_KEYS = ("url", "link", "canonical_url")
_LANG_KEYS = ("language", "lang")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_KNOWN_KEYS = frozenset(
    {"title", *_TEXT_KEYS, *_DATE_KEYS, *_OUTLET_KEYS, *_URL_KEYS, *_LANG_KEYS, *_AUTHOR_KEYS}
)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX)


def read_txt(file: RawFile) -> Iterator[Item]:
    decoded = decode_text(file.data())
    doc = RawDoc(text=decoded.text, source_format="txt", extra=_encoding_note(decoded.encoding))
    yield from with_sidecar(file.path, doc)


def read_json(file: RawFile) -> Iterator[Item]:
    text = decode_text(file.data()).text
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data" and text.lstrip().startswith("{"):
            # One object per line saved as .json: read it as the JSON Lines it is.
            yield from _jsonl_records(text)
            return
        raise IngestError("bad_json", f"not valid JSON: {err}") from None
    except RecursionError:
        raise IngestError("bad_json", "JSON nested too deeply to be an article dump") from None
    if isinstance(payload, dict) and isinstance(payload.get("articles"), list):
        payload = payload["articles"]  # the NewsAPI response shape
    records = payload if isinstance(payload, list) else [payload]
    for i, record in enumerate(records):
        yield _record_doc(record, "json", i if isinstance(payload, list) else None)


def read_jsonl(file: RawFile) -> Iterator[Item]:
    yield from _jsonl_records(decode_text(file.data()).text)


def _jsonl_records(text: str) -> Iterator[Item]:
    for i, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield RecordError(IngestError("bad_json", f"line {i + 1} is not valid JSON: {err}"), i)
            continue
        except RecursionError:
            yield RecordError(IngestError("bad_json", f"line {i + 1} is nested too deeply"), i)
            continue
        yield _record_doc(record, "jsonl", i)


def _record_doc(record: Any, fmt: str, index: int | None) -> Item:
    if not isinstance(record, dict):
        return RecordError(
            IngestError("bad_json", f"expected a JSON object, found {type(record).__name__}"),
            index,
        )
    text = _first(record, _TEXT_KEYS)
    if not isinstance(text, str) or not text.strip():
        return RecordError(
            IngestError(
                "no_article_text",
                f"record has no article text in any of the fields {', '.join(_TEXT_KEYS)}",
            ),
            index,
        )
    doc = RawDoc(text=text, source_format=fmt, record=index)
    _apply_metadata(doc, record)
    return doc


def with_sidecar(path: Path, doc: RawDoc) -> Iterator[Item]:
    sidecar = sidecar_path(path)
    # A sidecar is read only from its file's folder: a link elsewhere (/etc/...) is listed by
    # the raw/ scan with its reason (outside_raw) and never read here.
    linked_away = sidecar.is_symlink() and sidecar.resolve().parent != path.resolve().parent
    if sidecar.is_file() and not linked_away:
        try:
            meta = json.loads(decode_text(sidecar.read_bytes()).text)
            if not isinstance(meta, dict):
                raise IngestError("bad_json", "a .meta.json sidecar must hold one JSON object")
            _apply_metadata(doc, meta)
            if meta.get("published"):
                doc.published_from_page = False  # the sidecar's date is the user's word
        except json.JSONDecodeError as err:
            yield RecordError(
                IngestError("bad_json", f"sidecar is not valid JSON ({err}); text read without it"),
                path=sidecar,
            )
        except IngestError as err:
            yield RecordError(err, path=sidecar)
    yield doc


def _apply_metadata(doc: RawDoc, meta: dict[str, Any]) -> None:
    doc.title = as_str(meta.get("title")) or doc.title
    outlet = _first(meta, _OUTLET_KEYS)
    if isinstance(outlet, dict):  # {"source": {"id": ..., "name": ...}}
        outlet = outlet.get("name") or outlet.get("title")
    doc.outlet = as_str(outlet) or doc.outlet
    doc.url = as_str(_first(meta, _URL_KEYS)) or doc.url
    doc.published = as_str(_first(meta, _DATE_KEYS)) or doc.published
    doc.language = as_str(_first(meta, _LANG_KEYS)) or doc.language
    doc.author = author_name(_first(meta, _AUTHOR_KEYS)) or doc.author
    doc.extra.update({k: v for k, v in meta.items() if k not in _KNOWN_KEYS})


def author_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return as_str(value.get("name"))
    if isinstance(value, list):
        names = [author_name(v) for v in value]
        return ", ".join(n for n in names if n) or None
    return as_str(value)


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def as_str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    s = str(value).strip()
    return s or None


def _encoding_note(encoding: str) -> dict[str, Any]:
    return {} if encoding == "utf-8" else {"encoding": encoding}
