"""Linking across articles: the same real-world event or statement reported by several outlets.
Plain Python over the extracted tables; runs after extraction, before storage."""

from pipelines.link.clusters import cluster_claims, cluster_events

__all__ = ["cluster_claims", "cluster_events"]
