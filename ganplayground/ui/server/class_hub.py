"""The class on the server: which browser session belongs to which class, and a reporter thread that writes every
class member's runs (settings, the meter over time, a thumbnail, device, steps and seconds) into the class's
database every few seconds, so that the teacher's wall fills as the students train.

Framework-free (no gradio): the rules and the storage are classroom/ (ClassBook); the tabs and the HTTP routes
call this hub. The runs themselves are ui/server/runs.py, untouched: the reporter only reads what they publish.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...classroom.classes import ClassBook, ClassError, Member, NewClass, Prediction, RunRecord
from ...classroom.data_folder import DataFolder, database_path
from ...classroom.experiments import EXPERIMENTS, Arm, Experiment, ExperimentError
from ...classroom.storage import StorageError
from ...config import Config
from ...i18n import _
from ...train.snapshots import Snapshot
from .class_reports import Tracked, report_run, settings_of
from .runs import Run

log = logging.getLogger(__name__)
REPORT_SECONDS = 3.0  # how often the class's runs are written to the database (the wall polls as often)
WALL_CACHE_SECONDS = 1.0  # how old the students' view of a wall may be
# Class budgets (benchmarks/classroom.py --class, docs/measurements.md): 30 students' results on the wall within
# 10 minutes on a 2-core server. A free run trains at most 90 s; an experiment's run stops at its step budget
# (classroom/experiments.py: ~22 s of one core on average), the time cap only catches a server far busier than that.
CLASS_MAX_SECONDS = 90.0
EXPERIMENT_MAX_SECONDS = 180.0


@dataclass
class Seat:
    """A session's place in a class, and the prediction it made for its next run."""

    member: Member
    prediction: Prediction = field(default_factory=Prediction)


