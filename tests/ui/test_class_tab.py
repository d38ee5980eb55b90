"""The Class tab's handlers, called directly: a teacher starts a class (links, QR code, the experiment), a student
joins (the experiment's settings in the Train form, names shown as text), the teacher shares a set-up and hides a
run; and what a page without the teacher key cannot do."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest
from starlette.datastructures import QueryParams

from ganplayground.classroom.classes import Prediction, RunRecord
from ganplayground.classroom.data_folder import DataFolder
from ganplayground.classroom.experiments import WHERE_COLLAPSE_BEGINS
from ganplayground.i18n import N_, use_language
from ganplayground.ui.app import Page
from ganplayground.ui.server.playground import Playground
from ganplayground.ui.widgets import wall


def teacher_class(page: Page, experiment: str = "") -> tuple[str, dict]:
    """Start a class from the teacher's panel: its code and the browser's memory (holding the key)."""
    t = page.klass.teacher
    out = t.on_create(experiment, "lr_ratio", "1, 4", ["js"], {})
    memory = out[t.memory]
    (code,) = memory["teaching"]
    return code, memory


def test_starting_a_class_shows_both_links_once_and_a_qr_code(page: Page) -> None:
    t = page.klass.teacher
    out = t.on_create("", "lr_ratio", "", [], {})
    (code, key), = out[t.memory]["teaching"].items()
    assert out[t.student_link].endswith(f"?class={code}")
    assert out[t.teacher_link]["value"].endswith(f"?class={code}#key={key}")
    qr = out[t.qr]["value"]
    assert isinstance(qr, np.ndarray) and qr.shape[0] > 100 and set(np.unique(qr)) == {0, 255}
    reopened = t.open_known(out[t.memory])
    assert t.teacher_link not in reopened  # the teacher link is shown once


def test_a_custom_experiment_with_bad_values_gets_a_plain_message(page: Page) -> None:
    with pytest.raises(gr.Error):
        page.klass.teacher.on_create("custom", "lr_ratio", "1, banana", ["js"], {})


def test_the_data_folder_is_shown_as_written(page: Page, pg: Playground, monkeypatch: pytest.MonkeyPatch) -> None:
    # Markdown would have eaten "_" and "*" in a path such as /tmp/tests-4_vqp/data (seen in CI).
    path = "/srv/tests-4_vqp/my*data*"
    folder = DataFolder(Path(path), N_("Class data is kept in {path} on this computer."), (("path", path),))
    monkeypatch.setattr(pg.classes, "folder", folder)
    assert page.klass.where_text() == r"_Class data is kept in \/srv\/tests\-4\_vqp\/my\*data\* on this computer\._"


def test_a_student_of_the_experiment_gets_its_settings_in_the_train_form(page: Page, pg: Playground) -> None:
    code, _ = teacher_class(page, "where-collapse-begins")
    token = pg.session("student-form-01").token
    out = page.klass.on_join(token, code, "**Bold** <i>x</i>", {})
    form = page.train.form
    arm = WHERE_COLLAPSE_BEGINS.arm(0)
    values = WHERE_COLLAPSE_BEGINS.form_values(arm)
    assert out[form.preset] == "collapse" and out[form.lr_d] == pytest.approx(values["lr_d"])
    assert arm.words in out[page.klass.info]
    assert "\\*\\*Bold\\*\\* \\<i\\>x\\<\\/i\\>" in out[page.klass.info]  # shown as typed, not formatted
    assert out[page.klass.memory]["code"] == code


def test_a_shared_set_up_reaches_the_student_and_loads_into_the_form(page: Page, pg: Playground) -> None:
    code, memory = teacher_class(page)
    token = pg.session("student-share-1").token
    page.klass.on_join(token, code, "", {})
    t = page.klass.teacher
    t.on_send(memory, code, "collapse", "http://x/?preset=wgan-gp&loss=wgan-gp&seed=4")
    tick = page.klass.on_tick(token, {"code": code}, None, "", "newest", "all", "all", None)
    assert "wgan-gp" in tick[page.klass.shared]["value"] and tick[page.klass.load_shared]["visible"]
    loaded = page.klass.on_load_shared(token)
    assert loaded[page.train.form.preset] == "wgan-gp" and loaded[page.train.form.seed] == 4


def test_hidden_runs_leave_the_students_wall_and_stay_on_the_teachers(page: Page, pg: Playground) -> None:
    code, memory = teacher_class(page)
    hub = pg.classes
    members = [hub.join(f"student-hide-{i}", code, name) for i, name in enumerate(("Ann", "Ben"))]
    ids = [hub.book.start_run(m, "train", {"preset": "default"}, prediction=Prediction(5)) for m in members]
    t = page.klass.teacher
    t.on_hide(True)(memory, code, ids[0])
    student = page.klass.on_tick("student-hide-1", {"code": code}, None, "", "newest", "all", "all", None)
    assert "Ben" in student[page.klass.student_wall] and "Ann" not in student[page.klass.student_wall]
    teacher = t.on_tick(memory, code, "newest", "all", "all", None)
    assert "Ann" in teacher[t.wall] and "hidden from the class" in teacher[t.wall]


def test_a_page_without_the_teacher_key_cannot_act_for_the_teacher(page: Page, pg: Playground) -> None:
    code, _ = teacher_class(page)
    t = page.klass.teacher
    student_memory = {"code": code}
    for action in (lambda: t.on_send(student_memory, code, "collapse", ""),
                   lambda: t.on_download(student_memory, code),
                   lambda: t.on_delete(student_memory, code),
                   lambda: t.on_hide(True)(student_memory, code, "some-run-id"),
                   lambda: t.open_class(code, "a-wrong-key-0000000000", {}, None)):
        with pytest.raises((gr.Error, ValueError)):
            action()
    assert pg.classes.book.info(code).code == code  # still there


def test_a_page_opened_without_a_class_changes_nothing_on_the_class_tab(page: Page, pg: Playground) -> None:
    out = page.klass.on_open(pg.session("no-class-page-1").token, {}, "", None)
    assert out and all(isinstance(v, dict) and v.get("__type__") == "update" and len(v) == 1 for v in out.values())


def test_a_class_link_with_a_wrong_code_says_so_on_the_class_tab(page: Page, pg: Playground) -> None:
    def open_class_link(code: str) -> dict:
        request = SimpleNamespace(query_params=QueryParams(f"class={code}"), headers={"host": "127.0.0.1:7860"})
        return page.klass.on_open(pg.session("wrong-code-page-1").token, {}, "", request)

    assert open_class_link("K7QM2X")[page.klass.info] == (  # a code no class has: shown as text
        r"⚠ No class with the code “K7QM2X”\: it may have expired or been deleted\.")
    # Not a code at all: the link's note says so (test_links.py); the class tab is left as it is.
    assert open_class_link("**ab**") == {page.klass.info: gr.skip()}


def test_the_student_and_teacher_links_carry_the_teachers_page_language(page: Page) -> None:
    t = page.klass.teacher
    with use_language("de"):
        out = t.on_create("", "lr_ratio", "", [], {})
    (code, key), = out[t.memory]["teaching"].items()
    assert out[t.student_link].endswith(f"?class={code}&lang=de")
    assert out[t.teacher_link]["value"].endswith(f"?class={code}&lang=de#key={key}")
    assert "Klasse" in out[t.created]


def test_a_wall_card_and_its_experiment_label_come_out_in_spanish() -> None:
    record = RunRecord(id="r1", code="K7QM2X", member_id=1, name="Student 3", number=3, tab="train", loss="js",
                       settings={}, arm={"knob": "seed", "value": 4, "label": "seed 4 · JS", "loss": "js"},
                       prediction=Prediction(digits=4), meter=(), verdict="collapse", digits_covered=1,
                       legibility=None, step=7000, seconds=20.4, device="cpu", finished=True, hidden=False,
                       thumbnail=None, created_at=0.0, updated_at=0.0)
    with use_language("es"):
        card = wall.card(record)
    assert "Alumno 3" in card and "semilla 4 · JS" in card and "colapso" in card and "7.000" in card
    assert "predicted" not in card and "finished" not in card
    assert "Student 3 · " in wall.card(record) and "step 7,000" in wall.card(record)  # English stays as it was
