"""`make eval-external`: run the real pipeline on PLV train sentences and PolNeAR dev
articles, score it against their annotations, print a table and write a JSON report."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import polars as pl

from pipelines.evaluate_external import plv, polnear
from pipelines.evaluate_external.data import DataMissing, ExternalData, locate_data
from pipelines.evaluate_external.run import article_of_file, run_pipeline


def _by_article(frame: pl.DataFrame) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in frame.sort("article_id", "start_char").to_dicts():
        out[row["article_id"]].append(row)
    return out


def evaluate_plv(data: ExternalData, work: Path) -> dict:
    rows = plv.load_plv(data.plv_train)
    files = plv.write_articles(rows, work / "raw")
    tables = run_pipeline(work / "raw", work / "warehouse")
    names = dict(zip(tables["actors"]["actor_id"], tables["actors"]["name"], strict=True))
    preds = plv.predictions(
        rows, files, article_of_file(tables["articles"]), _by_article(tables["events"]), names
    )
    report = plv.score_folds(preds)
    report["sentences"] = len(files)
    return report


def evaluate_polnear(
    data: ExternalData,
    work: Path,
    split: str = "dev",
    limit: int | None = None,
    errors: list[dict] | None = None,
) -> dict:
    articles = polnear.dev_articles(*data.polnear_split(split))
    if limit and limit < len(articles):
        # Evenly spaced over the names (outlet_date_title): every outlet and period is sampled.
        step = len(articles) / limit
        articles = [articles[int(k * step)] for k in range(limit)]
    polnear.write_articles(articles, polnear.load_metadata(data.polnear_metadata), work / "raw")
    tables = run_pipeline(work / "raw", work / "warehouse")
    report = polnear.evaluate_tables(
        articles, article_of_file(tables["articles"]), _by_article(tables["claims"]), errors
    )
    report["split"] = split
    return report


def format_report(report: dict) -> str:
    lines = [f"eventwire on text annotated by others ({report['date']}, commit {report['commit']})"]
    if p := report.get("plv"):
        lines += ["", f"PLV train: {p['folds']['all']['rows']} rows, {p['sentences']} sentences"]
        for name, f in p["folds"].items():
            lines.append(
                f"  {name:9s} rows {f['rows']:5d}   accuracy {f['accuracy']:.3f}   macro-F1 "
                f"{f['macro_f1']:.3f}   accuracy where an event was found "
                f"{f['accuracy_when_event']}   no event {f['no_event']}"
            )
        lines.append("  scored on events.event_type instead of plover_root (PLOVER's coding):")
        for name, f in p["folds_event_type"].items():
            lines.append(f"  {name:9s} accuracy {f['accuracy']:.3f}   macro-F1 {f['macro_f1']:.3f}")
        lines += [
            "  study fold only below (held-out errors are not reported):",
            f"  no event: {p['no_event']} {p['no_event_why']}   "
            f"picked event holds both actors {p['pair_found']['both']}, one "
            f"{p['pair_found']['one']}, neither {p['pair_found']['neither']}",
            f"  {'class':10s} {'gold':>5s} {'pred':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}",
        ]
        for c, s in p["per_class"].items():
            lines.append(
                f"  {c:10s} {s['gold']:5d} {s['predicted']:5d} {s['precision']:6.3f} "
                f"{s['recall']:6.3f} {s['f1']:6.3f}"
            )
        tops = ", ".join(f"{t['gold']}->{t['predicted']} {t['count']}" for t in p["top_confusions"])
        lines.append(f"  top confusions (gold->predicted): {tops}")
        lines.append(
            f"  wrong types {p['wrong_type']}: gold type on another event of the sentence "
            f"{p['wrong_type_gold_on_other_event']}, picked event negated/denied "
            f"{p['wrong_type_negated']}"
        )
    if q := report.get("polnear"):
        lines += [
            "",
            f"PolNeAR {q.get('split', 'dev')}: {q['articles']} articles, {q['attributions']} attributions "
            f"({q['attributions_unmapped']} not located in articles.text), {q['claims']} claims",
            f"  claims P {q['precision']:.3f} R {q['recall']:.3f} F1 {q['f1']:.3f} "
            f"(recall counting unmapped as missed {q['recall_counting_unmapped']}; "
            f"precision leaving out claims nested in another attribution "
            f"{q['precision_without_nested']})",
            f"  recall, speech attributions ({q['speech_attributions']}): {q['speech_recall']}"
            f" ({q['speech_matched']} matched)"
            f"; other attributions: {q['other_recall']}",
            f"  on {q['matched']} matched pairs: speaker agreement {q['speaker_agreement']}, "
            f"content agreement {q['content_agreement']} (spans overlap "
            f"{q['content_span_overlap']})",
            "  most missed cues: " + ", ".join(f"{w} {k}" for w, k in q["missed_cue_words"][:10]),
            "  most frequent unmatched claim cues: "
            + ", ".join(f"{w} {k}" for w, k in q["extra_cue_words"][:10]),
            f"  missed attributions: {q['missed_attributions_why']}",
            f"  unmatched claims: {q['unmatched_claims_why']}",
        ]
    return "\n".join(lines)


def _commit() -> str:
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return proc.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.evaluate_external")
    parser.add_argument(
        "--data", help="folder of the two clones (default $EVENTWIRE_EXTERNAL_DATA)"
    )
    parser.add_argument("--out", default="warehouse/eval-external.json")
    parser.add_argument("--only", choices=["plv", "polnear"])
    parser.add_argument(
        "--polnear-split",
        choices=["dev", "train"],
        default="dev",
        help="PolNeAR part scored: dev (reported figures) or train (to study errors on)",
    )
    parser.add_argument(
        "--limit", type=int, help="score N PolNeAR articles, evenly spaced over the sorted names"
    )
    parser.add_argument(
        "--work", help="keep the raw/ and warehouse/ folders of the runs here (default: a temp dir)"
    )
    parser.add_argument(
        "--misses",
        help="write each PolNeAR error (missed speech attribution, unmatched claim, speaker "
        "disagreement) with its context to this JSON file; train split only, so that dev "
        "stays a measurement",
    )
    args = parser.parse_args(argv)
    if args.misses and args.polnear_split != "train":
        parser.error("--misses lists errors of the train split only (--polnear-split train)")
    try:
        data = locate_data(args.data)
    except DataMissing as err:
        print(f"eval-external: {err}", file=sys.stderr)
        return 2
    report: dict = {"date": dt.date.today().isoformat(), "commit": _commit()}
    with tempfile.TemporaryDirectory(prefix="eventwire-eval-") as tmp:
        work = Path(args.work or tmp)
        if args.only in (None, "plv"):
            print("eval-external: PLV train sentences through eventwire run ...", file=sys.stderr)
            report["plv"] = evaluate_plv(data, work / "plv")
        if args.only in (None, "polnear"):
            split = args.polnear_split
            print(
                f"eval-external: PolNeAR {split} articles through eventwire run ...",
                file=sys.stderr,
            )
            errors: list[dict] | None = [] if args.misses else None
            report["polnear"] = evaluate_polnear(data, work / "polnear", split, args.limit, errors)
            if args.misses:
                misses = Path(args.misses)
                misses.parent.mkdir(parents=True, exist_ok=True)
                misses.write_text(json.dumps(errors, indent=1), encoding="utf-8")
    print(format_report(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
