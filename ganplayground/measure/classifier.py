"""The bundled MNIST digit classifier that measures generated digits: its network, its training
recipe (a few CPU minutes on the bundled data) and its loading.

Not the metrics: `metrics.py` turns its predictions and penultimate features into scores.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from ..i18n import _
from ..train.data import load_mnist

FEATURE_DIM = 128


def pretrained_dir() -> Path:
    """The shipped models' folder: ./pretrained beside the package (GANPLAYGROUND_PRETRAINED overrides)."""
    default = Path(__file__).resolve().parents[2] / "pretrained"
    return Path(os.environ.get("GANPLAYGROUND_PRETRAINED", default))


def classifier_dir() -> Path:
    return pretrained_dir() / "classifier"


class DigitClassifier(nn.Module):
    """(B, 1, 28, 28) in [-1, 1] -> logits (B, 10); `features` gives the 128-d penultimate layer.

    conv5x5/2(32) -> (32, 14, 14) -> conv3x3/2(64) -> (64, 7, 7) -> fc(128) -> fc(10).
    Strided convolutions instead of pooling keep activations small: this VM is memory-bound, and
    1,000 digits are scored in about 0.1 s on one CPU core.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 32, 5, stride=2, padding=2), nn.ReLU(),  # (B, 32, 14, 14)
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),  # (B, 64, 7, 7)
        )
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(64 * 49, FEATURE_DIM), nn.ReLU())  # (B, 128)
        self.dropout = nn.Dropout(0.5)
        self.out = nn.Linear(FEATURE_DIM, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.conv(x))  # (B, 128), >= 0

    def features_and_strokes(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(penultimate features (B, 128), stroke statistics (B, 64)): the second convolution's
        activations averaged over the image, which tell pen strokes from grey noise."""
        h = self.conv(x)  # (B, 64, 7, 7)
        return self.fc(h), h.mean((2, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.dropout(self.features(x)))  # (B, 10)


def images_to_input(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) in [0, 255], or floats (N, 1, 28, 28) in [-1, 1] -> float (N, 1, 28, 28) in [-1, 1]."""
    x = torch.from_numpy(np.array(images)) if isinstance(images, np.ndarray) else images
    if x.dtype == torch.uint8:
        x = x.float().div(127.5).sub(1.0)
    if x.dim() == 3:
        x = x.unsqueeze(1)
    return x.float()


def random_shift(x: torch.Tensor, generator: torch.Generator, max_shift: int = 2) -> torch.Tensor:
    """Translate each image of x (N, 1, 28, 28) in [-1, 1] by up to `max_shift` pixels in x and y (padding with
    the background, -1, and cropping): the classifiers' data augmentation."""
    n = x.shape[0]
    padded = F.pad(x, (max_shift,) * 4, value=-1.0)
    dx = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    dy = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    rows = dy[:, None] + torch.arange(28)[None, :]  # (n, 28) source row of each output row
    cols = dx[:, None] + torch.arange(28)[None, :]  # (n, 28)
    shifted = padded[torch.arange(n)[:, None, None], 0, rows[:, :, None], cols[:, None, :]]  # (n, 28, 28)
    return shifted.unsqueeze(1)


def train_classifier(epochs: int = 8, batch_size: int = 128, lr: float = 2e-3, seed: int = 0,
                     log: Callable[[str], None] = print) -> tuple[DigitClassifier, float]:
    """Train on the bundled 60k training digits (random 2-pixel shifts; Adam, lr decayed linearly).
    Returns (model in eval mode, test accuracy on the 10k test digits)."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    images, labels = load_mnist("train")
    x_all = images_to_input(images.copy())
    y_all = torch.from_numpy(labels.copy())
    model = DigitClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * (len(x_all) // batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0 - s / steps)
    start = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_all), generator=generator)
        for i in range(len(x_all) // batch_size):
            idx = order[i * batch_size : (i + 1) * batch_size]
            x = random_shift(x_all[idx], generator)
            loss = F.cross_entropy(model(x), y_all[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
        accuracy = test_accuracy(model)
        log(f"epoch {epoch + 1}/{epochs}: test accuracy {accuracy:.4f} ({time.perf_counter() - start:.0f} s)")
    model.eval()
    return model, accuracy


@torch.no_grad()
def predict(model: DigitClassifier, images: np.ndarray | torch.Tensor, batch_size: int = 1000,
            ) -> tuple[torch.Tensor, torch.Tensor]:
    """(probabilities (N, 10), features (N, 128)) for images (see images_to_input), on the CPU."""
    model.eval()
    x = images_to_input(images)
    device = next(model.parameters()).device
    probs, feats = [], []
    for chunk in x.split(batch_size):
        h = model.features(chunk.to(device))
        probs.append(torch.softmax(model.out(h), dim=1).cpu())
        feats.append(h.cpu())
    return torch.cat(probs), torch.cat(feats)


@torch.no_grad()
def predict_with_strokes(model: DigitClassifier, images: np.ndarray | torch.Tensor, batch_size: int = 1000,
                         ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(probabilities (N, 10), features (N, 128), stroke statistics (N, 64)) on the CPU."""
    model.eval()
    x = images_to_input(images)
    device = next(model.parameters()).device
    probs, feats, strokes = [], [], []
    for chunk in x.split(batch_size):
        h, s = model.features_and_strokes(chunk.to(device))
        probs.append(torch.softmax(model.out(h), dim=1).cpu())
        feats.append(h.cpu())
        strokes.append(s.cpu())
    return torch.cat(probs), torch.cat(feats), torch.cat(strokes)


def test_accuracy(model: DigitClassifier, limit: int | None = None) -> float:
    """Fraction of the bundled test digits (the first `limit`, or all 10,000) classified correctly."""
    images, labels = load_mnist("test")
    images, labels = images[:limit], labels[:limit]
    probs, _ = predict(model, images)
    return float((probs.argmax(1).numpy() == labels).mean())


def save_classifier(model: DigitClassifier, folder: Path, accuracy: float, seconds: float) -> None:
    """Write model.safetensors, the test-set feature statistics and a model card into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(folder / "model.safetensors"))
    images, _ = load_mnist("test")
    _, feats = predict(model, images)
    feats64 = feats.double()
    mu = feats64.mean(0)
    sigma = torch.cov(feats64.T)
    # A fixed subset of test features is the "real" manifold for precision/recall (k-NN balls).
    subset = feats[torch.randperm(len(feats), generator=torch.Generator().manual_seed(0))[:5000]]
    save_file({"mu": mu, "sigma": sigma, "features": subset.contiguous()}, str(folder / "test_stats.safetensors"))
    (folder / "info.json").write_text(json.dumps(
        {"test_accuracy": accuracy, "train_seconds": round(seconds, 1), "feature_dim": FEATURE_DIM}, indent=2))


_loaded: dict[str, tuple[DigitClassifier, dict[str, torch.Tensor]]] = {}
_load_lock = threading.Lock()


class ClassifierMissing(RuntimeError):
    """The bundled classifier file is not where it should be."""


def load_classifier() -> tuple[DigitClassifier, dict[str, torch.Tensor]]:
    """The bundled classifier (eval mode, CPU) and its cached test-set statistics, loaded once."""
    folder = classifier_dir()
    key = str(folder)
    with _load_lock:
        if key not in _loaded:
            weights, stats = folder / "model.safetensors", folder / "test_stats.safetensors"
            if not weights.exists() or not stats.exists():
                raise ClassifierMissing(_("the digit classifier is missing from {folder}; run `python -m "
                                          "ganplayground train-classifier` to rebuild it").format(folder=folder))
            model = DigitClassifier()
            model.load_state_dict(load_file(str(weights)))
            model.eval()
            _loaded[key] = (model, load_file(str(stats)))
        return _loaded[key]
