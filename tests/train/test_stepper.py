"""A run's whole state moves to another trainer (as ZeroGPU's chunks move it between processes): weights, weight
average, optimiser states and counts arrive intact, and a pending loss switch goes with it."""

from __future__ import annotations

import pickle

import torch

from ganplayground.config import Config
from ganplayground.train.trainer import Trainer


def _moved(trainer: Trainer) -> tuple[dict, Trainer]:
    """The trainer's exported state through pickle (a process boundary) into a new trainer under its config."""
    state = pickle.loads(pickle.dumps(trainer.export_state()))
    other = Trainer(Config.from_dict(state["config"]))
    other.import_state(state)
    return state, other


def test_an_exported_state_continues_in_another_trainer_with_everything_it_had(tiny: Config) -> None:
    trainer = Trainer(tiny.replace(ema=0.99, g_batchnorm=True, spectral_norm=True))
    for _ in range(4):
        trainer.step()
    state, other = _moved(trainer)
    assert all(t.device.type == "cpu" for t in state["generator"].values())
    for a, b in ((trainer.generator, other.generator), (trainer.discriminator, other.discriminator),
                 (trainer.generator_ema, other.generator_ema)):
        torch.testing.assert_close(a.state_dict(), b.state_dict(), rtol=0, atol=0)  # buffers too
    for a, b in ((trainer.opt_d, other.opt_d), (trainer.opt_g, other.opt_g)):
        torch.testing.assert_close(a.state_dict()["state"], b.state_dict()["state"], rtol=0, atol=0)
    assert (other.step_count, other.samples_seen, other.elapsed) == (4, 4 * tiny.batch_size, trainer.elapsed)
    assert other.average.updates == trainer.average.updates == 4  # the average's warm-up goes on, not again
    other.step()
    assert other.step_count == 5


def test_an_exported_state_is_a_copy_that_training_leaves_alone(tiny: Config) -> None:
    trainer = Trainer(tiny)
    state = trainer.export_state()
    before = {k: v.clone() for k, v in state["generator"].items()}
    trainer.step()
    torch.testing.assert_close(state["generator"], before, rtol=0, atol=0)


def test_exporting_adopts_a_pending_loss_switch_so_the_optimiser_states_match_its_config(tiny: Config) -> None:
    trainer = Trainer(tiny)
    trainer.step()
    trainer.switch_loss("wgan")  # pending until the next update...
    state, other = _moved(trainer)  # ...or the export
    assert state["config"]["loss"] == "wgan" == trainer.config.loss
    assert isinstance(trainer.opt_d, torch.optim.RMSprop) and isinstance(other.opt_d, torch.optim.RMSprop)
    assert other.step().wasserstein is not None


def test_a_given_batch_is_the_one_the_stream_would_have_drawn(tiny: Config) -> None:
    drawn, streamed = Trainer(tiny), Trainer(tiny)
    batch = drawn.draw_batch()
    drawn.d_step(batch)
    streamed.d_step()
    torch.testing.assert_close(drawn.discriminator.state_dict(), streamed.discriminator.state_dict(), rtol=0, atol=0)
    assert batch.x_real.shape == (tiny.batch_size, 1, 28, 28) and batch.z.shape == (tiny.batch_size, tiny.latent_dim)
    assert batch.labels is None
