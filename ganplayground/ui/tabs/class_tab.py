"""The Class tab, student side: join a class (the student link ?class=CODE joins at once), the class experiment's
value for this student (its settings loaded into the Train form), a prediction before Start, what the teacher
shared, and a read-only wall of the class. The teacher's side is class_teacher.py, built in the same tab.

The rules, the storage and the reports are engine and server (classroom/classes.py, server/class_hub.py); this only
turns page events into hub calls and hub answers into components.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ...classroom.classes import ClassError, Member, Prediction
from ...classroom.links import NEW_CLASS, parse_query
from ...classroom.storage import StorageError
from ...i18n import N_, _
from ...presets import PRESETS
from ..server.playground import Playground
from ..widgets import wall
from ..widgets.labels import LESSONS
from ..widgets.translate import L_
from .class_links import query_pairs
from .class_teacher import TeacherPanel
from .train_tab import TrainTab

POLL_SECONDS = 3.0
DIGIT_CHOICES = [str(n) for n in range(11)]
COMES_BACK = [(N_("Yes, they come back"), "yes"), (N_("No, they stay lost"), "no")]
# Before the load handler: the teacher key from the teacher link's fragment (#key=...) becomes the last input, and
# the fragment leaves the address bar, so the key is not shown on a projected screen. A fragment never reaches the
# server, nor its logs.
KEY_FROM_HASH_JS = """(...args) => {
  const match = window.location.hash.match(/key=([A-Za-z0-9_-]+)/);
  args[args.length - 1] = match ? match[1] : "";
  if (match) history.replaceState(null, "", window.location.pathname + window.location.search);
  return args;
}"""


def message(exc: Exception) -> str:
    """An error for a Markdown box, shown as text (it can quote what was typed, such as a class code)."""
    return f"⚠ {wall.escape_md(str(exc))}"


class ClassTab:
    """The Class tab over a Playground; the page's session box; the Train tab (its form takes a shared set-up or
    the experiment's settings)."""

    def __init__(self, pg: Playground, session: gr.Textbox, train: TrainTab) -> None:
        self.pg, self.session, self.train = pg, session, train
        self.teacher = TeacherPanel(pg, session)

    def build_state(self) -> None:
        """At the top level of the page (see header.py): what this browser remembers of its classes."""
        self.memory = gr.BrowserState({}, storage_key="ganplayground-class")

    def where_text(self) -> str:
        """Where the class data is kept, in the reader's language: the folder's path shown as it is written (a
        "_" or "*" in it must not format)."""
        return f"_{wall.escape_md(self.pg.classes.where)}_"

    def build(self) -> None:
        with gr.Tab(L_("Class"), id="class"):
            self.where = gr.Markdown("", elem_id="class-where")  # worded as the page loads (Header.wire's texts)
            self._build_student()
            self.teacher.build()
            self.timer = gr.Timer(POLL_SECONDS, active=False)
            self.hash_key = gr.Textbox(visible=False)
            self._wire()

    def _build_student(self) -> None:
        gr.Markdown(L_("### Join your class"))
        with gr.Row():
            self.code = gr.Textbox(label=L_("Class code"), placeholder="K7QM2X", max_length=12, elem_id="class-code")
            self.name = gr.Textbox(label=L_("Your name (optional, shown to the class)"), max_length=24,
                                   elem_id="class-name")
            self.join = gr.Button(L_("Join"), variant="primary", scale=0, elem_id="class-join")
        self.info = gr.Markdown("", elem_id="class-info")
        with gr.Row():
            self.shared = gr.Markdown("", visible=False, elem_id="class-shared")
            self.load_shared = gr.Button(L_("Load it"), visible=False, scale=0, elem_id="class-load-shared")
        with gr.Group(visible=False, elem_id="class-predict") as self.predict_box:
            self.digits = gr.Radio(DIGIT_CHOICES, label=L_("Predict before you press Start: how many of the ten "
                                   "digits will it draw at the end?"), elem_id="class-predict-digits")
            self.comes_back = gr.Radio([(L_(label), v) for label, v in COMES_BACK], label=L_(
                "If you switch the loss mid-run: will the lost digits come back?"), elem_id="class-predict-back")
        self.prediction_note = gr.Markdown("", elem_id="class-prediction")
        self.student_wall = gr.HTML("", visible=False, elem_id="class-student-wall")
        self.student_seen = gr.State(None)  # what the student's wall shows already (its poll skips when unchanged)

    def _wire(self) -> None:
        s = self.session
        gr.api(self.class_join, api_name="class_join")
        gr.api(self.class_predict, api_name="class_predict")
        self.join.click(self.on_join, inputs=[s, self.code, self.name, self.memory], outputs=self._join_outputs,
                        api_visibility="private")
        for box in (self.digits, self.comes_back):
            box.input(self.on_predict, inputs=[s, self.digits, self.comes_back], outputs=[self.prediction_note],
                      api_visibility="private")
        self.load_shared.click(self.on_load_shared, inputs=[s], outputs=self._form_outputs, api_visibility="private")
        self.timer.tick(self.on_tick, inputs=[s, self.memory, self.student_seen, *self.teacher.view_inputs],
                        outputs=self._tick_outputs, show_progress="hidden", concurrency_limit=None,
                        api_visibility="private")
        self.teacher.wire(self.memory, self.timer)

    def wire_open(self, loaded: Any, tabs: gr.Tabs) -> Any:
        """After the page's load: join the link's class, or re-attach to the one this browser joined, or open
        the teacher's view of a teacher link. Returns the event the class links chain on (so an autostarted
        run is already a class run)."""
        self.tabs = tabs
        return loaded.then(self.on_open, inputs=[self.session, self.memory, self.hash_key],
                           outputs=[*self._join_outputs, tabs, *self.teacher.open_outputs], js=KEY_FROM_HASH_JS,
                           api_visibility="private", show_progress="hidden")

    # --- outputs -----------------------------------------------------------------------------------
    @property
    def _form_outputs(self) -> list[Any]:
        form = self.train.form
        return [*form.values, form.preset_info, self.train.draw.canvas]

    @property
    def _join_outputs(self) -> list[Any]:
        return [self.info, self.code, self.memory, self.predict_box, self.student_wall, self.timer,
                *self._form_outputs]

    @property
    def _tick_outputs(self) -> list[Any]:
        return [self.student_wall, self.shared, self.load_shared, self.prediction_note, self.timer, self.student_seen,
                *self.teacher.tick_outputs]

    # --- joining ------------------------------------------------------------------------------------
    def class_join(self, session: Any, code: Any, name: Any = "") -> dict[str, Any]:
        """Join a class (API): {"code", "name", "number", "experiment"} (the sentence for this student's value of
        the class experiment, or ""). Rejoining from the same session keeps the same place."""
        member = self._join(session, code, name)
        arm = self.pg.classes.arm(member)
        return {"code": member.code, "name": member.name, "number": member.number,
                "experiment": arm.words if arm else ""}

    def _join(self, session: Any, code: Any, name: Any) -> Member:
        token = self.pg.session(session).token
        if not isinstance(code, str) or not isinstance(name, str | None):
            raise gr.Error(_("the class code and the name are text"), print_exception=False)
        try:
            return self.pg.classes.join(token, code, name or "")
        except (ClassError, StorageError) as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def on_join(self, session: Any, code: Any, name: Any, memory: Any) -> dict[Any, Any]:
        member = self._join(session, code, name)
        return self._joined(member, memory, load_settings=True)

    def _joined(self, member: Member, memory: Any, load_settings: bool) -> dict[Any, Any]:
        """The student's view once in a class; the experiment's settings go into the Train form."""
        memory = dict(memory) if isinstance(memory, dict) else {}
        memory.update(code=member.code)
        arm = self.pg.classes.arm(member)
        lines = [_("You are **{name}** in class **{code}**. Your runs on the Train and Duel tabs are shared with the "
                   "class.").format(name=wall.escape_md(wall.member_name(member)), code=member.code)]
        out: dict[Any, Any] = {}
        if arm is not None:
            lines.append(f"🧪 {arm.words}")
            experiment = self.pg.classes.experiment(member.code)
            if load_settings and experiment is not None:
                out.update(self._form_values(experiment.form_values(arm, member.slot)))
                lines.append(_("Its settings are loaded on the Train tab: press **Start** there."))
        out.update({self.info: "\n\n".join(lines), self.code: member.code, self.memory: memory,
                    self.predict_box: gr.update(visible=True), self.student_wall: gr.update(visible=True),
                    self.timer: gr.Timer(active=True)})
        return out

    def _form_values(self, values: dict[str, Any]) -> dict[Any, Any]:
        """The Train form filled with a preset, then the values given (loss, learning rates, batch, seed)."""
        form = self.train.form
        preset = values.get("preset")
        if preset not in PRESETS:
            return {}
        out = self.train.preset_values(preset)
        out[form.preset] = preset
        fields = {"loss": form.loss, "lr_d": form.lr_d, "lr_g": form.lr_g, "batch_size": form.batch,
                  "critic_steps": form.critic, "seed": form.seed, "max_seconds": form.budget}
        for name, component in fields.items():
            if values.get(name) is not None:
                out[component] = values[name]
        if isinstance(values.get("draw"), str) and values["draw"]:
            out.update(self.train.drawing_values(values["draw"]))
        return out

    def on_open(self, session: Any, memory: Any, hash_key: Any, request: gr.Request | None = None) -> dict[Any, Any]:
        """The page opened: ?class=CODE joins (a teacher link's key opens the wall instead), ?class=new opens the
        teacher's panel; without either, the class this browser joined before is found again."""
        link = parse_query(query_pairs(request), lessons=len(LESSONS))
        code = link.setup.class_code
        out: dict[Any, Any] = {}
        try:
            token = self.pg.session(session).token
            if code == NEW_CLASS:
                return {self.tabs: gr.Tabs(selected="class"), **self.teacher.open_new()}
            if code and isinstance(hash_key, str) and hash_key:
                teacher = self.teacher.open_class(code, hash_key, memory, request)
                return {self.tabs: gr.Tabs(selected="class"), **teacher}
            if code:
                name = memory.get("name", "") if isinstance(memory, dict) else ""
                member = self.pg.classes.join(token, code, name)
                return {self.tabs: gr.Tabs(selected="class"), **self._joined(member, memory, load_settings=True)}
            known = memory.get("code") if isinstance(memory, dict) else None
            member = self.pg.classes.reattach(token, known) if isinstance(known, str) and known else None
            if member is not None:
                out.update(self._joined(member, memory, load_settings=False))
            out.update(self.teacher.open_known(memory))
        except (ClassError, StorageError, gr.Error) as exc:
            out[self.info] = message(getattr(exc, "message", exc))
        return out or {self.info: gr.skip()}  # an empty dict would read as one value: nothing to change

    # --- predictions, shared set-ups, the poll -------------------------------------------------------------
    def class_predict(self, session: Any, digits: Any = None, comes_back: Any = None) -> str:
        """Store a prediction (API): digits 0-10 for the end of the run, comes_back "yes"/"no" for a loss switch;
        either may be empty. It goes with this session's next run, and with the run going now."""
        token = self.pg.session(session).token
        try:
            number = None if digits in (None, "") else int(digits)
        except (TypeError, ValueError):
            number = -1
        if number is not None and not 0 <= number <= 10:
            raise gr.Error(_("predict a number of digits from 0 to 10"), print_exception=False)
        if comes_back not in (None, "", "yes", "no"):
            raise gr.Error(_("will the digits come back: answer yes or no"), print_exception=False)
        back = None if comes_back in (None, "") else comes_back == "yes"
        try:
            prediction = self.pg.classes.predict(token, number, back)
        except (ClassError, StorageError) as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        return prediction_words(prediction)

    def on_predict(self, session: Any, digits: Any, comes_back: Any) -> dict[Any, Any]:
        return {self.prediction_note: self.class_predict(session, digits, comes_back)}

    def on_load_shared(self, session: Any) -> dict[Any, Any]:
        """Fill the Train form with what the teacher shared. A run going on is left alone."""
        member = self.pg.classes.member(self.pg.session(session).token)
        shared = self.pg.classes.book.info(member.code).shared if member else None
        if not shared:
            raise gr.Error(_("Your teacher has not shared a set-up yet."), print_exception=False)
        return self._form_values(shared)

    def on_tick(self, session: Any, memory: Any, seen: Any, *teacher_view: Any) -> dict[Any, Any]:
        """Every few seconds: the student's wall and what the teacher shared (sent only when they changed); the
        teacher's wall."""
        out: dict[Any, Any] = self.teacher.on_tick(memory, *teacher_view)
        student = [self.student_wall, self.shared, self.load_shared, self.prediction_note, self.student_seen]
        member = self.pg.classes.member(self.pg.session(session).token)
        if member is None:
            out.update({part: gr.skip() for part in student})
            out.setdefault(self.timer, gr.Timer(active=self.teacher.is_teaching(teacher_view)))
            return out
        try:
            info, records = self.pg.classes.book.info(member.code), self.pg.classes.wall(member.code)
        except (ClassError, StorageError) as exc:
            return {**out, self.student_wall: message(exc), self.timer: gr.Timer(active=False)}
        signature = repr((member.code, info.shared, [(r.id, r.updated_at) for r in records]))
        if seen == signature:
            return {**out, **{part: gr.skip() for part in student}}
        mine = [r for r in records if r.member_id == member.id]
        text = shared_words(info.shared) if info.shared else ""
        return {**out, self.student_wall: wall.wall_html(wall.choose(records), self.pg.classes.cut_off),
                self.prediction_note: your_outcome(mine[-1]) if mine else gr.skip(),
                self.shared: gr.update(value=text, visible=bool(text)), self.load_shared: gr.update(visible=bool(text)),
                self.student_seen: signature}


def prediction_words(prediction: Prediction) -> str:
    parts = []
    if prediction.digits is not None:
        parts.append(_("**{n}** of the ten digits at the end").format(n=prediction.digits))
    if prediction.comes_back is not None:
        parts.append(_("the digits **come back**") if prediction.comes_back else _("the digits **stay lost**"))
    return _("Your prediction: {what}.").format(what=" · ".join(parts)) if parts else ""


def your_outcome(record: Any) -> str:
    """The student's last run: the prediction beside the outcome."""
    words = wall.outcome_words(record)
    return _("Your last run: {what}.").format(what=words) if words else ""


def shared_words(shared: dict[str, Any]) -> str:
    what = []
    if shared.get("preset"):
        what.append(_("the **{name}** preset").format(name=shared["preset"]))
    if shared.get("loss"):
        what.append(_("loss *{name}*").format(name=wall.loss_label(shared["loss"])))
    if shared.get("seed") is not None:
        what.append(_("seed {seed}").format(seed=shared["seed"]))
    return "📣 " + _("Your teacher shared: {what}. Loading it fills the Train tab; a run going on goes on.").format(
        what=", ".join(what))
