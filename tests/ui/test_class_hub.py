"""The class on the server: a member's runs report to the class as they go (settings, meter, thumbnail, device,
steps, seconds, prediction), class runs get the class's budget, and everything is there again after a restart."""

from __future__ import annotations

from pathlib import Path

from ganplayground.classroom.classes import Prediction
from ganplayground.classroom.data_folder import DataFolder
from ganplayground.classroom.experiments import WHERE_COLLAPSE_BEGINS
from ganplayground.ui.app import build_demo
from ganplayground.ui.server.playground import Playground

from ..waiting import wait_for
from .pages import FORM


def playground(folder: Path) -> Playground:
    return Playground(max_trainings=2, snapshot_seconds=0.1, metrics_seconds=0.5,
                      folder=DataFolder(folder, "Class data is kept in a test folder."))


def finished_record(pg: Playground, code: str, key: str, n: int = 1) -> list:
    def done() -> list | None:
        pg.classes.report_now()
        records = pg.classes.wall(code, key)
        return records if len(records) >= n and all(r.finished for r in records) else None
    return wait_for(done, 60, "the class's runs reported finished")


def test_a_members_run_reports_its_settings_meter_thumbnail_and_prediction(tmp_path: Path) -> None:
    pg = playground(tmp_path)
    try:
        page = build_demo(pg).page
        new = pg.classes.create()
        token = pg.session("student-session-1").token
        assert page.klass.class_join(token, new.code, "Ada")["name"] == "Ada"
        assert "4" in page.klass.class_predict(token, 4, "")
        page.train.start_run(token, *FORM[:-1], 5)  # a 5-second budget
        (record,) = finished_record(pg, new.code, new.teacher_key)
        assert (record.name, record.tab, record.loss, record.prediction) == ("Ada", "train", "js", Prediction(4, None))
        assert record.settings["preset"] == "default" and record.settings["lr_d"] == FORM[4]
        assert record.step > 0 and record.seconds > 0 and "CPU" in record.device
        assert record.meter and record.verdict in ("collapse", "healthy", "illegible")
        assert record.digits_covered == record.meter[-1].digits_covered
        assert record.thumbnail is not None and len(record.thumbnail) <= 10_000
        assert record.thumbnail.startswith(b"\x89PNG")
    finally:
        pg.close()


def test_a_run_outside_any_class_is_not_reported(tmp_path: Path) -> None:
    pg = playground(tmp_path)
    try:
        page = build_demo(pg).page
        new = pg.classes.create()
        page.train.start_run(pg.session("loner-session-1").token, *FORM[:-1], 5)
        assert pg.classes.report_now() == 0 and pg.classes.wall(new.code, new.teacher_key) == []
    finally:
        pg.close()


def test_experiment_members_get_the_next_value_and_its_step_budget(tmp_path: Path) -> None:
    pg = playground(tmp_path)
    try:
        new = pg.classes.create("where-collapse-begins")
        arms = [pg.classes.arm(pg.classes.join(f"student-{i:04d}", new.code)) for i in range(3)]
        assert arms == [WHERE_COLLAPSE_BEGINS.arm(i) for i in range(3)] and len(set(arms)) == 3
        config = pg.classes.class_config("student-0000", WHERE_COLLAPSE_BEGINS.config_for(arms[0]))
        assert config.max_steps == WHERE_COLLAPSE_BEGINS.steps_for(arms[0].loss)
    finally:
        pg.close()


def test_after_a_restart_the_wall_has_every_run_and_the_student_finds_the_class_again(tmp_path: Path) -> None:
    pg = playground(tmp_path)
    page = build_demo(pg).page
    new = pg.classes.create()
    token = pg.session("student-session-2").token
    page.klass.class_join(token, new.code, "Grace")
    page.train.start_run(token, *FORM[:-1], 5)
    (before,) = finished_record(pg, new.code, new.teacher_key)
    pg.close()

    again = playground(tmp_path)  # the same data folder, a new server
    try:
        (after,) = again.classes.wall(new.code, new.teacher_key)
        assert (after.id, after.name, after.finished, after.step, after.verdict, after.thumbnail) == (
            before.id, "Grace", True, before.step, before.verdict, before.thumbnail)
        member = again.classes.reattach(token, new.code)
        assert member is not None and member.name == "Grace"
        assert again.classes.member(token) == member
    finally:
        again.close()
