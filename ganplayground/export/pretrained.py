"""The models shipped in `pretrained/`: list them, load them once (cached), read their cards.

Not training: `python -m ganplayground train --out pretrained/NAME` makes them (see pretrained/README.md).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from ..i18n import _
from ..measure.classifier import pretrained_dir
from .checkpoints import CONFIG_FILE, SavedModel, load_model

_cache: dict[str, SavedModel] = {}
_lock = threading.Lock()


def list_models() -> list[str]:
    """Names of the shipped generator models (folders of pretrained/ holding a model config)."""
    root = pretrained_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / CONFIG_FILE).is_file())


def model_path(name: str) -> Path:
    """The folder of a shipped model; ValueError for names that are not shipped models."""
    if name not in list_models():
        raise ValueError(_("unknown pretrained model {name}; choose one of {names}").format(
            name=repr(name), names=", ".join(list_models())))
    return pretrained_dir() / name


def load(name: str) -> SavedModel:
    """A shipped model on the CPU, loaded once per process."""
    with _lock:
        if name not in _cache:
            _cache[name] = load_model(model_path(name))
        return _cache[name]


def card(name: str) -> dict[str, Any]:
    """The model card's facts (card.json beside the weights), or {} when there is none."""
    path = model_path(name) / "card.json"
    return json.loads(path.read_text()) if path.is_file() else {}
