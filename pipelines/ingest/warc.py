"""Web archives (.warc, .warc.gz): every HTML response in them is a candidate article.

Read as a stream, record by record, so an archive of any size is fine; each page is capped at
the per-file byte limit. warcio stops quietly at a cut-off archive, so the reader checks that
every record was complete and that no bytes are left after the last one.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from pipelines.errors import IngestError
from pipelines.ingest.decode import GZIP_MAGIC
from pipelines.ingest.html_pages import decode_html, html_doc
from pipelines.ingest.readers import Item, RawFile, RecordError

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TRAILING_SLACK = 4  # CR/LF pairs some writers leave after the last record


def read_warc(file: RawFile) -> Iterator[Item]:
    path, max_bytes = file.path, file.max_bytes
    if not _starts_like_warc(path):
        raise IngestError(
            "corrupt_archive",
            "not a WARC archive: it does not start with a WARC/1.x record header",
        )
    with path.open("rb") as fh:
        gzipped = fh.read(2) == GZIP_MAGIC
    index = -1
    end = 0  # offset just past the last complete record (in the unpacked stream)
    found = 0
    skipped: dict[str, int] = {}
    # Unpacked here, not by warcio: that reads per-record gzip (the standard) and a WARC
    # gzipped as a whole alike (warcio refuses the latter), and a cut-off gzip raises instead
    # of ending the iteration quietly as warcio does.
    with path.open("rb") as raw:
        gunzip = _Gunzip(raw) if gzipped else None
        records = ArchiveIterator(io.BufferedReader(gunzip) if gunzip else raw)
        try:
            for record in records:
                index += 1
                kind = _html_response(record)
                if kind != "html":
                    skipped[kind] = skipped.get(kind, 0) + 1
                    _check_complete(record, index)
                else:
                    found += 1
                    yield from _page(record, index, max_bytes)
                end = records.get_record_offset() + records.get_record_length()
        except IngestError:
            raise
        except zlib.error as err:
            raise IngestError(
                "corrupt_archive",
                f"the gzip data is damaged after record {index} ({err}); records before it "
                "were read",
                record=max(index, 0),
            ) from None
        except ArchiveLoadFailed as err:
            raise _truncated(index + 1, end, str(err).strip()) from None
        except (EOFError, OSError, ValueError, AttributeError, TypeError) as err:
            # warcio's parser on a record cut short in its headers
            raise _truncated(max(index, 0), end, f"{type(err).__name__}: {err}") from None
    if gunzip and gunzip.cut_off:
        raise _truncated(index + 1, end, "the gzip data ends early")
    if not gzipped and path.stat().st_size - end > _TRAILING_SLACK:
        left = path.stat().st_size - end
        raise _truncated(index + 1, end, f"{left:,} bytes after it could not be read")
    if not found:
        what = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items())) or "no records"
        raise IngestError("no_article_text", f"the archive holds no HTML responses ({what})")


class _Gunzip(io.RawIOBase):
    """Multi-member gzip as a stream, at most 1 MiB unpacked per step (no bomb in memory)."""

    def __init__(self, fh):
        self.fh = fh
        self.inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self.pending = b""  # compressed input not yet unpacked
        self.out = b""
        self.started = False  # the current member has consumed input
        self.cut_off = False  # the data ended inside a member: read as the end, reported after

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.out:
            if not self.pending:
                self.pending = self.fh.read(1 << 16)
                if not self.pending:
                    self.cut_off = self.started
                    return 0
            self.started = True
            self.out = self.inflater.decompress(self.pending, 1 << 20)
            self.pending = self.inflater.unconsumed_tail
            if self.inflater.eof:
                self.pending = self.inflater.unused_data + self.pending
                self.inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                self.started = False
        n = min(len(buffer), len(self.out))
        buffer[:n] = self.out[:n]
        self.out = self.out[n:]
        return n


def _starts_like_warc(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def _html_response(record) -> str:
    """'html' for a successful HTML response, else what the record is (for the message)."""
    if record.rec_type != "response":
        return f"{record.rec_type} record(s)"
    headers = record.http_headers
    if headers is None:
        return "non-HTTP response(s)"
    status = headers.get_statuscode() or ""
    if not status.startswith("2"):
        return f"HTTP {status} response(s)"
    ctype = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if ctype not in _HTML_TYPES:
        return f"{ctype or 'untyped'} response(s)"
    return "html"


def _page(record, index: int, max_bytes: int) -> Iterator[Item]:
    url = record.rec_headers.get_header("WARC-Target-URI")
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        yield RecordError(
            IngestError(
                "too_large",
                f"the page at {url} is over the {max_bytes:,}-byte limit for one document",
            ),
            index,
        )
        return
    _check_complete(record, index)
    charset = _charset(record.http_headers.get_header("Content-Type") or "")
    try:
        doc = html_doc(decode_html(body, charset), "warc", record=index, url=url)
    except IngestError as err:
        yield RecordError(IngestError(err.reason, f"{url}: {err.message}"), index)
        return
    doc.url = doc.url or url
    crawled = record.rec_headers.get_header("WARC-Date")
    if crawled:
        doc.extra["crawled_at"] = crawled  # when it was archived, not when it was published
    doc.extra["warc_target_uri"] = url
    yield doc


def _check_complete(record, index: int) -> None:
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    if getattr(stream, "limit", 0) > 0:
        raise _truncated(index, None, f"record {index} is {stream.limit:,} bytes short")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _truncated(index: int, end: int | None, detail: str) -> IngestError:
    where = f" after {end:,} bytes" if end else ""
    return IngestError(
        "truncated_archive",
        f"the archive breaks off at record {index}{where} ({detail}); records before it were "
        "read. Copy or download the file again",
        record=index,
    )
