"""Claims against PolNeAR's attribution annotations (issue #17).

PolNeAR ships each article as a text file and its attributions as brat standoff (.ann):
`T` lines are spans (`T3<TAB>Content 115 290;300 320<TAB>text`, character offsets into the
text file, several fragments joined by `;`) of type Source, Cue, Content, Attribution (the
attribution's anchor, on the cue) or Attribution-no-source; `E` lines tie them together
(`E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`; a second content is `Content2`).
Discuss and Discard spans are annotators' notes and are not attributions.

Our claims carry offsets into `articles.text`, which ingest has cleaned (white space, a
headline taken off), so every gold span is located in the article text by its words, at the
occurrence nearest to where its offset puts it; an attribution whose cue cannot be located is
counted as unmapped and left out of recall (and reported).

Matching: a claim matches an unmatched attribution whose cue overlaps the claim's cue span
(`start_char`..`end_char`), the one with the largest overlap. On matched pairs:
- speaker agreement: the claim's speaker text and the gold source share words at F1 >= 0.5,
  or the speaker text, found in the article nearest to the cue, overlaps the gold source span;
  measured over pairs whose attribution has a source;
- content agreement: the claim's content and the gold content at word-overlap F1 >= 0.5
  (a looser figure, any overlap of the two content spans, is reported beside it).

PolNeAR does not label an attribution as speech, belief or anything else: every one is an
`Attribution` (or `Attribution-no-source`), covering statements, beliefs, knowledge,
intentions, decrees and perceptions alike (its guidelines, section "Attributions include more
than just quotes"). Speech is told apart here by the cue: an attribution is speech when its cue
holds a communication word from SPEECH_VERBS ("said", "told", "according to", "tweeted", ...);
"thinks", "wants", "plans", "knows" and the like are not.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.evaluate_external.run import why_not_extracted
from pipelines.evaluate_external.text import locate, overlap_f1, spans_overlap, words

Span = tuple[int, int]

# Communication verbs and nouns (lemmas); their inflected forms are derived below.
SPEECH_VERBS = frozenset(
    """
    say tell add state announce report claim deny insist explain note declare write tweet post
    reply respond answer ask argue warn urge call admit acknowledge confirm repeat suggest
    comment remark mention testify speak describe quote reveal disclose predict promise vow
    pledge threaten complain accuse criticize criticise praise boast joke recall concede assert
    contend maintain stress emphasize emphasise point lament proclaim shout yell whisper
    question demand charge blast slam attack dismiss reject counter retort chant cry exclaim
    advise recommend propose caution allege assure inform notify tout brag rail decry condemn
    apologize apologise thank congratulate interview statement remarks speech according
    message email letter""".split()
)
_IRREGULAR = {
    "said": "say",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "spoke": "speak",
    "spoken": "speak",
}


def _lemma_guess(word: str) -> str:
    """A crude English lemma, enough to match inflections of SPEECH_VERBS."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            for cand in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else stem):
                if cand in SPEECH_VERBS:
                    return cand
    return word


def is_speech(cue: str) -> bool:
    return any(_lemma_guess(w) in SPEECH_VERBS for w in words(cue))


@dataclass
class Attribution:
    ann_id: str
    cue: list[Span]
    source: list[Span] = field(default_factory=list)
    content: list[Span] = field(default_factory=list)


def parse_ann(ann: str) -> list[Attribution]:
    """The attributions of one brat .ann file, spans as offsets into its text file."""
    spans: dict[str, list[Span]] = {}
    events: list[tuple[str, dict[str, list[str]]]] = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0]:
            continue
        if parts[0].startswith("T"):
            _kind, _, ranges = parts[1].partition(" ")
            spans[parts[0]] = [(int(a), int(b)) for a, b in (r.split() for r in ranges.split(";"))]
        elif parts[0].startswith("E"):
            roles: dict[str, list[str]] = {}
            for arg in parts[1].split():
                role, _, ref = arg.partition(":")
                roles.setdefault(re.sub(r"\d+$", "", role), []).append(ref)
            events.append((parts[0], roles))
    out = []
    for ann_id, roles in events:
        if not ({"Attribution", "Attribution-no-source"} & roles.keys()) or "Cue" not in roles:
            continue

        def frags(role: str, roles: dict[str, list[str]] = roles) -> list[Span]:
            return sorted(s for ref in roles.get(role, []) for s in spans.get(ref, []))

        out.append(Attribution(ann_id, frags("Cue"), frags("Source"), frags("Content")))
    return out


