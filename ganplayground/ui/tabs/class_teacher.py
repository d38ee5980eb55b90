"""The Class tab, teacher side: start a class (with a class experiment), its links and the student link's QR code,
the live wall of every run (sorted, filtered, one run on the big screen, hide), the class chart, the results to
download, a set-up sent to everyone, and deleting the class.

The teacher key lives in this browser only (its local storage, from the teacher link's fragment) and travels to
the server as an input of the teacher's own events; it is never put in a component another page can see.
"""

from __future__ import annotations

import time
from typing import Any

import gradio as gr

from ...classroom.class_card import class_card_png, class_chart_png
from ...classroom.classes import ClassError, RunRecord
from ...classroom.experiment_words import experiment_words
from ...classroom.experiments import EXPERIMENTS, KNOBS, ExperimentError, make_experiment
from ...classroom.links import page_address, shared_setup, with_language
from ...classroom.storage import StorageError
from ...i18n import _, current_language
from ...presets import PRESETS
from ..server.class_routes import class_links, student_link
from ..server.playground import Playground
from ..widgets import wall
from ..widgets.class_pictures import chart_points, png_array, qr_picture
from ..widgets.components import NamedImage
from ..widgets.labels import LOSS_LABELS
from ..widgets.translate import L_
from .class_screen import BigScreen

CUSTOM = "custom"
CHART_SECONDS = 10.0


