"""A run's timeline: its fixed-noise grids (or toy planes) and digit maps at regular steps in bounded memory, each
with step, time, losses and meter reading; a run (or two side by side) as an animated GIF. Not a trainer hook, not
a UI: callers offer `Snapshot`s, get uint8 arrays and GIF bytes (Pillow); a finished recording can go to a file.
Moments keep the meter as data: captions are worded when shown, in the language of whoever asks."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from ..config import TOY_DATASETS
from ..i18n import _, number
from ..train.data import get_dataset
from ..train.images import toy_plot
from .digit_map_picture import beside, pack_map, unpack_map
from .timeline import FRAME_MS, LAST_FRAME_MS, READING_KEYS, Frame, encode_gif, frame_strip, meter_words  # noqa: F401 - GIF timing, re-exported

if TYPE_CHECKING:
    from ..train.snapshots import Snapshot

MAX_FRAMES = 200  # moments kept per run: a packed 302 x 302 grid takes 1-30 KB, so a run holds at most ~5 MB
GREY_LEVELS = 16  # grids are kept (and animated) in 16 grey levels: a third of the bytes, digits look the same
TOY_SIZE = 300  # px of a toy's plane in the timeline and the GIF
DUEL_FRAMES = 120  # a duel's GIF is twice as wide: fewer moments keep it under ~6 MB
PICTURE_FIELDS = ("grid", "points", "surface", "warp", "arrows", "digit_map")  # a Moment's packed arrays


@dataclass(frozen=True)
class _Packed:
    """A numpy array kept zlib-compressed (grids of digits shrink 3-10x)."""

    data: bytes
    shape: tuple[int, ...]
    dtype: str

    @classmethod
    def of(cls, array: np.ndarray) -> _Packed:
        array = np.ascontiguousarray(array)
        return cls(zlib.compress(array.tobytes(), 1), array.shape, array.dtype.str)

    def unpack(self) -> np.ndarray:
        return np.frombuffer(zlib.decompress(self.data), dtype=self.dtype).reshape(self.shape)


@dataclass(frozen=True)
class _Spilled:
    """A packed array moved to a file (Recording.spill): its compressed bytes at `offset`, read when unpacked."""

    path: Path
    offset: int
    length: int
    shape: tuple[int, ...]
    dtype: str

    def unpack(self) -> np.ndarray:
        return np.frombuffer(zlib.decompress(_read(self)), dtype=self.dtype).reshape(self.shape)


@dataclass(frozen=True)
class Moment:
    """One kept moment of a run: what the meter and the losses said, and its picture (packed)."""

    step: int
    elapsed: float  # seconds of training
    loss: str  # loss id in force
    loss_d: float | None  # window means of the snapshot; None before the first step
    loss_g: float | None
    reading: tuple[tuple[str, object], ...]  # the meter reading's READING_KEYS items; () before its first reading
    grid: _Packed | _Spilled | None = None  # uint8 (H, W) fixed-noise grid (images), GREY_LEVELS levels, 0-255
    points: _Packed | _Spilled | None = None  # float16 (N, 2) fixed-noise points (toys)
    surface: _Packed | _Spilled | None = None  # float16 (R, R) D over the plane (toys)
    warp: _Packed | _Spilled | None = None  # float16 (L, L, 2) G's warped noise grid, when the run showed it
    arrows: _Packed | _Spilled | None = None  # float16 (N, 2, 2) the push arrows, when the run showed them
    digit_map: _Packed | _Spilled | None = None  # int16 (3, N) the meter reading's digit map (pack_map), digits only
    extent: float = 0.0

    @classmethod
    def of(cls, snap: Snapshot) -> Moment:
        stats = snap.stats
        packed = {}
        if snap.grid is not None:
            step = 256 // GREY_LEVELS
            packed["grid"] = _Packed.of((snap.grid // step) * (255 // (GREY_LEVELS - 1)))
        else:
            packed["points"] = _Packed.of(snap.points.astype(np.float16))
            for name in ("surface", "warp", "arrows"):
                if getattr(snap, name, None) is not None:
                    packed[name] = _Packed.of(getattr(snap, name).astype(np.float16))
        if snap.metrics and snap.metrics.get("map"):
            packed["digit_map"] = _Packed.of(pack_map(snap.metrics["map"]))
        return cls(step=snap.step, elapsed=snap.elapsed, loss=snap.loss,
                   loss_d=stats.loss_d if stats else None, loss_g=stats.loss_g if stats else None,
                   reading=tuple((k, snap.metrics[k]) for k in READING_KEYS if k in (snap.metrics or {})),
                   extent=snap.extent, **packed)

    @property
    def meter(self) -> str:
        """The meter in words, in the current language ("1 of 10 digits (collapse)"); "" before its first reading."""
        return meter_words(dict(self.reading))

    def caption(self, loss_names: Mapping[str, str] | None = None) -> str:
        """Three lines, always: "step 4,096 · 41 s" / "JS: D 0.624, G 1.41" / the meter (current language)."""
        loss = (loss_names or {}).get(self.loss, self.loss.upper())
        losses = (_("{loss}: D {loss_d}, G {loss_g}").format(loss=loss, loss_d=f"{self.loss_d:.3g}",
                  loss_g=f"{self.loss_g:.3g}") if self.loss_d is not None and self.loss_g is not None
                  else _("{loss}: no step yet").format(loss=loss))
        return "\n".join([_("step {step} · {seconds} s").format(step=number(self.step), seconds=number(self.elapsed)),
                          losses, _("meter: {reading}").format(reading=self.meter or _("not read yet"))])


def _read(spilled: _Spilled) -> bytes:
    with spilled.path.open("rb") as file:
        file.seek(spilled.offset)
        return file.read(spilled.length)


@functools.lru_cache(maxsize=8)
def _real_points(dataset: str, drawing: str = "") -> np.ndarray:
    """500 real points of a toy (the same ones the page draws), (500, 2) float32."""
    points, _labels = get_dataset(dataset, drawing=drawing).sample(500, torch.Generator().manual_seed(0))
    return points.numpy()


class Recording:
    """The moments of one run, at most `max_frames`, thinned evenly as the run grows.

    A moment is kept when its step enters a new bucket of `interval` steps (the first one always); when the
    store is full, `interval` doubles and the store keeps the first moment of each wider bucket. The latest
    moment offered is always shown last, so the timeline ends where the run is. Thread-safe: a training
    thread adds while the page reads.
    """

    def __init__(self, dataset: str, max_frames: int = MAX_FRAMES, drawing: str = "") -> None:
        if max_frames < 2:
            raise ValueError("a recording keeps at least 2 frames (the first and the latest)")
        self.dataset = dataset
        self.drawing = drawing  # the drawn toy's code (Config.drawing)
        self.max_frames = max_frames
        self.interval = 1  # steps per bucket
        self._kept: list[Moment] = []
        self._latest: Moment | None = None
        self._lock = threading.Lock()
        self.spilled_to: Path | None = None  # the file the pictures were moved to (spill)

    def add(self, snap: Snapshot) -> None:
        """Offer a snapshot; one without a picture (a queued run's) is ignored."""
        if snap.grid is None and snap.points is None:
            return
        moment = Moment.of(snap)
        with self._lock:
            self._latest = moment
            kept = self._kept
            if kept and moment.step // self.interval <= kept[-1].step // self.interval:
                return  # same bucket as the last kept moment: shown as the latest only
            kept.append(moment)
            while len(kept) > self.max_frames - 1:  # one place stays free for the latest
                self.interval *= 2
                kept[:] = self._thinned(kept, self.interval)

    @staticmethod
    def _thinned(moments: list[Moment], interval: int) -> list[Moment]:
        out: list[Moment] = []
        for m in moments:
            if not out or m.step // interval > out[-1].step // interval:
                out.append(m)
        return out

    def spill(self, path: Path) -> None:
        """Move the pictures kept so far into the file `path` (written anew), read back when asked for; later moments
        stay in memory until the next spill. The caller removes the file (`discard`) once it is no longer shown."""
        with self._lock:
            moments = {id(m): m for m in [*self._kept, *([self._latest] if self._latest else [])]}.values()
            moved: dict[int, Moment] = {}
            path.parent.mkdir(parents=True, exist_ok=True)
            written = path.with_name(path.name + ".part")  # a second spill reads the first file while writing
            with written.open("wb") as file:
                for moment in moments:
                    fields = {}
                    for name in PICTURE_FIELDS:
                        packed = getattr(moment, name)
                        if isinstance(packed, _Spilled):
                            packed = _Packed(_read(packed), packed.shape, packed.dtype)
                        if packed is not None:
                            fields[name] = _Spilled(path, file.tell(), len(packed.data), packed.shape, packed.dtype)
                            file.write(packed.data)
                    moved[id(moment)] = dataclasses.replace(moment, **fields)
            written.replace(path)
            self._kept = [moved[id(m)] for m in self._kept]
            self._latest = moved[id(self._latest)] if self._latest else None
            self.spilled_to = path

    def discard(self) -> None:
        """Remove the file this recording was spilled to, if any (its pictures can no longer be read)."""
        if self.spilled_to is not None:
            with contextlib.suppress(OSError):
                self.spilled_to.unlink()

    def frames(self) -> list[Moment]:
        """The kept moments, oldest first, ending with the latest one offered (at most max_frames)."""
        with self._lock:
            kept, latest = list(self._kept), self._latest
        if latest is None or latest is kept[-1]:
            return kept
        if latest.step == kept[-1].step:  # the same step again (paused): its newer meter reading wins
            return [*kept[:-1], latest] if len(kept) > 1 else [latest]
        return [*kept, latest]

    def __len__(self) -> int:
        return len(self.frames())

    def at(self, position: float) -> tuple[int, Moment]:
        """(index, moment) at `position` in [0, 1] of the run (0: the first moment, 1: the latest).

        ValueError when nothing is recorded yet or position is outside [0, 1]."""
        frames = self.frames()
        if not frames:
            raise ValueError(_("nothing recorded yet: the run has not shown its first samples"))
        if not 0.0 <= position <= 1.0:
            raise ValueError(f"position must be between 0 and 1; got {position!r}")
        index = round(position * (len(frames) - 1))
        return index, frames[index]

    def picture(self, moment: Moment) -> np.ndarray:
        """The moment's picture: the uint8 (H, W) grid, or an RGB (TOY_SIZE, TOY_SIZE, 3) plot of the toy."""
        if moment.grid is not None:
            return moment.grid.unpack()
        surface, warp, arrows = (getattr(moment, name).unpack().astype(np.float32) if getattr(moment, name) is not None
                                 else None for name in ("surface", "warp", "arrows"))
        toy = self.dataset in TOY_DATASETS
        reals = _real_points(self.dataset, self.drawing) if toy else np.zeros((0, 2), np.float32)
        return toy_plot(surface, moment.extent, reals, moment.points.unpack().astype(np.float32), size=TOY_SIZE,
                        warp=warp, arrows=arrows)

    def frame(self, moment: Moment, loss_names: Mapping[str, str] | None = None) -> Frame:
        picture = self.picture(moment)
        if moment.digit_map is not None:  # the meter's digit map beside the samples
            picture = beside(picture, unpack_map(moment.digit_map.unpack()))
        return Frame(picture, moment.caption(loss_names))


def gif_bytes(recording: Recording, loss_names: Mapping[str, str] | None = None) -> bytes:
    """The run as an animated GIF: each kept moment with its step, time, losses and meter under it."""
    frames = recording.frames()
    if not frames:
        raise ValueError(_("nothing recorded yet: start a run first"))
    return encode_gif([frame_strip([recording.frame(m, loss_names)]) for m in frames])


def duel_gif_bytes(left: Recording, right: Recording, loss_names: Mapping[str, str] | None = None,
                   max_frames: int = DUEL_FRAMES) -> bytes:
    """Two runs side by side as one GIF, paired by time: each frame shows both runs as they were after the
    same seconds of training (each run's latest kept moment at that time)."""
    sides = [left.frames(), right.frames()]
    if not all(sides):
        raise ValueError(_("nothing recorded yet: start both runs first"))
    count = min(max_frames, max(len(s) for s in sides))
    end = max(s[-1].elapsed for s in sides)
    times = np.linspace(0.0, end, count) if count > 1 else np.array([end])
    pictures = []
    for t in times:
        pair = [_at_time(moments, float(t)) for moments in sides]
        pictures.append(frame_strip([left.frame(pair[0], loss_names), right.frame(pair[1], loss_names)]))
    return encode_gif(pictures)


def _at_time(moments: list[Moment], t: float) -> Moment:
    """The last moment at or before t seconds of training (the first one if all are later)."""
    chosen = moments[0]
    for m in moments:
        if m.elapsed > t + 1e-9:
            break
        chosen = m
    return chosen
