"""Every input file ends somewhere: read into articles, folded into an article it duplicates,
or in ingest_errors. Derived from the output tables themselves, so a reader that drops a file
without a word shows up here as unaccounted."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

_RECORD_SUFFIX = re.compile(r"#\d+$")


@dataclass(frozen=True)
class FileAccounting:
    files_seen: int
    files_read: int  # at least one article row comes from the file
    files_duplicate: int  # nothing new in it: every article was already stored
    files_failed: int  # nothing read: its reasons are in ingest_errors
    unaccounted: list[str] = field(default_factory=list)

    @property
    def adds_up(self) -> bool:
        total = self.files_read + self.files_duplicate + self.files_failed
        return not self.unaccounted and total == self.files_seen

    def as_metadata(self) -> dict[str, int]:
        return {
            "files_seen": self.files_seen,
            "files_read": self.files_read,
            "files_duplicate": self.files_duplicate,
            "files_failed": self.files_failed,
            "files_unaccounted": len(self.unaccounted),
        }

    def summary(self) -> str:
        text = (
            f"{self.files_seen} files: {self.files_read} read into articles, "
            f"{self.files_duplicate} only duplicates, {self.files_failed} in ingest_errors"
        )
        if self.unaccounted:
            shown = ", ".join(self.unaccounted[:5])
            text += f"; {len(self.unaccounted)} unaccounted for ({shown})"
        return text


def account_for_files(
    files: Iterable[str], articles: pl.DataFrame, errors: pl.DataFrame
) -> FileAccounting:
    files = list(files)
    read = set(articles["source_path"].to_list())
    duplicate = {
        _RECORD_SUFFIX.sub("", where)
        for copies in articles["duplicate_sources"].to_list()
        for where in copies or []
    }
    failed = set(errors["source_path"].to_list())
    n_read = n_dup = n_failed = 0
    unaccounted = []
    for path in files:
        if path in read:
            n_read += 1
        elif path in duplicate:
            n_dup += 1
        elif path in failed:
            n_failed += 1
        else:
            unaccounted.append(path)
    return FileAccounting(len(files), n_read, n_dup, n_failed, unaccounted)
