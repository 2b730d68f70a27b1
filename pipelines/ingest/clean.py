"""Turn a decoded document into the clean body every character offset refers to.

Order matters and is one-way: normalize characters, drop page chrome, take the headline off,
read the dateline. Nothing here reaches back into the reader that produced the text.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from pipelines.lexicons import load_data_file, require, str_list

# Zero-width and control characters break tokenization and offsets; tabs and newlines stay.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_PUNCT_RUN = 20
_PUNCT_RUN = re.compile(rf"[^\w\s]{{{MAX_PUNCT_RUN + 1},}}")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")

# "WASHINGTON (Realist English)." / "WASHINGTON, Aug 18 (Reuters) -" / "LIMA, Peru, Nov. 4 (AP) —"
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z.'’\- ]*[A-Z.](?:,\s*[A-Z][A-Za-z.'’\- ]+)?)"
    r"(?:,\s*(?P<date>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
    r"(?:,\s*\d{4})?))?"
    r"\s*\((?P<outlet>[^()\n]{2,60})\)\s*(?:[-–—:.]+\s*)?"
)
_OUTLET_SUFFIX = re.compile(r"\s+(English|Wire|News Service)$")


@dataclass(frozen=True)
class Dateline:
    place: str
    outlet: str
    date_text: str | None
    end: int  # offset just past the dateline and its separator


def normalize_text(text: str) -> str:
    """NFC, no invisible characters, single spaces, paragraphs separated by one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    # spaCy's tokenizer is quadratic in a run of punctuation with no space in it (10,000
    # quotation marks take 20 s); no article needs more than a few in a row.
    text = _PUNCT_RUN.sub(lambda m: m.group(0)[:MAX_PUNCT_RUN], text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", text).strip()


@functools.cache
def _chrome_patterns() -> tuple[re.Pattern[str], ...]:
    path, data = load_data_file("boilerplate.yaml")
    patterns = str_list(data.get("line_patterns"), path, "line_patterns")
    compiled = []
    for i, pattern in enumerate(patterns):
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as err:
            require(False, path, f"line_patterns[{i}]", f"bad regex {pattern!r}: {err}")
    return tuple(compiled)


def drop_chrome(text: str) -> str:
    kept = [
        line for line in text.split("\n") if not any(p.fullmatch(line) for p in _chrome_patterns())
    ]
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()


def split_headline(text: str, known_title: str | None) -> tuple[str | None, str]:
    """Take a headline paragraph off the top: the known title, or a short unpunctuated line
    followed by a dateline paragraph."""
    first, sep, rest = text.partition("\n\n")
    if not sep or "\n" in first:
        return None, text
    if known_title and _squash(first) == _squash(known_title):
        return first, rest
    looks_like_headline = len(first) <= 200 and not first.endswith((".", "”", '"', ":"))
    if looks_like_headline and _DATELINE.match(rest):
        return first, rest
    return None, text


def parse_dateline(text: str) -> Dateline | None:
    m = _DATELINE.match(text)
    if not m:
        return None
    outlet = _OUTLET_SUFFIX.sub("", m.group("outlet").strip())
    return Dateline(
        place=m.group("place").strip(), outlet=outlet, date_text=m.group("date"), end=m.end()
    )


def dateline_date(date_text: str, reference: dt.date) -> dt.date | None:
    """'Aug 18' or 'Nov. 4, 2025' as a date; without a year, the latest such date not after
    the reference (the day the article was read)."""
    cleaned = date_text.replace(".", "").replace("Sept", "Sep")
    for fmt in ("%b %d, %Y", "%B %d, %Y", "%b %d", "%B %d"):
        try:
            parsed = dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        if "%Y" in fmt:
            return parsed
        candidate = parsed.replace(year=reference.year)
        return candidate if candidate <= reference else candidate.replace(year=reference.year - 1)
    return None


def _squash(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().casefold()


def article_id(text: str) -> str:
    """Stable id from the text with case and white space folded: the same article gets the
    same id wherever and whenever it arrives."""
    return hashlib.sha256(_squash(text).encode("utf-8")).hexdigest()[:16]
