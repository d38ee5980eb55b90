"""Class links read and written without the page: good values, every kind of bad value (each a note, never an
exception), the round trip, and the page address behind a proxy."""

from __future__ import annotations

import pytest

from ganplayground.classroom.links import (
    MAX_PARAMS,
    MAX_SEED,
    SetUp,
    address_from_headers,
    parse_query,
    share_url,
    shared_setup,
    to_query,
    with_language,
)
from ganplayground.config import LOSS_NAMES
from ganplayground.i18n import use_language
from ganplayground.presets import PRESETS

LESSONS = 5


def read(query):
    return parse_query(query, lessons=LESSONS)


def test_a_full_link_is_read_into_its_set_up_without_notes() -> None:
    link = read("preset=collapse&loss=wgan-gp&seed=7&tab=duel&autostart=1&simple=1")
    assert link.setup == SetUp(preset="collapse", loss="wgan-gp", seed=7, tab="duel", autostart=True, simple=True)
    assert link.notes == ()


def test_a_page_without_a_query_gets_the_empty_set_up() -> None:
    assert read("") == read("?") == read({}) == read([])
    assert read("").setup == SetUp() and read("").notes == ()


@pytest.mark.parametrize("query", ["preset=collapse", "?preset=collapse", {"preset": "collapse"},
                                   [("preset", "collapse")], "preset=Collapse", "preset=%20collapse%20"])
def test_a_query_is_read_from_text_a_mapping_or_pairs_and_names_forgive_case_and_spaces(query) -> None:
    assert read(query).setup.preset == "collapse" and read(query).notes == ()


def test_every_preset_loss_and_tab_is_accepted() -> None:
    assert [read(f"preset={p}").setup.preset for p in PRESETS] == list(PRESETS)
    assert [read(f"loss={loss}").setup.loss for loss in LOSS_NAMES] == list(LOSS_NAMES)
    assert read("loss=WGAN_GP").setup.loss == "wgan-gp"
    for tab in ("train", "duel", "explore", "learn"):
        assert read(f"tab={tab}").setup.tab == tab


@pytest.mark.parametrize(("value", "on"), [("1", True), ("true", True), ("yes", True), ("on", True), ("", True),
                                           ("0", False), ("false", False), ("No", False), ("off", False)])
def test_switches_take_the_usual_words_and_stand_alone_for_on(value: str, on: bool) -> None:
    query = "simple" if value == "" else f"simple={value}"
    assert read(query).setup.simple is on and read(query).notes == ()


def test_seeds_cover_the_configs_range() -> None:
    assert read("seed=0").setup.seed == 0
    assert read(f"seed={MAX_SEED}").setup.seed == MAX_SEED


BAD = [
    # (query, the words its note must contain)
    ("foo=1", "ignored: foo=1 (unknown parameter"),
    ("foo", "ignored: foo (unknown parameter"),
    ("=3", "ignored: =3 (unknown parameter"),
    ("preset=nope", "ignored: preset=nope (unknown preset; the presets are default, collapse"),
    ("preset=", "unknown preset"),
    ("preset=../../etc/passwd", "unknown preset"),
    ("loss=fisher", "ignored: loss=fisher (unknown loss"),
    ("seed=-1", "ignored: seed=-1 (the seed is a whole number from 0 to 2147483647)"),
    ("seed=abc", "the seed is a whole number"),
    ("seed=1.5", "the seed is a whole number"),
    ("seed=1e3", "the seed is a whole number"),
    ("seed=", "the seed is a whole number"),
    (f"seed={MAX_SEED + 1}", "the seed is a whole number"),
    ("seed=99999999999999999999999999", "the seed is a whole number"),
    ("seed=%C2%B2", "the seed is a whole number"),  # a superscript two: a digit to str.isdigit, not a number
    ("tab=settings", "ignored: tab=settings (unknown tab; the tabs are train, duel, explore, learn)"),
    ("lesson=0", "ignored: lesson=0 (the lessons are numbered 1 to 5)"),
    ("lesson=6", "the lessons are numbered 1 to 5"),
    ("lesson=two", "the lessons are numbered"),
    ("simple=maybe", "ignored: simple=maybe (use 1 for on or 0 for off)"),
    ("autostart=2", "use 1 for on or 0 for off"),
    ("preset=default&preset=collapse", "ignored: preset=collapse (preset was given twice; the first one counts)"),
    ("tab=train&lesson=3", "ignored: lesson=3 (lessons are on the learn tab, and the link asks for tab=train)"),
    ("tab=explore&autostart=1", "ignored: autostart=1 (nothing trains on the explore tab"),
    ("lesson=2&autostart=1", "ignored: autostart=1 (nothing trains on the learn tab"),
    ("class=**ab**", "ignored: class=**ab** (a class code is 6 letters and digits, like K7QM2X)"),
    ("class=K7QM2", "a class code is 6 letters and digits"),
    ("preset=%ZZ", "unknown preset"),  # a broken percent escape is kept as text
    ("preset=%ff%fe", "unknown preset"),  # not UTF-8
]


