"""The weight average follows its formula; a weight copy is a copy and comes back whole."""

from __future__ import annotations

import math

import torch

from ganplayground.train.models import MLPDiscriminator, MLPGenerator
from ganplayground.train.weights import WeightAverage, WeightCopy, weights_finite


def _constant_generator(value: float) -> MLPGenerator:
    generator = MLPGenerator(latent_dim=4, width=8, batchnorm=False)
    with torch.no_grad():
        for p in generator.parameters():
            p.fill_(value)
    return generator


def test_the_average_moves_by_its_warm_up_decay_then_by_the_configured_one() -> None:
    average = WeightAverage(_constant_generator(0.0), decay=0.5)
    target = _constant_generator(1.0)
    average.update(target)  # t = 1: decay min(0.5, 2/11) = 2/11, so the average takes 9/11 of the target
    first = next(average.module.parameters())
    assert torch.allclose(first, torch.full_like(first, 9 / 11))
    average.update(target)  # t = 2: decay min(0.5, 3/12) = 1/4
    assert torch.allclose(first, torch.full_like(first, 1 - (2 / 11) * (1 / 4)))
    for _ in range(10):  # t >= 9: (1 + t) / (10 + t) >= 0.5, the configured decay rules
        average.update(target)
    before = first.clone()
    average.update(target)
    assert torch.allclose(1 - first, 0.5 * (1 - before))
    assert average.updates == 13
    assert not any(p.requires_grad for p in average.module.parameters())


def test_restart_and_load_set_where_the_warm_up_goes_on_from() -> None:
    average = WeightAverage(_constant_generator(0.0), decay=0.999)
    saved = _constant_generator(3.0).state_dict()
    average.load(saved, updates=500)
    assert average.updates == 500
    assert torch.equal(next(average.module.parameters()), saved["net.0.weight"])
    average.restart()
    average.update(_constant_generator(1.0))  # warm-up again: 9/11 of the way from 3 to 1
    assert math.isclose(next(average.module.parameters())[0, 0].item(), 3 - 2 * 9 / 11, rel_tol=1e-6)


def test_a_weight_copy_is_independent_of_the_networks_and_restores_them() -> None:
    generator, discriminator = _constant_generator(1.0), MLPDiscriminator(width=8)
    average = WeightAverage(generator, decay=0.9)
    copy = WeightCopy.of(7, generator, discriminator, average)
    d_before = [p.clone() for p in discriminator.parameters()]
    with torch.no_grad():
        for module in (generator, discriminator, average.module):
            for p in module.parameters():
                p.fill_(float("nan"))
    assert not weights_finite(generator) and not weights_finite(discriminator)
    assert copy.step == 7 and torch.equal(copy.generator["net.0.weight"], torch.ones(8, 4))
    copy.restore(generator, discriminator, average)
    assert weights_finite(generator, discriminator, average.module)
    assert all(torch.equal(a, b) for a, b in zip(discriminator.parameters(), d_before, strict=True))
    assert set(copy.states()) == {"generator", "discriminator", "generator_ema"}
    assert WeightCopy.of(0, generator, discriminator, None).generator_ema is None
