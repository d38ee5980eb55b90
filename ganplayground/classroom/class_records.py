"""What a class holds, as frozen records (a member, a run, a reading of the meter, a prediction), the class's
errors, and the checks that turn outside values into clean ones (names, JSON, readings, thumbnails).

No storage and no rules about who may do what: those are classes.py's.
"""

from __future__ import annotations

import json
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_JSON_BYTES = 8192  # settings, arms, experiments and shared set-ups are a few hundred bytes
MAX_THUMBNAIL_BYTES = 10_000
MAX_METER = 200  # points of a run's meter kept; past this the older ones are thinned evenly
VERDICTS = ("collapse", "healthy", "illegible")  # measure.metrics.verdict's words
TABS = ("train", "duel")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DROPPED = ("Cc", "Cf", "Cs")  # control, format (zero-width joiners, bidi overrides), surrogates


class ClassError(ValueError):
    """A plain message for the page or the API (unknown code, wrong key, full, bad name...)."""


class TeacherKeyError(ClassError):
    """Wrong or missing teacher key (HTTP 403)."""


class UnknownClass(ClassError):
    """No such class, expired or deleted (HTTP 404)."""


@dataclass(frozen=True)
class NewClass:
    """A class just created: its code, for everyone, and its teacher key, shown once and never stored in clear."""

    code: str  # CODE_LENGTH characters of CODE_ALPHABET
    teacher_key: str = field(repr=False)  # secrets.token_urlsafe(24); only its SHA-256 is stored


@dataclass(frozen=True)
class Member:
    id: int
    code: str
    name: str  # cleaned text, at most MAX_NAME characters; "Student {number}" when none was given
    number: int  # 1, 2, ... in join order
    slot: int | None  # 0, 1, 2... in join order since the experiment was set; None when the class has none


@dataclass(frozen=True)
class Prediction:
    digits: int | None = None  # "How many of the ten digits will it draw at the end?" 0-10
    comes_back: bool | None = None  # for a loss switch: "Will the digits come back?"


@dataclass(frozen=True)
class MeterPoint:
    step: int
    seconds: float  # of training since the run started
    digits_covered: int  # 0-10
    verdict: str  # one of VERDICTS


@dataclass(frozen=True)
class RunRecord:
    id: str  # random, unguessable (secrets.token_urlsafe(12))
    code: str
    member_id: int
    name: str
    number: int
    tab: str  # one of TABS
    loss: str  # the loss id in use now (a switch changes it)
    settings: dict  # preset, loss, switches [[step, loss], ...], lr_d, lr_g, batch_size, seed, ...
    arm: dict | None  # the experiment's value this run was given: {"knob", "value", "label", "loss"}
    prediction: Prediction
    meter: tuple[MeterPoint, ...]  # oldest first, at most MAX_METER
    verdict: str | None  # the latest reading's
    digits_covered: int | None
    legibility: float | None  # per-class FID of the latest reading (lower is more legible)
    step: int
    seconds: float
    device: str
    finished: bool
    hidden: bool
    thumbnail: bytes | None  # a PNG of at most MAX_THUMBNAIL_BYTES
    created_at: float  # time.time()
    updated_at: float


@dataclass(frozen=True)
class ClassInfo:
    code: str
    created_at: float
    expires_at: float
    experiment: dict | None  # opaque JSON the page stores
    shared: dict | None  # the set-up the teacher last shared, with "at": the time it was shared
    members: int
    runs: int  # hidden ones included (they count towards the class's limit)


def clean_text(value: Any, limit: int, what: str = "A name") -> str:
    """Plain text: NFC; control, format and surrogate characters dropped; whitespace collapsed; cut to `limit`.

    HTML is kept as literal text (the page escapes what it shows)."""
    if not isinstance(value, str):
        raise ClassError(f"{what} must be text.")
    kept = "".join(" " if c.isspace() else c for c in value if unicodedata.category(c) != "Cs")
    kept = unicodedata.normalize("NFC", kept)
    kept = "".join(c for c in kept if unicodedata.category(c) not in _DROPPED)
    return re.sub(r" +", " ", kept).strip()[:limit].strip()


def to_json(value: Any, what: str, *, optional: bool = True) -> str | None:
    """A dict as compact JSON of at most MAX_JSON_BYTES; None stays None when optional."""
    if value is None and optional:
        return None
    if not isinstance(value, dict):
        raise ClassError(f"{what} must be a JSON object.")
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
        size = len(text.encode("utf-8"))
    except (TypeError, ValueError, UnicodeEncodeError, RecursionError) as error:
        raise ClassError(f"{what} is not plain JSON ({type(error).__name__}).") from None
    if size > MAX_JSON_BYTES:
        raise ClassError(f"{what} is too large ({size:,} bytes; at most {MAX_JSON_BYTES:,}).")
    return text


