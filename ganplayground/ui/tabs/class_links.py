"""Class links on the page: when the page opens, its address's query (?preset=collapse&tab=duel&simple=1)
picks the tab, preset, loss and seed, the class's simple view, a lesson, or starts training at once; and the
"Share this set-up" box writes the link for what the page shows. Reading and writing links is
ganplayground/classroom/links.py; this module only applies them to components.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import gradio as gr

from ...classroom.links import TABS, SetUp, address_from_headers, parse_query, share_url, to_query
from ...presets import PRESETS
from ..server.playground import Playground
from ..widgets.inputs import number
from ..widgets.labels import LESSONS, LOSS_LABELS, key_of

MAX_QUERY_CHARS = 8192  # what a browser or proxy passes in one address, about
# Called before the share click's handler: the tab on show and the page's own address, as the browser has them
# (behind a Space's proxy too), replace the last two inputs.
SHARE_JS = """(...args) => {
  const tab = document.querySelector('#gp-tabs [role="tab"][aria-selected="true"]');
  args[args.length - 2] = tab ? tab.innerText.trim().toLowerCase() : "";
  args[args.length - 1] = window.location.origin + window.location.pathname;
  return args;
}"""
# After a link with ?lesson=N: scroll the Learn tab to that lesson once it has been drawn, and frame it.
LESSON_JS = """(n) => {
  if (!n) return;
  const find = (tries) => {
    const row = document.getElementById("lesson-" + n);
    if (row) {
      row.scrollIntoView({block: "start"});
      row.style.outline = "3px solid var(--color-accent)";
      row.style.borderRadius = "8px";
    } else if (tries > 0) {
      setTimeout(() => find(tries - 1), 200);
    }
  };
  find(25);
}"""
SHARE_OPTIONS = [("Simple view for the class (settings hidden)", "simple"),
                 ("Start training when opened (Train and Duel tabs)", "autostart")]


@dataclass
class LinkPanel:
    """The link's components at the top of the page."""

    note: gr.Markdown  # what the link set up, and what it ignored
    show_all: gr.Button  # leaves the simple view
    share: gr.Accordion
    options: gr.CheckboxGroup
    make: gr.Button
    box: gr.Textbox  # the link, with a copy button
    lesson_target: gr.Textbox  # hidden: the lesson to scroll to
    page_tab: gr.Textbox  # hidden: filled by SHARE_JS
    page_address: gr.Textbox  # hidden: filled by SHARE_JS


def build_link_panel() -> LinkPanel:
    """The note, the simple view's way out and the share box, where the page is being built."""
    with gr.Row():
        note = gr.Markdown("", visible=False, elem_id="link-note")
        show_all = gr.Button("Show all controls", visible=False, size="sm", scale=0, elem_id="show-all")
    with gr.Accordion("Share this set-up", open=False, elem_id="share") as share:
        gr.Markdown("A link that opens this page with the current **preset, loss, seed and tab** (on the Duel tab: "
                    "the duel's networks and seed). Settings changed by hand (learning rates, batch size, ...) are "
                    "not in it: the preset's own are used.")
        with gr.Row():
            options = gr.CheckboxGroup(SHARE_OPTIONS, value=[], show_label=False, elem_id="share-options")
            make = gr.Button("Make the link", scale=0, elem_id="share-make")
        box = gr.Textbox(label="Link for your class (copy it)", interactive=False, buttons=["copy"],
                         elem_id="share-link")
    lesson_target = gr.Textbox(visible=False)
    page_tab = gr.Textbox(visible=False)
    page_address = gr.Textbox(visible=False)
    return LinkPanel(note, show_all, share, options, make, box, lesson_target, page_tab, page_address)


def _escape(text: str) -> str:
    """Plain text for a Markdown component: every ASCII punctuation mark escaped, so a link cannot format."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def _update(changed: bool, value: Any, hide: bool) -> Any:
    """A component's update: its new value if it changed, hidden if asked, else a skip."""
    if hide:
        return gr.update(value=value, visible=False) if changed else gr.update(visible=False)
    return value if changed else gr.skip()


def _query_pairs(request: Any) -> list[tuple[str, str]]:
    """A request's query parameters in order, repeats kept (a plain dict where gradio pickled the request)."""
    params = getattr(request, "query_params", None) if request is not None else None
    if params is None:
        return []
    if hasattr(params, "multi_items"):
        return list(params.multi_items())
    return [(str(k), str(v)) for k, v in dict(params).items()]


