"""Extraction: article text -> events, claims, quantities and actors, by rules over the spaCy
dependency parse. Rules read the data files in pipelines/lexicons/."""

from __future__ import annotations

import importlib

__all__ = ["ArticleInput", "ExtractionResult", "extract_articles"]


def __getattr__(name: str):
    # Loaded on first use, so importing the package (the Dagster code location does) does not
    # import spaCy and the rules until something is extracted.
    if name in __all__:
        return getattr(importlib.import_module("pipelines.extract.article"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
