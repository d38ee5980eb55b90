"""A classroom against one server: N simulated students with gradio_client.

    python benchmarks/classroom.py                    # 30 students
    python benchmarks/classroom.py --students 10

The app runs as its own process (as `python app.py` would), with the idle reaper shortened so that
runs left behind are freed within the benchmark. Students take turns at four behaviours: train the
default preset to the end and then drag sliders; train the collapse preset and switch the loss to
WGAN-GP mid-run, then stop; drag sliders fast and then leave a toy training behind (a closed tab);
run a duel and stop it. Prints errors, p50/p95 latency per kind of call, trainings completed, queue
positions seen, and the server's memory: at start, at peak, and after the students left.

The simulated students share the server's cores, unlike a real class. gradio_client builds a new HTTP
client per request and, by default, loads the CA bundle each time (29 ms of CPU here, for a plain-http
app that never uses it): thirty such students took 1.36 of the 2 cores. They skip that
(ssl_verify=False) unless --load-certificates is given; the CPU they used is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from gradio_client import Client

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FORM = ["default", "mnist", "js", "dcgan", 3e-3, 3e-3, 32, 16, 1, 0]
COLLAPSE_FORM = ["collapse", "mnist", "js-minimax", "mlp", 3e-4, 3e-4, 256, 32, 5, 0]
RING_FORM = ["ring-js", "ring", "js-minimax", "mlp", 1e-3, 1e-3, 256, 2, 5, 0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Classroom:
    def __init__(self, url: str, ssl_verify: bool = False) -> None:
        self.url = url
        self.ssl_verify = ssl_verify
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.positions: set[int] = set()
        self.completed = 0
        self.lock = threading.Lock()

    def call(self, client: Client, kind: str, *args: object, api_name: str) -> object:
        start = time.perf_counter()
        try:
            out = client.predict(*args, api_name=api_name)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the class
            with self.lock:
                self.errors.append(f"{api_name}: {type(exc).__name__}: {str(exc)[:120]}")
            return None
        with self.lock:
            self.latency[kind].append(time.perf_counter() - start)
        return out

    def _watch(self, text: object) -> None:
        match = re.search(r"number (\d+)\*\* in line", str(text))
        if match:
            with self.lock:
                self.positions.add(int(match.group(1)))

    def _poll_until_done(self, client: Client, token: str, seconds: float, stop_after: float | None = None) -> None:
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            out = self.call(client, "poll", token, api_name="/poll")
            status = out[6] if isinstance(out, (list, tuple)) and len(out) > 6 else ""
            self._watch(status)
            if "Finished" in str(status) or "Stopped" in str(status):
                with self.lock:
                    self.completed += 1
                return
            if stop_after is not None and time.monotonic() - start > stop_after:
                self.call(client, "control", token, api_name="/stop")
                with self.lock:
                    self.completed += 1
                return
            time.sleep(1.0)

    def _sliders(self, client: Client, token: str, n: int, pause: float) -> None:
        for i in range(n):
            value = -3 + 6 * (i % 20) / 19
            self.call(client, "slider", token, "default", i % 5, 0, "principal", value, 0, 0, 0, 0, 0,
                      api_name="/latent")
            time.sleep(pause)

    def student(self, i: int, budget: float) -> None:
        client = Client(self.url, verbose=False, ssl_verify=self.ssl_verify)
        token = self.call(client, "control", api_name="/new_session")
        if not token:
            return
        kind = i % 4
        if kind == 0:  # trains the default preset to the end, then explores
            self._watch(self.call(client, "control", token, *DEFAULT_FORM, budget, api_name="/start"))
            self._poll_until_done(client, token, budget * 4)
            self._sliders(client, token, 20, 0.1)
        elif kind == 1:  # collapse, then flips to WGAN-GP mid-run, then stops
            self._watch(self.call(client, "control", token, *COLLAPSE_FORM, budget, api_name="/start"))
            self._poll_until_done(client, token, budget / 3)
            self.call(client, "control", token, "wgan-gp", api_name="/switch_loss")
            self._poll_until_done(client, token, budget * 3, stop_after=budget / 3)
        elif kind == 2:  # drags sliders fast, starts a toy and closes the tab
            self._sliders(client, token, 60, 0.03)
            self.call(client, "control", token, *RING_FORM, budget, api_name="/start")
            for _ in range(5):
                self._watch(self.call(client, "poll", token, api_name="/poll"))
                time.sleep(1.0)
        else:  # a duel
            self.call(client, "control", token, "collapse", "js-minimax", "wgan-gp", 0, budget, api_name="/duel_start")
            for _ in range(int(budget / 2)):
                self.call(client, "poll", token, api_name="/duel_poll")
                time.sleep(1.0)
            self.call(client, "control", token, api_name="/duel_stop")
            with self.lock:
                self.completed += 1
        client.close()


def summary(samples: list[float]) -> str:
    if not samples:
        return "-"
    ordered = sorted(samples)
    return f"{statistics.median(ordered) * 1000:.0f} / {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--budget", type=float, default=40.0, help="seconds of training each student asks for")
    parser.add_argument("--idle", type=int, default=20, help="the server's idle reaper, in seconds")
    parser.add_argument("--max-trainings", type=int, default=0, help="server cap (0: the app's default)")
    parser.add_argument("--load-certificates", action="store_true",
                        help="let gradio_client load the CA bundle for every request, as it does by default (the "
                             "app is plain http, so it is never used; on this VM it costs 29 ms of CPU per request)")
    args = parser.parse_args()

    port = _free_port()
    env = {**os.environ, "GANPLAYGROUND_IDLE_SECONDS": str(args.idle), "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONPATH": str(ROOT)}
    if args.max_trainings:
        env["GANPLAYGROUND_MAX_TRAININGS"] = str(args.max_trainings)
    code = f"from ganplayground.ui.app import launch; launch(server_name='127.0.0.1', server_port={port})"
    server = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.5)
        # Warm-up: one slider call loads the model every student explores.
        Client(url, verbose=False).predict("warmupwarmup", "default", 0, 0, "principal", 0, 0, 0, 0, 0, 0,
                                           api_name="/latent")
        baseline = _rss_mb(server.pid)
        peak = [baseline]
        done = threading.Event()

        def sample_memory() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _rss_mb(server.pid))
                time.sleep(0.25)

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        room = Classroom(url, ssl_verify=args.load_certificates)
        start, cpu = time.monotonic(), time.process_time()
        students = [threading.Thread(target=room.student, args=(i, args.budget)) for i in range(args.students)]
        for t in students:
            t.start()
            time.sleep(0.2)  # a class arrives over a few seconds
        for t in students:
            t.join()
        lesson = time.monotonic() - start
        students_cpu = time.process_time() - cpu
        time.sleep(args.idle + 15)  # runs left behind are reaped
        done.set()
        after = _rss_mb(server.pid)
        print(f"students: {args.students}, lesson {lesson:.0f} s, training budget {args.budget:.0f} s each; the "
              f"simulated students used {students_cpu:.0f} CPU-seconds ({students_cpu / lesson:.2f} of the "
              f"{os.cpu_count()} cores)")
        print(f"errors: {len(room.errors)}" + "".join(f"\n  {e}" for e in room.errors[:10]))
        print("| call | n | p50 / p95 (ms) |\n|---|---|---|")
        for kind in ("slider", "poll", "control"):
            print(f"| {kind} | {len(room.latency[kind])} | {summary(room.latency[kind])} |")
        print(f"trainings completed or stopped: {room.completed}; queue positions seen: "
              f"{sorted(room.positions) or 'none'}")
        print(f"server memory: {baseline:.0f} MB at start, {peak[0]:.0f} MB peak, {after:.0f} MB after the "
              f"students left")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
