"""The extraction_errors table: one row per article the rules failed on in a run."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines import EXTRACTOR_VERSION
from schemas import ExtractionErrors, frame_from_rows


def extraction_errors(failures: list[dict], failed_at: dt.datetime) -> pl.DataFrame:
    """Rows from the failures a run reported ({"article_id", "error", "location"})."""
    return frame_from_rows(
        ExtractionErrors,
        [{**f, "extractor_version": EXTRACTOR_VERSION, "failed_at": failed_at} for f in failures],
    )
