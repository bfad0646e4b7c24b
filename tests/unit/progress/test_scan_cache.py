"""The facts cache in the progress store: a warm scan reads no file, a stale entry is
never trusted, and a cache that cannot be used never costs the scan."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from roadmap_coach.analysis import workspace
from roadmap_coach.analysis.facts_codec import encode
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.cli import main
from roadmap_coach.progress import cache as cache_module
from roadmap_coach.progress.cache import open_cache, resolve_path

APP = "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef home():\n    return 'hi'\n"
MODELS = "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n"


def workspace_at(root: Path, files: dict[str, str], *, age_s: float = 60) -> Path:
    """Files last modified `age_s` ago: old enough for their stat to be trusted."""
    stamp = time.time() - age_s
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (stamp, stamp))
    return root


class Counter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.analysed: list[str] = []
        self.read: list[str] = []
        real_analyze, real_read = workspace.analyze_bytes, workspace._read

        def analyze(path: str, data: bytes) -> Any:
            self.analysed.append(path)
            return real_analyze(path, data)

        def read(path: str, max_bytes: int) -> Any:
            self.read.append(path)
            return real_read(path, max_bytes)

        monkeypatch.setattr(workspace, "analyze_bytes", analyze)
        monkeypatch.setattr(workspace, "_read", read)


def scan(root: Path, store: Path) -> Any:
    cache = open_cache(str(store))
    assert cache is not None
    with cache:
        return collect_workspace(str(root), cache=cache, workers=0)


def test_warm_scan_reads_no_file_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP, "shop/models.py": MODELS})
    store = tmp_path / "store.sqlite3"
    cold = scan(root, store)
    counter = Counter(monkeypatch)
    warm = scan(root, store)
    assert counter.analysed == [] and counter.read == []
    assert dict(warm.files.items()) == dict(cold.files.items())
    assert warm.files["app.py"].decorators[0].qname == "flask.Flask.route"


def test_an_edited_file_is_analysed_again_and_only_that_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP, "shop/models.py": MODELS})
    store = tmp_path / "store.sqlite3"
    scan(root, store)
    workspace_at(root, {"app.py": APP + "x = 1\n"}, age_s=30)
    counter = Counter(monkeypatch)
    again = scan(root, store)
    assert counter.analysed == ["app.py"]
    assert [a.target for a in again.files["app.py"].assigns] == ["app", "x"]


def test_a_just_written_file_is_read_even_with_a_matching_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP}, age_s=0)
    store = tmp_path / "store.sqlite3"
    scan(root, store)
    counter = Counter(monkeypatch)
    scan(root, store)
    # Same mtime tick as the write: the stat may hide a change, so the content is
    # read and hashed; the unchanged content is still not parsed again.
    assert counter.read and counter.analysed == []


def test_a_cache_entry_from_another_analyser_version_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    store = tmp_path / "store.sqlite3"
    scan(root, store)
    # Another build left its (wrong) facts for this very content under the same key.
    impostor = analyze_bytes("app.py", b"import django\n")
    with sqlite3.connect(store) as db:
        db.execute(
            "UPDATE facts_cache SET version = 'an-older-build', facts = ?", (encode(impostor),)
        )
        db.execute("UPDATE facts_stat SET version = 'an-older-build'")
    counter = Counter(monkeypatch)
    again = scan(root, store)
    assert counter.analysed == ["app.py"]
    assert [i.module for i in again.files["app.py"].imports] == ["flask"]
    with sqlite3.connect(store) as db:
        versions = {v for (v,) in db.execute("SELECT version FROM facts_cache")}
    assert versions == {cache_module.VERSION}  # the stale entry was replaced


def test_two_workspaces_with_the_same_paths_and_stats_do_not_share_facts(
    tmp_path: Path,
) -> None:
    one = workspace_at(tmp_path / "one", {"app.py": APP})
    two = workspace_at(tmp_path / "two", {"app.py": APP.replace("Flask", "Quart")})
    stamp = os.stat(one / "app.py").st_mtime_ns
    os.utime(two / "app.py", ns=(stamp, stamp))
    store = tmp_path / "store.sqlite3"
    scan(one, store)
    scan(two, store)
    assert scan(one, store).files["app.py"].imports[0].name == "Flask"
    assert scan(two, store).files["app.py"].imports[0].name == "Quart"


def test_a_damaged_store_is_moved_aside_and_the_scan_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    store = tmp_path / "store.sqlite3"
    store.write_bytes(b"this is not a database" * 100)
    assert main(["scan", str(root), "--format", "json", "--store", str(store)]) == 0
    captured = capsys.readouterr()
    assert "web.flask-route" in captured.out
    assert "damaged" in captured.err
    assert list(tmp_path.glob("store.sqlite3.corrupt-*"))  # moved aside, not deleted


def test_a_locked_store_costs_the_cache_not_the_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    store = tmp_path / "store.sqlite3"
    open_cache(str(store)).close()  # type: ignore[union-attr]
    other = sqlite3.connect(store, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        assert main(["scan", str(root), "--format", "json", "--store", str(store)]) == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    captured = capsys.readouterr()
    assert "web.flask-route" in captured.out
    assert "locked" in captured.err


def test_an_unopenable_store_means_a_scan_without_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["scan", str(root), "--format", "json", "--store", str(blocker / "s.db")]) == 0
    captured = capsys.readouterr()
    assert "web.flask-route" in captured.out
    assert "without the facts cache" in captured.err


def test_no_cache_leaves_the_store_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    store = tmp_path / "store.sqlite3"
    assert main(["scan", str(root), "--no-cache", "--store", str(store)]) == 0
    assert not store.exists()
    assert main(["scan", str(root), "--store", str(store)]) == 0
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM facts_stat").fetchone() == (1,)


def test_store_path_is_the_flag_then_the_environment_then_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROADMAP_COACH_STORE", str(tmp_path / "env.sqlite3"))
    assert resolve_path(str(tmp_path / "flag.sqlite3")) == tmp_path / "flag.sqlite3"
    assert resolve_path(None) == tmp_path / "env.sqlite3"
    monkeypatch.delenv("ROADMAP_COACH_STORE")
    assert resolve_path(None).name == "progress.sqlite3"
