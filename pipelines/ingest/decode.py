"""Bytes to text: detect binary input, unpack gzip safely, and decode the few encodings news
dumps actually use (UTF-8, UTF-16/32 with or without a byte-order mark, Windows-1252, and files
that mix UTF-8 with Windows-1252 after being pasted together)."""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

from pipelines.errors import IngestError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

GZIP_MAGIC = b"\x1f\x8b"

# Binary formats people drop into a news folder by mistake, named in the error message.
_BINARY_MAGIC = [
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
]

# Control characters that never occur in text files (tab, newline, CR, form feed, ESC aside).
_CONTROL_BYTES = frozenset(range(0x01, 0x09)) | {0x0B, 0x0E, 0x0F} | frozenset(range(0x10, 0x1B))
_MAX_CONTROL_SHARE = 0.05

# After UTF-8 fails, bytes are read as Windows-1252. When most letters had to be read that way
# the file is in some other legacy code page (Cyrillic, Greek, East Asian ...), and guessing
# would store mojibake: refuse it instead.
_MAX_FALLBACK_SHARE = 0.3
_SURROGATE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # what the bytes turned out to be, kept in the article's metadata


def sniff_binary(data: bytes) -> str | None:
    """A phrase naming the binary format of data, or None when it may be text."""
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    return None


def decode_text(data: bytes) -> Decoded:
    """Decode raw bytes or raise IngestError(empty | not_text | bad_encoding)."""
    if not data.strip():
        raise IngestError("empty", "the file is empty or holds only white space")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.replace("-sig", ""))
            except UnicodeDecodeError as err:
                raise IngestError(
                    "bad_encoding", f"starts with a {encoding} byte-order mark but {err.reason}"
                ) from None
    kind = sniff_binary(data)
    if kind:
        raise IngestError("not_text", f"this is {kind}, not text; convert it to text or HTML")
    head = data[:8192]
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16:
            try:
                return Decoded(data.decode(utf16), utf16)
            except UnicodeDecodeError as err:
                raise IngestError(
                    "bad_encoding", f"looks like {utf16} without a byte-order mark but {err.reason}"
                ) from None
        raise IngestError("not_text", "the file holds NUL bytes: it looks binary, not text")
    controls = sum(b in _CONTROL_BYTES for b in head)
    if controls > _MAX_CONTROL_SHARE * len(head):
        raise IngestError(
            "not_text",
            f"{controls} of the first {len(head)} bytes are control characters: "
            "it looks binary, not text",
        )
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _decode_mixed(data)


def decode_bytes(data: bytes) -> str:
    return decode_text(data).text


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text in a Latin script has a NUL in every other byte; binary data does not."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 8:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return "\ufffd"  # one of the five bytes Windows-1252 leaves undefined


_FALLBACK = {chr(0xDC00 + b): _cp1252_char(b) for b in range(0x80, 0x100)}


def _decode_mixed(data: bytes) -> Decoded:
    # One linear pass: bytes that are not UTF-8 come back as lone surrogates, which are then
    # read as Windows-1252, so a pasted-together file keeps both its parts intact.
    text = data.decode("utf-8", errors="surrogateescape")
    fallback = len(_SURROGATE.findall(text))
    text = _SURROGATE.sub(lambda m: _FALLBACK[m.group()], text)
    letters = sum(ch.isalpha() for ch in text) or 1
    if "\ufffd" in text or fallback > _MAX_FALLBACK_SHARE * letters:
        raise IngestError(
            "bad_encoding",
            f"{fallback} bytes are neither UTF-8 nor Windows-1252 text; the file is probably in "
            "another legacy code page (Cyrillic, Greek, East Asian ...): re-save it as UTF-8",
        )
    utf8_part = data.count(b"\xc3") + data.count(b"\xe2\x80")  # common UTF-8 lead bytes
    encoding = "utf-8+windows-1252" if utf8_part else "windows-1252"
    return Decoded(text, encoding)


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip (one or more members), refusing output beyond max_bytes so a small
    gzip bomb cannot fill memory. Raises too_large, truncated_archive or corrupt_archive."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        chunk_in = rest
        while chunk_in:
            try:
                piece = inflater.decompress(chunk_in, max_bytes + 1 - len(out))
            except zlib.error as err:
                raise IngestError(
                    "corrupt_archive", f"the gzip data is damaged ({err}); nothing was read"
                ) from None
            out += piece
            if len(out) > max_bytes:
                raise IngestError(
                    "too_large",
                    f"decompresses to more than the {max_bytes:,}-byte limit for one file "
                    "(a gzip bomb or an oversized file); refused",
                )
            chunk_in = inflater.unconsumed_tail
            if inflater.eof:
                break
        if not inflater.eof:
            raise IngestError(
                "truncated_archive",
                f"the gzip data ends early, after {len(out):,} decompressed bytes: "
                "the file was cut off while being copied or downloaded",
            )
        rest = inflater.unused_data
        if rest and not rest.startswith(GZIP_MAGIC):
            break  # trailing padding after the last member, as some tools write
    return bytes(out)
