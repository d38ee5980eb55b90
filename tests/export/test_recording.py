"""A run's timeline: thinning keeps it bounded and evenly spread with the first and latest moments; moments carry
their step, time, losses and meter; GIFs of one run and of a duel are valid animations with captions burned in."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ganplayground.cli import main
from ganplayground.config import Config
from ganplayground.export.recording import (
    DUEL_FRAMES,
    GREY_LEVELS,
    LAST_FRAME_MS,
    MAX_FRAMES,
    TOY_SIZE,
    Recording,
    _at_time,
    duel_gif_bytes,
    gif_bytes,
)
from ganplayground.train.snapshots import Snapshot, StepStats
from ganplayground.train.trainer import Trainer

COLLAPSED = {"modes": 1, "verdict": "collapse"}


def snap(step: int, elapsed: float | None = None, loss: str = "js", metrics: dict | None = None,
         grid: np.ndarray | None = None) -> Snapshot:
    """A digit run's snapshot; its grid is a gradient offset by the step, so moments differ."""
    if grid is None:
        grid = ((np.arange(302)[None, :] + np.arange(302)[:, None] + step) % 256).astype(np.uint8)
    return Snapshot(step=step, samples_seen=64 * step, elapsed=step / 100 if elapsed is None else elapsed,
                    steps_per_sec=100.0, loss=loss, stats=StepStats(0.5, 1.25, 0.6, 0.4, None) if step else None,
                    status="running", metrics=metrics, metrics_step=step, device="CPU", grid=grid)


def toy_snap(step: int) -> Snapshot:
    rng = np.random.default_rng(step)
    return Snapshot(step=step, samples_seen=0, elapsed=step / 100, steps_per_sec=100.0, loss="wgan-gp",
                    stats=StepStats(-0.5, 0.5, 1.0, -1.0, 2.0), status="running",
                    metrics={"modes": 3, "num_modes": 8}, metrics_step=step, device="CPU",
                    points=rng.normal(size=(1000, 2)).astype(np.float32),
                    surface=rng.random((64, 64)).astype(np.float32), extent=3.0)


def recorded(steps: list[int], max_frames: int = MAX_FRAMES, grid: np.ndarray | None = None) -> Recording:
    recording = Recording("mnist", max_frames)
    for step in steps:
        recording.add(snap(step, grid=grid))
    return recording


TINY_GRID = np.zeros((8, 8), np.uint8)  # for tests of many moments: quick to pack


def gif_frames(data: bytes) -> list[Image.Image]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "GIF"
    frames = []
    for i in range(image.n_frames):
        image.seek(i)
        frames.append(image.convert("RGB").copy())
    return frames


# --- thinning ---------------------------------------------------------------------------------------------------
def test_a_short_run_keeps_every_moment() -> None:
    recording = recorded(list(range(0, 500, 10)))
    assert [m.step for m in recording.frames()] == list(range(0, 500, 10))
    assert recording.interval == 1


def test_a_long_run_stays_bounded_and_keeps_its_first_and_latest_moments() -> None:
    recording = Recording("mnist")
    for i in range(5000):
        recording.add(snap(i * 37, grid=TINY_GRID))
        if i % 250 == 0:
            assert len(recording) <= MAX_FRAMES
    steps = [m.step for m in recording.frames()]
    assert len(steps) <= MAX_FRAMES and len(steps) >= MAX_FRAMES // 2  # thinned, not emptied
    assert steps[0] == 0 and steps[-1] == 4999 * 37
    assert steps == sorted(set(steps))


def test_thinning_spreads_the_moments_evenly_over_the_steps() -> None:
    recording = Recording("mnist")
    for i in range(3000):
        recording.add(snap(i * 13, grid=TINY_GRID))
    gaps = np.diff([m.step for m in recording.frames()][:-1])  # the latest moment comes whenever it comes
    assert gaps.max() <= 2 * gaps.min()
    assert abs(gaps.mean() - recording.interval) < 0.1 * recording.interval


def test_irregular_snapshots_are_thinned_by_step_not_by_arrival() -> None:
    # A loss switch halves the steps per second: twice as many snapshots per step after it.
    steps = list(range(0, 20_000, 100)) + list(range(20_000, 40_000, 50))
    recording = recorded(steps, max_frames=50, grid=TINY_GRID)
    kept = [m.step for m in recording.frames()]
    before, after = sum(s < 20_000 for s in kept), sum(s >= 20_000 for s in kept)
    assert abs(before - after) <= 2


