"""Model shapes, parameter counts and the raw-score contract of discriminators."""

from __future__ import annotations

import pytest
import torch

from ganplayground.train.models import (
    DCGANDiscriminator,
    DCGANGenerator,
    MLPDiscriminator,
    MLPGenerator,
    build_models,
    count_parameters,
)


@pytest.mark.parametrize("arch", ["mlp", "dcgan"])
@pytest.mark.parametrize("conditional", [False, True])
def test_image_models_map_latents_to_digits_and_digits_to_scores(arch: str, conditional: bool) -> None:
    G, D = build_models("mnist", arch, latent_dim=16, width=32, conditional=conditional)
    labels = torch.tensor([0, 3, 9]) if conditional else None
    x = G(torch.randn(3, 16), labels)
    assert x.shape == (3, 1, 28, 28)
    assert x.min() >= -1 and x.max() <= 1
    assert D(x, labels).shape == (3,)


def test_toy_models_map_to_points_and_scores() -> None:
    G, D = build_models("ring", "mlp", latent_dim=2, width=64)
    points = G(torch.randn(5, 2))
    assert points.shape == (5, 2)
    assert D(points).shape == (5,)


def test_parameter_counts_match_the_architectures() -> None:
    # MLP: 64->256 (+BN) ->256 (+BN) ->784 and 784->256->256->1.
    assert count_parameters(MLPGenerator(64, 256)) == 16_640 + 512 + 65_792 + 512 + 201_488
    assert count_parameters(MLPDiscriminator(256)) == 200_960 + 65_792 + 257
    # Width-64 native DCGAN: fc 100->128x7x7 (no bias, BN), convT 128->64 (BN), convT 64->1;
    # D: conv 1->64 (4x4), 64->128 (4x4), 128->256 (3x3), linear 256x4x4 -> 1.
    assert count_parameters(DCGANGenerator(100, 64)) == 627_200 + 12_544 + 131_072 + 128 + 1_025
    assert count_parameters(DCGANDiscriminator(64)) == 1_088 + 131_200 + 295_168 + 4_097


def test_discriminator_scores_are_raw_not_probabilities() -> None:
    D = MLPDiscriminator(32)
    with torch.no_grad():
        D.head.bias.fill_(5.0)
    assert (D(torch.zeros(4, 1, 28, 28)) > 1.0).all()


def test_conditional_models_require_labels() -> None:
    G, D = build_models("mnist", "mlp", 8, 16, conditional=True)
    with pytest.raises(ValueError, match="conditional"):
        G(torch.randn(2, 8))
    with pytest.raises(ValueError, match="conditional"):
        D(torch.zeros(2, 1, 28, 28))


def test_conditional_generator_output_depends_on_the_label() -> None:
    G, _ = build_models("mnist", "dcgan", 8, 16, conditional=True)
    G.eval()
    z = torch.randn(1, 8).repeat(2, 1)
    out = G(z, torch.tensor([1, 7]))
    assert not torch.allclose(out[0], out[1])


def test_spectral_norm_bounds_each_discriminator_layer() -> None:
    D = MLPDiscriminator(64, spectral_norm=True)
    D.train()
    for _ in range(20):  # power iterations converge while the module runs
        D(torch.randn(8, 1, 28, 28))
    first = D.body[0].weight
    assert torch.linalg.matrix_norm(first, ord=2).item() == pytest.approx(1.0, rel=0.05)


def test_generator_sample_draws_n_digits() -> None:
    G, _ = build_models("mnist", "mlp", 8, 16)
    assert G.sample(5, torch.Generator().manual_seed(0)).shape == (5, 1, 28, 28)
