"""The page's languages: message catalogs (gettext, with Babel's .po/.mo tooling) and locale-aware numbers.

Every sentence a user reads goes through `_()` (or `ngettext`), with named placeholders filled by the formatters
here: `_("Step {step}").format(step=number(4000))`. `N_()` only marks a module-level constant for extraction; the
code translates it with `_()` where it is shown. The language is the caller's (a context variable the page sets
for each request, `use_language` elsewhere); it defaults to English. docs/translating.md says how to add one.
"""

from .catalogs import N_, _, current_language, ngettext, set_language, translations, use_language
from .formats import date, datetime, decimal, number, percent
from .languages import DEFAULT, LANGUAGES, PSEUDO, browser_locale, pick_language, supported

__all__ = ["DEFAULT", "LANGUAGES", "N_", "PSEUDO", "_", "browser_locale", "current_language", "date", "datetime",
           "decimal", "ngettext", "number", "percent", "pick_language", "set_language", "supported", "translations",
           "use_language"]
