"""The class database on real SQLite files: WAL and foreign keys, transactions that roll back, the schema's
versions (an old file upgraded with its rows intact, a newer one refused plainly), and the size cap."""

from __future__ import annotations

import sqlite3

import pytest

from ganplayground.classroom import storage
from ganplayground.classroom.classes import ClassBook, MeterPoint, Prediction, UnknownClass
from ganplayground.classroom.storage import MIGRATIONS, SCHEMA_VERSION, ClassStore, StorageError, StorageFull


def version_of(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT version FROM schema_version").fetchone()[0]


def columns(path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def test_a_new_database_is_at_the_current_schema_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    store = ClassStore(tmp_path / "c.sqlite3")
    with store.reading() as tables:
        assert tables.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert tables.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert tables.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    store.close()
    assert SCHEMA_VERSION == 2 and version_of(tmp_path / "c.sqlite3") == 2
    assert {"shared"} <= columns(tmp_path / "c.sqlite3", "classes")


def test_a_write_that_raises_leaves_nothing_behind(tmp_path) -> None:
    store = ClassStore(tmp_path / "c.sqlite3")
    row = {"code": "ABCDEF", "key_hash": "0" * 64, "created_at": 0.0, "expires_at": 1e12, "experiment": None}
    with pytest.raises(RuntimeError), store.writing() as tables:
        assert tables.add_class(row)
        raise RuntimeError("the rule said no")
    with store.reading() as tables:
        assert tables.class_row("ABCDEF") is None
    with store.writing() as tables:
        assert tables.add_class(row) and not tables.add_class(row)  # a taken code is reported, not overwritten


def build_version_1(path) -> None:
    """A database as the first schema left it, written by hand: migration 1 only, with a class, a member, a run."""
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.executescript("""
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (1);
        INSERT INTO classes VALUES ('ABCDEF', 'hash', 100.0, 1e12, '{"knob":"lr"}', 1);
        INSERT INTO members VALUES (1, 'ABCDEF', 'session-hash', 'Ada', 1, 0, 101.0);
        INSERT INTO runs (id, code, member_id, tab, loss, settings, arm, meter, verdict, digits_covered, legibility,
                          step, seconds, device, finished, hidden, thumbnail, created_at, updated_at)
        VALUES ('run-1', 'ABCDEF', 1, 'train', 'js', '{"preset":"collapse","loss":"js"}', NULL,
                '[[100,2.5,3,"collapse"]]', 'collapse', 3, 140.5, 100, 2.5, 'cpu', 1, 0, NULL, 102.0, 103.0);
    """)
    db.commit()
    db.close()


def test_a_version_1_database_is_upgraded_and_keeps_its_rows(tmp_path) -> None:
    path = tmp_path / "old.sqlite3"
    build_version_1(path)
    assert version_of(path) == 1 and "shared" not in columns(path, "classes")
    book = ClassBook.open(path, clock=lambda: 200.0)
    assert book.store.found_version == 1 and version_of(path) == 2
    info = book.info("abcdef")
    assert (info.experiment, info.shared, info.members, info.runs) == ({"knob": "lr"}, None, 1, 1)
    (run,) = book.runs("ABCDEF")
    assert (run.name, run.loss, run.settings["preset"], run.step, run.finished) == ("Ada", "js", "collapse", 100, True)
    assert run.meter == (MeterPoint(100, 2.5, 3, "collapse"),) and run.legibility == 140.5
    assert run.prediction == Prediction()  # the column migration 2 added, empty for old runs
    book.close()
    assert ClassStore(path).found_version == 2  # opened again: nothing left to migrate


def test_a_migration_that_fails_leaves_the_database_at_its_old_version(tmp_path, monkeypatch) -> None:
    path = tmp_path / "old.sqlite3"
    build_version_1(path)
    monkeypatch.setattr(storage, "MIGRATIONS", (MIGRATIONS[0], "ALTER TABLE classes ADD COLUMN shared TEXT; NOT SQL"))
    with pytest.raises(StorageError, match="Cannot open the class database"):
        ClassStore(path)
    assert version_of(path) == 1 and "shared" not in columns(path, "classes")


def test_a_database_from_a_newer_version_is_refused_with_a_plain_message(tmp_path) -> None:
    path = tmp_path / "new.sqlite3"
    ClassStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StorageError, match="newer ganplayground .*schema version 3; this one knows up to 2"):
        ClassBook.open(path)


def test_a_file_that_is_no_database_is_refused_with_a_plain_message(tmp_path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my lesson notes, not a database" * 100)
    with pytest.raises(StorageError, match="Cannot open the class database"):
        ClassStore(path)


def test_a_closed_store_says_so(tmp_path) -> None:
    book = ClassBook.open(tmp_path / "c.sqlite3")
    code = book.create().code
    book.close()
    with pytest.raises(StorageError, match="closed"):
        book.info(code)


def test_past_its_cap_the_database_takes_nothing_new_but_running_runs_still_report(tmp_path) -> None:
    book = ClassBook.open(tmp_path / "c.sqlite3", max_bytes=200_000, max_members=10_000)
    new = book.create()
    member = book.join(new.code, "first")
    run_id = book.start_run(member, "train", {"loss": "js"})
    with pytest.raises(StorageFull, match=r"The class database is full \(0.191 MB\)"):
        for i in range(10_000):
            book.join(new.code, f"session-{i}", "x" * 24)
    assert book.full
    for what in (book.create, lambda: book.join(new.code, "one more"), lambda: book.start_run(member, "train", {})):
        with pytest.raises(StorageFull):
            what()
    book.report(run_id, step=10, seconds=1.0, device="cpu", loss="js", reading=MeterPoint(10, 1.0, 4, "healthy"),
                finished=True)
    assert book.run(new.code, run_id).finished  # a run under way keeps reporting (its size is bounded)
    book.delete(new.code, new.teacher_key)
    assert not book.full  # freed pages count as room again, without a VACUUM
    with pytest.raises(UnknownClass):
        book.info(new.code)
    assert book.join(book.create().code, "after").number == 1
