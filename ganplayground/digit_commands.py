"""`python -m ganplayground invert | nearest`: find a picture's digit in a saved generator, and the memorisation
figures of a saved generator. Flags in, engine calls, printed figures out; the search and the index are measure/'s.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from .export.checkpoints import SavedModel, load_model
from .train.images import make_grid, save_png, to_uint8, upscale

MAX_IMAGE_BYTES = 8 * 2**20  # a bigger file is refused before it is decoded


class UserError(Exception):
    """A mistake in the flags or files of invert or nearest: cli.py prints it as one `error:` line."""


def add_digit_commands(sub: Any, ranged: Any) -> None:
    """The invert and nearest subcommands on the command line's parser."""
    invert = sub.add_parser("invert", help="find the noise whose digit is closest to a picture (dark ink on white, "
                                           "or an MNIST-style white digit on black)")
    invert.add_argument("--model", required=True, type=Path, help="a digit model folder")
    invert.add_argument("--image", required=True, type=Path, help="a PNG (or JPEG) of one digit")
    invert.add_argument("--out", required=True, type=Path, help="match.png: the drawing, the search, the match")
    invert.add_argument("--seed", type=ranged(int, 0, 2**31 - 1, "a seed"), default=0)
    invert.add_argument("--json", action="store_true", help="print one line of JSON")
    nearest = sub.add_parser("nearest", help="does it copy? its samples' distances to the nearest training digits "
                                             "against real digits' distances to each other")
    nearest.add_argument("--model", required=True, type=Path, help="a digit model folder")
    nearest.add_argument("--n", type=ranged(int, 1, 10_000, "a sample count"), default=1000)
    nearest.add_argument("--seed", type=ranged(int, 0, 2**31 - 1, "a seed"), default=0)
    nearest.add_argument("--json", action="store_true", help="print one line of JSON")


def _digit_model(path: Path) -> SavedModel:
    saved = load_model(path)
    if not saved.config.is_image or saved.config.dataset != "mnist":
        raise UserError(f"{path} is not an MNIST digit model ({saved.config.dataset}): invert and nearest search "
                        "the training digits")
    return saved


def read_picture(path: Path) -> np.ndarray:
    """A picture file as uint8 (H, W) grey; UserError for a missing, huge or unreadable file."""
    if not path.is_file():
        raise UserError(f"no such image file: {path}")
    if path.stat().st_size > MAX_IMAGE_BYTES:
        raise UserError(f"{path} is over {MAX_IMAGE_BYTES // 2**20} MB: send a small picture of one digit")
    try:
        with Image.open(path) as image:
            if image.width * image.height > 4096 * 4096:
                raise UserError(f"{path} is {image.width} x {image.height} px: too big for one digit")
            return np.asarray(image.convert("L"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise UserError(f"{path} is not a picture PIL can read (PNG or JPEG)") from None


def _as_drawing(grey: np.ndarray) -> np.ndarray:
    """MNIST-style pictures (light ink on a dark background) are turned into dark ink on white."""
    return 255 - grey if float(np.median(grey)) < 128 else grey


def cmd_invert(args: argparse.Namespace) -> None:
    from .measure.drawn_digit import DrawnDigitError, digit_from_drawing
    from .measure.inversion import invert

    if args.out.suffix.lower() != ".png":
        raise UserError(f"--out must end in .png, got {args.out.name!r}")
    saved = _digit_model(args.model)
    try:
        target = digit_from_drawing(_as_drawing(read_picture(args.image)))
    except DrawnDigitError as exc:
        raise UserError(str(exc)) from None
    found = invert(saved.generator, target, seed=args.seed)
    row = np.concatenate([target[None], found.history.numpy(), found.image[None].numpy()])  # (K + 2, 28, 28)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_png(upscale(make_grid(to_uint8(torch.from_numpy(row)), len(row)), 3), args.out)
    figures = {"error": round(found.error, 5), "random_error": round(found.random_error, 5),
               "seconds": round(found.seconds, 3), "label": found.label, "z": [round(v, 4) for v in found.z.tolist()]}
    if args.json:
        print(json.dumps(figures))
        return
    asked = f" (drawn as a {found.label}, the classifier's reading)" if found.label is not None else ""
    print(f"reconstruction error {found.error:.4f} (a random noise vector: {found.random_error:.4f}){asked}, "
          f"{found.seconds:.2f} s; wrote the drawing, the search and the match to {args.out}")


def cmd_nearest(args: argparse.Namespace) -> None:
    from .measure.metrics import generate
    from .measure.nearest import memorisation

    saved = _digit_model(args.model)
    start = time.perf_counter()
    figures = memorisation(generate(saved.generator, args.n, args.seed, saved.config.conditional))
    figures["seconds"] = round(time.perf_counter() - start, 2)
    if args.json:
        print(json.dumps(figures))
        return
    print(f"{args.n} samples of {args.model}: {figures['share_closer_than_real_p5']:.1%} are closer to a training "
          f"digit than 95% of training digits are to their nearest neighbour (distance {figures['real_p5']:.2f}); "
          f"a sample's median distance to its nearest training digit is {figures['median_nearest']:.2f}, a training "
          f"digit's to its nearest other one {figures['real_median']:.2f} ({figures['seconds']:.1f} s)")
