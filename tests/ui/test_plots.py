"""Plot frames from hand-made histories: the coverage curve shows collapse (10 -> 1) and recovery after a loss
switch (1 -> 10), curves are named and coloured after the loss in force, and a toy run's visited blobs add up."""

from __future__ import annotations

import math

import pandas as pd

from ganplayground.config import LOSS_NAMES
from ganplayground.ui.widgets import plots
from ganplayground.ui.widgets.labels import LOSS_SHORT

COLLAPSE_THEN_CURE = [10, 9, 6, 3, 1, 1, 1, 2, 5, 8, 10, 10]  # digits covered at each measurement


def history(modes: list[int], losses: list[str], every: int = 100) -> list[dict]:
    """Trainer-like history entries, each with a live measurement (metrics_step a little before the entry)."""
    entries = []
    for i, (covered, loss) in enumerate(zip(modes, losses, strict=True)):
        wasserstein = 0.5 - 0.01 * i if loss.startswith("wgan") else None
        entries.append({"step": every * (i + 1), "loss": loss, "loss_d": 1.0 + 0.1 * i, "loss_g": 0.7,
                        "d_real": 0.6, "d_fake": 0.4, "wasserstein": wasserstein,
                        "metrics_step": every * (i + 1) - 10,
                        "metrics": {"modes": covered, "histogram": [1.0 / covered] * covered + [0.0] * (10 - covered)}})
    return entries


def switched_history() -> list[dict]:
    return history(COLLAPSE_THEN_CURE, ["js"] * 6 + ["wgan-gp"] * 6)


def real(frame: pd.DataFrame, series: str) -> pd.DataFrame:
    return frame[(frame["series"] == series) & frame["value"].notna()].sort_values("step", kind="stable")


def test_switches_are_found_at_the_last_step_of_the_old_loss() -> None:
    assert plots.switches(switched_history()) == [(600, "wgan-gp")]
    assert plots.switches(history([10, 10], ["js", "js"])) == []


def test_coverage_curve_falls_to_one_digit_then_recovers_after_the_switch() -> None:
    frame = plots.coverage_curve(switched_history(), 10)
    js, wgan = real(frame, "JS"), real(frame, "WGAN-GP")
    assert list(js["value"]) == [10, 9, 6, 3, 1, 1]  # collapse under JS...
    assert list(wgan["value"]) == [1, 1, 2, 5, 8, 10, 10]  # ...recovery under Wasserstein-GP
    # The new colour starts where the old one ends, so the curve runs on without a gap.
    assert (wgan["step"].iloc[0], wgan["value"].iloc[0]) == (js["step"].iloc[-1], js["value"].iloc[-1])
    marker = real(frame, plots.SWITCH)
    assert list(marker["step"]) == [600, 600] and sorted(marker["value"]) == [0.0, 10.0]  # a line over 0..10
    assert plots.shown(frame) == ["JS", "WGAN-GP", plots.SWITCH]


def test_loss_curves_are_named_after_the_loss_in_force_and_marked_at_the_switch() -> None:
    frame = plots.loss_curves(switched_history())
    assert plots.shown(frame) == ["D · JS", "G · JS", "D · WGAN-GP", "G · WGAN-GP",
                                  plots.SWITCH]
    assert real(frame, "D · JS")["step"].max() == 600 < real(frame, "D · WGAN-GP")["step"].min()
    marker = real(frame, plots.SWITCH)
    assert list(marker["step"]) == [600, 600]
    values = frame.loc[frame["series"] != plots.SWITCH, "value"].dropna()
    assert sorted(marker["value"]) == [values.min(), values.max()]  # spans the curves, stretches nothing
    # D's outputs keep their names (and colours) but break at the switch: a probability before, a score after.
    outputs = plots.d_output_curves(switched_history())
    assert plots.shown(outputs) == ["D(real)", "D(fake)", "Wasserstein estimate", plots.SWITCH]
    d_real = outputs[outputs["series"] == "D(real)"]
    assert list(d_real.loc[d_real["value"].isna(), "step"]) == [650]  # between steps 600 (JS) and 700 (WGAN-GP)
    assert real(outputs, "Wasserstein estimate")["step"].min() == 700


