"""Who owns which training: one `Session` per browser tab (a random token the page keeps), each run
in its own thread, a fair cap on how many train at once, and a reaper for runs nobody watches.

Framework-free on purpose (no gradio import): the handlers translate page events into these calls,
and the tests drive it directly.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ...config import Config
from ...export.recording import Recording
from ...train.snapshots import Snapshot
from ...train.trainer import Trainer

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class SessionError(ValueError):
    """A request names a session or run that does not exist or is malformed."""


def new_token() -> str:
    """An unguessable session token (128 random bits, URL-safe)."""
    return secrets.token_urlsafe(16)


def check_token(token: Any) -> str:
    if token is None or token == "":
        # The page fills in its session as it loads; a click in the first instant arrives without one.
        raise SessionError("this page is still connecting: wait a second and try again")
    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        raise SessionError("session must be 8-64 letters, digits, '-' or '_' (the page creates one for you)")
    return token


class Slots:
    """A first-come, first-served cap on concurrent trainings.

    `acquire` blocks until the caller is at the head of the line and a slot is free (or it gives up);
    `position` tells a waiting caller how many are ahead of it, plus one.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._holders: set[object] = set()
        self._line: deque[object] = deque()
        self.ended = 0  # releases so far (the reaper trims memory after runs end)
        self._cond = threading.Condition()

    def acquire(self, key: object, give_up: Callable[[], bool]) -> bool:
        with self._cond:
            self._line.append(key)
            try:
                while not (self._line[0] is key and len(self._holders) < self.capacity):
                    if give_up():
                        return False
                    self._cond.wait(0.1)
                self._holders.add(key)
                return True
            finally:
                self._line.remove(key)
                self._cond.notify_all()

    def release(self, key: object) -> None:
        with self._cond:
            if key in self._holders:
                self._holders.discard(key)
                self.ended += 1
            self._cond.notify_all()

    def position(self, key: object) -> int:
        """0 when not waiting; otherwise the 1-based place in line."""
        with self._cond:
            for i, waiting in enumerate(self._line):
                if waiting is key:
                    return i + 1
            return 0

    @property
    def active(self) -> int:
        with self._cond:
            return len(self._holders)

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._line)


class Run:
    """One training run in its own thread: waits for a slot, trains, keeps the latest snapshot."""

    def __init__(self, trainer: Trainer, slots: Slots, snapshot_seconds: float = 0.5,
                 metrics_seconds: float | None = None) -> None:
        self.trainer = trainer
        self.slots = slots
        self.snapshot_seconds = snapshot_seconds
        self.metrics_seconds = metrics_seconds
        self.latest: Snapshot | None = None
        self.version = 0  # bumped on every new snapshot so pollers can skip unchanged output
        self.recording = Recording(trainer.config.dataset)  # the timeline: every snapshot is offered to it
        self.error = ""
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._main, daemon=True, name="ganplayground-run")
        self.state = "queued"  # queued -> running -> ended

    def start(self) -> None:
        self._thread.start()

    def _main(self) -> None:
        _lower_this_threads_priority()
        if not self.slots.acquire(self, self._cancel.is_set):
            self.state = "ended"
            self._publish(self.trainer.snapshot())
            return
        try:
            self.state = "running"
            for snap in self.trainer.run(every_seconds=self.snapshot_seconds, on_divergence="pause",
                                         metrics_seconds=self.metrics_seconds, metrics_pool=metrics_pool()):
                self._publish(snap)
                if self._cancel.is_set():
                    self.trainer.stop()
        except Exception as exc:  # noqa: BLE001 - a crashed run must report, not kill the server
            self.error = f"Training stopped unexpectedly: {type(exc).__name__}: {exc}"
            self.trainer.status, self.trainer.reason = "stopped", self.error
            self._publish(self.trainer.snapshot())
        finally:
            self.state = "ended"
            self.slots.release(self)
            self.version += 1

    def _publish(self, snap: Snapshot) -> None:
        self.recording.add(snap)
        self.latest = snap
        self.version += 1

    def refresh(self) -> None:
        """Publish a snapshot now (after a manual step while paused)."""
        self._publish(self.trainer.snapshot())

    def stop(self) -> None:
        self._cancel.set()
        self.trainer.stop()

    def join(self, timeout: float | None = None) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @property
    def queue_position(self) -> int:
        return self.slots.position(self) if self.state == "queued" else 0


@dataclass
class Session:
    """Everything one browser tab owns on the server."""

    token: str
    last_seen: float = field(default_factory=time.monotonic)
    orphaned_at: float | None = None  # set when the tab went away; cleared by its next request
    run: Run | None = None  # the Train tab's run
    duel: list[Run] = field(default_factory=list)  # the Duel tab's two runs
    config: Config | None = None  # the last config started on the Train tab
    steps_per_second: float = 0.0  # the Train tab's speed control (0: full speed)
    uploads: dict[str, Any] = field(default_factory=dict)  # Explore's models uploaded in this tab (ui/handin.py)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def runs(self) -> list[Run]:
        return [r for r in [self.run, *self.duel] if r is not None]


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


_LIBC = _libc()


