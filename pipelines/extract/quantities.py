"""Numbers the text reports: casualties, arrests, counts of things, money.

Qualifier conventions (docs/codebook.md): "at least" -> at_least; "more than", "over" ->
more_than; "about", "around", "some", "roughly", "an estimated" -> about; "up to", "nearly",
"almost", "as many as" -> up_to; "fewer than", "less than", "under" -> less_than. Vague plurals
are lower bounds: "dozens" = at_least 24, "scores" = at_least 40, "hundreds" = at_least 200,
"thousands" = at_least 2000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a": 1,
    "an": 1,
    "dozen": 12,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "m": 1_000_000,
    "bn": 1_000_000_000,
}
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2_000, "millions": 2_000_000}
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "euro": "EUR",
    "pound": "GBP",
    "yuan": "CNY",
    "rouble": "RUB",
    "ruble": "RUB",
    "peso": None,
    "bolivar": "VES",
    "usd": "USD",
    "eur": "EUR",
}
_QUALIFIERS = [
    (("at", "least"), "at_least"),
    (("no", "fewer", "than"), "at_least"),
    (("more", "than"), "more_than"),
    (("over",), "more_than"),
    (("above",), "more_than"),
    (("up", "to"), "up_to"),
    (("as", "many", "as"), "up_to"),
    (("nearly",), "up_to"),
    (("almost",), "up_to"),
    (("fewer", "than"), "less_than"),
    (("less", "than"), "less_than"),
    (("under",), "less_than"),
    (("about",), "about"),
    (("around",), "about"),
    (("some",), "about"),
    (("roughly",), "about"),
    (("approximately",), "about"),
    (("an", "estimated"), "about"),
    (("estimated",), "about"),
]
_KIND_BY_LEMMA = {
    "kill": "killed",
    "die": "killed",
    "dead": "killed",
    "death": "killed",
    "slay": "killed",
    "murder": "killed",
    "execute": "killed",
    "fatality": "killed",
    "injure": "injured",
    "wound": "injured",
    "hurt": "injured",
    "injured": "injured",
    "wounded": "injured",
    "injury": "injured",
    "arrest": "arrested",
    "detain": "arrested",
    "apprehend": "arrested",
    "capture": "arrested",
    "displace": "displaced",
    "flee": "displaced",
    "evacuate": "displaced",
    "uproot": "displaced",
}
_SKIP_ENTS = {"DATE", "TIME", "PERCENT", "ORDINAL", "PRODUCT", "LAW", "FAC", "ORG", "WORK_OF_ART"}


@dataclass
class Quantity:
    kind: str
    value: float
    unit: str | None
    qualifier: str
    start: int  # character offsets in the document
    end: int
    counted: Token  # the counted noun, or the number itself; events are tied through it


def parse_number(words: list[str]) -> float | None:
    """'83', '1,200', '2.5 million', 'seven', 'eighty-three', 'two hundred' -> float."""
    total, current, seen = 0.0, 0.0, False
    for raw in words:
        w = raw.lower().replace(",", "")
        for part in w.split("-") if not re.fullmatch(r"[\d.]+", w) else [w]:
            if re.fullmatch(r"\d+(\.\d+)?", part):
                current += float(part)
            elif part in _UNITS:
                current += _UNITS[part]
            elif part in _SCALES:
                current = max(current, 1) * _SCALES[part]
                if _SCALES[part] >= 1000:
                    total, current = total + current, 0.0
            else:
                return None
            seen = True
    return total + current if seen else None


def _is_number(tok: Token) -> bool:
    low = tok.lower_.replace(",", "")
    if tok.ent_type_ in _SKIP_ENTS:
        return False
    if re.fullmatch(r"\d+(\.\d+)?", low):
        return True
    if low in _SCALES and tok.i > 0 and _is_number_word(tok.nbor(-1)):
        return True
    # Number words: the tagger calls a sentence-initial "Eleven" an adjective.
    is_numeric = tok.pos_ == "NUM" or tok.dep_ == "nummod"
    return (
        is_numeric
        and low not in ("a", "an")
        and all(p in _UNITS or p in _SCALES for p in low.split("-"))
    )


def _is_number_word(tok: Token) -> bool:
    low = tok.lower_.replace(",", "")
    return bool(re.fullmatch(r"\d+(\.\d+)?", low)) or low in _UNITS or low in _SCALES


def _qualifier(sent: Span, start: int) -> tuple[str, int]:
    """Qualifier words just before token index start; returns (qualifier, new start index)."""
    words = [t.lower_ for t in sent.doc[max(sent.start, start - 3) : start]]
    for phrase, qual in _QUALIFIERS:
        n = len(phrase)
        if tuple(words[-n:]) == phrase:
            return qual, start - n
    return "exact", start


def _kind_for(counted: Token) -> str | None:
    """Casualty kind from the words around the counted noun: its verb, its modifiers."""
    for tok in [counted, *counted.children]:
        if tok.lemma_.lower() in _KIND_BY_LEMMA and tok.dep_ in ("amod", "acl", "relcl", "appos"):
            return _KIND_BY_LEMMA[tok.lemma_.lower()]
    head = counted
    for _ in range(3):
        if head.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj", "appos", "npadvmod"):
            head = head.head
            kind = _KIND_BY_LEMMA.get(head.lemma_.lower())
            if kind:
                return kind
            if head.pos_ == "VERB":
                break
        else:
            break
    if counted.lemma_.lower() in _KIND_BY_LEMMA and counted.pos_ == "NOUN":
        return _KIND_BY_LEMMA[counted.lemma_.lower()]
    return None


def find_quantities(sent: Span) -> list[Quantity]:
    doc = sent.doc
    out: list[Quantity] = []
    i = sent.start
    while i < sent.end:
        tok = doc[i]
        low = tok.lower_
        if low in _VAGUE and tok.pos_ in ("NOUN", "NUM"):
            counted = _counted_of_vague(tok)
            kind = _kind_for(tok) or _kind_for(counted) or "count"
            unit = counted.lemma_.lower() if counted.i != tok.i else None
            out.append(
                Quantity(
                    kind,
                    float(_VAGUE[low]),
                    unit,
                    "at_least",
                    tok.idx,
                    tok.idx + len(tok.text),
                    counted,
                )
            )
            i += 1
            continue
        if not _is_number(tok):
            i += 1
            continue
        j = i
        while (
            j + 1 < sent.end and _is_number_word(doc[j + 1]) and doc[j + 1].pos_ in ("NUM", "NOUN")
        ):
            j += 1
        value = parse_number([t.text for t in doc[i : j + 1]])
        if value is None:
            i = j + 1
            continue
        start_i = i
        currency = None
        if i > sent.start and doc[i - 1].text in _CURRENCY_SYMBOLS:
            currency, start_i = _CURRENCY_SYMBOLS[doc[i - 1].text], i - 1
        last = doc[j]
        counted = last.head if last.dep_ in ("nummod", "quantmod") and last.head.i > j else last
        if currency is None and counted.lemma_.lower() in _CURRENCY_WORDS:
            currency = _CURRENCY_WORDS[counted.lemma_.lower()] or counted.text
        qualifier, qstart = _qualifier(sent, start_i)
        end_tok = counted if currency and counted.i > j else last
        if currency:
            kind, unit = "money", currency
        else:
            kind = _kind_for(counted) or "count"
            unit = counted.lemma_.lower() if counted.i != last.i else None
            if kind == "count" and unit is None:
                i = j + 1
                continue  # a bare number with nothing counted is not a quantity we can use
        start_char = doc[qstart].idx
        out.append(
            Quantity(
                kind, value, unit, qualifier, start_char, end_tok.idx + len(end_tok.text), counted
            )
        )
        i = j + 1
    return out


def _counted_of_vague(tok: Token) -> Token:
    """'dozens of people' -> people; 'dozens were injured' -> dozens itself."""
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return tok
