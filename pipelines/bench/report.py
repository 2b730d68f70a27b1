"""The benchmark report as a table for the terminal and as Markdown for docs/benchmarks.md."""

from __future__ import annotations

from typing import Any

from pipelines.bench.harness import describe_page, key_line

_BREAKDOWN = [
    ("ingest", "ingest: read_raw_folder (readers, clean-up, dedup)"),
    ("validation", "validation: pandera, all six tables"),
    ("parse", "parse: bare nlp.pipe (stage 1)"),
    ("rules", "rules: extraction minus bare parse"),
    ("link", "link: event and claim clusters across articles"),
    ("parquet", "Parquet: write_table, six tables"),
    ("duckdb", "DuckDB: build_warehouse and swap"),
    ("reading_room", "reading room: reports/index.html and its data"),
    ("other", "other: start-up, Dagster, Parquet re-reads, summary"),
]


def _f(x: Any, spec: str = ",.0f") -> str:
    return "-" if x is None else format(x, spec)


def _rows(report: dict[str, Any]) -> list[list[str]]:
    s = report["stages"]
    cold = s["e2e_cold"]["seconds"]
    added = report["corpus"]["added_articles"]

    def child(label: str, st: dict[str, Any], versus: str) -> list[str]:
        return [
            label,
            _f(st["seconds"], ",.1f"),
            _f(st.get("cpu_seconds"), ",.1f"),
            _f(st.get("words_per_s")),
            versus,
            _f(st["cores_busy"], ".2f"),
            _f(st["peak_rss_mb"]),
            _f(st["peak_pss_mb"]),
            _f(st.get("others_busy"), ".2f"),
        ]

    k = report["key"]
    rows = [
        [
            "1 bare nlp.pipe (the floor)",
            _f(s["bare_parse"]["seconds"], ",.1f"),
            _f(s["bare_parse"].get("cpu_seconds"), ",.1f"),
            _f(s["bare_parse"]["words_per_s"]),
            "1.00 of bare",
            _f(s["bare_parse"]["cores_busy"], ".2f"),
            "",
            "",
            _f(s["bare_parse"].get("others_busy"), ".2f"),
        ],
        [
            "2 extraction (parse + rules)",
            _f(s["extract"]["seconds"], ",.1f"),
            _f(s["extract"].get("cpu_seconds"), ",.1f"),
            _f(s["extract"]["words_per_s"]),
            f"{k['ratio_extract']:.2f} of bare",
            _f(s["extract"]["cores_busy"], ".2f"),
            "",
            "",
            _f(s["extract"].get("others_busy"), ".2f"),
        ],
        child("3 eventwire run, cold", s["e2e_cold"], f"{k['ratio_e2e']:.2f} of bare"),
        child("4 eventwire run, no-op", s["e2e_noop"], f"{k['noop_fraction']:.2f} of cold"),
        child(
            f"5 eventwire run, +1% ({added} new)",
            s["e2e_incremental"],
            f"{k['incremental_fraction']:.2f} of cold",
        ),
    ]
    for m in report["memory"]:
        rows.append(
            child(
                f"6 cold run, {m['articles']:,} articles",
                m,
                f"{m['seconds'] / cold:.2f} of cold" if cold else "",
            )
        )
    return rows


_HEADER = [
    "measure",
    "seconds",
    "CPU seconds",
    "words/s",
    "relative",
    "cores busy",
    "peak RSS MB",
    "peak PSS MB",
    "others' cores",
]
# Other processes busier than this during a measurement (in cores) make its figure suspect.
DISTURBED = 0.25


def disturbance(report: dict[str, Any]) -> float:
    """The most cores other processes kept busy during any one measurement."""
    figures = [st.get("others_busy") for st in report["stages"].values()]
    figures += [m.get("others_busy") for m in report["memory"]]
    return max((f for f in figures if f is not None), default=0.0)


def _disturbance_note(report: dict[str, Any]) -> str | None:
    worst = disturbance(report)
    if worst <= DISTURBED:
        return None
    return (
        f"warning: other processes kept up to {worst:.2f} cores busy during a measurement "
        '(column "others\' cores"); those figures are slower than this machine can do.'
    )


def peak_processes_line(m: dict[str, Any]) -> str:
    """'main 700/520, worker 610/430, worker 300/140, 4 helpers 60/20' (RSS/PSS MB at peak)."""
    parts, helpers = [], {"n": 0, "rss_mb": 0, "pss_mb": 0}
    for proc in sorted(m.get("at_peak", []), key=lambda p: (p["process"] != "main", -p["rss_mb"])):
        if proc["process"] in ("main", "worker"):
            parts.append(f"{proc['process']} {proc['rss_mb']}/{proc.get('pss_mb', '-')}")
        else:
            helpers["n"] += 1
            helpers["rss_mb"] += proc["rss_mb"]
            helpers["pss_mb"] += proc.get("pss_mb", 0)
    if helpers["n"]:
        parts.append(f"{helpers['n']} helpers {helpers['rss_mb']}/{helpers['pss_mb']}")
    return ", ".join(parts)


