"""Inputs of our own that several ingest tests build files from."""

from __future__ import annotations

import datetime as dt

# The "now" every read in these tests is stamped with.
NOW = dt.datetime(2025, 11, 25, 12, tzinfo=dt.UTC)


def story(n: int) -> str:
    """Distinct good stories: a different place, figure and day each."""
    places = ["ACCRA", "LIMA", "MANILA", "TUNIS", "QUITO", "HANOI", "DHAKA", "SOFIA", "RIGA"]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return (
        f"{places[n % len(places)]} (Harbor Post). Police said on {days[n % len(days)]} they had "
        f"detained {n + 3} people after protesters blocked a highway for {n + 2} hours to "
        f"demand the repair of a bridge that collapsed in heavy rain {n + 4} weeks ago. "
        f"Officials said repair work on the bridge would start within {n + 5} days."
    )


def html_page(body: str, title: str = "Page") -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1><p>{body}</p></article>"
        "<footer>Copyright Harbor Post</footer></body></html>"
    )
