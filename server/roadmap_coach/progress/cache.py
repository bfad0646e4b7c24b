"""The facts cache, kept beside the events in the progress store.

Two tables in the store's SQLite file:

- `facts_cache` (the store's schema): facts in codec form by `cache_key(path,
  digest)`, tagged with the analyser's fingerprint in `version`;
- `facts_stat` (added here): for each workspace root and file, the (size, mtime)
  last seen and the content digest it had, so a re-opened workspace costs a stat
  per file and one query, and no file is read.

The fingerprint covers the facts format, the interpreter (which syntax parses) and
the analyser's own source, so an entry written by any other build is ignored,
never trusted. Facts do not depend on the roadmap (rules read facts; they are not
cached here), so a roadmap change keeps the cache.

The cache is an optimisation: a store that is damaged, locked or unwritable means a
scan without it, with one line on stderr, never a failed scan.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from roadmap_coach import __version__
from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.facts_codec import FORMAT, CodecError, decode, encode, is_sensitive
from roadmap_coach.analysis.workspace import cache_key
from roadmap_coach.progress.database import StoreError, describe, open_database
from roadmap_coach.progress.store import default_store_path

BUSY_TIMEOUT_S = 0.5  # a scan waits this long for another writer, then goes on without
_CHUNK = 500  # keys per query: under SQLite's variable limit

STAT_SCHEMA = """
CREATE TABLE IF NOT EXISTS facts_stat (
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (root, path)
);
"""


def analyser_fingerprint() -> str:
    """Changes whenever the facts could: codec format, Python version, analyser code."""
    digest = hashlib.blake2b(digest_size=8)
    package = resources.files("roadmap_coach.analysis")
    for item in sorted(package.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".py"):
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    major, minor = sys.version_info[:2]
    return f"{FORMAT}:py{major}.{minor}:{__version__}:{digest.hexdigest()}"


VERSION = analyser_fingerprint()


def resolve_path(store: str | None) -> Path:
    """`--store`, else `$ROADMAP_COACH_STORE`, else the store's default place."""
    if store is not None and store.strip():
        return Path(store).expanduser().absolute()
    return default_store_path().absolute()


def open_cache(store: str | None, *, quiet: bool = False) -> FactsCacheDB | None:
    """The cache in the store at `store` (see `resolve_path`), or None, with the reason
    on stderr, when it cannot be used right now."""
    path = resolve_path(store)
    try:
        opened = open_database(path, BUSY_TIMEOUT_S)
    except StoreError as exc:
        _say(f"scanning without the facts cache: {exc}", quiet)
        return None
    except sqlite3.Error as exc:
        _say(f"scanning without the facts cache: {describe(exc, path, BUSY_TIMEOUT_S)}", quiet)
        return None
    if opened.notice:
        _say(opened.notice, quiet)
    try:
        opened.connection.executescript(STAT_SCHEMA)
    except sqlite3.Error as exc:
        opened.connection.close()
        _say(f"scanning without the facts cache: {describe(exc, path, BUSY_TIMEOUT_S)}", quiet)
        return None
    return FactsCacheDB(opened.connection, path, quiet=quiet)


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(f"roadmap-coach: {message}", file=sys.stderr)