def render_text(report: dict[str, Any]) -> str:
    c, m, corpus = report["config"], report["machine"], report["corpus"]
    out = [
        f"eventwire bench: {corpus['articles']:,} articles, {corpus['words']:,} words, "
        f"{c['workers']} worker(s), batch {c['batch_size']}, {c['model']}",
        f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}, "
        f"Python {m['python']}, spaCy {m['spacy']}, commit {m['commit']}",
        "",
    ]
    rows = [_HEADER, *_rows(report)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_HEADER))]
    for r in rows:
        out.append(
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(r)
            )
        )
    out += ["", "processes at the peak of each cold run, RSS/PSS MB:"]
    out += [f"  {m['articles']:>7,} articles: {peak_processes_line(m)}" for m in report["memory"]]
    out += ["", f"stage breakdown ({corpus['articles']:,} articles, in-process):"]
    b = report["breakdown"]
    cold = b["cold_run"]
    for key, label in _BREAKDOWN:
        out.append(f"  {label:<54} {b[key]:>9,.2f} s  {100 * b[key] / cold:5.1f}%")
    out.append(f"  {'= eventwire run, cold':<54} {cold:>9,.2f} s  100.0%")
    out.append(
        f"  (of which Python + Dagster import: {b['startup']:.2f} s; model load: "
        f"{b['model_load']:.2f} s)"
    )
    room = report["reading_room"]
    out.append(
        f"  reading room: {room['files']:,} files, {room['data_mb']:,.1f} MB of data; "
        f"opening it reads {room['first_view_kb']:,.0f} kB"
    )
    out.append(f"  reading room in headless chromium, cold run: {describe_page(room['page'])}")
    note = _disturbance_note(report)
    if note:
        out += ["", note]
    out += ["", "targets (reported, never asserted):"]
    for t in report["targets"]:
        verdict = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        out.append(f"  {t['name']:<22} {_f(t['value'], 'g'):>10}  {t['target']:<8} {verdict}")
    out += ["", key_line(report)]
    return "\n".join(out)


def render_markdown(report: dict[str, Any]) -> str:
    c, m, corpus = report["config"], report["machine"], report["corpus"]
    sizes = ", ".join(f"{s:,}" for s in c["sizes"])
    out = [
        f"Corpus: {corpus['articles']:,} generated articles ({corpus['words']:,} words; "
        f"formats {', '.join(f'{k} {v}' for k, v in corpus['formats'].items())}), seed "
        f"{c['seed']}; memory sizes {sizes}. Workers: {c['workers']} (setting "
        f"{c['workers_setting']}), batch size {c['batch_size']}, model `{c['model']}`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; "
        f"Python {m['python']}, spaCy {m['spacy']}, polars {m['polars']}; commit "
        f"`{m['commit']}`.",
        "",
        "| " + " | ".join(_HEADER) + " |",
        "|" + "---|" + "---:|" * (len(_HEADER) - 1),
    ]
    out += ["| " + " | ".join(r) + " |" for r in _rows(report)]
    out += ["", "Processes at the peak of each cold run, RSS/PSS MB:", ""]
    out += [f"- {m['articles']:,} articles: {peak_processes_line(m)}" for m in report["memory"]]
    b = report["breakdown"]
    cold = b["cold_run"]
    out += ["", "| stage | seconds | share of the cold run |", "|---|---:|---:|"]
    for key, label in _BREAKDOWN:
        out.append(f"| {label} | {b[key]:,.2f} | {100 * b[key] / cold:.1f}% |")
    out.append(f"| **eventwire run, cold** | **{cold:,.2f}** | 100% |")
    note = _disturbance_note(report)
    out += [
        "",
        f"Python + Dagster import alone: {b['startup']:.2f} s; spaCy model load: "
        f"{b['model_load']:.2f} s.",
        "",
        f"Reading room of the cold run ({report['reading_room']['files']:,} files, "
        f"{report['reading_room']['data_mb']:,.1f} MB), opened in headless Chromium from "
        f"file://: {describe_page(report['reading_room']['page'])}.",
        *(["", note[0].upper() + note[1:]] if note else []),
        "",
        "| target | value | goal | |",
        "|---|---:|---|---|",
    ]
    for t in report["targets"]:
        verdict = {True: "met", False: "**missed**", None: "n/a"}[t["met"]]
        out.append(f"| {t['name']} | {_f(t['value'], 'g')} | {t['target']} | {verdict} |")
    out += ["", "```", key_line(report), "```"]
    return "\n".join(out) + "\n"
