"""A school day on one server: N classes of 30 simulated students, one class after another (gradio_client).

    python benchmarks/school_day.py                   # 8 classes of 30
    python benchmarks/school_day.py --classes 3 --root /path/to/another/checkout

The app runs as its own process with short idle and forget settings, so the sessions of a class that left are
ended and forgotten before the next class comes. Each class opens with a burst: its students' Start requests are
released together by a barrier (30 Starts within one second). Each student trains the default preset for a few
seconds, polls as the Train tab's timer does until the run ends, then some drag the timeline slider and some
make the run's GIF, and all leave. Prints the server's memory after each class (once the class was forgotten),
its peak (VmHWM), the ratio of the last class's memory to the first's, and errors.
"""

from __future__ import annotations

import argparse
import contextlib
import threading
import time
from pathlib import Path

from gradio_client import Client
from load import ROOT, memory_mb, start_server

DEFAULT_FORM = ["default", "mnist", "js", "dcgan", 3e-3, 3e-3, 32, 16, 1, 0]
REAP_SECONDS = 5  # the server's reaper looks every 5 s (ui/server/sessions.py)


class SchoolClass:
    """One class: its students' errors and how many runs ended."""

    def __init__(self, url: str, students: int, budget: float) -> None:
        self.url = url
        self.budget = budget
        self.barrier = threading.Barrier(students)
        self.errors: list[str] = []
        self.finished = 0
        self.burst = (float("inf"), 0.0)  # first and last Start sent
        self.lock = threading.Lock()

    def call(self, client: Client, *args: object, api_name: str) -> object:
        try:
            return client.predict(*args, api_name=api_name)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the day
            with self.lock:
                self.errors.append(f"{api_name}: {type(exc).__name__}: {str(exc)[:120]}")
            return None

    def student(self, i: int) -> None:
        client = Client(self.url, verbose=False, ssl_verify=False)
        token = self.call(client, api_name="/new_session")
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=120)
        if not token:
            return
        sent = time.monotonic()
        with self.lock:
            self.burst = (min(self.burst[0], sent), max(self.burst[1], sent))
        self.call(client, token, *DEFAULT_FORM, self.budget, api_name="/start")
        deadline = time.monotonic() + self.budget * 20 + 120  # 30 runs share a few slots
        while time.monotonic() < deadline:
            out = self.call(client, token, api_name="/poll")
            status = str(out[6]) if isinstance(out, (list, tuple)) and len(out) > 6 else ""
            if "Finished" in status or "Stopped" in status:
                with self.lock:
                    self.finished += 1
                break
            time.sleep(1.0)
        if i % 3 == 0:  # drags the timeline slider back through the run
            for position in (0, 25, 50, 75, 100):
                self.call(client, token, position, api_name="/timeline_frame")
        if i % 5 == 0:  # makes the run's GIF
            self.call(client, token, api_name="/timeline_gif")
        client.close()  # leaves: no more polls; the reaper ends and forgets the session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--classes", type=int, default=8)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--budget", type=float, default=10.0,
                        help="seconds of training each student asks for (the page allows 10 to 600)")
    parser.add_argument("--idle", type=int, default=10, help="the server's idle reaper, in seconds")
    parser.add_argument("--forget", type=int, default=20, help="the server forgets a session after this many seconds")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    args = parser.parse_args()

    env = {"GANPLAYGROUND_IDLE_SECONDS": str(args.idle), "GANPLAYGROUND_FORGET_SECONDS": str(args.forget)}
    server, url = start_server(env, args.root)
    pid = server.pid
    try:
        Client(url, verbose=False).predict("warmupwarmup", "default", 0, 0, "principal", 0, 0, 0, 0, 0, 0,
                                           api_name="/latent")
        print(f"server {args.root}: {memory_mb(pid):.0f} MB at start")
        after: list[float] = []
        errors: list[str] = []
        for number in range(1, args.classes + 1):
            room = SchoolClass(url, args.students, args.budget)
            start = time.monotonic()
            students = [threading.Thread(target=room.student, args=(i,)) for i in range(args.students)]
            for t in students:
                t.start()
            for t in students:
                t.join()
            lesson = time.monotonic() - start
            time.sleep(args.idle + args.forget + 2 * REAP_SECONDS)  # the class is ended and forgotten
            after.append(memory_mb(pid))
            errors += room.errors
            print(f"class {number}: {lesson:.0f} s, burst of Starts within {room.burst[1] - room.burst[0]:.2f} s, "
                  f"{room.finished}/{args.students} runs ended, {len(room.errors)} errors; RSS after "
                  f"{after[-1]:.0f} MB, peak so far {memory_mb(pid, 'VmHWM'):.0f} MB", flush=True)
        print(f"RSS after each class (MB): {', '.join(f'{m:.0f}' for m in after)}")
        print(f"peak (VmHWM): {memory_mb(pid, 'VmHWM'):.0f} MB; last / first: {after[-1] / after[0]:.3f}")
        print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
