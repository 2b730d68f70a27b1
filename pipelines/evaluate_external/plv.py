"""PLOVER root types on PLV sentences (issue #15).

Each PLV row is a sentence with a gold source, target and PLOVER root type. Every distinct
sentence becomes one .txt article; after the real pipeline has run, one event is picked for
each row and its type compared with the gold one:

1. an event with an actor slot matching the source and another matching the target (the
   source as actor1 first), else
2. an event with a slot matching either of them, else
3. the sentence's first event (by position);
4. a sentence with no event is predicted "none" and counts as wrong.

An actor slot matches a gold string when they share a word (case-insensitive, function words
such as "the" and "of" ignored); the slot's words are those of its text in the sentence and of
the dictionary name of the actor it was resolved to ("Tehran" -> "Iran").

PLV's gold YIELD is the older root that PLOVER split into CONCEDE and RETREAT: predictions of
either are scored as YIELD.

Folds. Rules are written by reading errors, so a figure on the sentences read is a figure on
what the rules were fitted to. Each sentence is put in a fixed fold by a hash of its text
(`fold_of`): "study" (about 2/3), whose errors may be read, and "held-out" (about 1/3), of
which only the summary figures are reported, never its errors. The fold of a sentence does not
depend on the file's order or on the other rows, so it stays put as the data or code change.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipelines.evaluate_external.run import why_not_extracted
from pipelines.evaluate_external.text import shares_word

NONE = "none"
STUDY, HELD_OUT = "study", "held-out"
_MERGED = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}


@dataclass(frozen=True)
class PlvRow:
    sentence: str
    source: str
    target: str
    gold: str


def load_plv(path: Path) -> list[PlvRow]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [
        PlvRow(r["sentence"].strip(), r["source"].strip(), r["target"].strip(), r["gold_root"])
        for r in rows
        if r.get("sentence", "").strip() and r.get("gold_root")
    ]


def fold_of(sentence: str) -> str:
    """The fixed fold of a sentence: held-out when the SHA-256 of its stripped UTF-8 text, read
    as a big-endian integer, is divisible by 3; study otherwise."""
    digest = hashlib.sha256(sentence.strip().encode("utf-8")).digest()
    return HELD_OUT if int.from_bytes(digest, "big") % 3 == 0 else STUDY


def write_articles(rows: list[PlvRow], raw_dir: Path) -> dict[str, str]:
    """One .txt file per distinct sentence; returns sentence -> file name."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for row in rows:
        if row.sentence not in names:
            name = f"plv-{len(names):05d}.txt"
            (raw_dir / name).write_text(row.sentence + "\n", encoding="utf-8")
            names[row.sentence] = name
    return names


def scored_type(event_type: str) -> str:
    return _MERGED.get(event_type, event_type)


def _slot_words(text: str | None, actor_id: str | None, names: dict[str, str]) -> str:
    return " ".join(filter(None, [text, names.get(actor_id or "")]))


def pick_event(events: list[dict], source: str, target: str, names: dict[str, str]) -> dict | None:
    """The event scored for a (source, target) pair; `events` in sentence order."""
    if not events:
        return None

    def rank(ev: dict) -> tuple[int, int]:
        a1 = _slot_words(ev["actor1_text"], ev["actor1_id"], names)
        a2 = _slot_words(ev["actor2_text"], ev["actor2_id"], names)
        forward = shares_word(a1, source) and shares_word(a2, target)
        backward = shares_word(a2, source) and shares_word(a1, target)
        either = any(shares_word(a, g) for a in (a1, a2) for g in (source, target))
        matched = 2 if forward or backward else 1 if either else 0
        return matched, int(forward)

    best = max(rank(ev) for ev in events)
    return next(ev for ev in events if rank(ev) == best)


def predictions(
    rows: list[PlvRow],
    files: dict[str, str],
    article_by_file: dict[str, dict],
    events_by_article: dict[str, list[dict]],
    names: dict[str, str],
) -> list[dict]:
    """One prediction per row: the picked event's type (or "none") and why."""
    out = []
    for row in rows:
        where = {"fold": fold_of(row.sentence), "row": (row.sentence, row.source, row.target)}
        article = article_by_file.get(files[row.sentence])
        skipped = why_not_extracted(article)
        events = events_by_article.get(article["article_id"], []) if article and not skipped else []
        ev = pick_event(events, row.source, row.target, names)
        if ev is None:
            out.append(
                {
                    "gold": row.gold,
                    "pred": NONE,
                    "why": skipped or "no_event",
                    **where,
                }
            )
            continue
        a1 = _slot_words(ev["actor1_text"], ev["actor1_id"], names)
        a2 = _slot_words(ev["actor2_text"], ev["actor2_id"], names)
        out.append(
            {
                "gold": row.gold,
                # PLV is coded by PLOVER's convention, which events.plover_root follows
                "pred": scored_type(ev["plover_root"]),
                "pred_event_type": scored_type(ev["event_type"]),
                "why": None,
                **where,
                "trigger": ev["trigger"],
                "modality": ev["modality"],
                "gold_type_in_sentence": any(
                    scored_type(e["event_type"]) == row.gold for e in events
                ),
                "events_in_sentence": len(events),
                "source_found": shares_word(a1, row.source) or shares_word(a2, row.source),
                "target_found": shares_word(a1, row.target) or shares_word(a2, row.target),
                "source_as_actor1": shares_word(a1, row.source),
            }
        )
    return out


