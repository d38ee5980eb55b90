"""Each loss pinned on hand-made scores and cross-checked against torch's own functions."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from ganplayground.config import LOSS_NAMES, LOSS_SETTINGS
from ganplayground.train.losses import (
    LOSSES,
    clip_weights,
    get_loss,
    gradient_penalty,
    hinge_d_loss,
    js_d_loss,
    js_minimax_g_loss,
    js_nonsaturating_g_loss,
    least_squares_d_loss,
    least_squares_g_loss,
    wasserstein_d_loss,
    wasserstein_g_loss,
)

REAL = torch.tensor([2.0, -1.0, 0.5, 3.0])
FAKE = torch.tensor([-2.0, 0.5, 1.0, -0.5])


def test_js_discriminator_loss_of_zero_scores_is_two_ln_two() -> None:
    assert js_d_loss(torch.zeros(8), torch.zeros(8)).item() == pytest.approx(2 * math.log(2))


def test_js_discriminator_loss_is_binary_cross_entropy_real_one_fake_zero() -> None:
    expected = (F.binary_cross_entropy_with_logits(REAL, torch.ones(4))
                + F.binary_cross_entropy_with_logits(FAKE, torch.zeros(4)))
    assert js_d_loss(REAL, FAKE).item() == pytest.approx(expected.item(), rel=1e-6)


def test_js_discriminator_loss_matches_the_probability_formula() -> None:
    d_real, d_fake = torch.sigmoid(REAL), torch.sigmoid(FAKE)
    expected = -(torch.log(d_real).mean() + torch.log(1 - d_fake).mean())
    assert js_d_loss(REAL, FAKE).item() == pytest.approx(expected.item(), rel=1e-5)


def test_minimax_generator_loss_is_log_one_minus_d_of_fake() -> None:
    expected = torch.log(1 - torch.sigmoid(FAKE)).mean()
    assert js_minimax_g_loss(FAKE).item() == pytest.approx(expected.item(), rel=1e-5)
    assert js_minimax_g_loss(torch.zeros(3)).item() == pytest.approx(-math.log(2))


def test_nonsaturating_generator_loss_is_cross_entropy_with_label_real() -> None:
    expected = F.binary_cross_entropy_with_logits(FAKE, torch.ones(4))
    assert js_nonsaturating_g_loss(FAKE).item() == pytest.approx(expected.item(), rel=1e-6)


def test_minimax_gradient_vanishes_where_the_nonsaturating_one_does_not() -> None:
    # D confidently rejects the fake (score -10): the saturating loss gives G almost no signal.
    s1 = torch.tensor([-10.0], requires_grad=True)
    js_minimax_g_loss(s1).backward()
    s2 = torch.tensor([-10.0], requires_grad=True)
    js_nonsaturating_g_loss(s2).backward()
    assert abs(s1.grad.item()) < 1e-4
    assert s2.grad.item() == pytest.approx(-1.0, abs=1e-4)


def test_wgan_critic_loss_is_fake_minus_real() -> None:
    assert wasserstein_d_loss(REAL, FAKE).item() == pytest.approx(FAKE.mean().item() - REAL.mean().item())
    assert wasserstein_d_loss(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0])).item() == -2.0


def test_wasserstein_generator_loss_is_minus_mean_fake() -> None:
    assert wasserstein_g_loss(torch.tensor([1.0, 2.0, 3.0])).item() == -2.0


def test_hinge_discriminator_loss_on_hand_values() -> None:
    # real: relu(1-2)=0, relu(1-0.5)=0.5 -> 0.25; fake: relu(1-2)=0, relu(1+0.5)=1.5 -> 0.75
    loss = hinge_d_loss(torch.tensor([2.0, 0.5]), torch.tensor([-2.0, 0.5]))
    assert loss.item() == pytest.approx(1.0)
    assert hinge_d_loss(torch.zeros(4), torch.zeros(4)).item() == pytest.approx(2.0)


def test_least_squares_discriminator_loss_on_hand_values() -> None:
    # real: (2-1)^2 = 1, (0.5-1)^2 = 0.25 -> mean 0.625, half 0.3125; fake: 4, 0.25 -> mean 2.125, half 1.0625
    loss = least_squares_d_loss(torch.tensor([2.0, 0.5]), torch.tensor([-2.0, 0.5]))
    assert loss.item() == pytest.approx(1.375)
    assert least_squares_d_loss(torch.zeros(4), torch.zeros(4)).item() == pytest.approx(0.5)
    assert least_squares_d_loss(torch.ones(4), torch.zeros(4)).item() == 0.0  # D on its targets: b = 1, a = 0


def test_least_squares_generator_loss_on_hand_values_and_against_mse() -> None:
    # (-2-1)^2 = 9, (0.5-1)^2 = 0.25 -> mean 4.625, half 2.3125
    assert least_squares_g_loss(torch.tensor([-2.0, 0.5])).item() == pytest.approx(2.3125)
    assert least_squares_g_loss(FAKE).item() == pytest.approx(0.5 * F.mse_loss(FAKE, torch.ones(4)).item())


def test_least_squares_gradient_does_not_vanish_for_a_rejected_fake() -> None:
    # Where the saturating minimax loss gives G ~0 (score -10), least squares gives d/ds 1/2 (s - 1)^2 = s - 1 = -11.
    score = torch.tensor([-10.0], requires_grad=True)
    least_squares_g_loss(score).backward()
    assert score.grad.item() == pytest.approx(-11.0)
    assert get_loss("lsgan").d_loss is least_squares_d_loss and not get_loss("lsgan").probability_scores


def _linear_critic(weight: torch.Tensor) -> nn.Module:
    critic = nn.Linear(weight.numel(), 1)
    with torch.no_grad():
        critic.weight.copy_(weight.view(1, -1))
    return critic


def test_gradient_penalty_of_a_unit_norm_linear_critic_is_zero() -> None:
    w = torch.randn(6)
    critic = _linear_critic(w / w.norm())
    x_real, x_fake = torch.randn(32, 6), torch.randn(32, 6)
    assert gradient_penalty(lambda x: critic(x).squeeze(1), x_real, x_fake).item() == pytest.approx(0.0, abs=1e-10)


def test_gradient_penalty_is_squared_excess_norm_and_differentiable() -> None:
    w = torch.randn(6)
    critic = _linear_critic(3 * w / w.norm())  # gradient norm 3 everywhere -> (3 - 1)^2 = 4
    penalty = gradient_penalty(lambda x: critic(x).squeeze(1), torch.randn(16, 6), torch.randn(16, 6))
    assert penalty.item() == pytest.approx(4.0, rel=1e-5)
    penalty.backward()
    assert critic.weight.grad is not None and critic.weight.grad.abs().sum() > 0


def test_weight_clipping_puts_every_parameter_in_range() -> None:
    net = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(100)
    clip_weights(net, 0.01)
    assert all(p.abs().max().item() <= 0.01 for p in net.parameters())


def test_loss_specs_follow_their_papers() -> None:
    assert (LOSS_SETTINGS["wgan"].optimizer, LOSS_SETTINGS["wgan"].lr, LOSS_SETTINGS["wgan"].critic_steps) == (
        "rmsprop", 5e-5, 5)
    assert get_loss("wgan").weight_clipping and not get_loss("wgan").gradient_penalty
    assert get_loss("wgan-gp").gradient_penalty and LOSS_SETTINGS["wgan-gp"].betas == (0.0, 0.9)
    lsgan = LOSS_SETTINGS["lsgan"]  # Mao et al. 2017: Adam 2e-4, beta1 0.5, one D update per G update
    assert (lsgan.optimizer, lsgan.lr, lsgan.betas, lsgan.critic_steps) == ("adam", 2e-4, (0.5, 0.999), 1)


def test_every_loss_id_of_the_config_has_its_maths_and_nothing_else() -> None:
    assert tuple(LOSSES) == LOSS_NAMES == ("js-minimax", "js", "wgan", "wgan-gp", "hinge", "lsgan")
    assert all(spec.name == name for name, spec in LOSSES.items())


def test_unknown_loss_names_the_choices() -> None:
    with pytest.raises(ValueError, match="choose one of js-minimax, js, wgan, wgan-gp, hinge, lsgan"):
        get_loss("least-squares")
