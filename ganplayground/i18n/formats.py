"""Numbers and dates in the current language's conventions, with Babel (4,000 · 4.000 · 4 000; 98 % in French)."""

from __future__ import annotations

import datetime as dt
import functools

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from .catalogs import current_language
from .languages import BABEL_LOCALES


@functools.cache
def _locale(code: str) -> Locale:
    return Locale.parse(BABEL_LOCALES.get(code, "en"))


def locale() -> Locale:
    """Babel's locale for the current language."""
    return _locale(current_language())


def number(n: float) -> str:
    """A whole number with the language's grouping: 4,000 in English, 4.000 in German."""
    return babel_numbers.format_decimal(round(n), locale=locale())


def decimal(x: float, digits: int = 2) -> str:
    """A number with exactly `digits` decimals and the language's decimal mark: 0.25 or 0,25."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(x, format=pattern, locale=locale(), decimal_quantization=True)


def percent(fraction: float, digits: int = 0) -> str:
    """A fraction as a percentage in the language's style: 0.98 → 98% (98 % in French and German)."""
    pattern = locale().percent_formats[None].pattern.split(";")[0]
    pattern = pattern.replace("#,##0", "#,##0" + ("." + "0" * digits if digits > 0 else ""), 1)
    return babel_numbers.format_percent(fraction, format=pattern, locale=locale(), decimal_quantization=True)


def date(day: dt.date) -> str:
    """A date in the language's medium style (5 Dec 2026, 5 déc. 2026, 2026年12月5日)."""
    return babel_dates.format_date(day, format="medium", locale=locale())


def datetime(moment: dt.datetime) -> str:
    """A date and time in the language's short style."""
    return babel_dates.format_datetime(moment, format="short", locale=locale())
