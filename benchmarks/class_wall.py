"""What the Class tab's polls cost with a full wall: the teacher's wall (every few seconds, and when a new result
redraws the class chart) and a student's read-only wall, over a class of N runs with thumbnails and meter history.

    python benchmarks/class_wall.py              # 60 runs
    python benchmarks/class_wall.py --runs 200

The handlers are called in-process, as the page's timer calls them (no HTTP), on a class database in a temporary
folder. Prints p50 / p95 milliseconds of: the teacher's poll when a run moved on, the same when a result came in
(the chart is drawn again), a student's poll when the wall changed, and a student's poll with nothing new.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from ganplayground.classroom.classes import MeterPoint, Prediction
from ganplayground.classroom.data_folder import DataFolder
from ganplayground.classroom.experiments import WHERE_COLLAPSE_BEGINS
from ganplayground.classroom.thumbnails import thumbnail_png
from ganplayground.ui.app import build_demo
from ganplayground.ui.server.playground import Playground


def _ms(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {1000 * statistics.median(ordered):6.1f} ms   p95 {1000 * p95:6.1f} ms"


def fill(pg: Playground, code: str, runs: int) -> list[str]:
    """A class of `runs` students, each with a run of the experiment (every other one finished): a thumbnail and
    30 meter readings each."""
    rng = np.random.default_rng(0)
    ids = []
    for i in range(runs):
        member = pg.classes.join(f"bench-student-{i:05d}", code, f"Student {i}")
        arm = pg.classes.arm(member)
        run_id = pg.classes.book.start_run(member, "train", {"preset": "collapse"}, prediction=Prediction(i % 11),
                                           arm=arm.to_dict() if arm else None)
        for k in range(30):
            reading = MeterPoint(200 * (k + 1), 2.0 * (k + 1), int(rng.integers(0, 11)),
                                 ("collapse", "healthy", "illegible")[k % 3])
            pg.classes.book.report(run_id, step=200 * (k + 1), seconds=2.0 * (k + 1), device="CPU (1 thread)",
                                   loss=arm.loss if arm else "js", reading=reading,
                                   thumbnail=thumbnail_png(rng.integers(0, 255, (302, 302), dtype=np.uint8))
                                   if k == 29 else None, finished=k == 29 and i % 2 == 1)
        ids.append(run_id)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--polls", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pg = Playground(folder=DataFolder(Path(folder), "benchmark"))
        try:
            page = build_demo(pg).page
            teacher, klass = page.klass.teacher, page.klass
            out = teacher.on_create("where-collapse-begins", "lr_ratio", "", [], {})
            memory = out[teacher.memory]
            (code,) = memory["teaching"]
            ids = fill(pg, code, args.runs)
            student = "bench-student-00000"
            moved, result, student_changed, student_same = [], [], [], []
            seen = None
            for i in range(args.polls):
                # a run still going moved on: the wall changes, the chart does not
                pg.classes.book.report(ids[(2 * i) % len(ids)], step=10_000 + i, seconds=100.0 + i, device="CPU",
                                       loss="js")
                start = time.perf_counter()
                answer = teacher.on_tick(memory, code, "newest", "all", "all", seen)
                moved.append(time.perf_counter() - start)
                seen = answer[teacher.seen]
                start = time.perf_counter()
                teacher.on_tick(memory, code, "newest", "all", "all", {"wall": None, "chart": None})
                result.append(time.perf_counter() - start)
                time.sleep(1.05)  # past the students' one-second shared read
                start = time.perf_counter()
                first = klass.on_tick(student, {"code": code}, None, "", "newest", "all", "all", None)
                student_changed.append(time.perf_counter() - start)
                start = time.perf_counter()
                klass.on_tick(student, {"code": code}, first[klass.student_seen], "", "newest", "all", "all", None)
                student_same.append(time.perf_counter() - start)
            name = WHERE_COLLAPSE_BEGINS.name
            print(f"class of {args.runs} runs (the experiment '{name}'), {args.polls} polls each:")
            print(f"  teacher, a run moved on        {_ms(moved)}")
            print(f"  teacher, a result came in      {_ms(result)}   (the class chart drawn again)")
            print(f"  student, the wall changed      {_ms(student_changed)}")
            print(f"  student, nothing new           {_ms(student_same)}")
        finally:
            pg.close()


if __name__ == "__main__":
    main()
