"""The facts of the workspace's files: each listed file (`analysis.listing`) read,
analysed, or taken from a cache.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from roadmap_coach.analysis import parallel
from roadmap_coach.analysis.facts import FACTS_VERSION, FileFacts, Skipped, WorkspaceFacts
from roadmap_coach.analysis.facts_codec import decode, encode, error_of
from roadmap_coach.analysis.facts_map import FactsMap
from roadmap_coach.analysis.files import analyze_bytes, content_digest, file_kind
from roadmap_coach.analysis.git_facts import read_git
from roadmap_coach.analysis.listing import (
    DEFAULT_MAX_BYTES,
    _check,
    _Entry,
    _list,
    _read,
    _trusted,
    list_files,
)
from roadmap_coach.analysis.listing_rules import (
    SKIP_DIRS,
    VENV_MARKER,
    may_be_listed,
    never_listed,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SKIP_DIRS",
    "VENV_MARKER",
    "list_files",
    "may_be_listed",
    "never_listed",
]


class FactsCache(Protocol):
    """Facts by `cache_key(path, digest)`; the SQLite store implements it."""

    def get(self, key: str) -> FileFacts | None: ...

    def put(self, key: str, facts: FileFacts) -> None: ...


@runtime_checkable
class StatCache(FactsCache, Protocol):
    """Optional fast path: a file whose (size, mtime) did not change is not even read."""

    def digest_for(self, path: str, size: int, mtime_ns: int) -> str | None: ...

    def remember(self, path: str, size: int, mtime_ns: int, digest: str) -> None: ...


@runtime_checkable
class ScanCache(StatCache, Protocol):
    """Optional bulk path: told the scan's root first (so stat rows of two workspaces
    never mix) and its end (to write once), and trading facts in codec form so a
    cache hit is never decoded by the scan itself (see `facts_map`)."""

    def begin_scan(self, root: str) -> None: ...

    def end_scan(self) -> None: ...

    def get_blob(self, key: str) -> bytes | None: ...

    def put_blob(self, key: str, blob: bytes) -> None: ...

    def previous_digest(self, path: str) -> str | None:
        """The content digest this path had at the last scan, whatever its stat now."""
        ...


def cache_key(path: str, digest: str) -> str:
    """Facts depend on the content, the path (module name), the facts format and the
    interpreter (which syntax parses), so all four are in the key."""
    major, minor = sys.version_info[:2]
    return f"v{FACTS_VERSION}:py{major}.{minor}:{path}:{digest}"


def collect_workspace(
    root: str,
    *,
    cache: FactsCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int | None = None,
) -> WorkspaceFacts:
    """Facts for every listed file plus the repository's. Files whose analysis reported
    an error are kept in `files` (what could be read still counts) and named in `skipped`.

    Files the cache cannot answer are analysed in worker processes when there are
    many (`workers=None` decides by size and cores, 0 forces the serial path); the
    result is the same either way."""
    root_real = os.path.realpath(root)
    entries, skipped = _list(root_real, max_bytes)
    workspace = WorkspaceFacts(root=root_real)
    files = FactsMap()
    workspace.files = files  # type: ignore[assignment]  # a Mapping that may hold blobs
    bulk = cache if _implements(cache, ScanCache) else None
    collector_was_on = gc.isenabled()
    # The facts are acyclic, so letting the cyclic collector re-walk the growing heap
    # after every few thousand records costs time (a third of a large scan) for nothing.
    gc.disable()
    try:
        if bulk is not None:
            bulk.begin_scan(root_real)
        outcomes = _collect(entries, cache, bulk, max_bytes, workers, progress)
        for entry, outcome in zip(entries, outcomes, strict=True):
            if isinstance(outcome, str):
                skipped.append(Skipped(entry.path, outcome))
                continue
            if isinstance(outcome, FileFacts):
                files[entry.path] = outcome
                error = outcome.error
            else:
                files.put_blob(entry.path, outcome[0])
                error = outcome[2]
            if error:
                skipped.append(Skipped(entry.path, error))
    finally:
        if bulk is not None:
            bulk.end_scan()
        if collector_was_on:
            gc.enable()
    workspace.skipped = sorted(skipped, key=lambda s: s.path)
    workspace.git = read_git(root_real)
    return workspace


# -- facts for the files ---------------------------------------------------------------

# What a file came to: records, (blob, digest, error) in codec form, or why it was left out.
_Outcome = FileFacts | tuple[bytes, str, str | None] | str


def _collect(
    entries: list[_Entry],
    cache: FactsCache | None,
    bulk: ScanCache | None,
    max_bytes: int,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
) -> list[_Outcome]:
    total = len(entries)
    outcomes: list[_Outcome | None] = [None] * total
    state = {"done": 0}

    def advance(count: int) -> None:
        if progress is not None:
            for _ in range(count):
                state["done"] += 1
                progress(state["done"], total)

    # Cheap answers first (names only, stat-cache hits), so only real work is farmed out.
    todo: list[int] = []
    for index, entry in enumerate(entries):
        known = _known(entry, cache, bulk)
        if known is None:
            todo.append(index)
        else:
            outcomes[index] = known
            advance(1)
    if workers is None:
        workers = parallel.worth_a_pool(len(todo), sum(entries[i].size for i in todo))
    if workers > 1 and len(todo) > 1:
        # imported here: its import (multiprocessing, tempfile, shutil) is a cost the
        # language server's start never needs
        from concurrent.futures.process import BrokenProcessPool

        jobs = [
            (
                i,
                entries[i].path,
                entries[i].real,
                (bulk and bulk.previous_digest(entries[i].path)) or "",
            )
            for i in todo
        ]
        try:
            farmed = parallel.analyse_parallel(
                jobs, [entries[i].size for i in todo], max_bytes, workers, advance
            )
        except (OSError, RuntimeError, BrokenProcessPool):
            farmed = {}  # no processes to be had here: the serial path gives the same facts
        for index, outcome in farmed.items():
            outcomes[index] = _filed(entries[index], outcome, cache, bulk, max_bytes)
        todo = [i for i in todo if outcomes[i] is None]
    # A big tree analysed here (one core, or no processes to be had) keeps its facts
    # encoded too, so memory stays flat in the number of files on every path.
    compact = sum(entries[i].size for i in todo) >= parallel.MIN_BYTES
    for index in todo:
        outcome = _facts_for(entries[index], cache, max_bytes, bulk)
        if compact and isinstance(outcome, FileFacts) and outcome.kind != "other":
            outcome = (encode(outcome), outcome.digest, outcome.error)
        outcomes[index] = outcome
        advance(1)
    return outcomes  # type: ignore[return-value]  # every slot is filled by now


_IMPLEMENTS: dict[tuple[type, type], bool] = {}


def _implements(cache: object, protocol: type) -> bool:
    """`isinstance` against a runtime-checkable Protocol, once per class: the check
    inspects every method and would otherwise cost more than a cache hit saves."""
    key = (type(cache), protocol)
    found = _IMPLEMENTS.get(key)
    if found is None:
        found = _IMPLEMENTS[key] = isinstance(cache, protocol)
    return found


def _known(entry: _Entry, cache: FactsCache | None, bulk: ScanCache | None) -> _Outcome | None:
    """The outcome without reading the file, when the name or the stat cache says it."""
    if file_kind(entry.path) == "other":
        return FileFacts(path=entry.path, kind="other", size=entry.size)
    if not _implements(cache, StatCache) or not _trusted(entry):
        return None
    digest = cache.digest_for(entry.path, entry.size, entry.mtime_ns)
    if not digest:
        return None
    key = cache_key(entry.path, digest)
    if bulk is not None:
        blob = bulk.get_blob(key)
        if blob is None:
            return None
        return (blob, digest, error_of(blob))
    return cache.get(key)


def _filed(
    entry: _Entry,
    outcome: parallel.Outcome,
    cache: FactsCache | None,
    bulk: ScanCache | None,
    max_bytes: int,
) -> _Outcome:
    """A worker's outcome, put into the cache like the serial path does."""
    if isinstance(outcome, str) or cache is None:
        return outcome
    blob, digest, _error = outcome
    key = cache_key(entry.path, digest)
    if not blob:  # known content: its facts are in the cache (or, if it lost them, analysed here)
        cached = bulk.get_blob(key) if bulk is not None else None
        if cached is None:
            return _facts_for(entry, cache, max_bytes, bulk)
        outcome = (cached, digest, error_of(cached))
    elif bulk is not None:
        bulk.put_blob(key, blob)
    else:
        cache.put(key, decode(blob))
    if _implements(cache, StatCache) and _trusted(entry):
        cache.remember(entry.path, entry.size, entry.mtime_ns, digest)
    return outcome


