"""Run work over chunks of rows (or of any items: candidate pairs) on every core when there is enough of it.

A standardiser gives each row a value that depends on that row alone, so the frame can be cut into
consecutive chunks, each standardised in its own process, and the pieces put back in order: the result is
the one a single process gives (:func:`map_row_chunks`). Comparing candidate pairs is the same (each pair's
levels depend on that pair alone) over the columns of a whole file (:func:`map_ranges`). The calling process
works on the first chunk itself; the others go to processes forked from it, which inherit the frame (or
whatever the task reads) instead of receiving a pickled copy of it.

Forking is safe only while this process runs one thread: a lock another thread holds at that moment (a
logging handler's, a database pool's, an orchestrator's event writer's) stays locked for ever in the child.
Where other threads run (inside an orchestrator, a web server, a notebook kernel), a frame's chunks go
instead to processes started by a clean single-threaded fork server, each receiving its chunk pickled, and
other ranges run in this process. Where neither is available (Windows) or only one core is free, the work
runs once, in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd

__all__ = ["PARALLEL_MIN_ROWS", "available_cores", "map_ranges", "map_row_chunks"]

PARALLEL_MIN_ROWS = 200_000
"""Below this many rows, starting a process and sending its result back costs more than the second core saves."""

_inherited_task: Callable[[int, int], Any] | None = None
"""The task being run over ranges, set before the workers fork so that each runs it on what this process
holds (a frame, the columns of a million records) without a copy being sent."""


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the platform reports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _run_inherited(start: int, stop: int) -> Any:
    assert _inherited_task is not None, "a range runs only in a process forked by map_ranges"
    return _inherited_task(start, stop)


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


def _bounds(size: int, min_size: int, workers: int | None) -> list[int] | None:
    """Where ``size`` items are cut into consecutive ranges, one per worker, none smaller than half of
    ``min_size``; ``None`` where they stay whole (under ``min_size``, one core)."""
    workers = min(workers or available_cores(), max(1, size // max(min_size // 2, 1)))
    if size < min_size or workers < 2:
        return None
    return [size * k // workers for k in range(workers + 1)]


def map_ranges(
    task: Callable[[int, int], Any], size: int, min_size: int, workers: int | None = None
) -> list[Any]:
    """``[task(start, stop), …]`` over consecutive ranges covering ``range(size)``: the first in this
    process, the others in up to ``workers - 1`` processes forked from it, which inherit whatever ``task``
    reads (it need not be picklable; its results must be). One range, in this process, where ``size`` is
    under ``min_size``, one core is free or forking is not safe (another thread runs, or no ``fork``)."""
    global _inherited_task
    bounds = _bounds(size, min_size, workers)
    if bounds is None or _start_method() != "fork":
        return [task(0, size)]
    _inherited_task = task
    try:
        with ProcessPoolExecutor(len(bounds) - 2, mp_context=multiprocessing.get_context("fork")) as pool:
            others = [
                pool.submit(_run_inherited, start, stop)
                for start, stop in zip(bounds[1:-1], bounds[2:], strict=True)
            ]
            results = [task(bounds[0], bounds[1])]
            results += [future.result() for future in others]
    finally:
        _inherited_task = None
    return results


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
    min_rows = PARALLEL_MIN_ROWS if min_rows is None else min_rows
    method = _start_method()
    bounds = _bounds(len(frame), min_rows, workers)
    if bounds is None or method is None:
        return func(frame)
    if method == "fork":
        return pd.concat(
            map_ranges(lambda start, stop: func(frame.iloc[start:stop]), len(frame), min_rows, workers)
        )
    # Other threads run: a clean fork server starts the workers, each receiving its chunk pickled.
    with ProcessPoolExecutor(len(bounds) - 2, mp_context=multiprocessing.get_context(method)) as pool:
        others = [
            pool.submit(func, frame.iloc[start:stop])
            for start, stop in zip(bounds[1:-1], bounds[2:], strict=True)
        ]
        pieces = [func(frame.iloc[bounds[0] : bounds[1]])]
        pieces += [future.result() for future in others]
    return pd.concat(pieces)
