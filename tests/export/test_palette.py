"""The loss colours stay apart for readers with the common colour-vision deficiencies: they are the Okabe-Ito
colours, and after a standard simulation of deuteranopia, protanopia and tritanopia (Machado, Oliveira & Fernandes
2009, severity 1.0, applied to linear RGB) every two of them still differ clearly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ganplayground.export.palette import D_OUTPUT_HUES, LOSS_HUES, OKABE_ITO

MACHADO_2009 = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
MIN_DISTANCE = 12.0  # CIE76 ΔE in CIELAB: ~2.3 is just noticeable, above ~10 two colours read as different at a glance


def _lab(hex_colour: str, matrix: list[list[float]] | None) -> np.ndarray:
    srgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        linear = np.clip(np.array(matrix) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_each_loss_draws_d_in_its_own_okabe_ito_colour() -> None:
    d_colours = [d for d, _g in LOSS_HUES.values()]
    assert set(d_colours) <= set(OKABE_ITO.values())
    assert len(set(d_colours)) == len(d_colours)


@pytest.mark.parametrize("deficiency", [None, *MACHADO_2009])
def test_loss_colours_stay_apart_under_colour_vision_deficiencies(deficiency: str | None) -> None:
    matrix = MACHADO_2009.get(deficiency) if deficiency else None
    colours = {f"D {loss}": d for loss, (d, _g) in LOSS_HUES.items()}
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        distance = float(np.linalg.norm(_lab(ca, matrix) - _lab(cb, matrix)))
        assert distance > MIN_DISTANCE, f"{a} and {b} look alike under {deficiency}: ΔE {distance:.1f}"


@pytest.mark.parametrize("deficiency", [None, *MACHADO_2009])
def test_d_and_g_of_a_loss_and_d_outputs_stay_apart(deficiency: str | None) -> None:
    matrix = MACHADO_2009.get(deficiency) if deficiency else None
    pairs = [*LOSS_HUES.values(), *itertools.combinations(D_OUTPUT_HUES.values(), 2)]
    for a, b in pairs:
        assert float(np.linalg.norm(_lab(a, matrix) - _lab(b, matrix))) > MIN_DISTANCE, (a, b, deficiency)
