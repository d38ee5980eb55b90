"""The toys' geometry: the ring and grid as before, GAN Lab's shapes, a drawing's parts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ganplayground.config import TOY_DATASETS, Config
from ganplayground.train.data import get_dataset
from ganplayground.train.drawings import HEART, DrawingError
from ganplayground.train.toys import MAX_PARTS, group_parts, toy_for
from ganplayground.train.trainer import Trainer


@pytest.mark.parametrize("name", [n for n in TOY_DATASETS if n != "drawn"])
def test_every_toy_has_centres_parts_and_a_plot_that_holds_them(name: str) -> None:
    toy = toy_for(name)
    assert toy.centres.dtype == np.float32 and toy.centres.shape[1] == 2
    assert toy.parts.shape == (len(toy.centres),) and set(toy.parts.tolist()) == set(range(toy.num_parts))
    assert np.abs(toy.centres).max() + 3 * toy.sigma < toy.extent
    assert toy.word == ("part" if name == "line" else "blob")


def test_mixtures_have_one_blob_per_centre_and_shapes_at_most_ten_parts() -> None:
    assert [toy_for(n).num_parts for n in ("ring", "grid", "hills", "blobs")] == [8, 25, 2, 3]
    assert toy_for("line").num_parts == MAX_PARTS
    heart = toy_for("drawn", HEART)
    assert heart.word == "part" and 5 <= heart.num_parts <= MAX_PARTS and heart.extent == 3.0
    sizes = np.bincount(heart.parts)
    assert sizes.min() > 0.3 * sizes.mean()  # the parts share the heart out, none a speck


def test_parts_are_the_same_every_time_and_contiguous_pieces() -> None:
    line = toy_for("line")
    assert np.array_equal(group_parts(line.centres, MAX_PARTS), line.parts)
    assert (np.diff(line.parts) >= 0).all()  # slices of the segment, numbered from one end


def test_the_toys_cannot_be_written_into() -> None:
    with pytest.raises(ValueError):
        toy_for("ring").centres[0, 0] = 5.0


def test_the_drawn_toy_needs_a_good_drawing() -> None:
    with pytest.raises(DrawingError, match="no drawing"):
        toy_for("drawn")
    with pytest.raises(DrawingError):
        get_dataset("drawn", drawing="AAAA")


def test_a_shape_samples_a_random_centre_plus_jitter_like_the_mixtures() -> None:
    line = get_dataset("line")
    x, idx = line.sample(1000, torch.Generator().manual_seed(0))
    assert ((x - line.centres[idx]).norm(dim=1) < 6 * line.sigma).all()
    assert len(set(idx.tolist())) > 90  # all along the segment


def test_a_few_steps_on_the_drawn_heart_train_and_measure() -> None:
    config = Config(dataset="drawn", drawing=HEART, latent_dim=2, width=16, batch_size=32, max_steps=5,
                    device="cpu", threads=1)
    trainer = Trainer(config)
    snaps = list(trainer.run(every_steps=5))
    assert trainer.step_count == 5 and np.isfinite(snaps[-1].stats.loss_d)
    assert snaps[-1].extent == 3.0 and snaps[-1].points.shape[1] == 2
