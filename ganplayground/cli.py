"""`python -m ganplayground train | sample | evaluate | card | invert | nearest | presets | train-classifier | serve`.

A thin layer: parses flags, calls the engine, prints results. The train command is train_command.py, invert and
nearest are digit_commands.py; the short ones are here. Any error a user can cause prints one line starting with
"error:" and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import torch

from .config import LOSS_NAMES, ConfigError
from .digit_commands import UserError as DigitCommandError
from .digit_commands import add_digit_commands, cmd_invert, cmd_nearest
from .export.checkpoints import CheckpointError, SavedModel, load_model, trainer_from_model
from .export.modelcard import write_card
from .measure.classifier import ClassifierMissing
from .presets import DEFAULT_PRESET, PRESET_NAMES, PRESETS
from .train.data import DataError
from .train.drawings import DrawingError, decode_drawing
from .train.images import make_grid, save_png, to_uint8, toy_plot, upscale
from .train_command import UserError, cmd_train

EXIT_USAGE = 2
MEMORISATION_SAMPLES = 1000  # generated digits checked against the training digits by evaluate


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
    _add_train(sub.add_parser("train", help="train a model (or continue a saved one) and save it as a folder"))
    _add_model_commands(sub)
    add_digit_commands(sub, _ranged)
    sub.add_parser("presets", help="list the presets and what each teaches")
    clf = sub.add_parser("train-classifier", help="retrain the bundled digit classifier (a few CPU minutes)")
    clf.add_argument("--out", type=Path, default=None, help="folder (default: pretrained/classifier)")
    clf.add_argument("--epochs", type=_ranged(int, 1, 100, "a number of epochs"), default=8)
    serve = sub.add_parser("serve", help="start the browser app")
    serve.add_argument("--port", type=_ranged(int, 1, 65535, "a port"), default=7860)
    serve.add_argument("--host", default="127.0.0.1")
    return parser


def _add_train(train: argparse.ArgumentParser) -> None:
    train.add_argument("--from", dest="from_model", type=Path, metavar="MODEL_DIR",
                       help="continue training a saved model folder: its networks, weight average, step count "
                            "and history carry on, with fresh optimisers")
    train.add_argument("--preset", choices=PRESET_NAMES,
                       help=f"starting settings (default: the '{DEFAULT_PRESET}' preset; with --from: the saved "
                            "model's settings, and a preset given must have the saved model's architecture)")
    train.add_argument("--points", type=Path, metavar="FILE",
                       help="train on your own 2-D points: a .npy of shape (N, 2) or a .csv of x,y lines (a header "
                            "line is fine), in any units (default preset: draw)")
    train.add_argument("--draw", metavar="CODE", help="train on a drawing: the code after draw= in a class link")
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
                            "its time, step and meter reading (a run's story in one picture), and frames.json: "
                            "its captions as data, which the Learn tab words in the page's language")
    train.add_argument("--gif", type=Path, metavar="PATH",
                       help="also write the run as an animated GIF: its fixed-noise samples at regular steps, "
                            "each with its step, losses and meter reading")
    train.add_argument("--quiet", action="store_true", help="no progress lines")


def _add_model_commands(sub: Any) -> None:
    """The commands that read a saved model: sample, evaluate, card."""
    sample = sub.add_parser("sample", help="draw digits (or 2-D toy points) from a saved model")
    sample.add_argument("--model", required=True, type=Path, help="a model folder (from train, or pretrained/NAME)")
    sample.add_argument("--n", type=_ranged(int, 1, 100_000, "a sample count"), default=64)
    sample.add_argument("--out", required=True, type=Path,
                        help="digits: .npy (uint8 (N, 28, 28)) or .png (a grid); 2-D toys: .npy (float32 (N, 2) "
                             "points; a model of your own points: in their units) or .png (the points over real "
                             "ones and the discriminator's surface)")
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
        print(f"wrote {args.n} samples to {args.out}")
    else:
        print(_sample_points(saved, args, suffix))


def _sample_digits(saved: SavedModel, args: argparse.Namespace, suffix: str) -> None:
    from .measure.metrics import generate

    labels = torch.full((args.n,), args.label, dtype=torch.long) if args.label is not None else None
    images = to_uint8(generate(saved.generator, args.n, args.seed, saved.config.conditional, labels))  # (N, 28, 28)
    if suffix == ".npy":
        np.save(args.out, images)
    else:
        save_png(upscale(make_grid(images, min(args.n, 10)), 2), args.out)


def _sample_points(saved: SavedModel, args: argparse.Namespace, suffix: str) -> str:
    """Write the points (.npy; a drawn model's in the units of its points file) or their plot (.png); what was
    written, in words."""
    trainer = trainer_from_model(saved)  # for its sampler and the discriminator's surface; nothing is trained
    points = trainer.sample(args.n, seed=args.seed).numpy()  # float32 (N, 2)
    if suffix == ".npy":
        drawing = decode_drawing(saved.config.drawing) if saved.config.drawing else None
        np.save(args.out, drawing.to_units(points) if drawing else points)
        units = ("" if drawing is None else " in the canvas's coordinates ([-2.5, 2.5] each way)"
                 if drawing.kind == "canvas" else " in the units of the points file it was trained on")
        return f"wrote {args.n} points (float32 (N, 2)){units} to {args.out}"
    real, _ = trainer.data.sample(500, torch.Generator(trainer.device).manual_seed(args.seed))  # (500, 2)
    surface = trainer.decision_surface()
    save_png(toy_plot(surface["surface"], surface["extent"], real.cpu().numpy(), points), args.out)
    return f"wrote a plot of {args.n} generated points (red) over real ones (black) to {args.out}"


def cmd_evaluate(args: argparse.Namespace) -> None:
    from .measure.metrics import conditional_accuracy, evaluate_generator, generate
    from .measure.nearest import memorisation

    saved = load_model(args.model)
    start = time.perf_counter()
    result = evaluate_generator(saved.generator, saved.config, args.n, seed=args.seed)
    if saved.config.conditional:
        result["conditional_accuracy"] = conditional_accuracy(saved.generator, min(args.n, 10_000), args.seed)
    if saved.config.dataset == "mnist":
        result["memorisation"] = memorisation(generate(saved.generator, MEMORISATION_SAMPLES, args.seed,
                                                       saved.config.conditional))
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
                 else ", ".join(f"{k} {v:.3g}" for k, v in value.items()) if isinstance(value, dict)
                 else f"{value:.4f}" if isinstance(value, float) else value)
        print(f"  {key:22s} {shown}")


def cmd_card(args: argparse.Namespace) -> None:
    from .export.bundles import read_upload
    from .export.card_facts import facts_from_model
    from .export.labcard import save_card

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
            "invert": cmd_invert, "nearest": cmd_nearest,
            "presets": cmd_presets,
            "train-classifier": cmd_train_classifier, "serve": cmd_serve}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except (UserError, DigitCommandError, ConfigError, CheckpointError, DataError, DrawingError,
            ClassifierMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0