def test_a_repeated_step_is_one_moment_with_the_newest_meter() -> None:
    recording = Recording("mnist")
    recording.add(snap(0))
    recording.add(snap(50))
    recording.add(snap(50, metrics=COLLAPSED))  # paused: the same step, a newer meter reading
    frames = recording.frames()
    assert [m.step for m in frames] == [0, 50]
    assert frames[-1].meter == "1 of 10 digits (collapse)"


def test_a_snapshot_without_a_picture_is_not_a_moment() -> None:
    recording = Recording("mnist")
    recording.add(Snapshot(step=0, samples_seen=0, elapsed=0.0, steps_per_sec=0.0, loss="js", stats=None,
                           status="ready"))
    assert len(recording) == 0 and recording.frames() == []


def test_a_recording_needs_room_for_the_first_and_the_latest() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        Recording("mnist", max_frames=1)


# --- moments ----------------------------------------------------------------------------------------------------
def test_a_moment_carries_step_time_losses_and_meter_in_three_lines() -> None:
    recording = Recording("mnist")
    recording.add(snap(0))
    recording.add(snap(4096, elapsed=41.2, metrics=COLLAPSED))
    first, last = recording.frames()
    assert (last.step, last.loss_d, last.loss_g) == (4096, 0.5, 1.25)
    assert last.caption({"js": "JS"}) == "step 4,096 · 41 s\nJS: D 0.5, G 1.25\nmeter: 1 of 10 digits (collapse)"
    assert first.caption() == "step 0 · 0 s\nJS: no step yet\nmeter: not read yet"


def test_position_picks_a_moment_from_first_to_latest() -> None:
    recording = recorded(list(range(0, 1000, 100)))
    assert recording.at(0.0) == (0, recording.frames()[0])
    assert recording.at(1.0)[1].step == 900
    assert recording.at(0.5)[0] == 4 or recording.at(0.5)[0] == 5
    with pytest.raises(ValueError, match="between 0 and 1"):
        recording.at(1.5)
    with pytest.raises(ValueError, match="nothing recorded yet"):
        Recording("mnist").at(0.5)


def test_digit_grids_are_kept_in_sixteen_grey_levels() -> None:
    original = snap(7).grid
    recording = Recording("mnist")
    recording.add(snap(7))
    picture = recording.picture(recording.frames()[0])
    assert picture.shape == original.shape and picture.dtype == np.uint8
    assert len(np.unique(picture)) == GREY_LEVELS
    assert np.abs(picture.astype(int) - original).max() <= 256 // GREY_LEVELS
    assert picture.min() == 0 and picture.max() == 255


def test_a_toy_moment_is_drawn_as_the_plane_with_its_points() -> None:
    recording = Recording("ring")
    recording.add(toy_snap(10))
    moment = recording.frames()[0]
    picture = recording.picture(moment)
    assert picture.shape == (TOY_SIZE, TOY_SIZE, 3)
    red = (picture[..., 0] == 200) & (picture[..., 1] == 0) & (picture[..., 2] == 60)  # generated points
    assert red.any()
    assert moment.meter == "3 of 8 blobs"


def test_real_training_snapshots_make_a_timeline(tiny: Config) -> None:
    trainer = Trainer(tiny)
    recording = Recording(tiny.dataset)
    for s in trainer.run(max_steps=30, every_steps=5, every_seconds=None):
        recording.add(s)
    steps = [m.step for m in recording.frames()]
    assert steps[0] == 0 and steps[-1] == 30 and len(steps) >= 6


# --- GIFs -------------------------------------------------------------------------------------------------------
def test_the_gif_has_one_frame_per_moment_with_captions_burned_in() -> None:
    recording = recorded([0, 100, 200])
    recording.add(snap(300, metrics=COLLAPSED))
    frames = gif_frames(gif_bytes(recording))
    assert len(frames) == 4
    width, height = frames[0].size
    assert all(f.size == (width, height) for f in frames)
    assert width >= 302 and height > 302 + 3 * 13  # the grid and three caption lines
    captions = [np.asarray(f.convert("L"))[302 + 8:] for f in frames]  # the band under the picture
    assert all((c < 128).sum() > 200 for c in captions)  # dark text in each
    assert not np.array_equal(captions[1], captions[2])  # the step differs, so the caption does
    last = Image.open(io.BytesIO(gif_bytes(recording)))
    last.seek(3)
    assert last.info["duration"] == LAST_FRAME_MS and last.info.get("loop") == 0


