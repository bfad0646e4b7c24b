"""The records cache: one `FileRecord` per file content, for `scan`, the server and
`history` alike, in its own SQLite file beside the progress store (`cache_path`:
`progress.sqlite3-records`, named like SQLite's own companions of the store so that
whatever removes `progress.sqlite3*` removes it too).

Its own file because the store is checked whole (`PRAGMA quick_check`) on every open,
and a cache of a large workspace is tens of megabytes that every warm scan would read
through; the cache is not checked up front: a damaged cache file is deleted and made
again (it holds nothing that cannot be made again), never the learner's store.

Tables:

- `records`: records encoded by `encode_record` (MessagePack) by `(path, id)`, where
  `id` is the content digest (`analysis.files.content_digest`, for `scan` and the
  server), a Git blob id (for `history`), or `other:<size>` for files known by name
  only; the cache does not care which. Each row carries the `fingerprint` it was made
  under (analyser, roadmap loader and rules source, roadmap, lessons, record encoding,
  Python version: `fingerprint`), the workspace key it was last made or validated
  under (`wskey`, see `progress.evaluation`) and when it was last used. A row of
  another fingerprint is never returned.
- `record_stat`: per workspace root and file, the (size, mtime_ns) last seen and the
  content digest it had, so an unchanged file costs a stat and no read. A file
  modified within the last two seconds is never entered (Git's "racy" rule, applied
  by the caller: `analysis.workspace._trusted`).
- `scan_state`: per workspace root, what its last scan saw (a digest of every
  `(path, id)` under the fingerprint, the workspace key, each file's kind and error)
  and its folded findings, so a scan of an unchanged workspace decodes no record.

Eviction (bounded size): rows of another fingerprint are deleted at the end of any
session that wrote; then, while more than `MAX_ROWS` rows remain, the least recently
used go first (a row's use time is refreshed when it is read and the stored time is
more than a day old, so warm scans write nothing). `scan_state` rows of another
fingerprint go too; `record_stat` rows are a few bytes per file and are replaced per
root on every scan that read a file.

The records' encoding and the fingerprint are in `progress.record_codec`.

Records never hold a secret's value (`rules.records`), so every file's record may be
cached. The cache is an optimisation: a cache file that is locked or unwritable means
working without it, with one line on stderr, never a failed scan.
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadmap_coach.progress.database import (
    connect,
    header_damage,
    is_damage,
    remove_database,
)
from roadmap_coach.progress.record_codec import decode_record, encode_record, fingerprint
from roadmap_coach.progress.store import default_store_path
from roadmap_coach.rules.records import FileRecord

__all__ = ["RecordsCache", "cache_path", "decode_record", "encode_record", "fingerprint"]

BUSY_TIMEOUT_S = 0.5  # a scan waits this long for another writer, then goes on without
MAX_ROWS = 200_000  # ~30 Django-sized workspaces, or a long history's unique blobs
_TOUCH_AFTER_S = 86_400  # a read refreshes a row's use time at most once a day
_CHUNK = 400  # keys per query: under SQLite's variable limit (2 variables per key)
PICKLE_PROTOCOL = 5  # the small per-root rows (scan_state); records use `encode_record`
CACHE_VERSION = 1  # the cache file's own schema version (PRAGMA user_version)
CACHE_SUFFIX = "-records"

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    path TEXT NOT NULL,
    id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    wskey TEXT NOT NULL,
    used INTEGER NOT NULL,
    record BLOB NOT NULL,
    PRIMARY KEY (path, id)
);
CREATE INDEX IF NOT EXISTS records_used ON records(used);
CREATE TABLE IF NOT EXISTS record_stat (
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (root, path)
);
CREATE TABLE IF NOT EXISTS scan_state (
    root TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    inputs TEXT NOT NULL,
    wskey TEXT NOT NULL,
    meta BLOB NOT NULL,
    fold_key TEXT NOT NULL DEFAULT '',
    fold BLOB
);
"""

Key = tuple[str, str]  # (path, content digest | blob id | "other:<size>")


def resolve_path(store: str | None) -> Path:
    """`--store`, else `$ROADMAP_COACH_STORE`, else the store's default place."""
    if store is not None and store.strip():
        return Path(store).expanduser().absolute()
    return default_store_path().absolute()


def cache_path(store: Path) -> Path:
    """The cache file of the progress store at `store`."""
    return store.with_name(store.name + CACHE_SUFFIX)


def open_records_cache(
    store: str | None, engine_fingerprint: str, *, quiet: bool = False
) -> RecordsCache | None:
    """The cache of the store at `store` (see `resolve_path`, `cache_path`), or None,
    with the reason on stderr, when it cannot be used right now."""
    path = cache_path(resolve_path(store))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = _connect_file(path, quiet)
    except OSError as exc:
        _say(f"scanning without the records cache: cannot write {path} ({exc})", quiet)
        return None
    except sqlite3.Error as exc:
        _say(f"scanning without the records cache: {_problem(exc, path)}", quiet)
        return None
    return RecordsCache(connection, path, engine_fingerprint, quiet=quiet)


