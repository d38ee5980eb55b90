"""The catalogs: every message the code marks is translated in every shipped language, with the same placeholders;
the compiled catalogs and the template are in step with the code; a visitor gets the language they asked for."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.messages.mofile import read_mo

from ganplayground.i18n import _, date, decimal, maintain, number, percent, pick_language, use_language
from ganplayground.i18n.pseudo import pseudo


@pytest.fixture(scope="module")
def template():
    return maintain.extract()


@pytest.mark.parametrize("code", maintain.shipped())
def test_every_marked_message_is_translated_with_its_placeholders(template, code: str) -> None:
    assert len(template) > 20  # the extractor found the code's messages
    assert maintain.problems(code, template) == []


@pytest.mark.parametrize("code", maintain.shipped())
def test_the_compiled_catalog_is_the_po_file(code: str) -> None:
    def plain(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    po = {plain(m.id): plain(m.string) for m in maintain.read(code) if m.id}
    with maintain.po_path(code).with_suffix(".mo").open("rb") as f:
        mo = {plain(m.id): plain(m.string) for m in read_mo(f) if m.id}
    assert mo == {k: v for k, v in po.items() if v and (all(v) if isinstance(v, tuple) else True)}, \
        "run: python -m ganplayground.i18n.maintain compile"


# a button named in plain text: "press Start first"
PRESS = re.compile(r"\bpress(?:es|ing)? (Start duel|Start|Stop|Pause)\b")


@pytest.mark.parametrize("code", maintain.shipped())
def test_a_message_names_a_button_as_the_page_labels_it(code: str) -> None:
    """A sentence that says **Find it in the generator** (or Start) says it with the label's own translation, so a
    lesson never sends a student to a button the page does not show."""
    words = {m.id: m.string for m in maintain.read(code) if isinstance(m.id, str) and m.id}
    wrong = []
    for msgid, text in words.items():
        named = set(re.findall(r"\*\*([^*]+)\*\*", msgid)) | set(PRESS.findall(msgid))
        for name in named - {msgid}:
            label = words.get(name)
            if label and label not in text:
                wrong.append(f"{msgid[:60]!r} names {name!r} but not {label!r}")
    assert wrong == []


def test_the_template_is_in_step_with_the_code(template) -> None:
    with maintain.TEMPLATE.open("rb") as f:
        shipped = {m.id for m in maintain.read_po(f) if m.id}
    assert shipped == {m.id for m in template if m.id}, "run: python -m ganplayground.i18n.maintain update"


def test_a_visitor_gets_the_asked_language_then_the_browsers_then_english() -> None:
    assert pick_language("fr", "de-DE,de;q=0.9") == "fr"
    assert pick_language("xx", "pt-BR,zh-CN;q=0.8,en;q=0.5") == "zh"
    assert pick_language(None, "de-AT;q=0.2,es-MX;q=0.9") == "es"
    assert pick_language(None, "pt-BR,ja") == "en"
    assert pick_language(None, "de;q=0") == "en"


def test_numbers_follow_the_language() -> None:
    day = dt.date(2026, 12, 5)
    seen = {}
    for code in ("en", "de", "fr", "zh"):
        with use_language(code):
            seen[code] = (number(4000), decimal(0.256), percent(0.98), date(day))
    assert seen["en"] == ("4,000", "0.26", "98%", "Dec 5, 2026")
    assert seen["de"] == ("4.000", "0,26", "98\u00a0%", "05.12.2026")
    assert seen["fr"][0].replace("\u202f", " ") == "4 000" and seen["fr"][2].replace("\u00a0", " ") == "98 %"
    assert seen["zh"][3] == "2026年12月5日"


def test_the_pseudo_language_changes_letters_and_keeps_placeholders_markup_and_links() -> None:
    text = pseudo("**Step {step}** of [the docs](https://example.org) <b>now</b>")
    assert "{step}" in text and "(https://example.org)" in text and "<b>" in text and "</b>" in text
    assert "Step" not in text and "now" not in text and text.startswith("⟦") and text.endswith("⟧")


def test_english_is_the_code_itself() -> None:
    with use_language("en"):
        assert _("Language") == "Language"