def test_every_series_a_plot_can_show_is_in_every_frame_and_has_a_colour() -> None:
    # Gradio's LinePlot only ever draws the series of the frame it drew the chart from: all must be there.
    for frame, colors in ((plots.loss_curves(history([10], ["js"])), plots.LOSS_COLORS),
                          (plots.d_output_curves(history([10], ["js"])), plots.D_OUTPUT_COLORS),
                          (plots.coverage_curve(history([10], ["js"]), 10), plots.COVERAGE_COLORS)):
        assert set(frame["series"]) == set(colors)
        assert plots.shown(frame) and plots.SWITCH not in plots.shown(frame)
    for loss in LOSS_NAMES:
        assert plots.series_name("D", loss) in plots.LOSS_COLORS and plots.series_name("G", loss) in plots.LOSS_COLORS
        assert loss in LOSS_SHORT and plots.short_loss(loss) in plots.COVERAGE_COLORS


def test_a_loss_that_comes_back_is_not_joined_across_the_other_one() -> None:
    frame = plots.coverage_curve(history([10, 8, 3, 5, 9, 4], ["js", "js", "wgan-gp", "wgan-gp", "js", "js"]), 10)
    js = frame[frame["series"] == "JS"].sort_values("step", kind="stable")
    gaps = js[js["value"].isna()]
    assert len(gaps) == 1 and 200 < gaps["step"].iloc[0] < 400  # a NaN row breaks the line between its stretches
    assert list(real(frame, plots.SWITCH)["step"]) == [200, 200, 400, 400]
    assert frame.loc[(frame["series"] == plots.SWITCH) & frame["value"].isna(), "step"].between(200, 400).all()


def test_frames_stay_small_on_long_runs() -> None:
    # Under 1,000 rows the page draws every row as sent (above it, the plot thins the data itself).
    long = history([10] * 2000, ["wgan-gp"] * 1000 + ["js"] * 1000, every=1)
    for frame in (plots.loss_curves(long), plots.d_output_curves(long), plots.coverage_curve(long, 10)):
        assert len(frame) < 1000
        assert frame["step"].max() >= 1990  # the latest point is always kept
    assert not plots.has_data(plots.coverage_curve([], 10)) and plots.shown(None) == []


def test_toy_blobs_visited_are_the_union_over_the_run() -> None:
    def toy(step: int, shares: list[float]) -> dict:
        return {"step": step, "loss": "js", "metrics_step": step, "metrics": {"modes": 0, "histogram": shares}}

    run = [toy(100, [0.5, 0.5, 0, 0, 0, 0, 0, 0]), {"step": 150, "loss": "js"},
           toy(200, [0, 0, 0.9, 0.005, 0, 0, 0, 0.095]), toy(300, [0.02, 0, 0, 0, 0, 0, 0.009, 0])]
    assert plots.modes_visited(run) == 4  # blobs 0, 1, 2 and 7; 3 and 6 stayed under 1%
    assert plots.modes_visited(run, latest={"histogram": [0, 0, 0, 0, 0, 0.3, 0, 0]}) == 5
    assert plots.modes_visited([]) == 0
    assert math.isclose(plots.VISIT_SHARE, 0.01)


def test_a_measurement_recorded_after_the_switch_but_taken_before_it_stays_on_the_old_side() -> None:
    # Live metrics run beside training: the first entry under WGAN-GP (step 300) can carry a measurement of
    # step 180, taken while JS was still in force (the switch came after step 200).
    run = history([10, 9, 4], ["js", "js", "wgan-gp"])
    run[2]["metrics_step"] = 180
    run[1].pop("metrics")
    run[1].pop("metrics_step")
    frame = plots.coverage_curve(run, 10)
    assert list(real(frame, "JS")["step"]) == [90, 180]
    assert real(frame, "WGAN-GP").empty  # nothing measured under WGAN-GP yet: no line left of the switch
    assert list(real(frame, plots.SWITCH)["step"]) == [200, 200]
