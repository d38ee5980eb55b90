"""The class's rules on a real SQLite file: codes and teacher keys, joining and names, runs and their reports,
what the teacher may do, caps, expiry, a restart of the server, many threads at once, and the results CSV."""

from __future__ import annotations

import csv
import io
import threading

import numpy as np
import pytest

from ganplayground.classroom import classes
from ganplayground.classroom.class_records import MAX_METER
from ganplayground.classroom.classes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_NAME,
    ClassBook,
    ClassError,
    MeterPoint,
    Prediction,
    TeacherKeyError,
    UnknownClass,
)
from ganplayground.classroom.results_csv import COLUMNS
from ganplayground.classroom.thumbnails import thumbnail_png

DAY = 86_400.0


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def book(tmp_path, clock):
    book = ClassBook.open(tmp_path / "classes.sqlite3", clock=clock, max_members=5, max_runs=6)
    yield book
    book.close()


def report(book, run_id, step, digits=5, verdict="healthy", **kwargs) -> None:
    book.report(run_id, step=step, seconds=step / 10, device="cpu", loss=kwargs.pop("loss", "js"),
                reading=MeterPoint(step, step / 10, digits, verdict), **kwargs)


# Codes and keys
def test_a_new_class_has_a_code_of_unambiguous_characters_and_a_long_key(book) -> None:
    new = book.create()
    assert len(new.code) == CODE_LENGTH and set(new.code) <= set(CODE_ALPHABET)
    assert not set("0O1I") & set(CODE_ALPHABET) and len(new.teacher_key) >= 32
    assert book.info(new.code).members == 0


def test_a_code_taken_already_is_drawn_again(book, monkeypatch) -> None:
    taken = book.create().code
    draws = iter([taken, taken, "NEWONE"])
    monkeypatch.setattr(classes, "new_code", lambda: next(draws))
    assert book.create().code == "NEWONE"


def test_a_code_typed_with_spaces_or_in_lower_case_finds_the_class(book) -> None:
    code = book.create().code
    assert book.info(f"  {code.lower()} \n").code == code


@pytest.mark.parametrize("typed", ["", "ABCDE", "ABCDEFG", "ABCDE0", "ABCDEI", "ABC DE", None, 123456,
                                   "' OR 1=1 --", "X" * 10_000, "ABCDEF\u202e"])
def test_a_malformed_code_is_an_unknown_class_quoting_a_short_part_of_it(book, typed) -> None:
    with pytest.raises(UnknownClass, match="No class with the code") as caught:
        book.info(typed)
    assert len(str(caught.value)) < 120 and "\u202e" not in str(caught.value)


def test_the_teacher_key_is_checked_and_never_shown_or_stored_in_clear(tmp_path, book) -> None:
    new, other = book.create(), book.create()
    book.check_key(new.code, new.teacher_key)
    for wrong in ("", "nope", other.teacher_key, None, 42, new.teacher_key + "x", "k" * 100_000):
        with pytest.raises(TeacherKeyError) as caught:
            book.check_key(new.code, wrong)
        assert new.teacher_key not in str(caught.value)
    run_id = book.start_run(book.join(new.code, "s"), "train", {"loss": "js"})
    shown = [repr(new), repr(book.info(new.code)), repr(book.run(new.code, run_id)),
             book.csv(new.code, new.teacher_key)]
    assert not any(new.teacher_key in text for text in shown)
    book.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("classes.sqlite3*"))
    assert new.teacher_key.encode() not in stored


def test_codes_for_key_lists_the_classes_a_key_opens(book) -> None:
    new = book.create()
    book.create()
    assert book.codes_for_key(new.teacher_key) == [new.code]


