"""Word overlap and span location shared by the PLV and PolNeAR scorers."""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"\w+")
# Words that carry no identity: two actor strings sharing only "the" or "of" do not match.
_FUNCTION_WORDS = frozenset(
    "a an the of and or in on at for to by with from its his her their s".split()
)
_QUOTES = "\"'\u2018\u2019\u201c\u201d\u00ab\u00bb`"


def words(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower())


def content_words(text: str | None) -> set[str]:
    return {w for w in words(text) if w not in _FUNCTION_WORDS}


def shares_word(a: str | None, b: str | None) -> bool:
    """Token overlap, case-insensitive, function words ignored."""
    return bool(content_words(a) & content_words(b))


def overlap_f1(a: str | None, b: str | None) -> float:
    """F1 of the two texts' word multisets (case-insensitive); 1.0 when both are empty."""
    wa, wb = Counter(words(a)), Counter(words(b))
    if not wa and not wb:
        return 1.0
    common = sum((wa & wb).values())
    if not common:
        return 0.0
    return 2 * common / (sum(wa.values()) + sum(wb.values()))


def locate(text: str, needle: str, near: int) -> tuple[int, int] | None:
    """Where `needle` occurs in `text`, taking the occurrence closest to `near`.

    Exact first; then tolerant of what clean-up changes (runs of white space, line breaks,
    the kind of quotation mark)."""
    needle = needle.strip()
    if not needle:
        return None
    hits = [m.start() for m in re.finditer(re.escape(needle), text)]
    if hits:
        start = min(hits, key=lambda i: abs(i - near))
        return start, start + len(needle)
    parts = []
    for chunk in needle.split():
        escaped = "".join(
            f"[{re.escape(_QUOTES)}]" if c in _QUOTES else re.escape(c) for c in chunk
        )
        parts.append(escaped)
    pattern = re.compile(r"\s+".join(parts))
    found = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not found:
        return None
    return min(found, key=lambda se: abs(se[0] - near))


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