@pytest.mark.parametrize(("query", "words"), BAD, ids=[q for q, _ in BAD])
def test_each_bad_parameter_is_ignored_with_a_note_and_the_rest_still_counts(query: str, words: str) -> None:
    link = read(query + "&tab=duel" if "tab=" not in query and "lesson" not in query else query)
    assert any(words in note for note in link.notes), link.notes
    assert all(note.startswith("ignored: ") for note in link.notes)
    if "tab=" not in query and "lesson" not in query:
        assert link.setup.tab == "duel"  # the good parameter beside it was applied


def test_a_bad_value_leaves_that_field_as_the_page_has_it() -> None:
    link = read("preset=nope&seed=-1&loss=x&tab=y&lesson=9&simple=z&autostart=w")
    assert link.setup == SetUp() and len(link.notes) == 7


def test_a_notes_quote_is_printable_and_short() -> None:
    link = read("preset=" + "x" * 5000 + "&tab=%0Aduel%00")
    quoted = [note.split(" (")[0] for note in link.notes]
    assert all(len(q) <= len("ignored: ") + 40 for q in quoted), quoted
    assert all(ch.isprintable() for note in link.notes for ch in note)


def test_gradio_and_space_parameters_pass_silently() -> None:
    link = read("__theme=dark&view=api&__sign=eyJ0&preset=collapse")
    assert link.setup == SetUp(preset="collapse") and link.notes == ()


def test_a_link_reads_at_most_max_params_and_counts_the_rest() -> None:
    query = "&".join(f"p{i}=1" for i in range(MAX_PARAMS + 30)) + "&preset=collapse"
    link = read(query)
    assert link.setup.preset is None  # past the limit: not read
    assert len(link.notes) == MAX_PARAMS + 1 and "31 more parameters" in link.notes[-1]


def test_a_lesson_opens_the_learn_tab() -> None:
    assert read("lesson=3").setup == SetUp(tab="learn", lesson=3)
    assert read("lesson=3&tab=learn").setup == SetUp(tab="learn", lesson=3)


SETUPS = [SetUp(), SetUp(preset="collapse", loss="js", seed=0, tab="duel"),
          SetUp(preset="ring-js", loss="wgan-gp", seed=MAX_SEED, tab="train", autostart=True, simple=True),
          SetUp(tab="learn", lesson=5, simple=True), SetUp(seed=42), SetUp(loss="hinge", tab="explore")]


@pytest.mark.parametrize("setup", SETUPS)
def test_a_set_up_written_as_a_query_reads_back_the_same(setup: SetUp) -> None:
    link = read(to_query(setup))
    assert link.setup == setup and link.notes == ()


def test_a_query_lists_only_what_is_set_in_a_fixed_order() -> None:
    assert to_query(SetUp(simple=True, preset="collapse", seed=3)) == "preset=collapse&seed=3&simple=1"
    assert to_query(SetUp(simple=False, autostart=False)) == ""


def test_the_share_link_keeps_the_page_address_and_drops_its_old_query() -> None:
    setup = SetUp(preset="collapse", loss="js", seed=0, tab="duel", simple=True)
    url = share_url("https://teacher-gan.hf.space/?__sign=abc&preset=default#top", setup)
    assert url == "https://teacher-gan.hf.space/?preset=collapse&loss=js&seed=0&tab=duel&simple=1"
    assert share_url("http://127.0.0.1:7860", setup).startswith("http://127.0.0.1:7860/?preset=collapse")
    assert share_url("https://example.org/apps/gan/", SetUp(seed=1)) == "https://example.org/apps/gan/?seed=1"
    round_trip = read(url.split("?", 1)[1])
    assert round_trip.setup == setup


@pytest.mark.parametrize("address", ["", "ftp://x/", "javascript:alert(1)", "/relative", "http://", 42])
def test_the_share_link_refuses_what_is_not_a_web_address(address) -> None:
    with pytest.raises(ValueError, match="not a page address"):
        share_url(address, SetUp())


