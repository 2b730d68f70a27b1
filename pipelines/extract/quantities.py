"""Numbers the text reports: casualties, arrests, counts of things, money.

The words (number words, vague plurals, currencies, qualifiers such as "at least", and the
lemmas that make a number a casualty count) are in pipelines/lexicons/quantities.yaml;
docs/codebook.md states the conventions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from pipelines.extract import syntax
from pipelines.lexicons import load_data_file, require, str_list
from schemas.codes import KINDS, QUALIFIERS

_SKIP_ENTS = {"DATE", "TIME", "PERCENT", "ORDINAL", "PRODUCT", "LAW", "FAC", "ORG", "WORK_OF_ART"}


@dataclass(frozen=True)
class QuantityWords:
    """quantities.yaml: the words that make a number and say what it counts."""

    units: dict[str, int]  # number word -> value
    scales: dict[str, int]  # multiplier word -> value
    vague: dict[str, int]  # vague plural -> the lower bound it stands for
    currency_symbols: dict[str, str]
    currency_words: dict[str, str | None]  # None: the word as written is the unit
    qualifiers: tuple[tuple[tuple[str, ...], str], ...]  # words before a number, in order
    kind_by_lemma: dict[str, str]
    running_totals: tuple[tuple[str, ...], ...]  # phrases that make a number a running total


_CURRENCY = re.compile(r"[A-Z]{3}")
_DECIMAL = re.compile(r"\d+(\.\d+)?")  # "83", "2.5": commas taken out first
_SECTIONS = {
    "version",
    "number_words",
    "scales",
    "vague_plurals",
    "currency_symbols",
    "currency_words",
    "qualifiers",
    "kinds",
    "running_totals",
}
_KINDS = [k for k in KINDS if k not in ("count", "money")]  # the kinds words say


@functools.cache
def quantity_words() -> QuantityWords:
    path, data = load_data_file("quantities.yaml")
    unknown = sorted(map(str, set(data) - _SECTIONS))
    require(not unknown, path, ", ".join(unknown), f"unknown section; expected {sorted(_SECTIONS)}")

    def numbers(section: str) -> dict[str, int]:
        block = data.get(section)
        require(isinstance(block, dict) and bool(block), path, section, "expected word -> number")
        for word, value in block.items():
            where = f"{section}.{word}"
            require(isinstance(word, str) and bool(word.strip()), path, where, "expected a word")
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
            require(ok, path, where, "expected a whole number, 0 or more")
        return {w.strip().lower(): v for w, v in block.items()}

    def currencies(section: str, nullable: bool) -> dict[str, str | None]:
        block = data.get(section) or {}
        require(isinstance(block, dict), path, section, "expected a mapping -> currency code")
        for key, code in block.items():
            ok = (code is None and nullable) or (
                isinstance(code, str) and _CURRENCY.fullmatch(code) is not None
            )
            require(ok, path, f"{section}.{key}", "expected an ISO 4217 code such as USD")
        return {str(k).strip().lower() if nullable else str(k): c for k, c in block.items()}

    qualifiers = []
    for i, entry in enumerate(data.get("qualifiers") or []):
        where = f"qualifiers[{i}]"
        require(isinstance(entry, dict), path, where, "expected {words: ..., qualifier: ...}")
        words = entry.get("words")
        require(isinstance(words, str) and bool(words.split()), path, where, "words required")
        qual = entry.get("qualifier")
        require(qual in QUALIFIERS, path, where, f"qualifier must be one of {QUALIFIERS}")
        qualifiers.append((tuple(words.lower().split()), qual))
    kinds = data.get("kinds") or {}
    require(isinstance(kinds, dict), path, "kinds", "expected a mapping kind -> lemmas")
    kind_by_lemma: dict[str, str] = {}
    for kind, lemmas in kinds.items():
        where = f"kinds.{kind}"
        require(kind in _KINDS, path, where, f"kind must be one of {_KINDS}")
        for lemma in str_list(lemmas, path, where):
            lemma = lemma.lower()
            require(lemma not in kind_by_lemma, path, where, f"{lemma!r} listed under two kinds")
            kind_by_lemma[lemma] = kind
    running = tuple(
        tuple(phrase.lower().split())
        for phrase in str_list(data.get("running_totals") or [], path, "running_totals")
    )
    return QuantityWords(
        running_totals=running,
        units=numbers("number_words"),
        scales=numbers("scales"),
        vague=numbers("vague_plurals"),
        currency_symbols=currencies("currency_symbols", nullable=False),
        currency_words=currencies("currency_words", nullable=True),
        qualifiers=tuple(qualifiers),
        kind_by_lemma=kind_by_lemma,
    )


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
    units, scales = quantity_words().units, quantity_words().scales
    total, current, seen = 0.0, 0.0, False
    for raw in words:
        w = raw.lower().replace(",", "")
        for part in w.split("-") if not re.fullmatch(r"[\d.]+", w) else [w]:
            if _DECIMAL.fullmatch(part):
                current += float(part)
            elif part in units:
                current += units[part]
            elif part in scales:
                current = max(current, 1) * scales[part]
                if scales[part] >= 1000:
                    total, current = total + current, 0.0
            else:
                return None
            seen = True
    return total + current if seen else None


def _is_number(tok: Token, words: QuantityWords) -> bool:
    # The tests on the word itself come first, since nearly every word fails them, and the
    # entity, tag and dependency only for those that pass.
    low = tok.lower_.replace(",", "")
    if _DECIMAL.fullmatch(low):
        return tok.ent_type_ not in _SKIP_ENTS
    if low in words.scales and tok.i > 0 and _is_number_word(tok.nbor(-1), words):
        return tok.ent_type_ not in _SKIP_ENTS
    if not _number_words(low, words):
        return False
    # Number words: the tagger calls a sentence-initial "Eleven" an adjective.
    return tok.ent_type_ not in _SKIP_ENTS and (tok.pos_ == "NUM" or tok.dep_ == "nummod")


def _may_be_number(low: str, words: QuantityWords) -> bool:
    """What _is_number asks of the word alone (low: lower case, commas out). Asked of every
    word of an article, on the document's lower-case forms: nearly every word fails it, and
    no token is then looked at."""
    return bool(_DECIMAL.fullmatch(low)) or low in words.scales or _number_words(low, words)


def _number_words(low: str, words: QuantityWords) -> bool:
    """'seven', 'eighty-three', 'million': number words, every part of the word ('a' and 'an'
    are not numbers on their own)."""
    if low in ("a", "an"):
        return False
    if "-" not in low:
        return low in words.units or low in words.scales
    return all(p in words.units or p in words.scales for p in low.split("-"))


def _is_number_word(tok: Token, words: QuantityWords) -> bool:
    low = tok.lower_.replace(",", "")
    return bool(_DECIMAL.fullmatch(low)) or low in words.units or low in words.scales


def _qualifier(sent: Span, start: int) -> tuple[str, int]:
    """Qualifier words just before token index start; returns (qualifier, new start index)."""
    words = [t.lower_ for t in sent.doc[max(sent.start, start - 3) : start]]
    for phrase, qual in quantity_words().qualifiers:
        n = len(phrase)
        if tuple(words[-n:]) == phrase:
            return qual, start - n
    return "exact", start


def _kind_for(counted: Token) -> str | None:
    """Casualty kind from the words around the counted noun: its verb, its modifiers."""
    kind_by_lemma = quantity_words().kind_by_lemma
    for tok in [counted, *counted.children]:
        if tok.lemma_.lower() in kind_by_lemma and tok.dep_ in ("amod", "acl", "relcl", "appos"):
            return kind_by_lemma[tok.lemma_.lower()]
    head = counted
    for _ in range(3):
        if head.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "conj", "appos", "npadvmod"):
            head = head.head
            kind = kind_by_lemma.get(head.lemma_.lower())
            if kind:
                return kind
            if head.pos_ == "VERB":
                break
        else:
            break
    if counted.lemma_.lower() in kind_by_lemma and counted.pos_ == "NOUN":
        return kind_by_lemma[counted.lemma_.lower()]
    return None


def find_quantities(sent: Span) -> list[Quantity]:
    doc = sent.doc
    words = quantity_words()
    lowers = syntax.lowers(doc)
    out: list[Quantity] = []
    i = sent.start
    while i < sent.end:
        low = lowers[i]
        tok = doc[i] if low in words.vague else None
        if tok is not None and tok.pos_ in ("NOUN", "NUM"):
            counted = _counted_of_vague(tok)
            kind = _kind_for(tok) or _kind_for(counted) or "count"
            unit = counted.lemma_.lower() if counted.i != tok.i else None
            out.append(
                Quantity(
                    kind,
                    float(words.vague[low]),
                    unit,
                    "at_least",
                    tok.idx,
                    tok.idx + len(tok.text),
                    counted,
                )
            )
            i += 1
            continue
        if not _may_be_number(low.replace(",", ""), words) or not _is_number(doc[i], words):
            i += 1
            continue
        j = i
        while (
            j + 1 < sent.end
            and _is_number_word(doc[j + 1], words)
            and doc[j + 1].pos_ in ("NUM", "NOUN")
        ):
            j += 1
        value = parse_number([t.text for t in doc[i : j + 1]])
        if value is None:
            i = j + 1
            continue
        start_i = i
        currency = None
        if i > sent.start and doc[i - 1].text in words.currency_symbols:
            currency, start_i = words.currency_symbols[doc[i - 1].text], i - 1
        last = doc[j]
        counted = last.head if last.dep_ in ("nummod", "quantmod") and last.head.i > j else last
        if currency is None and counted.lemma_.lower() in words.currency_words:
            currency = words.currency_words[counted.lemma_.lower()] or counted.text
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


# Clauses of their own below the number's verb: a running-total phrase there is not the
# number's ("killed 27 on Sunday, bringing the toll since January to 300").
_OWN_CLAUSES = {"advcl", "ccomp", "xcomp", "conj", "relcl", "parataxis"}


_CLAUSE_REACH = 60  # tokens either side of the number searched for a running-total phrase
_CLAUSE_CLIMB = 6  # clauses climbed from the number's own; real sentences need one or two
_DEPTH_REACH = 200  # heads followed from a token to its clause top


def running_total_cue(counted: Token) -> Span | None:
    """The phrase that makes this number a running total ("since September", "so far this
    year", "in recent years"), looked for in the number's own clause and in the clauses it
    hangs from ("Since September, forces have conducted 21 strikes, killing 83 people"), never
    in clauses below it; None for an event's toll."""
    top = counted
    for anc in counted.ancestors:  # up to the clause the number sits in
        top = anc
        if anc.pos_ in ("VERB", "AUX"):
            break
    below = counted
    for _ in range(_CLAUSE_CLIMB):
        cue = _cue_in_clause(top, below)
        if cue is not None or top.dep_ not in _OWN_CLAUSES or top.head.i == top.i:
            return cue
        below, top = top, top.head
    return None


def _cue_in_clause(top: Token, below: Token) -> Span | None:
    """A running-total phrase among the tokens of top's clause, leaving out the clauses below
    it except the one holding `below`. Only tokens near the number are tested, each by its
    path of heads up to `top`: a quotation storm read as one sentence of thousands of tokens
    and clauses must not make every number's search cost the whole sentence."""
    doc = top.doc
    lo, hi = max(0, below.i - _CLAUSE_REACH), min(len(doc), below.i + _CLAUSE_REACH + 1)
    phrases = quantity_words().running_totals
    lowers = syntax.lowers(doc)[lo:hi]
    firsts = _first_words(phrases)
    starts = [lo + k for k, w in enumerate(lowers) if w in firsts]
    if not starts:
        return None  # most numbers: no running-total word near them, no head path walked
    path = {below.i}  # below is in a clause below top; that clause is searched
    for anc in below.ancestors:
        path.add(anc.i)
        if anc.i == top.i:
            break
    memo: dict[int, bool] = {}

    def inside(i: int) -> bool:
        if i not in memo:
            memo[i] = _in_clause(doc[i], top, path)
        return memo[i]

    for phrase in phrases:
        n = len(phrase)
        for i in starts:
            if (
                i + n <= hi
                and tuple(lowers[i - lo : i - lo + n]) == phrase
                and all(inside(j) for j in range(i, i + n))
                and not _since_a_record(doc[i])
            ):
                if n == 1 and doc[i].dep_ == "prep":  # "since September", as written
                    sub = list(doc[i].subtree)
                    return doc[sub[0].i : sub[-1].i + 1]
                return doc[i : i + n]
    return None


@functools.cache
def _first_words(phrases: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    return frozenset(p[0] for p in phrases)


def _in_clause(tok: Token, top: Token, path: set[int]) -> bool:
    """tok hangs from top without passing through a clause of its own (except those on
    `path`, the number's)."""
    for _ in range(_DEPTH_REACH):
        if tok.i == top.i:
            return True
        if (tok.dep_ in _OWN_CLAUSES and tok.i not in path) or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _since_a_record(tok: Token) -> bool:
    """'the deadliest attack since 2019', 'the first strike since May': a 'since' that
    measures a record, not the period a total covers."""
    if tok.lower_ != "since":
        return False
    head = tok.head
    words = [head, *head.children]
    return any(w.tag_ in ("JJS", "RBS") or w.lower_ in ("first", "worst", "largest") for w in words)
