"""GAN losses on raw discriminator scores, one small `LossSpec` per loss id of `config.LOSS_NAMES` (whose
recommended optimiser settings live in `config.LOSS_SETTINGS`).

Not a trainer: these functions only turn scores (and, for WGAN-GP, a critic and two batches) into
scalars. Notation: s_r = D(x_real), s_f = D(G(z)), raw scores (B,); sigma is the logistic sigmoid,
so D's probability of "real" is sigma(s) and log sigma(s) = -softplus(-s).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


def js_d_loss(score_real: torch.Tensor, score_fake: torch.Tensor) -> torch.Tensor:
    """Discriminator loss of the original GAN (Goodfellow et al. 2014, eq. 1), binary cross-entropy:
    L_D = -E[log sigma(s_r)] - E[log(1 - sigma(s_f))] = E[softplus(-s_r)] + E[softplus(s_f)].
    Zero scores give 2 ln 2; minimised, it estimates 2 ln 2 - 2 JS(p_data || p_g)."""
    return F.softplus(-score_real).mean() + F.softplus(score_fake).mean()


def js_minimax_g_loss(score_fake: torch.Tensor) -> torch.Tensor:
    """Generator loss of the original minimax game (Goodfellow et al. 2014, eq. 1), the saturating one:
    L_G = E[log(1 - sigma(s_f))] = -E[softplus(s_f)].
    Its gradient vanishes when D confidently rejects fakes, which is why it collapses easily."""
    return -F.softplus(score_fake).mean()


def js_nonsaturating_g_loss(score_fake: torch.Tensor) -> torch.Tensor:
    """Non-saturating generator loss (Goodfellow et al. 2014, section 3):
    L_G = -E[log sigma(s_f)] = E[softplus(-s_f)]: same fixed point, strong gradients early on."""
    return F.softplus(-score_fake).mean()


def wasserstein_d_loss(score_real: torch.Tensor, score_fake: torch.Tensor) -> torch.Tensor:
    """Critic loss of WGAN (Arjovsky et al. 2017, Alg. 1): L_D = E[s_f] - E[s_r].
    Minus this is the critic's estimate of the Wasserstein-1 distance (up to the Lipschitz constant)."""
    return score_fake.mean() - score_real.mean()


def wasserstein_g_loss(score_fake: torch.Tensor) -> torch.Tensor:
    """Generator loss of WGAN, WGAN-GP and the hinge GAN: L_G = -E[s_f]."""
    return -score_fake.mean()


def hinge_d_loss(score_real: torch.Tensor, score_fake: torch.Tensor) -> torch.Tensor:
    """Hinge discriminator loss (Lim & Ye 2017; Miyato et al. 2018):
    L_D = E[relu(1 - s_r)] + E[relu(1 + s_f)]. Zero scores give 2."""
    return F.relu(1.0 - score_real).mean() + F.relu(1.0 + score_fake).mean()


def least_squares_d_loss(score_real: torch.Tensor, score_fake: torch.Tensor) -> torch.Tensor:
    """Least-squares discriminator loss (Mao et al. 2017, eq. 2 with a = 0 for fake, b = 1 for real):
    L_D = 1/2 E[(s_r - 1)^2] + 1/2 E[s_f^2]. Zero scores give 1/2; the raw score is D's whole output."""
    return 0.5 * ((score_real - 1.0) ** 2).mean() + 0.5 * (score_fake**2).mean()


def least_squares_g_loss(score_fake: torch.Tensor) -> torch.Tensor:
    """Least-squares generator loss (Mao et al. 2017, eq. 2 with c = 1): L_G = 1/2 E[(s_f - 1)^2].
    A fake is pulled by its distance from the real target, so one D already rejects still gets a gradient."""
    return 0.5 * ((score_fake - 1.0) ** 2).mean()


def gradient_penalty(critic: Callable[..., torch.Tensor], x_real: torch.Tensor, x_fake: torch.Tensor,
                     labels: torch.Tensor | None = None, generator: torch.Generator | None = None,
                     ) -> torch.Tensor:
    """WGAN-GP penalty (Gulrajani et al. 2017, Alg. 1): E[(||grad_x D(x_hat)||_2 - 1)^2] with
    x_hat = eps * x_real + (1 - eps) * x_fake, eps ~ U[0, 1] per sample. Multiply by lambda (10).

    x_real, x_fake: (B, ...) of the same shape; returns a scalar that is differentiable in D's weights.
    """
    shape = (x_real.shape[0],) + (1,) * (x_real.dim() - 1)
    eps = torch.rand(shape, device=x_real.device, generator=generator, dtype=x_real.dtype)
    x_hat = (eps * x_real + (1.0 - eps) * x_fake.detach()).requires_grad_(True)
    scores = critic(x_hat, labels) if labels is not None else critic(x_hat)
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(2, dim=1) - 1.0) ** 2).mean()


@torch.no_grad()
def clip_weights(module: nn.Module, clip_value: float) -> None:
    """WGAN's weight clipping (Arjovsky et al. 2017, Alg. 1): every parameter into [-c, c]."""
    for p in module.parameters():
        p.clamp_(-clip_value, clip_value)


@dataclass(frozen=True)
class LossSpec:
    """One loss: its two functions, whether its critic is Wasserstein-style, and how D keeps its smoothness."""

    name: str
    d_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    g_loss: Callable[[torch.Tensor], torch.Tensor]
    wasserstein: bool  # E[s_r] - E[s_f] estimates W1 (reported in snapshots)
    probability_scores: bool  # D's output means sigma(s) = P(real): report D(x) as a probability
    gradient_penalty: bool = False
    weight_clipping: bool = False
    paper: str = ""


LOSSES: dict[str, LossSpec] = {
    "js-minimax": LossSpec(
        "js-minimax", js_d_loss, js_minimax_g_loss, wasserstein=False, probability_scores=True,
        paper="Goodfellow et al. 2014, Generative Adversarial Nets (eq. 1, saturating)"),
    "js": LossSpec(
        "js", js_d_loss, js_nonsaturating_g_loss, wasserstein=False, probability_scores=True,
        paper="Goodfellow et al. 2014 (non-saturating); DCGAN settings, Radford et al. 2015"),
    "wgan": LossSpec(
        "wgan", wasserstein_d_loss, wasserstein_g_loss, wasserstein=True, probability_scores=False,
        weight_clipping=True,
        paper="Arjovsky, Chintala & Bottou 2017, Wasserstein GAN (Alg. 1)"),
    "wgan-gp": LossSpec(
        "wgan-gp", wasserstein_d_loss, wasserstein_g_loss, wasserstein=True, probability_scores=False,
        gradient_penalty=True,
        paper="Gulrajani et al. 2017, Improved Training of Wasserstein GANs (Alg. 1)"),
    "hinge": LossSpec(
        "hinge", hinge_d_loss, wasserstein_g_loss, wasserstein=False, probability_scores=False,
        paper="Lim & Ye 2017, Geometric GAN; Miyato et al. 2018, Spectral Normalization"),
    "lsgan": LossSpec(
        "lsgan", least_squares_d_loss, least_squares_g_loss, wasserstein=False, probability_scores=False,
        paper="Mao et al. 2017, Least Squares Generative Adversarial Networks (eq. 2, a=0, b=c=1)"),
}


def get_loss(name: str) -> LossSpec:
    """The LossSpec for a loss id; ValueError listing the ids for anything else."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
