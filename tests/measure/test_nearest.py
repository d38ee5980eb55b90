"""Does it copy? The index of training digits finds a training digit itself at distance 0, and the verdict
says in plain words whether a digit sits closer to one training digit than real digits sit to each other."""

from __future__ import annotations

import numpy as np
import torch

from ganplayground.measure.nearest import copy_verdict, memorisation, nearest, nearest_index
from ganplayground.train.data import load_mnist


def test_a_training_digit_is_its_own_nearest_neighbour_at_distance_zero() -> None:
    images, labels = load_mnist("train")
    found = nearest(images[[17, 40_000]])
    for row, n in zip((17, 40_000), found, strict=True):
        assert n.pixel_ids[0] == row and n.pixel_distances[0] == 0.0  # exactly: the same pixels
        # features: the same digit, up to float rounding between a batch of 1,000 and a batch of 2
        assert n.feature_distances[0] < 1e-4 and labels[n.feature_ids[0]] == labels[row]
        assert len(n.pixel_ids) == len(n.feature_ids) == 5
        assert list(n.pixel_distances) == sorted(n.pixel_distances)
        assert n.copies and copy_verdict(n).startswith("Looks copied")


def test_the_real_nearest_distances_are_positive_and_a_test_digit_is_no_copy() -> None:
    index = nearest_index()
    assert len(index.real_pixel) == 2000 and index.real_pixel.min() > 0  # each to its nearest *other* digit
    test_images, _ = load_mnist("test")
    found = nearest(test_images[:200])
    typical = [n for n in found if not n.copies]
    assert len(typical) >= 180  # unseen real digits are mostly as far from the training set as real digits are
    assert copy_verdict(typical[0]).startswith("Not a copy: its nearest training digit is")


def test_memorisation_counts_copies_among_samples() -> None:
    train, _ = load_mnist("train")
    test, _ = load_mnist("test")
    copies = torch.from_numpy(np.concatenate([train[:30], test[:70]])).float().div(127.5).sub(1).unsqueeze(1)
    figures = memorisation(copies)
    assert figures["samples"] == 100 and 0.30 <= figures["share_closer_than_real_p5"] <= 0.40
    assert 0 < figures["real_p5"] < figures["real_median"]