class FactsCacheDB:
    """`FactsCache`, `StatCache` and `ScanCache` (analysis.workspace) over one SQLite
    connection. Reads during a scan are answered from two bulk queries; writes are
    kept and made in one transaction at the end of the scan (or on `close`)."""

    def __init__(self, connection: sqlite3.Connection, path: Path, *, quiet: bool = False) -> None:
        self.connection: sqlite3.Connection | None = connection
        self.path = path
        self.version = VERSION
        self.quiet = quiet
        self.root: str | None = None
        self.stats: dict[str, tuple[int, int, str]] = {}  # path -> (size, mtime_ns, digest)
        self.blobs: dict[str, bytes] = {}  # facts of the stat hits, fetched together
        self.seen: set[str] = set()
        self.missing: set[str] = set()  # keys known to be absent (no second query)
        self.prefetched = False
        self.new_stats: dict[str, tuple[int, int, str]] = {}
        self.new_blobs: dict[str, bytes] = {}
        self.failed = False  # after one failure the cache stays out of the way

    # -- the scan's bracket ----------------------------------------------------------

    def begin_scan(self, root: str) -> None:
        self.flush()
        self.root, self.seen = root, set()
        self.stats = dict(
            (path, (size, mtime, digest))
            for path, size, mtime, digest in self._rows(
                "SELECT path, size, mtime_ns, digest FROM facts_stat WHERE root = ? AND version = ?",
                (root, self.version),
            )
        )
        self.blobs, self.missing, self.prefetched = {}, set(), False

    def end_scan(self) -> None:
        gone = [(self.root, path) for path in self.stats if path not in self.seen]
        self.flush(gone)
        self.root, self.stats, self.blobs, self.seen = None, {}, {}, set()
        self.missing, self.prefetched = set(), False

    # -- StatCache -------------------------------------------------------------------

    def digest_for(self, path: str, size: int, mtime_ns: int) -> str | None:
        if self.root is None:
            return None  # stat rows are per workspace: unusable outside a scan
        self.seen.add(path)
        known = self.stats.get(path)
        if known is None or known[0] != size or known[1] != mtime_ns:
            return None
        return known[2]

    def previous_digest(self, path: str) -> str | None:
        """The digest this path had, when the facts for it are here to be had (facts
        that may hold a secret never are: a worker must parse that file)."""
        known = self.stats.get(path) if self.root is not None else None
        if known is None:
            return None
        if not self.prefetched:
            self._prefetch()
        return None if cache_key(path, known[2]) in self.missing else known[2]

    def remember(self, path: str, size: int, mtime_ns: int, digest: str) -> None:
        if self.root is None:
            return
        self.seen.add(path)
        if self.stats.get(path) != (size, mtime_ns, digest):
            self.new_stats[path] = (size, mtime_ns, digest)

    # -- facts -----------------------------------------------------------------------

    def get_blob(self, key: str) -> bytes | None:
        found = self.new_blobs.get(key)
        if found is None and self.root is not None and not self.prefetched:
            self._prefetch()
        if found is None:
            found = self.blobs.pop(key, None)  # handed over once: the scan keeps it
        if found is None and key not in self.missing:
            found = self._fetch([key]).get(key)
            if found is None:
                self.missing.add(key)
        return found

    def put_blob(self, key: str, blob: bytes) -> None:
        self.new_blobs[key] = blob

    def get(self, key: str) -> FileFacts | None:
        blob = self.get_blob(key)
        if blob is None:
            return None
        try:
            return decode(blob)
        except CodecError:
            return None  # damaged: analysed again and overwritten

    def put(self, key: str, facts: FileFacts) -> None:
        self.put_blob(key, encode(facts))
        if self.root is None and len(self.new_blobs) >= _CHUNK:
            self.flush()  # a history replay writes as it goes

    def _prefetch(self) -> None:
        """The facts of every file this workspace had last time, in a few queries."""
        keys = [cache_key(path, digest) for path, (_s, _m, digest) in self.stats.items()]
        self.blobs = self._fetch(keys)
        self.missing = set(keys) - set(self.blobs)
        self.prefetched = True

    def _fetch(self, keys: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                (str(key), blob)
                for key, blob in self._rows(
                    f"SELECT key, facts FROM facts_cache WHERE version = ? AND key IN ({marks})",
                    (self.version, *chunk),
                )
                if isinstance(blob, bytes)  # text rows are another build's JSON
            )
        return found

    # -- writing ---------------------------------------------------------------------

    def flush(self, gone: Iterable[tuple[str | None, str]] = ()) -> None:
        stats = [
            (self.root, path, size, mtime, digest, self.version)
            for path, (size, mtime, digest) in self.new_stats.items()
        ]
        # facts that may hold a secret's value stay in memory: the store never holds one
        blobs = [
            (key, self.version, blob)
            for key, blob in self.new_blobs.items()
            if not is_sensitive(blob)
        ]
        gone = list(gone)
        self.new_stats, self.new_blobs = {}, {}
        if not (stats or blobs or gone) or self.connection is None or self.failed:
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                self.connection.executemany(
                    "INSERT OR REPLACE INTO facts_cache (key, version, facts) VALUES (?, ?, ?)",
                    blobs,
                )
                self.connection.executemany(
                    "INSERT OR REPLACE INTO facts_stat "
                    "(root, path, size, mtime_ns, digest, version) VALUES (?, ?, ?, ?, ?, ?)",
                    stats,
                )
                self.connection.executemany(
                    "DELETE FROM facts_stat WHERE root = ? AND path = ?", gone
                )
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
        _say(
            f"facts cache not used from here on: {describe(exc, self.path, BUSY_TIMEOUT_S)}",
            self.quiet,
        )

    def close(self) -> None:
        if self.connection is None:
            return
        if self.root is not None:
            self.end_scan()
        else:
            self.flush()
        self.connection.close()
        self.connection = None

    def __enter__(self) -> FactsCacheDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