# Members
def test_joining_numbers_students_and_the_same_session_stays_the_same_member(book) -> None:
    code = book.create().code
    first, second = book.join(code, "tab-1"), book.join(code, "tab-2", "Grace")
    assert (first.number, first.name, second.number, second.name) == (1, "Student 1", 2, "Grace")
    again = book.join(code, "tab-1", "Ada")
    assert (again.id, again.number, again.name) == (first.id, 1, "Ada")
    assert book.join(code, "tab-1") == again  # no name given: the name stays
    assert book.member(code, "tab-1") == again and book.member(code, "tab-3") is None
    assert book.info(code).members == 2


@pytest.mark.parametrize(("given", "kept"), [
    ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert"),  # text, cut to 24; the page escapes it
    ("  Ada \t\n  Lovelace ", "Ada Lovelace"),
    ("Ada\u202eecalevol", "Adaecalevol"),  # a bidi override
    ("A\u200bd\u200da\ufeff", "Ada"),  # zero-width characters
    ("Ad\x00a\x1b[31m", "Ada[31m"),  # control characters
    ("Jose\u0301", "José"),  # NFC
    ("Zoë 🦊🚀", "Zoë 🦊🚀"),
    ("\u202e\u200b \t", "Student 1"),  # nothing left: the default name
    ("x" * 1000, "x" * MAX_NAME),
    ("Ada\ud800", "Ada"),  # a lone surrogate (from JSON) cannot be stored: dropped
])
def test_names_are_cleaned_into_plain_text_of_at_most_24_characters(book, given, kept) -> None:
    member = book.join(book.create().code, "s", given)
    assert member.name == kept and len(member.name) <= MAX_NAME


@pytest.mark.parametrize("bad", [None, 5, "", "s" * 10_000])
def test_a_missing_or_absurd_session_is_refused(book, bad) -> None:
    with pytest.raises(ClassError):
        book.join(book.create().code, bad)


def test_a_flood_of_joins_stops_at_max_members_but_members_may_rejoin(book) -> None:
    code = book.create().code
    for i in range(5):
        book.join(code, f"s{i}")
    with pytest.raises(ClassError, match=r"This class is full \(5 students\)"):
        book.join(code, "one too many")
    assert book.join(code, "s0", "Back").number == 1 and book.info(code).members == 5


def test_slots_go_round_in_join_order_and_a_new_experiment_restarts_them(book) -> None:
    plain, with_experiment = book.create(), book.create({"knob": "lr_d", "values": [1e-4, 4e-4]})
    assert book.join(plain.code, "a").slot is None
    assert [book.join(with_experiment.code, s).slot for s in "abc"] == [0, 1, 2]
    book.set_experiment(plain.code, plain.teacher_key, {"knob": "loss"})
    assert book.member(plain.code, "a").slot == 0 and book.join(plain.code, "b").slot == 1
    assert book.info(plain.code).experiment == {"knob": "loss"}
    book.set_experiment(with_experiment.code, with_experiment.teacher_key, None)
    assert [book.member(with_experiment.code, s).slot for s in "abc"] == [None] * 3
    assert book.join(with_experiment.code, "d").slot is None


# Runs
def test_a_run_reports_its_progress_and_the_meter_only_takes_newer_readings(book) -> None:
    code = book.create().code
    member = book.join(code, "s", "Ada")
    run_id = book.start_run(member, "train", {"preset": "collapse", "loss": "js", "lr_d": 2e-4},
                            prediction=Prediction(digits=3), arm={"knob": "lr_d", "value": 2e-4, "label": "slow"})
    report(book, run_id, 100, digits=3, verdict="collapse", legibility=150.0)
    report(book, run_id, 50, digits=9)  # late: not a newer reading
    book.report(run_id, step=120, seconds=12.0, device="cuda", loss="wgan-gp",
                settings={"preset": "collapse", "loss": "wgan-gp", "switches": [[110, "wgan-gp"]]})
    run = book.run(code, run_id)
    assert (run.name, run.number, run.tab, run.loss, run.device) == ("Ada", 1, "train", "wgan-gp", "cuda")
    assert run.meter == (MeterPoint(100, 10.0, 3, "collapse"),)
    assert (run.verdict, run.digits_covered, run.legibility, run.step, run.seconds) == ("collapse", 3, 150.0, 120, 12.0)
    assert run.settings["switches"] == [[110, "wgan-gp"]] and run.arm["label"] == "slow"
    assert run.prediction == Prediction(digits=3) and not run.finished


