"""The Train tab speaks the page's language: a poll's status, mode meter and curves' legends, and the device line the
page loads, come out in Spanish under use_language("es") (the page sets the language of each event the same way)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
from PIL import Image

from ganplayground.i18n import use_language
from ganplayground.measure.digit_map import GALLERY_SIZE
from ganplayground.presets import get_preset
from ganplayground.train.snapshots import Snapshot
from ganplayground.ui.app import Page
from ganplayground.ui.tabs.digit_panel import GALLERY_LABEL, MODEL_GALLERY_LABEL
from ganplayground.ui.tabs.learn_tab import story_file
from ganplayground.ui.widgets import plots
from ganplayground.ui.widgets.charts import plot_update

COLLAPSE = {"n": 1000, "histogram": [0, 0.97, 0, 0, 0, 0, 0, 0.03, 0, 0], "modes": 2, "largest_share": 0.97,
            "fid": 180.0, "fid_floor": 21.0, "class_fid": 140.0, "class_fid_floor": 65.0, "verdict": "collapse"}


def collapsed_run() -> SimpleNamespace:
    """A run as a poll reads it: running, its latest snapshot a collapse onto 1s at step 4,000."""
    snap = Snapshot(step=4000, samples_seen=4000 * 64, elapsed=42.0, steps_per_sec=95.0, loss="js", stats=None,
                    status="running", metrics=COLLAPSE, metrics_step=4000, device="CPU",
                    grid=np.zeros((302, 302), np.uint8))
    trainer = SimpleNamespace(config=get_preset("collapse").config, history=[], paused=False)
    return SimpleNamespace(state="running", version=3, latest=snap, trainer=trainer, error="",
                           error_text=lambda: "")


def test_a_poll_says_the_status_and_the_meter_in_spanish(page: Page) -> None:
    t = page.train
    with use_language("es"):
        out = t.poll_run(collapsed_run(), None)
    status, meter = out[t.status], out[t.meter]
    assert "Entrenando" in status and "paso 4.000" in status and "muestras vistas" in status
    assert meter.startswith("### Colapso: 2 de 10 dígitos\n")
    assert "solo" in meter and "1 (97" in meter and "7 (3" in meter
    assert "dígito mayor: 1 con 97" in meter and "paso 4.000" in meter
    assert out[t.pause] == "Pausa"
    english = t.poll_run(collapsed_run(), None)  # outside the block: English, as before
    assert "step 4,000" in english[t.status] and english[t.meter].startswith("### Collapse: 2 of 10 digits\n")


def test_the_device_line_is_written_in_the_language_of_the_page_that_loads(page: Page) -> None:
    header = page.header
    with use_language("es"):
        out = header.on_load("", SimpleNamespace(session_hash="lang-es"))
    assert out[header.device].startswith("Entrenando en **")


def test_the_gallery_labels_name_the_gallery_size() -> None:
    assert f"Up to {GALLERY_SIZE} " in GALLERY_LABEL and f"Up to {GALLERY_SIZE} " in MODEL_GALLERY_LABEL


def test_the_curves_name_their_series_in_words_in_spanish() -> None:
    history = [{"step": s, "loss": "js" if s < 50 else "wgan-gp", "loss_d": 1.0, "loss_g": 2.0, "d_real": 0.6,
                "d_fake": 0.4, "wasserstein": 0.3 if s >= 50 else None} for s in range(0, 100, 10)]
    with use_language("es"):
        losses = plot_update(plots.loss_curves(history), "losses", {})
        outputs = plot_update(plots.d_output_curves(history), "d_outputs", {})
    assert losses["colors_in_legend"][-1] == "pérdida cambiada" and losses["x_title"] == "paso"
    assert losses["color_map"]["pérdida cambiada"] == plots.SERIES_COLORS[plots.SWITCH]
    assert "estimación de Wasserstein" in set(outputs["value"]["series"])
    english = plot_update(plots.loss_curves(history), "losses", {})
    assert english["colors_in_legend"][-1] == plots.SWITCH and "color_map" not in english


def test_the_learn_tab_loads_its_runs_over_time_captioned_in_the_page_language(page: Page) -> None:
    header, learn = page.header, page.learn
    assert len(learn.stories) == 2  # the collapse lesson's run and the ring's
    with use_language("de"):
        german = header.on_load("", SimpleNamespace(session_hash="lang-de"))
    english = header.on_load("", SimpleNamespace(session_hash="lang-en"))
    for strip, _words in learn.stories:
        assert german[strip].endswith("-de.png") and english[strip].endswith("-en.png")
        de, en = (np.asarray(Image.open(out[strip])) for out in (german, english))
        assert de.shape[1] == en.shape[1] and not np.array_equal(de, en)  # the same moments, other captions


def test_a_run_over_time_removed_from_the_temporary_folder_is_drawn_again() -> None:
    first = Path(story_file("ring-js"))
    first.unlink()  # a cleaner emptied the temporary folder while the server ran
    again = story_file("ring-js")
    assert again is not None and Path(again).is_file()
