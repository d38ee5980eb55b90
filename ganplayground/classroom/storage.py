"""The class database: the only module with SQL. SQLite in WAL mode, a versioned schema and its migrations, a cap
on its size, and one lock around every operation (training threads, HTTP handlers and a reporter all call it).

Rows go in and out as plain dicts; the class's rules (codes, keys, how many members and runs) live in classes.py."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from ..i18n import _

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
BUSY_TIMEOUT_S = 5.0  # another process holding the write lock (a second server on the same file) is waited for

# The schema's history, oldest first: MIGRATIONS[n] takes a database from version n to n + 1, in one transaction.
# Never edit one that has shipped; append the next. Statements are split on ";" (none holds one in a string).
MIGRATIONS: tuple[str, ...] = (
    # 1: classes, their members and their runs.
    """
    CREATE TABLE classes (
        code TEXT PRIMARY KEY,
        key_hash TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        experiment TEXT,
        next_slot INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX classes_by_key ON classes (key_hash);
    CREATE INDEX classes_by_expiry ON classes (expires_at);
    CREATE TABLE members (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL REFERENCES classes (code) ON DELETE CASCADE,
        session_hash TEXT NOT NULL,
        name TEXT NOT NULL,
        number INTEGER NOT NULL,
        slot INTEGER,
        joined_at REAL NOT NULL,
        UNIQUE (code, session_hash),
        UNIQUE (code, number)
    );
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL REFERENCES classes (code) ON DELETE CASCADE,
        member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        tab TEXT NOT NULL,
        loss TEXT NOT NULL,
        settings TEXT NOT NULL,
        arm TEXT,
        meter TEXT NOT NULL DEFAULT '[]',
        verdict TEXT,
        digits_covered INTEGER,
        legibility REAL,
        step INTEGER NOT NULL DEFAULT 0,
        seconds REAL NOT NULL DEFAULT 0,
        device TEXT NOT NULL DEFAULT '',
        finished INTEGER NOT NULL DEFAULT 0,
        hidden INTEGER NOT NULL DEFAULT 0,
        thumbnail BLOB,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX runs_by_class ON runs (code, created_at);
    CREATE INDEX runs_by_member ON runs (member_id)
    """,
    # 2: the set-up a teacher last shared with the class, and each run's prediction.
    """
    ALTER TABLE classes ADD COLUMN shared TEXT;
    ALTER TABLE runs ADD COLUMN predicted_digits INTEGER;
    ALTER TABLE runs ADD COLUMN predicted_comes_back INTEGER
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

# The columns a caller may set by name (update_* builds its SQL from these names only, never from input).
CLASS_FIELDS = ("experiment", "next_slot", "shared")
MEMBER_FIELDS = ("name", "slot")
RUN_FIELDS = ("loss", "settings", "meter", "verdict", "digits_covered", "legibility", "step", "seconds", "device",
              "finished", "hidden", "thumbnail", "updated_at", "predicted_digits", "predicted_comes_back")
RUN_COLUMNS = ("id", "code", "member_id", "tab", "arm", "created_at") + RUN_FIELDS


class StorageError(RuntimeError):
    """The database cannot be opened or written (a plain sentence, safe to show)."""


class StorageFull(StorageError):
    """The database reached its size cap: nothing new is added until old classes are deleted or expire."""


def statements(script: str) -> list[str]:
    """A migration's statements, in order."""
    return [s.strip() for s in script.split(";") if s.strip()]


class Tables:
    """The queries, on a connection inside a transaction: get one from `ClassStore.reading()` or `.writing()`."""

    def __init__(self, db: sqlite3.Connection, max_bytes: int) -> None:
        self.db, self.max_bytes = db, max_bytes

    def _one(self, sql: str, *args: Any) -> dict | None:
        row = self.db.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    def _insert(self, table: str, row: dict) -> int:
        names = ", ".join(row)
        marks = ", ".join("?" * len(row))
        return self.db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values())).lastrowid

    def _update(self, table: str, allowed: tuple[str, ...], key: tuple[str, Any], fields: dict) -> None:
        unknown = set(fields) - set(allowed)
        if unknown:
            raise ValueError(f"not a column of {table} one may set: {sorted(unknown)}")
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            self.db.execute(f"UPDATE {table} SET {assignments} WHERE {key[0]} = ?", (*fields.values(), key[1]))

    # The cap
    def used_bytes(self) -> int:
        """Bytes of the database in use: its pages less the free ones (pages freed by a deletion are reused)."""
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        free = self.db.execute("PRAGMA freelist_count").fetchone()[0]
        return (pages - free) * self.db.execute("PRAGMA page_size").fetchone()[0]

    def check_room(self) -> None:
        """StorageFull when the database is over its cap (called before anything new is added)."""
        if self.used_bytes() > self.max_bytes:
            raise StorageFull(_("The class database is full ({size} MB). Delete classes that are over, or ask the "
                                "host to raise GANPLAYGROUND_MAX_DB_MB.").format(size=f"{self.max_bytes / 2**20:.3g}"))

    # Classes
    def add_class(self, row: dict) -> bool:
        """Inserts a class; False (nothing written) when its code is taken."""
        names = ", ".join(row)
        sql = f"INSERT OR IGNORE INTO classes ({names}) VALUES ({', '.join('?' * len(row))})"
        return self.db.execute(sql, tuple(row.values())).rowcount == 1

    def class_row(self, code: str) -> dict | None:
        """A class with its counts of members and runs."""
        return self._one("SELECT c.*, (SELECT COUNT(*) FROM members m WHERE m.code = c.code) AS members, "
                         "(SELECT COUNT(*) FROM runs r WHERE r.code = c.code) AS runs "
                         "FROM classes c WHERE c.code = ?", code)

    def codes_for_key_hash(self, key_hash: str, now: float) -> list[str]:
        rows = self.db.execute("SELECT code FROM classes WHERE key_hash = ? AND expires_at > ? ORDER BY created_at",
                               (key_hash, now))
        return [row[0] for row in rows]

    def update_class(self, code: str, **fields: Any) -> None:
        self._update("classes", CLASS_FIELDS, ("code", code), fields)

    def delete_class(self, code: str) -> None:
        """The class, its members and its runs (the foreign keys cascade)."""
        self.db.execute("DELETE FROM classes WHERE code = ?", (code,))

    def delete_expired(self, now: float) -> int:
        return self.db.execute("DELETE FROM classes WHERE expires_at <= ?", (now,)).rowcount

    # Members
    def member_by_session(self, code: str, session_hash: str) -> dict | None:
        return self._one("SELECT * FROM members WHERE code = ? AND session_hash = ?", code, session_hash)

    def member_by_id(self, member_id: int) -> dict | None:
        return self._one("SELECT * FROM members WHERE id = ?", member_id)

    def next_number(self, code: str) -> int:
        return self.db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM members WHERE code = ?", (code,)).fetchone()[0]

    def add_member(self, row: dict) -> dict:
        return {**row, "id": self._insert("members", row)}

    def update_member(self, member_id: int, **fields: Any) -> None:
        self._update("members", MEMBER_FIELDS, ("id", member_id), fields)

    def number_slots(self, code: str, numbered: bool) -> int:
        """Slots 0, 1, 2... for the class's members in join order (numbered), else none; returns how many."""
        if not numbered:
            self.db.execute("UPDATE members SET slot = NULL WHERE code = ?", (code,))
            return 0
        self.db.execute("UPDATE members SET slot = (SELECT COUNT(*) FROM members earlier WHERE earlier.code = "
                        "members.code AND earlier.number < members.number) WHERE code = ?", (code,))
        return self.db.execute("SELECT COUNT(*) FROM members WHERE code = ?", (code,)).fetchone()[0]

    # Runs
    def add_run(self, row: dict) -> None:
        self._insert("runs", row)

    def run_row(self, run_id: str) -> dict | None:
        """A run with its member's name and number."""
        columns = ", ".join(f"r.{name}" for name in RUN_COLUMNS)
        return self._one(f"SELECT {columns}, m.name, m.number FROM runs r JOIN members m ON m.id = r.member_id "
                         "WHERE r.id = ?", run_id)

    def run_rows(self, code: str, include_hidden: bool) -> list[dict]:
        """A class's runs, oldest first."""
        columns = ", ".join(f"r.{name}" for name in RUN_COLUMNS)
        hidden = "" if include_hidden else "AND r.hidden = 0 "
        rows = self.db.execute(f"SELECT {columns}, m.name, m.number FROM runs r JOIN members m ON m.id = r.member_id "
                               f"WHERE r.code = ? {hidden}ORDER BY r.created_at, r.rowid", (code,))
        return [dict(row) for row in rows]

    def update_run(self, run_id: str, **fields: Any) -> None:
        self._update("runs", RUN_FIELDS, ("id", run_id), fields)


