"""The Learn tab's pictures, drawn from the shipped models: a grid of a model's digits, the ring toy's
plane, or a model's run over time (the frames.png that `train --frames` writes).

No gradio here: pictures are uint8 arrays; None when a model is missing.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from ..train.images import make_grid, to_uint8, toy_plot
from ..train.latent import noise_for_seed
from ..train.trainer import Trainer
from . import pretrained
from .timeline import restrip

PICTURE_MODELS = {"healthy": "default", "vanishing": "vanishing-minimax", "collapse": "collapsed-js",
                  "wgan_gp": "wgan-gp"}


def lesson_picture(kind: str, ring_reals: np.ndarray) -> np.ndarray | None:
    """40 digits of the model standing for `kind` (PICTURE_MODELS), or for "ring" the shipped ring-wgan-gp
    model's points over its critic's plane with the real points `ring_reals` (N, 2)."""
    try:
        if kind == "ring":
            saved = pretrained.load("ring-wgan-gp")
            trainer = Trainer(saved.config.replace(device="cpu"), saved.generator, saved.discriminator)
            snap = trainer.snapshot()
            return toy_plot(snap.surface, snap.extent, ring_reals, snap.points, size=320)
        saved = pretrained.load(PICTURE_MODELS[kind])
    except (ValueError, KeyError):
        return None
    z = noise_for_seed(7, 40, saved.config.latent_dim)
    labels = (torch.arange(40) % 10) if saved.config.conditional else None
    with torch.no_grad():
        images = to_uint8(saved.generator(z, labels))
    return make_grid(images, 10)


def lesson_story(name: str) -> np.ndarray | None:
    """A shipped model's run over time (its frames.png, from `train --frames`), captioned in the current language
    from the frames.json beside it; the strip as saved when that is missing or damaged; None if it has no strip."""
    try:
        folder = pretrained.model_path(name)
    except ValueError:
        return None
    if not (folder / "frames.png").is_file():
        return None
    with Image.open(folder / "frames.png") as image:
        strip = np.asarray(image.convert("RGB"))
    story = folder / "frames.json"
    if story.is_file():
        try:
            return restrip(strip, story.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            pass  # the captions as saved (English) rather than no picture
    return strip