@dataclass
class GoldAttribution:
    """One attribution in article-text offsets (cue None: could not be located)."""

    article: str
    cue: list[Span] | None
    cue_text: str
    source_text: str
    source: list[Span]
    content_text: str
    content: list[Span]
    speech: bool


def map_attributions(
    article: str, raw: str, text: str, attributions: list[Attribution]
) -> list[GoldAttribution]:
    """Carry each attribution's spans from the raw file onto the article's cleaned text."""
    anchor = text[:40]
    shift = raw.find(anchor) if anchor else -1
    shift = max(shift, 0)

    def carry(frags: list[Span]) -> list[Span] | None:
        out = []
        for s, e in frags:
            hit = locate(text, raw[s:e], s - shift)
            if hit is None:
                return None
            out.append(hit)
        return out

    gold = []
    for a in attributions:
        cue_text = " ".join(raw[s:e] for s, e in a.cue)
        gold.append(
            GoldAttribution(
                article=article,
                cue=carry(a.cue) if a.cue else None,
                cue_text=cue_text,
                source_text=" ".join(raw[s:e] for s, e in a.source),
                source=carry(a.source) or [],
                content_text=" ".join(raw[s:e] for s, e in a.content),
                content=carry(a.content) or [],
                speech=is_speech(cue_text),
            )
        )
    return gold


def _overlap(a: list[Span], b: Span) -> int:
    return sum(max(0, min(e, b[1]) - max(s, b[0])) for s, e in a)


def _speaker_agrees(claim: dict, gold: GoldAttribution, text: str) -> bool:
    if overlap_f1(claim["speaker_text"], gold.source_text) >= 0.5:
        return True
    if not claim["speaker_text"] or not gold.source:
        return False
    hit = locate(text, claim["speaker_text"], claim["start_char"])
    return hit is not None and any(spans_overlap(hit, s) for s in gold.source)


def match_article(
    claims: list[dict], gold: list[GoldAttribution], text: str
) -> tuple[list[tuple[dict, GoldAttribution]], list[dict]]:
    """Pairs (claim, attribution) and the claims that matched nothing."""
    free = [g for g in gold if g.cue is not None]
    pairs, extra = [], []
    for claim in sorted(claims, key=lambda c: c["start_char"]):
        span = (claim["start_char"], claim["end_char"])
        best = max(free, key=lambda g: _overlap(g.cue or [], span), default=None)
        if best is None or _overlap(best.cue or [], span) == 0:
            extra.append(claim)
            continue
        free.remove(best)
        pairs.append((claim, best))
    return pairs, extra


def explain_article(
    claims: list[dict],
    pairs: list[tuple[dict, GoldAttribution]],
    extra: list[dict],
    gold: list[GoldAttribution],
) -> tuple[Counter, Counter]:
    """Why claims matched nothing and attributions were missed, in broad categories."""
    matched = {id(g) for _, g in pairs}
    extra_why: Counter = Counter()
    for c in extra:
        span = (c["start_char"], c["end_char"])
        if any(_overlap(g.cue or [], span) for g in gold):
            extra_why["second_claim_on_one_cue"] += 1
        elif any(_overlap(g.content + g.source, span) for g in gold):
            # PolNeAR gives each token to one attribution only: a report inside a report
            # is left unannotated.
            extra_why["inside_another_attribution"] += 1
        else:
            extra_why["no_attribution_there"] += 1
    missed_why: Counter = Counter()
    contents = [
        (c["content_start"], c["content_end"]) for c in claims if c["content_start"] is not None
    ]
    for g in gold:
        if g.cue is None or id(g) in matched:
            continue
        if not any(ch.isalnum() for ch in g.cue_text):
            missed_why["punctuation_cue"] += 1
        elif any(_overlap(g.cue, s) for s in contents):
            missed_why["inside_a_claims_content"] += 1
        elif not g.speech:
            missed_why["not_speech"] += 1
        else:
            missed_why["speech_cue_missed"] += 1
    return extra_why, missed_why


