"""The generators Explore can show: the shipped models, the session's own run, and the models uploaded into that
browser tab. Each is loaded once into a private CPU copy with its latent directions and kept in a small cache
shared by the server (a class exploring the shipped models loads each once).

Uploaded models belong to their session only: another tab never sees them.
"""

from __future__ import annotations

import copy
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
import torch

from ...config import TOY_DATASETS, Config
from ...export import pretrained
from ...export.bundles import MAX_UPLOAD_BYTES, BundleError, read_upload
from ...export.checkpoints import SavedModel
from ...i18n import N_, _
from ...train.latent import principal_directions
from ...train.models import Generator
from .sessions import Session

SESSION_MODEL = N_("Your model (this session)")  # the value stays English; its label is translated
NUM_DIRECTIONS = 6  # latent directions per model: Explore's sliders
CACHE_SIZE = 32  # loaded models (with their directions) kept in memory
MAX_UPLOADS = 4  # models one session keeps uploaded (the oldest goes first)
UPLOAD_PREFIX = "Uploaded: "  # of an upload's value; its label is model_label's


def model_label(name: str) -> str:
    """A model's label in the Model list, in the current language (a shipped model's name is an id: unchanged)."""
    if name == SESSION_MODEL:
        return _(SESSION_MODEL)
    if name.startswith(UPLOAD_PREFIX):
        return _("Uploaded: {name}").format(name=name.removeprefix(UPLOAD_PREFIX))
    return name


@dataclass
class ExploreModel:
    """A generator ready for the Explore tab: its config, a private copy, its latent directions."""

    config: Config
    generator: Generator
    directions: dict[str, torch.Tensor]  # "principal" and "raw": (k, latent_dim) each


class ExploreModels:
    """Which models a session may explore, and the loaded ones (an LRU cache shared by all sessions)."""

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[str, str], ExploreModel] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def choices(session: Session | None) -> list[str]:
        """The shipped models, the session's own run, and the models uploaded in this session."""
        return [*pretrained.list_models(), SESSION_MODEL, *(session.uploads if session is not None else [])]

    def get(self, session: Session, name: Any) -> ExploreModel:
        """The model called `name` for this session, loaded (gr.Error for an unknown one or a toy)."""
        choices = self.choices(session)
        if not isinstance(name, str) or name not in choices:
            raise gr.Error(_("Unknown model {name}; choose one of: {choices}").format(
                name=repr(name), choices=", ".join(model_label(c) for c in choices)), print_exception=False)
        key, load = self._source(session, name)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        config, generator = load()
        if config.dataset in TOY_DATASETS:
            raise gr.Error(_("Explore draws digits; this model is a 2-D toy."), print_exception=False)
        model = _ready(config, generator)
        with self._lock:
            self._cache[key] = model
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return model

    @staticmethod
    def _source(session: Session, name: str) -> tuple[tuple[str, str], Any]:
        """(cache key, a function that loads (config, generator)) of a model the session may explore."""
        uploaded = session.uploads.get(name)
        if uploaded is not None:
            return (session.token, f"upload:{name}:{id(uploaded)}"), lambda: (uploaded.config, uploaded.generator)
        if name == SESSION_MODEL:
            if session.run is None:
                raise gr.Error(_("You have not trained a model in this session yet (Train tab)."),
                               print_exception=False)
            trainer = session.run.trainer
            # A private CPU copy: Explore never reads weights a training thread is writing.
            return ((session.token, f"session:{id(trainer)}:{trainer.step_count}"),
                    lambda: (trainer.config, copy.deepcopy(trainer.sampler)))

        def shipped() -> tuple[Config, Generator]:
            saved: SavedModel = pretrained.load(name)
            return saved.config, saved.generator

        return ("", name), shipped

    @staticmethod
    def add_upload(session: Session, paths: list[Path], workdir: Path) -> tuple[str, SavedModel]:
        """Load an uploaded model (a zip, or a .safetensors with its config.json) into the session's list:
        (its name in the list, the model). gr.Error with a plain message for anything refused."""
        try:
            saved = read_upload(paths, [p.name for p in paths], workdir=workdir, max_bytes=MAX_UPLOAD_BYTES)
        except BundleError as exc:
            raise gr.Error(_("That upload was not loaded: {reason}.").format(reason=exc),
                           print_exception=False) from None
        if saved.config.dataset in TOY_DATASETS:
            raise gr.Error(_("That model draws points of a 2-D toy; Explore draws digits. Load it with the command "
                             "line (python -m ganplayground sample) instead."), print_exception=False)
        name = _display_name(paths[0].name, session.uploads)
        with session.lock:
            session.uploads[name] = saved
            while len(session.uploads) > MAX_UPLOADS:
                session.uploads.pop(next(iter(session.uploads)))
        return name, saved


def _ready(config: Config, generator: Generator) -> ExploreModel:
    generator = generator.cpu().eval()
    k = min(NUM_DIRECTIONS, config.latent_dim)
    raw = torch.eye(config.latent_dim)[:k]
    return ExploreModel(config, generator, {"principal": principal_directions(generator, k), "raw": raw})


def _display_name(filename: str, taken: dict[str, Any]) -> str:
    """A label for the Model list from the file's name (shown, never used as a path)."""
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "", Path(filename).stem)[:40].strip() or "model"
    name = f"{UPLOAD_PREFIX}{stem}"
    i = 2
    while name in taken:
        name, i = f"{UPLOAD_PREFIX}{stem} ({i})", i + 1
    return name
