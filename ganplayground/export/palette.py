"""The colours of the losses, shared by the lab card's curves and the page's plots: one hue per loss, dark for D
and light for G, and the grey of a loss switch. Plain strings: importing this pulls in nothing else."""

from __future__ import annotations

LOSS_HUES = {
    "js": ("#1f77b4", "#74b3e3"),
    "js-minimax": ("#6a3d9a", "#b39ddb"),
    "wgan": ("#2e7d32", "#81c784"),
    "wgan-gp": ("#e6550d", "#fdae6b"),
    "hinge": ("#c62828", "#ef9a9a"),
    "lsgan": ("#00838f", "#80deea"),
}
OTHER_HUE = ("#555555", "#aaaaaa")
SWITCH_COLOR = "#9e9e9e"


def loss_hues(loss: str) -> tuple[str, str]:
    """(D's colour, G's colour) of a loss id; greys for an unknown one."""
    return LOSS_HUES.get(loss, OTHER_HUE)
