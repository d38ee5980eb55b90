"""Plot data for the page: history records -> small long-format DataFrames for Gradio's native plots.

Downsampled to at most `MAX_POINTS` per series: a native plot update stays ~1 ms and a few KB.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

MAX_POINTS = 300


def _downsample(history: list[dict[str, Any]], max_points: int = MAX_POINTS) -> list[dict[str, Any]]:
    if len(history) <= max_points:
        return history
    stride = len(history) / max_points
    picked = [history[int(i * stride)] for i in range(max_points - 1)]
    return [*picked, history[-1]]  # always show the latest point


def curves(history: list[dict[str, Any]], series: dict[str, str]) -> pd.DataFrame:
    """Long DataFrame (step, value, series) of history keys -> display names; None values skipped."""
    rows = []
    for entry in _downsample(history):
        for key, name in series.items():
            value = entry.get(key)
            if value is not None:
                rows.append({"step": entry["step"], "value": float(value), "series": name})
    return pd.DataFrame(rows, columns=["step", "value", "series"])


def loss_curves(history: list[dict[str, Any]]) -> pd.DataFrame:
    return curves(history, {"loss_d": "D loss", "loss_g": "G loss"})


def d_output_curves(history: list[dict[str, Any]]) -> pd.DataFrame:
    return curves(history, {"d_real": "D(real)", "d_fake": "D(fake)", "wasserstein": "Wasserstein estimate"})


def metric_curves(history: list[dict[str, Any]]) -> pd.DataFrame:
    """FID and modes covered over time, from the history entries that carry metrics."""
    rows = []
    for entry in history:
        metrics = entry.get("metrics")
        if metrics and "fid" in metrics:
            rows.append({"step": entry["metrics_step"], "value": float(metrics["fid"]), "series": "FID"})
    return pd.DataFrame(_downsample(rows), columns=["step", "value", "series"])


def histogram(metrics: dict[str, Any] | None, toy_modes: int = 0) -> pd.DataFrame:
    """Share of samples per digit (or per toy blob) as a DataFrame (class, share)."""
    shares = (metrics or {}).get("histogram")
    n = len(shares) if shares else (toy_modes or 10)
    shares = shares or [0.0] * n
    return pd.DataFrame({"class": [str(i) for i in range(n)], "share": [float(s) for s in shares]})