def from_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _whole(value: Any, low: int, high: float) -> int:
    """`value` as an int when it is a whole number (numpy's too, never a bool) in [low, high], else -1."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_) and low <= value <= high:
        return int(value)
    return -1


def _real(value: Any) -> float | None:
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return float(value)
    return None


def check_prediction(prediction: Any) -> Prediction:
    if not isinstance(prediction, Prediction):
        raise ClassError("A prediction must be a Prediction.")
    digits = prediction.digits
    if digits is not None and _whole(digits, 0, 10) < 0:
        raise ClassError("A prediction of digits is a whole number from 0 to 10.")
    if not (prediction.comes_back is None or isinstance(prediction.comes_back, bool | np.bool_)):
        raise ClassError("“Will the digits come back?” is answered yes or no.")
    comes_back = None if prediction.comes_back is None else bool(prediction.comes_back)
    return Prediction(None if digits is None else int(digits), comes_back)


def check_progress(step: Any, seconds: Any) -> tuple[int, float]:
    """A run's step (a whole number >= 0) and seconds (finite, >= 0), as int and float."""
    if _whole(step, 0, math.inf) < 0:
        raise ClassError("A run's step is a whole number, 0 or more.")
    real = _real(seconds)
    if real is None or not math.isfinite(real) or real < 0:
        raise ClassError("A run's seconds are a finite number, 0 or more.")
    return int(step), real


def check_reading(reading: Any) -> MeterPoint | None:
    if reading is None:
        return None
    if not isinstance(reading, MeterPoint):
        raise ClassError("A reading must be a MeterPoint.")
    step, seconds = check_progress(reading.step, reading.seconds)
    digits = _whole(reading.digits_covered, 0, 10)
    if digits < 0:
        raise ClassError("Digits covered is a whole number from 0 to 10.")
    if reading.verdict not in VERDICTS:
        raise ClassError(f"A verdict is one of {', '.join(VERDICTS)}.")
    return MeterPoint(step, seconds, digits, str(reading.verdict))


def check_legibility(legibility: Any) -> float | None:
    """A legibility score as a float; None for none, and for one that could not be measured (NaN, inf)."""
    if legibility is None:
        return None
    real = _real(legibility)
    if real is None:
        raise ClassError("Legibility is a number.")
    return real if math.isfinite(real) else None


def check_thumbnail(thumbnail: Any) -> bytes | None:
    if thumbnail is None:
        return None
    if not isinstance(thumbnail, bytes | bytearray) or not bytes(thumbnail).startswith(PNG_SIGNATURE):
        raise ClassError("A thumbnail must be a PNG (see thumbnails.thumbnail_png).")
    if len(thumbnail) > MAX_THUMBNAIL_BYTES:
        raise ClassError(f"A thumbnail is at most {MAX_THUMBNAIL_BYTES:,} bytes (this one has {len(thumbnail):,}).")
    return bytes(thumbnail)


def thin_meter(points: list[list], limit: int = MAX_METER) -> list[list]:
    """At most `limit` points [step, seconds, digits, verdict]: past it, about half are kept, spread evenly over
    the steps, the first and the last always among them."""
    if len(points) <= limit:
        return points
    first, last = points[0][0], points[-1][0]
    spacing = (last - first) / (limit // 2)
    kept = [points[0]]
    for point in points[1:-1]:
        if point[0] >= kept[-1][0] + spacing:
            kept.append(point)
    return [*kept, points[-1]][-limit:]


def member_from_row(row: dict) -> Member:
    return Member(id=row["id"], code=row["code"], name=row["name"], number=row["number"], slot=row["slot"])


def run_from_row(row: dict) -> RunRecord:
    """A run's record from its database row (JSON columns read, flags as bools)."""
    meter = tuple(MeterPoint(*point) for point in from_json(row["meter"]))
    comes_back = row["predicted_comes_back"]
    return RunRecord(
        id=row["id"], code=row["code"], member_id=row["member_id"], name=row["name"], number=row["number"],
        tab=row["tab"], loss=row["loss"], settings=from_json(row["settings"]), arm=from_json(row["arm"]),
        prediction=Prediction(row["predicted_digits"], None if comes_back is None else bool(comes_back)),
        meter=meter, verdict=row["verdict"], digits_covered=row["digits_covered"], legibility=row["legibility"],
        step=row["step"], seconds=row["seconds"], device=row["device"], finished=bool(row["finished"]),
        hidden=bool(row["hidden"]), thumbnail=row["thumbnail"], created_at=row["created_at"],
        updated_at=row["updated_at"])
