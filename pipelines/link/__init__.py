"""Linking across articles: the same real-world event or statement reported by several outlets.
Plain Python over the extracted tables; runs after extraction, before storage."""

from pipelines.link.clusters import ARTICLE_COLUMNS, cluster_claims, cluster_events

__all__ = ["ARTICLE_COLUMNS", "cluster_claims", "cluster_events"]