def _facts_for(
    entry: _Entry, cache: FactsCache | None, max_bytes: int, bulk: ScanCache | None = None
) -> _Outcome:
    known = _known(entry, cache, bulk)
    if known is not None:
        return known
    data = _read(entry.real, max_bytes)
    if isinstance(data, str):
        return data
    digest = content_digest(data)
    key = cache_key(entry.path, digest)
    outcome: _Outcome | None = None
    if bulk is not None:
        blob = bulk.get_blob(key)
        if blob is not None:
            outcome = (blob, digest, error_of(blob))
    elif cache is not None:
        outcome = cache.get(key)
    if outcome is None:
        try:
            facts = analyze_bytes(entry.path, data)
        except Exception as exc:  # a bug in an analyser must not cost the learner the whole scan
            return f"could not analyse ({type(exc).__name__})"
        outcome = facts
        if bulk is not None:
            blob = encode(facts)
            bulk.put_blob(key, blob)
            outcome = (blob, digest, facts.error)  # kept encoded: see facts_map
        elif cache is not None:
            cache.put(key, facts)
    if _implements(cache, StatCache) and _trusted(entry):
        cache.remember(entry.path, entry.size, entry.mtime_ns, digest)
    return outcome


def analyze_file(
    root: str, rel: str, *, cache: FactsCache | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> FileFacts | str:
    """Facts for one workspace file exactly as a scan reads it (the language server
    re-reads a file a watcher reported), or why it was left out."""
    entry = _check(os.path.realpath(root), rel, max_bytes)
    if entry is None:
        return "not found"
    if isinstance(entry, str):
        return entry
    outcome = _facts_for(entry, cache, max_bytes)
    return decode(outcome[0]) if isinstance(outcome, tuple) else outcome
