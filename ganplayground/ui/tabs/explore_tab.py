"""The Explore tab's handlers, a mixin of `Playground` (handlers.py): pick a shipped, trained or uploaded model,
drag its latent sliders, interpolate between two seeds."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import gradio as gr
import numpy as np
import torch

from ...config import TOY_DATASETS, Config
from ...export import pretrained
from ...export.checkpoints import SavedModel
from ...train.images import make_grid, to_uint8, upscale
from ...train.latent import interpolate, move_along, noise_for_seed, principal_directions
from ...train.models import Generator
from ..server.sessions import SessionError, check_token
from ..widgets.inputs import number
from ..widgets.labels import LOSS_LABELS

NUM_SLIDERS = 6  # on_latent takes s1..s6
SLIDER_RANGE = 3.0  # latent sliders move up to 3 standard deviations
DIGIT_SCALE = 8  # Explore shows a digit at 224 x 224 px
SESSION_MODEL = "Your model (this session)"
EXPLORE_CACHE = 32  # loaded models (with their directions) kept in memory


@dataclass
class ExploreModel:
    """A generator ready for the Explore tab: its config, a private copy, its latent directions."""

    config: Config
    generator: Generator
    directions: dict[str, torch.Tensor]


class ExploreTab:
    """The Explore tab (needs Playground's manager, _session, _explore cache and _explore_lock)."""

    # --- Explore tab ---------------------------------------------------------------------------------
    def model_choices(self, token: Any = None) -> list[str]:
        """The shipped models, this session's run, and the models uploaded in this session (ui/handin.py)."""
        uploads = list(self.manager.session(token).uploads) if check_token_or_none(token) else []
        return [*pretrained.list_models(), SESSION_MODEL, *uploads]

    def _explore_model(self, token: Any, name: Any) -> ExploreModel:
        choices = self.model_choices(token)
        if not isinstance(name, str) or name not in choices:
            raise gr.Error(f"Unknown model {name!r}; choose one of: {', '.join(choices)}", print_exception=False)
        uploaded = self._session(token).uploads.get(name)
        if uploaded is not None:
            key = (check_token(token), f"upload:{name}:{id(uploaded)}")
        elif name == SESSION_MODEL:
            session = self._session(token)
            if session.run is None:
                raise gr.Error("You have not trained a model in this session yet (Train tab).",
                               print_exception=False)
            trainer = session.run.trainer
            key = (check_token(token), f"session:{id(trainer)}:{trainer.step_count}")
        else:
            key = ("", name)
        with self._explore_lock:
            if key in self._explore:
                self._explore.move_to_end(key)
                return self._explore[key]
        if uploaded is not None:
            config, generator = uploaded.config, uploaded.generator
        elif name == SESSION_MODEL:
            config = trainer.config
            generator = _private_copy(trainer.sampler)
        else:
            saved: SavedModel = pretrained.load(name)
            config, generator = saved.config, saved.generator
        if config.dataset in TOY_DATASETS:
            raise gr.Error("Explore draws digits; this model is a 2-D toy.", print_exception=False)
        generator = generator.cpu().eval()
        k = min(NUM_SLIDERS, config.latent_dim)
        with torch.no_grad():
            raw = torch.eye(config.latent_dim)[:k]
        model = ExploreModel(config, generator, {"principal": principal_directions(generator, k), "raw": raw})
        with self._explore_lock:
            self._explore[key] = model
            while len(self._explore) > EXPLORE_CACHE:
                self._explore.popitem(last=False)
        return model

    def on_explore_model(self, token: Any, name: Any) -> tuple:
        """Pick a model: show the digit picker for conditional ones, reset sliders, draw."""
        model = self._explore_model(token, name)
        info = (f"**{name}** · {model.config.arch.upper()} · loss {LOSS_LABELS.get(model.config.loss)} · "
                f"latent size {model.config.latent_dim}"
                + (" · conditional: pick a digit" if model.config.conditional else ""))
        image = self.on_latent(token, name, 0, 0, "principal", *([0.0] * NUM_SLIDERS))
        return (gr.update(visible=model.config.conditional), *([0.0] * NUM_SLIDERS), image, info)

    def on_latent(self, token: Any, name: Any, seed: Any, digit: Any, kind: Any, s1: Any = 0.0, s2: Any = 0.0,
                  s3: Any = 0.0, s4: Any = 0.0, s5: Any = 0.0, s6: Any = 0.0) -> np.ndarray:
        """One digit from a seed's latent code moved along six directions (slider values in [-3, 3])."""
        sliders = (s1, s2, s3, s4, s5, s6)
        amounts = [number(v, f"slider {i + 1}", -SLIDER_RANGE, SLIDER_RANGE) for i, v in enumerate(sliders)]
        seed = number(seed, "seed", 0, 2**31 - 1, integer=True)
        if kind not in ("principal", "raw"):
            raise gr.Error("directions must be 'principal' or 'raw'", print_exception=False)
        model = self._explore_model(token, name)
        directions = model.directions[kind]
        z = move_along(noise_for_seed(seed, 1, model.config.latent_dim)[0], directions, amounts[: len(directions)])
        labels = self._labels(model, digit, 1)
        with torch.no_grad():
            image = to_uint8(model.generator(z, labels))[0]  # (28, 28)
        return upscale(image, DIGIT_SCALE)

    @staticmethod
    def _labels(model: ExploreModel, digit: Any, n: int) -> torch.Tensor | None:
        if not model.config.conditional:
            return None
        digit = number(digit, "digit", 0, 9, integer=True)
        return torch.full((n,), digit, dtype=torch.long)

    def on_randomize(self, token: Any, name: Any, digit: Any, kind: Any) -> tuple:
        seed = int(np.random.default_rng().integers(0, 100_000))
        zeros = [0.0] * NUM_SLIDERS
        return (seed, *zeros, self.on_latent(token, name, seed, digit, kind, *zeros))

    def on_interpolate(self, token: Any, name: Any, seed_a: Any, seed_b: Any, digit: Any,
                       steps: Any = 10) -> np.ndarray:
        """A strip of digits on the way from seed A's code to seed B's."""
        seed_a = number(seed_a, "seed A", 0, 2**31 - 1, integer=True)
        seed_b = number(seed_b, "seed B", 0, 2**31 - 1, integer=True)
        steps = number(steps, "steps", 2, 16, integer=True)
        model = self._explore_model(token, name)
        z = interpolate(seed_a, seed_b, steps, model.config.latent_dim)
        with torch.no_grad():
            images = to_uint8(model.generator(z, self._labels(model, digit, steps)))
        return upscale(make_grid(images, steps), 3)


def check_token_or_none(token: Any) -> str | None:
    try:
        return check_token(token)
    except SessionError:
        return None


def _private_copy(generator: Generator) -> Generator:
    """A CPU copy of a generator, so Explore never reads weights a training thread is writing."""
    return copy.deepcopy(generator).cpu().eval()
