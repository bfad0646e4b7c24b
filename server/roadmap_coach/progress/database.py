"""Where the progress store lives and how its SQLite file is opened safely.

Opening never crashes the caller: a damaged file is moved aside (never deleted)
and a fresh store started with a notice saying so; a locked or unwritable store
becomes a `StoreError` whose message tells the learner what to do.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ENV_STORE = "ROADMAP_COACH_STORE"
STORE_NAME = "progress.sqlite3"
SCHEMA_VERSION = 1
_SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    learner TEXT NOT NULL,
    workspace TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS events_workspace ON events(workspace);
-- The log is append-only; the database itself refuses anything else.
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'progress events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'progress events are append-only'); END;
-- Index tables derived from the log (they can be rebuilt from events).
CREATE TABLE IF NOT EXISTS achieved (
    learner TEXT NOT NULL,
    milestone TEXT NOT NULL,
    seq INTEGER NOT NULL REFERENCES events(seq),
    PRIMARY KEY (learner, milestone)
);
CREATE TABLE IF NOT EXISTS open_lessons (
    learner TEXT NOT NULL,
    workspace TEXT NOT NULL,
    path TEXT NOT NULL,
    code TEXT NOT NULL,
    line INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (learner, workspace, path, code, line)
);
-- Security lessons still in the code but hidden (`# coach: ignore[…]`, `disabledLessons`):
-- seq is their `lesson-suppressed` event, shown the `lesson-shown` it followed (or NULL).
CREATE TABLE IF NOT EXISTS silenced_lessons (
    learner TEXT NOT NULL,
    workspace TEXT NOT NULL,
    path TEXT NOT NULL,
    code TEXT NOT NULL,
    line INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    shown INTEGER,
    PRIMARY KEY (learner, workspace, path, code, line)
);
"""
# A store written before the records cache may hold a `facts_cache` table: nothing reads
# it any more and it is left as it is (the records cache's tables are in records_cache.py).


class StoreError(Exception):
    """The store cannot be used right now; the message is meant for the learner."""


def default_store_path() -> Path:
    """`$ROADMAP_COACH_STORE`, else `progress.sqlite3` in the platform's user data dir."""
    env = os.environ.get(ENV_STORE, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs  # only here: a store named by flag or setting needs none of it

    return platformdirs.user_data_path("roadmap-coach", appauthor=False) / STORE_NAME


def resolve_store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """An explicit path (CLI `--store`, setting `storePath`) wins over the env var and default."""
    if path is not None and str(path).strip():
        return Path(path).expanduser().absolute()
    return default_store_path().absolute()


@dataclass(slots=True)
class Opened:
    connection: sqlite3.Connection
    notice: str | None  # set when a damaged store was moved aside


def open_database(path: Path, busy_timeout: float) -> Opened:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(_unwritable(path, exc)) from exc
    notice = None
    # Reading the header opens and closes a file descriptor, and closing any descriptor
    # of a file drops every POSIX lock this process holds on it, the locks of SQLite's
    # own connections included. A file this process already has open was checked then.
    damage = header_damage(path)
    if damage is None:
        try:
            connection = _connect(path, busy_timeout)
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise StoreError(describe(exc, path, busy_timeout)) from exc
            damage = str(exc)
        else:
            return Opened(connection, None)
    aside = move_aside(path)
    notice = (
        f"The progress store {path} was damaged ({damage}). It was moved aside to "
        f"{aside} (nothing was deleted) and a new, empty store was started."
    )
    try:
        return Opened(_connect(path, busy_timeout), notice)
    except sqlite3.DatabaseError as exc:
        raise StoreError(describe(exc, path, busy_timeout)) from exc


class _Tracked(sqlite3.Connection):
    """A connection that says when it is closed (see `_open_here`)."""

    closed = False

    def close(self) -> None:
        self.closed = True
        super().close()


# (device, inode) -> this process's connections on that file
_OPEN: dict[tuple[int, int], weakref.WeakSet[_Tracked]] = {}
_OPEN_LOCK = threading.Lock()


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)  # a stat opens no descriptor
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def _open_here(path: Path) -> bool:
    """Does this process hold a connection on `path` that is not closed?"""
    key = _file_id(path)
    if key is None:
        return False
    with _OPEN_LOCK:
        return any(not c.closed for c in _OPEN.get(key, ()))


def _remember(path: Path, connection: _Tracked) -> None:
    key = _file_id(path)
    if key is not None:
        with _OPEN_LOCK:
            _OPEN.setdefault(key, weakref.WeakSet()).add(connection)


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    return connect(path, busy_timeout, SCHEMA, SCHEMA_VERSION, check=True)


