"""One training run in its own thread: it waits for a slot, trains, and keeps its latest snapshot and its
recording for the page to poll; once it ends, the recording's pictures go to a file (when given one). Also the
process-wide helpers runs share: the pool that takes their live measurements, a lower thread priority for
training, fewer glibc heaps, and handing memory back once runs end.

Framework-free (no gradio): the tabs start runs through the Playground and read `latest` and `version`.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ...export.recording import Recording
from ...i18n import N_, _
from ...train.snapshots import Snapshot
from ...train.trainer import Trainer
from .slots import Slots


class Run:
    """One training run in its own thread: waits for a slot, trains, keeps the latest snapshot. `spill_to`: the
    file its recording's pictures move to once it ends (None: they stay in memory)."""

    def __init__(self, trainer: Trainer, slots: Slots, snapshot_seconds: float = 0.5,
                 metrics_seconds: float | None = None, spill_to: Path | None = None) -> None:
        self.trainer = trainer
        self.slots = slots
        self.snapshot_seconds = snapshot_seconds
        self.metrics_seconds = metrics_seconds
        self.latest: Snapshot | None = None
        self.version = 0  # bumped on every new snapshot so pollers can skip unchanged output
        # the timeline: every snapshot is offered to it
        self.recording = Recording(trainer.config.dataset, drawing=trainer.config.drawing)
        self.error = ""  # in English (the trainer's reason, logs); error_text() says it in the reader's language
        self._error_words: tuple[str, dict[str, str]] = ("", {})  # (msgid, its placeholders' values)
        self.spill_to = spill_to
        self._spill_lock = threading.Lock()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._main_then_spill, daemon=True, name="ganplayground-run")
        self.state = "queued"  # queued -> running -> ended

    def start(self) -> None:
        self._thread.start()

    def _main_then_spill(self) -> None:
        try:
            self._main()
        finally:
            with self._spill_lock, contextlib.suppress(OSError):  # a full disk keeps the pictures in memory
                if self.spill_to is not None:
                    self.recording.spill(self.spill_to)

    def discard(self) -> None:
        """The run is no longer shown (replaced, or its session forgotten): remove its recording's file, and
        spill nothing more."""
        with self._spill_lock:
            self.spill_to = None
            self.recording.discard()

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
            self.fail(N_("Training stopped unexpectedly: {error}"), error=f"{type(exc).__name__}: {exc}")
            self.trainer.status, self.trainer.reason = "stopped", self.error
            self._publish(self.trainer.snapshot())
        finally:
            self.state = "ended"
            self.slots.release(self)
            self.version += 1

    def fail(self, message: str, **values: str) -> None:
        """Record why the run failed, as data: the training thread knows no reader's language."""
        self._error_words = (message, values)
        self.error = message.format(**values)

    def error_text(self) -> str:
        """Why the run failed, in the current language ("" when it did not)."""
        message, values = self._error_words
        return _(message).format(**values) if message else self.error

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
    def thread_id(self) -> int | None:
        """The operating system's id of the run's thread (None before it starts): for measuring its CPU time."""
        return self._thread.native_id

    @property
    def queue_position(self) -> int:
        return self.slots.position(self) if self.state == "queued" else 0


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


MALLOC_ARENAS = 2  # glibc heaps shared by all threads (glibc's own default: 8 per core)
_M_ARENA_MAX = -8  # mallopt's parameter number for the most heaps (malloc.h)


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Let all threads share `arenas` glibc heaps instead of up to 8 per core: a burst of 30 Starts builds 30
    trainers in as many request threads, and each thread's own heap kept its freed pieces. Measured with 30
    trainers started at once in one process (2-core VM): peak 1658 -> 1329 MB, after the runs 1202 -> 1064 MB.
    Call before the server's threads start; an operator's MALLOC_ARENA_MAX wins. No-op off glibc."""
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is not None and "MALLOC_ARENA_MAX" not in os.environ:
        mallopt(_M_ARENA_MAX, arenas)


def release_memory() -> None:
    """Hand freed memory back to the operating system once runs have ended: collect Python garbage, then
    ask glibc to trim its per-thread heaps (each training thread leaves one behind). No-op elsewhere."""
    gc.collect()
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)
