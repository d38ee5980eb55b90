"""The pictures' words: the sample grid's text alternative follows the meter's reading, the loss curves' summary
reads the trend, in the page's language."""

from __future__ import annotations

from ganplayground.config import Config
from ganplayground.i18n import use_language
from ganplayground.train.snapshots import Snapshot
from ganplayground.ui.widgets.alt_text import losses_summary, samples_alt


def _snap(metrics: dict | None) -> Snapshot:
    return Snapshot(step=4000, samples_seen=0, elapsed=1.0, steps_per_sec=1.0, loss="js", stats=None,
                    status="running", metrics=metrics, metrics_step=4000)


def test_the_sample_grid_says_a_collapse_and_its_digit() -> None:
    shares = [0.0, 0.98] + [0.0025] * 8
    text = samples_alt(_snap({"modes": 1, "histogram": shares, "verdict": "collapse", "largest_share": 0.98}),
                       Config())
    assert text == "100 generated digits at step 4,000: collapse, 98% are 1s"
    with use_language("es"):
        assert "paso 4000" in samples_alt(_snap(None), Config()).replace("\u202f", "").replace(".", "")


def test_the_loss_summary_reads_the_last_values_and_the_trend() -> None:
    history = [{"step": s, "loss": "js", "loss_d": 1.5 - s / 4000, "loss_g": 1.41} for s in range(500, 4001, 500)]
    assert losses_summary(history) == "D loss 0.50, G loss 1.41 at step 4,000; D's loss is falling"
    flat = [{**entry, "loss_d": 0.62} for entry in history]
    assert losses_summary(flat).endswith("D's loss is steady")
