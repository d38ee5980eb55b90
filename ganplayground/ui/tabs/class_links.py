"""Class links on the page: when the page opens, its address's query (?preset=collapse&tab=duel&simple=1) picks
the tab, preset, loss and seed, the class's simple view, a lesson, or starts training at once; and the "Share this
set-up" box writes the link for what the page shows. Reading and writing links is classroom/links.py; this panel
sits above the tabs and applies a link to them.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import gradio as gr

from ...classroom.links import TABS, SetUp, page_address, parse_query, share_url, to_query
from ...i18n import DEFAULT, LANGUAGES, N_, _, current_language
from ...i18n import number as count
from ...presets import PRESETS
from ...train.drawings import LINK_MAX_CHARS, DrawingError, decode_drawing
from ..widgets.inputs import number
from ..widgets.labels import DATASET_LABELS, LESSONS, LOSS_LABELS, key_of
from ..widgets.responsive import VIEW_JS
from ..widgets.translate import L_
from ..widgets.wall import escape_md as escape
from .duel_tab import DuelTab, duel_presets
from .train_tab import TrainTab

MAX_QUERY_CHARS = 8192  # what a browser or proxy passes in one address, about
# Called before the share click's handler: the tab on show (its id: the label is in the page's language) and the
# page's own address, as the browser has them (behind a Space's proxy too), replace the last two inputs.
SHARE_JS = """(...args) => {
  const tab = document.querySelector('#gp-tabs [role="tab"][aria-selected="true"]');
  args[args.length - 2] = tab ? (tab.getAttribute("data-tab-id") || tab.innerText.trim().toLowerCase()) : "";
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
SHARE_OPTIONS = [(N_("Simple view for the class (settings hidden)"), "simple"),
                 (N_("Start training when opened (Train and Duel tabs)"), "autostart"),
                 (N_("Projector view for the teacher's screen (big samples and verdict)"), "projector")]
SHARE_HELP = N_("A link that opens this page with the current **preset, loss, seed and tab** (on the Duel tab: the "
              "duel's networks and seed). Settings changed by hand (learning rates, batch size, ...) are not in it: "
              "the preset's own are used.")


TAB_WORDS = {"train": N_("Train tab"), "duel": N_("Duel tab"), "explore": N_("Explore tab"),
             "learn": N_("Learn tab")}


def query_pairs(request: Any) -> list[tuple[str, str]]:
    """A request's query parameters in order, repeats kept (a plain dict where gradio pickled the request)."""
    params = getattr(request, "query_params", None) if request is not None else None
    if params is None:
        return []
    if hasattr(params, "multi_items"):
        return list(params.multi_items())
    return [(str(k), str(v)) for k, v in dict(params).items()]


def link_note(setup: SetUp, notes: list[str], had_query: bool) -> str:
    """The note's Markdown: what the link set up, then each ignored parameter; "" for a page without one."""
    if not had_query:
        return ""
    tab = _(TAB_WORDS[setup.tab]) if setup.tab else ""
    done = [_("preset **{name}**").format(name=setup.preset) if setup.preset else "",
            _("loss *{name}*").format(name=_(LOSS_LABELS.get(setup.loss, setup.loss))) if setup.loss else "",
            _("seed {seed}").format(seed=setup.seed) if setup.seed is not None else "",
            _("lesson {n}").format(n=setup.lesson) if setup.lesson else tab,
            _("simple view") if setup.simple else "", _("projector view") if setup.projector else "",
            _("started at once") if setup.autostart else ""]
    done = [d for d in done if d]
    lines = [_("**Class link:** opened with {what}.").format(what=" · ".join(done))] if done else []
    lines += [f"⚠ {escape(note)}" for note in notes]
    return "\n\n".join(lines)


def checked_link_drawing(drawing: Any) -> str | None:
    """A drawing's code for a link (None for none), or a plain gr.Error for one that is not a drawing or too long."""
    if drawing is None or drawing == "":
        return None
    if not isinstance(drawing, str) or len(drawing.strip()) > LINK_MAX_CHARS:
        raise gr.Error(_("the drawing must be a drawing's code of at most {most} characters").format(
            most=count(LINK_MAX_CHARS)), print_exception=False)
    try:
        decode_drawing(drawing.strip())
    except DrawingError as exc:
        raise gr.Error(str(exc), print_exception=False) from None
    return drawing.strip()


class ClassLinks:
    """The link's note, the simple view's way out and the share box (built above the tabs), and what opening a
    link does to the Train and Duel tabs (wired once they exist)."""

    def build(self) -> None:
        with gr.Row():
            self.note = gr.Markdown("", visible=False, elem_id="link-note")
            self.show_all = gr.Button(L_("Show all controls"), visible=False, size="sm", scale=0, elem_id="show-all")
        with gr.Accordion(L_("Share this set-up"), open=False, elem_id="share") as self.share:
            gr.Markdown(L_(SHARE_HELP))
            with gr.Row():
                self.options = gr.CheckboxGroup([(L_(label), v) for label, v in SHARE_OPTIONS], value=[],
                                               show_label=False, elem_id="share-options")
                self.make = gr.Button(L_("Make the link"), scale=0, elem_id="share-make")
            self.box = gr.Textbox(label=L_("Link for your class (copy it)"), interactive=False, buttons=["copy"],
                                  elem_id="share-link")
        self.lesson_target = gr.Textbox(visible=False)  # the lesson to scroll to
        self.views = gr.Textbox(visible=False)  # the page's views ("simple projector"), for VIEW_JS
        self.page_tab = gr.Textbox(visible=False)  # filled by SHARE_JS
        self.page_address = gr.Textbox(visible=False)  # filled by SHARE_JS

    def wire(self, loaded: Any, tabs: gr.Tabs, train: TrainTab, duel: DuelTab) -> None:
        """After the page's load (`loaded`, which gave it its session) the link is applied; Show all, the share
        box, and two API endpoints (share_link, read_link)."""
        self.tabs, self.train, self.duel = tabs, train, duel
        form = train.form
        opened = loaded.then(self.on_open, inputs=[train.session, *form.values, *duel.form], outputs=self._outputs,
                             api_visibility="private", show_progress="hidden")
        opened.then(None, inputs=[self.lesson_target], outputs=None, js=LESSON_JS)
        opened.then(None, inputs=[self.views], outputs=None, js=VIEW_JS)
        self.show_all.click(self.on_show_all, inputs=None, outputs=self._hidden_parts, api_visibility="private")
        share_inputs = [form.preset, form.loss, form.seed, duel.preset, duel.seed, self.options, form.dataset,
                        form.drawing, self.page_tab, self.page_address]  # SHARE_JS fills the last two
        for event in (self.make.click, self.share.expand, self.options.input):
            event(self.on_share, inputs=share_inputs, outputs=[self.box], js=SHARE_JS, api_visibility="private")
        gr.api(self.share_link, api_name="share_link")
        gr.api(self.read_link, api_name="read_link")

    @property
    def _hidden_parts(self) -> list[Any]:
        """What the simple view hides (and Show all brings back): the preset menu, the duel's networks, seed and
        budget (its two losses stay), the share box, the Train tab's advanced controls; and Show all itself."""
        duel = self.duel
        return [self.train.form.preset, duel.preset, duel.seed, duel.budget, self.share, self.show_all,
                *self.train.advanced]

    @property
    def _outputs(self) -> list[Any]:
        train, duel = self.train, self.duel
        return [self.tabs, *train.form.values, train.form.preset_info, train.draw.canvas, *duel.form, self.note,
                self.show_all,
                self.share, self.lesson_target, self.views, train.status, train.timer, *duel.statuses, duel.timer,
                *train.advanced]

    # --- opening a link ---------------------------------------------------------------------------
    def on_open(self, token: Any, preset: Any, dataset: Any, loss: Any, arch: Any, lr_d: Any, lr_g: Any,
                batch_size: Any, latent_dim: Any, critic_steps: Any, seed: Any, budget: Any, drawing: Any,
                duel_preset: Any, duel_left: Any, duel_right: Any, duel_seed: Any, duel_budget: Any,
                request: gr.Request | None = None) -> dict[Any, Any]:
        """Apply the page address's query to the Train form and the Duel form as the page has them (Gradio passes
        the request only to a parameter it can see, hence every input named). Never raises: anything the link gets
        wrong is a line of the note."""
        link = parse_query(query_pairs(request), lessons=len(LESSONS))
        setup, notes = link.setup, list(link.notes)
        train, duel = self.train, self.duel
        form = [preset, dataset, loss, arch, lr_d, lr_g, batch_size, latent_dim, critic_steps, seed, budget, drawing]
        duel_form = [duel_preset, duel_left, duel_right, duel_seed, duel_budget]
        out: dict[Any, Any] = {}
        if setup.tab:
            out[self.tabs] = gr.Tabs(selected=setup.tab)
        if setup.preset:
            out.update(train.preset_values(setup.preset))
            out[train.form.preset] = setup.preset
            form = [setup.preset, *(out[field] for field in train.form.values[1:])]
        if setup.draw:
            out.update(train.drawing_values(setup.draw))
            form[1], form[11] = "drawn", setup.draw
        if setup.loss:
            out[train.form.loss] = form[2] = setup.loss
        if setup.seed is not None:
            out[train.form.seed] = form[9] = setup.seed
        if setup.preset in duel_presets():  # every preset, digits or 2-D toys
            out[duel.preset] = duel_form[0] = setup.preset
        if setup.seed is not None:
            out[duel.seed] = duel_form[3] = setup.seed
        if setup.autostart:
            note = self._autostart(token, setup, form, duel_form, out)
            if note:
                notes.append(note)
        if setup.simple or setup.projector:  # the projector view hides what the simple view does, and more (CSS)
            self._simple_view(out)
        out[self.views] = " ".join(name for name, on in (("simple", setup.simple), ("projector", setup.projector))
                                   if on)
        text = link_note(setup, notes, bool(query_pairs(request)))
        out[self.note] = gr.update(value=text, visible=bool(text))
        out[self.lesson_target] = str(setup.lesson) if setup.lesson else ""
        return out

    def _simple_view(self, out: dict[Any, Any]) -> None:
        """Hide what the simple view hides, keeping any new value a link gave it; offer Show all."""
        for part in self._hidden_parts:
            if part is self.show_all:
                out[part] = gr.update(visible=True)
            elif part in out:
                out[part] = gr.update(value=out[part], visible=False)
            else:
                out[part] = gr.update(visible=False)

    def _autostart(self, token: Any, setup: SetUp, form: list[Any], duel_form: list[Any],
                   out: dict[Any, Any]) -> str:
        """Start the Train run (or the duel, on tab=duel) unless this page's session already has one going (a
        refresh of the link must not restart the class's run); the statuses and timers go into `out`. Returns a
        note, or ""."""
        try:
            session = self.train.pg.session(token)
            if setup.tab == "duel":
                if any(run.alive for run in session.duel):
                    return _("a duel is already running in this tab: the link did not restart it")
                # The `draw` networks train on the form's drawing (a link's draw=, else the preset's heart).
                out.update(self.duel.on_start(token, *duel_form, form[11]))
                return ""
            if session.run is not None and session.run.alive:
                return _("training is already running in this tab: the link did not restart it")
            out.update(self.train.on_start(token, *form))
            return ""
        except gr.Error as exc:
            return _("could not start: {error}").format(error=exc.message)
        except Exception as exc:  # noqa: BLE001 - a link never breaks the page (a bad session token, ...)
            return _("could not start: {error}").format(error=exc)

    def on_show_all(self) -> dict[Any, Any]:
        """Leave the simple view: everything it hid comes back, and Show all goes."""
        return {part: gr.update(visible=part is not self.show_all) for part in self._hidden_parts}

    # --- sharing ----------------------------------------------------------------------------------
    def on_share(self, preset: Any, loss: Any, seed: Any, duel_preset: Any, duel_seed: Any, options: Any,
                 dataset: Any, drawing: Any, tab: Any, address: Any,
                 request: gr.Request | None = None) -> dict[Any, Any]:
        """The share box: the link for the tab on show (on the Duel tab, the duel's networks and seed), with the
        drawing when the Train form trains on one."""
        tab = tab if tab in TABS else "train"
        options = options if isinstance(options, list) else []
        if tab == "duel":
            preset, seed = duel_preset, duel_seed
        autostart = "autostart" in options and tab in ("train", "duel")
        draw = drawing if dataset in ("drawn", DATASET_LABELS["drawn"]) and isinstance(drawing, str) else ""
        return {self.box: self.share_link(preset, loss, seed, tab, "simple" in options, autostart, address, draw,
                                          "projector" in options, request)}

    @staticmethod
    def share_link(preset: Any, loss: Any, seed: Any, tab: Any, simple: Any = False, autostart: Any = False,
                   address: Any = "", drawing: Any = "", projector: Any = False,
                   request: gr.Request | None = None) -> str:
        """The link that opens the page with this preset, loss, seed and tab (and the simple view, autostart, a
        drawing's code to train on, and the projector view). `address`: the page's own http(s) address; empty: taken
        from the request (its Referer or Host). The link carries the page's language when it is not English."""
        if not isinstance(preset, str) or preset not in PRESETS:
            raise gr.Error(_("unknown preset {name}; choose one of {names}").format(
                name=repr(preset), names=", ".join(PRESETS)), print_exception=False)
        try:
            if not isinstance(loss, str):
                raise ValueError(_("unknown loss {name}; choose one of: {names}").format(
                    name=repr(loss), names=", ".join(LOSS_LABELS)))
            loss = key_of(LOSS_LABELS, loss, "loss")
        except ValueError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        seed = number(seed, "seed", 0, 2**31 - 1, integer=True)
        if tab not in TABS:
            raise gr.Error(_("unknown tab {name}; choose one of {names}").format(name=repr(tab), names=", ".join(TABS)),
                           print_exception=False)
        if not all(isinstance(switch, bool) for switch in (simple, autostart, projector)):
            raise gr.Error(_("simple, autostart and projector must be true or false"), print_exception=False)
        if autostart and tab not in ("train", "duel"):
            raise gr.Error(_("nothing trains on the {tab} tab: autostart needs tab train or duel").format(tab=tab),
                           print_exception=False)
        address = address or page_address(request)
        try:
            draw = checked_link_drawing(drawing)
            lang = current_language()
            return share_url(address, SetUp(preset=preset, loss=loss, seed=seed, tab=tab, simple=simple,
                                            autostart=autostart, draw=draw, projector=projector,
                                            lang=lang if lang in LANGUAGES and lang != DEFAULT else None))
        except ValueError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    @staticmethod
    def read_link(query: Any) -> dict[str, Any]:
        """What a link's query asks for, as the page would read it: {"setup": {...}, "notes": [...], "query":
        the canonical query}. Bad parameters are notes, never errors."""
        if not isinstance(query, str):
            raise gr.Error(_("the query must be text, like 'preset=collapse&tab=duel'"), print_exception=False)
        notes: list[str] = []
        if len(query) > MAX_QUERY_CHARS:
            notes.append(_("ignored: everything after the first {n} characters").format(n=MAX_QUERY_CHARS))
            query = query[:MAX_QUERY_CHARS]
        link = parse_query(query, lessons=len(LESSONS))
        return {"setup": asdict(link.setup), "notes": [*link.notes, *notes], "query": to_query(link.setup)}
