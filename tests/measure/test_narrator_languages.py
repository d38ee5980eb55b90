"""The engine speaks the reader's language: the narrator's sentence, an error a student sees, and a reason written
by the training thread in English but shown later to a Spanish or Chinese page."""

from __future__ import annotations

import pickle

import pytest

from ganplayground.i18n import use_language
from ganplayground.measure.narrator import narrate
from ganplayground.train.drawings import DrawingError, decode_drawing
from ganplayground.train.wording import DIVERGED, Said, in_words

SPARRING = [{"step": 4000, "loss": "js", "d_real": 0.8, "d_fake": 0.3}]


@pytest.mark.parametrize(("code", "words"), [("es", "D da a las muestras reales 0,80"),
                                             ("zh", "D 平均给真实样本 0.80 分")])
def test_the_narrator_speaks_the_pages_language_with_its_numbers(code: str, words: str) -> None:
    with use_language(code):
        assert words in narrate(SPARRING).text
    assert "D gives real samples 0.80" in narrate(SPARRING).text  # English outside the block


@pytest.mark.parametrize(("code", "words"), [("es", "vuelve a copiar el enlace"), ("zh", "请重新复制完整的链接")])
def test_a_drawing_error_reaches_the_page_in_its_language(code: str, words: str) -> None:
    with use_language(code), pytest.raises(DrawingError, match=words):
        decode_drawing("!!!!")


def test_a_reason_written_in_the_training_thread_is_shown_in_the_readers_language() -> None:
    reason = pickle.loads(pickle.dumps(Said(DIVERGED["generator"], step=4000, good=3500)))  # as a worker sends it
    assert reason.startswith("Training diverged: the generator loss") and "step 4,000" in reason
    with use_language("es"):
        assert "cerca del paso 4.000" in in_words(reason)
    with use_language("zh"):
        assert "第 4,000 步附近" in in_words(reason)
    assert in_words("Stopped.") == "Stopped."  # plain text is shown as it is
