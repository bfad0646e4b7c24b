"""The workspace listed by a child process while the server starts.

Most of a start is importing (lsprotocol, pygls, the rules), and a scan cannot begin
before `initialized`; listing a large workspace (a `stat` of every file) then sits on
the way to the scan's end. An editor writes `initialize` as soon as it has started
the server, so its workspace folder is usually waiting on stdin before those imports:
`roadmap-coach serve` reads what is there (without waiting, and hands those bytes to
the transport), and a forked child lists that folder with the scan's own listing
(`analysis.listing._list`) while the parent imports, on the other core.

The first scan takes that listing instead of making its own, when it is of the same
folder, young and done (`take`): what the child has not done when the server needs it
(a busy machine gave it no core), the server does itself; it is never waited for. (At
the lowest priority it was rarely done in time on a busy machine, and starts were
slower on average than at the server's own: measured 16 starts each, Django.) Files changed between the child's listing and the moment
the watchers were on would go unseen, so once the scan has ended the folder is listed
again and every file whose size or mtime differs, or that came or went, is handed to
the watcher's path for changes (`changed_since`); and a file the watcher re-read
before that scan loaded is kept as re-read (it is newer than the listing). A file modified within the racy
window before the child stat'ed it is stat'ed again when the listing is taken, so the
trust in a stat is judged at the moment it was made, as a scan's own listing does.

The child also loads the shipped roadmap first (parsing its TOML is a good part of
making the server) and hands it over pickled, on a pipe of its own, so the parent never
waits for the listing to make the server (`roadmap`); it is the roadmap the parent
would load: the same files, read by the same code, a moment earlier.

Only on Linux, on stdio, and only when `initialize` is already there; anywhere else the
scan lists as before.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import pickle
import select
import signal
import sys
import time
from urllib.parse import unquote, urlsplit

from roadmap_coach.analysis.facts import Skipped
from roadmap_coach.analysis.listing import _RACY_NS, DEFAULT_MAX_BYTES, _check, _Entry, _list
from roadmap_coach.lsp.framing import FrameReader
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Problem, Roadmap

MAX_AGE_S = 10.0  # a listing older than this (a client slow to say `initialized`) is not used
_CHUNK = 64 * 1024
_ROADMAP_PIPE = 1024 * 1024  # the roadmap is written whole without waiting (~75 KB)
Listed = tuple[list[_Entry], list[Skipped]]


def supported() -> bool:
    return sys.platform == "linux" and hasattr(os, "fork")


def read_waiting(fd: int) -> tuple[bytes, str | None]:
    """What the client has written on `fd` so far, read without waiting for more, and
    the workspace folder its first message names when that is a complete `initialize`."""
    data = bytearray()
    frames = FrameReader()
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 0)
            if not ready:
                break
            chunk = os.read(fd, _CHUNK)
        except (OSError, ValueError):
            break
        if not chunk:
            break  # the client closed its end: the transport reads the same end of input
        data += chunk
        for body in frames.feed(chunk):
            return bytes(data), initialize_root(body)
    return bytes(data), None


def initialize_root(body: bytes) -> str | None:
    """The folder an `initialize` body names (the first that exists, as the server
    takes it: `rootUri`, the workspace folders, `rootPath`), or None."""
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, dict) or message.get("method") != "initialize":
        return None
    params = message.get("params")
    if not isinstance(params, dict):
        return None
    uris = [params.get("rootUri")]
    folders = params.get("workspaceFolders")
    if isinstance(folders, list):
        uris += [f.get("uri") for f in folders if isinstance(f, dict)]
    for uri in uris:
        path = _file_path(uri)
        if path is not None and os.path.isdir(path):
            return path
    path = params.get("rootPath")
    return path if isinstance(path, str) and path and os.path.isdir(path) else None


def _file_path(uri: object) -> str | None:
    if not isinstance(uri, str):
        return None
    parts = urlsplit(uri)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return unquote(parts.path) or None


class EarlyListing:
    """The child listing `root` (its realpath); `take` waits for it, once."""

    def __init__(self, root: str, pid: int, fd: int, roadmap_fd: int, started: float) -> None:
        self.root = root
        self._pid: int | None = pid
        self._fd: int | None = fd
        self._roadmap_fd: int | None = roadmap_fd
        self._started = started  # time.monotonic() when the child was made

    @classmethod
    def start(cls, root: str) -> EarlyListing | None:
        """A child listing `root`, or None when none can be made."""
        root_real = os.path.realpath(root)
        if not supported() or not os.path.isdir(root_real):
            return None
        read_end, write_end = os.pipe()
        roadmap_read, roadmap_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (read_end, write_end, roadmap_read, roadmap_write):
                os.close(fd)
            return None
        if pid == 0:  # the child: load, list, write, and leave without any clean-up
            code = 1
            try:
                os.close(read_end)
                os.close(roadmap_read)
                _child(root_real, write_end, roadmap_write)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        os.close(roadmap_write)
        return cls(root_real, pid, read_end, roadmap_read, time.monotonic())

    def roadmap(self, wait_s: float = 0.0) -> tuple[Roadmap, list[Problem]] | None:
        """The shipped roadmap as `load_roadmap()` gives it, loaded by the child; None
        when it could not hand it over, or has not yet after `wait_s` (then the caller
        loads it). Only once."""
        fd, self._roadmap_fd = self._roadmap_fd, None
        if fd is None:
            return None
        if not _readable(fd, wait_s):
            os.close(fd)
            return None
        try:
            with open(fd, "rb") as pipe:
                loaded = pickle.loads(pipe.read())
        except Exception:  # the child failed before writing it whole
            return None
        roadmap, problems = loaded
        return (roadmap, problems) if isinstance(roadmap, Roadmap) else None

    def take(self, root: str, max_bytes: int, wait_s: float = 0.0) -> Listed | None:
        """The child's listing when it is of `root` (a realpath) with `max_bytes`, made
        less than `MAX_AGE_S` ago, and done (or done within `wait_s`); else None (then
        the caller lists: a child that a busy machine kept from listing is never waited
        for). Only once."""
        fd = self._fd
        if fd is None:
            return None
        fresh = time.monotonic() - self._started < MAX_AGE_S
        wanted = root == self.root and max_bytes == DEFAULT_MAX_BYTES and fresh
        if not wanted or not _readable(fd, wait_s):  # it writes only once it has listed
            self.close()
            return None
        self._fd = None
        try:
            with open(fd, "rb") as pipe:
                data = pipe.read()  # to its end: the child has written all and is leaving
        except OSError:
            data = b""
        self.close()  # reaped; the roadmap's pipe too, if nobody took it
        try:
            started_ns, rows, skips = marshal.loads(data)
            entries = [_Entry(*row) for row in rows]
            skipped = [Skipped(*row) for row in skips]
        except Exception:  # the child failed (it wrote nothing, or not all)
            return None
        return _restat_young(root, max_bytes, started_ns, entries, skipped)

    def close(self) -> None:
        """Not needed (any more): the child is stopped if still listing (a session ending
        at once never waits for a large workspace's listing), and reaped."""
        listing = self._fd is not None
        for fd in (self._fd, self._roadmap_fd):
            if fd is not None:
                os.close(fd)
        self._fd = self._roadmap_fd = None
        pid, self._pid = self._pid, None
        if pid is None:
            return
        with contextlib.suppress(ChildProcessError, OSError):
            if listing:
                os.kill(pid, signal.SIGKILL)  # it only reads: nothing is left half done
            os.waitpid(pid, 0)


def _child(root: str, fd: int, roadmap_fd: int) -> None:
    # never the client's pipes: the parent alone reads and answers them
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    import fcntl  # Linux only, as this child

    roadmap = pickle.dumps(load_roadmap(), protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):  # a parent that no longer waits for it closed its end
        fcntl.fcntl(roadmap_fd, fcntl.F_SETPIPE_SZ, _ROADMAP_PIPE)
        if len(roadmap) <= fcntl.fcntl(roadmap_fd, fcntl.F_GETPIPE_SZ):
            _write_all(roadmap_fd, roadmap)  # at once: the pipe holds it (else not sent)
    os.close(roadmap_fd)
    started_ns = time.time_ns()
    entries, skipped = _list(root, DEFAULT_MAX_BYTES)
    rows = [(e.path, e.real, e.size, e.mtime_ns) for e in entries]
    _write_all(fd, marshal.dumps((started_ns, rows, [(s.path, s.reason) for s in skipped])))
    os.close(fd)


def _readable(fd: int, wait_s: float) -> bool:
    try:
        return bool(select.select([fd], [], [], wait_s)[0])
    except (OSError, ValueError):
        return False


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _restat_young(
    root: str, max_bytes: int, started_ns: int, entries: list[_Entry], skipped: list[Skipped]
) -> Listed:
    """Files modified within the racy window before the child's listing began are
    stat'ed again now, so the scan judges their stat as of now (as its own would)."""
    young = started_ns - _RACY_NS
    kept: list[_Entry] = []
    for entry in entries:
        if entry.mtime_ns <= young:
            kept.append(entry)
            continue
        again = _check(root, entry.path, max_bytes)
        if isinstance(again, _Entry):
            kept.append(again)
        elif again is not None:
            skipped.append(Skipped(entry.path, again))
    return kept, skipped


def changed_since(root: str, listed: list[_Entry], max_bytes: int) -> list[str]:
    """The files of `root` whose size or mtime differ from `listed`, or that came or
    went since (listed again now), sorted."""
    before = {e.path: (e.size, e.mtime_ns) for e in listed}
    now = {e.path: (e.size, e.mtime_ns) for e in _list(root, max_bytes)[0]}
    return sorted(p for p in before.keys() | now.keys() if before.get(p) != now.get(p))
