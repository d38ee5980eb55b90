"""A lab card: one PNG a student can hand in. What the run was (settings, seed, the command that trains it
again), what it did (the final fixed-noise samples, loss curves, the mode meter, its history and digit map) and where
(device, date, training time).

Not a UI and not a trainer: it draws the facts card_facts.py gathers (from a Trainer or a saved model folder)
with matplotlib's Agg canvas (no pyplot, no global backend, no window).
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..config import TOY_DATASETS
from ..measure.metrics import MODE_THRESHOLD, legibility_reference
from ..train.toys import toy_for
from .card_facts import CardFacts, facts_from_model
from .checkpoints import load_model
from .digit_map_picture import digit_map_picture
from .palette import SWITCH_COLOR, loss_hues
from .recipe import reproduce, segments
from .timeline import meter_words

CARD_INCHES, CARD_DPI = (14.0, 10.0), 100
CARD_SIZE = (1000, 1400)  # (height, width) in pixels of every card
def _switch_lines(ax: Any, history: list[dict[str, Any]]) -> None:
    for _, end in segments(history, 0, "")[:-1]:
        ax.axvline(end, color=SWITCH_COLOR, linestyle="--", linewidth=1)


def _curves(ax: Any, history: list[dict[str, Any]], keys: list[tuple[str, str, int]], title: str) -> None:
    """Plot history keys (key, label, hue index) as lines coloured by the loss in force, broken at switches."""
    ax.set_title(title, fontsize=11, loc="left")
    if not history:
        ax.text(0.5, 0.5, "no records yet", ha="center", va="center", transform=ax.transAxes, color="#777")
        return
    labelled: set[str] = set()
    start = 0
    for loss, end in segments(history, int(history[-1]["step"]), history[-1].get("loss", "")):
        stretch = [e for e in history[start:] if int(e["step"]) <= end]
        start += len(stretch)
        for key, label, hue in keys:
            points = [(e["step"], e[key]) for e in stretch if e.get(key) is not None]
            if not points:
                continue
            name = f"{label} · {loss}"
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, color=loss_hues(loss)[hue], linewidth=1.3, label=None if name in labelled else name)
            labelled.add(name)
    _switch_lines(ax, history)
    ax.set_xlabel("step", fontsize=9)
    ax.grid(alpha=0.3)
    if labelled:
        ax.legend(fontsize=8, loc="best", frameon=False)


def _coverage(ax: Any, facts: CardFacts, word: str, total: int) -> None:
    ax.set_title(f"{word.capitalize()}s covered over time", fontsize=11, loc="left")
    points = [(int(e.get("metrics_step", e["step"])), e.get("loss", ""), e["metrics"]["modes"])
              for e in facts.history if e.get("metrics") and "modes" in e["metrics"]]
    if facts.metrics and "modes" in facts.metrics and (not points or facts.metrics_step > points[-1][0]):
        points.append((facts.metrics_step, facts.config.loss, facts.metrics["modes"]))
    ax.set_ylim(0, total + 0.5)
    ax.set_xlabel("step", fontsize=9)
    ax.set_ylabel(f"{word}s covered", fontsize=9)
    ax.grid(alpha=0.3)
    if len(points) < 2:
        ax.text(0.5, 0.5, "fewer than two meter readings", ha="center", va="center", transform=ax.transAxes,
                color="#777")
        if points:
            ax.plot([points[0][0]], [points[0][2]], "o", color=loss_hues(points[0][1])[0])
        return
    labelled: set[str] = set()
    for i in range(1, len(points)):
        (x0, _, y0), (x1, loss, y1) = points[i - 1], points[i]
        ax.plot([x0, x1], [y0, y1], color=loss_hues(loss)[0], linewidth=1.8, label=None if loss in labelled else loss)
        labelled.add(loss)
    _switch_lines(ax, facts.history)
    ax.legend(fontsize=8, loc="lower right", frameon=False)


def _meter(ax_text: Any, ax_bars: Any, facts: CardFacts, word: str, total: int) -> None:
    m = facts.metrics
    ax_text.axis("off")
    if not m or "modes" not in m:
        ax_text.text(0, 0.9, "Mode meter: no reading", fontsize=14, weight="bold", va="top")
        ax_text.text(0, 0.45, "The meter reads 1,000 samples every few seconds;\nthis run ended before its first "
                     "reading.", fontsize=9, va="top")
        ax_bars.axis("off")
        return
    heading = meter_words(m)
    if m.get("verdict") == "illegible":
        heading = "Not digits yet"
    elif m.get("verdict") == "collapse":
        heading = f"Collapse: {m['modes']} of 10 digits"
    figures = []
    if m.get("class_fid") is not None:
        label, floor = legibility_reference(m) or ("real digits", 65.0)
        figures.append(f"legibility {m['class_fid']:,.0f} (lower is better; {label} ~{floor:.0f};\n"
                       "    above 1,000 the meter calls them not digits)")
    if "fid" in m:
        figures.append(f"FID {m['fid']:.0f}" + (f" (real digits {m['fid_floor']:.0f})" if "fid_floor" in m else ""))
    if "high_quality" in m:
        figures.append(f"{m['high_quality']:.0%} of points within 3σ of a {word}")
    figures.append(f"read at step {facts.metrics_step:,}")
    ax_text.text(0, 0.95, f"Mode meter: {heading}", fontsize=14, weight="bold", va="top")
    ax_text.text(0, 0.5, "\n".join(figures), fontsize=9, va="top", linespacing=1.4)
    shares = list(m.get("histogram") or [0.0] * total)
    colors = ["#1f77b4" if s >= MODE_THRESHOLD else "#c7c7c7" for s in shares]
    ax_bars.bar(range(len(shares)), shares, color=colors)
    if word == "digit":
        ax_bars.axhline(MODE_THRESHOLD, color="#d62728", linewidth=0.8, linestyle=":")
    ax_bars.set_xticks(range(len(shares)))
    ax_bars.set_ylim(0, max(1.0, max(shares, default=0) * 1.05) if word != "digit" else 1.0)
    ax_bars.set_xlabel(word, fontsize=9)
    ax_bars.set_ylabel("share of samples", fontsize=9)
    ax_bars.tick_params(labelsize=8)


def _coverage_and_map(fig: Figure, grid: Any, facts: CardFacts, word: str, total: int) -> None:
    """The coverage curve in the right column; for digits whose last reading has a digit map, the map under it."""
    if not (facts.metrics and facts.metrics.get("map")):
        _coverage(fig.add_subplot(grid[0:2, 2]), facts, word, total)
        return
    _coverage(fig.add_subplot(grid[0, 2]), facts, word, total)
    ax_map = fig.add_subplot(grid[1, 2])
    ax_map.imshow(digit_map_picture(facts.metrics, size=200), interpolation="antialiased")  # small: bigger dots
    ax_map.set_axis_off()
    ax_map.set_title("Digit map (dots: samples)", fontsize=11, loc="left")


def _settings_text(facts: CardFacts) -> str:
    c = facts.start_config
    lines = [f"dataset {c.dataset} · {c.arch} width {c.width} · latent {c.latent_dim}"
             + (" · conditional" if c.conditional else ""),
             f"BatchNorm in G {'on' if c.g_batchnorm else 'off'} · spectral norm in D "
             f"{'on' if c.spectral_norm else 'off'}",
             f"weight average of G (EMA) {c.ema:g}" if c.ema else "no weight average of G (EMA 0)",
             f"loss {c.loss} · {c.optimizer} lr D {c.lr_d:g} / G {c.lr_g:g} · betas ({c.beta1:g}, {c.beta2:g})"
             + (f" · {c.lr_decay_text()}" if c.lr_decay_start else ""),
             f"batch {c.batch_size} · {c.critic_steps} critic step(s) per G step"
             + (f" · gradient penalty {c.gp_weight:g}" if c.loss == "wgan-gp" else "")
             + (f" · clip {c.clip_value:g}" if c.loss == "wgan" else ""),
             f"seed {c.seed}" + (f" · started from preset {facts.preset}" if facts.preset else "")]
    for loss, end in segments(facts.history, facts.step, facts.config.loss)[:-1]:
        lines.append(f"after step {end:,}: loss switched from {loss}")
    if len(segments(facts.history, facts.step, facts.config.loss)) > 1:
        e = facts.config
        lines.append(f"at the end: loss {e.loss} · {e.optimizer} lr D {e.lr_d:g} / G {e.lr_g:g} · betas "
                     f"({e.beta1:g}, {e.beta2:g}) · {e.critic_steps} critic step(s)")
    return "\n".join(lines)


def _losses_in_order(facts: CardFacts) -> str:
    return " → ".join(loss for loss, _ in segments(facts.history, facts.step, facts.config.loss))


def render_card(facts: CardFacts) -> np.ndarray:
    """The card as an RGB uint8 image of CARD_SIZE (height, width)."""
    toy = toy_for(facts.config.dataset, facts.config.drawing) if facts.config.dataset in TOY_DATASETS else None
    word, total = (toy.word, toy.num_parts) if toy is not None else ("digit", 10)
    fig = Figure(figsize=CARD_INCHES, dpi=CARD_DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    c = facts.config
    fig.text(0.02, 0.975, "GAN Playground · lab card", fontsize=20, weight="bold", va="top")
    summary = (f"{c.dataset} · {c.arch} · loss {_losses_in_order(facts)} · {facts.step:,} steps · "
               f"{facts.samples_seen:,} samples seen · {facts.elapsed:,.0f} s of training · {facts.device} · "
               f"{facts.date}" + (f" · {facts.status}" if facts.status else ""))
    fig.text(0.02, 0.935, summary, fontsize=10.5, va="top", color="#333")
    grid = fig.add_gridspec(3, 3, left=0.04, right=0.98, top=0.89, bottom=0.24, hspace=0.55, wspace=0.22,
                            height_ratios=[0.32, 0.68, 0.9])

    ax_img = fig.add_subplot(grid[0:2, 0])
    ax_img.imshow(facts.picture, cmap="gray" if facts.picture.ndim == 2 else None, vmin=0, vmax=255,
                  interpolation="nearest")
    ax_img.set_axis_off()
    what = "Samples from the fixed noise" if word == "digit" else "Generated (red) and real (black) points"
    ax_img.set_title(f"{what} at step {facts.step:,}", fontsize=11, loc="left")

    _meter(fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1]), facts, word, total)
    _coverage_and_map(fig, grid, facts, word, total)
    _curves(fig.add_subplot(grid[2, 0]), facts.history, [("loss_d", "D", 0), ("loss_g", "G", 1)], "Losses of D and G")
    _curves(fig.add_subplot(grid[2, 1]), facts.history, [("d_real", "D(real)", 0), ("d_fake", "D(fake)", 1)],
            "D(real) and D(fake)")
    ax_settings = fig.add_subplot(grid[2, 2])
    ax_settings.axis("off")
    ax_settings.set_title("Settings", fontsize=11, loc="left")
    ax_settings.text(0, 1, _settings_text(facts), fontsize=8.5, va="top", linespacing=1.5, wrap=True)

    commands, notes = reproduce(facts.start_config, facts.history, facts.step, facts.preset, facts.config.loss)
    if facts.note:
        notes.append(facts.note)
    fig.text(0.02, 0.17, "Train it again (same seed, same steps):", fontsize=11, weight="bold", va="top")
    block = "\n".join(textwrap.fill(cmd, 150, subsequent_indent="    ") for cmd in commands) or "-"
    fig.text(0.02, 0.145, block, fontsize=9.5, family="monospace", va="top",
             bbox={"facecolor": "#f3f3f3", "edgecolor": "#cccccc", "boxstyle": "round,pad=0.4"})
    fig.text(0.02, 0.06, "\n".join(textwrap.fill(n, 190) for n in notes), fontsize=8.5, va="top", color="#555")
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())[..., :3].copy()  # (H, W, 3)
    return image


def card_png(facts: CardFacts) -> bytes:
    """The card encoded as PNG bytes."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(render_card(facts)).save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def save_card(facts: CardFacts, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(card_png(facts))
    return path


def card_for_model(folder: str | Path, out: str | Path, measure: bool = True) -> Path:
    """Load a model folder and write its card to `out` (PNG)."""
    return save_card(facts_from_model(load_model(folder), measure=measure), out)
