"""Score extraction against hand annotations (the gold format in docs/quality.md).

Matching rules (lenient on span boundaries, strict on meaning):
- A gold item's sentence is located in the article text; a predicted event or claim belongs to
  it when its trigger or cue starts inside that sentence's span.
- Events: same sentence and same PLOVER type; when several fit, the one whose trigger shares a
  word with the gold trigger wins. Gold events of type OTHER are outside PLOVER and not scored.
- Actors match when both are empty, when one text contains the other (case, punctuation and
  leading articles/numbers ignored), or when both resolve to the same dictionary actor
  ("Washington" and "the U.S. government"; "he" resolved to Maduro and "Maduro"), or when the
  name the actors table gives the predicted actor contains or is contained in the gold ("she"
  resolved to Lindqvist, someone outside the dictionary, and "Hanna Lindqvist").
- Dates compare at the gold's precision (YYYY-MM-DD, YYYY-MM or YYYY); null matches null.
  `date_given` is the same check over the gold events whose text gives or implies a date.
- Coverage (every predicted event, matched or not): the share dated, placed (coordinates) and
  with a country, and how each date and place is known (date_basis, location_basis).
- Quantities: each gold number on a matched event must appear on that event with the same value
  and qualifier ("at least" = at_least); vague plurals ("dozens") match by their word.
- Claims: same sentence and same speaker (actor rule above). Speaker accuracy is measured over
  gold claims whose sentence has a predicted claim with the same cue verb. Content matches at
  token-overlap F1 >= 0.5.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.extract import ArticleInput, extract_articles
from pipelines.extract.actors import ActorResolver, normalize, strip_leading
from pipelines.extract.quantities import quantity_words
from pipelines.ingest.article_row import article_row
from pipelines.ingest.readers import DEFAULT_MAX_BYTES, RawDoc
from pipelines.ingest.registry import read_items


@dataclass
class GoldDoc:
    slug: str
    split: str
    text: str
    body_start: int
    published: object
    gold: dict
    article_id: str = ""
    dateline: str | None = None


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    attrs: dict[str, list[bool]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def attr(self, name: str, ok: bool) -> None:
        self.attrs.setdefault(name, []).append(ok)

    def scores(self) -> dict[str, float | int | None]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out: dict[str, float | int | None] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "gold": self.tp + self.fn,
            "predicted": self.tp + self.fp,
        }
        for name, oks in sorted(self.attrs.items()):
            out[f"{name}_accuracy"] = round(sum(oks) / len(oks), 3) if oks else None
        return out


def load_gold(gold_dir: Path, repo: Path) -> list[GoldDoc]:
    docs = []
    for gold_path in sorted(gold_dir.rglob("*.gold.json")):
        meta_path = gold_path.with_name(gold_path.name.replace(".gold.json", ".meta.json"))
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        source = repo / meta["source"]
        raw = _read_source(source, meta.get("record"))
        if not raw.published and meta.get("published"):
            raw.published = meta["published"]
        row = article_row(raw, meta["source"], now=_now())
        rel = gold_path.parent.relative_to(gold_dir)
        split = rel.parts[0] if rel.parts else "seed"
        docs.append(
            GoldDoc(
                slug=gold_path.name.removesuffix(".gold.json"),
                split=split,
                text=row["text"],
                body_start=row["body_start"],
                published=row["published_date"],
                gold=json.loads(gold_path.read_text(encoding="utf-8")),
                article_id=row["article_id"],
                dateline=row["dateline"],
            )
        )
    return docs


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def _read_source(path: Path, record: int | None) -> RawDoc:
    items = [i for i in read_items(path, DEFAULT_MAX_BYTES) if isinstance(i, RawDoc)]
    if record is None:
        return items[0]
    return next(i for i in items if i.record == record)


def _words(s: str | None) -> list[str]:
    return re.findall(r"\w+", (s or "").lower())


def _norm(s: str | None) -> str:
    return strip_leading(normalize(s or "")).lower()


def actor_match(
    gold: str | None,
    pred_text: str | None,
    pred_id: str | None,
    resolver: ActorResolver,
    names: dict[str, str] | None = None,
) -> bool:
    """The rule in the module doc; `names` (actors.name by actor_id) lets a pronoun or short
    form resolved to someone outside the dictionary match by that actor's name ("she" resolved
    to Lindqvist, "Hanna Lindqvist")."""
    if not gold or not pred_text:
        return not gold and not pred_text
    g, p = _norm(gold), _norm(pred_text)
    if g and p and (g in p or p in g):
        return True
    name = _norm((names or {}).get(pred_id or "", ""))
    if g and name and (g in name or name in g):
        return True
    gid = resolver.resolve(gold).actor_id
    return pred_id is not None and gid == pred_id and not gid.startswith("unk:")


def overlap_f1(a: str | None, b: str | None) -> float:
    if not a and not b:
        return 1.0  # a refusal has no content in gold or prediction
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    common = sum(min(wa.count(w), wb.count(w)) for w in set(wa))
    return 2 * common / (len(wa) + len(wb))


def _date_str(row: dict) -> str | None:
    d, prec = row["event_date"], row["date_precision"]
    if d is None:
        return None
    if prec == "range":
        end = row["date_end"]
        return d.strftime("%Y-%m") if end and (end.year, end.month) == (d.year, d.month) else None
    return {"day": d.isoformat(), "month": d.strftime("%Y-%m"), "year": str(d.year)}[prec]


def _sentence_span(text: str, sentence: str) -> tuple[int, int] | None:
    i = text.find(sentence)
    if i < 0:
        i = text.find(sentence[:60])
        if i < 0:
            return None
        return i, i + len(sentence)
    return i, i + len(sentence)


def score(
    docs: list[GoldDoc],
    events: pl.DataFrame,
    claims: pl.DataFrame,
    quantities: pl.DataFrame,
    actors: pl.DataFrame | None = None,
) -> dict[str, dict]:
    by_split: dict[str, tuple[Tally, Tally]] = {}
    names = dict(zip(actors["actor_id"], actors["name"], strict=True)) if actors is not None else {}
    # The guide annotates an act once; a later mention linked to its first is not a new event.
    events = events.filter(pl.col("mention_of").is_null())
    for doc in docs:
        ev_t, cl_t = by_split.setdefault(doc.split, (Tally(), Tally()))
        resolver = ActorResolver()
        preds = events.filter(pl.col("article_id") == doc.article_id).to_dicts()
        qs = quantities.filter(pl.col("article_id") == doc.article_id).to_dicts()
        _score_events(doc, preds, qs, ev_t, resolver, names)
        cpreds = claims.filter(pl.col("article_id") == doc.article_id).to_dicts()
        _score_claims(doc, cpreds, cl_t, resolver, names)
    coverage: dict[str, dict] = {}
    for doc in docs:
        preds = events.filter(pl.col("article_id") == doc.article_id)
        _add_coverage(coverage.setdefault(doc.split, {}), preds)
    report = {}
    for split, (ev_t, cl_t) in sorted(by_split.items()):
        ev, cl = ev_t.scores(), cl_t.scores()
        actor_oks = ev_t.attrs.get("actor1", []) + ev_t.attrs.get("actor2", [])
        ev["actor_accuracy"] = round(sum(actor_oks) / len(actor_oks), 3) if actor_oks else None
        report[split] = {
            "events": ev,
            "claims": cl,
            "errors": ev_t.errors + cl_t.errors,
            "articles": sum(d.split == split for d in docs),
            "coverage": _coverage_shares(coverage.get(split, {})),
        }
    return report


def _add_coverage(counts: dict, preds: pl.DataFrame) -> None:
    counts["events"] = counts.get("events", 0) + preds.height
    for name, col in (
        ("dated", "event_date"),
        ("placed", "latitude"),
        ("with_country", "location_country"),
    ):
        counts[name] = counts.get(name, 0) + preds[col].is_not_null().sum()
    for col in ("date_basis", "location_basis"):
        bases = counts.setdefault(col, {})
        for basis in preds[col].to_list():
            bases[basis or "none"] = bases.get(basis or "none", 0) + 1


def _coverage_shares(counts: dict) -> dict:
    n = counts.get("events", 0)
    out: dict = {"events": n}
    for name in ("dated", "placed", "with_country"):
        out[name] = round(counts.get(name, 0) / n, 3) if n else None
    for col in ("date_basis", "location_basis"):
        out[col] = dict(sorted(counts.get(col, {}).items()))
    return out


def _score_events(doc, preds, qs, t: Tally, resolver, names: dict[str, str]) -> None:
    used: set[str] = set()
    for g in doc.gold["events"]:
        if g["type"] == "OTHER":
            continue
        span = _sentence_span(doc.text, g["sentence"])
        cands = [
            p
            for p in preds
            if p["event_id"] not in used
            and p["event_type"] == g["type"]
            and span
            and span[0] <= p["start_char"] < span[1]
        ]
        if not cands:
            t.fn += 1
            t.errors.append(
                f"{doc.slug}: missed {g['type']} '{g['trigger']}' in: {g['sentence'][:90]}"
            )
            continue
        gw = set(_words(g["trigger"]))
        best = max(cands, key=lambda p: (bool(gw & set(_words(p["trigger"]))), -p["start_char"]))
        used.add(best["event_id"])
        t.tp += 1
        a1 = actor_match(g["actor1"], best["actor1_text"], best["actor1_id"], resolver, names)
        a2 = actor_match(g["actor2"], best["actor2_text"], best["actor2_id"], resolver, names)
        t.attr("actor1", a1)
        t.attr("actor2", a2)
        t.attr("date", _date_str(best) == g["date"])
        if g["date"] is not None:
            t.attr("date_given", _date_str(best) == g["date"])
        t.attr("modality", best["modality"] == g["modality"])
        for name, ok, gv, pv in [
            ("actor1", a1, g["actor1"], best["actor1_text"]),
            ("actor2", a2, g["actor2"], best["actor2_text"]),
            ("date", _date_str(best) == g["date"], g["date"], _date_str(best)),
            ("modality", best["modality"] == g["modality"], g["modality"], best["modality"]),
        ]:
            if not ok:
                t.errors.append(
                    f"{doc.slug}: {g['type']} '{g['trigger']}' {name}: gold {gv!r}, got {pv!r}"
                )
        mine = [q for q in qs if q["event_id"] == best["event_id"]]
        for gq in g.get("quantities", []):
            ok = _quantity_found(gq, mine)
            t.attr("quantity", ok)
            if not ok:
                t.errors.append(
                    f"{doc.slug}: {g['type']} '{g['trigger']}' quantity {gq} not on event"
                )
    for p in preds:
        if p["event_id"] not in used:
            t.fp += 1
            t.errors.append(
                f"{doc.slug}: extra {p['event_type']} '{p['trigger']}' (sentence {p['sentence_index']})"
            )


def _quantity_found(gq: dict, mine: list[dict]) -> bool:
    if gq.get("value") is None:
        word = (gq.get("qualifier") or "").lower()
        return any(q["text"].lower().startswith(word) for q in mine)
    qual = _qualifier_code(gq.get("qualifier"))
    return any(abs(q["value"] - gq["value"]) < 1e-6 and q["qualifier"] == qual for q in mine)


def _qualifier_code(words: str | None) -> str | None:
    """The qualifier code of the words gold writes ("at least" -> at_least), as the
    extraction rules read them (quantities.yaml); no words is exact."""
    if words is None:
        return "exact"
    codes = {" ".join(phrase): code for phrase, code in quantity_words().qualifiers}
    return codes.get(words, words)


def _score_claims(doc, preds, t: Tally, resolver, names: dict[str, str]) -> None:
    used: set[str] = set()
    for g in doc.gold["claims"]:
        span = _sentence_span(doc.text, g["sentence"])
        in_sent = [p for p in preds if span and span[0] <= p["start_char"] < span[1]]
        # Speaker accuracy: among sentences where we found a claim with the same cue verb.
        cue_w = set(_words(g["cue"]))
        same_cue = [p for p in in_sent if cue_w & set(_words(p["cue"]))]
        if same_cue:
            t.attr(
                "speaker",
                any(
                    actor_match(
                        g["speaker"], p["speaker_text"], p["speaker_actor_id"], resolver, names
                    )
                    for p in same_cue
                ),
            )
        cands = [
            p
            for p in in_sent
            if p["claim_id"] not in used
            and actor_match(g["speaker"], p["speaker_text"], p["speaker_actor_id"], resolver, names)
        ]
        if not cands:
            t.fn += 1
            t.errors.append(
                f"{doc.slug}: missed claim by {g['speaker']!r} ({g['cue']}) in: {g['sentence'][:80]}"
            )
            continue
        best = max(
            cands,
            key=lambda p: (
                bool(cue_w & set(_words(p["cue"]))),
                overlap_f1(g["content"], p["content"]),
            ),
        )
        used.add(best["claim_id"])
        t.tp += 1
        checks = {
            "cue": bool(cue_w & set(_words(best["cue"]))),
            "content": overlap_f1(g["content"], best["content"]) >= 0.5,
            "anonymous": best["anonymous"] == g["anonymous"],
            "direct_quote": best["direct_quote"] == g["direct_quote"],
            "reported_via": (best["reported_via"] or None) == (g["reported_via"] or None),
        }
        for name, ok in checks.items():
            t.attr(name, ok)
            if not ok:
                t.errors.append(
                    f"{doc.slug}: claim by {g['speaker']!r} {name}: gold "
                    f"{g.get(name if name != 'cue' else 'cue')!r}, got {best.get(name)!r}"
                )
    for p in preds:
        if p["claim_id"] not in used:
            t.fp += 1
            t.errors.append(f"{doc.slug}: extra claim by {p['speaker_text']!r} ({p['cue']})")


def evaluate(gold_dir: Path, repo: Path) -> dict[str, dict]:
    docs = load_gold(gold_dir, repo)
    result = extract_articles(
        [
            ArticleInput(d.article_id, d.text, d.published, None, d.body_start, d.dateline)
            for d in docs
        ],
        n_process=1,
    )
    return score(docs, result.events, result.claims, result.quantities, result.actors)


def format_report(report: dict[str, dict]) -> str:
    lines = []
    for split, r in report.items():
        lines.append(f"== {split} ({r['articles']} articles)")
        for part in ("events", "claims"):
            s = r[part]
            extras = ", ".join(
                f"{k.removesuffix('_accuracy')} {v}"
                for k, v in s.items()
                if k.endswith("_accuracy")
            )
            lines.append(
                f"  {part:7s} P {s['precision']:.3f} R {s['recall']:.3f} "
                f"F1 {s['f1']:.3f} (gold {s['gold']}, predicted {s['predicted']}); {extras}"
            )
        c = r["coverage"]
        if c["events"]:
            lines.append(
                f"  coverage of {c['events']} events: dated {c['dated']:.3f}, placed "
                f"{c['placed']:.3f}, with a country {c['with_country']:.3f}; dates "
                + ", ".join(f"{k} {v}" for k, v in c["date_basis"].items())
                + "; places "
                + ", ".join(f"{k} {v}" for k, v in c["location_basis"].items())
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eventwire eval")
    parser.add_argument("--gold", default="tests/gold")
    parser.add_argument("--repo", default=".")
    parser.add_argument("--out", default="warehouse/eval.json")
    parser.add_argument("--errors", action="store_true", help="list every miss and extra")
    parser.add_argument("--split", help="only list errors of this split")
    args = parser.parse_args(argv)
    report = evaluate(Path(args.gold), Path(args.repo))
    print(format_report(report))
    if args.errors:
        for split, r in report.items():
            if args.split and split != args.split:
                continue
            print(f"\n-- errors, {split}")
            print("\n".join(r["errors"]))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {k: {kk: vv for kk, vv in v.items() if kk != "errors"} for k, v in report.items()},
            indent=2,
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
