"""Near-duplicate articles: the same wire story republished by several outlets with small
edits (a new headline, a trimmed last paragraph, a house-style dateline).

Two texts are near-duplicates when the Jaccard similarity of their sets of word 5-shingles
(runs of five consecutive words, case-folded) is at least THRESHOLD. Candidates come from
MinHash signatures with locality-sensitive hashing (42 bands of 3 rows); candidates whose
signatures show them plainly dissimilar are dropped, and every other pair is verified with the
exact Jaccard of the shingle sets. The hashes are seeded, so the result is the same on every
run; a true near-duplicate is missed with a probability of about 0.004 at Jaccard 0.5 and
vanishingly small above 0.7.

Between runs, the grouping and the signatures it was computed from are kept in the state
folder (NearDuplicateMemo): an unchanged raw/ groups nothing again, and a few new articles
compute only their own signatures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipelines.store.atomic import write_bytes_atomic

SHINGLE_WORDS = 5
# A republished wire story with a few edits scores 0.7-0.95; two outlets' own reports of the
# same event share well under 0.2 (see tests/ingest/test_ingest_dedup.py). 0.5 sits between the two.
THRESHOLD = 0.5
MIN_WORDS = 25  # shorter texts share a shingle or two by chance: never called near-duplicates
BANDS, ROWS = 42, 3  # P(candidate) is 0.996 at Jaccard 0.5 and 0.04 at Jaccard 0.1
# A candidate is verified only when its signatures agree on at least this share of rows: of
# 126 rows, a pair at Jaccard 0.5 agrees on fewer than 32 with a probability of about 5e-9.
ESTIMATE_FLOOR = 0.25
_SEEDS = np.random.default_rng(20251125).integers(0, 2**63, size=BANDS * ROWS, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def shingles(text: str) -> np.ndarray:
    """Sorted unique 64-bit hashes of the text's word 5-shingles (stable across processes)."""
    words = _WORD.findall(text.casefold())
    grams = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    hashes = [
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams
    ]
    return np.unique(np.array(hashes, dtype=np.uint64))


def _mix(x: np.ndarray) -> np.ndarray:
    # splitmix64's finalizer: a bijection on 64-bit integers, one "permutation" per seed.
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def minhash(hashes: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return _mix(hashes[None, :] ^ _SEEDS[:, None]).min(axis=1)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common) if common else 0.0


Signed = tuple[np.ndarray, np.ndarray]  # positions of the texts compared, their signatures


def signatures(texts: Sequence[str], known: Sequence[np.ndarray | None] | None = None) -> Signed:
    """The positions of the texts long enough to compare, and their MinHash signatures (one
    row each). `known` may give a text's signature from an earlier run (None: compute it);
    most of the time of grouping goes into signatures. Shingles are dropped as soon as the
    signature is taken: a few hundred 64-bit hashes per article, they would add up to more
    than the articles themselves."""
    positions = np.empty(len(texts), dtype=np.int64)
    sigs = np.empty((len(texts), BANDS * ROWS), dtype=np.uint64)
    n = 0
    for i, text in enumerate(texts):
        sig = known[i] if known is not None else None
        if sig is None:
            if len(text.split()) < MIN_WORDS:
                continue
            s = shingles(text)
            if s.size == 0:
                continue
            sig = minhash(s)
        positions[n], sigs[n] = i, sig
        n += 1
    return positions[:n], sigs[:n]


def candidate_pairs(positions: np.ndarray, sigs: np.ndarray) -> set[tuple[int, int]]:
    """Every pair (i, j), i < j, whose signatures agree on all rows of at least one band.
    Per band, the signatures are sorted by that band's values, so agreeing texts sit in runs."""
    pairs: set[tuple[int, int]] = set()
    if len(positions) < 2:
        return pairs
    for band in range(BANDS):
        block = sigs[:, band * ROWS : (band + 1) * ROWS]
        order = np.lexsort(block.T[::-1])
        ordered = block[order]
        new_run = np.ones(len(order), dtype=bool)
        new_run[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
        starts = np.flatnonzero(new_run)
        ends = np.append(starts[1:], len(order))
        for k in np.flatnonzero(ends - starts > 1):
            members = sorted(positions[order[starts[k] : ends[k]]].tolist())
            pairs.update(
                (members[x], members[y])
                for x in range(len(members))
                for y in range(x + 1, len(members))
            )
    return pairs


def near_duplicate_pairs(
    texts: Sequence[str], signed: Signed | None = None
) -> list[tuple[int, int, float]]:
    """(i, j, jaccard) for every pair i < j of near-duplicate texts.

    Candidates whose signatures agree on fewer than ESTIMATE_FLOOR of their rows are dropped
    unverified: the agreement estimates the Jaccard similarity, and for a pair at THRESHOLD it
    falls that low with a probability of about 5e-9. The rest are verified exactly, with
    shingles computed again for just those texts, so memory stays that of the signatures
    (about 1 KB per article) unless many articles really are near-duplicates."""
    positions, sigs = signed if signed is not None else signatures(texts)
    row_of = {int(p): r for r, p in enumerate(positions)}
    candidates = sorted(candidate_pairs(positions, sigs))
    if not candidates:
        return []
    left = np.array([row_of[i] for i, _ in candidates])
    right = np.array([row_of[j] for _, j in candidates])
    agreement = (sigs[left] == sigs[right]).mean(axis=1)
    sets: dict[int, np.ndarray] = {}

    def shingles_of(i: int) -> np.ndarray:
        if i not in sets:
            sets[i] = shingles(texts[i])
        return sets[i]

    pairs = []
    for (i, j), estimate in zip(candidates, agreement, strict=True):
        if estimate < ESTIMATE_FLOOR:
            continue
        score = jaccard(shingles_of(i), shingles_of(j))
        if score >= THRESHOLD:
            pairs.append((i, j, round(score, 4)))
    return pairs


def group_near_duplicates(
    texts: Sequence[str], order: Sequence[tuple], signed: Signed | None = None
) -> dict[int, int]:
    """Map each near-duplicate's index to its group's earliest copy, by `order` (a sort key per
    text: publication date, then position in the batch). Originals are not in the map."""
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in near_duplicate_pairs(texts, signed):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(texts)):
        groups[find(i)].append(i)
    earliest_of = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        first = min(members, key=lambda m: order[m])
        earliest_of.update({m: first for m in members if m != first})
    return earliest_of


