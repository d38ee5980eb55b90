"""A classroom against one server: N simulated students with gradio_client.

    python benchmarks/classroom.py                    # 30 students
    python benchmarks/classroom.py --students 10
    python benchmarks/classroom.py --class            # 30 students in one class, a teacher's wall polling
    python benchmarks/classroom.py --class --burst    # ... all joining and pressing Start within a second

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

--class: one class with the ready-made experiment "Where does collapse begin?" (its own data folder): students
arrive over a minute (or all at once with --burst), join, predict, train their arm and poll, dragging a slider now
and then; a teacher polls the wall every 3 s. Prints errors, lost runs, the wall's and the slider's latency, the
time from joining until each result is on the wall, the wall's results, and the server's memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from gradio_client import Client

from ganplayground.classroom.experiments import WHERE_COLLAPSE_BEGINS
from ganplayground.presets import PRESETS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FORM = ["default", "mnist", "js", "dcgan", 3e-3, 3e-3, 32, 16, 1, 0]
COLLAPSE_FORM = ["collapse", "mnist", "js-minimax", "mlp", 3e-4, 3e-4, 256, 32, 5, 0]
RING_FORM = ["ring-js", "ring", "js-minimax", "mlp", 1e-3, 1e-3, 256, 2, 5, 0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


ENDED = ("Finished", "Stopped", "Diverged")


class ClassOfStudents(Classroom):
    """One class with the ready-made experiment: students join, predict, train their arm and poll; a teacher polls
    the wall. Records, per student, the time from joining until its run is on the wall, finished, with a verdict."""

    def __init__(self, url: str, code: str, teacher_key: str, ssl_verify: bool = False) -> None:
        super().__init__(url, ssl_verify)
        self.code, self.teacher_key = code, teacher_key
        self.joined: dict[str, float] = {}  # name -> when it joined (monotonic)
        self.arms: dict[str, str] = {}  # name -> the arm's label the student trained
        self.waited: list[float] = []  # seconds from Start until the run left the queue
        self.on_wall: dict[str, float] = {}  # name -> seconds from joining to finished with a verdict on the wall
        self.wall: list[dict] = []  # the wall's latest answer
        self.students_done = threading.Event()
        self.students_done_at = 0.0

    @staticmethod
    def form(slot: int) -> list[object]:
        """The Train form of the experiment's arm for this slot, as the Class tab fills it: the collapse preset with
        the arm's loss, rates, batch, critic steps and seed (the next seed for a repeat), and a 90 s time budget."""
        arm = WHERE_COLLAPSE_BEGINS.arm(slot)
        values = WHERE_COLLAPSE_BEGINS.form_values(arm, slot)
        preset = PRESETS["collapse"].config
        return [values["preset"], preset.dataset, values["loss"], preset.arch, values["lr_d"], values["lr_g"],
                values["batch_size"], preset.latent_dim, values["critic_steps"], values["seed"], 90]

    def student(self, i: int, start_at: float, give_up: float) -> None:
        client = Client(self.url, verbose=False, ssl_verify=self.ssl_verify)
        token = self.call(client, "control", api_name="/new_session")
        if not token:
            return
        name = f"bench student {i + 1:02d}"
        time.sleep(max(0.0, start_at - time.monotonic()))
        with self.lock:
            self.joined[name] = time.monotonic()
        member = self.call(client, "control", token, self.code, name, api_name="/class_join")
        if not isinstance(member, dict):
            return
        slot = member["number"] - 1
        with self.lock:
            self.arms[name] = WHERE_COLLAPSE_BEGINS.arm(slot).label
        self.call(client, "control", token, i % 11, "", api_name="/class_predict")
        started = time.monotonic()
        self.call(client, "control", token, *self.form(slot), api_name="/start")
        self._follow(client, token, started, give_up)
        client.close()

    def _follow(self, client: Client, token: str, started: float, give_up: float) -> None:
        """Poll every 1-2 s until the run ends, as the page does; drag a slider now and then."""
        queued, polls = True, 0
        while time.monotonic() - started < give_up:
            out = self.call(client, "poll", token, api_name="/poll")
            status = str(out[6]) if isinstance(out, (list, tuple)) and len(out) > 6 else ""
            self._watch(status)
            if queued and status and "Waiting" not in status:
                queued = False
                with self.lock:
                    self.waited.append(time.monotonic() - started)
            if any(word in status for word in ENDED):
                with self.lock:
                    self.completed += 1
                return
            polls += 1
            if polls % 8 == 0:  # a student drags a latent slider now and then
                self._sliders(client, token, 5, 0.1)
            time.sleep(1.0 + (polls % 3) / 2)
        with self.lock:
            self.errors.append(f"{token[:6]}: the run did not end within {give_up:.0f} s")

    def teacher(self, every: float = 3.0) -> None:
        """Poll the wall every few seconds until every student's run is on it, finished (or all students gave up)."""
        request = urllib.request.Request(f"{self.url}api/classes/{self.code}/runs",
                                         headers={"X-Teacher-Key": self.teacher_key})
        while True:
            begin = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    wall = json.loads(answer.read())
            except (OSError, ValueError) as exc:
                with self.lock:
                    self.errors.append(f"wall: {type(exc).__name__}: {str(exc)[:120]}")
                wall = None
            now = time.monotonic()
            if wall is not None:
                with self.lock:
                    self.latency["wall"].append(time.perf_counter() - begin)
                    self.wall = wall
                    for run in wall:
                        name = run["name"]
                        if run["finished"] and run["verdict"] and name in self.joined and name not in self.on_wall:
                            self.on_wall[name] = now - self.joined[name]
                    everyone = bool(self.joined) and len(self.on_wall) == len(self.joined)
            # Done when every result is on the wall, or 20 s (several reports) after the last student stopped.
            if self.students_done.is_set() and (everyone or now - self.students_done_at > 20):
                return
            time.sleep(max(0.0, every - (time.perf_counter() - begin)))


