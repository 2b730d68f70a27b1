"""Render docs/data-dictionary.md from the pandera models, so the docs cannot drift.

python -m schemas.dictionary            # rewrite docs/data-dictionary.md
python -m schemas.dictionary --check    # exit 1 when the file is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from schemas import TABLES
from schemas.relations import REFERENCES, unique_columns

OUT = Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md"


def render() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from the pandera models in `schemas/` by `python -m schemas.dictionary`;",
        "do not edit by hand. Every table is a DuckDB table in `warehouse/eventwire.duckdb` and",
        "Parquet parts by month in `warehouse/parquet/<table>/`.",
        "",
    ]
    for table, model in TABLES.items():
        schema = model.to_schema()
        lines += [f"## {table}", "", (model.__doc__ or "").strip(), ""]
        lines += ["| column | type | null | description |", "|---|---|---|---|"]
        for name, col in schema.columns.items():
            checks = "; ".join(str(c.error or c.name) for c in col.checks)
            desc = col.description or ""
            if checks:
                desc = f"{desc} ({checks})"
            null = "yes" if col.nullable else "no"
            lines.append(f"| `{name}` | {col.dtype} | {null} | {desc.replace('|', '/')} |")
        lines.append("")
    lines += [
        "## Keys and references",
        "",
        "Checked on every run (asset checks `no_duplicate_keys` and `references_exist`).",
        "",
        "| table | key (unique, never null) | references |",
        "|---|---|---|",
    ]
    for table, model in TABLES.items():
        keys = ", ".join(f"`{k}`" for k in unique_columns(model)) or "none"
        refs = "; ".join(
            f"`{r.column}` → `{r.target}.{r.target_column}`" for r in REFERENCES if r.table == table
        )
        lines.append(f"| {table} | {keys} | {refs or 'none'} |")
    lines.append("")
    return "\n".join(lines)


def write_generated(out: Path, text: str, argv: list[str], command: str) -> int:
    """Write a generated document, or with --check report (exit 1) when it is out of date."""
    if "--check" in argv:
        if not out.is_file() or out.read_text(encoding="utf-8") != text:
            print(f"{out} is out of date: run {command}", file=sys.stderr)
            return 1
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return 0


def main(argv: list[str]) -> int:
    return write_generated(OUT, render(), argv, "python -m schemas.dictionary")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