def test_the_gif_shows_what_the_timeline_shows() -> None:
    recording = recorded([0, 500])
    frame = np.asarray(gif_frames(gif_bytes(recording))[1].convert("L"))
    picture = recording.picture(recording.frames()[1])
    assert np.array_equal(frame[8:8 + 302, 8:8 + 302], picture)  # timeline.frame_strip's 8-px margin


def test_a_toy_gif_keeps_its_colours() -> None:
    recording = Recording("grid")
    for step in (0, 10, 20):
        recording.add(toy_snap(step))
    frames = gif_frames(gif_bytes(recording))
    assert len(frames) == 3
    rgb = np.asarray(frames[-1])
    assert (np.abs(rgb[..., 0].astype(int) - rgb[..., 2]) > 60).any()  # not grey


def test_a_gif_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="nothing recorded yet"):
        gif_bytes(Recording("mnist"))


def test_the_duel_gif_shows_both_runs_side_by_side_paired_by_time() -> None:
    fast, slow = Recording("mnist"), Recording("mnist")
    for i in range(11):
        fast.add(snap(i * 200, elapsed=float(i)))  # 200 steps a second
        slow.add(snap(i * 50, elapsed=float(i), loss="wgan-gp"))  # 50 steps a second
    single = gif_frames(gif_bytes(fast))[0]
    frames = gif_frames(duel_gif_bytes(fast, slow, {"js": "JS", "wgan-gp": "WGAN-GP"}))
    assert len(frames) == 11
    assert frames[0].size[0] > 2 * 302 and frames[0].size[1] == single.size[1]
    wide = np.zeros((8, 240), np.uint8)  # room for the captions, which tell the frames apart
    many, few = recorded(range(0, 50_000, 100), grid=wide), recorded([0, 10], grid=wide)
    assert Image.open(io.BytesIO(duel_gif_bytes(many, few))).n_frames == min(DUEL_FRAMES, len(many))


def test_pairing_by_time_takes_each_runs_last_moment_so_far() -> None:
    recording = Recording("mnist")
    for step, seconds in ((0, 0.0), (100, 1.0), (200, 2.0)):
        recording.add(snap(step, elapsed=seconds))
    moments = recording.frames()
    assert [_at_time(moments, t).step for t in (0.0, 0.5, 1.0, 1.9, 5.0)] == [0, 0, 100, 100, 200]


def test_a_duel_gif_needs_both_runs() -> None:
    with pytest.raises(ValueError, match="both runs"):
        duel_gif_bytes(recorded([0, 10]), Recording("mnist"))


# --- the command line -------------------------------------------------------------------------------------------
def test_train_with_gif_writes_the_run_as_an_animation(tmp_path: Path) -> None:
    gif = tmp_path / "out" / "run.gif"
    assert main(["train", "--preset", "collapse", "--steps", "40", "--device", "cpu", "--threads", "1", "--quiet",
                 "--gif", str(gif), "--out", str(tmp_path / "model")]) == 0
    image = Image.open(gif)
    assert image.n_frames == 41  # step 0, then a moment per step (40 steps / GIF_MOMENTS < 1)
    assert image.size[0] == 302 + 2 * 8


def test_train_refuses_a_gif_path_that_is_not_a_gif(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["train", "--steps", "1", "--device", "cpu", "--gif", str(tmp_path / "run.png"),
                 "--out", str(tmp_path / "model")]) == 2
    assert "--gif must name a file ending in .gif" in capsys.readouterr().err
    assert not (tmp_path / "model").exists()  # refused before training


def test_a_toy_moment_keeps_the_warped_grid_and_the_arrows_and_draws_them_after_a_spill(tmp_path: Path) -> None:
    plain = toy_snap(5)
    ticks = np.linspace(-2, 2, 15, dtype=np.float32)
    warp = np.stack(np.meshgrid(ticks, ticks), axis=-1)  # (15, 15, 2)
    arrows = np.stack([plain.points[:100], np.tile([[4.0, 0.0]], (100, 1))], axis=1).astype(np.float32)
    viewed = Snapshot(**{**plain.__dict__, "warp": warp, "arrows": arrows})
    recordings = [Recording("ring"), Recording("ring")]
    recordings[0].add(plain)
    recordings[1].add(viewed)
    without, with_views = (r.picture(r.frames()[-1]) for r in recordings)
    assert with_views.shape == without.shape == (TOY_SIZE, TOY_SIZE, 3)
    assert (with_views != without).any(axis=2).sum() > 1000  # 30 grid lines and 100 arrows
    recordings[1].spill(tmp_path / "run.bin")
    assert np.array_equal(recordings[1].picture(recordings[1].frames()[-1]), with_views)
