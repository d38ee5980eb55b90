"""The model overview on the Train tab (as GAN Lab has): noise → G → fake samples → D ← real samples → D's loss and
G's loss, drawn as a static SVG whose parts light up for the step slow motion just took, with a one-line caption.

Not an animation: the picture changes only when a D step, a G step or a Step is taken. Colour never carries the
meaning alone: a lit part also says "updates" or "gradient passes" under its name.
"""

from __future__ import annotations

from html import escape

from ...i18n import N_, _

# The diagram's parts: id -> (label, x, y, width). Boxes are 30 px high; arrows join them below.
PARTS: dict[str, tuple[str, int, int, int]] = {
    "noise": (N_("noise z"), 8, 20, 78),
    "g": ("G", 118, 20, 60),
    "fake": (N_("fake samples"), 210, 20, 110),
    "real": (N_("real samples"), 210, 96, 110),
    "d": ("D", 352, 58, 96),
    "d_loss": (N_("D's loss"), 482, 20, 86),
    "g_loss": (N_("G's loss"), 482, 96, 86),
}
ARROWS = [("noise", "g"), ("g", "fake"), ("fake", "d"), ("real", "d"), ("d", "d_loss"), ("d", "g_loss")]
# What each step does to each part: "updates" (its weights change), "passes" (a gradient or the data flows through
# it, nothing of it changes) or "used" (it is computed from).
LIT: dict[str, dict[str, str]] = {
    "d": {"real": "used", "fake": "used", "d": "updates", "d_loss": "used"},
    "g": {"noise": "used", "g": "updates", "fake": "used", "d": "passes", "g_loss": "used"},
}
LIT["both"] = {**LIT["d"], **LIT["g"], "d": "updates"}
CAPTIONS = {
    None: N_("How the two networks connect. Press D step or G step to see which parts each one updates."),
    "d": N_("D step: D scores a batch of real and a batch of fake samples, and only D's weights move to tell them "
            "apart better. G is frozen."),
    "g": N_("G step: G's loss flows back through D, which stays frozen, into G; only G's weights move, so that D "
            "will score its fakes as more real."),
    "both": N_("Step: D's updates (as many as the critic steps) then one G update: the two halves in turn."),
}
# Translators: "updates" and "gradient passes" are written under a part of the model overview (a small box)
STYLE = {"updates": ("#d55e00", "#ffffff", N_("updates")), "passes": ("#fbe3d1", "#1a1a1a", N_("gradient passes")),
         "used": ("#fbe3d1", "#1a1a1a", "")}
BOX_HEIGHT = 30


def _centre(part: str) -> tuple[float, float]:
    _, x, y, w = PARTS[part]
    return x + w / 2, y + BOX_HEIGHT / 2


def _edge(part: str, towards: str) -> tuple[float, float]:
    """Where an arrow from `part` towards `towards` leaves its box: its right or left side, at mid-height."""
    _, x, y, w = PARTS[part]
    right = _centre(towards)[0] > _centre(part)[0]
    return (x + w if right else x), y + BOX_HEIGHT / 2


def _box(part: str, state: str | None) -> str:
    label, x, y, w = PARTS[part]
    fill, ink, note = STYLE[state] if state else ("#f4f4f5", "#1a1a1a", "")
    stroke = "#1a1a1a" if state else "#71717a"
    width = 2.5 if state == "updates" else 1
    text_y = y + (12 if note else 19)
    parts = [f'<rect x="{x}" y="{y}" width="{w}" height="{BOX_HEIGHT}" rx="6" fill="{fill}" stroke="{stroke}" '
             f'stroke-width="{width}"/>',
             f'<text x="{x + w / 2}" y="{text_y}" text-anchor="middle" font-size="12" fill="{ink}" '
             f'font-weight="{600 if state else 400}">{escape(_(label), quote=False)}</text>']
    if note:
        parts.append(f'<text x="{x + w / 2}" y="{y + 25}" text-anchor="middle" font-size="9.5" fill="{ink}">'
                     f'{escape(_(note), quote=False)}</text>')
    return "".join(parts)


def overview_html(step: str | None = None) -> str:
    """The diagram for the last step taken: "d", "g", "both", or None (nothing lit), with its caption below."""
    lit = LIT.get(step or "", {})
    arrows = []
    for a, b in ARROWS:
        (x1, y1), (x2, y2) = _edge(a, b), _edge(b, a)
        on = a in lit and b in lit
        arrows.append(f'<line x1="{x1}" y1="{y1}" x2="{x2 - 4}" y2="{y2}" stroke="{"#1a1a1a" if on else "#a1a1aa"}" '
                      f'stroke-width="{2 if on else 1.2}" marker-end="url(#gp-head)"/>')
    boxes = "".join(_box(part, lit.get(part)) for part in PARTS)
    caption = _(CAPTIONS[step if step in CAPTIONS else None])
    return (f'<figure class="gp-overview" style="margin:0">'
            f'<svg viewBox="0 0 576 136" width="100%" style="max-width:720px" role="img" '
            f'aria-label="{escape(_summary(step), quote=True)}" '
            f'xmlns="http://www.w3.org/2000/svg"><defs><marker id="gp-head" viewBox="0 0 8 8" refX="7" refY="4" '
            f'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#52525b"/></marker>'
            f'</defs>{"".join(arrows)}{boxes}</svg>'
            f'<figcaption style="font-size:0.9em">{escape(caption, quote=False)}</figcaption></figure>')


def _summary(step: str | None) -> str:
    """The diagram in words, for screen readers."""
    base = _("Model overview: noise goes into G, which makes fake samples; D scores fake and real samples; "
             "D's score gives D's loss and G's loss.")
    lit = LIT.get(step or "", {})
    updated = [_(PARTS[p][0]) for p, s in lit.items() if s == "updates"]
    if not updated:
        return base
    return base + " " + _("Lit: the parts this step used; updated: {parts}.").format(parts=", ".join(updated))
