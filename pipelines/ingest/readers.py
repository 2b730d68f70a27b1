"""One reader per input format. Each turns one raw file into documents (text plus metadata)
or IngestErrors; none of them cleans text or decides ids, that is clean.py's and batch.py's job."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from pipelines.ingest.decode import decode_bytes
from pipelines.ingest.errors import IngestError


@dataclass
class RawDoc:
    """A document as a reader found it, before clean-up."""

    text: str
    source_format: str
    record: int | None = None
    title: str | None = None
    outlet: str | None = None
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

# Field names seen in common news dumps (NewsAPI, GDELT DOC, Common Crawl news, scrapers).
_TEXT_KEYS = ("text", "body", "content", "article", "full_text", "maintext")
_DATE_KEYS = ("published", "publishedAt", "published_at", "date", "pubDate", "date_publish")
_OUTLET_KEYS = ("outlet", "source", "publisher", "site_name", "source_domain")
_URL_KEYS = ("url", "link", "canonical_url")
_LANG_KEYS = ("language", "lang")


def read_txt(path: Path, data: bytes) -> Iterator[Item]:
    text = decode_bytes(data)
    doc = RawDoc(text=text, source_format="txt")
    sidecar = path.with_name(path.name[: -len(path.suffix)] + ".meta.json")
    if sidecar.is_file():
        try:
            meta = json.loads(decode_bytes(sidecar.read_bytes()))
            if not isinstance(meta, dict):
                raise IngestError("bad_json", "a .meta.json sidecar must hold one JSON object")
            _apply_metadata(doc, meta)
        except json.JSONDecodeError as err:
            yield RecordError(
                IngestError("bad_json", f"sidecar is not valid JSON ({err}); text read without it"),
                path=sidecar,
            )
        except IngestError as err:
            yield RecordError(err, path=sidecar)
    yield doc


def read_html(path: Path, data: bytes) -> Iterator[Item]:
    html = decode_bytes(data)
    extracted = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        as_dict=True,
    )
    if not extracted or not (extracted.get("text") or "").strip():
        raise IngestError("no_article_text", "no article body found in the HTML page")
    yield RawDoc(
        text=extracted["text"],
        source_format="html",
        title=extracted.get("title"),
        outlet=extracted.get("sitename") or extracted.get("hostname"),
        url=extracted.get("url"),
        published=extracted.get("date"),
        language=extracted.get("language"),
        published_from_page=bool(extracted.get("date")),
        extra={k: extracted[k] for k in ("author", "description") if extracted.get(k)},
    )


def read_json(path: Path, data: bytes) -> Iterator[Item]:
    try:
        payload = json.loads(decode_bytes(data))
    except json.JSONDecodeError as err:
        raise IngestError("bad_json", f"not valid JSON: {err}") from None
    if isinstance(payload, dict) and isinstance(payload.get("articles"), list):
        payload = payload["articles"]  # the NewsAPI response shape
    records = payload if isinstance(payload, list) else [payload]
    for i, record in enumerate(records):
        yield _record_doc(record, "json", i if isinstance(payload, list) else None)


def read_jsonl(path: Path, data: bytes) -> Iterator[Item]:
    text = decode_bytes(data)
    for i, line in enumerate(text.split("\n")):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield RecordError(IngestError("bad_json", f"line {i + 1} is not valid JSON: {err}"), i)
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


def _apply_metadata(doc: RawDoc, meta: dict[str, Any]) -> None:
    doc.title = _as_str(meta.get("title")) or doc.title
    outlet = _first(meta, _OUTLET_KEYS)
    if isinstance(outlet, dict):  # {"source": {"id": ..., "name": ...}}
        outlet = outlet.get("name")
    doc.outlet = _as_str(outlet) or doc.outlet
    doc.url = _as_str(_first(meta, _URL_KEYS)) or doc.url
    doc.published = _as_str(_first(meta, _DATE_KEYS)) or doc.published
    doc.language = _as_str(_first(meta, _LANG_KEYS)) or doc.language
    known = {"title", *_TEXT_KEYS, *_DATE_KEYS, *_OUTLET_KEYS, *_URL_KEYS, *_LANG_KEYS}
    doc.extra.update({k: v for k, v in meta.items() if k not in known})


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def _as_str(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


READERS = {
    ".txt": read_txt,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
    ".jsonl": read_jsonl,
}
