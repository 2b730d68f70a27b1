"""Quotation marks in wire copy: whether a position sits inside a quotation, the quotation
right before or after a cue, a content stretched to its whole quotation (over paragraphs, in
the wire convention), and whether a content is quotation from end to end."""

from __future__ import annotations

import re

_OPENERS = ("“", "«")
_CLOSERS = ("”", "»")
# How far a quotation is followed, per paragraph, back to its opening mark and on to its close,
# and over how many paragraphs: further than any real quotation runs, and a bound on the work
# per claim, which in a text of one endless paragraph of unbalanced marks was quadratic.
_QUOTE_REACH = 5_000
_QUOTE_PARAGRAPHS = 8
# How far on a quotation's closing mark is looked for, over paragraphs, before a report is
# taken to be inside it (a long transcript quoted paragraph after paragraph runs this far).
_QUOTE_LOOKAHEAD = 10_000


def inside_quote(text: str, pos: int) -> bool:
    """True when pos sits inside one quotation opened earlier in its line that closes later:
    in the line, or, in the wire convention of a quotation running over paragraphs (each opens
    with a mark, only the last one closes), a few paragraphs on. Marks that never pair up
    (openers piling up unclosed, a quotation never closed) are not a quotation to hide a
    report in: the report stands as its own claim. Lines, not paragraphs: some outlets end a
    paragraph with one line break, and no quotation runs over one but by that convention."""
    segment = text[max(0, pos - _QUOTE_REACH, text.rfind("\n", 0, pos) + 1) : pos]
    unclosed = sum(segment.count(q) for q in _OPENERS) - sum(segment.count(q) for q in _CLOSERS)
    last_open = max(segment.rfind(q) for q in _OPENERS)
    last_close = max(segment.rfind(q) for q in _CLOSERS)
    if unclosed == 1 and last_open > last_close:
        # A curly quotation closed with a straight mark is a typo seen in real copy: closed
        # before pos ('“We disagree," said X'), or later.
        if segment.count('"', last_open) % 2 == 1:
            return False
        return _closes_later(text, pos, _OPENERS, (*_CLOSERS, '"'))
    # Straight marks, and the doubled apostrophes some outlets write: an odd count has one open,
    # unless a curly mark after it closed it ('"We won,” she said')
    straight_open = segment.count('"') % 2 == 1 and segment.rfind('"') > last_close
    return (straight_open and _closes_later(text, pos, ('"',), ('"',))) or (
        segment.count("''") % 2 == 1 and _closes_later(text, pos, ("''",), ("''",))
    )


def _closes_later(text: str, pos: int, openers: tuple[str, ...], closers: tuple[str, ...]) -> bool:
    """Whether the quotation open at pos closes: later in its line, or in a paragraph further
    on reached through paragraphs that each open with a mark and do not close."""
    straight = openers == closers
    limit = min(len(text), pos + _QUOTE_LOOKAHEAD)
    end = text.find("\n", pos, limit)
    if any(q in text[pos : end if end >= 0 else limit] for q in closers):
        return True
    while 0 <= end < limit:
        start = end + 1
        while start < limit and text[start].isspace():
            start += 1
        if not text.startswith(openers, start):
            return False  # the next paragraph goes on outside any quotation
        end = text.find("\n", start, limit)
        para = text[start : end if end >= 0 else limit]
        if straight and para.count(openers[0]) >= 2:
            return True  # its opening mark and a closing one
        if not straight and any(q in para for q in closers):
            return True
    return False


def quote_after(text: str, pos: int) -> tuple[int, int] | None:
    """The quotation that opens right after pos (past punctuation and white space)."""
    i = pos
    while i < len(text) and i < pos + 12 and (text[i].isspace() or text[i] in ".,:;—–-"):
        i += 1
    if text.startswith("''", i):  # the doubled apostrophes some outlets write for marks
        end = text.find("''", i + 2, i + _QUOTE_REACH)
        return (i, end + 2) if end > i + 2 else None
    if i >= len(text) or text[i] not in '“«"':
        return None
    close = '"' if text[i] == '"' else _CLOSERS[_OPENERS.index(text[i])]
    end = text.find(close, i + 1, i + _QUOTE_REACH) if close == '"' else _quote_end(text, i, i + 1)
    return (i, end + 1 if close == '"' and end > 0 else end) if end > i + 1 else None


