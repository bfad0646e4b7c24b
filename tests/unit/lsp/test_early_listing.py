"""The workspace listed by a child while the server starts (lsp/early_listing.py): what
stdin already holds is read without waiting and kept for the transport, the child's
listing is the scan's own listing of the same folder, a file modified just before it
is stat'ed again when taken, and what changed since is found by listing again."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from roadmap_coach.analysis.listing import DEFAULT_MAX_BYTES, _list
from roadmap_coach.lsp import early_listing
from roadmap_coach.lsp.early_listing import (
    EarlyListing,
    changed_since,
    initialize_root,
    read_waiting,
)
from roadmap_coach.roadmap.loader import load_roadmap

pytestmark = pytest.mark.skipif(not early_listing.supported(), reason="Linux only")
OLD_NS = 1_600_000_000 * 10**9  # a modification time long past: the stat is trusted
WAIT_S = 30.0  # on a busy machine the child may take a while


def frame(message: object) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def initialize(root: Path | str, **more: object) -> dict[str, object]:
    uri = root if isinstance(root, str) else root.as_uri()
    return {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": uri, **more}}


def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "pkg").mkdir(parents=True)
    files = {"app.py": "print('hi')\n", "pkg/__init__.py": "", "README.md": "# hi\n"}
    for rel, text in files.items():
        (root / rel).write_text(text)
        os.utime(root / rel, ns=(OLD_NS, OLD_NS))
    return root


def test_what_stdin_holds_is_read_without_waiting_and_kept(tmp_path: Path) -> None:
    sent = frame(initialize(tmp_path)) + frame({"jsonrpc": "2.0", "method": "initialized"})
    for written, root in [(sent, str(tmp_path)), (sent[:10], None), (b"", None)]:
        read, write = os.pipe()
        os.write(write, written)
        try:
            # half a message names no folder, and nothing there returns at once
            assert read_waiting(read) == (written, root)
        finally:
            os.close(read)
            os.close(write)


def test_the_folder_is_the_first_that_exists_and_only_initialize_names_one(
    tmp_path: Path,
) -> None:
    gone = (tmp_path / "gone").as_uri()
    folders = [{"uri": tmp_path.as_uri(), "name": "ws"}]
    assert initialize_root(json.dumps(initialize(gone, workspaceFolders=folders)).encode()) == (
        str(tmp_path)
    )
    assert initialize_root(json.dumps(initialize(gone, rootPath=str(tmp_path))).encode()) == (
        str(tmp_path)
    )
    assert initialize_root(json.dumps(initialize("untitled:x")).encode()) is None
    other = {"jsonrpc": "2.0", "id": 1, "method": "shutdown", "params": None}
    assert initialize_root(json.dumps(other).encode()) is None
    assert initialize_root(b"not json") is None


def test_the_childs_listing_is_the_scans_own(tmp_path: Path) -> None:
    root = os.path.realpath(workspace(tmp_path))
    early = EarlyListing.start(root)
    assert early is not None
    assert early.take(root, DEFAULT_MAX_BYTES, WAIT_S) == _list(root, DEFAULT_MAX_BYTES)
    assert early.take(root, DEFAULT_MAX_BYTES) is None  # once


def test_a_file_modified_just_before_the_listing_is_statted_again(tmp_path: Path) -> None:
    root = os.path.realpath(workspace(tmp_path))
    (Path(root) / "new.py").write_text("x = 1\n")  # now: inside the racy window
    early = EarlyListing.start(root)
    assert early is not None
    time.sleep(0.2)  # the child has listed it
    (Path(root) / "new.py").write_text("x = 1000\n")
    entries, _ = early.take(root, DEFAULT_MAX_BYTES, WAIT_S) or ([], [])
    by_path = {e.path: e for e in entries}
    assert by_path["new.py"].size == len("x = 1000\n")
    assert by_path["app.py"].mtime_ns == OLD_NS  # old ones are taken as the child saw them


def test_another_folder_or_another_size_limit_is_not_taken(tmp_path: Path) -> None:
    root = os.path.realpath(workspace(tmp_path))
    early = EarlyListing.start(root)
    assert early is not None
    assert early.take(str(tmp_path), DEFAULT_MAX_BYTES) is None
    again = EarlyListing.start(root)
    assert again is not None
    assert again.take(root, DEFAULT_MAX_BYTES + 1) is None
    closed = EarlyListing.start(root)
    assert closed is not None
    closed.close()
    assert closed.take(root, DEFAULT_MAX_BYTES) is None


def test_what_changed_since_a_listing_is_found(tmp_path: Path) -> None:
    root = os.path.realpath(workspace(tmp_path))
    entries, _ = _list(root, DEFAULT_MAX_BYTES)
    assert changed_since(root, entries, DEFAULT_MAX_BYTES) == []
    (Path(root) / "app.py").write_text("print('changed')\n")
    (Path(root) / "pkg" / "__init__.py").unlink()
    (Path(root) / "pkg" / "models.py").write_text("")
    assert changed_since(root, entries, DEFAULT_MAX_BYTES) == [
        "app.py",
        "pkg/__init__.py",
        "pkg/models.py",
    ]


def test_the_child_hands_over_the_shipped_roadmap_as_loaded_here(tmp_path: Path) -> None:
    root = os.path.realpath(workspace(tmp_path))
    early = EarlyListing.start(root)
    assert early is not None
    roadmap = early.roadmap(WAIT_S)
    assert roadmap is not None and roadmap == load_roadmap()
    assert repr(roadmap[0]) == repr(load_roadmap()[0])  # what the records' fingerprint reads
    assert early.roadmap() is None  # once
    assert early.take(root, DEFAULT_MAX_BYTES, WAIT_S) == _list(root, DEFAULT_MAX_BYTES)


def test_closing_stops_and_reaps_the_child(tmp_path: Path) -> None:
    root = os.path.realpath(workspace(tmp_path))
    early = EarlyListing.start(root)
    assert early is not None
    pid = early._pid
    assert pid is not None
    early.close()  # at once: it may still be listing
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert early.take(root, DEFAULT_MAX_BYTES) is None and early.roadmap() is None


def test_a_listing_not_done_when_asked_for_is_not_waited_for(tmp_path: Path) -> None:
    root = os.path.realpath(workspace(tmp_path))
    early = EarlyListing.start(root)
    assert early is not None
    os.kill(early._pid or 0, signal.SIGSTOP)  # a busy machine: the child gets no time
    assert early.roadmap() is None and early.take(root, DEFAULT_MAX_BYTES) is None