NEAR_DUPLICATE_MEMO = Path("ingest") / "near-duplicates.json"  # inside the state folder
SIGNATURES_FILE = "near-duplicate-signatures.npz"  # beside it: MinHash signature per article


@dataclass
class NearDuplicateMemo:
    """The last grouping and what it was computed from. The grouping depends only on the
    texts (article_id is a hash of the text, up to case and white space, which shingles
    ignore too) and their order (publication date, position), so equal keys give it back."""

    key: str = ""
    earliest_of: dict[int, int] = field(default_factory=dict)
    # MinHash signature by article_id, as last computed: an article's signature depends on
    # its text alone, so a run with a few new articles computes only theirs.
    signatures: dict[str, np.ndarray] = field(default_factory=dict)

    @staticmethod
    def key_of(rows: list[dict]) -> str:
        h = hashlib.sha256()
        for r in rows:
            h.update(f"{r['article_id']}|{r['published_date']}\n".encode())
        return h.hexdigest()

    @classmethod
    def load(cls, state_dir: Path, fp: str) -> NearDuplicateMemo:
        """The last grouping kept in state_dir, and the signatures it was computed from when
        the readers (and the dedup code with them, fingerprint `fp`) are the same as then."""
        path = state_dir / NEAR_DUPLICATE_MEMO
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            memo = cls(data["key"], {int(i): int(j) for i, j in data["earliest_of"]})
        except (OSError, ValueError, KeyError, TypeError):
            return cls()
        try:
            with np.load(path.with_name(SIGNATURES_FILE), allow_pickle=False) as saved:
                if str(saved["fingerprint"]) == fp:
                    memo.signatures = dict(
                        zip(saved["article_id"].tolist(), saved["signature"], strict=True)
                    )
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            pass  # computed again from the texts
        return memo

    def save(self, state_dir: Path, fp: str) -> None:
        path = state_dir / NEAR_DUPLICATE_MEMO
        ids = list(self.signatures)
        # Texts too short to be near-duplicates have no signature: none at all is a 0 x 0 array
        # (reshape(0, -1) cannot infer a width from nothing).
        sigs = np.array([self.signatures[i] for i in ids], dtype=np.uint64)
        sigs = sigs.reshape(len(ids), -1) if ids else sigs.reshape(0, 0)
        buf = io.BytesIO()
        np.savez(buf, fingerprint=np.array(fp), article_id=np.array(ids, dtype=str), signature=sigs)
        # Signatures first: a run killed between the two writes leaves signatures that are
        # still each article's own, whatever the grouping file says.
        write_bytes_atomic(path.with_name(SIGNATURES_FILE), buf.getvalue())
        write_bytes_atomic(
            path,
            json.dumps({"key": self.key, "earliest_of": sorted(self.earliest_of.items())}).encode(),
        )


def mark_near_duplicates(rows: list[dict], memo: NearDuplicateMemo | None = None) -> int:
    """Set duplicate_of on every near-duplicate (pointing at its group's earliest copy) and
    give the earliest copy every outlet of the group. Returns how many rows were marked."""
    key = NearDuplicateMemo.key_of(rows) if memo is not None else ""
    if memo is not None and memo.key == key:
        earliest_of = dict(memo.earliest_of)
    else:
        order = [
            (r["published_date"] is None, r["published_date"] or dt.date.max, i)
            for i, r in enumerate(rows)
        ]
        texts = [r["text"] for r in rows]
        known = [memo.signatures.get(r["article_id"]) for r in rows] if memo is not None else None
        signed = signatures(texts, known)
        earliest_of = group_near_duplicates(texts, order, signed)
        if memo is not None:
            memo.key, memo.earliest_of = key, dict(earliest_of)
            positions, sigs = signed
            memo.signatures = {
                rows[p]["article_id"]: sig for p, sig in zip(positions.tolist(), sigs, strict=True)
            }
    for i in sorted(earliest_of):
        first = rows[earliest_of[i]]
        rows[i]["duplicate_of"] = first["article_id"]
        for outlet in rows[i]["outlets"]:
            if outlet not in first["outlets"]:
                first["outlets"].append(outlet)
    return len(earliest_of)
