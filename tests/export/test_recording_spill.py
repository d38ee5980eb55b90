"""A finished run's timeline spilled to a file: the same frames, pictures and GIFs as before, read back from the
file; later moments still join it; the file goes when the recording is discarded."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ganplayground.export.recording import Recording, duel_gif_bytes, gif_bytes

from .test_recording import recorded, snap, toy_snap


def pictures(recording: Recording) -> list[np.ndarray]:
    return [recording.picture(m) for m in recording.frames()]


def test_a_spilled_recording_gives_the_same_frames_and_gif_bytes(tmp_path: Path) -> None:
    recording = recorded([0, 3, 7, 20, 21])
    frames, images, gif = recording.frames(), pictures(recording), gif_bytes(recording)
    recording.spill(tmp_path / "run.timeline")
    assert (tmp_path / "run.timeline").stat().st_size > 0
    assert [m.caption() for m in recording.frames()] == [m.caption() for m in frames]
    assert all(np.array_equal(a, b) for a, b in zip(pictures(recording), images, strict=True))
    assert gif_bytes(recording) == gif
    assert recording.at(0.5)[0] == 2


def test_a_spilled_toy_and_duel_give_the_same_gif_bytes(tmp_path: Path) -> None:
    toy = Recording("ring")
    for step in (0, 5, 9):
        toy.add(toy_snap(step))
    digits = recorded([0, 4, 8])
    toy_gif, duel_gif = gif_bytes(toy), duel_gif_bytes(digits, toy)
    toy.spill(tmp_path / "toy.timeline")
    digits.spill(tmp_path / "digits.timeline")
    assert gif_bytes(toy) == toy_gif
    assert duel_gif_bytes(digits, toy) == duel_gif


def test_moments_after_a_spill_join_it_and_a_second_spill_keeps_them_all(tmp_path: Path) -> None:
    path = tmp_path / "run.timeline"
    recording = recorded([0, 1, 2])
    recording.spill(path)
    recording.add(snap(3))  # a step of slow motion after the run ended
    expected = [*pictures(recorded([0, 1, 2, 3]))]
    assert all(np.array_equal(a, b) for a, b in zip(pictures(recording), expected, strict=True))
    recording.spill(path)
    assert all(np.array_equal(a, b) for a, b in zip(pictures(recording), expected, strict=True))
    assert [p.name for p in tmp_path.iterdir()] == ["run.timeline"]


def test_discarding_a_spilled_recording_removes_its_file(tmp_path: Path) -> None:
    recording = recorded([0, 1])
    recording.spill(tmp_path / "run.timeline")
    recording.discard()
    assert not (tmp_path / "run.timeline").exists()