def quote_before(text: str, pos: int) -> tuple[int, int] | None:
    """The quotation that closes just before pos, in the same paragraph: its marks included."""
    nl = text.rfind("\n\n", 0, pos)
    para = max(nl + 2 if nl >= 0 else 0, pos - _QUOTE_REACH)
    head = text[para:pos].rstrip(" ,:;—–-")
    if head.endswith("''"):  # the doubled apostrophes some outlets write for marks
        close = para + len(head) - 2
        start = text.rfind("''", para, close)
        if start < 0 or not any(ch.isalnum() for ch in text[start:close]):
            return None
        return start, close + 2
    if not head.endswith(("”", '"', "»")):
        return None
    close = para + len(head) - 1
    opener = {"”": "“", "»": "«"}.get(text[close], '"')
    start = text.rfind(opener, para, close)
    if start < 0 or not any(ch.isalnum() for ch in text[start:close]):
        return None
    return start, close + 1


def extend_open_quote(text: str, start: int, end: int) -> tuple[int, int]:
    """Stretch a content that sits inside a quotation to the whole quotation: back to the
    opening mark earlier in the paragraph, forward to the closing mark, and across paragraphs
    in the wire convention where a quote running on opens each paragraph with a mark and
    closes only at its end."""
    para_start = _para_start(text, start)
    segment = text[para_start:start]
    opened = max(segment.rfind(q) for q in _OPENERS)
    closed = max(segment.rfind(q) for q in _CLOSERS)
    if opened > closed:
        start = para_start + opened
    elif not text[start:end].lstrip().startswith(_OPENERS):
        return start, end  # not a quotation
    # Earlier paragraphs of the same quotation: they open with a mark and never close.
    for _ in range(_QUOTE_PARAGRAPHS):
        if start < 2 or start != _para_start(text, start) or not text.startswith("\n\n", start - 2):
            break
        prev = _para_start(text, start - 2)
        para = text[prev : start - 2]
        if not para.startswith(_OPENERS) or any(q in para for q in _CLOSERS):
            break
        start = prev
    return start, _quote_end(text, start, end)


def _para_start(text: str, pos: int) -> int:
    """Where the paragraph holding pos starts, looking back at most _QUOTE_REACH characters."""
    low = max(0, pos - _QUOTE_REACH)
    i = text.rfind("\n\n", low, pos)
    return low if i < 0 else i + 2


def _quote_end(text: str, start: int, end: int) -> int:
    pos = start + 1
    for _ in range(_QUOTE_PARAGRAPHS):  # paragraphs a quotation may run over
        reach = min(len(text), pos + _QUOTE_REACH)
        para_end = text.find("\n\n", pos, reach)
        endless = para_end < 0 and reach < len(text)  # the paragraph goes on past the reach
        para_end = reach if para_end < 0 else para_end
        closes = [i for i in (text.find(q, pos, para_end) for q in _CLOSERS) if i >= 0]
        if closes:
            return max(end, min(closes) + 1)
        if endless:
            return end  # no close in reach: the content stays what the parse found
        nxt = para_end + 2
        if nxt >= len(text) or not text.startswith(_OPENERS, nxt):
            return max(end, para_end)  # unclosed at the paragraph's end: the quote ends there
        pos = nxt + 1
    return end


def is_direct_quote(content: str) -> bool:
    """True when the content is quotation from its first word to its last: nothing but
    punctuation and white space outside the marks."""
    s = content.strip()
    if len(s) < 2 or not s.startswith(_OPENERS):
        return False
    outside = re.sub(r"[“«][^”»]*(?:[”»]|$)", "", s, flags=re.MULTILINE)
    return not any(ch.isalnum() for ch in outside)
