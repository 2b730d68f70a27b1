"""Fingerprints of what a stage's output depends on: its code, the data files it loads and the
versions of the libraries that shape its results. A stored result is reused only while the
fingerprint it was made with is still the current one, so an edited rule or lexicon, or an
upgraded parser, re-processes what it affects and nothing goes stale silently."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from pipelines.lexicons import data_file


def fingerprint(
    *,
    code_dirs: Iterable[Path] = (),
    data_files: Iterable[str] = (),
    distributions: Iterable[str] = (),
    extra: Iterable[str] = (),
) -> str:
    h = hashlib.sha256()

    def part(label: str, payload: bytes) -> None:
        h.update(f"{label}\x00{len(payload)}\x00".encode())
        h.update(payload)

    for folder in code_dirs:
        for source in sorted(Path(folder).glob("*.py")):
            part(f"code:{source.name}", source.read_bytes())
    for name in data_files:
        part(f"data:{name}", data_file(name).read_bytes())  # honours EVENTWIRE_LEXICON_DIR
    for dist in distributions:
        part(f"dist:{dist}", distribution_version(dist).encode())
    for value in extra:
        part("extra", value.encode())
    return h.hexdigest()[:32]


def distribution_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not-installed"
