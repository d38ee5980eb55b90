"""Who owns which training: one `Session` per browser tab (a random token the page keeps), its runs (runs.py)
under the server's cap (slots.py), a reaper for runs nobody watches, and a folder per session where its ended
runs' timelines are kept out of memory (removed with the session).

Framework-free on purpose (no gradio import): the tabs translate page events into these calls, and the tests
drive it directly.
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...config import Config
from ...train.trainer import Trainer
from .runs import Run, release_memory
from .slots import Slots

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
    views: tuple[bool, bool] = (False, False)  # the Train tab's toy views: the warped grid, the arrows
    uploads: dict[str, Any] = field(default_factory=dict)  # Explore's models uploaded in this tab (ui/handin.py)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def runs(self) -> list[Run]:
        return [r for r in [self.run, *self.duel] if r is not None]


class SessionManager:
    """All sessions of one server, their runs, the cap on concurrent trainings and the reaper. `spill_folder`:
    where ended runs' timelines go, one subfolder per session (None: they stay in memory)."""

    def __init__(self, max_trainings: int = 4, idle_seconds: float = 180.0, orphan_seconds: float = 60.0,
                 forget_seconds: float = 3600.0, max_sessions: int = 500, reap_every: float = 5.0,
                 spill_folder: Path | None = None) -> None:
        self.slots = Slots(max_trainings)
        self.idle_seconds = idle_seconds  # a run nobody polled for this long is stopped
        self.orphan_seconds = orphan_seconds  # ... or this long after its tab closed
        self.forget_seconds = forget_seconds  # an inactive session is forgotten after this long
        self.max_sessions = max_sessions
        self.spill_folder = spill_folder
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
            self._remove_files(oldest)

    def _remove_files(self, session: Session) -> None:
        """Remove a forgotten (or closing) session's spilled timelines."""
        for run in session.runs():
            run.discard()
        if self.spill_folder is not None:
            shutil.rmtree(self.spill_folder / session.token, ignore_errors=True)

    # --- runs -------------------------------------------------------------------------------------
    def start(self, session: Session, trainer: Trainer, side: int | None = None,
              run_class: Callable[..., Run] = Run, **run_options: Any) -> Run:
        """Start a run for a session (replacing its Train-tab run, or one side of its duel). A replaced run still
        going is stopped; one that has ended is left alone, as its trainer may be the one going on (slow motion
        continues a stopped run's networks, and stopping it again would unpause them)."""
        if self.spill_folder is not None:
            run_options.setdefault("spill_to", self.spill_folder / session.token / f"{secrets.token_hex(8)}.timeline")
        run = run_class(trainer, self.slots, **run_options)
        with session.lock:
            if side is None:
                old, session.run = session.run, run
            else:
                while len(session.duel) <= side:
                    session.duel.append(run)
                old, session.duel[side] = session.duel[side], run
            if old is not None and old is not run:
                if old.alive:
                    old.stop()
                if old not in session.runs():  # no longer shown (a duel's two sides may share a run)
                    old.discard()
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
                    forgotten = self._sessions.get(session.token) is session
                    if forgotten:
                        del self._sessions[session.token]
                if forgotten:
                    self._remove_files(session)
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
            self._remove_files(session)
