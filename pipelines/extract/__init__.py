"""Extraction: article text -> events, claims, quantities and actors, by rules over the spaCy
dependency parse. Rules read the data files in pipelines/lexicons/."""

from pipelines.extract.article import ArticleInput, ExtractionResult, extract_articles

__all__ = ["ArticleInput", "ExtractionResult", "extract_articles"]
