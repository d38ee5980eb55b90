"""`python -m ganplayground train`: train a preset (or continue a saved model) within a budget, print progress,
and save the model folder with its samples (and, when asked, the run as frames.png or an animated GIF).

Not the parser (cli.py declares the flags and turns a UserError into one "error:" line) and not the training
itself (train.trainer).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .config import DRAWN_DATASET, TOY_DATASETS, Config
from .export.checkpoints import SavedModel, load_model, save_trainer, trainer_from_model
from .export.recording import Recording, gif_bytes
from .export.timeline import Frame, frame_of, frame_strip, story_json
from .measure.metrics import evaluate_generator, live_reading
from .presets import DEFAULT_PRESET, get_preset
from .train.devices import describe_device
from .train.drawings import drawing_from_points
from .train.images import make_grid, save_png, to_uint8, toy_plot, upscale
from .train.snapshots import Snapshot
from .train.toys import toy_for
from .train.trainer import Trainer

DRAW_PRESET = "draw"  # --points and --draw start from it unless --preset names another toy
GIF_MOMENTS = 100  # train --gif --steps N: a snapshot every N / 100 steps (a time budget: every second)
GIF_METER_SECONDS = 4.0  # train --gif: the meter reads the samples every 4 s of training (as on the page)
# Flags that override a setting of the same name (--batch-size -> batch_size, ...).
OVERRIDES = ("seed", "batch_size", "lr_d", "lr_g", "critic_steps", "beta1", "threads", "metrics_every")


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""


@dataclass(frozen=True)
class Budget:
    """What this invocation trains, on top of what a continued model has done already (the trainer counts
    budgets from the run's total). 0: no limit of that kind."""

    done_steps: int
    done_seconds: float
    steps: int
    seconds: float


def cmd_train(args: argparse.Namespace) -> None:
    saved = load_model(args.from_model) if args.from_model else None
    drawn = args.points is not None or args.draw is not None
    preset_name = args.preset or (None if saved else DRAW_PRESET if drawn else DEFAULT_PRESET)
    config, budget = _settings(args, saved, preset_name)
    trainer = (trainer_from_model(saved, config, measure=live_reading) if saved
               else Trainer(config, measure=live_reading))
    say = (lambda _msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    start = f"continuing {args.from_model} from step {saved.step:,}" if saved else f"training preset '{preset_name}'"
    say(f"{start} ({config.loss}, {config.arch}) on {trainer.device}; "
        f"budget: {budget.steps or '-'} steps, {budget.seconds or '-'} s")
    recording = Recording(config.dataset, drawing=config.drawing) if args.gif else None
    frames: list[Frame] = []
    last = _train(trainer, args, budget, frames, recording, say)
    path = _save(args, trainer, saved, preset_name)
    if args.frames:
        if len(frames) < args.frames:  # the budget ended between two snapshots: the end is the last frame
            frames.append(_frame(trainer))
        save_png(frame_strip(frames), path / "frames.png")
        (path / "frames.json").write_text(story_json(frames), encoding="utf-8")  # its captions, to word them again
    if recording is not None:
        _write_gif(args.gif, gif_bytes(recording))
        say(f"Wrote the run as a GIF of {len(recording)} moments to {args.gif}")
    status = last.reason if last else ""
    say(f"{status} Saved {trainer.step_count:,} steps ({_fmt_seconds(trainer.elapsed)}) to {path}")
    if trainer.status == "diverged":
        raise UserError(trainer.reason)


def read_points(path: Path) -> np.ndarray:
    """A points file as float64 (N, 2): a .npy array, or a .csv of x,y lines whose first line may be a header.
    UserError for a missing or unreadable file; the shape and values are checked by drawing_from_points."""
    if not path.is_file():
        raise UserError(f"no points file at {path}")
    try:
        if path.suffix.lower() == ".npy":
            return np.load(path, allow_pickle=False)
        if path.suffix.lower() != ".csv":
            raise UserError(f"--points must be a .npy or .csv file, got {path.name!r}")
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        rows = [line for line in lines if line.strip()]
        if rows and not all(_is_number(v) for v in rows[0].split(",")):
            rows = rows[1:]  # a header line: "x,y"
        return np.array([[float(v) for v in row.split(",")] for row in rows])
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read the points file {path}: {exc}") from None
    except ValueError as exc:
        raise UserError(f"{path} is not a table of x,y numbers (each line two numbers: {exc})") from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _drawn(args: argparse.Namespace, saved: SavedModel | None, config: Config) -> Config:
    """The config on the drawing of --points or --draw (unchanged without either)."""
    if args.points is None and args.draw is None:
        return config
    if args.points is not None and args.draw is not None:
        raise UserError("give --points or --draw, not both")
    if saved:
        raise UserError("--points and --draw start a new model; a continued one keeps its own data")
    if config.dataset not in TOY_DATASETS:
        raise UserError("--points and --draw train a 2-D toy: use a toy preset (draw, ring-js, ...) or none")
    code = drawing_from_points(read_points(args.points)) if args.points is not None else args.draw
    toy_for(DRAWN_DATASET, code)  # DrawingError now, with its plain words, for a bad code
    return config.replace(dataset=DRAWN_DATASET, drawing=code)


def _settings(args: argparse.Namespace, saved: SavedModel | None, preset_name: str | None) -> tuple[Config, Budget]:
    """The config to train under (the preset's or the saved model's, on --points' or --draw's drawing, then --loss
    and the overriding flags) and this invocation's budget: --steps and/or --max-seconds, else the starting
    settings' time (--steps alone runs exactly that many steps)."""
    config = _drawn(args, saved, get_preset(preset_name).config if preset_name else saved.config)
    if args.loss:
        config = config.with_loss(args.loss)
    overrides = {name: getattr(args, name) for name in OVERRIDES if getattr(args, name) is not None}
    steps = args.steps or 0
    seconds = args.max_seconds if args.max_seconds is not None else 0.0 if args.steps else config.max_seconds
    if not steps and not seconds:
        raise UserError("give --steps or --max-seconds (the starting settings have no time budget)")
    if args.gif is not None and (args.gif.suffix.lower() != ".gif" or args.gif.is_dir()):
        raise UserError(f"--gif must name a file ending in .gif; got {args.gif}")
    budget = Budget(*((saved.step, saved.elapsed) if saved else (0, 0.0)), steps, seconds)
    config = config.replace(device=args.device, max_steps=budget.done_steps + steps if steps else 0,
                            max_seconds=budget.done_seconds + seconds if seconds else 0.0, **overrides)
    return config, budget


def _train(trainer: Trainer, args: argparse.Namespace, budget: Budget, frames: list[Frame],
           recording: Recording | None, say: Callable[[str], None]) -> Snapshot | None:
    """Run to the end of the budget (or Ctrl-C), printing a progress line per snapshot and keeping the frames
    and the GIF's moments; the last snapshot."""
    every_steps = max(1, budget.steps // args.frames) if args.frames and budget.steps else None
    every_seconds = min(2.0, budget.seconds / args.frames / 4) if args.frames and not budget.steps else 2.0
    if recording is not None:
        every_steps = max(1, budget.steps // GIF_MOMENTS) if budget.steps else every_steps
        every_seconds = min(every_seconds, 1.0)
    last = None
    try:
        for snap in trainer.run(every_steps=every_steps, every_seconds=every_seconds,
                                metrics_seconds=GIF_METER_SECONDS if recording is not None else None):
            last = snap
            if recording is not None:
                recording.add(snap)
            if args.frames and _frame_due(len(frames), args.frames, snap, budget):
                frames.append(_frame(trainer))
            if snap.stats is not None and snap.step != budget.done_steps:  # trained in this invocation
                say(_progress_line(trainer.config, snap))
    except KeyboardInterrupt:
        trainer.stop()
        say("interrupted: saving what was trained so far")
    return last


def _progress_line(config: Config, snap: Snapshot) -> str:
    eta = _eta(config, snap)
    samples_rate = snap.steps_per_sec * config.batch_size * config.critic_steps
    line = (f"step {snap.step:>7,} | {snap.steps_per_sec:7.1f} steps/s {samples_rate:9,.0f} samples/s | "
            f"D {snap.stats.loss_d:8.4f} G {snap.stats.loss_g:8.4f} | {_fmt_seconds(snap.elapsed)}"
            f" | ETA {_fmt_seconds(eta) if eta is not None else '-'}")
    if snap.metrics and "fid" in snap.metrics:
        line += f" | {snap.metrics['modes']}/10 digits, FID {snap.metrics['fid']:.1f}"
    return line


def _save(args: argparse.Namespace, trainer: Trainer, saved: SavedModel | None, preset_name: str | None) -> Path:
    """Save the model folder with what it was trained on and its samples.png; the folder."""
    machine = platform.processor() or platform.machine()
    info = {"preset": preset_name or saved.info.get("preset"),
            "trained_on": f"{describe_device(trainer.device)}, {machine}",
            "torch": torch.__version__, "date": time.strftime("%Y-%m-%d"), "status": trainer.status}
    if saved:
        info["continued_from"] = str(args.from_model)
    start_config = saved.info.get("start_config") if saved else trainer.config.to_dict()
    if start_config:  # what a lab card shows as the recipe (a later --loss changes the saved config)
        info["start_config"] = start_config
    path = save_trainer(args.out, trainer, info=info)
    if trainer.config.is_image:
        save_png(upscale(make_grid(to_uint8(trainer.sample(100, seed=0)), 10), 2), path / "samples.png")
    else:
        snap = trainer.snapshot()
        real, _ = trainer.data.sample(500, torch.Generator(trainer.device).manual_seed(0))  # (500, 2)
        save_png(toy_plot(snap.surface, snap.extent, real.cpu().numpy(), snap.points), path / "samples.png")
    return path


def _write_gif(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write the GIF to {path}: {exc.strerror or exc}") from None


def _frame_due(taken: int, wanted: int, snap: Snapshot, budget: Budget) -> bool:
    """Whether the run has reached frame number `taken + 1` of `wanted`, spread evenly over the budget."""
    progress = ((snap.step - budget.done_steps) / budget.steps if budget.steps
                else (snap.elapsed - budget.done_seconds) / budget.seconds)
    return taken < wanted and progress >= (taken + 1) / wanted - 1e-9


def _frame(trainer: Trainer) -> Frame:
    config = trainer.config
    measurable = config.dataset in ("mnist", *TOY_DATASETS)
    return frame_of(trainer, evaluate_generator(trainer.sampler, config, 1000, seed=config.seed + 3)
                    if measurable else None)


def _eta(config: Config, snap: Snapshot) -> float | None:
    remaining = []
    if config.max_steps and snap.steps_per_sec > 0:
        remaining.append((config.max_steps - snap.step) / snap.steps_per_sec)
    if config.max_seconds:
        remaining.append(config.max_seconds - snap.elapsed)
    return max(0.0, min(remaining)) if remaining else None


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