def class_report(room: ClassOfStudents, n: int) -> None:
    """Print the class's figures: errors, lost runs, latencies, join-to-wall times and the wall's results."""
    print(f"errors: {len(room.errors)}" + "".join(f"\n  {e}" for e in room.errors[:10]))
    lost = sorted(set(room.joined) - set(room.on_wall))
    print(f"lost runs (never on the wall finished with a verdict): {len(lost)}" + (f" {lost}" if lost else ""))
    rows = defaultdict(int)
    for run in room.wall:
        rows[run["name"]] += 1
    extra = {name: k for name, k in rows.items() if k != 1}
    print(f"wall rows: {len(room.wall)} for {len(room.joined)} students who joined ({n} asked); students with other "
          f"than one run: {extra or 'none'}")
    print("| call | n | p50 / p95 (ms) |\n|---|---|---|")
    for kind in ("wall", "slider", "poll", "control"):
        print(f"| {kind} | {len(room.latency[kind])} | {summary(room.latency[kind])} |")
    times = sorted(room.on_wall.values())
    if times:
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"join -> finished on the wall: p50 {statistics.median(times):.0f} s, p95 {p95:.0f} s, max "
              f"{times[-1]:.0f} s (goal: every student within 600 s)")
    waited = sorted(room.waited)
    if waited:
        print(f"Start -> training (the queue): p50 {statistics.median(waited):.0f} s, max {waited[-1]:.0f} s; "
              f"queue positions seen: {sorted(room.positions) or 'none'}")
    print("| arm | students | digits covered | verdicts | steps | training s |\n|---|---|---|---|---|---|")
    by_arm: dict[str, list[dict]] = defaultdict(list)
    for run in room.wall:
        by_arm[(run["arm"] or {}).get("label", "-")].append(run)
    for label, runs in sorted(by_arm.items(), key=lambda kv: (kv[1][0]["arm"] or {}).get("value", 0)):
        print(f"| {label} | {len(runs)} | {', '.join(str(r['digits_covered']) for r in runs)} | "
              f"{', '.join(str(r['verdict']) for r in runs)} | {', '.join(str(r['step']) for r in runs)} | "
              f"{', '.join(str(round(r['seconds'])) for r in runs)} |")


def summary(samples: list[float]) -> str:
    if not samples:
        return "-"
    ordered = sorted(samples)
    return f"{statistics.median(ordered) * 1000:.0f} / {ordered[int(0.95 * (len(ordered) - 1))] * 1000:.0f}"


@contextlib.contextmanager
def served(args: argparse.Namespace, data_dir: str | None = None):
    """The app as its own process, warmed up (one slider call loads the model every student explores); yields its
    address and a memory meter, and stops it at the end."""
    port = _free_port()
    env = {**os.environ, "GANPLAYGROUND_IDLE_SECONDS": str(args.idle), "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONPATH": str(ROOT)}
    if args.max_trainings:
        env["GANPLAYGROUND_MAX_TRAININGS"] = str(args.max_trainings)
    if data_dir:
        env["GANPLAYGROUND_DATA_DIR"] = data_dir
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
        Client(url, verbose=False).predict("warmupwarmup", "default", 0, 0, "principal", 0, 0, 0, 0, 0, 0,
                                           api_name="/latent")
        memory = Memory(server.pid)
        yield url, memory
        memory.done.set()
    finally:
        server.terminate()
        server.wait(10)