def _lower_this_threads_priority(by: int = 10) -> None:
    """Training threads yield the CPU to the page's handlers (sliders, polls) when both want it: on Linux a
    thread has its own nice value, here the server's plus `by`. Elsewhere, or if refused, nothing changes.
    Measured with benchmarks/classroom.py (10 students): slider p95 1.34 s -> 0.77 s."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, os.getpriority(os.PRIO_PROCESS, 0) + by))


_METRICS_POOL: ThreadPoolExecutor | None = None
_METRICS_POOL_LOCK = threading.Lock()


def metrics_pool() -> ThreadPoolExecutor:
    """Where runs compute their live metrics (the digit meter, FID): two threads shared by all runs, at the
    training threads' lower priority, so a run trains on while its last weights are measured. In the
    training thread they cost it 6% of its steps (benchmarks/latency.py)."""
    global _METRICS_POOL
    with _METRICS_POOL_LOCK:
        if _METRICS_POOL is None:
            _METRICS_POOL = ThreadPoolExecutor(2, thread_name_prefix="ganplayground-metrics",
                                               initializer=_lower_this_threads_priority)
        return _METRICS_POOL


def release_memory() -> None:
    """Hand freed memory back to the operating system once runs have ended: collect Python garbage, then
    ask glibc to trim its per-thread heaps (each training thread leaves one behind). No-op elsewhere."""
    gc.collect()
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


class SessionManager:
    """All sessions of one server, their runs, the cap on concurrent trainings and the reaper."""

    def __init__(self, max_trainings: int = 4, idle_seconds: float = 180.0, orphan_seconds: float = 60.0,
                 forget_seconds: float = 3600.0, max_sessions: int = 500, reap_every: float = 5.0) -> None:
        self.slots = Slots(max_trainings)
        self.idle_seconds = idle_seconds  # a run nobody polled for this long is stopped
        self.orphan_seconds = orphan_seconds  # ... or this long after its tab closed
        self.forget_seconds = forget_seconds  # an inactive session is forgotten after this long
        self.max_sessions = max_sessions
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._reaper = threading.Thread(target=self._reap_loop, args=(reap_every,), daemon=True,
                                        name="ganplayground-reaper")
        self._reaper.start()

    # --- sessions -------------------------------------------------------------------------------
    def session(self, token: Any) -> Session:
        """The session for a token, created on first use; marks it as seen now."""
        token = check_token(token)
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                if len(self._sessions) >= self.max_sessions:
                    self._forget_oldest_idle()
                session = self._sessions[token] = Session(token)
        session.last_seen = time.monotonic()
        session.orphaned_at = None
        return session

    def peek(self, token: str) -> Session | None:
        with self._lock:
            return self._sessions.get(token)

    def orphan(self, token: str) -> None:
        """The tab holding `token` went away: its runs stop soon unless it comes back."""
        session = self.peek(token)
        if session is not None:
            session.orphaned_at = time.monotonic()

    def _forget_oldest_idle(self) -> None:
        idle = [s for s in self._sessions.values() if not any(r.alive for r in s.runs())]
        if idle:
            oldest = min(idle, key=lambda s: s.last_seen)
            del self._sessions[oldest.token]

    # --- runs -------------------------------------------------------------------------------------
    def start(self, session: Session, trainer: Trainer, side: int | None = None,
              run_class: Callable[..., Run] = Run, **run_options: Any) -> Run:
        """Start a run for a session (replacing its Train-tab run, or one side of its duel)."""
        run = run_class(trainer, self.slots, **run_options)
        with session.lock:
            if side is None:
                if session.run is not None:
                    session.run.stop()
                session.run = run
            else:
                while len(session.duel) <= side:
                    session.duel.append(run)
                old = session.duel[side]
                if old is not run:
                    old.stop()
                session.duel[side] = run
        run.start()
        return run

    def stop_all(self, session: Session) -> None:
        for run in session.runs():
            run.stop()

    @property
    def active_trainings(self) -> int:
        return self.slots.active

    @property
    def sessions(self) -> int:
        with self._lock:
            return len(self._sessions)

    # --- reaping ------------------------------------------------------------------------------------
    def reap(self, now: float | None = None) -> int:
        """Stop runs nobody watches and forget long-inactive sessions; returns runs stopped."""
        now = time.monotonic() if now is None else now
        stopped = 0
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:
            idle = now - session.last_seen > self.idle_seconds
            orphaned = session.orphaned_at is not None and now - session.orphaned_at > self.orphan_seconds
            if idle or orphaned:
                for run in session.runs():
                    if run.alive:
                        run.stop()
                        stopped += 1
            if now - session.last_seen > self.forget_seconds or (orphaned and not any(r.alive for r in session.runs())):
                with self._lock:
                    if self._sessions.get(session.token) is session:
                        del self._sessions[session.token]
        return stopped

    def _reap_loop(self, every: float) -> None:
        trimmed_at = 0
        while not self._closed.wait(every):
            self.reap()
            ended = self.slots.ended
            if ended != trimmed_at and self.active_trainings == 0:
                trimmed_at = ended
                release_memory()

    def close(self) -> None:
        """Stop every run and the reaper (server shutdown, tests)."""
        self._closed.set()
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:
            self.stop_all(session)
        for session in sessions:
            for run in session.runs():
                run.join(timeout=5)
