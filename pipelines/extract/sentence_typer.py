"""A learned fallback for sentences the trigger lexicon gives no event.

Real reporting uses more words for its acts than any lexicon lists. For a sentence where no
entry fires, a multinomial logistic regression over the sentence's parse (its root, its verbs
with their objects, prepositions and complements, its nouns and adjectives) names the likeliest
PLOVER type or NONE. Only a type at least `threshold` likely and likelier than NONE becomes an
event; its trigger is the word whose features weigh most for that type, and its parties, modality
and place are read by the same code as a lexicon entry's. Events made this way say so
(`type_basis = 'model'`) and carry half the model's probability as their confidence, so they
stay below every lexicon entry's.

The weights are data (`sentence_typer.json` beside the lexicons, overridable by name through
EVENTWIRE_LEXICON_DIR like every lexicon), trained by `make train-typer`
(`pipelines/train/sentence_typer.py`; docs/quality.md says on what). A lexicon entry always
wins: the model is asked only where no entry fired. A file with no classes switches it off.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass

from spacy.tokens import Span, Token

from pipelines.errors import LexiconError
from pipelines.lexicons import data_file
from schemas.codes import PLOVER_TYPES

FILE = "sentence_typer.json"
NONE = "NONE"
# PLV's YIELD is the older root PLOVER split into CONCEDE and RETREAT; the model keeps it one
# class (their words overlap) and codes it as the concession.
MERGED = {"YIELD": "CONCEDE"}
_OBJECT_DEPS = ("dobj", "nsubjpass", "attr")


def features(sent: Span) -> dict[str, list[Token]]:
    """Each feature of the sentence with the words it is anchored to (the trigger candidates)."""
    out: dict[str, list[Token]] = {}

    def add(name: str, tok: Token | None) -> None:
        anchors = out.setdefault(name, [])
        if tok is not None:
            anchors.append(tok)

    root = sent.root
    add("root=" + root.lemma_.lower(), root)
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ == "VERB":
            add("v=" + lemma, tok)
            for c in tok.children:
                if c.dep_ in _OBJECT_DEPS:
                    add(f"vo={lemma}_{c.lemma_.lower()}", tok)
                elif c.dep_ == "prep":
                    add(f"vp={lemma}_{c.lower_}", tok)
                    for g in c.children:
                        if g.dep_ == "pobj":
                            add(f"vpo={lemma}_{c.lower_}_{g.lemma_.lower()}", tok)
                elif c.dep_ == "xcomp":
                    add(f"vx={lemma}_{c.lemma_.lower()}", tok)
                elif c.dep_ == "neg":
                    add("neg", None)
        elif tok.pos_ == "NOUN":
            add("n=" + lemma, tok)
        elif tok.pos_ == "ADJ":
            add("a=" + lemma, None)  # "willing", "joint": they tip the type, they are no trigger
    return out


@dataclass(frozen=True)
class Guess:
    event_type: str
    probability: float
    trigger: Token


@dataclass(frozen=True)
class SentenceTyper:
    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per class
    bias: tuple[float, ...]
    threshold: float

    def probabilities(self, feats: dict[str, list[Token]]) -> list[float]:
        scores = list(self.bias)
        for name in feats:
            row = self.weights.get(name)
            if row is not None:
                scores = [s + w for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def guess(self, sent: Span) -> Guess | None:
        """The event type the sentence most likely reports, with its trigger word; None when
        NONE is likelier or no type reaches the threshold."""
        if not self.classes:
            return None
        feats = features(sent)
        probs = self.probabilities(feats)
        none_p = probs[self.classes.index(NONE)]
        best = max((i for i, c in enumerate(self.classes) if c != NONE), key=probs.__getitem__)
        if probs[best] < self.threshold or probs[best] <= none_p:
            return None
        trigger, weight = None, -math.inf
        for name, anchors in feats.items():
            row = self.weights.get(name)
            for tok in anchors if row is not None else ():
                if row[best] > weight:
                    trigger, weight = tok, row[best]
        if trigger is None:
            return None
        trigger = _clause_verb(trigger)
        event_type = self.classes[best]
        return Guess(MERGED.get(event_type, event_type), probs[best], trigger)


def _clause_verb(tok: Token) -> Token:
    """A noun's clause verb when the noun is its subject, object or prepositional object
    ("took to the streets": "took"), so the parties are read from the clause; else the noun."""
    if tok.pos_ != "NOUN":
        return tok
    head = tok.head
    if tok.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    elif tok.dep_ not in ("dobj", "nsubj", "nsubjpass"):
        return tok
    return head if head.pos_ == "VERB" and head is not tok else tok


def parse_typer(data: object, where: str) -> SentenceTyper:
    """A typer from its JSON document, checked: `where` names the file in every error."""

    def need(cond: bool, message: str) -> None:
        if not cond:
            raise LexiconError(f"{where}: {message}")

    need(isinstance(data, dict), "expected a JSON object")
    assert isinstance(data, dict)
    need(data.get("format") == 1, "format must be 1")
    unknown = sorted(set(data) - {"format", "classes", "threshold", "bias", "weights", "about"})
    need(not unknown, f"unknown keys {unknown}")
    classes = data.get("classes")
    need(isinstance(classes, list), "classes: expected a list")
    if not classes:
        return SentenceTyper((), {}, (), 1.0)  # switched off
    allowed = set(PLOVER_TYPES) | set(MERGED) | {NONE}
    bad = [c for c in classes if c not in allowed]
    need(not bad, f"classes: not PLOVER types or NONE: {bad}")
    need(NONE in classes and len(set(classes)) == len(classes), "classes: NONE once, no repeats")
    n = len(classes)

    def numbers(value: object, what: str) -> tuple[float, ...]:
        ok = isinstance(value, list) and len(value) == n
        ok = ok and all(isinstance(v, int | float) and math.isfinite(v) for v in value)
        need(ok, f"{what}: expected {n} finite numbers, one per class")
        return tuple(float(v) for v in value)

    threshold = data.get("threshold")
    need(isinstance(threshold, int | float) and 0 < threshold <= 1, "threshold: in (0, 1]")
    weights = data.get("weights")
    need(isinstance(weights, dict), "weights: expected an object of feature -> weights")
    return SentenceTyper(
        classes=tuple(classes),
        weights={str(k): numbers(v, f"weights.{k}") for k, v in weights.items()},
        bias=numbers(data.get("bias"), "bias"),
        threshold=float(threshold),
    )


@functools.cache
def sentence_typer() -> SentenceTyper:
    path = data_file(FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"{path}: data file not found") from None
    except json.JSONDecodeError as err:
        raise LexiconError(f"{path}: not valid JSON: {err}") from None
    return parse_typer(data, str(path))
