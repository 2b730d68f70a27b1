"""The one vocabulary for bad input: a stable reason code and a message a person can act on."""

from __future__ import annotations

from schemas.codes import REASONS


class IngestError(Exception):
    """A raw file or record that cannot become an article. Recorded, never fatal to the batch."""

    def __init__(self, reason: str, message: str, record: int | None = None):
        if reason not in REASONS:
            raise ValueError(f"unknown ingest reason code {reason!r}; known: {REASONS}")
        self.reason = reason
        self.message = message
        self.record = record  # the record inside the file, when the error is about one
        super().__init__(f"{reason}: {message}")