def migrate(db: sqlite3.Connection, where: Path | str) -> int:
    """Brings the database up to SCHEMA_VERSION, one migration per transaction; returns the version it found."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    found = None
    while True:
        with _transaction(db, "BEGIN IMMEDIATE"):
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            found = version if found is None else found
            if version > SCHEMA_VERSION:
                raise StorageError(f"The class database {where} was written by a newer ganplayground (schema "
                                   f"version {version}; this one knows up to {SCHEMA_VERSION}). Update ganplayground "
                                   "or point GANPLAYGROUND_DATA_DIR at another folder.")
            if version == SCHEMA_VERSION:
                return found
            for statement in statements(MIGRATIONS[version]):
                db.execute(statement)
            if row is None:
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (version + 1,))
            else:
                db.execute("UPDATE schema_version SET version = ?", (version + 1,))


@contextmanager
def _transaction(db: sqlite3.Connection, begin: str) -> Iterator[None]:
    db.execute(begin)
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


class ClassStore:
    """One SQLite file. Every operation is a transaction under one lock, so any thread may call it."""

    def __init__(self, path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path, self.max_bytes = Path(path), int(max_bytes)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")  # with WAL: a power cut may lose commits, never the file
            self._db.execute("PRAGMA foreign_keys = ON")
            self.found_version = migrate(self._db, self.path)
        except (sqlite3.Error, StorageError) as error:
            self.close()
            if isinstance(error, StorageError):
                raise
            raise StorageError(f"Cannot open the class database {self.path}: {error}.") from error

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    @contextmanager
    def _session(self, begin: str) -> Iterator[Tables]:
        with self._lock:
            if self._db is None:
                raise StorageError(_("The class database is closed."))
            try:
                with _transaction(self._db, begin):
                    yield Tables(self._db, self.max_bytes)
            except sqlite3.Error as error:
                raise StorageError(_("The class database could not be used: {error}.").format(error=error)) from error

    def reading(self) -> AbstractContextManager[Tables]:
        """A consistent view for several queries: `with store.reading() as tables: ...`."""
        return self._session("BEGIN")

    def writing(self) -> AbstractContextManager[Tables]:
        """One write transaction: all of it is kept, or none of it if the block raises."""
        return self._session("BEGIN IMMEDIATE")

    @property
    def used_bytes(self) -> int:
        with self.reading() as tables:
            return tables.used_bytes()

    @property
    def full(self) -> bool:
        """The database is over its cap: nothing new (class, member, run) can be added."""
        return self.used_bytes > self.max_bytes