def list_errors(
    pairs: list[tuple[dict, GoldAttribution]],
    extra: list[dict],
    gold: list[GoldAttribution],
    text: str,
    context: int = 160,
) -> list[dict]:
    """One article's errors, each with the text around it, for studying the train split:
    speech attributions missed, claims that matched nothing, matched pairs whose speaker
    disagrees. Its categories are explain_article's."""

    def around(pos: int) -> str:
        return text[max(0, pos - context) : pos + context].replace("\n", " | ")

    out: list[dict] = []
    matched = {id(g) for _, g in pairs}
    contents = [
        (c["content_start"], c["content_end"])
        for c, _ in pairs
        if c.get("content_start") is not None
    ] + [
        (c["content_start"], c["content_end"]) for c in extra if c.get("content_start") is not None
    ]
    for g in gold:
        if not g.cue or id(g) in matched or not g.speech:
            continue
        inside = any(_overlap(g.cue, s) for s in contents)
        out.append(
            {
                "error": "missed_inside_content" if inside else "missed",
                "cue": g.cue_text,
                "gold_source": g.source_text,
                "at": g.cue[0][0],
                "context": around(g.cue[0][0]),
            }
        )
    for c in extra:
        span = (c["start_char"], c["end_char"])
        nested = any(_overlap(g.content + g.source, span) for g in gold)
        out.append(
            {
                "error": "unmatched_nested" if nested else "unmatched",
                "cue": c["cue"],
                "speaker": c["speaker_text"],
                "at": c["start_char"],
                "context": around(c["start_char"]),
            }
        )
    for c, g in pairs:
        if g.source_text and not _speaker_agrees(c, g, text):
            out.append(
                {
                    "error": "speaker",
                    "cue": c["cue"],
                    "speaker": c["speaker_text"],
                    "gold_source": g.source_text,
                    "at": c["start_char"],
                    "context": around(c["start_char"]),
                }
            )
    return out


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def score(
    pairs: list[tuple[dict, GoldAttribution]],
    extra: list[dict],
    gold: list[GoldAttribution],
    texts: dict[str, str],
) -> dict:
    mapped = [g for g in gold if g.cue is not None]
    matched_ids = {id(g) for _, g in pairs}
    n_claims = len(pairs) + len(extra)
    p = len(pairs) / n_claims if n_claims else 0.0
    r = len(pairs) / len(mapped) if mapped else 0.0
    speech = [g for g in mapped if g.speech]
    with_source = [(c, g) for c, g in pairs if g.source_text]
    speaker_ok = [_speaker_agrees(c, g, texts[g.article]) for c, g in with_source]
    content_f1 = [overlap_f1(c["content"], g.content_text) >= 0.5 for c, g in pairs]
    content_span = [
        c["content_start"] is not None
        and any(spans_overlap((c["content_start"], c["content_end"]), s) for s in g.content)
        for c, g in pairs
    ]
    missed = [g for g in mapped if id(g) not in matched_ids]
    speech_matched = sum(id(g) in matched_ids for g in speech)
    return {
        "claims": n_claims,
        "attributions": len(gold),
        "attributions_unmapped": len(gold) - len(mapped),
        "matched": len(pairs),
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "recall_counting_unmapped": _ratio(len(pairs), len(gold)),
        "speech_attributions": len(speech),
        "speech_matched": speech_matched,
        "speech_recall": _ratio(speech_matched, len(speech)),
        "other_recall": _ratio(
            sum(id(g) in matched_ids for g in mapped if not g.speech), len(mapped) - len(speech)
        ),
        "speaker_agreement": _ratio(sum(speaker_ok), len(speaker_ok)),
        "pairs_without_gold_source": len(pairs) - len(with_source),
        "content_agreement": _ratio(sum(content_f1), len(content_f1)),
        "content_span_overlap": _ratio(sum(content_span), len(content_span)),
        "missed_cue_words": _top_cues(g.cue_text for g in missed),
        "missed_speech_cue_words": _top_cues(g.cue_text for g in missed if g.speech),
        "extra_cue_words": _top_cues(c["cue"] for c in extra),
    }


