"""Which files make up the learner's workspace: listed, stat'ed, and read safely.

In a Git repository the workspace is what Git shows (tracked plus untracked files
that are not ignored); elsewhere a walk that skips what is never the learner's own
code (virtualenvs, `node_modules`, caches, build output). Either way nothing is
followed outside the workspace, nothing that is not a regular file is opened (a FIFO
would block a read forever), and big files are left alone. Every file left out for a
reason the learner could act on is reported in `skipped` with that reason.

A virtualenv is skipped, but its `pyvenv.cfg` is listed (as a name-only file): that
is how the `deps.venv` checkpoint learns the learner made one, even when it is
gitignored.

Apart from the analysis (`analysis.workspace`), so that a scan with nothing to analyse
(a warm scan lists and stats every file, and reads none) imports no parser.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from dataclasses import dataclass

from roadmap_coach.analysis.facts import Skipped
from roadmap_coach.analysis.files import file_kind
from roadmap_coach.analysis.git_facts import open_repo
from roadmap_coach.analysis.listing_rules import VENV_MARKER
from roadmap_coach.analysis.listing_rules import skip_dir as _skip_dir

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A file modified this recently may change again within the same mtime tick, so its
# stat is not trusted to stand for its content (Git's "racy" rule).
_RACY_NS = 2_000_000_000
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True, slots=True)
class _Entry:
    path: str  # workspace-relative, '/'-separated
    real: str  # absolute path to open (the resolved target for a symlink)
    size: int
    mtime_ns: int


def list_files(root: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[str], list[Skipped]]:
    """Sorted '/'-separated relative paths of the workspace's files, and what was left out."""
    entries, skipped = _list(root, max_bytes)
    return [e.path for e in entries], skipped


def _trusted(entry: _Entry) -> bool:
    return time.time_ns() - entry.mtime_ns > _RACY_NS


def _read(path: str, max_bytes: int) -> bytes | str:
    """The file's bytes, or why not. Opened without following a final symlink and
    without blocking, then checked to be a regular file before reading."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return _os_reason(exc)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file"
        if info.st_size > max_bytes:
            return _too_large(info.st_size)
        chunks = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:
            return _too_large(len(data))
        return data
    except OSError as exc:
        return _os_reason(exc)
    finally:
        os.close(fd)


# -- listing -------------------------------------------------------------------------


def _list(root: str, max_bytes: int) -> tuple[list[_Entry], list[Skipped]]:
    root_real = os.path.realpath(root)
    if not os.path.isdir(root_real):
        return [], [Skipped(".", "workspace folder not found")]
    skipped: list[Skipped] = []
    candidates = _git_candidates(root_real)
    if candidates is None:
        candidates = _walk_candidates(root_real, skipped)
    entries = []
    for rel in sorted(set(candidates)):
        if not _is_utf8(rel):
            # JSON output, URIs and the store all need text: named (with U+FFFD), left out
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            skipped.append(Skipped(shown, "file name is not valid UTF-8"))
            continue
        result = _check(root_real, rel, max_bytes)
        if isinstance(result, _Entry):
            entries.append(result)
        elif result is not None:
            skipped.append(Skipped(rel, result))
    return entries, skipped


def _is_utf8(name: str) -> bool:
    """Was the name decoded from valid UTF-8 (no `surrogateescape` stand-ins)?"""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _git_candidates(root: str) -> list[str] | None:
    """Tracked plus untracked-not-ignored paths, or None when Git cannot say."""
    repo, _ = open_repo(root)
    if repo is None:
        return None
    try:
        out = repo.git.ls_files("-co", "--exclude-standard", "-z", stdout_as_string=False)
    except Exception:
        return None
    finally:
        repo.close()
    paths = [os.fsdecode(p) for p in out.split(b"\0") if p]
    markers = {p for p in paths if p.endswith("/" + VENV_MARKER)}
    markers.update(_shallow_venv_markers(root))
    venvs = tuple(m[: -len(VENV_MARKER)] for m in markers)  # "env/" prefixes
    kept = [
        p
        for p in paths
        if not any(_skip_dir(part) for part in p.split("/")[:-1])
        and not (p.startswith(venvs) and p not in markers)
    ]
    return kept + sorted(markers)


def _shallow_venv_markers(root: str) -> list[str]:
    """`pyvenv.cfg` one or two folders down, where Git will not show an ignored venv."""
    found = []
    level = [""]
    for _ in range(2):
        deeper = []
        for rel in level:
            for entry in _scan(os.path.join(root, rel)):
                if not entry.is_dir(follow_symlinks=False) or _skip_dir(entry.name):
                    continue
                child = f"{rel}{entry.name}/"
                if os.path.isfile(os.path.join(root, child, VENV_MARKER)):
                    found.append(child + VENV_MARKER)
                else:
                    deeper.append(child)
        level = deeper
    return found


def _scan(path: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            return list(it)
    except OSError:
        return []


def _walk_candidates(root: str, skipped: list[Skipped]) -> list[str]:
    found: list[str] = []
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        try:
            with os.scandir(os.path.join(root, rel_dir) if rel_dir else root) as it:
                entries = list(it)
        except OSError as exc:
            skipped.append(
                Skipped(rel_dir.rstrip("/") or ".", f"cannot list folder: {_os_reason(exc)}")
            )
            continue
        if rel_dir and any(e.name == VENV_MARKER for e in entries):
            found.append(rel_dir + VENV_MARKER)  # a virtualenv: noted, not walked
            continue
        for entry in entries:
            rel = rel_dir + entry.name
            if entry.is_dir(follow_symlinks=False):
                if not _skip_dir(entry.name):
                    stack.append(rel + "/")
            else:
                found.append(rel)
    return found


def _check(root: str, rel: str, max_bytes: int) -> _Entry | str | None:
    """An entry to read, a reason to skip, or None for what is silently not a file
    (a directory, a path that vanished since it was listed)."""
    path = f"{root}{os.sep}{rel}"  # os.path.join's checks cost more than the lstat
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return _os_reason(exc)
    real = path
    if stat.S_ISLNK(info.st_mode):
        try:
            real = _resolve_link(path)
        except _Skip as skip:
            return str(skip)
        if os.path.commonpath([root, real]) != root:
            return "symlink points outside the workspace"
        try:
            info = os.stat(real)
        except OSError as exc:
            return _os_reason(exc)
        if stat.S_ISDIR(info.st_mode):
            # A link to a folder of the workspace is listed where it points; one to
            # an enclosing folder would make the workspace contain itself.
            link_dir = os.path.dirname(path)
            return "symlink loop" if os.path.commonpath([real, link_dir]) == real else None
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > max_bytes and file_kind(rel) != "other":
        return _too_large(info.st_size)
    return _Entry(rel, real, info.st_size, info.st_mtime_ns)


class _Skip(Exception):
    pass


def _resolve_link(path: str) -> str:
    try:
        return os.path.realpath(path, strict=True)
    except FileNotFoundError as exc:
        raise _Skip("dangling symlink") from exc
    except NotADirectoryError as exc:
        raise _Skip("dangling symlink") from exc
    except RuntimeError as exc:
        raise _Skip("symlink loop") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Skip("symlink loop") from exc
        raise _Skip(_os_reason(exc)) from exc


def _too_large(size: int) -> str:
    return f"file too large ({size} bytes)"


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if isinstance(exc, PermissionError):
        return "cannot read: permission denied"
    return f"cannot read: {exc.strerror or type(exc).__name__}"
