"""The class's rules on top of its storage: codes and teacher keys, joining, runs and their reports, what the
teacher may do (hide, share, set an experiment, delete, download the CSV), caps and expiry.

Plain data and plain-sentence errors (ClassError and its kinds); nothing here knows gradio, HTTP or SQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..i18n import _
from .class_records import (
    TABS,
    ClassError,
    ClassInfo,
    Member,
    MeterPoint,
    NewClass,
    Prediction,
    RunRecord,
    TeacherKeyError,
    UnknownClass,
    check_legibility,
    check_prediction,
    check_progress,
    check_reading,
    check_thumbnail,
    clean_text,
    from_json,
    member_from_row,
    run_from_row,
    thin_meter,
    to_json,
)
from .results_csv import results_csv
from .storage import DEFAULT_MAX_BYTES, ClassStore, Tables

__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "MAX_NAME", "ClassBook", "ClassError", "ClassInfo", "Member",
           "MeterPoint", "NewClass", "Prediction", "RunRecord", "TeacherKeyError", "UnknownClass"]

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no look-alikes in capitals (no 0/O, 1/I)
CODE_LENGTH = 6  # 32**6, about a billion codes
MAX_NAME = 24
MAX_TEXT = 80  # a device's or a loss's description
MAX_TOKEN = 512  # a session token or a teacher key longer than this is no real one
CODE_TRIES = 20
DAY = 86_400.0
NO_PREDICTION = Prediction()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(code: Any) -> str:
    """A code as typed (spaces, lower case) in its canonical form; UnknownClass when it cannot be one."""
    text = code.strip().upper() if isinstance(code, str) else ""
    if len(text) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in text):
        shown = "".join(c for c in str(code) if c.isprintable())[:12]
        raise UnknownClass(_("No class with the code “{code}”. Check the code on the teacher's screen.").format(
            code=shown))
    return text


def _digest(token: Any, what: str, error: type[ClassError]) -> str:
    """The SHA-256 of a secret (teacher key, session token): what is stored in its place."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        raise error(f"{what} is missing or malformed.")
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ClassBook:
    """A server's classes. Thread-safe: every method is one transaction of its ClassStore."""

    def __init__(self, store: ClassStore, *, expire_days: float = 14, max_runs: int = 500,
                 max_members: int = 200, clock: Callable[[], float] = time.time) -> None:
        self.store, self.expire_days, self.clock = store, expire_days, clock
        self.max_runs, self.max_members = max_runs, max_members

    @classmethod
    def open(cls, path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES, **kwargs: Any) -> ClassBook:
        """A book on the database file at `path` (created, or upgraded to the current schema)."""
        return cls(ClassStore(path, max_bytes=max_bytes), **kwargs)

    def close(self) -> None:
        self.store.close()

    @property
    def full(self) -> bool:
        """The database reached its size cap: no new class, member or run until classes are deleted or expire."""
        return self.store.full

    # Lookups inside a transaction
    def _class(self, tables: Tables, code: Any) -> dict:
        """The class's row; UnknownClass for a code that is malformed, unknown, deleted or expired."""
        row = tables.class_row(normal_code(code))
        if row is None or row["expires_at"] <= self.clock():
            raise UnknownClass(_("No class with the code “{code}”: it may have expired or been deleted.").format(
                code=normal_code(code)))
        return row

    def _teacher(self, tables: Tables, code: Any, key: Any) -> dict:
        row = self._class(tables, code)
        if not hmac.compare_digest(_digest(key, "The teacher key", TeacherKeyError), row["key_hash"]):
            raise TeacherKeyError(_("Wrong teacher key for this class."))
        return row

    def _run_row(self, tables: Tables, run_id: Any, code: str | None = None) -> dict:
        """A run (of the class `code` when given) in a live class; ClassError for an id that is none."""
        row = tables.run_row(run_id) if isinstance(run_id, str) and len(run_id) <= MAX_TOKEN else None
        if row is None or (code is not None and row["code"] != code):
            raise ClassError(_("No such run in this class."))
        self._class(tables, row["code"])
        return row

    # A class
    def create(self, experiment: dict | None = None) -> NewClass:
        """A new class with a fresh code and teacher key (the key is returned here once, and only hashed after)."""
        experiment_json = to_json(experiment, "The experiment")
        key, now = secrets.token_urlsafe(24), self.clock()
        row = {"key_hash": _digest(key, "The teacher key", TeacherKeyError), "created_at": now,
               "expires_at": now + self.expire_days * DAY, "experiment": experiment_json}
        with self.store.writing() as tables:
            tables.check_room()
            for _ in range(CODE_TRIES):
                code = new_code()
                if tables.add_class({"code": code, **row}):
                    return NewClass(code=code, teacher_key=key)
        raise ClassError(_("No free class code was found; please try again."))

    def info(self, code: str) -> ClassInfo:
        with self.store.reading() as tables:
            row = self._class(tables, code)
        return ClassInfo(code=row["code"], created_at=row["created_at"], expires_at=row["expires_at"],
                         experiment=from_json(row["experiment"]), shared=from_json(row["shared"]),
                         members=row["members"], runs=row["runs"])

    def check_key(self, code: str, key: str) -> None:
        with self.store.reading() as tables:
            self._teacher(tables, code, key)

    def codes_for_key(self, key: str) -> list[str]:
        """The live classes this teacher key opens, oldest first."""
        with self.store.reading() as tables:
            return tables.codes_for_key_hash(_digest(key, "The teacher key", TeacherKeyError), self.clock())

    # Students
    def join(self, code: str, session: str, name: str = "") -> Member:
        """The session's member of the class: new (numbered in join order), or the same again with its name
        updated when one is given. ClassError when the class already has max_members."""
        session_hash, cleaned = _digest(session, "The session", ClassError), clean_text(name, MAX_NAME)
        with self.store.writing() as tables:
            row = self._class(tables, code)
            member = tables.member_by_session(row["code"], session_hash)
            if member is not None:
                if cleaned:
                    tables.update_member(member["id"], name=cleaned)
                return member_from_row({**member, "name": cleaned or member["name"]})
            if row["members"] >= self.max_members:
                raise ClassError(_("This class is full ({n} students).").format(n=self.max_members))
            tables.check_room()
            number = tables.next_number(row["code"])
            slot = row["next_slot"] if row["experiment"] is not None else None
            if slot is not None:
                tables.update_class(row["code"], next_slot=slot + 1)
            return member_from_row(tables.add_member({"code": row["code"], "session_hash": session_hash,
                                              "name": cleaned or f"Student {number}", "number": number,
                                              "slot": slot, "joined_at": self.clock()}))

    def member(self, code: str, session: str) -> Member | None:
        """The session's member of the class, or None when it has not joined."""
        session_hash = _digest(session, "The session", ClassError)
        with self.store.reading() as tables:
            row = self._class(tables, code)
            member = tables.member_by_session(row["code"], session_hash)
        return None if member is None else member_from_row(member)

    # Runs
    def start_run(self, member: Member, tab: str, settings: dict, *, prediction: Prediction = NO_PREDICTION,
                  arm: dict | None = None) -> str:
        """A new run of the member's; returns its id. ClassError when the class already holds max_runs."""
        if not isinstance(member, Member):
            raise ClassError(_("Join the class before starting a run."))
        if tab not in TABS:
            raise ClassError(f"A class run is trained on the {' or '.join(TABS)} tab.")
        settings_json, arm_json = to_json(settings, "The settings", optional=False), to_json(arm, "The arm")
        prediction, loss = check_prediction(prediction), settings.get("loss", "")
        run_id, now = secrets.token_urlsafe(12), self.clock()
        with self.store.writing() as tables:
            row = self._class(tables, member.code)
            stored = tables.member_by_id(member.id)
            if stored is None or stored["code"] != row["code"]:
                raise ClassError(_("This student is not in the class; join it again."))
            if row["runs"] >= self.max_runs:
                raise ClassError(_("This class has reached its limit of {n} runs; the teacher can start a new "
                                   "class.").format(n=self.max_runs))
            tables.check_room()
            tables.add_run({"id": run_id, "code": row["code"], "member_id": member.id, "tab": tab,
                            "loss": clean_text(loss, MAX_TEXT, "The loss") if isinstance(loss, str) else "",
                            "settings": settings_json, "arm": arm_json, "predicted_digits": prediction.digits,
                            "predicted_comes_back": prediction.comes_back, "created_at": now, "updated_at": now})
        return run_id

    def set_prediction(self, run_id: str, prediction: Prediction) -> None:
        """Changes a run's prediction; ClassError once the run has finished (a prediction comes before)."""
        prediction = check_prediction(prediction)
        with self.store.writing() as tables:
            if self._run_row(tables, run_id)["finished"]:
                raise ClassError(_("This run has finished: its prediction can no longer change."))
            tables.update_run(run_id, predicted_digits=prediction.digits, predicted_comes_back=prediction.comes_back,
                              updated_at=self.clock())

    def report(self, run_id: str, *, step: int, seconds: float, device: str, loss: str,
               settings: dict | None = None, reading: MeterPoint | None = None, legibility: float | None = None,
               thumbnail: bytes | None = None, finished: bool = False) -> None:
        """A run's progress. The reading joins the meter when its step is newer than the meter's last (and gives
        the latest verdict and digits); step and seconds never go back; None leaves a field as it was.
        ClassError for an unknown run, and for a report on a run that has finished."""
        step, seconds = check_progress(step, seconds)
        fields = {"device": clean_text(device, MAX_TEXT, "The device"), "loss": clean_text(loss, MAX_TEXT, "The loss"),
                  "finished": bool(finished)}
        if settings is not None:
            fields["settings"] = to_json(settings, "The settings")
        if (legibility := check_legibility(legibility)) is not None:
            fields["legibility"] = legibility
        if (thumbnail := check_thumbnail(thumbnail)) is not None:
            fields["thumbnail"] = thumbnail
        reading = check_reading(reading)
        with self.store.writing() as tables:
            row = self._run_row(tables, run_id)
            if row["finished"]:
                raise ClassError(_("This run has finished; start a new run to train again."))
            meter = from_json(row["meter"])
            if reading is not None and (not meter or reading.step > meter[-1][0]):
                meter = thin_meter([*meter, [reading.step, reading.seconds, reading.digits_covered, reading.verdict]])
                fields.update(meter=json.dumps(meter, separators=(",", ":")), verdict=reading.verdict,
                              digits_covered=reading.digits_covered)
            tables.update_run(run_id, step=max(step, row["step"]), seconds=max(seconds, row["seconds"]),
                              updated_at=self.clock(), **fields)

    def runs(self, code: str, *, include_hidden: bool = False) -> list[RunRecord]:
        """The class's runs, oldest first."""
        with self.store.reading() as tables:
            rows = tables.run_rows(self._class(tables, code)["code"], include_hidden)
        return [run_from_row(row) for row in rows]

    def run(self, code: str, run_id: str) -> RunRecord:
        """One run of the class (hidden or not); ClassError for an id that is not one of this class's."""
        with self.store.reading() as tables:
            return run_from_row(self._run_row(tables, run_id, self._class(tables, code)["code"]))

    # The teacher
    def hide(self, code: str, key: str, run_id: str, hidden: bool = True) -> None:
        with self.store.writing() as tables:
            row = self._teacher(tables, code, key)
            self._run_row(tables, run_id, row["code"])
            tables.update_run(run_id, hidden=bool(hidden))

    def share(self, code: str, key: str, setup: dict) -> None:
        """Keeps `setup` (opaque JSON) as the class's shared set-up, stamped with "at": the time."""
        if not isinstance(setup, dict):
            raise ClassError("A shared set-up must be a JSON object.")
        shared = to_json({**setup, "at": self.clock()}, "The shared set-up")
        with self.store.writing() as tables:
            tables.update_class(self._teacher(tables, code, key)["code"], shared=shared)

    def set_experiment(self, code: str, key: str, experiment: dict | None) -> None:
        """A new experiment (None: none). The round robin restarts: members get slots 0, 1, 2... in join order,
        and the next student to join the one after."""
        experiment_json = to_json(experiment, "The experiment")
        with self.store.writing() as tables:
            row = self._teacher(tables, code, key)
            slots = tables.number_slots(row["code"], experiment is not None)
            tables.update_class(row["code"], experiment=experiment_json, next_slot=slots)

    def delete(self, code: str, key: str) -> None:
        """The class is gone now, with its members and runs."""
        with self.store.writing() as tables:
            tables.delete_class(self._teacher(tables, code, key)["code"])

    def expire(self) -> int:
        """Deletes the classes past their expiry; returns how many."""
        with self.store.writing() as tables:
            return tables.delete_expired(self.clock())

    def csv(self, code: str, key: str, include_hidden: bool = True) -> str:
        """The class's runs as CSV text (columns: results_csv.COLUMNS, documented in docs/class.md)."""
        with self.store.reading() as tables:
            rows = tables.run_rows(self._teacher(tables, code, key)["code"], include_hidden)
        return results_csv([run_from_row(row) for row in rows])

