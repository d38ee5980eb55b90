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
from ..i18n import N_, _, number, percent
from ..measure.metrics import MODE_THRESHOLD, legibility_reference
from ..train.toys import toy_for
from .card_facts import CardFacts, facts_from_model
from .checkpoints import load_model
from .digit_map_picture import digit_map_picture
from .fonts import needs_cjk, use_cjk_fallback
from .palette import SWITCH_COLOR, loss_hues
from .recipe import reproduce, segments
from .timeline import meter_words

CARD_INCHES, CARD_DPI = (14.0, 10.0), 100
CARD_SIZE = (1000, 1400)  # (height, width) in pixels of every card
# What the meter counts, by the toy's word (digits, blobs of a mixture, parts of a shape): titles and axis labels.
COVERED_TITLE = {"digit": N_("Digits covered over time"), "blob": N_("Blobs covered over time"),
                 "part": N_("Parts covered over time")}
COVERED_AXIS = {"digit": N_("digits covered"), "blob": N_("blobs covered"), "part": N_("parts covered")}
# Translators: the x axis of the meter's bar chart: one bar per digit (blob, part)
BAR_AXIS = {"digit": N_("digit"), "blob": N_("blob"), "part": N_("part")}
WITHIN = {"digit": N_("{share} of points within 3σ of a digit"), "blob": N_("{share} of points within 3σ of a blob"),
          "part": N_("{share} of points within 3σ of a part")}


def _switch_lines(ax: Any, history: list[dict[str, Any]]) -> None:
    for _loss, end in segments(history, 0, "")[:-1]:
        ax.axvline(end, color=SWITCH_COLOR, linestyle="--", linewidth=1)


def _curves(ax: Any, history: list[dict[str, Any]], keys: list[tuple[str, str, int]], title: str) -> None:
    """Plot history keys (key, label, hue index) as lines coloured by the loss in force, broken at switches."""
    ax.set_title(title, fontsize=11, loc="left")
    if not history:
        ax.text(0.5, 0.5, _("no records yet"), ha="center", va="center", transform=ax.transAxes, color="#777")
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
    # Translators: the x axis of a chart: training steps
    ax.set_xlabel(_("step"), fontsize=9)
    ax.grid(alpha=0.3)
    if labelled:
        ax.legend(fontsize=8, loc="best", frameon=False)


def _coverage(ax: Any, facts: CardFacts, word: str, total: int) -> None:
    ax.set_title(_(COVERED_TITLE.get(word, COVERED_TITLE["part"])), fontsize=11, loc="left")
    points = [(int(e.get("metrics_step", e["step"])), e.get("loss", ""), e["metrics"]["modes"])
              for e in facts.history if e.get("metrics") and "modes" in e["metrics"]]
    if facts.metrics and "modes" in facts.metrics and (not points or facts.metrics_step > points[-1][0]):
        points.append((facts.metrics_step, facts.config.loss, facts.metrics["modes"]))
    ax.set_ylim(0, total + 0.5)
    ax.set_xlabel(_("step"), fontsize=9)
    ax.set_ylabel(_(COVERED_AXIS.get(word, COVERED_AXIS["part"])), fontsize=9)
    ax.grid(alpha=0.3)
    if len(points) < 2:
        ax.text(0.5, 0.5, _("fewer than two meter readings"), ha="center", va="center", transform=ax.transAxes,
                color="#777")
        if points:
            ax.plot([points[0][0]], [points[0][2]], "o", color=loss_hues(points[0][1])[0])
        return
    labelled: set[str] = set()
    for i in range(1, len(points)):
        (x0, _loss, y0), (x1, loss, y1) = points[i - 1], points[i]
        ax.plot([x0, x1], [y0, y1], color=loss_hues(loss)[0], linewidth=1.8, label=None if loss in labelled else loss)
        labelled.add(loss)
    _switch_lines(ax, facts.history)
    ax.legend(fontsize=8, loc="lower right", frameon=False)


def _meter_heading(m: dict[str, Any]) -> str:
    if m.get("verdict") == "illegible":
        return _("Not digits yet")
    if m.get("verdict") == "collapse":
        return _("Collapse: {modes} of {total} digits").format(modes=number(m["modes"]), total=number(10))
    return meter_words(m)


