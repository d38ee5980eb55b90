"""Looking at a run changes nothing: drawing samples and D's surface leaves both networks exactly as they were
(no BatchNorm statistics, no step of spectral norm's power iteration), and gives the same picture twice."""

from __future__ import annotations

import numpy as np
import torch

from ganplayground.config import Config
from ganplayground.train.trainer import Trainer


def test_drawing_samples_and_the_surface_leaves_both_networks_as_they_were() -> None:
    trainer = Trainer(Config(dataset="ring", latent_dim=2, width=16, batch_size=32, device="cpu", threads=1,
                             g_batchnorm=True, spectral_norm=True))
    trainer.step()
    before = [{k: v.clone() for k, v in m.state_dict().items()} for m in (trainer.generator, trainer.discriminator)]
    first = trainer.decision_surface()["surface"], trainer.sample_fixed(), trainer.sample(50, seed=3)
    trainer.snapshot()
    second = trainer.decision_surface()["surface"], trainer.sample_fixed(), trainer.sample(50, seed=3)
    for module, state in zip((trainer.generator, trainer.discriminator), before, strict=True):
        torch.testing.assert_close(module.state_dict(), state, rtol=0, atol=0)
        assert module.training  # put back in training mode
    assert np.array_equal(first[0], second[0])
    assert torch.equal(first[1], second[1]) and torch.equal(first[2], second[2])