class Memory:
    """The server's resident memory: at start, and its peak, sampled every 0.25 s."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.baseline = self.peak = _rss_mb(pid)
        self.done = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _rss_mb(self.pid))
            time.sleep(0.25)

    def line(self) -> str:
        return (f"server memory: {self.baseline:.0f} MB at start, {self.peak:.0f} MB peak, {_rss_mb(self.pid):.0f} "
                f"MB after the students left")


def lesson(args: argparse.Namespace) -> None:
    """The default benchmark: four behaviours in turn, no class."""
    with served(args) as (url, memory):
        room = Classroom(url, ssl_verify=args.load_certificates)
        start, cpu = time.monotonic(), time.process_time()
        students = [threading.Thread(target=room.student, args=(i, args.budget)) for i in range(args.students)]
        for t in students:
            t.start()
            time.sleep(0.2)  # a class arrives over a few seconds
        for t in students:
            t.join()
        took = time.monotonic() - start
        students_cpu = time.process_time() - cpu
        time.sleep(args.idle + 15)  # runs left behind are reaped
        print(f"students: {args.students}, lesson {took:.0f} s, training budget {args.budget:.0f} s each; the "
              f"simulated students used {students_cpu:.0f} CPU-seconds ({students_cpu / took:.2f} of the "
              f"{os.cpu_count()} cores)")
        print(f"errors: {len(room.errors)}" + "".join(f"\n  {e}" for e in room.errors[:10]))
        print("| call | n | p50 / p95 (ms) |\n|---|---|---|")
        for kind in ("slider", "poll", "control"):
            print(f"| {kind} | {len(room.latency[kind])} | {summary(room.latency[kind])} |")
        print(f"trainings completed or stopped: {room.completed}; queue positions seen: "
              f"{sorted(room.positions) or 'none'}")
        print(memory.line())


def class_lesson(args: argparse.Namespace) -> None:
    """--class: one class of students with the ready-made experiment and a teacher's wall."""
    data_dir = tempfile.mkdtemp(prefix="ganplayground-class-bench-")
    try:
        with served(args, data_dir) as (url, memory):
            request = urllib.request.Request(f"{url}api/classes", method="POST",
                                             data=json.dumps({"experiment": "where-collapse-begins"}).encode(),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                made = json.loads(answer.read())
            room = ClassOfStudents(url, made["code"], made["teacher_key"], ssl_verify=args.load_certificates)
            arrival = 1.0 if args.burst else args.arrival
            load, start, cpu = os.getloadavg()[0], time.monotonic(), time.process_time()
            server_cpu = _cpu_seconds(memory.pid)
            first = start + 5  # time to open every client first; then they join over `arrival` seconds
            students = [threading.Thread(target=room.student, args=(i, first + arrival * i / args.students,
                                                                    args.give_up)) for i in range(args.students)]
            teacher = threading.Thread(target=room.teacher)
            for t in [*students, teacher]:
                t.start()
            for t in students:
                t.join()
            room.students_done_at = time.monotonic()
            room.students_done.set()
            teacher.join()
            took, students_cpu = time.monotonic() - start, time.process_time() - cpu
            server_cpu = _cpu_seconds(memory.pid) - server_cpu
            time.sleep(args.idle + 15)  # the students' sessions are reaped
            how = "burst (all within 1 s)" if args.burst else f"arriving over {arrival:.0f} s"
            print(f"class of {args.students}, {how}; lesson {took:.0f} s; load average {load:.1f} at start, "
                  f"{os.getloadavg()[0]:.1f} at the end "
                  f"({os.cpu_count()} cores); the simulated students and teacher used {students_cpu:.0f} "
                  f"CPU-seconds ({students_cpu / took:.2f} cores), the server {server_cpu:.0f} "
                  f"({server_cpu / took:.2f} cores: what the other load left it)")
            class_report(room, args.students)
            print(memory.line())
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--budget", type=float, default=40.0, help="seconds of training each student asks for")
    parser.add_argument("--idle", type=int, default=20, help="the server's idle reaper, in seconds")
    parser.add_argument("--max-trainings", type=int, default=0, help="server cap (0: the app's default)")
    parser.add_argument("--load-certificates", action="store_true",
                        help="let gradio_client load the CA bundle for every request, as it does by default (the "
                             "app is plain http, so it is never used; on this VM it costs 29 ms of CPU per request)")
    parser.add_argument("--class", dest="in_class", action="store_true",
                        help="one class with the ready-made experiment, and a teacher polling the wall")
    parser.add_argument("--arrival", type=float, default=60.0, help="--class: the students join over this many s")
    parser.add_argument("--burst", action="store_true", help="--class: all join and press Start within one second")
    parser.add_argument("--give-up", type=float, default=1200.0,
                        help="--class: a student stops polling this long after Start")
    args = parser.parse_args()
    (class_lesson if args.in_class else lesson)(args)


if __name__ == "__main__":
    main()
