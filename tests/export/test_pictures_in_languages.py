"""The pictures speak the page's language: a Chinese lab card draws every glyph (the shipped CJK font covers the zh
catalog), a Spanish one reads Spanish, and a timeline keeps its meter as data so each viewer reads it in their own
language."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text

from ganplayground.config import Config
from ganplayground.export.card_facts import facts_from_trainer
from ganplayground.export.fonts import CJK_FAMILY, CJK_FONT, caption_font, catalog_characters, needs_cjk
from ganplayground.export.labcard import card_figure
from ganplayground.export.recording import Recording
from ganplayground.export.timeline import Frame, frame_strip
from ganplayground.i18n import use_language
from ganplayground.measure.metrics import live_reading
from ganplayground.train.trainer import Trainer


@pytest.fixture
def trained(tiny: Config) -> Trainer:
    trainer = Trainer(tiny.replace(metrics_every=4, metrics_samples=100), measure=live_reading)
    list(trainer.run(max_steps=8, every_steps=2))
    return trainer


def _texts(figure) -> str:  # noqa: ANN001 - a matplotlib Figure
    return "\n".join(t.get_text() for t in figure.findobj(Text))


def test_every_chinese_character_of_the_zh_catalog_is_in_dejavu_or_the_shipped_font() -> None:
    # The CJK characters are the font's job; the page's status marks (⏸ ⏹) are drawn by the browser only.
    dejavu = set(FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False)).get_charmap())
    shipped = set(FT2Font(str(CJK_FONT)).get_charmap())
    lacking = sorted(ch for ch in catalog_characters() if needs_cjk(ch) and ord(ch) not in dejavu | shipped)
    assert not lacking, ("the zh catalog has characters the shipped font lacks: run python -m "
                         f"ganplayground.export.fonts NotoSansCJK-Regular.ttc ({''.join(lacking)})")
    assert CJK_FONT.stat().st_size < 2 * 2**20


def test_a_chinese_lab_card_draws_without_missing_glyphs(trained: Trainer) -> None:
    with use_language("zh"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = card_figure(facts_from_trainer(trained))
        figure.canvas.draw()
    assert "实验卡片" in _texts(figure)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


def test_a_spanish_lab_card_reads_spanish(trained: Trainer) -> None:
    with use_language("es"):
        text = _texts(card_figure(facts_from_trainer(trained)))
    assert "ficha de laboratorio" in text and "Ajustes" in text and "semilla" in text
    assert "Ningún preajuste tiene estas redes" in text  # the recipe's note (this tiny run has no preset)


def test_a_recorded_moment_is_worded_in_the_language_of_whoever_looks(trained: Trainer) -> None:
    recording = Recording("mnist")
    recording.add(trained.snapshot())
    moment = recording.frames()[-1]
    with use_language("de"):
        german = moment.caption()
    with use_language("fr"):
        french = moment.caption()
    assert german.startswith("Schritt 8") and "Messgerät:" in german
    assert french.startswith("étape 8") and "jauge :" in french
    assert moment.caption().startswith("step 8")


def test_captions_are_drawn_with_a_font_that_has_their_letters() -> None:
    assert caption_font(13, "第 8 步").getname()[0] == CJK_FAMILY
    assert caption_font(13, "Messgerät: noch nicht gemessen").getname()[0] == "DejaVu Sans"  # Pillow's lacks ä
    assert caption_font(13, "step 8").getname()[0] not in (CJK_FAMILY, "DejaVu Sans")  # English pictures unchanged
    strip = frame_strip([Frame(np.zeros((20, 20), np.uint8), "第 8 步")])
    assert (strip[28:, :, 0] < 128).any()  # the caption has ink under the picture
