"""The colours of the losses, shared by the lab card's curves and the page's plots: one Okabe-Ito hue per loss for D
(Okabe & Ito 2008, "Color Universal Design": told apart under the common colour-vision deficiencies), a light tint of
it for G, and the grey of a loss switch; D's outputs and the wall's verdicts in the same palette. Plain strings:
importing this pulls in nothing else. Colour never carries meaning alone: legends, badges and markers say it too."""

from __future__ import annotations

OKABE_ITO = {"black": "#000000", "orange": "#e69f00", "sky blue": "#56b4e9", "bluish green": "#009e73",
             "yellow": "#f0e442", "blue": "#0072b2", "vermillion": "#d55e00", "reddish purple": "#cc79a7"}
LOSS_HUES = {  # (D, G): G is D mixed halfway with white
    "js": (OKABE_ITO["blue"], "#80b8d8"),
    "js-minimax": (OKABE_ITO["reddish purple"], "#e6bcd3"),
    "wgan": (OKABE_ITO["bluish green"], "#80ceb9"),
    "wgan-gp": (OKABE_ITO["orange"], "#f2cf80"),
    "hinge": (OKABE_ITO["vermillion"], "#eaae80"),
    "lsgan": (OKABE_ITO["sky blue"], "#aadaf4"),
}
OTHER_HUE = ("#555555", "#aaaaaa")
SWITCH_COLOR = "#9e9e9e"
D_OUTPUT_HUES = {"D(real)": OKABE_ITO["blue"], "D(fake)": OKABE_ITO["vermillion"],
                 "Wasserstein estimate": OKABE_ITO["reddish purple"]}
# The class wall's verdict badges (black text on them: at least 5:1 contrast); their words say the verdict too.
VERDICT_HUES = {"collapse": OKABE_ITO["vermillion"], "healthy": OKABE_ITO["bluish green"], "illegible": "#b0b0b0",
                "none": "#dddddd"}


def loss_hues(loss: str) -> tuple[str, str]:
    """(D's colour, G's colour) of a loss id; greys for an unknown one."""
    return LOSS_HUES.get(loss, OTHER_HUE)