class LinkHandlers:
    """The handlers of class links around a Playground. `duel_presets`: the duel's network choices;
    `hidden`: how many of the page's further advanced controls the simple view hides."""

    def __init__(self, playground: Playground, duel_presets: list[str], hidden: int) -> None:
        self.pg = playground
        self.duel_presets = list(duel_presets)
        self.hidden = hidden

    # --- opening a link ---------------------------------------------------------------------------
    def on_open(self, token: Any, preset: Any, dataset: Any, loss: Any, arch: Any, lr_d: Any, lr_g: Any,
                batch_size: Any, latent_dim: Any, critic_steps: Any, seed: Any, budget: Any, duel_preset: Any,
                duel_left: Any, duel_right: Any, duel_seed: Any, duel_budget: Any,
                request: gr.Request | None = None) -> tuple:
        """Apply the page address's query. Inputs: the session, the Train form (11) and the Duel form (networks,
        left and right loss, seed, budget) as the page has them. Outputs: tabs, the preset menu, the form's
        fields (11), the Duel form (5), the note, Show all, the share box, the lesson to scroll to, the Train
        status and timer, both duel statuses and the duel timer, then the further controls the simple view hides.
        Never raises: anything the link gets wrong is a line of the note."""
        link = parse_query(_query_pairs(request), lessons=len(LESSONS))
        setup, notes = link.setup, list(link.notes)
        skip = gr.skip
        tabs = gr.Tabs(selected=setup.tab) if setup.tab else skip()
        fields: list[Any] = [skip()] * 11
        form = [preset, dataset, loss, arch, lr_d, lr_g, batch_size, latent_dim, critic_steps, seed, budget]
        if setup.preset:
            fields = list(self.pg.on_preset(setup.preset))
            form = [setup.preset, *fields[:10]]
        if setup.loss:
            fields[1] = form[2] = setup.loss
        if setup.seed is not None:
            fields[8] = form[9] = setup.seed
        duel_form = [duel_preset, duel_left, duel_right, duel_seed, duel_budget]
        duel_changed: set[int] = set()
        if setup.preset in self.duel_presets:
            duel_form[0] = setup.preset
            duel_changed.add(0)
        elif setup.preset and setup.tab == "duel":
            notes.append(f"the duel has digit networks only: it keeps {duel_form[0]}, not {setup.preset}")
        if setup.seed is not None:
            duel_form[3] = setup.seed
            duel_changed.add(3)

        started = (skip(),) * 5  # Train status, timer; duel statuses, timer
        if setup.autostart:
            started, note = self._autostart(token, setup, form, duel_form)
            if note:
                notes.append(note)

        # The simple view hides the preset menu, the duel's networks, seed and budget (its two losses stay),
        # the share box and the further controls.
        hide = gr.update(visible=False) if setup.simple else skip()
        preset_update = _update(bool(setup.preset), setup.preset, setup.simple)
        duel = [_update(i in duel_changed, duel_form[i], setup.simple and i in (0, 3, 4)) for i in range(5)]
        text = self._note(setup, notes, bool(_query_pairs(request)))
        note = gr.update(value=text, visible=bool(text))
        show_all = gr.update(visible=True) if setup.simple else skip()
        lesson = str(setup.lesson) if setup.lesson else ""
        return (tabs, preset_update, *fields, *duel, note, show_all, hide, lesson, *started,
                *([hide] * self.hidden))

    def _autostart(self, token: Any, setup: SetUp, form: list[Any], duel_form: list[Any]) -> tuple[tuple, str]:
        """Start the Train run (or the duel, on tab=duel) unless this page's session already has one going
        (a refresh of the link must not restart the class's run). ((5 outputs), a note or "")."""
        skip = gr.skip
        try:
            session = self.pg.manager.session(token)
            if setup.tab == "duel":
                if any(run.alive for run in session.duel):
                    return (skip(),) * 5, "a duel is already running in this tab: the link did not restart it"
                left, right, timer = self.pg.on_duel_start(token, *duel_form)
                return (skip(), skip(), left, right, timer), ""
            if session.run is not None and session.run.alive:
                return (skip(),) * 5, "training is already running in this tab: the link did not restart it"
            status, timer = self.pg.on_start(token, *form)
            return (status, timer, skip(), skip(), skip()), ""
        except gr.Error as exc:
            return (skip(),) * 5, f"could not start: {exc.message}"
        except Exception as exc:  # noqa: BLE001 - a link never breaks the page (a bad session token, ...)
            return (skip(),) * 5, f"could not start: {exc}"

    @staticmethod
    def _note(setup: SetUp, notes: list[str], had_query: bool) -> str:
        """The note's Markdown: what the link set up, then each ignored parameter; "" for a page without one."""
        if not had_query:
            return ""
        done = []
        if setup.preset:
            done.append(f"preset **{setup.preset}**")
        if setup.loss:
            done.append(f"loss *{LOSS_LABELS.get(setup.loss, setup.loss)}*")
        if setup.seed is not None:
            done.append(f"seed {setup.seed}")
        if setup.lesson:
            done.append(f"lesson {setup.lesson}")
        elif setup.tab:
            done.append(f"{setup.tab.capitalize()} tab")
        if setup.simple:
            done.append("simple view")
        if setup.autostart:
            done.append("started at once")
        lines = [f"**Class link:** opened with {' · '.join(done)}."] if done else []
        lines += [f"⚠ {_escape(note)}" for note in notes]
        return "\n\n".join(lines)

    def on_show_all(self) -> tuple:
        """Leave the simple view. Outputs: the preset menu, the duel's networks, seed and budget, the share box,
        Show all (hidden again), then the further controls."""
        show = gr.update(visible=True)
        return (show, show, show, show, show, gr.update(visible=False), *([show] * self.hidden))

    # --- sharing ----------------------------------------------------------------------------------
    def on_share(self, preset: Any, loss: Any, seed: Any, duel_preset: Any, duel_seed: Any, options: Any,
                 tab: Any, address: Any, request: gr.Request | None = None) -> str:
        """The share box: the link for the tab on show (on the Duel tab, the duel's networks and seed)."""
        tab = tab if tab in TABS else "train"
        options = options if isinstance(options, list) else []
        if tab == "duel":
            preset, seed = duel_preset, duel_seed
        autostart = "autostart" in options and tab in ("train", "duel")
        return self.share_link(preset, loss, seed, tab, "simple" in options, autostart, address, request)

    def share_link(self, preset: Any, loss: Any, seed: Any, tab: Any, simple: Any = False, autostart: Any = False,
                   address: Any = "", request: gr.Request | None = None) -> str:
        """The link that opens the page with this preset, loss, seed and tab (and the simple view, autostart).
        `address`: the page's own http(s) address; empty: taken from the request (its Referer or Host)."""
        if not isinstance(preset, str) or preset not in PRESETS:
            raise gr.Error(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}", print_exception=False)
        try:
            if not isinstance(loss, str):
                raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSS_LABELS)}")
            loss = key_of(LOSS_LABELS, loss, "loss")
        except ValueError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        seed = number(seed, "seed", 0, 2**31 - 1, integer=True)
        if tab not in TABS:
            raise gr.Error(f"unknown tab {tab!r}; choose one of {', '.join(TABS)}", print_exception=False)
        if not isinstance(simple, bool) or not isinstance(autostart, bool):
            raise gr.Error("simple and autostart must be true or false", print_exception=False)
        if autostart and tab not in ("train", "duel"):
            raise gr.Error(f"nothing trains on the {tab} tab: autostart needs tab train or duel",
                           print_exception=False)
        if not address:
            headers = getattr(request, "headers", None) if request is not None else None
            address = address_from_headers(dict(headers) if headers is not None else {})
        setup = SetUp(preset=preset, loss=loss, seed=seed, tab=tab, simple=simple, autostart=autostart)
        try:
            return share_url(address, setup)
        except ValueError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    @staticmethod
    def read_link(query: Any) -> dict[str, Any]:
        """What a link's query asks for, as the page would read it: {"setup": {...}, "notes": [...], "query":
        the canonical query}. Bad parameters are notes, never errors."""
        if not isinstance(query, str):
            raise gr.Error("the query must be text, like 'preset=collapse&tab=duel'", print_exception=False)
        notes: list[str] = []
        if len(query) > MAX_QUERY_CHARS:
            notes.append(f"ignored: everything after the first {MAX_QUERY_CHARS} characters")
            query = query[:MAX_QUERY_CHARS]
        link = parse_query(query, lessons=len(LESSONS))
        return {"setup": asdict(link.setup), "notes": [*link.notes, *notes], "query": to_query(link.setup)}


