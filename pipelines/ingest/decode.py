"""Bytes to text: detect binary input and the few encodings news dumps actually use."""

from __future__ import annotations

import codecs

from pipelines.ingest.errors import IngestError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_bytes(data: bytes) -> str:
    """Decode raw bytes to str or raise IngestError(empty | not_text | bad_encoding)."""
    if not data.strip():
        raise IngestError("empty", "the file is empty or holds only white space")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as err:
                raise IngestError(
                    "bad_encoding", f"starts with a {encoding} byte-order mark but {err.reason}"
                ) from None
    head = data[:8192]
    if b"\x00" in head:
        raise IngestError("not_text", "the file holds NUL bytes: it looks binary, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Windows-1252 is the usual non-UTF-8 encoding of English news text; bytes it leaves
    # undefined mean the file is neither.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        raise IngestError(
            "bad_encoding",
            f"not valid UTF-8 and not Windows-1252 (byte {err.start}); re-save the file as UTF-8",
        ) from None