def _meter_figures(m: dict[str, Any], word: str, metrics_step: int) -> list[str]:
    """The meter's figures, one line each: legibility, FID, points near a blob, when it read."""
    figures = []
    if m.get("class_fid") is not None:
        floor = (legibility_reference(m) or ("", 65.0))[1]
        shares = m.get("histogram") or [0.0]
        label = (_("real {digit}s").format(digit=max(range(len(shares)), key=lambda d: shares[d]))
                 if "digit_floor" in m else _("real digits"))
        figures.append(_("legibility {score} (lower is better; {reference} ~{floor};\n    above {limit} the meter "
                         "calls them not digits)").format(score=number(m["class_fid"]), reference=label,
                                                         floor=number(floor), limit=number(1000)))
    if "fid" in m:
        figures.append(_("FID {fid} (real digits {floor})").format(fid=number(m["fid"]), floor=number(m["fid_floor"]))
                       if "fid_floor" in m else _("FID {fid}").format(fid=number(m["fid"])))
    if "high_quality" in m:
        figures.append(_(WITHIN.get(word, WITHIN["part"])).format(share=percent(m["high_quality"])))
    figures.append(_("read at step {step}").format(step=number(metrics_step)))
    return figures


def _meter(ax_text: Any, ax_bars: Any, facts: CardFacts, word: str, total: int) -> None:
    m = facts.metrics
    ax_text.axis("off")
    if not m or "modes" not in m:
        ax_text.text(0, 0.9, _("Mode meter: no reading"), fontsize=14, weight="bold", va="top")
        ax_text.text(0, 0.45, _("The meter reads {count} samples every few seconds;\nthis run ended before its "
                                "first reading.").format(count=number(1000)), fontsize=9, va="top")
        ax_bars.axis("off")
        return
    ax_text.text(0, 0.95, _("Mode meter: {reading}").format(reading=_meter_heading(m)), fontsize=14, weight="bold",
                 va="top")
    ax_text.text(0, 0.5, "\n".join(_meter_figures(m, word, facts.metrics_step)), fontsize=9, va="top",
                 linespacing=1.4)
    shares = list(m.get("histogram") or [0.0] * total)
    colors = ["#1f77b4" if s >= MODE_THRESHOLD else "#c7c7c7" for s in shares]
    ax_bars.bar(range(len(shares)), shares, color=colors)
    if word == "digit":
        ax_bars.axhline(MODE_THRESHOLD, color="#d62728", linewidth=0.8, linestyle=":")
    ax_bars.set_xticks(range(len(shares)))
    ax_bars.set_ylim(0, max(1.0, max(shares, default=0) * 1.05) if word != "digit" else 1.0)
    ax_bars.set_xlabel(_(BAR_AXIS.get(word, BAR_AXIS["part"])), fontsize=9)
    ax_bars.set_ylabel(_("share of samples"), fontsize=9)
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
    ax_map.set_title(_("Digit map (dots: samples)"), fontsize=11, loc="left")


def _optimiser_text(c: Any) -> str:
    return _("loss {loss} · {optimizer} lr D {lr_d} / G {lr_g} · betas ({beta1}, {beta2})").format(
        loss=c.loss, optimizer=c.optimizer, lr_d=f"{c.lr_d:g}", lr_g=f"{c.lr_g:g}", beta1=f"{c.beta1:g}",
        beta2=f"{c.beta2:g}")


def _settings_text(facts: CardFacts) -> str:
    c = facts.start_config
    on_off = {True: _("on"), False: _("off")}
    batch = _("batch {batch} · {critic} critic step(s) per G step").format(batch=number(c.batch_size),
                                                                           critic=number(c.critic_steps))
    lines = [_("dataset {dataset} · {arch} width {width} · latent {latent}").format(
                 dataset=c.dataset, arch=c.arch, width=c.width, latent=c.latent_dim)
             + (" · " + _("conditional") if c.conditional else ""),
             _("BatchNorm in G {batchnorm} · spectral norm in D {spectral}").format(
                 batchnorm=on_off[bool(c.g_batchnorm)], spectral=on_off[bool(c.spectral_norm)]),
             _("weight average of G (EMA) {ema}").format(ema=f"{c.ema:g}") if c.ema
             else _("no weight average of G (EMA 0)"),
             _optimiser_text(c) + (f" · {c.lr_decay_text()}" if c.lr_decay_start else ""),
             batch + (" · " + _("gradient penalty {weight}").format(weight=f"{c.gp_weight:g}")
                      if c.loss == "wgan-gp" else "")
             + (" · " + _("clip {value}").format(value=f"{c.clip_value:g}") if c.loss == "wgan" else ""),
             _("seed {seed}").format(seed=c.seed)
             + (" · " + _("started from preset {preset}").format(preset=facts.preset) if facts.preset else "")]
    for loss, end in segments(facts.history, facts.step, facts.config.loss)[:-1]:
        lines.append(_("after step {step}: loss switched from {loss}").format(step=number(end), loss=loss))
    if len(segments(facts.history, facts.step, facts.config.loss)) > 1:
        e = facts.config
        lines.append(_("at the end: {settings} · {critic} critic step(s)").format(
            settings=_optimiser_text(e), critic=number(e.critic_steps)))
    return "\n".join(lines)


