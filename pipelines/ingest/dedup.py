"""Near-duplicate articles: the same wire story republished by several outlets with small
edits (a new headline, a trimmed last paragraph, a house-style dateline).

Two texts are near-duplicates when the Jaccard similarity of their sets of word 5-shingles
(runs of five consecutive words, case-folded) is at least THRESHOLD. Candidates come from
MinHash signatures with locality-sensitive hashing (42 bands of 3 rows), then every candidate
pair is verified with the exact Jaccard of the shingle sets, so the result does not depend on
hash luck and is the same on every run.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

SHINGLE_WORDS = 5
# A republished wire story with a few edits scores 0.7-0.95; two outlets' own reports of the
# same event share well under 0.2 (see tests/test_ingest_dedup.py). 0.5 sits between the two.
THRESHOLD = 0.5
MIN_WORDS = 25  # shorter texts share a shingle or two by chance: never called near-duplicates
BANDS, ROWS = 42, 3  # P(candidate) is 0.996 at Jaccard 0.5 and 0.04 at Jaccard 0.1
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


def near_duplicate_pairs(texts: Sequence[str]) -> list[tuple[int, int, float]]:
    """(i, j, jaccard) for every pair i < j of near-duplicate texts."""
    sets = [shingles(t) if len(t.split()) >= MIN_WORDS else None for t in texts]
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        if s is None or s.size == 0:
            continue
        sig = minhash(s)
        for band in range(BANDS):
            buckets[(band, sig[band * ROWS : (band + 1) * ROWS].tobytes())].append(i)
    candidates = {
        (members[x], members[y])
        for members in buckets.values()
        if len(members) > 1
        for x in range(len(members))
        for y in range(x + 1, len(members))
    }
    pairs = []
    for i, j in sorted(candidates):
        score = jaccard(sets[i], sets[j])
        if score >= THRESHOLD:
            pairs.append((i, j, round(score, 4)))
    return pairs


def group_near_duplicates(texts: Sequence[str], order: Sequence[tuple]) -> dict[int, int]:
    """Map each near-duplicate's index to its group's earliest copy, by `order` (a sort key per
    text: publication date, then position in the batch). Originals are not in the map."""
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in near_duplicate_pairs(texts):
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