def _top_cues(cues, n: int = 15) -> list[list]:
    # A cue with no word is punctuation (a colon or dash introducing a quote): shown as is.
    counted = Counter(" ".join(words(c)) or c.strip() for c in cues)
    return [[w, k] for w, k in counted.most_common(n)]


def load_metadata(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["filename"]: r for r in csv.DictReader(f, delimiter="\t")}


def dev_articles(text_dir: Path, ann_dir: Path) -> list[tuple[Path, Path, int]]:
    """(text file, .ann file, how many .ann files it has) per dev article. An article that
    several annotators did (PolNeAR's agreement checks) is scored against the first file."""
    out = []
    for text in sorted(text_dir.glob("*.txt")):
        anns = sorted(ann_dir.glob(f"{text.stem}_*.ann"))
        if anns:
            out.append((text, anns[0], len(anns)))
    return out


def write_articles(articles: list[tuple[Path, Path, int]], meta: dict[str, dict], raw_dir: Path):
    """Copy each text file into raw/ with a sidecar giving its outlet and publication date,
    as a user landing these articles would."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    for text, _ann, _n in articles:
        (raw_dir / text.name).write_bytes(text.read_bytes())
        m = meta.get(text.stem, {})
        side = {
            k: v
            for k, v in (("outlet", m.get("publisher")), ("published", m.get("publication_date")))
            if v
        }
        (raw_dir / f"{text.stem}.meta.json").write_text(json.dumps(side), encoding="utf-8")


def evaluate_tables(
    articles: list[tuple[Path, Path, int]],
    article_by_file: dict[str, dict],
    claims_by_article: dict[str, list[dict]],
    errors: list[dict] | None = None,
) -> dict:
    """The report; each article's errors (list_errors) are appended to `errors` when given."""
    all_pairs, all_extra, all_gold, texts = [], [], [], {}
    not_extracted: Counter = Counter()
    extra_why: Counter = Counter()
    missed_why: Counter = Counter()
    for text_path, ann_path, _n in articles:
        row = article_by_file.get(text_path.name)
        raw = text_path.read_text(encoding="utf-8")
        attrs = parse_ann(ann_path.read_text(encoding="utf-8"))
        skipped = why_not_extracted(row)
        if skipped:
            # No claims could come from it: its attributions all count as missed.
            not_extracted[skipped] += 1
            for g in map_attributions(text_path.stem, raw, "", attrs):
                g.cue = []
                all_gold.append(g)
            continue
        texts[text_path.stem] = row["text"]
        gold = map_attributions(text_path.stem, raw, row["text"], attrs)
        claims = claims_by_article.get(row["article_id"], [])
        pairs, extra = match_article(claims, gold, row["text"])
        why_extra, why_missed = explain_article(claims, pairs, extra, gold)
        extra_why += why_extra
        missed_why += why_missed
        if errors is not None:
            errors += [
                {"article": text_path.stem, **e}
                for e in list_errors(pairs, extra, gold, row["text"])
            ]
        all_pairs += pairs
        all_extra += extra
        all_gold += gold
    report = score(all_pairs, all_extra, all_gold, texts)
    report["articles"] = len(articles)
    report["articles_with_several_annotations"] = sum(n > 1 for *_, n in articles)
    report["articles_not_extracted"] = dict(not_extracted)
    report["unmatched_claims_why"] = dict(extra_why.most_common())
    # PolNeAR leaves a report nested in another's span unannotated, so such claims cannot
    # match: precision without them is an upper bound, the plain one a lower bound.
    nested = extra_why["inside_another_attribution"]
    report["precision_without_nested"] = _ratio(report["matched"], report["claims"] - nested)
    report["missed_attributions_why"] = dict(missed_why.most_common())
    return report