def _connect_file(path: Path, quiet: bool) -> sqlite3.Connection:
    damage = header_damage(path)
    if damage is None:
        try:
            return connect(path, BUSY_TIMEOUT_S, SCHEMA, CACHE_VERSION, check=False)
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            damage = str(exc)
    _say(f"the records cache {path} was damaged ({damage}): it is made again", quiet)
    remove_database(path)
    return connect(path, BUSY_TIMEOUT_S, SCHEMA, CACHE_VERSION, check=False)


def _problem(exc: sqlite3.Error, path: Path) -> str:
    """What went wrong with the cache file, in words that fit a cache (the store's own
    messages speak of recording progress and moving the file aside)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
        return f"{path} is locked by another program (waited {BUSY_TIMEOUT_S:g}s)"
    if isinstance(exc, sqlite3.DatabaseError) and is_damage(exc):
        return f"{path} is damaged ({exc}); it is made again next time"
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM", "SQLITE_IOERR")):
        return f"cannot write {path} ({exc})"
    return f"{path} failed: {exc}"


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(f"roadmap-coach: {message}", file=sys.stderr)


@dataclass(slots=True)
class Row:
    """A cached record as stored: decoded on demand."""

    blob: bytes
    wskey: str

    def record(self) -> FileRecord | None:
        try:
            return decode_record(self.blob)
        except Exception:  # damaged or from an incompatible build: made again
            return None


@dataclass(slots=True)
class ScanState:
    inputs: str  # digest of the fingerprint and every (path, id) of the workspace
    wskey: str
    meta: Any  # what the caller keeps beside it (kinds and errors of the files)
    fold_key: str
    fold: bytes | None


class RecordsCache:
    """Records by `(path, id)`, stat rows per root and the last scan of each root, over
    one SQLite connection. Reads are answered by bulk queries; each `put_*` is one
    transaction."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        engine_fingerprint: str,
        *,
        quiet: bool = False,
        max_rows: int = MAX_ROWS,
    ) -> None:
        self.connection: sqlite3.Connection | None = connection
        self.path = path
        self.fingerprint = engine_fingerprint
        self.quiet = quiet
        self.max_rows = max_rows
        self.failed = False  # after one failure the cache stays out of the way
        self.damaged = False  # then the file is deleted on close, to be made again
        self.wrote = False
        self._touch: set[Key] = set()

    # -- records -------------------------------------------------------------------

    def get_many(self, keys: Iterable[Key]) -> dict[Key, Row]:
        """The rows this fingerprint has for `keys` (the others are simply absent)."""
        keys = list(keys)
        found: dict[Key, Row] = {}
        stale = int(time.time()) - _TOUCH_AFTER_S
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            where = " OR ".join("(path = ? AND id = ?)" for _ in chunk)
            args: list[object] = [self.fingerprint]
            for path, ident in chunk:
                args += [path, ident]
            for path, ident, wskey, used, blob in self._rows(
                "SELECT path, id, wskey, used, record FROM records "
                f"WHERE fingerprint = ? AND ({where})",
                tuple(args),
            ):
                key = (str(path), str(ident))
                found[key] = Row(bytes(blob), str(wskey))  # type: ignore[arg-type]
                if int(used) < stale:  # type: ignore[call-overload]
                    self._touch.add(key)
        return found

    def known_ids(self, paths: Iterable[str]) -> dict[str, set[str]]:
        """Which ids have a row for each path (no record is read)."""
        paths = list(paths)
        found: dict[str, set[str]] = {}
        for start in range(0, len(paths), _CHUNK):
            chunk = paths[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for path, ident in self._rows(
                f"SELECT path, id FROM records WHERE fingerprint = ? AND path IN ({marks})",
                (self.fingerprint, *chunk),
            ):
                found.setdefault(str(path), set()).add(str(ident))
        return found

    def put_many(self, rows: Iterable[tuple[str, str, FileRecord | bytes, str]]) -> None:
        """Store `(path, id, record or its encoded form, workspace key)` rows."""
        now = int(time.time())
        values = [
            (
                path,
                ident,
                self.fingerprint,
                wskey,
                now,
                record if isinstance(record, bytes) else encode_record(record),
            )
            for path, ident, record, wskey in rows
        ]
        if values:
            self._write(
                "INSERT OR REPLACE INTO records (path, id, fingerprint, wskey, used, record) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )

    def set_wskey(self, keys: Iterable[Key], wskey: str) -> None:
        """Rows found valid under another workspace key now stand under `wskey`."""
        values = [(wskey, path, ident, self.fingerprint) for path, ident in keys]
        if values:
            self._write(
                "UPDATE records SET wskey = ? WHERE path = ? AND id = ? AND fingerprint = ?",
                values,
            )

    # -- stat rows -----------------------------------------------------------------

    def stats(self, root: str) -> dict[str, tuple[int, int, str]]:
        """path -> (size, mtime_ns, digest) as last seen under `root`."""
        return {
            str(path): (int(size), int(mtime), str(digest))  # type: ignore[call-overload]
            for path, size, mtime, digest in self._rows(
                "SELECT path, size, mtime_ns, digest FROM record_stat WHERE root = ?", (root,)
            )
        }

    def put_stats(
        self,
        root: str,
        changed: Mapping[str, tuple[int, int, str]],
        gone: Iterable[str] = (),
    ) -> None:
        self._write(
            "INSERT OR REPLACE INTO record_stat (root, path, size, mtime_ns, digest) "
            "VALUES (?, ?, ?, ?, ?)",
            [(root, path, size, mtime, digest) for path, (size, mtime, digest) in changed.items()],
            ("DELETE FROM record_stat WHERE root = ? AND path = ?", [(root, p) for p in gone]),
        )

    # -- the last scan of a root ---------------------------------------------------

    def state(self, root: str) -> ScanState | None:
        rows = self._rows(
            "SELECT inputs, wskey, meta, fold_key, fold FROM scan_state "
            "WHERE root = ? AND fingerprint = ?",
            (root, self.fingerprint),
        )
        if not rows:
            return None
        inputs, wskey, meta, fold_key, fold = rows[0]
        try:
            decoded = pickle.loads(meta)  # type: ignore[arg-type]
        except Exception:
            return None
        return ScanState(str(inputs), str(wskey), decoded, str(fold_key), fold)  # type: ignore[arg-type]

    def put_state(self, root: str, inputs: str, wskey: str, meta: object) -> None:
        """What this scan of `root` saw; a folded result of other inputs is dropped."""
        blob = pickle.dumps(meta, protocol=PICKLE_PROTOCOL)
        self._write(
            "INSERT INTO scan_state (root, fingerprint, inputs, wskey, meta) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(root) DO UPDATE SET "
            "fingerprint = excluded.fingerprint, inputs = excluded.inputs, "
            "wskey = excluded.wskey, meta = excluded.meta, fold_key = '', fold = NULL",
            [(root, self.fingerprint, inputs, wskey, blob)],
        )

    def put_fold(self, root: str, fold_key: str, fold: bytes) -> None:
        self._write(
            "UPDATE scan_state SET fold_key = ?, fold = ? WHERE root = ? AND fingerprint = ?",
            [(fold_key, fold, root, self.fingerprint)],
        )

    # -- upkeep --------------------------------------------------------------------

    def evict(self) -> None:
        """Rows of other fingerprints, then the least recently used beyond the cap."""
        if self.connection is None or self.failed:
            return
        self._write("DELETE FROM records WHERE fingerprint != ?", [(self.fingerprint,)])
        self._write("DELETE FROM scan_state WHERE fingerprint != ?", [(self.fingerprint,)])
        counted = self._rows("SELECT count(*) FROM records", ())
        extra = int(counted[0][0]) - self.max_rows if counted else 0  # type: ignore[call-overload]
        if extra > 0:
            self._write(
                "DELETE FROM records WHERE rowid IN "
                "(SELECT rowid FROM records ORDER BY used LIMIT ?)",
                [(extra,)],
            )

    def _flush_touches(self) -> None:
        if self._touch:
            now = int(time.time())
            touched, self._touch = self._touch, set()
            self._write(
                "UPDATE records SET used = ? WHERE path = ? AND id = ?",
                [(now, path, ident) for path, ident in touched],
            )

    def _write(
        self,
        sql: str,
        values: list[tuple[object, ...]],
        *more: tuple[str, list[tuple[object, ...]]],
    ) -> None:
        if self.connection is None or self.failed:
            return
        self.wrote = True
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                for statement, rows in ((sql, values), *more):
                    if rows:
                        self.connection.executemany(statement, rows)
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")
        except sqlite3.Error as exc:
            self._fail(exc)

    def _rows(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        if self.connection is None or self.failed:
            return []
        try:
            return self.connection.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            self._fail(exc)
            return []

    def _fail(self, exc: sqlite3.Error) -> None:
        self.failed = True
        # found only now, as the cache file is not checked whole when opened
        self.damaged = isinstance(exc, sqlite3.DatabaseError) and is_damage(exc)
        _say(f"records cache not used from here on: {_problem(exc, self.path)}", self.quiet)

    def close(self) -> None:
        if self.connection is None:
            return
        self._flush_touches()
        if self.wrote:
            self.evict()
        self.connection.close()
        self.connection = None
        if self.damaged:
            remove_database(self.path)

    def __enter__(self) -> RecordsCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
