"""The Duel tab's handlers, a mixin of `Playground` (handlers.py): two runs with the same networks, seed and
fixed noise, only the losses differ; one poll feeds both sides."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ...config import ConfigError
from ...presets import get_preset
from ..widgets import plots
from ..widgets.inputs import error, number
from ..widgets.labels import LOSS_LABELS, key_of
from ..widgets.meter import coverage_settings, histogram_settings, mode_words
from ..widgets.polling import plot_update, poll_state
from ..widgets.status import narrator_line
from .train_tab import MAX_BUDGET_SECONDS

# The Duel tab's outputs for each side, in order; then the timer and the poll's state.
DUEL_SIDE_OUTPUTS = ("samples", "losses", "histogram", "meter", "coverage", "narrator", "status")


class DuelTab:
    """The Duel tab (uses the Train tab's _new_trainer, _picture, _meter and _status)."""

    # --- Duel tab -----------------------------------------------------------------------------------
    def on_duel_start(self, token: Any, preset: Any, loss_left: Any, loss_right: Any, seed: Any,
                      budget: Any) -> tuple[str, str, gr.Timer]:
        """Two runs, same networks, seed and fixed noise; only the losses differ."""
        session = self._session(token)
        try:
            base = get_preset(preset).config
            losses = [key_of(LOSS_LABELS, loss, "loss") for loss in (loss_left, loss_right)]
        except (ConfigError, ValueError) as exc:
            raise error(exc) from None
        seed = number(seed, "seed", 0, 2**31 - 1, integer=True)
        budget = number(budget, "time budget (s)", 5, MAX_BUDGET_SECONDS)
        try:
            configs = [base.with_loss(loss).replace(seed=seed, max_seconds=budget, max_steps=0, device="auto",
                                                    threads=self.threads_per_run, metrics_every=0)
                       if loss != base.loss else
                       base.replace(seed=seed, max_seconds=budget, max_steps=0, device="auto",
                                    threads=self.threads_per_run, metrics_every=0)
                       for loss in losses]
        except ConfigError as exc:
            raise error(exc) from None
        trainers = [self._new_trainer(c) for c in configs]
        for side, trainer in enumerate(trainers):
            self.manager.start(session, trainer, side=side, **self._run_options)
        return self._status(session.duel[0]), self._status(session.duel[1]), gr.Timer(active=True)

    def on_duel_stop(self, token: Any) -> tuple[str, str]:
        session = self._session(token)
        if not session.duel:
            raise gr.Error("No duel yet: press Start duel first.", print_exception=False)
        for run in session.duel:
            run.stop()
        for run in session.duel:
            run.join(timeout=5)
        return self._status(session.duel[0]), self._status(session.duel[1])

    def on_duel_poll(self, token: Any, seen: Any) -> tuple:
        """The Duel tab's timer. Outputs: for each side (left, right) DUEL_SIDE_OUTPUTS (samples, losses,
        histogram, meter, coverage curve, narrator, status), then the timer and the poll's state."""
        session = self._session(token)
        if len(session.duel) < 2:
            return (*([gr.skip()] * 2 * len(DUEL_SIDE_OUTPUTS)), gr.Timer(active=False), seen)
        last_versions, sent = poll_state(seen, 2)
        outputs: list[Any] = []
        versions = []
        for run, last, side_sent in zip(session.duel, last_versions, sent, strict=True):
            picture, losses, hist, meter, coverage, narration = (gr.skip(),) * 6
            snap = run.latest
            if snap is not None and run.version != last:
                config = run.trainer.config
                history = list(run.trainer.history)
                picture = self._picture(snap, config)
                losses = plot_update(plots.loss_curves(history), "losses", side_sent)
                meter, frame = self._meter(snap, config, history)
                hist = plot_update(frame, "histogram", side_sent, **histogram_settings(config))
                coverage = plot_update(plots.coverage_curve(history, mode_words(config)[1]), "coverage", side_sent,
                                 **coverage_settings(config))
                narration = narrator_line(history, snap.status)
            outputs += [picture, losses, hist, meter, coverage, narration, self._status(run)]
            versions.append(run.version)
        live = any(run.state != "ended" for run in session.duel)
        return (*outputs, gr.Timer(active=live), {"versions": versions, "sent": sent})
