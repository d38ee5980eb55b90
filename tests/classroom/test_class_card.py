"""The class chart and the class card: valid PNGs of a sensible size, whatever the names and the state of the runs."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ganplayground.classroom.class_card import ChartPoint, class_card_png, class_chart_png
from ganplayground.export.palette import loss_hues

NAMES = ["$x$ and $\\frac{1}{2}$", "<b>Bold</b> <script>alert(1)</script>", "Zoë 😀🚀", "plain", "_under_ ^hat^"]


def _image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _class(n: int = 30) -> list[ChartPoint]:
    values = [1, 2, 4, 8, 13, 20]
    return [ChartPoint(values[i % 6], ("js", "wgan-gp")[i // 6 % 2], None if i == n - 1 else (i * 7) % 11,
                       None if i % 4 == 0 else i % 11, i < n - 3) for i in range(n)]


def _thumbnail(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (84, 84), colour).save(buffer, "PNG")
    assert len(buffer.getvalue()) <= 10_000
    return buffer.getvalue()


def test_chart_is_a_png_of_a_sensible_size_for_a_class_of_thirty():
    image = _image(class_chart_png(_class(), "D's learning rate ÷ G's", title=NAMES[0]))
    assert 600 <= image.width <= 2000 and 300 <= image.height <= 1500


@pytest.mark.parametrize("points", [
    [], [ChartPoint(4, "js", None, 3, False)],
    [ChartPoint("js", "js", 2, None, True), ChartPoint("wgan-gp", "wgan-gp", 9, 8, True)],
    [ChartPoint(0, "js", 5, 5, True), ChartPoint(1, "js", 6, 5, True)],
    [ChartPoint(1, "js", 8, 3, True, legible=False), ChartPoint(8, "js", 1, 3, True)],
])
def test_chart_draws_empty_pending_categorical_and_linear_classes(points):
    assert _image(class_chart_png(points, "knob")).width > 0


def test_chart_spreads_equal_points_so_each_student_shows():
    # Thirty identical outcomes must cover more of the picture than one: they are spread, not stacked.
    one = [ChartPoint(8, "js", 1, None, True)]
    many = one * 30

    js = [int(loss_hues("js")[0][i:i + 2], 16) for i in (1, 3, 5)]

    def ink(png: bytes) -> int:  # pixels of the JS colour
        return sum(1 for r, g, b, *_ in _image(png).getdata() if abs(r - js[0]) + abs(g - js[1]) + abs(b - js[2]) < 30)

    assert ink(class_chart_png(many, "ratio")) > ink(class_chart_png(one, "ratio")) * 3


def test_card_holds_chart_and_a_captioned_montage_of_every_run():
    thumbnails = [(NAMES[i % len(NAMES)], _thumbnail((8 * i, 90, 200))) for i in range(30)]
    card = _image(class_card_png(_class(), "D's learning rate ÷ G's", thumbnails, title="Class 3B <i>$5</i>"))
    chart = _image(class_chart_png(_class(), "D's learning rate ÷ G's"))
    assert card.width == chart.width and chart.height + 200 < card.height <= 3000


def test_card_survives_a_thumbnail_that_is_not_an_image():
    card = class_card_png([], "Seed", [("$$", b"not a png"), ("ok", _thumbnail((0, 0, 0)))], title="")
    assert _image(card).height > 0


def test_names_with_dollars_are_printed_not_parsed_as_maths():
    # With mathtext on, an unbalanced or malformed "$" expression raises while drawing; printed literally it cannot.
    bad = "$\\frac{$ <b>"
    assert _image(class_card_png(_class(6), "Seed", [(bad, _thumbnail((1, 2, 3)))], title=bad)).width > 0