def connect(
    path: Path, busy_timeout: float, schema: str, version: int, *, check: bool
) -> sqlite3.Connection:
    """A WAL connection on `path` with `schema` created (once, under `version`).
    `check`: run SQLite's quick check first, which reads the whole file."""
    connection = sqlite3.connect(
        str(path),
        timeout=busy_timeout,
        isolation_level=None,
        check_same_thread=False,
        factory=_Tracked,
    )
    _remember(path, connection)
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        _use_wal(connection, busy_timeout)
        connection.execute("PRAGMA synchronous = NORMAL")
        # quick_check is integrity_check without the index cross-checks: it finds a
        # damaged file in milliseconds, which matters because the server opens it on start.
        if check:
            rows = connection.execute("PRAGMA quick_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                found = "; ".join(str(r[0]) for r in rows[:3])
                raise _Damaged("integrity check failed: " + found)
        if connection.execute("PRAGMA user_version").fetchone()[0] != version:
            # One IMMEDIATE transaction, so two windows starting at once create it once.
            connection.executescript(
                f"BEGIN IMMEDIATE;{schema}PRAGMA user_version = {version};COMMIT;"
            )
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def _use_wal(connection: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch to WAL, retrying while another process switches the same new file: SQLite
    answers that race with "database is locked" at once, without its busy handler, so
    two windows opening a brand-new store together would otherwise fail one of them."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = _error_name(exc).startswith("SQLITE_BUSY") or "locked" in str(exc)
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(0.005)


class _Damaged(sqlite3.DatabaseError):
    """The file opened but failed the integrity check."""


def header_damage(path: Path) -> str | None:
    """Why the file at `path` is not a whole SQLite database, from its header and size;
    None when it looks whole (or is not there)."""
    return None if _open_here(path) else _header_damage(path)


def _header_damage(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(100)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(_unwritable(path, exc)) from exc
    if head and head[: len(_SQLITE_HEADER)] != _SQLITE_HEADER:
        return "not a SQLite database"
    if len(head) == 100:
        # SQLite writes whole pages only and reads a missing tail as zeros, so a file
        # cut short in mid-page would open "fine" with its last records silently changed.
        page = int.from_bytes(head[16:18], "big")
        page = 65536 if page == 1 else page
        if page and size % page:
            return f"cut short: {size} bytes is not a whole number of {page}-byte pages"
    elif head:
        return "cut short inside its header"
    return None


def move_aside(path: Path) -> Path:
    """Rename the damaged file (and its WAL/SHM companions) to `<name>.corrupt-<time>`."""
    with _exclusive(path):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        counter = 1
        while aside.exists():
            counter += 1
            aside = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        try:
            path.rename(aside)
        except FileNotFoundError:
            pass  # another window moved it first; its companions went with it
        except OSError as exc:
            raise StoreError(_unwritable(path, exc)) from exc
        for suffix in _SIDE_FILES:
            side = path.with_name(path.name + suffix)
            # A stale WAL left next to a new database would be replayed into it.
            with contextlib.suppress(FileNotFoundError):
                side.rename(aside.with_name(aside.name + suffix))
        return aside


def remove_database(path: Path) -> None:
    """Delete a database that holds nothing worth keeping (a damaged cache), with its
    WAL/SHM companions; a file already gone is fine."""
    with _exclusive(path):
        for name in (path.name, *(path.name + suffix for suffix in _SIDE_FILES)):
            with contextlib.suppress(FileNotFoundError):
                path.with_name(name).unlink()


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Serialise moving-aside between processes (POSIX advisory lock; no-op elsewhere)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    try:
        handle = lock_path.open("a")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    return isinstance(exc, _Damaged) or _error_name(exc) in ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def _error_name(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def describe(exc: sqlite3.Error, path: Path, busy_timeout: float) -> str:
    """A message a learner can act on, for any SQLite failure."""
    name = _error_name(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
        return (
            f"The progress store {path} is locked by another program (waited "
            f"{busy_timeout:g}s). Nothing was lost; it will be recorded on the next change."
        )
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_IOERR")):
        return _unwritable(path, exc)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return f"The progress store {path} is damaged ({exc}); restart to move it aside."
    return f"The progress store {path} failed: {exc}"


def _unwritable(path: Path, exc: BaseException) -> str:
    return (
        f"Cannot write the progress store at {path} ({exc}). Choose a writable file with "
        f"the `storePath` setting, `--store FILE` or the {ENV_STORE} environment variable."
    )
