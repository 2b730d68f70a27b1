"""Extraction for a batch of articles: parse once, run every rule, return validated-shape rows."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span, Token

from pipelines import EXTRACTOR_VERSION
from pipelines.extract import claims as claim_rules
from pipelines.extract import events as event_rules
from pipelines.extract import syntax
from pipelines.extract.actors import Actor, ActorResolver
from pipelines.extract.dates import resolve_date
from pipelines.extract.nlp import DEFAULT_BATCH_SIZE, DEFAULT_MODEL, parse, resolve_workers
from pipelines.extract.places import gazetteer
from pipelines.extract.quantities import find_quantities
from pipelines.extract.rules import attribution_cues, modality_cues, trigger_lexicon
from pipelines.extract.workers import chunk_size, map_in_workers

if TYPE_CHECKING:
    import polars as pl

_REPO = Path(__file__).resolve().parents[2]
MAX_MESSAGE = 2000  # characters of an exception's message kept in extraction_errors

Progress = Callable[[int, int], None]  # (articles done, articles total)
_NESTED_CLAIMS = 50
_FORWARD = {"planned", "expected", "possible"}
_ROLE_HEADS = {
    "lawyer",
    "leader",
    "chief",
    "president",
    "secretary",
    "director",
    "head",
    "governor",
    "mayor",
    "ambassador",
    "envoy",
    "chairman",
    "chairwoman",
    "general",
}
_ANONYMITY_VERBS = {"speak", "request", "ask", "decline", "talk", "insist", "be"}
_GOVERNMENT_HEADS = {
    "partner",
    "ally",
    "country",
    "nation",
    "government",
    "state",
    "neighbour",
    "neighbor",
    "administration",
    "ministry",
    "regime",
}
_ORGANIZATION_HEADS = {
    "group",
    "organisation",
    "organization",
    "agency",
    "party",
    "union",
    "company",
    "coalition",
    "committee",
    "council",
    "network",
    "alliance",
}


@dataclass(frozen=True)
class ArticleInput:
    article_id: str
    text: str
    published_date: dt.date | None = None
    outlet: str | None = None
    body_start: int = 0  # tokens before this offset (the dateline) are never actors


@dataclass
class ExtractionResult:
    events: pl.DataFrame
    claims: pl.DataFrame
    quantities: pl.DataFrame
    actors: pl.DataFrame
    articles_parsed: int = 0
    words_parsed: int = 0
    # Articles the rules failed on: {"article_id", "error", "location"}; they have no rows.
    failures: list[dict] = field(default_factory=list)


@dataclass
class _Rows:
    events: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    quantities: list[dict] = field(default_factory=list)
    actors: dict[str, tuple[Actor, set[str]]] = field(default_factory=dict)
    failure: dict | None = None  # set instead of rows when the rules raised on the article


def stable_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def extract_articles(
    articles: Iterable[ArticleInput],
    *,
    model: str = DEFAULT_MODEL,
    n_process: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> ExtractionResult:
    # Imported here, not at the top: this module is also what each parser process imports,
    # and polars with pandera would add about 100 MB to every one of them.
    from schemas import Actors, Claims, Events, Quantities, frame_from_rows

    articles = list(articles)
    rows = _Rows()
    failures = []
    for _, one in extract_each(
        articles, model=model, n_process=n_process, batch_size=batch_size, progress=progress
    ):
        if one.failure:
            failures.append(one.failure)
        rows.events.extend(one.events)
        rows.claims.extend(one.claims)
        rows.quantities.extend(one.quantities)
        for actor_id, (actor, texts) in one.actors.items():
            rows.actors.setdefault(actor_id, (actor, set()))[1].update(texts)
    return ExtractionResult(
        events=frame_from_rows(Events, rows.events),
        claims=frame_from_rows(Claims, rows.claims),
        quantities=frame_from_rows(Quantities, rows.quantities),
        actors=frame_from_rows(Actors, actor_rows(rows)),
        articles_parsed=len(articles),
        words_parsed=sum(len(a.text.split()) for a in articles),
        failures=failures,
    )


def extract_each(
    articles: Iterable[ArticleInput],
    *,
    model: str = DEFAULT_MODEL,
    n_process: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> Iterator[tuple[ArticleInput, _Rows]]:
    """Parse the articles in batches and yield each one's rows as soon as it is done, in input
    order: every article is extracted on its own, so its rows can be stored and reused per
    article.

    With more than one worker, each worker process parses *and* runs the rules on its own
    share of articles and sends back only the rows. Parsing in workers and running the rules
    here would leave this process deserializing every Doc and running the rules while the
    workers wait for it: a third busy process on a two-core machine."""
    articles = list(articles)
    words = sum(len(a.text.split()) for a in articles)
    workers = resolve_workers(n_process, words)
    if workers > 1:
        chunks = _chunks(articles, chunk_size(len(articles), workers, batch_size))
        results = map_in_workers(
            _extract_chunk, chunks, workers=workers, model=model, batch_size=batch_size
        )
        pairs = ((a, rows) for chunk, done in results for a, rows in zip(chunk, done, strict=True))
    else:
        pairs = zip(articles, _extract_chunk(articles, model, batch_size), strict=True)
    for n, (article, rows) in enumerate(pairs, 1):
        if progress:
            progress(n, len(articles))
        yield article, rows


def _extract_chunk(articles: list[ArticleInput], model: str, batch_size: int) -> Iterator[_Rows]:
    # The dateline is blanked with spaces for the parser: offsets stay those of articles.text,
    # and "MORELIA, Mexico, Nov 11 (Northline Press) -" is never read as a subject.
    texts = (" " * a.body_start + a.text[a.body_start :] for a in articles)
    docs = parse(texts, model=model, n_process=1, batch_size=batch_size)
    for article, doc in zip(articles, docs, strict=True):
        rows = _Rows()
        try:
            extract_doc(article, doc, rows)
        except Exception as err:  # one article's failure must not cost the rest of the batch
            rows = _Rows(failure=failure_row(article.article_id, err))
        yield rows


def failure_row(article_id: str, err: BaseException) -> dict:
    """What to tell the user about rules that raised on an article: the exception, and where
    it was raised: the innermost frame in this repository's code (the rule that called into
    spaCy or dateparser, say), else the innermost frame."""
    frames = traceback.extract_tb(err.__traceback__)
    ours = [f for f in frames if _ours(Path(f.filename))]
    where = "unknown"
    if frames:
        frame = (ours or frames)[-1]
        path = Path(frame.filename)
        if path.is_relative_to(_REPO):
            path = path.relative_to(_REPO)
        where = f"{path.as_posix()}:{frame.lineno} in {frame.name}"
    message = str(err).strip()[:MAX_MESSAGE] or "(no message)"
    return {
        "article_id": article_id,
        "error": f"{type(err).__name__}: {message}",
        "location": where,
    }


def _ours(path: Path) -> bool:
    # A virtual environment inside the repository holds other people's code.
    return path.is_relative_to(_REPO) and "site-packages" not in path.parts


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def actor_rows(rows: _Rows) -> list[dict]:
    """Actors table rows, by actor_id: each with every name it was written as."""
    return [
        {
            "actor_id": a.actor_id,
            "name": a.name,
            "kind": a.kind,
            "country": a.country,
            "sector": a.sector,
            "in_dictionary": a.in_dictionary,
            "aliases": sorted(texts | set(a.aliases)),
        }
        for a, texts in sorted(rows.actors.values(), key=lambda x: x[0].actor_id)
    ]


def extract_doc(article: ArticleInput, doc: Doc, rows: _Rows) -> None:
    lex, modal, cues = trigger_lexicon(), modality_cues(), attribution_cues()
    cue_lemmas = set(cues.verbs) | {"accord"}
    resolver = ActorResolver()
    text = article.text
    aid = article.article_id
    article_claims: list[dict] = []
    told_outlets: dict[str, str] = {}  # speaker head lemma -> outlet they talked to
    # "The people, who asked not to be named, ..." anywhere in the article makes every claim by
    # unnamed "people" anonymous, before or after that sentence.
    unnamed = _anonymity_heads(doc, cues)

    for s_idx, sent in enumerate(doc.sents):
        # Claims first: an event inside a claim's content is reported under it.
        sent_claims = []
        for cm in claim_rules.find_claims(sent, cues):
            row = _claim_row(aid, s_idx, cm, text, resolver, cues, told_outlets, unnamed)
            if row["speaker_kind"] == "outlet" and row["reported_via"] is None:
                row["reported_via"] = row["speaker_text"]  # "Reuters reported"
            sent_claims.append(row)
        article_claims.extend(sent_claims)

        claim_index = _ClaimIndex(sent_claims)
        mentions = event_rules.find_events(sent, lex, modal, cue_lemmas)
        anchor_map: dict[int, dict] = {}
        sent_events = []
        for ev in mentions:
            row = _event_row(aid, s_idx, ev, article, resolver, sent)
            row["claim_id"] = claim_index.enclosing(row["start_char"])
            sent_events.append(row)
            for a in ev.anchors:
                anchor_map.setdefault(a.i, row)
        _attach_dates(sent, mentions, sent_events, article.published_date, cue_lemmas)
        speakers = {c["_speaker_i"] for c in sent_claims}
        for q in find_quantities(sent):
            if q.counted.i in speakers:
                continue  # "four U.S. officials" counts sources, not something that happened
            ev_row = _event_for(q.counted, anchor_map, sent_events)
            rows.quantities.append(
                {
                    "quantity_id": stable_id(aid, "quantity", q.start, q.end),
                    "article_id": aid,
                    "event_id": ev_row["event_id"] if ev_row else None,
                    "sentence_index": s_idx,
                    "kind": q.kind,
                    "value": q.value,
                    "unit": q.unit,
                    "qualifier": q.qualifier,
                    "text": text[q.start : q.end],
                    "start_char": q.start,
                    "end_char": q.end,
                    "extractor_version": EXTRACTOR_VERSION,
                }
            )
        rows.events.extend(sent_events)
    rows.claims.extend(article_claims)
    for actor, texts in resolver.actors():
        kept = rows.actors.setdefault(actor.actor_id, (actor, set()))
        kept[1].update(texts)


def _event_row(aid, s_idx, ev, article, resolver, sent) -> dict:
    doc = sent.doc
    start = ev.trigger.idx
    last = doc[ev.end_token - 1]
    end = last.idx + len(last.text)
    a1_text, a1 = _actor(
        ev.actor1, resolver, article.body_start, alone=ev.actor1_alone, trigger=ev.trigger
    )
    a2_text, a2 = _actor(ev.actor2, resolver, article.body_start, trigger=ev.trigger)
    location_text = ev.location.text if ev.location is not None else None
    place = gazetteer().lookup(location_text) if location_text else None
    return {
        "event_id": stable_id(aid, "event", start, end, ev.event_type),
        "article_id": aid,
        "sentence_index": s_idx,
        "start_char": start,
        "end_char": end,
        "trigger": article.text[start:end],
        "event_type": ev.event_type,
        "event_mode": ev.rule.mode,
        "quad_class": ev.quad_class,
        "actor1_text": a1_text,
        "actor1_id": a1.actor_id if a1 else None,
        "actor2_text": a2_text,
        "actor2_id": a2.actor_id if a2 else None,
        "event_date": None,
        "date_end": None,
        "date_precision": None,
        "date_text": None,
        "location_text": location_text,
        "location_country": place.country if place else None,
        "latitude": place.lat if place else None,
        "longitude": place.lon if place else None,
        "location_precision": place.kind if place else None,
        "modality": ev.modality,
        "claim_id": None,
        "confidence": ev.confidence,
        "extractor_version": EXTRACTOR_VERSION,
    }


def _actor(
    tok: Token | None,
    resolver: ActorResolver,
    body_start: int,
    alone: bool = False,
    trigger: Token | None = None,
) -> tuple[str | None, Actor | None]:
    if tok is None or tok.idx < body_start or tok.ent_type_ in ("DATE", "TIME"):
        return None, None
    if tok.tag_ in ("WP", "WDT") and tok.head.dep_ == "relcl":
        tok = tok.head.head  # "a student who was struck": the student
    if tok.pos_ == "PRON":
        antecedent = syntax.pronoun_antecedent(tok)
        if antecedent is None:
            return tok.text, resolver.resolve_pronoun(tok.text)
        tok = antecedent  # "the army said it had deployed": the army
    if tok.pos_ == "NOUN" and trigger_lexicon().lookup(tok.lemma_, "NOUN"):
        return None, None  # "condemned the attack": an event is not an actor
    span = syntax.phrase(tok, alone)
    if trigger is not None and span.start <= tok.i < trigger.i < span.end:
        # "11 civilians killed in the strike": an actor's phrase stops before its own event
        end = trigger.i
        while end > tok.i + 1 and tok.doc[end - 1].is_punct:
            end -= 1
        span = tok.doc[span.start : end]
    ner = tok.ent_type_ or None
    return span.text, resolver.resolve(span.text, tok.lemma_, ner)


def _attach_dates(
    sent: Span, mentions, rows: list[dict], published: dt.date | None, cue_lemmas: set[str]
) -> None:
    """A date belongs to the event whose clause it hangs off (first anchor up its heads).
    Dates hung off an event's own trigger are placed first: in "agreed on Sunday to a ceasefire
    starting on November 1" the ceasefire takes November 1, not the Sunday of the agreeing
    clause it also hangs off."""
    dates = [ent for ent in syntax.sentence_ents(sent) if ent.label_ == "DATE"]
    own = {ev.trigger.i: [(ev, row)] for ev, row in zip(mentions, rows, strict=True)}
    anchor_rows: dict[int, list[tuple[object, dict]]] = {}
    for ev, row in zip(mentions, rows, strict=True):
        for a in ev.anchors:
            anchor_rows.setdefault(a.i, []).append((ev, row))
    taken: set[int] = set()
    for anchors in (own, anchor_rows):
        for ent in dates:
            if ent.start in taken and anchors is anchor_rows:
                continue
            root = ent.root
            if (
                root.dep_ in ("compound", "nmod", "amod", "nummod")
                and root.head.i not in anchors
                and root.head.ent_type_ not in ("DATE", "TIME")  # "Thursday morning"
            ):
                continue  # "the 2023 agreement": the noun's own date, not its clause's
            if _said_on(ent, cue_lemmas):
                continue
            for anc in syntax.ancestors_in_sentence(ent.root):
                if anc.i not in anchors:
                    if anc.pos_ == "VERB" and anc.lemma_.lower() in cue_lemmas:
                        break  # "..., officials said on Friday": the date of the saying
                    if anchors is own and anc.i in anchor_rows:
                        break  # another clause's date; the second pass decides
                    continue
                for ev, row in anchors[anc.i]:
                    if row["date_text"] is not None:
                        continue
                    date_text = _date_phrase(ent)
                    future = ev.modality in _FORWARD
                    resolved = resolve_date(date_text, published, future=future)
                    cut = next((t.i for t in ent[1:] if t.pos_ in ("ADP", "SCONJ")), None)
                    if resolved is None and cut is not None:
                        # "Wednesday after months of talks" read as one DATE: its first part
                        date_text = ent.doc[ent.start : cut].text
                        resolved = resolve_date(date_text, published, future=future)
                    if resolved is None:
                        continue
                    row["event_date"] = resolved.start
                    row["date_end"] = resolved.end
                    row["date_precision"] = resolved.precision
                    row["date_text"] = date_text
                    taken.add(ent.start)
                break


def _said_on(ent: Span, cue_lemmas: set[str]) -> bool:
    """'The army said on Saturday it had arrested ...': the parser hangs the date on the
    reported verb, but it sits between the reporting verb and the reported clause's subject,
    so it dates the saying."""
    verb = next((a for a in ent.root.ancestors if a.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.dep_ != "ccomp" or verb.head.lemma_.lower() not in cue_lemmas:
        return False
    subj = next((c for c in verb.children if c.dep_ in syntax.SUBJECTS), None)
    return subj is not None and verb.head.i < ent.start and ent.end <= subj.i


def _date_phrase(ent: Span) -> str:
    """The DATE entity with a governing 'since'/'from' ("Since September")."""
    head = ent.root.head
    if ent.root.dep_ == "pobj" and head.lower_ in ("since", "from") and head.i == ent.start - 1:
        return ent.doc[head.i : ent.end].text
    return ent.text


def _event_for(counted: Token, anchor_map: dict[int, dict], sent_events: list[dict]):
    for anc in syntax.ancestors_in_sentence(counted):
        if anc.i in anchor_map:
            return anchor_map[anc.i]
    if not sent_events:
        return None
    return min(sent_events, key=lambda r: abs(r["start_char"] - counted.idx))


class _ClaimIndex:
    """The innermost claim whose content holds an offset. Only claims starting before the
    offset are looked at, nearest first, and a bounded number of them: a pathological sentence
    with thousands of claims stays linear."""

    def __init__(self, claims: list[dict]):
        self.spans = sorted(
            (c for c in claims if c["content_start"] is not None), key=lambda c: c["content_start"]
        )
        self.starts = [c["content_start"] for c in self.spans]

    def enclosing(self, pos: int) -> str | None:
        best = None
        upto = bisect.bisect_right(self.starts, pos)
        for c in reversed(self.spans[max(0, upto - _NESTED_CLAIMS) : upto]):
            size = c["content_end"] - c["content_start"]
            if pos < c["content_end"] and (best is None or size < best[0]):
                best = (size, c["claim_id"])
        return best[1] if best else None


def _anonymity_heads(doc: Doc, cues) -> set[str]:
    heads: set[str] = set()
    for sent in doc.sents:
        low = sent.text.lower()
        if not any(cue in low for cue in cues.anonymity_cues):
            continue
        for tok in sent:
            # "The officials spoke on condition of anonymity": the subject of that very verb
            if tok.pos_ == "NOUN" and tok.dep_ == "nsubj" and tok.head.lemma_ in _ANONYMITY_VERBS:
                heads.add(tok.lemma_.lower())
    return heads


def _claim_row(aid, s_idx, cm, text, resolver, cues, told_outlets, unnamed) -> dict:
    speaker_text = cm.speaker_span.text if cm.speaker_span is not None else None
    head = cm.speaker
    actor = None
    if head is not None:
        if head.pos_ == "PRON":
            actor = resolver.resolve_pronoun(head.text)
        elif speaker_text:
            actor = resolver.resolve(speaker_text, head.lemma_, head.ent_type_ or None)
    kind, anonymous = _speaker_kind(cm, actor, cues, unnamed)
    count = None
    if head is not None:
        num = next((c for c in head.children if c.dep_ == "nummod"), None)
        if num is not None:
            from pipelines.extract.quantities import parse_number

            value = parse_number([num.text])
            count = int(value) if value and value >= 1 and value == int(value) else None
    head_lemma = head.lemma_.lower() if head is not None else ""
    reported_via = cm.reported_via
    if reported_via and anonymous:
        told_outlets[head_lemma] = reported_via
    elif reported_via is None and anonymous:
        reported_via = told_outlets.get(head_lemma)
    content = None
    c_start, c_end = cm.content_start, cm.content_end
    if c_start is not None:
        c_start, c_end = claim_rules.extend_open_quote(text, c_start, c_end)
        content = text[c_start:c_end]
    return {
        "claim_id": stable_id(aid, "claim", cm.cue_start, cm.cue_end),
        "article_id": aid,
        "sentence_index": s_idx,
        "start_char": cm.cue_start,
        "end_char": cm.cue_end,
        "speaker_text": speaker_text,
        "speaker_actor_id": actor.actor_id if actor else None,
        "speaker_kind": kind,
        "speaker_count": count,
        "anonymous": anonymous,
        "cue": text[cm.cue_start : cm.cue_end],
        "cue_lemma": cm.cue_lemma,
        "stance": cm.stance,
        "content": content,
        "content_start": c_start,
        "content_end": c_end,
        "direct_quote": bool(content) and claim_rules.is_direct_quote(content),
        "reported_via": reported_via,
        "confidence": cm.confidence,
        "extractor_version": EXTRACTOR_VERSION,
        "_speaker_i": head.i if head is not None else -1,
    }


def _anonymity_scope(cm) -> str:
    """The words that can make this speaker anonymous: the speaker's own phrase ("officials,
    who requested anonymity") and the cue's modifiers ("said, speaking on condition of
    anonymity"), not another claim in the same sentence."""
    head = cm.speaker
    ids = {t.i for t in head.subtree}
    cue = head.doc[cm.cue_i]
    if cue.idx == cm.cue_start:
        for c in cue.children:
            if c.dep_ in ("advcl", "prep", "npadvmod", "advmod", "parataxis", "conj"):
                ids.update(t.i for t in c.subtree)
    return " ".join(head.doc[i].lower_ for i in sorted(ids))


