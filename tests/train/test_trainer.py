"""The trainer: steps move both networks, seeds reproduce, controls take effect, NaNs are caught."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest
import torch

from ganplayground.config import LOSS_NAMES, Config, ConfigError
from ganplayground.export.recipe import segments
from ganplayground.i18n import use_language
from ganplayground.measure.metrics import live_reading
from ganplayground.train.devices import describe_device, device_words, resolve_device
from ganplayground.train.trainer import Trainer

from ..waiting import wait_for as _wait_for


def _params(module: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten().clone() for p in module.parameters()])


@pytest.mark.parametrize("loss", LOSS_NAMES)
@pytest.mark.parametrize("arch", ["mlp", "dcgan"])
def test_a_few_steps_give_finite_losses_and_move_both_networks(tiny: Config, loss: str, arch: str) -> None:
    config = tiny.replace(arch=arch, width=8 if arch == "dcgan" else 32).with_loss(loss)
    trainer = Trainer(config)
    g0, d0 = _params(trainer.generator), _params(trainer.discriminator)
    for _ in range(3):
        stats = trainer.step()
    assert math.isfinite(stats.loss_d) and math.isfinite(stats.loss_g)
    assert not torch.equal(g0, _params(trainer.generator))
    assert not torch.equal(d0, _params(trainer.discriminator))
    assert (stats.wasserstein is not None) == loss.startswith("wgan")
    assert trainer.samples_seen == 3 * config.batch_size * config.critic_steps


def test_conditional_and_toy_runs_train(tiny: Config) -> None:
    for config in (tiny.replace(conditional=True), Config(dataset="grid", latent_dim=2, width=16, batch_size=32)):
        trainer = Trainer(config)
        stats = trainer.step()
        assert math.isfinite(stats.loss_d)


def test_wgan_keeps_the_critic_weights_clipped(tiny: Config) -> None:
    trainer = Trainer(tiny.with_loss("wgan").replace(lr_d=0.1))
    trainer.step()
    assert all(p.abs().max() <= tiny.clip_value + 1e-9 for p in trainer.discriminator.parameters())


def test_the_learning_rates_follow_the_configured_decay_and_a_switch_restores_them(tiny: Config) -> None:
    trainer = Trainer(tiny.replace(lr_d=1e-3, lr_g=2e-4, lr_decay_start=2, lr_decay_steps=4))

    def rates() -> tuple[float, float]:
        return trainer.opt_d.param_groups[0]["lr"], trainer.opt_g.param_groups[0]["lr"]

    for _ in range(3):
        trainer.step()
    assert rates() == pytest.approx((1e-3, 2e-4))  # the third step ran at step 2: not falling yet
    for _ in range(10):
        trainer.step()
    assert rates() == pytest.approx((1e-4, 2e-5))  # a tenth, after the fall of 4 steps
    trainer.d_step()  # a single update runs at the scheduled rates too
    assert rates() == pytest.approx((1e-4, 2e-5))
    trainer.switch_loss("wgan-gp")
    trainer.step()
    assert rates() == pytest.approx((1e-3, 1e-3))  # WGAN-GP's own rates, no decay


def test_a_run_follows_the_decay_as_the_page_trains(tiny: Config) -> None:
    trainer = Trainer(tiny.replace(lr_d=1e-3, lr_g=2e-4, lr_decay_start=4, lr_decay_steps=4))
    for snapshot in trainer.run(max_steps=6, every_steps=1):
        if snapshot.step == 5:  # the update that made step 5 ran at step 4: not falling yet
            assert trainer.opt_g.param_groups[0]["lr"] == pytest.approx(2e-4)
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(1e-3 * (1 - 0.9 * 1 / 4))  # the 6th, at step 5


def test_a_loss_switch_is_recorded_at_the_step_it_happened(tiny: Config) -> None:
    trainer = Trainer(tiny)
    for _ in range(5):
        trainer.step()
    trainer.snapshot()  # a record at step 5
    for _ in range(3):
        trainer.step()
    trainer.switch_loss("wgan-gp")
    trainer.step()  # the switch takes effect before this step, at step 8
    trainer.step()
    trainer.snapshot()
    assert [(e["step"], e["loss"]) for e in trainer.history] == [(5, "js"), (8, "js"), (10, "wgan-gp")]
    assert segments(trainer.history, 10, "wgan-gp") == [("js", 8), ("wgan-gp", 10)]
    assert trainer.history[-1]["wasserstein"] is not None and trainer.history[1]["wasserstein"] is None


def test_same_seed_gives_the_same_numbers(tiny: Config) -> None:
    runs = []
    for _ in range(2):
        trainer = Trainer(tiny.replace(seed=7))
        runs.append([trainer.step().loss_d for _ in range(5)])
    assert runs[0] == runs[1]
    other = Trainer(tiny.replace(seed=8))
    assert [other.step().loss_d for _ in range(5)] != runs[0]


def test_run_yields_snapshots_with_a_fixed_noise_grid(tiny: Config) -> None:
    trainer = Trainer(tiny)
    snaps = list(trainer.run(max_steps=20, every_steps=10))
    assert snaps[0].step == 0 and snaps[-1].step == 20
    assert snaps[-1].status == "finished"
    last = snaps[-1]
    assert last.grid.shape == (302, 302) and last.grid.dtype == np.uint8
    assert last.stats is not None and math.isfinite(last.stats.loss_g)
    assert last.samples_seen == 20 * tiny.batch_size and last.elapsed > 0
    assert [h["step"] for h in trainer.history] == [10, 20]
    # The grid comes from fixed noise: the same weights give the same grid.
    assert np.array_equal(trainer.snapshot().grid, last.grid)


def test_toy_snapshots_carry_points_and_the_decision_surface() -> None:
    trainer = Trainer(Config(dataset="ring", latent_dim=2, width=16, batch_size=32))
    snap = list(trainer.run(max_steps=3, every_steps=3))[-1]
    assert snap.points.shape == (1000, 2) and snap.grid is None
    assert snap.surface.shape == (64, 64) and snap.extent == pytest.approx(3.0)
    assert ((snap.surface >= 0) & (snap.surface <= 1)).all()  # JS: D is a probability


def _run_in_thread(trainer: Trainer, **kwargs: object) -> tuple[threading.Thread, list]:
    snaps: list = []
    thread = threading.Thread(target=lambda: snaps.extend(trainer.run(**kwargs)), daemon=True)
    thread.start()
    return thread, snaps


def test_pause_resume_and_stop_take_effect_within_a_step(tiny: Config) -> None:
    trainer = Trainer(tiny)
    thread, snaps = _run_in_thread(trainer, every_seconds=0.05)
    _wait_for(lambda: trainer.step_count > 5)
    trainer.pause()
    _wait_for(lambda: trainer.status == "paused")
    frozen = trainer.step_count
    time.sleep(0.2)
    assert trainer.step_count == frozen
    trainer.resume()
    _wait_for(lambda: trainer.step_count > frozen)
    trainer.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert snaps[-1].status == "stopped"
    assert any(s.status == "paused" for s in snaps)


def test_stop_ends_a_paused_run(tiny: Config) -> None:
    trainer = Trainer(tiny)
    thread, _ = _run_in_thread(trainer)
    _wait_for(lambda: trainer.step_count > 0)
    trainer.pause()
    _wait_for(lambda: trainer.status == "paused")
    trainer.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and trainer.status == "stopped"


def test_a_stop_is_seen_until_the_next_run_and_ends_a_wait_for_resume(tiny: Config) -> None:
    trainer = Trainer(tiny)
    trainer.pause()
    resumed: list[bool] = []
    waiter = threading.Thread(target=lambda: resumed.append(trainer.wait_until_resumed()))
    waiter.start()
    time.sleep(0.2)
    assert waiter.is_alive() and trainer.paused  # waits while paused
    trainer.resume()
    waiter.join(5)
    assert resumed == [True] and not trainer.stop_requested
    trainer.pause()
    waiter = threading.Thread(target=lambda: resumed.append(trainer.wait_until_resumed()))
    waiter.start()
    trainer.stop()
    waiter.join(5)
    assert resumed == [True, False] and trainer.stop_requested and trainer.status == "ready"  # no status change
    snaps = list(trainer.run(max_steps=2, every_steps=1))  # a new run starts afresh
    assert snaps[-1].status == "finished" and not trainer.stop_requested


def test_switching_the_loss_mid_run_keeps_networks_and_rebuilds_optimisers(tiny: Config) -> None:
    trainer = Trainer(tiny)
    trainer.step()
    generator = trainer.generator
    weights = _params(generator)
    trainer.switch_loss("wgan")
    assert trainer.config.loss == "wgan"  # visible at once
    stats = trainer.step()
    assert trainer.generator is generator
    assert stats.wasserstein is not None
    assert isinstance(trainer.opt_d, torch.optim.RMSprop)
    assert not torch.equal(weights, _params(generator))
    assert trainer.samples_seen == tiny.batch_size * (1 + 5)


def test_a_loss_switch_restarts_the_weight_average_so_samples_follow_the_new_loss(tiny: Config) -> None:
    trainer = Trainer(tiny.replace(ema=0.999))
    for _ in range(50):
        trainer.step()
    trainer.switch_loss("wgan-gp")
    trainer.step()
    raw, average = _params(trainer.generator), _params(trainer.generator_ema)
    # Restarted, the average takes 1 - 2/11 of the raw weights at its first update; not restarted (decay 0.85
    # after 50 updates, rising to 0.999) it takes 15% and still shows mostly the old loss's generator.
    assert torch.allclose(average, raw, atol=0.05 * raw.abs().max().item())
    trainer.reconfigure(trainer.config.replace(lr_g=1e-4))  # same loss, other settings: the average goes on
    trainer.step()
    assert trainer.average.updates == 2


def test_the_architecture_cannot_change_mid_run(tiny: Config) -> None:
    trainer = Trainer(tiny)
    with pytest.raises(ConfigError, match="cannot change width"):
        trainer.reconfigure(tiny.replace(width=64))


def test_a_nan_loss_stops_the_run_with_a_reason_and_keeps_the_last_good_weights(tiny: Config) -> None:
    trainer = Trainer(tiny)
    snaps = list(trainer.run(max_steps=5, every_steps=5))
    good = _params(trainer.generator)
    with torch.no_grad():  # sabotage D: every score becomes NaN
        trainer.discriminator.head.bias.fill_(float("nan"))
    snaps = list(trainer.run(max_steps=50, every_steps=5))
    assert snaps[-1].status == "diverged"
    assert "NaN or infinite" in snaps[-1].reason and "step 5" in snaps[-1].reason
    weights = trainer.good_weights()
    for state in (weights["generator"], weights["discriminator"]):
        assert all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point())
    assert trainer.restore_last_good() == 5
    assert torch.equal(_params(trainer.generator), good)
    assert math.isfinite(trainer.step().loss_d)


def test_a_diverged_run_can_pause_itself_and_resume_from_good_weights(tiny: Config) -> None:
    trainer = Trainer(tiny)
    list(trainer.run(max_steps=2, every_steps=1))
    with torch.no_grad():
        trainer.discriminator.head.bias.fill_(float("inf"))
    thread, snaps = _run_in_thread(trainer, max_steps=40, every_steps=1, on_divergence="pause")
    _wait_for(lambda: trainer.status == "diverged")
    assert thread.is_alive()  # paused, not ended
    trainer.resume()  # restores the last good weights first
    thread.join(timeout=10)
    assert snaps[-1].status == "finished" and trainer.step_count == 40


def test_step_on_a_diverged_trainer_raises_the_reason(tiny: Config) -> None:
    trainer = Trainer(tiny)
    with torch.no_grad():
        trainer.discriminator.head.bias.fill_(float("nan"))
    with pytest.raises(RuntimeError, match="diverged"):
        trainer.step()
    with pytest.raises(RuntimeError, match="diverged"):
        trainer.step()


def test_device_is_chosen_automatically_and_cuda_without_a_gpu_is_a_clear_error() -> None:
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="no CUDA GPU"):
            resolve_device("cuda")


def test_time_budget_ends_the_run(tiny: Config) -> None:
    trainer = Trainer(tiny)
    snaps = list(trainer.run(max_seconds=0.3, every_seconds=0.1))
    assert snaps[-1].status == "finished" and "time budget" in snaps[-1].reason
    assert 0.3 <= trainer.elapsed < 2.0


def test_auto_precision_and_compilation_stay_off_on_a_cpu(tiny: Config) -> None:
    trainer = Trainer(tiny)
    assert trainer.precision == "fp32" and not trainer.compiled
    assert trainer.device_text() == "CPU (1 thread)"


def test_compiled_steps_give_the_same_numbers_as_eager_ones(tiny: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    # The CUDA path compiles D and G with CUDA graphs; here the plumbing is checked with the eager backend.
    monkeypatch.setenv("GANPLAYGROUND_COMPILE_BACKEND", "eager")
    eager = Trainer(tiny.replace(compile="off"))
    compiled = Trainer(tiny.replace(compile="on"))
    assert compiled.compiled and not eager.compiled
    assert [compiled.step().loss_d for _ in range(3)] == pytest.approx([eager.step().loss_d for _ in range(3)])


def test_a_compiler_failure_falls_back_to_eager_and_says_why(tiny: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_compile(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("no compiler here")

    monkeypatch.setattr(torch, "compile", broken_compile)
    trainer = Trainer(tiny.replace(compile="on"))
    assert not trainer.compiled and "no compiler here" in trainer.compile_note
    assert math.isfinite(trainer.step().loss_d)


def test_bf16_autocast_trains_with_finite_losses(tiny: Config) -> None:
    trainer = Trainer(tiny.replace(arch="dcgan", width=8, precision="bf16"))
    assert trainer.precision == "bf16"
    assert math.isfinite(trainer.step().loss_d)


def _recording_measure(threads: list[int]):
    """The page's measuring function, noting the thread of each reading."""
    def measure(sampler: torch.nn.Module, config: Config) -> dict:
        threads.append(threading.get_ident())
        return live_reading(sampler, config)
    return measure


