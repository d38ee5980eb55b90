"""A class's runs as a CSV the teacher downloads: one row per run, the columns of docs/class.md ("The results
CSV"), text cells guarded against spreadsheet formulas. Never the teacher key: a RunRecord does not hold it."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

from .class_records import RunRecord

COLUMNS = ("run_id", "student_number", "name", "tab", "loss", "preset", "settings", "knob", "knob_value",
           "predicted_digits", "predicted_comes_back", "digits_covered", "verdict", "legibility", "step", "seconds",
           "device", "finished", "hidden", "started_at", "updated_at")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula (OWASP's list)


def iso_utc(seconds: float) -> str:
    """A time.time() value as ISO 8601 in UTC, to the second: 2025-03-01T09:30:00Z."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading ' (numbers and booleans pass as they are)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def run_row(run: RunRecord) -> list[object]:
    """A run's cells, in COLUMNS order ('' for a value it does not have)."""
    arm = run.arm or {}
    knob_value = arm.get("value", "")
    cells = [run.id, run.number, run.name, run.tab, run.loss, run.settings.get("preset", ""),
             json.dumps(run.settings, ensure_ascii=False, sort_keys=True), arm.get("knob", ""),
             json.dumps(knob_value) if isinstance(knob_value, dict | list) else knob_value,
             run.prediction.digits, _yes_no(run.prediction.comes_back), run.digits_covered, run.verdict,
             None if run.legibility is None else round(run.legibility, 2), run.step, round(run.seconds, 1),
             run.device, _yes_no(run.finished), _yes_no(run.hidden), iso_utc(run.created_at),
             iso_utc(run.updated_at)]
    return ["" if cell is None else safe_cell(cell) for cell in cells]


def results_csv(runs: list[RunRecord]) -> str:
    """The header line and one line per run."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(run_row(run) for run in runs)
    return out.getvalue()