def _wrap(text: str, width: int) -> str:
    """textwrap.fill, or for text with CJK characters (no spaces to break at, each twice as wide) a break before the
    character that would pass `width` columns."""
    if not needs_cjk(text):
        return textwrap.fill(text, width)
    lines, line, used = [], "", 0
    for ch in text:
        w = 2 if needs_cjk(ch) else 1
        if used + w > width:
            lines, line, used = [*lines, line], "", 0
        line, used = line + ch, used + w
    return "\n".join([*lines, line])


def _losses_in_order(facts: CardFacts) -> str:
    return " → ".join(loss for loss, _ in segments(facts.history, facts.step, facts.config.loss))


def card_figure(facts: CardFacts) -> Figure:
    """The card as a matplotlib Figure (Agg canvas attached), in the current language: every text drawn now."""
    toy = toy_for(facts.config.dataset, facts.config.drawing) if facts.config.dataset in TOY_DATASETS else None
    word, total = (toy.word, toy.num_parts) if toy is not None else ("digit", 10)
    use_cjk_fallback()  # before the figure: its texts take the font families in force when made
    fig = Figure(figsize=CARD_INCHES, dpi=CARD_DPI, facecolor="white")
    FigureCanvasAgg(fig)
    c = facts.config
    fig.text(0.02, 0.975, _("GAN Playground · lab card"), fontsize=20, weight="bold", va="top")
    summary = _("{dataset} · {arch} · loss {losses} · {steps} steps · {samples} samples seen · {seconds} s of "
                "training · {device} · {date}").format(
        dataset=c.dataset, arch=c.arch, losses=_losses_in_order(facts), steps=number(facts.step),
        samples=number(facts.samples_seen), seconds=number(facts.elapsed), device=facts.device or _("not recorded"),
        date=facts.date or _("not recorded"))
    fig.text(0.02, 0.935, summary + (f" · {facts.status}" if facts.status else ""), fontsize=10.5, va="top",
             color="#333")
    grid = fig.add_gridspec(3, 3, left=0.04, right=0.98, top=0.89, bottom=0.24, hspace=0.55, wspace=0.22,
                            height_ratios=[0.32, 0.68, 0.9])

    ax_img = fig.add_subplot(grid[0:2, 0])
    ax_img.imshow(facts.picture, cmap="gray" if facts.picture.ndim == 2 else None, vmin=0, vmax=255,
                  interpolation="nearest")
    ax_img.set_axis_off()
    what = (_("Samples from the fixed noise at step {step}") if word == "digit"
            else _("Generated (red) and real (black) points at step {step}"))
    ax_img.set_title(what.format(step=number(facts.step)), fontsize=11, loc="left")

    _meter(fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1]), facts, word, total)
    _coverage_and_map(fig, grid, facts, word, total)
    _curves(fig.add_subplot(grid[2, 0]), facts.history, [("loss_d", "D", 0), ("loss_g", "G", 1)],
            _("Losses of D and G"))
    _curves(fig.add_subplot(grid[2, 1]), facts.history, [("d_real", "D(real)", 0), ("d_fake", "D(fake)", 1)],
            _("D(real) and D(fake)"))
    ax_settings = fig.add_subplot(grid[2, 2])
    ax_settings.axis("off")
    ax_settings.set_title(_("Settings"), fontsize=11, loc="left")
    ax_settings.text(0, 1, _settings_text(facts), fontsize=8.5, va="top", linespacing=1.5, wrap=True)

    commands, notes = reproduce(facts.start_config, facts.history, facts.step, facts.preset, facts.config.loss)
    if facts.note:
        notes.append(facts.note)
    fig.text(0.02, 0.17, _("Train it again (same seed, same steps):"), fontsize=11, weight="bold", va="top")
    block = "\n".join(textwrap.fill(cmd, 150, subsequent_indent="    ") for cmd in commands) or "-"
    fig.text(0.02, 0.145, block, fontsize=9.5, family="monospace", va="top",
             bbox={"facecolor": "#f3f3f3", "edgecolor": "#cccccc", "boxstyle": "round,pad=0.4"})
    fig.text(0.02, 0.06, "\n".join(_wrap(n, 190) for n in notes), fontsize=8.5, va="top", color="#555")
    return fig


def render_card(facts: CardFacts) -> np.ndarray:
    """The card as an RGB uint8 image of CARD_SIZE (height, width)."""
    canvas = card_figure(facts).canvas
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()  # (H, W, 3)


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