def test_timed_metrics_run_in_the_training_thread_without_a_pool(tiny: Config) -> None:
    threads: list[int] = []
    trainer = Trainer(tiny.replace(metrics_samples=200), measure=_recording_measure(threads))
    snaps = list(trainer.run(max_steps=60, every_steps=20, metrics_seconds=1e-9))
    assert set(threads) == {threading.get_ident()}
    assert snaps[-1].metrics is not None and snaps[-1].metrics_step > 0
    assert sum(1 for entry in trainer.history if "metrics" in entry) >= 2


def test_timed_metrics_with_a_pool_measure_a_copy_elsewhere_while_training_goes_on(tiny: Config) -> None:
    from concurrent.futures import ThreadPoolExecutor

    threads: list[int] = []
    trainer = Trainer(tiny.replace(metrics_samples=200), measure=_recording_measure(threads))
    with ThreadPoolExecutor(1) as pool:
        snaps = list(trainer.run(max_steps=150, every_steps=25, metrics_seconds=1e-9, metrics_pool=pool))
    assert threads and threading.get_ident() not in threads
    # run() waits for the measurement under way, so the last snapshot carries a result, stamped with
    # the step whose weights were measured, never a later one.
    final = snaps[-1]
    assert final.metrics is not None and 0 < final.metrics_step <= final.step
    assert 0 <= final.metrics["modes"] <= 10 and math.isfinite(final.metrics["fid"])
    steps = [entry["metrics_step"] for entry in trainer.history if "metrics_step" in entry]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)


def test_the_device_a_run_records_in_english_is_shown_in_the_readers_language() -> None:
    assert describe_device(torch.device("cpu")).startswith("CPU (")  # what snapshots and class records keep
    with use_language("es"):
        assert device_words("CPU (1 thread)") == "CPU (1 hilo)" and device_words("CPU (4 threads)") == "CPU (4 hilos)"
    with use_language("de"):
        assert device_words("CPU (2 threads)") == "CPU (2 Threads)"
    assert device_words("CPU (2 threads)") == "CPU (2 threads)"
    assert device_words("GPU (NVIDIA H100)") == "GPU (NVIDIA H100)"  # a name stays as it is
