from __future__ import annotations

import multiprocessing
import os
import threading
from functools import partial

import pandas as pd
import pytest

from cleansing.row_chunks import map_ranges, map_row_chunks
from foundation.errors import UserError

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="chunks run in one process without fork"
)


def _upper_with_process(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"upper": frame[column].str.upper(), "process": os.getpid(), "parent": os.getppid()},
        index=frame.index,
    )


def _refuse_after_the_first_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.index[0] > 5_000:
        raise UserError(f"column 'name' row {frame.index[0]}: not a name")
    return frame


@pytest.fixture
def names() -> pd.DataFrame:
    return pd.DataFrame({"name": [f"shop {i}" for i in range(1_000)]}, index=range(5_000, 6_000))


@needs_fork
def test_chunks_on_two_processes_give_the_rows_of_one_run_in_order(names):
    split = map_row_chunks(names, partial(_upper_with_process, column="name"), min_rows=100, workers=2)
    whole = _upper_with_process(names, "name")
    pd.testing.assert_frame_equal(split[["upper"]], whole[["upper"]])
    assert split["process"].nunique() == 2
    assert split["process"].iloc[0] == os.getpid()
    if threading.active_count() == 1:  # a thread left by another test makes it use the fork server instead
        assert (split.loc[split["process"] != os.getpid(), "parent"] == os.getpid()).all()


@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server on this platform"
)
def test_chunks_still_run_on_two_processes_while_another_thread_runs(names):
    """A host with threads of its own (an orchestrator, a notebook) gets the same rows, without forking itself."""
    release = threading.Event()
    bystander = threading.Thread(target=release.wait, daemon=True)
    bystander.start()
    try:
        split = map_row_chunks(names, partial(_upper_with_process, column="name"), min_rows=100, workers=2)
    finally:
        release.set()
        bystander.join()
    pd.testing.assert_frame_equal(split[["upper"]], _upper_with_process(names, "name")[["upper"]])
    assert split["process"].nunique() == 2
    other = split[split["process"] != os.getpid()]
    assert (other["parent"] != os.getpid()).all(), "a threaded process must not fork its chunk workers itself"


@needs_fork
def test_a_progress_bar_does_not_keep_chunks_from_being_forked(names):
    """tqdm starts a monitor thread with its first bar, even a disabled one; it holds no lock a
    standardiser needs, so the chunks are still forked (no pickled copies)."""
    from tqdm import tqdm

    with tqdm(total=1, disable=True):
        pass
    if any(t.name not in ("MainThread", "tqdm_monitor") for t in threading.enumerate()):
        pytest.skip("another test left a thread running")
    split = map_row_chunks(names, partial(_upper_with_process, column="name"), min_rows=100, workers=2)
    assert (split.loc[split["process"] != os.getpid(), "parent"] == os.getpid()).all()


def test_a_small_frame_is_not_split(names):
    result = map_row_chunks(names, partial(_upper_with_process, column="name"), min_rows=5_000, workers=2)
    assert set(result["process"]) == {os.getpid()}


@needs_fork
def test_a_problem_in_another_process_reaches_the_caller_with_its_message(names):
    with pytest.raises(UserError, match=r"column 'name' row 5500: not a name"):
        map_row_chunks(names, _refuse_after_the_first_chunk, min_rows=100, workers=2)


@needs_fork
def test_ranges_run_on_what_this_process_holds_and_come_back_in_order():
    """The task reads what this process holds (a closure, nothing pickled) and each range after the
    first runs in a process forked from this one."""
    held = list(range(1_000))

    def task(start: int, stop: int) -> tuple[list[int], int, int]:
        return [v * 2 for v in held[start:stop]], os.getpid(), os.getppid()

    ranges = map_ranges(task, len(held), min_size=100, workers=2)
    assert [v for values, _, _ in ranges for v in values] == [v * 2 for v in held]
    assert ranges[0][1] == os.getpid()
    assert ranges[1][1] != os.getpid() and ranges[1][2] == os.getpid()


def test_few_items_stay_in_one_range_in_this_process():
    ranges = map_ranges(lambda start, stop: (start, stop, os.getpid()), 50, min_size=100, workers=2)
    assert ranges == [(0, 50, os.getpid())]
