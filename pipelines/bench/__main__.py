"""`python -m pipelines.bench`: run the benchmark, print the table, write the JSON report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from pipelines.bench.harness import BenchConfig, run_benchmark, write_json
from pipelines.bench.report import render_markdown, render_text
from pipelines.errors import BenchError


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.replace(" ", "").split(",") if s]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas: {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive article counts")
    return sizes


def main(argv: list[str] | None = None, print_: Callable[[str], None] = print) -> int:
    p = argparse.ArgumentParser(
        prog="python -m pipelines.bench",
        description="How close eventwire comes to the parser's speed, and in what memory.",
    )
    p.add_argument("--n", type=int, default=5000, help="articles in the corpus (default 5000)")
    p.add_argument(
        "--sizes",
        type=_sizes,
        help="corpus sizes for peak memory, e.g. 5000,10000,20000 (default: N, 2N and 4N)",
    )
    p.add_argument(
        "--workers",
        type=int,
        help="parser processes (default $EVENTWIRE_WORKERS or 0 = automatic)",
    )
    p.add_argument("--batch-size", type=int, help="nlp.pipe batch size ($EVENTWIRE_BATCH_SIZE)")
    p.add_argument("--model", help="spaCy model ($EVENTWIRE_SPACY_MODEL)")
    p.add_argument("--seed", type=int, help="corpus seed (the default keeps figures comparable)")
    p.add_argument("--repeat", type=int, help="alternate bare parse and extraction this many times")
    p.add_argument(
        "--quiet-wait",
        type=float,
        help="before each measurement, wait up to this many seconds for other processes to go "
        "quiet (default 300; 0 = never wait)",
    )
    p.add_argument("--out", type=Path, help="write the JSON report here")
    p.add_argument("--markdown", type=Path, help="also write the report as Markdown here")
    p.add_argument("--workdir", type=Path, help="work here instead of a temporary folder")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = p.parse_args(argv)

    cfg = BenchConfig.from_env(
        n=args.n,
        sizes=args.sizes,
        workers=args.workers,
        batch_size=args.batch_size,
        model=args.model,
        seed=args.seed,
        repeat=args.repeat,
        quiet_wait=args.quiet_wait,
        workdir=args.workdir,
        keep=args.keep or None,
    )
    try:
        report = run_benchmark(cfg)
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    if args.out:
        write_json(report, args.out)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(render_markdown(report), encoding="utf-8")
    print_(render_text(report))  # its last line is the key=value summary
    return 0


if __name__ == "__main__":
    sys.exit(main())
