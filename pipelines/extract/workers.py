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
    context = _context()
    pending: deque[tuple[list[T], Future[list[R]]]] = deque()
    chunks = iter(chunks)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(model, _settings()),
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


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a bare server process, not from this one: a child forked from a
    large parent (a Dagster run holding the articles) soon owns a private copy of most of it,
    since Python's reference counts and garbage collector write to every object they touch.
    The server preloads nothing, so it stays at a few MB for the whole run; each worker imports
    the extraction code itself. Where there is no forkserver (not POSIX), spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([])
    return context


def _settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("EVENTWIRE_")}


def _start_worker(model: str, settings: dict[str, str]) -> None:
    # The fork server keeps the environment it started with; the workers take this run's
    # settings (EVENTWIRE_LEXICON_DIR above all) before anything loads a lexicon.
    for key in [k for k in os.environ if k.startswith("EVENTWIRE_")]:
        del os.environ[key]
    os.environ.update(settings)
    from pipelines.extract.nlp import load_nlp

    load_nlp(model)


def _as_list(fn: ChunkFn, chunk: list[Any], model: str, batch_size: int) -> list[Any]:
    return list(fn(chunk, model, batch_size))