class ClassHub:
    """Every class of this server: sessions' memberships, their runs' reports, the class database."""

    def __init__(self, folder: DataFolder, picture: Callable[[Snapshot, Config], np.ndarray], *,
                 report_seconds: float = REPORT_SECONDS, max_db_mb: float = 256.0, **book_options: Any) -> None:
        self.folder = folder  # its `where` is a sentence in the language of the page that asks
        self.book = ClassBook.open(database_path(folder), max_bytes=int(max_db_mb * 2**20), **book_options)
        self.started_at = time.time()  # runs not finished and not reported since were cut off by a restart
        self._picture = picture
        self._seats: dict[str, Seat] = {}  # session token -> its seat
        self._tracked: dict[str, Tracked] = {}  # run id -> the run followed
        self._runs: weakref.WeakValueDictionary[str, Run] = weakref.WeakValueDictionary()  # run id -> run in memory
        self._walls: dict[str, tuple[float, list[RunRecord]]] = {}  # class code -> (when read, students' wall)
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.errors = 0  # reports that failed (a full database, a deleted class): counted, never raised
        self._thread = threading.Thread(target=self._loop, args=(report_seconds,), daemon=True,
                                        name="ganplayground-class-reporter")
        self._thread.start()

    # --- classes and members ---------------------------------------------------------------------
    def create(self, experiment: str | dict[str, Any] | None = None) -> NewClass:
        """A new class, with a ready-made experiment (its id in EXPERIMENTS) or one a teacher made (its dict)."""
        return self.book.create(self._experiment_dict(experiment))

    @staticmethod
    def _experiment_dict(experiment: str | dict[str, Any] | None) -> dict[str, Any] | None:
        if experiment is None or experiment == "":
            return None
        try:
            if isinstance(experiment, str):
                if experiment not in EXPERIMENTS:
                    raise ClassError(_("no ready-made experiment {name}; choose one of {names}").format(
                        name=repr(experiment[:40]), names=", ".join(EXPERIMENTS)))
                return EXPERIMENTS[experiment].to_dict()
            return Experiment.from_dict(experiment).to_dict()
        except ExperimentError as exc:
            raise ClassError(str(exc)) from None

    def set_experiment(self, code: str, key: str, experiment: str | dict[str, Any] | None) -> None:
        self.book.set_experiment(code, key, self._experiment_dict(experiment))

    def join(self, token: str, code: str, name: str = "") -> Member:
        """The session joins a class (again: the same member, a new name if one is given)."""
        member = self.book.join(code, token, name)
        with self._lock:
            seat = self._seats.get(token)
            self._seats[token] = Seat(member, seat.prediction if seat and seat.member.code == member.code
                                      else Prediction())
        return member

    def reattach(self, token: str, code: str) -> Member | None:
        """A page that comes back (a refresh, or the server restarted) finds its seat again from the class code it
        kept: the member this session already was, or None (it never joined)."""
        member = self.book.member(code, token)
        if member is not None:
            with self._lock:
                self._seats.setdefault(token, Seat(member))
        return member

    def member(self, token: str) -> Member | None:
        with self._lock:
            seat = self._seats.get(token)
        return seat.member if seat else None

    def experiment(self, code: str) -> Experiment | None:
        data = self.book.info(code).experiment
        return Experiment.from_dict(data) if data else None

    def arm(self, member: Member) -> Arm | None:
        """The value of the class experiment this member runs (round robin by join order), or None."""
        experiment = self.experiment(member.code)
        if experiment is None or member.slot is None:
            return None
        return experiment.arm(member.slot)

    def predict(self, token: str, digits: int | None = None, comes_back: bool | None = None) -> Prediction:
        """The session's prediction: for its next run, and for its run going now (a prediction made after Start
        but before the end still counts; "will the digits come back?" is asked mid-run, before a switch)."""
        with self._lock:
            seat = self._seats.get(token)
            if seat is None:
                raise ClassError(_("Join a class first: predictions are shared with your class."))
            old = seat.prediction
            seat.prediction = Prediction(old.digits if digits is None else digits,
                                         old.comes_back if comes_back is None else comes_back)
            live = [t for t in self._tracked.values() if t.member.id == seat.member.id and t.run.alive]
            prediction = seat.prediction
        for tracked in live:
            self.book.set_prediction(tracked.run_id, prediction)
        return prediction

    def class_config(self, token: str, config: Config) -> Config:
        """A class member's run gets the class's budget, so that every student's result reaches the wall in time:
        in a class experiment, the experiment's steps for its loss (every student of an arm trains as much, however
        busy the server), with EXPERIMENT_MAX_SECONDS as a safety net; otherwise at most CLASS_MAX_SECONDS."""
        member = self.member(token)
        if member is None:
            return config
        experiment = self.experiment(member.code)
        if experiment is not None:
            return config.replace(max_steps=experiment.steps_for(config.loss), max_seconds=EXPERIMENT_MAX_SECONDS)
        return config.replace(max_seconds=min(config.max_seconds or CLASS_MAX_SECONDS, CLASS_MAX_SECONDS))

    # --- runs ---------------------------------------------------------------------------------------
    def track(self, token: str, run: Run, tab: str, preset: str = "", side: int | None = None) -> str | None:
        """Report a session's new run to its class (None when the session is in no class)."""
        with self._lock:
            seat = self._seats.get(token)
        if seat is None:
            return None
        arm = self.arm(seat.member)
        settings = settings_of(run.trainer.config, preset, side)
        try:
            run_id = self.book.start_run(seat.member, tab, settings, prediction=seat.prediction,
                                         arm=arm.to_dict() if arm else None)
        except (ClassError, StorageError) as exc:
            run.error = _("Not shared with your class: {error}").format(error=exc)
            return None
        with self._lock:
            self._tracked[run_id] = Tracked(run, run_id, seat.member, settings)
            self._runs[run_id] = run
            seat.prediction = Prediction()  # a prediction is for one run
        return run_id

    def live(self, run_id: str) -> Run | None:
        """The run behind a record while this server still holds it (its session not yet forgotten), else None."""
        return self._runs.get(run_id)

    def report_now(self) -> int:
        """One pass of the reporter: every followed run that moved on is written; returns how many were."""
        with self._lock:
            tracked = list(self._tracked.values())
        written = 0
        for t in tracked:
            try:
                written += self._report(t)
            except (ClassError, StorageError, OSError) as exc:  # a deleted class, a full disk: the run goes on
                self.errors += 1
                log.warning("class report failed: %s", exc)
                with self._lock:
                    self._tracked.pop(t.run_id, None)
        return written

    def _report(self, t: Tracked) -> int:
        ended = report_run(self.book, t, self._picture)
        if ended:  # its last report
            with self._lock:
                self._tracked.pop(t.run_id, None)
        return int(ended is not None)

    def _loop(self, every: float) -> None:
        while not self._closed.wait(every):
            self.report_now()
            now = time.monotonic()
            for code, (read_at, _records) in list(self._walls.items()):
                if now - read_at > 60:
                    self._walls.pop(code, None)
            if self.book.expire():
                log.info("expired classes removed")

    # --- the wall -------------------------------------------------------------------------------------
    def wall(self, code: str, key: str | None = None) -> list[RunRecord]:
        """The class's runs for its wall: with the teacher key, all of them (hidden ones marked); without, what
        students see (hidden ones left out)."""
        if key is None:  # thirty students poll every few seconds: they share one read a second per class
            now = time.monotonic()
            cached = self._walls.get(code)
            if cached is None or now - cached[0] > WALL_CACHE_SECONDS:
                cached = self._walls[code] = (now, self.book.runs(code))
            return cached[1]
        self.book.check_key(code, key)
        return self.book.runs(code, include_hidden=True)

    @property
    def where(self) -> str:
        return self.folder.where

    def cut_off(self, record: RunRecord) -> bool:
        """A run that was going when the server stopped: not finished, and not reported since this server
        started."""
        return not record.finished and record.updated_at < self.started_at

    def close(self) -> None:
        """Write what the runs have now, stop the reporter, close the database (server shutdown, tests)."""
        self._closed.set()
        self._thread.join(timeout=REPORT_SECONDS + 5)
        self.report_now()
        self.book.close()
