"""One timed store load and its rerun in their own process, with the loader of a given source tree
(see bench_load); prints the wall and CPU seconds of this process for each.

Run by :mod:`benchmarks.bench_load`: ``python -m benchmarks.load_child TREE URL ORDERS``. ``TREE`` is put
first on ``sys.path`` before anything of the project is imported, so ``migration`` (and what it imports)
comes from that tree: the loader as it was at a git revision, or the current one.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    tree, url, orders = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, tree)

    import time

    from benchmarks.bench_frames import make_frames
    from migration.load import load_all
    from migration.store import create_store_engine, upgrade_store

    frames = make_frames(orders)
    engine = create_store_engine(url)
    upgrade_store(engine)
    times = []
    for batch in ("BENCH", "BENCH2"):  # BENCH2: the next night with nothing changed, every row compared
        started, cpu = time.perf_counter(), time.process_time()
        load_all(engine, frames, batch)
        times += [time.perf_counter() - started, time.process_time() - cpu]
    print(*times)
    engine.dispose()