def wire_links(loaded: Any, links: LinkHandlers, panel: LinkPanel, *, tabs: gr.Tabs, session: gr.Textbox,
               form: list[Any], form_fields: list[Any], duel_form: list[Any], train_outputs: list[Any],
               duel_outputs: list[Any], hidden: list[Any]) -> None:
    """The events: after the page's load (`loaded`, which gave it its session) the link is applied; Show all,
    the share box, and two API endpoints (share_link, read_link). `form`: the Train form (preset first, 11);
    `form_fields`: what a preset fills (11); `duel_form`: networks, left loss, right loss, seed, budget;
    `train_outputs`: status, timer; `duel_outputs`: left status, right status, timer; `hidden`: further
    controls the simple view hides."""
    preset, loss, seed = form[0], form[2], form[9]
    opened = loaded.then(
        links.on_open, inputs=[session, *form, *duel_form],
        outputs=[tabs, preset, *form_fields, *duel_form, panel.note, panel.show_all, panel.share,
                 panel.lesson_target, *train_outputs, *duel_outputs, *hidden],
        api_visibility="private", show_progress="hidden")
    opened.then(None, inputs=[panel.lesson_target], outputs=None, js=LESSON_JS)
    panel.show_all.click(links.on_show_all, inputs=None,
                         outputs=[preset, duel_form[0], duel_form[3], duel_form[4], panel.share, panel.show_all,
                                  *hidden], api_visibility="private")
    share_inputs = [preset, loss, seed, duel_form[0], duel_form[3], panel.options, panel.page_tab,
                    panel.page_address]
    for event in (panel.make.click, panel.share.expand, panel.options.input):
        event(links.on_share, inputs=share_inputs, outputs=[panel.box], js=SHARE_JS, api_visibility="private")
    gr.api(links.share_link, api_name="share_link")
    gr.api(links.read_link, api_name="read_link")


__all__ = ["LinkHandlers", "LinkPanel", "build_link_panel", "wire_links"]
