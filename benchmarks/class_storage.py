"""The class database under a full class: how fast reports go in and the wall comes out, and how big it gets.

    python benchmarks/class_storage.py                 # 200 students, 500 runs, 60 reports each
    python benchmarks/class_storage.py --threads 8

Each run gets a 96 px noise thumbnail (the worst case for PNG size) and a meter reading per report. Prints
reports per second (all threads together), the time to read the wall (all runs, thumbnails included) and the
CSV, and the database's bytes per run.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from ganplayground.classroom.classes import ClassBook, MeterPoint
from ganplayground.classroom.thumbnails import thumbnail_png


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--reports", type=int, default=60)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    book = ClassBook.open(folder / "classes.sqlite3", max_runs=args.runs)
    new = book.create()
    members = [book.join(new.code, f"s{i}") for i in range(200)]
    run_ids = [book.start_run(members[i % 200], "train", {"preset": "collapse", "loss": "js", "lr_d": 2e-4})
               for i in range(args.runs)]
    png = thumbnail_png(np.random.default_rng(0).integers(0, 256, (96, 96), dtype=np.uint8))

    def reporter(ids: list[str]) -> None:
        for step in range(1, args.reports + 1):
            for run_id in ids:
                book.report(run_id, step=step * 50, seconds=step * 1.0, device="cpu", loss="js",
                            reading=MeterPoint(step * 50, step * 1.0, step % 11, "healthy"), legibility=100.0,
                            thumbnail=png if step % 10 == 0 else None)

    threads = [threading.Thread(target=reporter, args=(run_ids[i::args.threads],)) for i in range(args.threads)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    print(f"{args.runs * args.reports:,} reports from {args.threads} threads: "
          f"{args.runs * args.reports / elapsed:,.0f} per second")
    start = time.perf_counter()
    wall = book.runs(new.code)
    print(f"the wall ({len(wall)} runs with thumbnails): {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    text = book.csv(new.code, new.teacher_key)
    print(f"the CSV ({len(text):,} bytes): {(time.perf_counter() - start) * 1000:.0f} ms")
    used = book.store.used_bytes
    print(f"database: {used / 2**20:.1f} MB in use, {used / args.runs / 1024:.1f} KB per run "
          f"(thumbnail {len(png):,} bytes)")
    book.close()


if __name__ == "__main__":
    main()
