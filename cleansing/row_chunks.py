"""Run a row-by-row frame function over chunks of rows on every core when the frame is large enough.

A standardiser gives each row a value that depends on that row alone, so the frame can be cut into
consecutive chunks, each standardised in its own process, and the pieces put back in order: the result is
the one a single process gives. The calling process works on the first chunk itself; the others go to
processes forked from it, which inherit the frame instead of receiving a pickled copy of it.

Forking is safe only while this process runs one thread: a lock another thread holds at that moment (a
logging handler's, a database pool's, an orchestrator's event writer's) stays locked for ever in the child.
Where other threads run (inside an orchestrator, a web server, a notebook kernel), the chunks go instead to
processes started by a clean single-threaded fork server, each receiving its chunk pickled. Where neither is
available (Windows) or only one core is free, the function runs once, in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

__all__ = ["PARALLEL_MIN_ROWS", "available_cores", "map_row_chunks"]

PARALLEL_MIN_ROWS = 200_000
"""Below this many rows, starting a process and sending its result back costs more than the second core saves."""

_inherited: pd.DataFrame | None = None
"""The frame being cut, set before the workers fork so that each reads its chunk without a copy being sent."""


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the platform reports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _run_chunk(func: Callable[[pd.DataFrame], pd.DataFrame], start: int, stop: int) -> pd.DataFrame:
    assert _inherited is not None, "a chunk runs only in a process forked by map_row_chunks"
    return func(_inherited.iloc[start:stop])


_HARMLESS_THREADS = frozenset({"tqdm_monitor"})
"""Threads that only ever take locks of their own, which no standardiser uses: tqdm's monitor of
progress bars (started by the first bar, even a disabled one) may hold tqdm's lock at the fork."""


def _start_method() -> str | None:
    """``fork`` while this process runs no thread but harmless ones, else a fork server; ``None``
    where neither exists."""
    methods = multiprocessing.get_all_start_methods()
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if "fork" in methods and all(t.name in _HARMLESS_THREADS for t in others):
        return "fork"
    return "forkserver" if "forkserver" in methods else None


def map_row_chunks(
    frame: pd.DataFrame,
    func: Callable[[pd.DataFrame], pd.DataFrame],
    min_rows: int | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """``func(frame)``, computed over consecutive chunks of rows in up to ``workers`` processes.

    ``func`` must give each row a result that depends on that row alone and return a frame with the
    chunk's index, and it must be picklable (a module-level function or a ``functools.partial`` of one).
    ``workers`` defaults to the cores available; frames under ``min_rows`` rows (default
    :data:`PARALLEL_MIN_ROWS`) are not split, and no chunk is smaller than half of it.
    """
    global _inherited
    min_rows = PARALLEL_MIN_ROWS if min_rows is None else min_rows
    workers = min(workers or available_cores(), max(1, len(frame) // max(min_rows // 2, 1)))
    method = _start_method()
    if len(frame) < min_rows or workers < 2 or method is None:
        return func(frame)
    bounds = [len(frame) * k // workers for k in range(workers + 1)]
    chunks = list(zip(bounds[1:-1], bounds[2:], strict=True))
    _inherited = frame
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context(method)) as pool:
            if method == "fork":
                others = [pool.submit(_run_chunk, func, start, stop) for start, stop in chunks]
            else:
                others = [pool.submit(func, frame.iloc[start:stop]) for start, stop in chunks]
            pieces = [func(frame.iloc[bounds[0] : bounds[1]])]
            pieces += [future.result() for future in others]
    finally:
        _inherited = None
    return pd.concat(pieces)