def test_step_and_seconds_never_go_back_and_numpy_numbers_are_taken(book) -> None:
    code = book.create().code
    run_id = book.start_run(book.join(code, "s"), "duel", {"loss": "js"})
    report(book, run_id, 300)
    book.report(run_id, step=np.int64(200), seconds=np.float32(5.0), device="cpu", loss="js",
                reading=MeterPoint(np.int64(400), 40.0, np.int64(7), "healthy"), legibility=np.float64(90.0))
    run = book.run(code, run_id)
    assert (run.step, run.seconds, run.digits_covered, run.legibility) == (300, 30.0, 7, 90.0)


def test_a_long_run_keeps_at_most_200_meter_points_spread_over_the_whole_run(book) -> None:
    code = book.create().code
    run_id = book.start_run(book.join(code, "s"), "train", {"loss": "js"})
    for step in range(1, 1001):
        report(book, run_id, step * 10)
    steps = [point.step for point in book.run(code, run_id).meter]
    assert len(steps) <= MAX_METER and steps[0] == 10 and steps[-1] == 10_000 and steps == sorted(steps)
    assert max(np.diff(steps)) <= 10_000 / (MAX_METER // 4)  # no stretch of the run left without points


def test_a_finished_run_keeps_its_result_and_takes_no_more_reports(book) -> None:
    code = book.create().code
    run_id = book.start_run(book.join(code, "s"), "train", {"loss": "js"}, prediction=Prediction(4, False))
    report(book, run_id, 500, digits=10, finished=True)
    for late in (lambda: report(book, run_id, 600), lambda: book.set_prediction(run_id, Prediction(9))):
        with pytest.raises(ClassError, match="finished"):
            late()
    run = book.run(code, run_id)
    assert (run.finished, run.step, run.digits_covered, run.prediction) == (True, 500, 10, Prediction(4, False))


def test_a_prediction_can_change_before_the_end(book) -> None:
    code = book.create().code
    run_id = book.start_run(book.join(code, "s"), "train", {"loss": "js"})
    book.set_prediction(run_id, Prediction(digits=2, comes_back=True))
    assert book.run(code, run_id).prediction == Prediction(2, True)


@pytest.mark.parametrize("prediction", [Prediction(digits=11), Prediction(digits=-1), Prediction(digits=True),
                                        Prediction(digits=2.5), Prediction(comes_back="yes"), "3 digits"])
def test_a_prediction_out_of_range_is_refused(book, prediction) -> None:
    member = book.join(book.create().code, "s")
    with pytest.raises(ClassError):
        book.start_run(member, "train", {"loss": "js"}, prediction=prediction)


def test_a_class_holds_at_most_max_runs(book) -> None:
    code = book.create().code
    member = book.join(code, "s")
    for _ in range(6):
        book.start_run(member, "train", {"loss": "js"})
    with pytest.raises(ClassError, match="limit of 6 runs"):
        book.start_run(member, "train", {"loss": "js"})


def test_a_run_id_from_another_class_or_made_up_is_refused(book) -> None:
    mine, theirs = book.create().code, book.create().code
    their_run = book.start_run(book.join(theirs, "s"), "train", {"loss": "js"})
    for forged in (their_run, "made-up", "", None, "x" * 10_000):
        with pytest.raises(ClassError, match="No such run"):
            book.run(mine, forged)
    with pytest.raises(ClassError, match="No such run"):
        book.report("made-up", step=1, seconds=0.1, device="cpu", loss="js")
    with pytest.raises(ClassError):  # a member of another class cannot start a run here under its id
        book.start_run(classes.Member(id=1, code=mine, name="x", number=1, slot=None), "train", {"loss": "js"})


@pytest.mark.parametrize(("settings", "arm"), [({"s": {1, 2}}, None), ({"lr": float("nan")}, None),
                                               ({"blob": "x" * 9000}, None), ("js", None), ({"loss": "js"}, [1]),
                                               ({"loss": "js"}, {"value": object()})])
def test_settings_and_arms_must_be_small_plain_json(book, settings, arm) -> None:
    member = book.join(book.create().code, "s")
    with pytest.raises(ClassError):
        book.start_run(member, "train", settings, arm=arm)


@pytest.mark.parametrize("bad", [{"step": -1}, {"step": 1.5}, {"seconds": float("inf")}, {"seconds": -2.0},
                                 {"thumbnail": b"GIF89a"}, {"thumbnail": b"\x89PNG\r\n\x1a\n" + bytes(10_000)},
                                 {"reading": MeterPoint(1, 0.1, 11, "healthy")},
                                 {"reading": MeterPoint(1, 0.1, 3, "ok")}, {"device": None}, {"tab": "explore"}])
def test_bad_reports_are_refused_and_change_nothing(book, bad) -> None:
    code = book.create().code
    member = book.join(code, "s")
    if "tab" in bad:
        with pytest.raises(ClassError):
            book.start_run(member, bad["tab"], {"loss": "js"})
        return
    run_id = book.start_run(member, "train", {"loss": "js"})
    with pytest.raises(ClassError):
        book.report(run_id, **{"step": 1, "seconds": 0.1, "device": "cpu", "loss": "js", **bad})
    run = book.run(code, run_id)
    assert (run.step, run.meter, run.thumbnail, run.device) == (0, (), None, "")


# The teacher
def test_the_teacher_hides_runs_from_the_wall_and_needs_the_key_to(book) -> None:
    new = book.create()
    member = book.join(new.code, "s")
    shown, hidden = (book.start_run(member, "train", {"loss": "js"}) for _ in range(2))
    with pytest.raises(TeacherKeyError):
        book.hide(new.code, "wrong", hidden)
    book.hide(new.code, new.teacher_key, hidden)
    assert [r.id for r in book.runs(new.code)] == [shown]
    assert [r.id for r in book.runs(new.code, include_hidden=True)] == [shown, hidden]
    book.hide(new.code, new.teacher_key, hidden, hidden=False)
    assert len(book.runs(new.code)) == 2


def test_a_shared_set_up_is_kept_with_its_time(book, clock) -> None:
    new = book.create()
    book.share(new.code, new.teacher_key, {"preset": "collapse", "loss": "wgan-gp"})
    assert book.info(new.code).shared == {"preset": "collapse", "loss": "wgan-gp", "at": clock.now}
    with pytest.raises(TeacherKeyError):
        book.share(new.code, "", {"preset": "x"})


def test_deleting_a_class_removes_it_with_its_runs_and_leaves_the_others(book) -> None:
    gone, kept = book.create(), book.create()
    for new in (gone, kept):
        book.start_run(book.join(new.code, "s"), "train", {"loss": "js"})
    book.delete(gone.code, gone.teacher_key)
    for what in (book.info, book.runs, lambda code: book.join(code, "s")):
        with pytest.raises(UnknownClass):
            what(gone.code)
    assert len(book.runs(kept.code)) == 1
    with book.store.reading() as tables:
        assert tables.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1


def test_a_class_expires_after_its_days_even_before_the_sweep(book, clock) -> None:
    old, young = book.create(), book.create()
    run_id = book.start_run(book.join(old.code, "s"), "train", {"loss": "js"})
    clock.now += 10 * DAY
    newer = book.create()
    clock.now += 4 * DAY
    for what in (lambda: book.info(old.code), lambda: book.check_key(old.code, old.teacher_key),
                 lambda: report(book, run_id, 5)):
        with pytest.raises(UnknownClass):
            what()
    assert book.expire() == 2 and book.info(newer.code).code == newer.code and book.expire() == 0
    assert book.codes_for_key(young.teacher_key) == []


# A restart, and many threads
def test_everything_is_still_there_after_a_restart(tmp_path, book, clock) -> None:
    new = book.create({"knob": "lr_d"})
    member = book.join(new.code, "s", "Ada")
    run_id = book.start_run(member, "train", {"loss": "js"}, prediction=Prediction(3, True), arm={"knob": "lr_d"})
    picture = thumbnail_png(np.full((28, 28), 200, np.uint8))
    report(book, run_id, 100, digits=2, verdict="collapse", legibility=99.5, thumbnail=picture, finished=True)
    hidden = book.start_run(member, "duel", {"loss": "wgan"})
    book.hide(new.code, new.teacher_key, hidden)
    book.share(new.code, new.teacher_key, {"preset": "collapse"})
    before = (book.info(new.code), book.runs(new.code, include_hidden=True))
    book.close()
    again = ClassBook.open(tmp_path / "classes.sqlite3", clock=clock)
    assert (again.info(new.code), again.runs(new.code, include_hidden=True)) == before
    assert again.member(new.code, "s") == member and again.run(new.code, run_id).thumbnail == picture
    again.check_key(new.code, new.teacher_key)
    again.close()


def test_eight_threads_reporting_at_once_lose_no_runs_and_no_updates(tmp_path, clock) -> None:
    path = tmp_path / "busy.sqlite3"
    books = [ClassBook.open(path), ClassBook.open(path)]  # two connections, as two server processes would have
    code = books[0].create().code
    errors: list[BaseException] = []

    def student(index: int) -> None:
        try:
            book = books[index % 2]
            member = book.join(code, f"session-{index}")
            runs = [book.start_run(member, "train", {"loss": "js"}) for _ in range(2)]
            for step in range(1, 51):
                report(book, runs[step % 2], step, digits=index)
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    runs = books[0].runs(code)
    assert len(runs) == 16 and books[1].info(code).members == 8
    assert sorted(len(run.meter) for run in runs) == [25] * 16
    assert sorted(run.step for run in runs) == [49] * 8 + [50] * 8
    for book in books:
        book.close()


# The results CSV
def test_the_csv_has_one_row_per_run_in_the_documented_columns_and_defuses_formulas(book) -> None:
    new = book.create()
    member = book.join(new.code, "s", "=HYPERLINK(\"http://x\")")
    run_id = book.start_run(member, "train", {"preset": "collapse", "loss": "js"}, prediction=Prediction(3, False),
                            arm={"knob": "lr_d", "value": "-1+1", "label": "x"})
    report(book, run_id, 100, digits=4, verdict="collapse", legibility=123.456, finished=True)
    book.hide(new.code, new.teacher_key, book.start_run(member, "duel", {"loss": "@SUM(A1)"}))
    rows = list(csv.DictReader(io.StringIO(book.csv(new.code, new.teacher_key))))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 2
    first = rows[0]
    assert first["name"] == "'=HYPERLINK(\"http://x\")" and first["knob_value"] == "'-1+1"
    expected = {"run_id": run_id, "student_number": "1", "preset": "collapse", "knob": "lr_d", "predicted_digits": "3",
                "predicted_comes_back": "no", "digits_covered": "4", "verdict": "collapse", "legibility": "123.46",
                "step": "100", "finished": "yes"}
    assert {name: first[name] for name in expected} == expected
    assert first["started_at"] == "2023-11-14T22:13:20Z" and rows[1]["loss"] == "'@SUM(A1)"
    assert rows[1]["hidden"] == "yes" and len(list(csv.DictReader(io.StringIO(
        book.csv(new.code, new.teacher_key, include_hidden=False))))) == 1
    with pytest.raises(TeacherKeyError):
        book.csv(new.code, "guess")
