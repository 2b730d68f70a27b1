"""Worker processes that each parse and extract a share of the articles with their own model.

Only the rows come back to the calling process, never the parsed Docs: sending a Doc costs
its serialization in the worker and its rebuilding here, and the rules would then run here
while the workers wait. Results come back in input order, with at most two chunks per worker
in flight, so memory does not grow with the number of articles.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from pipelines.processes import die_with_parent

T = TypeVar("T")
R = TypeVar("R")
ChunkFn = Callable[[list[T], str, int], Iterable[R]]


def chunk_size(items: int, workers: int, batch_size: int) -> int:
    """Articles per task: at most a parser batch, and small enough that the last tasks are
    spread over every worker instead of leaving one to finish alone."""
    return max(1, min(batch_size, math.ceil(items / (workers * 4))))


def map_in_workers(
    fn: ChunkFn,
    chunks: Iterable[list[T]],
    *,
    workers: int,
    model: str,
    batch_size: int,
) -> Iterator[tuple[list[T], list[R]]]:
    """(chunk, fn(chunk, model, batch_size)) for every chunk, in order, computed in `workers`
    processes that each load `model` once. A worker that dies (killed, out of memory) raises
    BrokenProcessPool here rather than hanging the run."""
    # spawn: each worker is a fresh interpreter that imports only the extraction code. A child
    # forked from a large parent (a Dagster run holding the articles) soon owns a private copy
    # of most of it, since Python's reference counts and garbage collector write to every
    # object they touch; a fork server's workers are not this process's children, so their
    # CPU time never shows in its resource usage. Workers take this process's environment
    # (EVENTWIRE_LEXICON_DIR and the rest) as it is when the pool starts.
    context = multiprocessing.get_context("spawn")
    pending: deque[tuple[list[T], Future[list[R]]]] = deque()
    chunks = iter(chunks)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(model, os.getpid()),
    ) as pool:

        def submit() -> None:
            chunk = next(chunks, None)
            if chunk is not None:
                pending.append((chunk, pool.submit(_as_list, fn, chunk, model, batch_size)))

        for _ in range(2 * workers):
            submit()
        try:
            while pending:
                chunk, future = pending.popleft()
                result = future.result()
                submit()
                yield chunk, result
        finally:
            for _, future in pending:
                future.cancel()


def _start_worker(model: str, parent: int) -> None:
    # A worker dies with the run however the run dies (SIGKILL, the out-of-memory killer);
    # before, two workers and the resource tracker stayed alive, adopted by init.
    die_with_parent(parent)
    from pipelines.extract.nlp import load_nlp

    load_nlp(model)


def _as_list(fn: ChunkFn, chunk: list[Any], model: str, batch_size: int) -> list[Any]:
    return list(fn(chunk, model, batch_size))
