"""Which reader a raw file needs, from its name and its first bytes.

Content wins where it is unambiguous (a web archive, a feed, a web page, gzip), because people
save pages as .txt and feeds as .html; otherwise the extension decides.
"""

from __future__ import annotations

import codecs
import re

from pipelines.ingest.decode import GZIP_MAGIC

EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".warc": "warc",
}
HEAD_BYTES = 4096

_FEED_ROOT = re.compile(r"<(?:[\w-]+:)?(rss|feed|rdf)\b", re.IGNORECASE)
_HTML_START = re.compile(r"(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.S | re.I)


def split_gzip_name(name: str) -> str:
    """story.txt.gz -> story.txt; page.html -> page.html (gzip found by content only)."""
    lower = name.lower()
    if lower.endswith(".gz"):
        return name[:-3]
    if lower.endswith(".tgz"):
        return name[:-4] + ".tar"
    return name


def is_gzip(head: bytes) -> bool:
    return head.startswith(GZIP_MAGIC)


def is_tar(head: bytes) -> bool:
    return head[257:262] == b"ustar"


def sniff(head: bytes) -> str | None:
    """'warc', 'feed' or 'html' when the first bytes say so, else None."""
    if head.startswith(b"WARC/"):
        return "warc"
    text = _head_text(head).lstrip().lower()
    if not text.startswith("<"):
        return None
    if text.startswith("<?xml"):
        root = _FEED_ROOT.search(text)
        if root:
            return "feed"
        return "html" if "<html" in text else None
    if _HTML_START.match(text):
        return "html"
    if _FEED_ROOT.match(text):
        return "feed"
    return None


def detect_format(name: str, head: bytes) -> str | None:
    """The reader for a file (txt, html, json, jsonl, feed, warc), or None when unknown."""
    by_content = sniff(head)
    if by_content:
        return by_content
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    by_ext = EXTENSIONS.get(suffix)
    if by_ext:
        return by_ext
    text = _head_text(head).lstrip()
    if text.startswith("[") or text.startswith("{"):
        first_line = text.split("\n", 1)[0].rstrip()
        return "jsonl" if first_line.endswith("}") and "\n{" in text else "json"
    return None


def _head_text(head: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if head.startswith(bom):
            return head[:HEAD_BYTES].decode(encoding, errors="ignore")
    return head[:HEAD_BYTES].decode("latin-1")
