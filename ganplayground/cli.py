"""`python -m ganplayground train | sample | evaluate | presets | train-classifier | serve`.

A thin layer: parses flags, calls the engine, prints progress. Any error a user can cause prints one
line starting with "error:" and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import torch

from .config import LOSS_NAMES, ConfigError
from .export.checkpoints import CheckpointError, SavedModel, load_model, save_trainer, trainer_from_model
from .export.modelcard import write_card
from .export.recording import Recording, gif_bytes
from .export.timeline import Frame, frame_of, frame_strip
from .measure.classifier import ClassifierMissing
from .presets import DEFAULT_PRESET, PRESET_NAMES, PRESETS, get_preset
from .train.data import DataError
from .train.images import make_grid, save_png, to_uint8, toy_plot, upscale

EXIT_USAGE = 2
GIF_MOMENTS = 100  # train --gif --steps N: a snapshot every N / 100 steps (a time budget: every second)
GIF_METER_SECONDS = 4.0  # train --gif: the meter reads the samples every 4 s of training (as on the page)


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see `python -m ganplayground {self.prog.split()[-1]} --help`)\n")
        raise SystemExit(EXIT_USAGE)


def _ranged(kind: type, lo: float, hi: float, what: str) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if isinstance(value, float) and not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"expected {what} in [{lo:g}, {hi:g}], got {text}")
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ganplayground", description="Train, sample and evaluate GANs on MNIST.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = sub.add_parser("train", help="train a model (or continue a saved one) and save it as a folder")
    train.add_argument("--from", dest="from_model", type=Path, metavar="MODEL_DIR",
                       help="continue training a saved model folder: its networks, weight average, step count "
                            "and history carry on, with fresh optimisers")
    train.add_argument("--preset", choices=PRESET_NAMES,
                       help=f"starting settings (default: the '{DEFAULT_PRESET}' preset; with --from: the saved "
                            "model's settings, and a preset given must have the saved model's architecture)")
    train.add_argument("--loss", choices=LOSS_NAMES,
                       help="use this loss with its optimiser settings, as a mid-run switch does")
    train.add_argument("--steps", type=_ranged(int, 1, 10**9, "a whole number of steps"),
                       help="stop after N generator steps (with --from: N more steps)")
    train.add_argument("--max-seconds", type=_ranged(float, 0.1, 10**7, "seconds"),
                       help="stop after S seconds of training (with --from: S more seconds); "
                            "without --steps or --max-seconds, the starting settings' time budget")
    train.add_argument("--seed", type=_ranged(int, 0, 2**31 - 1, "a seed"),
                       help="random seed (default: the preset's or the saved model's)")
    train.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N (default auto)")
    train.add_argument("--batch-size", type=_ranged(int, 1, 4096, "a batch size"))
    train.add_argument("--lr-d", type=_ranged(float, 1e-7, 1.0, "a learning rate"))
    train.add_argument("--lr-g", type=_ranged(float, 1e-7, 1.0, "a learning rate"))
    train.add_argument("--critic-steps", type=_ranged(int, 1, 20, "a number of critic steps"),
                       help="discriminator updates per generator update")
    train.add_argument("--beta1", type=_ranged(float, 0.0, 0.999, "Adam's beta1"))
    train.add_argument("--threads", type=_ranged(int, 0, 256, "a thread count"), help="CPU threads (0 = auto)")
    train.add_argument("--metrics-every", type=_ranged(int, 0, 10**7, "a number of steps"),
                       help="compute digit metrics every N steps (0 = off)")
    train.add_argument("--out", required=True, type=Path, help="folder to write the model into")
    train.add_argument("--frames", type=_ranged(int, 2, 12, "a number of frames"),
                       help="also write frames.png: K moments of the run, evenly over its budget, each with "
                            "its time, step and meter reading (a run's story in one picture)")
    train.add_argument("--gif", type=Path, metavar="PATH",
                       help="also write the run as an animated GIF: its fixed-noise samples at regular steps, "
                            "each with its step, losses and meter reading")
    train.add_argument("--quiet", action="store_true", help="no progress lines")

    sample = sub.add_parser("sample", help="draw digits (or 2-D toy points) from a saved model")
    sample.add_argument("--model", required=True, type=Path, help="a model folder (from train, or pretrained/NAME)")
    sample.add_argument("--n", type=_ranged(int, 1, 100_000, "a sample count"), default=64)
    sample.add_argument("--out", required=True, type=Path,
                        help="digits: .npy (uint8 (N, 28, 28)) or .png (a grid); 2-D toys: .npy (float32 (N, 2) "
                             "points) or .png (the points over real ones and the discriminator's surface)")
    sample.add_argument("--label", type=_ranged(int, 0, 9, "a digit"), help="conditional models: draw only this digit")
    sample.add_argument("--seed", type=_ranged(int, 0, 2**31 - 1, "a seed"), default=0)

    evaluate = sub.add_parser("evaluate", help="print digit metrics of a saved model")
    evaluate.add_argument("--model", required=True, type=Path)
    evaluate.add_argument("--n", type=_ranged(int, 100, 50_000, "a sample count"), default=10_000)
    evaluate.add_argument("--seed", type=_ranged(int, 0, 2**31 - 1, "a seed"), default=0)
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--write-card", action="store_true",
                          help="also write card.json and README.md (the model card) into the model folder")

    card = sub.add_parser("card", help="write a lab card (one PNG to hand in) for a saved model folder or zip")
    card.add_argument("model", type=Path, metavar="MODEL",
                      help="a model folder, or a zip from the page's Download model")
    card.add_argument("--out", required=True, type=Path, help="the card's file (.png)")

    sub.add_parser("presets", help="list the presets and what each teaches")

    clf = sub.add_parser("train-classifier", help="retrain the bundled digit classifier (a few CPU minutes)")
    clf.add_argument("--out", type=Path, default=None, help="folder (default: pretrained/classifier)")
    clf.add_argument("--epochs", type=_ranged(int, 1, 100, "a number of epochs"), default=8)

    serve = sub.add_parser("serve", help="start the browser app")
    serve.add_argument("--port", type=_ranged(int, 1, 65535, "a port"), default=7860)
    serve.add_argument("--host", default="127.0.0.1")
    return parser


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def cmd_train(args: argparse.Namespace) -> None:
    from .measure.metrics import live_reading
    from .train.devices import describe_device
    from .train.trainer import Trainer

    saved = load_model(args.from_model) if args.from_model else None
    preset_name = args.preset or (None if saved else DEFAULT_PRESET)
    config = get_preset(preset_name).config if preset_name else saved.config
    if args.loss:
        config = config.with_loss(args.loss)
    overrides = {}
    for flag, name in (("seed", "seed"), ("batch_size", "batch_size"), ("lr_d", "lr_d"), ("lr_g", "lr_g"),
                       ("critic_steps", "critic_steps"), ("beta1", "beta1"), ("threads", "threads"),
                       ("metrics_every", "metrics_every")):
        if getattr(args, flag) is not None:
            overrides[name] = getattr(args, flag)
    # The budget of this invocation: --steps and/or --max-seconds, else the starting settings' time
    # (--steps alone runs exactly that many steps). The trainer counts budgets from the run's total,
    # so a continued model's budget goes on top of what it has done already.
    budget_steps = args.steps or 0
    budget_seconds = (args.max_seconds if args.max_seconds is not None
                      else 0.0 if args.steps else config.max_seconds)
    if not budget_steps and not budget_seconds:
        raise UserError("give --steps or --max-seconds (the starting settings have no time budget)")
    if args.gif is not None and (args.gif.suffix.lower() != ".gif" or args.gif.is_dir()):
        raise UserError(f"--gif must name a file ending in .gif; got {args.gif}")
    done_steps, done_seconds = (saved.step, saved.elapsed) if saved else (0, 0.0)
    config = config.replace(device=args.device, max_steps=done_steps + budget_steps if budget_steps else 0,
                            max_seconds=done_seconds + budget_seconds if budget_seconds else 0.0, **overrides)
    trainer = (trainer_from_model(saved, config, measure=live_reading) if saved
               else Trainer(config, measure=live_reading))
    say = (lambda _msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    start = f"continuing {args.from_model} from step {saved.step:,}" if saved else f"training preset '{preset_name}'"
    say(f"{start} ({config.loss}, {config.arch}) on {trainer.device}; "
        f"budget: {budget_steps or '-'} steps, {budget_seconds or '-'} s")
    last = None
    frames: list[Frame] = []
    every_steps = max(1, budget_steps // args.frames) if args.frames and budget_steps else None
    every_seconds = min(2.0, budget_seconds / args.frames / 4) if args.frames and not budget_steps else 2.0
    recording = Recording(config.dataset) if args.gif else None
    if recording is not None:
        every_steps = max(1, budget_steps // GIF_MOMENTS) if budget_steps else every_steps
        every_seconds = min(every_seconds, 1.0)
    try:
        for snap in trainer.run(every_steps=every_steps, every_seconds=every_seconds,
                                metrics_seconds=GIF_METER_SECONDS if recording is not None else None):
            last = snap
            if recording is not None:
                recording.add(snap)
            if args.frames and _frame_due(len(frames), args.frames, snap, done_steps, budget_steps,
                                          done_seconds, budget_seconds):
                frames.append(_frame(trainer))
            if snap.stats is None or snap.step == done_steps:  # nothing trained yet in this invocation
                continue
            eta = _eta(config, snap)
            samples_rate = snap.steps_per_sec * config.batch_size * config.critic_steps
            line = (f"step {snap.step:>7,} | {snap.steps_per_sec:7.1f} steps/s {samples_rate:9,.0f} samples/s | "
                    f"D {snap.stats.loss_d:8.4f} G {snap.stats.loss_g:8.4f} | {_fmt_seconds(snap.elapsed)}"
                    f" | ETA {_fmt_seconds(eta) if eta is not None else '-'}")
            if snap.metrics and "fid" in snap.metrics:
                line += f" | {snap.metrics['modes']}/10 digits, FID {snap.metrics['fid']:.1f}"
            say(line)
    except KeyboardInterrupt:
        trainer.stop()
        say("interrupted: saving what was trained so far")
    machine = platform.processor() or platform.machine()
    info = {"preset": preset_name or saved.info.get("preset"),
            "trained_on": f"{describe_device(trainer.device)}, {machine}",
            "torch": torch.__version__, "date": time.strftime("%Y-%m-%d"), "status": trainer.status}
    if saved:
        info["continued_from"] = str(args.from_model)
    start_config = saved.info.get("start_config") if saved else config.to_dict()
    if start_config:  # what a lab card shows as the recipe (a later --loss changes the saved config)
        info["start_config"] = start_config
    path = save_trainer(args.out, trainer, info=info)
    if config.is_image:
        save_png(upscale(make_grid(to_uint8(trainer.sample(100, seed=0)), 10), 2), path / "samples.png")
    else:
        snap = trainer.snapshot()
        real, _ = trainer.data.sample(500, torch.Generator(trainer.device).manual_seed(0))
        save_png(toy_plot(snap.surface, snap.extent, real.cpu().numpy(), snap.points), path / "samples.png")
    if args.frames:
        if len(frames) < args.frames:  # the budget ended between two snapshots: the end is the last frame
            frames.append(_frame(trainer))
        save_png(frame_strip(frames), path / "frames.png")
    if recording is not None:
        _write_gif(args.gif, gif_bytes(recording))
        say(f"Wrote the run as a GIF of {len(recording)} moments to {args.gif}")
    status = last.reason if last else ""
    say(f"{status} Saved {trainer.step_count:,} steps ({_fmt_seconds(trainer.elapsed)}) to {path}")
    if trainer.status == "diverged":
        raise UserError(trainer.reason)


def _write_gif(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise UserError(f"cannot write the GIF to {path}: {exc.strerror or exc}") from None


def _frame_due(taken: int, wanted: int, snap: Any, done_steps: int, budget_steps: int, done_seconds: float,
               budget_seconds: float) -> bool:
    """Whether the run has reached frame number `taken + 1` of `wanted`, spread evenly over the budget."""
    progress = ((snap.step - done_steps) / budget_steps if budget_steps
                else (snap.elapsed - done_seconds) / budget_seconds)
    return taken < wanted and progress >= (taken + 1) / wanted - 1e-9


def _frame(trainer: Any) -> Frame:
    from .measure.metrics import evaluate_generator

    config = trainer.config
    measurable = config.dataset in ("mnist", "ring", "grid")
    return frame_of(trainer, evaluate_generator(trainer.sampler, config, 1000, seed=config.seed + 3)
                    if measurable else None)


def _eta(config: Any, snap: Any) -> float | None:
    remaining = []
    if config.max_steps and snap.steps_per_sec > 0:
        remaining.append((config.max_steps - snap.step) / snap.steps_per_sec)
    if config.max_seconds:
        remaining.append(config.max_seconds - snap.elapsed)
    return max(0.0, min(remaining)) if remaining else None


def cmd_sample(args: argparse.Namespace) -> None:
    suffix = args.out.suffix.lower()
    if suffix not in (".npy", ".png"):
        raise UserError(f"--out must end in .npy or .png, got {args.out.name!r}")
    saved = load_model(args.model)
    if args.label is not None and not saved.config.conditional:
        kind = "a 2-D toy model, which has no labels" if not saved.config.is_image else "unconditional"
        raise UserError(f"--label needs a conditional model; {args.model} is {kind}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if saved.config.is_image:
        _sample_digits(saved, args, suffix)
    else:
        _sample_points(saved, args, suffix)
    print(f"wrote {args.n} samples to {args.out}")


def _sample_digits(saved: SavedModel, args: argparse.Namespace, suffix: str) -> None:
    from .measure.metrics import generate

    labels = torch.full((args.n,), args.label, dtype=torch.long) if args.label is not None else None
    images = to_uint8(generate(saved.generator, args.n, args.seed, saved.config.conditional, labels))  # (N, 28, 28)
    if suffix == ".npy":
        np.save(args.out, images)
    else:
        save_png(upscale(make_grid(images, min(args.n, 10)), 2), args.out)


def _sample_points(saved: SavedModel, args: argparse.Namespace, suffix: str) -> None:
    trainer = trainer_from_model(saved)  # for its sampler and the discriminator's surface; nothing is trained
    points = trainer.sample(args.n, seed=args.seed).numpy()  # float32 (N, 2)
    if suffix == ".npy":
        np.save(args.out, points)
    else:
        real, _ = trainer.data.sample(500, torch.Generator(trainer.device).manual_seed(args.seed))  # (500, 2)
        surface = trainer.decision_surface()
        save_png(toy_plot(surface["surface"], surface["extent"], real.cpu().numpy(), points), args.out)


def cmd_evaluate(args: argparse.Namespace) -> None:
    from .measure.metrics import conditional_accuracy, evaluate_generator

    saved = load_model(args.model)
    start = time.perf_counter()
    result = evaluate_generator(saved.generator, saved.config, args.n, seed=args.seed)
    if saved.config.conditional:
        result["conditional_accuracy"] = conditional_accuracy(saved.generator, min(args.n, 10_000), args.seed)
    result["seconds"] = round(time.perf_counter() - start, 2)
    if args.write_card:
        write_card(args.model, saved, result)
    if args.json:
        print(json.dumps(result))
        return
    print(f"model {args.model}: {saved.config.dataset}, {saved.config.arch}, loss {saved.config.loss}, "
          f"{saved.step:,} steps")
    for key, value in result.items():
        shown = (", ".join(f"{v:.2f}" for v in value) if isinstance(value, list)
                 else f"{value:.4f}" if isinstance(value, float) else value)
        print(f"  {key:22s} {shown}")


def cmd_card(args: argparse.Namespace) -> None:
    from .export.bundles import read_upload
    from .export.labcard import facts_from_model, save_card

    if args.out.suffix.lower() != ".png":
        raise UserError(f"--out must end in .png, got {args.out.name!r}")
    saved = read_upload([args.model]) if args.model.suffix.lower() == ".zip" else load_model(args.model)
    print(f"wrote the lab card to {save_card(facts_from_model(saved), args.out)}")


def cmd_presets(_args: argparse.Namespace) -> None:
    for preset in PRESETS.values():
        c = preset.config
        print(f"{preset.name:14s} {preset.summary}\n{'':14s} {c.dataset}, {c.arch}, loss {c.loss}, "
              f"batch {c.batch_size}, lr D/G {c.lr_d:g}/{c.lr_g:g}: {preset.teaches}")


def cmd_train_classifier(args: argparse.Namespace) -> None:
    from .measure.classifier import classifier_dir, save_classifier, train_classifier

    out = args.out or classifier_dir()
    start = time.perf_counter()
    model, accuracy = train_classifier(epochs=args.epochs)
    save_classifier(model, out, accuracy, time.perf_counter() - start)
    print(f"test accuracy {accuracy:.4f}; saved to {out}")


def cmd_serve(args: argparse.Namespace) -> None:
    from .ui.app import launch

    launch(server_name=args.host, server_port=args.port)


COMMANDS = {"train": cmd_train, "sample": cmd_sample, "evaluate": cmd_evaluate, "card": cmd_card,
            "presets": cmd_presets,
            "train-classifier": cmd_train_classifier, "serve": cmd_serve}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except (UserError, ConfigError, CheckpointError, DataError, ClassifierMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0