def _speaker_kind(cm, actor: Actor | None, cues, unnamed: set[str]) -> tuple[str, bool]:
    head = cm.speaker
    if head is None:
        return "other", False
    span = cm.speaker_span
    lemma = head.lemma_.lower()
    has_name = any(t.ent_type_ == "PERSON" for t in span) if span is not None else False
    # "The group's commander, Wilmer Quinones,": a role with a proper name beside it, whatever
    # the entity recogniser called the name.
    roles = cues.anonymous_nouns | _ROLE_HEADS
    has_name = has_name or (
        lemma in roles and any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in head.children)
    )
    scope = _anonymity_scope(cm)
    anonymity = any(cue in scope for cue in cues.anonymity_cues)
    if actor is not None and actor.kind == "person" and actor.in_dictionary:
        return "named_person", False
    if has_name:  # "the group's commander, Wilmer Quinones,"
        return "named_person", False
    if span is not None and span.text.strip().lower() in cues.outlet_names:
        return "outlet", False
    if lemma in cues.anonymous_nouns or anonymity or lemma in unnamed:
        return "anonymous_official", True
    if actor is not None and actor.in_dictionary:
        if actor.kind == "country" or actor.sector in ("GOV", "MIL", "COP"):
            return "government", False
        return "organization", False
    if lemma in _GOVERNMENT_HEADS:
        return "government", False
    if lemma in _ORGANIZATION_HEADS or head.ent_type_ == "ORG":
        return "organization", False
    if head.ent_type_ == "PERSON" or (head.pos_ == "PROPN" and re.match(r"[A-Z]", head.text)):
        return "named_person", False
    return "other", False
