"""The bundled MNIST loads offline and intact; the toys have the documented geometry."""

from __future__ import annotations

import gzip
import shutil
import socket
from pathlib import Path

import numpy as np
import pytest
import torch

from ganplayground.train import data
from ganplayground.train.data import DataError, get_dataset, load_fashion_mnist, load_mnist
from ganplayground.train.toys import toy_for


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_load_mnist_returns_sixty_and_ten_thousand_digits_without_network(no_network: None) -> None:
    x_train, y_train = load_mnist("train")
    x_test, y_test = load_mnist("test")
    assert x_train.shape == (60_000, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (10_000, 28, 28) and y_test.shape == (10_000,)
    assert y_train.shape == (60_000,) and np.issubdtype(y_train.dtype, np.integer)
    assert set(np.unique(y_train)) == set(range(10))
    assert x_train.max() == 255 and x_train.min() == 0


def test_a_corrupted_bundled_file_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for f in data.ASSETS.iterdir():
        shutil.copy(f, tmp_path / f.name)
    raw = bytearray(gzip.decompress((tmp_path / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    raw[100] = (raw[100] + 1) % 10  # one label changed
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(raw)))
    monkeypatch.setattr(data, "ASSETS", tmp_path)
    monkeypatch.setattr(data, "_cache", {})
    with pytest.raises(DataError, match="corrupted"):
        load_mnist("test")


def test_unknown_split_and_dataset_are_rejected_with_the_choices() -> None:
    with pytest.raises(DataError, match="train, test"):
        load_mnist("validation")
    with pytest.raises(DataError, match="mnist, fashion-mnist, ring, grid"):
        get_dataset("cifar10")


def test_fashion_mnist_without_network_says_so(no_network: None, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GANPLAYGROUND_DATA", str(tmp_path))
    monkeypatch.setattr(data, "_cache", {})
    assert not data.fashion_mnist_available()
    with pytest.raises(DataError, match="could not be downloaded"):
        load_fashion_mnist("train")


def test_training_data_is_one_shared_uint8_tensor_with_random_index_batches() -> None:
    mnist = get_dataset("mnist")
    assert mnist is get_dataset("mnist")  # one copy per process and device
    assert mnist.images.dtype == torch.uint8 and mnist.images.shape == (60_000, 28, 28)
    x, y = mnist.sample(32, torch.Generator().manual_seed(0))
    assert x.shape == (32, 1, 28, 28) and y.shape == (32,)
    assert x.min() >= -1 and x.max() <= 1


def test_ring_has_eight_gaussians_on_a_circle_of_radius_two() -> None:
    centres, sigma = toy_for("ring").centres, toy_for("ring").sigma
    assert toy_for("ring").extent == 3.0  # 1.5 times the farthest centre, as before the shapes came
    assert centres.shape == (8, 2) and sigma == 0.02
    assert np.allclose(np.linalg.norm(centres, axis=1), 2.0)


def test_grid_has_twenty_five_gaussians_two_apart() -> None:
    centres, sigma = toy_for("grid").centres, toy_for("grid").sigma
    assert toy_for("grid").extent == 6.0
    assert centres.shape == (25, 2) and sigma == 0.05
    assert sorted(set(centres[:, 0].tolist())) == [-4, -2, 0, 2, 4]


def test_toy_samples_lie_near_their_centres() -> None:
    ring = get_dataset("ring")
    x, idx = ring.sample(1000, torch.Generator().manual_seed(0))
    distances = (x - ring.centres[idx]).norm(dim=1)
    assert distances.max() < 6 * ring.sigma