def test_the_page_address_comes_from_the_referer_else_the_proxy_else_the_host() -> None:
    assert address_from_headers({"Referer": "https://x.hf.space/app/?preset=collapse", "host": "10.0.0.1"}) == \
        "https://x.hf.space/app/"
    assert address_from_headers({"x-forwarded-proto": "https, http", "x-forwarded-host": "x.hf.space",
                                 "host": "10.0.0.1:7860"}) == "https://x.hf.space/"
    assert address_from_headers({"host": "127.0.0.1:7860"}) == "http://127.0.0.1:7860/"
    assert address_from_headers({"referer": "about:blank", "host": "h"}) == "http://h/"
    assert address_from_headers({}) == "http://localhost/"


def test_a_shared_set_up_is_the_links_preset_loss_and_seed_or_the_preset_alone() -> None:
    assert shared_setup("default", "https://x.hf.space/?preset=wgan-gp&loss=wgan-gp&seed=4&tab=duel") == {
        "preset": "wgan-gp", "loss": "wgan-gp", "seed": 4}
    assert shared_setup("collapse") == {"preset": "collapse"}
    for preset, link in (("collapse", "https://x/?tab=duel"), ("no-such-preset", "")):
        with pytest.raises(ValueError, match="preset"):
            shared_setup(preset, link)


def test_a_drawing_travels_in_a_link_and_opens_the_drawn_preset() -> None:
    from ganplayground.train.drawings import HEART

    link = read(f"draw={HEART}&autostart=1")
    assert link.notes == () and link.setup.draw == HEART and link.setup.preset == "draw"
    assert PRESETS[link.setup.preset].config.dataset == "drawn"
    assert read(to_query(link.setup)).setup == link.setup
    assert f"draw={HEART}" in share_url("http://host/", SetUp(preset="draw", draw=HEART))
    assert shared_setup("", f"http://host/?{to_query(link.setup)}")["draw"] == HEART


@pytest.mark.parametrize(("value", "words"), [
    ("!!", "damaged"), ("AAAA", "damaged"), ("", "no drawing"), ("A" * 2049, "at most 2,048 characters"),
])
def test_a_malformed_or_over_long_drawing_in_a_link_is_a_note(value: str, words: str) -> None:
    link = read(f"preset=ring-js&draw={value}")
    assert link.setup.draw is None and link.setup.preset == "ring-js"
    assert len(link.notes) == 1 and link.notes[0].startswith("ignored: draw") and words in link.notes[0]


def test_a_drawing_with_a_digits_preset_is_ignored_with_a_note() -> None:
    from ganplayground.train.drawings import HEART

    link = read(f"preset=collapse&draw={HEART}")
    assert link.setup.draw is None and link.setup.preset == "collapse" and "preset=draw" in link.notes[0]


def test_a_links_language_is_read_and_written_back_without_a_note() -> None:
    link = read("preset=collapse&lang=ES-mx")
    assert link.setup.lang == "es" and link.notes == ()
    assert to_query(link.setup) == "preset=collapse&lang=es"


def test_a_language_the_page_does_not_speak_is_a_plain_note() -> None:
    link = read("preset=collapse&lang=xx")
    assert link.setup == SetUp(preset="collapse")
    assert link.notes == ("ignored: lang=xx (unknown language; the languages are en, es, fr, de, zh)",)


def test_a_link_gains_the_language_unless_it_is_english() -> None:
    assert with_language("https://x.hf.space/?class=K7QM2X", "de") == "https://x.hf.space/?class=K7QM2X&lang=de"
    assert with_language("http://h/?class=K7QM2X&lang=fr#key=abc", "zh") == "http://h/?class=K7QM2X&lang=zh#key=abc"
    assert with_language("http://h/?class=K7QM2X", "en") == "http://h/?class=K7QM2X"


def test_a_links_notes_come_out_in_the_current_language() -> None:
    with use_language("es"):
        notes = read("seed=-1").notes
    assert notes and "ignored" not in notes[0] and "seed=-1" in notes[0]


def test_projector_is_an_on_off_switch_that_survives_a_round_trip() -> None:
    setup = parse_query("preset=collapse&projector=1", lessons=5).setup
    assert setup.projector and not setup.simple
    assert to_query(setup) == "preset=collapse&projector=1"
    assert parse_query(to_query(setup), lessons=5).setup == setup
    link = parse_query("projector=maybe", lessons=5)
    assert not link.setup.projector and link.notes == ("ignored: projector=maybe (use 1 for on or 0 for off)",)