def score(preds: list[dict]) -> dict:
    """Accuracy, per-class precision/recall/F1 and their macro average over the gold classes,
    the confusion matrix (gold -> predicted -> count) and the sentences with no event."""
    classes = sorted({p["gold"] for p in preds})
    confusion: dict[str, Counter] = defaultdict(Counter)
    for p in preds:
        confusion[p["gold"]][p["pred"]] += 1
    predicted = Counter(p["pred"] for p in preds)
    per_class = {}
    for c in classes:
        tp = confusion[c][c]
        gold_n = sum(confusion[c].values())
        prec = tp / predicted[c] if predicted[c] else 0.0
        rec = tp / gold_n if gold_n else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_class[c] = {
            "gold": gold_n,
            "predicted": predicted[c],
            "correct": tp,
            "precision": round(prec, 3),
            "recall": round(rec, 3),
            "f1": round(f1, 3),
        }
    n = len(preds)
    correct = sum(p["pred"] == p["gold"] for p in preds)
    with_event = [p for p in preds if p["pred"] != NONE]
    wrong = [p for p in preds if p["pred"] != p["gold"] and p["pred"] != NONE]
    confusions = Counter((p["gold"], p["pred"]) for p in wrong)
    # The trigger words behind each confusion: where the lexicon and PLV's coders part ways.
    triggers: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for p in wrong:
        triggers[p["gold"], p["pred"]][(p.get("trigger") or "").lower()] += 1
    return {
        "rows": n,
        "accuracy": round(correct / n, 3) if n else 0.0,
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(classes), 3)
        if classes
        else 0.0,
        "accuracy_when_event": round(
            sum(p["pred"] == p["gold"] for p in with_event) / len(with_event), 3
        )
        if with_event
        else None,
        "no_event": n - len(with_event),
        "no_event_why": dict(Counter(p["why"] for p in preds if p["pred"] == NONE)),
        "pair_found": {
            "both": sum(p["source_found"] and p["target_found"] for p in with_event),
            "one": sum(p["source_found"] != p["target_found"] for p in with_event),
            "neither": sum(not p["source_found"] and not p["target_found"] for p in with_event),
        },
        # Wrong types split by cause: the gold type was on another event of the sentence (the
        # pick went astray), or the picked event is negated/denied ("refused to lift" is
        # REJECT in PLOVER, a negated RETREAT here).
        "wrong_type": len(wrong),
        "wrong_type_gold_on_other_event": sum(bool(p.get("gold_type_in_sentence")) for p in wrong),
        "wrong_type_negated": sum(p.get("modality") in ("negated", "denied") for p in wrong),
        "per_class": per_class,
        "top_confusions": [
            {
                "gold": g,
                "predicted": pr,
                "count": k,
                "triggers": [[w, n] for w, n in triggers[g, pr].most_common(5)],
            }
            for (g, pr), k in confusions.most_common(10)
        ],
        "confusion": {g: dict(sorted(row.items())) for g, row in sorted(confusion.items())},
    }


SUMMARY_KEYS = ("rows", "accuracy", "macro_f1", "accuracy_when_event", "no_event")


def score_folds(preds: list[dict]) -> dict:
    """The full report (per class, confusions, triggers) on the study fold only, with the
    summary figures of all rows, the study fold and the held-out fold beside it. The held-out
    fold's errors are never reported, so they cannot be read and fitted."""
    report = score([p for p in preds if p["fold"] == STUDY])
    parts = (
        ("all", preds),
        (STUDY, [p for p in preds if p["fold"] == STUDY]),
        (HELD_OUT, [p for p in preds if p["fold"] == HELD_OUT]),
    )

    def summary(part: list[dict]) -> dict:
        return {k: v for k, v in score(part).items() if k in SUMMARY_KEYS}

    report["folds"] = {name: summary(part) for name, part in parts}
    # The same picks scored on eventwire's own event_type, which keeps an announced act's type
    # ("will meet": CONSULT, expected) and calls a signed accord AGREE.
    report["folds_event_type"] = {
        name: summary([{**p, "pred": p.get("pred_event_type", p["pred"])} for p in part])
        for name, part in parts
    }
    # The study fold's wrong rows, to be read when writing rules (the JSON stays in warehouse/,
    # never committed: it holds PLV's text).
    report["study_errors"] = [
        {
            "sentence": p["row"][0],
            "source": p["row"][1],
            "target": p["row"][2],
            "gold": p["gold"],
            "pred": p["pred"],
            "trigger": p.get("trigger"),
            "modality": p.get("modality"),
        }
        for p in preds
        if p["fold"] == STUDY and p["pred"] != p["gold"]
    ]
    return report