class TeacherPanel:
    """The teacher's half of the Class tab."""

    def __init__(self, pg: Playground, session: gr.Textbox) -> None:
        self.pg, self.session = pg, session
        self.screen = BigScreen(pg)

    def build(self) -> None:
        with gr.Accordion(L_("Teach a class"), open=False, elem_id="class-teach") as self.panel:
            with gr.Row():
                choices = [(L_("No experiment: everyone picks their own settings"), ""),
                           *((L_(e.name), key) for key, e in EXPERIMENTS.items()), (L_("My own experiment…"), CUSTOM)]
                self.experiment = gr.Dropdown(choices, value=next(iter(EXPERIMENTS), ""),
                                              label=L_("Class experiment"), elem_id="class-experiment")
                self.create = gr.Button(L_("Start a class"), variant="primary", scale=0, elem_id="class-create")
            with gr.Row(visible=False) as self.custom:
                self.knob = gr.Dropdown([(L_(label), knob) for knob, label in KNOBS.items()], value="lr_ratio",
                                        label=L_("Knob"))
                self.values = gr.Textbox(label=L_("Its values, separated by commas"), value="1, 4, 13")
                self.losses = gr.CheckboxGroup([(L_(LOSS_LABELS[k]), k) for k in LOSS_LABELS], value=["js"],
                                               label=L_("Losses"))
            self.experiment_text = gr.Markdown(L_(self._teacher_text(self.experiment.value, translate=False)))
            self.created = gr.Markdown("", elem_id="class-created")
            with gr.Row():
                with gr.Column():
                    self.student_link = gr.Textbox(label=L_("Student link (give it to the class)"), interactive=False,
                                                   buttons=["copy"], elem_id="class-student-link")
                    self.teacher_link = gr.Textbox(label=L_("Your teacher link: keep it secret (it opens this wall)"),
                                                   interactive=False, buttons=["copy"], visible=False,
                                                   elem_id="class-teacher-link")
                self.qr = NamedImage(label=L_("Student link as a QR code"), visible=False, interactive=False,
                                   height=220, buttons=[], elem_id="class-qr")
            self.my_classes = gr.Dropdown([], label=L_("Your classes (in this browser)"), elem_id="class-mine")
            self.status = gr.Markdown("", elem_id="class-teacher-status")
            with gr.Row():
                self.sort = gr.Dropdown([(L_(v), k) for k, v in wall.SORTS.items()], value="newest", label=L_("Sort"))
                self.loss_filter = gr.Dropdown([(L_("All losses"), wall.ALL),
                                                *((L_(v), k) for k, v in LOSS_LABELS.items())],
                                               value=wall.ALL, label=L_("Loss"))
                self.verdict_filter = gr.Dropdown([(L_("All verdicts"), wall.ALL), *((L_(v[0]), k) for k, v in
                                                   wall.VERDICTS.items())], value=wall.ALL, label=L_("Verdict"))
            self.wall = gr.HTML("", elem_id="class-wall")
            with gr.Row():
                self.run_menu = gr.Dropdown([], label=L_("A run"), elem_id="class-run")
                self.screen.build_button()
                self.hide = gr.Button(L_("Hide"), scale=0, elem_id="class-hide")
                self.unhide = gr.Button(L_("Show again"), scale=0, elem_id="class-unhide")
            self.screen.build()
            self.chart = NamedImage(label=L_("The class chart"), interactive=False, visible=False,
                                    elem_id="class-chart")
            self._build_sharing()
            self.seen = gr.State(None)

    def _build_sharing(self) -> None:
        with gr.Row():
            self.share_preset = gr.Dropdown(list(PRESETS), value="collapse", label=L_("Send a preset to everyone"))
            self.share_link = gr.Textbox(label=L_("…or a class link (its preset, loss and seed)"),
                                         placeholder="https://…")
            self.send = gr.Button(L_("Send to the class"), scale=0, elem_id="class-send")
        with gr.Row():
            self.download = gr.Button(L_("Download the results (CSV and class card)"), elem_id="class-download")
            self.delete = gr.Button(L_("Delete this class now"), variant="stop", scale=0, elem_id="class-delete")
        self.files = gr.File(label=L_("Results"), file_count="multiple", interactive=False, visible=False,
                             elem_id="class-files")

    @staticmethod
    def _teacher_text(choice: Any, translate: bool = True) -> str:
        experiment = EXPERIMENTS.get(choice) if isinstance(choice, str) else None
        return (_(experiment.teacher_text) if translate else experiment.teacher_text) if experiment else ""

    # --- wiring ------------------------------------------------------------------------------------
    @property
    def view_inputs(self) -> list[Any]:
        return [self.my_classes, self.sort, self.loss_filter, self.verdict_filter, self.seen]

    @property
    def tick_outputs(self) -> list[Any]:
        return [self.status, self.wall, self.run_menu, self.chart, self.seen]

    @property
    def open_outputs(self) -> list[Any]:
        return [self.panel, self.created, self.student_link, self.qr, self.my_classes, self.status,
                self.experiment_text]

    def wire(self, memory: Any, timer: gr.Timer) -> None:
        self.memory, self.timer = memory, timer
        hidden = {"api_visibility": "private"}
        self.experiment.change(self.on_experiment, inputs=[self.experiment], outputs=[self.custom,
                               self.experiment_text], **hidden)
        self.create.click(self.on_create, inputs=[self.experiment, self.knob, self.values, self.losses, memory],
                          outputs=[*self.open_outputs, self.teacher_link, memory, timer, self.seen], **hidden)
        view = [memory, *self.view_inputs]
        for event in (self.my_classes.change, self.sort.change, self.loss_filter.change, self.verdict_filter.change):
            event(self.on_view, inputs=view, outputs=[*self.tick_outputs, timer], **hidden)
        for button, hide in ((self.hide, True), (self.unhide, False)):
            button.click(self.on_hide(hide), inputs=[memory, self.my_classes, self.run_menu],
                         outputs=[self.status, self.seen], **hidden)
        self.screen.wire([memory, self.my_classes, self.run_menu], self._records)
        self.send.click(self.on_send, inputs=[memory, self.my_classes, self.share_preset, self.share_link],
                        outputs=[self.status], **hidden)
        self.download.click(self.on_download, inputs=[memory, self.my_classes], outputs=[self.files], **hidden)
        self.delete.click(self.on_delete, inputs=[memory, self.my_classes],
                          outputs=[self.status, self.my_classes, memory, self.wall, self.seen], **hidden)

    # --- keys and classes ----------------------------------------------------------------------------
    @staticmethod
    def _teaching(memory: Any) -> dict[str, str]:
        teaching = memory.get("teaching") if isinstance(memory, dict) else None
        return {str(k): str(v) for k, v in teaching.items()} if isinstance(teaching, dict) else {}

    def _key(self, memory: Any, code: Any) -> str:
        key = self._teaching(memory).get(code) if isinstance(code, str) else None
        if not key:
            raise gr.Error(_("Choose one of your classes first (or open your teacher link in this browser)."),
                           print_exception=False)
        return key

    def _remember(self, memory: Any, code: str, key: str) -> dict[str, Any]:
        memory = dict(memory) if isinstance(memory, dict) else {}
        memory["teaching"] = {**self._teaching(memory), code: key}
        return memory

    def is_teaching(self, view: tuple[Any, ...]) -> bool:
        return bool(view and view[0])

    def _class_view(self, code: str, memory: dict[str, Any], request: Any, extra: str = "") -> dict[Any, Any]:
        student = with_language(student_link(page_address(request), code), current_language())
        experiment = self.pg.classes.experiment(code)
        title, text = experiment_words(experiment, EXPERIMENTS.values()) if experiment else ("", "")
        about = (_("**This class's experiment: {name}**").format(name=title) + f"\n\n{text}" if experiment
                 else _("This class has no experiment: every student picks their own settings."))
        return {self.panel: gr.Accordion(open=True), self.student_link: student, self.experiment_text: about,
                self.qr: gr.update(value=qr_picture(student), visible=True),
                self.my_classes: gr.Dropdown(choices=list(self._teaching(memory)), value=code),
                self.created: extra or _("**Class {code}**").format(code=code), self.status: ""}

    # --- handlers --------------------------------------------------------------------------------------
    def on_experiment(self, choice: Any) -> dict[Any, Any]:
        return {self.custom: gr.update(visible=choice == CUSTOM), self.experiment_text: self._teacher_text(choice)}

    def on_create(self, choice: Any, knob: Any, values: Any, losses: Any, memory: Any,
                  request: gr.Request | None = None) -> dict[Any, Any]:
        """Start a class: its links (the teacher's shown this once), the QR code, its wall."""
        try:
            experiment: Any = choice or None
            if choice == CUSTOM:
                experiment = make_experiment(knob, values, losses or ["js"]).to_dict()
            new = self.pg.classes.create(experiment)
        except (ClassError, ExperimentError, StorageError) as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        links = class_links(page_address(request), new)
        memory = self._remember(memory, new.code, new.teacher_key)
        out = self._class_view(new.code, memory, request, _(
            "**Class {code}** is open. Give the class its student link or QR code. Your teacher link is shown only "
            "now: keep it to open this wall from another browser.").format(code=new.code))
        teacher_link = with_language(links["teacher_link"], current_language())
        return {**out, self.teacher_link: gr.update(value=teacher_link, visible=True),
                self.memory: memory, self.timer: gr.Timer(active=True), self.seen: None}

    def open_new(self) -> dict[Any, Any]:
        return {self.panel: gr.Accordion(open=True)}

    def open_class(self, code: str, key: str, memory: Any, request: Any) -> dict[Any, Any]:
        """A teacher link: check its key, remember it in this browser, show the wall."""
        self.pg.classes.book.check_key(code, key)
        memory = self._remember(memory, code, key)
        return {**self._class_view(code, memory, request), self.memory: memory, self.timer: gr.Timer(active=True)}

    def open_known(self, memory: Any) -> dict[Any, Any]:
        codes = list(self._teaching(memory))
        if not codes:
            return {}
        return {self.my_classes: gr.Dropdown(choices=codes, value=codes[-1]), self.timer: gr.Timer(active=True)}

    def _records(self, memory: Any, code: Any) -> list[RunRecord]:
        try:
            return self.pg.classes.wall(code, self._key(memory, code))
        except (ClassError, StorageError) as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def on_tick(self, memory: Any, code: Any, sort: Any, loss: Any, verdict: Any, seen: Any) -> dict[Any, Any]:
        """The wall, the run menu, the chart: sent again only when something changed."""
        if not code:
            return {part: gr.skip() for part in self.tick_outputs}
        try:
            records = self._records(memory, code)
        except gr.Error as exc:
            return {**{part: gr.skip() for part in self.tick_outputs}, self.status: f"⚠ {exc.message}"}
        shown = wall.choose(records, str(sort), str(loss), str(verdict))
        seen = seen if isinstance(seen, dict) else {}
        signature = repr((code, sort, loss, verdict, [(r.id, r.updated_at, r.hidden) for r in records]))
        if seen.get("wall") == signature:
            return {part: gr.skip() for part in self.tick_outputs}
        points, knob = chart_points([r for r in records if not r.hidden])
        finished = [p for p in points if p.finished]
        # The chart is drawn again when a result came in, at most every CHART_SECONDS (matplotlib takes 0.2-1 s
        # on a busy 2-core server: benchmarks/class_wall.py).
        chart = repr((code, finished))
        draw = bool(finished) and seen.get("chart") != chart and time.time() - seen.get("chart_at", 0) > CHART_SECONDS
        full = _("The class database is full: new runs are not recorded.") if self.pg.classes.book.full else ""
        return {self.status: wall.summary(records) + (f" · ⚠ {full}" if full else ""),
                self.wall: wall.wall_html(shown, self.pg.classes.cut_off),
                self.run_menu: gr.Dropdown(choices=[(wall.run_title(r), r.id) for r in records]),
                self.chart: gr.update(value=png_array(class_chart_png(finished, knob, _("Class {code}").format(
                    code=code))), visible=True) if draw else gr.skip(),
                self.seen: {"wall": signature, "chart": chart if draw else seen.get("chart"),
                            "chart_at": time.time() if draw else seen.get("chart_at", 0)}}

    def on_view(self, memory: Any, code: Any, sort: Any, loss: Any, verdict: Any, seen: Any) -> dict[Any, Any]:
        return {**self.on_tick(memory, code, sort, loss, verdict, None), self.timer: gr.Timer(active=bool(code))}

    def on_hide(self, hidden: bool) -> Any:
        def handler(memory: Any, code: Any, run_id: Any) -> dict[Any, Any]:
            if not isinstance(run_id, str) or not run_id:
                raise gr.Error(_("Choose a run first."), print_exception=False)
            try:
                self.pg.classes.book.hide(code, self._key(memory, code), run_id, hidden)
            except (ClassError, StorageError) as exc:
                raise gr.Error(str(exc), print_exception=False) from None
            words = _("That run is hidden from the wall and the class.") if hidden else _(
                "That run is back on the class's wall.")
            return {self.status: words, self.seen: None}
        return handler

    def on_send(self, memory: Any, code: Any, preset: Any, link: Any) -> dict[Any, Any]:
        """Share a preset (or a class link's preset, loss and seed) with every student of the class."""
        try:
            setup = shared_setup(preset, link if isinstance(link, str) else "")
        except ValueError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        try:
            self.pg.classes.book.share(code, self._key(memory, code), setup)
        except (ClassError, StorageError) as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return {self.status: _("Sent to class {code}: the **{preset}** preset. Students see it on their Class tab "
                               "with a Load button; runs going on are not touched.").format(code=code,
                                                                                          preset=setup["preset"])}

    def on_download(self, memory: Any, code: Any) -> dict[Any, Any]:
        """The results CSV and the class card (the chart and every run's thumbnail)."""
        key = self._key(memory, code)
        try:
            text = self.pg.classes.book.csv(code, key)
        except (ClassError, StorageError) as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        records = [r for r in self.pg.classes.wall(code, key) if not r.hidden]
        points, knob = chart_points(records)
        card = class_card_png(points, knob, [(wall.member_name(r), r.thumbnail) for r in records if r.thumbnail],
                              _("Class {code}").format(code=code))
        paths = [self.pg.downloads.write(f"class-{code}-runs.csv", text.encode()),
                 self.pg.downloads.write(f"class-{code}-card.png", card)]
        return {self.files: gr.update(value=paths, visible=True)}

    def on_delete(self, memory: Any, code: Any) -> dict[Any, Any]:
        try:
            self.pg.classes.book.delete(code, self._key(memory, code))
        except (ClassError, StorageError) as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        memory = dict(memory)
        memory["teaching"] = {k: v for k, v in self._teaching(memory).items() if k != code}
        codes = list(memory["teaching"])
        return {self.status: _("Class {code} and its runs are deleted.").format(code=code), self.memory: memory,
                self.wall: "",
                self.my_classes: gr.Dropdown(choices=codes, value=codes[-1] if codes else None), self.seen: None}
