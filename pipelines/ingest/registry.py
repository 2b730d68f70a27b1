"""Every input format and its reader, in one table, and the one way a raw file reaches its
reader: by name and first bytes (unpacking gzip on the way), within the size limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipelines.errors import IngestError
from pipelines.ingest.decode import gunzip_capped, sniff_binary
from pipelines.ingest.detect import HEAD_BYTES, detect_format, is_gzip, is_tar, split_gzip_name
from pipelines.ingest.feeds import read_feed
from pipelines.ingest.html_pages import read_html
from pipelines.ingest.readers import (
    Item,
    RawFile,
    Reader,
    check_size,
    read_json,
    read_jsonl,
    read_txt,
    too_large,
)
from pipelines.ingest.warc import read_warc

READERS: dict[str, Reader] = {
    "txt": read_txt,
    "html": read_html,
    "json": read_json,
    "jsonl": read_jsonl,
    "feed": read_feed,
    "warc": read_warc,
}
ACCEPTED = ".txt, .html, .htm, .json, .jsonl, .rss, .atom, .xml (feeds), .warc, and any of them .gz"


def streamed(path: Path) -> bool:
    """Web archives are read record by record, each record capped: a file of any size is fine.
    Told by name, so the size limit of every other file applies before a byte of it is read."""
    name = path.name.lower()
    return name.endswith(".warc") or name.endswith(".warc.gz")


def size_refusal(path: Path, size: int, max_bytes: int) -> IngestError | None:
    """too_large for a file over the limit that is not a web archive, decided from its size
    alone (stat): an oversized file is never read, nor hashed."""
    if size <= max_bytes or streamed(path):
        return None
    return too_large(size, max_bytes)


def read_items(path: Path, max_bytes: int) -> Iterator[Item]:
    """The documents and record errors of one file, from the reader its format needs."""
    size = path.stat().st_size
    if size == 0:
        raise IngestError("empty", "the file is empty (0 bytes)")
    refused = size_refusal(path, size, max_bytes)
    if refused is not None:
        raise refused
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    name, unpacked = path.name, None
    if is_gzip(head):
        name = split_gzip_name(name)
        # A .warc.gz is gzipped per record: its reader streams it, it is never unpacked here.
        if not name.lower().endswith(".warc"):
            check_size(size, max_bytes, "compressed ")
            unpacked = gunzip_capped(path.read_bytes(), max_bytes)
            if is_tar(unpacked):
                raise IngestError(
                    "unsupported_format", "a tar archive: unpack it into raw/ so each file is read"
                )
            head = unpacked[:HEAD_BYTES]
    fmt = detect_format(name, head)
    if fmt is None:
        kind = sniff_binary(head)
        what = f"this is {kind}" if kind else f"files ending {path.suffix or '(none)'} are not read"
        raise IngestError("unsupported_format", f"{what}; eventwire reads {ACCEPTED}")
    return READERS[fmt](RawFile(path, size, max_bytes, unpacked))
