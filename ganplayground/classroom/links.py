"""Class links: the query of a page address (`?preset=collapse&tab=duel&simple=1`) read into a checked
`SetUp` plus a note for every parameter it ignored, and a set-up written back as a link.

Plain data only, never an exception for a bad link: the page (the UI's class links) applies the set-up and shows the
notes. Nothing here knows gradio or starts a run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..config import LOSS_NAMES, TOY_DATASETS
from ..i18n import DEFAULT, LANGUAGES, _, number, supported
from ..presets import PRESETS
from ..train.drawings import LINK_MAX_CHARS, DrawingError, decode_drawing
from .class_records import UnknownClass
from .classes import normal_code

TABS = ("train", "duel", "explore", "learn")
PARAMS = ("class", "preset", "loss", "seed", "tab", "lesson", "autostart", "simple", "draw", "lang", "projector")
DRAW_PRESET = "draw"  # a link with a drawing and no preset opens this one
FIELDS = {"class": "class_code"}  # a parameter whose SetUp field has another name (`class` is Python's)
NEW_CLASS = "new"  # ?class=new: open the Class tab ready to start a class
MAX_SEED = 2**31 - 1  # Config.seed's range
MAX_PARAMS = 20  # a hand-written link has a handful; past this they are counted, not read
MAX_SHOWN = 40  # characters of a bad value quoted back in a note
YES = ("1", "true", "yes", "on", "")  # `?simple` alone means on
NO = ("0", "false", "no", "off")


@dataclass(frozen=True)
class SetUp:
    """What a link asks for. None (or False) for what it leaves as the page has it."""

    preset: str | None = None  # a name in config.PRESETS
    loss: str | None = None  # a loss id (losses.LOSS_NAMES) for the Train tab's switch
    seed: int | None = None  # 0 .. 2**31 - 1, for the Train and Duel tabs
    tab: str | None = None  # one of TABS
    lesson: int | None = None  # 1-based lesson of the Learn tab (implies tab="learn")
    autostart: bool = False  # start training (or the duel, on tab=duel) as soon as the page opens
    simple: bool = False  # the class view: settings and advanced knobs hidden
    class_code: str | None = None  # ?class=CODE: join that class (a 6-character code), or "new" to start one
    draw: str | None = None  # a drawing's code (train.drawings, at most LINK_MAX_CHARS): the drawn dataset on it
    lang: str | None = None  # the page's language (i18n.LANGUAGES); the page itself reads it from ?lang=
    projector: bool = False  # the view for a teacher's screen: big samples and verdict, only Start, loss and Stop


@dataclass(frozen=True)
class Link:
    """A parsed query: the set-up and one plain-text note per ignored parameter ("ignored: foo=1 (...)"), in the
    current language."""

    setup: SetUp
    notes: tuple[str, ...]


def _is_framework_param(name: str) -> bool:
    # Added by the page's framework or its host, not by a teacher: gradio's ?view=api and ?__theme=dark,
    # the Space proxy's ?__sign=... . Passed over silently.
    return name == "view" or name.startswith("__")


def _shown(name: str, value: str) -> str:
    """`name=value` as a note quotes it: printable characters only, long values cut."""
    text = f"{name}={value}" if value else name
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _key(value: str) -> str:
    return value.strip().lower().replace("_", "-")


def _whole(value: str, lo: int, hi: int) -> int | None:
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    number = int(text)
    return number if lo <= number <= hi else None


def _pairs(query: str | Mapping[str, str] | Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    if isinstance(query, str):
        return parse_qsl(query.lstrip("?"), keep_blank_values=True, errors="replace")
    if isinstance(query, Mapping):
        return [(str(k), str(v)) for k, v in query.items()]
    return [(str(k), str(v)) for k, v in query]


def _ignored(shown: str, why: str) -> str:
    return _("ignored: {parameter} ({reason})").format(parameter=shown, reason=why)


def parse_query(query: str | Mapping[str, str] | Iterable[tuple[str, str]], lessons: int) -> Link:
    """Read a page address's query into a SetUp; every bad, unknown or repeated parameter becomes a note.

    `query`: the raw query string ("preset=collapse&tab=duel"), a mapping, or (name, value) pairs in order
    (repeated names: the first counts). `lessons`: how many lessons the Learn tab has (lesson=1..lessons).
    Never raises for any query.
    """
    values: dict[str, object] = {}
    raw: dict[str, str] = {}
    notes: list[str] = []
    pairs = [(name, value) for name, value in _pairs(query) if not _is_framework_param(name)]
    for name, value in pairs[:MAX_PARAMS]:
        key = name.strip().lower()
        shown = _shown(name, value)
        if key not in PARAMS:
            notes.append(_ignored(shown, _("unknown parameter; a link reads {names}").format(names=", ".join(PARAMS))))
            continue
        if key in raw:
            notes.append(_ignored(shown, _("{name} was given twice; the first one counts").format(name=key)))
            continue
        raw[key] = value
        parsed, why = _read(key, value, lessons)
        if why:
            notes.append(_ignored(shown, why))
        else:
            values[FIELDS.get(key, key)] = parsed
    if len(pairs) > MAX_PARAMS:
        notes.append(_("ignored: {n} more parameters (a link reads at most {most})").format(
            n=number(len(pairs) - MAX_PARAMS), most=number(MAX_PARAMS)))

    tab = values.get("tab")
    lesson = values.get("lesson")
    if lesson is not None and tab not in (None, "learn"):
        notes.append(_ignored(f"lesson={lesson}", _("lessons are on the learn tab, and the link asks for tab={tab}")
                              .format(tab=tab)))
        values.pop("lesson")
    elif lesson is not None:
        values["tab"] = "learn"
    if values.get("draw") is not None:
        _drawn(values, notes)
    if values.get("autostart") and values.get("tab") in ("explore", "learn"):
        notes.append(_ignored(_shown("autostart", raw["autostart"]), _(
            "nothing trains on the {tab} tab; use tab=train or tab=duel").format(tab=values["tab"])))
        values.pop("autostart")
    return Link(SetUp(**values), tuple(notes))  # type: ignore[arg-type] - each value checked by _read


def _drawn(values: dict[str, object], notes: list[str]) -> None:
    """A drawing opens the drawn dataset: the `draw` preset unless the link names another 2-D toy preset."""
    preset = values.setdefault("preset", DRAW_PRESET)
    if PRESETS[str(preset)].config.dataset not in TOY_DATASETS:
        notes.append(_ignored("draw=…", _("a drawing is 2-D data, and the preset {preset} draws digits; use "
                                          "preset={draw}").format(preset=preset, draw=DRAW_PRESET)))
        values.pop("draw")


def _read_drawing(value: str) -> tuple[object, str]:
    if len(value) > LINK_MAX_CHARS:
        return None, _("a drawing in a link is at most {most} characters; this one has {n}").format(
            most=number(LINK_MAX_CHARS), n=number(len(value)))
    try:
        decode_drawing(value)
    except DrawingError as exc:
        return None, str(exc)
    return value, ""


def _read(key: str, value: str, lessons: int) -> tuple[object, str]:
    """(the value, "") for a good parameter, (None, why) for a bad one."""
    if key == "class":
        if _key(value) == NEW_CLASS:
            return NEW_CLASS, ""
        try:
            return normal_code(value), ""
        except UnknownClass:
            return None, _("a class code is 6 letters and digits, like K7QM2X")
    if key == "preset":
        name = _key(value)
        return (name, "") if name in PRESETS else (None, _("unknown preset; the presets are {names}").format(
            names=", ".join(PRESETS)))
    if key == "loss":
        name = _key(value)
        return (name, "") if name in LOSS_NAMES else (None, _("unknown loss; the losses are {names}").format(
            names=", ".join(LOSS_NAMES)))
    if key == "seed":
        seed = _whole(value, 0, MAX_SEED)
        return (seed, "") if seed is not None else (None, _("the seed is a whole number from 0 to {most}").format(
            most=MAX_SEED))
    if key == "tab":
        name = _key(value)
        return (name, "") if name in TABS else (None, _("unknown tab; the tabs are {names}").format(
            names=", ".join(TABS)))
    if key == "draw":
        return _read_drawing(value.strip())
    if key == "lang":
        code = supported(value.strip())
        return (code, "") if code else (None, _("unknown language; the languages are {names}").format(
            names=", ".join(LANGUAGES)))
    if key == "lesson":
        number = _whole(value, 1, lessons)
        return (number, "") if number is not None else (None, _("the lessons are numbered 1 to {n}").format(
            n=lessons))
    # autostart, simple, projector: on/off switches
    flag = value.strip().lower()
    if flag in YES:
        return True, ""
    if flag in NO:
        return False, ""
    return None, _("use 1 for on or 0 for off")


def to_query(setup: SetUp) -> str:
    """The query string that asks for `setup` ("preset=collapse&loss=js&seed=0&tab=duel&simple=1"): only what
    it sets, in the order of PARAMS. parse_query of it gives the same SetUp back."""
    pairs: list[tuple[str, str]] = []
    for key in PARAMS:
        value = getattr(setup, FIELDS.get(key, key))
        if isinstance(value, bool):
            if value:
                pairs.append((key, "1"))
        elif value is not None:
            pairs.append((key, str(value)))
    return urlencode(pairs)


def share_url(address: str, setup: SetUp) -> str:
    """The link to `address` (the page's own http(s) address; its query and fragment are dropped) that opens
    `setup`. ValueError for anything that is not an http(s) address."""
    parts = urlsplit(address.strip()) if isinstance(address, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not a page address: {address!r}")
    query = to_query(setup)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def with_language(link: str, language: str) -> str:
    """`link` (a page address, perhaps with a query and a #fragment) with ?lang=`language` added, so that it opens
    the page in that language; unchanged for English (the default) or a language the page does not speak."""
    if language == DEFAULT or language not in LANGUAGES:
        return link
    parts = urlsplit(link)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit((*parts[:3], urlencode([*pairs, ("lang", language)]), parts.fragment))


def address_from_headers(headers: Mapping[str, str]) -> str:
    """The page's address as the browser sees it, from a request's headers: the Referer when it is an
    http(s) address (behind a proxy too), else the proxy's X-Forwarded-Proto/-Host, else Host."""
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    referer = lower.get("referer", "")
    parts = urlsplit(referer)
    if parts.scheme in ("http", "https") and parts.netloc:
        return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
    proto = lower.get("x-forwarded-proto", "http").split(",")[0].strip() or "http"
    host = (lower.get("x-forwarded-host") or lower.get("host") or "localhost").split(",")[0].strip()
    return f"{proto if proto in ('http', 'https') else 'http'}://{host}/"


def page_address(request: object) -> str:
    """The page's own address as the browser sees it (behind a Space's proxy too), from a request: anything with
    `headers` (None: the local default)."""
    headers = getattr(request, "headers", None) if request is not None else None
    return address_from_headers(dict(headers) if headers is not None else {})


def shared_setup(preset: str, link: str = "") -> dict[str, object]:
    """What a teacher sends the class: a class link's preset, loss and seed (and drawing, when it has one) when a link
    is given, else the preset.
    ValueError with a plain message for a link without a preset or an unknown preset."""
    if link.strip():
        query = urlsplit(link.strip()).query or (link.split("?", 1)[1] if "?" in link else "")
        setup = parse_query(query, lessons=1).setup  # lessons do not travel: only preset, loss and seed
        if not setup.preset:
            raise ValueError(_("That link names no preset: send a link made with 'Share this set-up'."))
        shared: dict[str, object] = {"preset": setup.preset, "loss": setup.loss, "seed": setup.seed}
        return {**shared, "draw": setup.draw} if setup.draw else shared
    if preset not in PRESETS:
        raise ValueError(_("Choose a preset to send."))
    return {"preset": preset}
