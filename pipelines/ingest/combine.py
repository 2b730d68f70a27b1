"""Every file's rows combined into the articles and ingest_errors tables: an identical text
read again is folded into its first copy, near-duplicates are marked, and the accounting says
where each file ended."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines.ingest.accounting import FileAccounting, account_for_files
from pipelines.ingest.dedup import NearDuplicateMemo, mark_near_duplicates
from pipelines.ingest.file_read import FileRead
from schemas import Articles, IngestErrors, frame_from_rows


@dataclass
class IngestResult:
    articles: pl.DataFrame
    errors: pl.DataFrame
    files: list[str] = field(default_factory=list)  # every input file, relative to raw/
    accounting: FileAccounting | None = None
    duplicates: int = 0  # records dropped because an identical text was already stored
    near_duplicates: int = 0  # rows kept but marked duplicate_of an earlier copy
    non_english: int = 0
    duplicate_of: dict[str, str] = field(default_factory=dict)  # dropped source -> kept source

    @property
    def files_seen(self) -> int:
        return len(self.files)


def combine(
    reads: list[FileRead], near_duplicates: NearDuplicateMemo | None = None
) -> IngestResult:
    """Fold exact duplicates into their first copy and mark near-duplicates, over every
    file's rows in raw/ order: the same reads always give the same tables. A memo of the
    last near-duplicate grouping saves recomputing it when the articles have not changed."""
    articles: dict[str, dict] = {}
    errors: list[dict] = []
    result = IngestResult(articles=pl.DataFrame(), errors=pl.DataFrame())
    result.files = [r.path for r in reads]
    for read in reads:
        errors.extend(read.errors)
        for record in read.records:
            row = {
                **record,
                "outlets": list(record["outlets"]),
                "duplicate_sources": list(record["duplicate_sources"]),
            }
            kept = articles.get(row["article_id"])
            if kept is not None:
                _fold_copy(kept, row)
                result.duplicates += 1
                result.duplicate_of[_where(read.path, row["source_record"])] = _where(
                    kept["source_path"], kept["source_record"]
                )
                continue
            articles[row["article_id"]] = row
    rows = list(articles.values())
    result.near_duplicates = mark_near_duplicates(rows, near_duplicates)
    result.articles = frame_from_rows(Articles, rows)
    result.errors = frame_from_rows(IngestErrors, errors)
    result.non_english = sum(1 for a in rows if a["language"] != "en")
    result.accounting = account_for_files(result.files, result.articles, result.errors)
    return result


def _where(path: str, record: int | None) -> str:
    return path if record is None else f"{path}#{record}"


def _fold_copy(kept: dict, copy: dict) -> None:
    """An identical text arrived again: remember where, and who else carried it."""
    kept["duplicate_sources"].append(_where(copy["source_path"], copy["source_record"]))
    for outlet in copy["outlets"]:
        if outlet not in kept["outlets"]:
            kept["outlets"].append(outlet)
