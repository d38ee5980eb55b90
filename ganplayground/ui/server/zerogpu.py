"""ZeroGPU on Hugging Face Spaces: train in chunks inside `@spaces.GPU` calls and hand the weights back.

On ZeroGPU, CUDA exists only inside functions decorated with `spaces.GPU`; they run in a forked
process, their arguments and yielded values are pickled, and each call is limited to `duration`
seconds. So a run keeps a CPU mirror of its trainer here, and each chunk rebuilds the trainer on the
GPU from plain tensors, trains for CHUNK_SECONDS while yielding snapshots, and yields its weights and
optimiser states back. Pause, stop and loss switches take effect between chunks. Without the optional
`spaces` package, or off ZeroGPU, none of this is used and the app behaves as usual.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from typing import Any

from ...config import Config
from ...i18n import N_
from ...measure.metrics import live_reading
from ...train.trainer import Trainer
from ...train.wording import Said
from .runs import Run

CHUNK_SECONDS = 20.0  # training per GPU call; short so that Stop answers within a chunk
CALL_OVERHEAD_SECONDS = 40  # process start, CUDA init and the first compiled steps, per call


def enabled() -> bool:
    """True on a ZeroGPU Space with the `spaces` package installed."""
    return bool(os.environ.get("SPACES_ZERO_GPU")) and importlib.util.find_spec("spaces") is not None


def train_chunk(config: dict[str, Any], state: dict[str, Any] | None, seconds: float, snapshot_seconds: float,
                metrics_seconds: float | None = None, device: str = "cuda") -> Iterator[dict[str, Any]]:
    """Runs inside the GPU process: continue a run for `seconds`, yielding {"snapshot", "history"}
    every `snapshot_seconds` and finally {"state"}."""
    trainer = Trainer(Config.from_dict({**config, "device": device}), measure=live_reading)
    if state is not None:
        trainer.import_state(state)
    seen = 0
    for snap in trainer.run(max_seconds=trainer.elapsed + seconds, every_seconds=snapshot_seconds,
                            metrics_seconds=metrics_seconds):
        new, seen = trainer.history[seen:], len(trainer.history)
        yield {"snapshot": snap, "history": new}
        if snap.status == "diverged":
            break
    yield {"state": trainer.export_state(), "status": trainer.status, "reason": trainer.reason}


def gpu_chunk_function() -> Callable[..., Iterator[dict[str, Any]]]:
    """train_chunk wrapped by spaces.GPU (only call on ZeroGPU)."""
    import spaces  # optional dependency, present on ZeroGPU Spaces

    return spaces.GPU(duration=int(CHUNK_SECONDS + CALL_OVERHEAD_SECONDS))(train_chunk)


class ChunkedRun(Run):
    """A Run whose training happens in GPU chunks; `trainer` is the CPU mirror the page reads."""

    def __init__(self, trainer: Trainer, slots: Any, chunk: Callable[..., Iterator[dict[str, Any]]],
                 chunk_seconds: float = CHUNK_SECONDS, device: str = "cuda", **options: Any) -> None:
        super().__init__(trainer, slots, **options)
        self.chunk = chunk
        self.chunk_seconds = chunk_seconds
        self.device = device

    def _main(self) -> None:
        mirror = self.trainer
        if not self.slots.acquire(self, self._cancel.is_set):
            self.state = "ended"
            self._publish(mirror.snapshot())
            return
        try:
            self.state = "running"
            mirror.status = "running"
            budget = mirror.config.max_seconds
            self._publish(mirror.snapshot())
            while not self._cancel.is_set() and not mirror.stop_requested:
                if mirror.paused:
                    mirror.status = "paused"
                    self._publish(mirror.snapshot())
                    mirror.wait_until_resumed()
                    mirror.status = "running"
                    continue
                if budget and mirror.elapsed >= budget:
                    reason = Said(N_("Reached the time budget of {seconds} s."), seconds=float(budget))
                    mirror.status, mirror.reason = "finished", reason
                    break
                seconds = min(self.chunk_seconds, budget - mirror.elapsed) if budget else self.chunk_seconds
                state = mirror.export_state()  # with a loss switch made since the last chunk
                for item in self.chunk(state["config"], state if mirror.step_count else None, seconds,
                                       self.snapshot_seconds, self.metrics_seconds, self.device):
                    if "snapshot" in item:
                        mirror.history.extend(item["history"])
                        self._publish(item["snapshot"])
                    else:
                        mirror.import_state(item["state"])
                        if item["status"] == "diverged":
                            mirror.status, mirror.reason = "diverged", item["reason"]
                            self._publish(mirror.snapshot())
                            return
            if mirror.status == "running":
                mirror.status, mirror.reason = "stopped", N_("Stopped by the user.")
            self._publish(mirror.snapshot())
        except Exception as exc:  # noqa: BLE001 - a failed GPU call must report, not kill the server
            self.fail(N_("Training stopped: the GPU call failed ({error})"),
                      error=f"{type(exc).__name__}: {str(exc)[:200]}")
            mirror.status, mirror.reason = "stopped", self.error
            self._publish(mirror.snapshot())
        finally:
            self.state = "ended"
            self.slots.release(self)
            self.version += 1
