"""The records cache in the progress store: a warm scan reads no file, a row of another
build is never trusted and is evicted, the size stays bounded, and a cache that cannot
be used never costs the scan."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from roadmap_coach.analysis import workspace
from roadmap_coach.cli import main
from roadmap_coach.progress import record_workers
from roadmap_coach.progress.evaluation import evaluate_workspace, fold_workspace
from roadmap_coach.progress.records_cache import (
    cache_path,
    fingerprint,
    open_records_cache,
    resolve_path,
)
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine

APP = "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef home():\n    return 'hi'\n"
MODELS = "from sqlalchemy.orm import DeclarativeBase\n\nclass Base(DeclarativeBase):\n    pass\n"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_roadmap()[0])


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
    """Every read and every analysis, wherever the pipeline makes them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.analysed: list[str] = []
        self.read: list[str] = []
        real_analyze, real_read = record_workers.analyze_bytes, workspace._read

        def analyze(path: str, data: bytes, *plan: Any) -> Any:
            self.analysed.append(path)
            return real_analyze(path, data, *plan)

        def read(path: str, max_bytes: int) -> Any:
            self.read.append(path)
            return real_read(path, max_bytes)

        monkeypatch.setattr(record_workers, "analyze_bytes", analyze)
        monkeypatch.setattr(workspace, "_read", read)


def scan(root: Path, store: Path, engine: Engine, **kwargs: Any) -> Any:
    cache = open_records_cache(str(store), fingerprint(engine), **kwargs)
    assert cache is not None
    with cache:
        ws = evaluate_workspace(str(root), engine, cache=cache, workers=0)
        findings = fold_workspace(ws, engine, cache=cache)
        return ws, findings


def test_warm_scan_reads_no_file_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP, "shop/models.py": MODELS})
    store = tmp_path / "store.sqlite3"
    _, cold = scan(root, store, engine)
    counter = Counter(monkeypatch)
    ws, warm = scan(root, store, engine)
    assert counter.analysed == [] and counter.read == []
    assert warm == cold
    assert ws.counters.stat_hits == 2
    assert ws.records["app.py"].evidence  # read from the cache when asked for


def test_an_edited_file_is_analysed_again_and_only_that_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP, "shop/models.py": MODELS})
    store = tmp_path / "store.sqlite3"
    scan(root, store, engine)
    workspace_at(root, {"app.py": APP + "x = app\n"}, age_s=30)
    counter = Counter(monkeypatch)
    ws, _ = scan(root, store, engine)
    assert counter.analysed == ["app.py"] and counter.read == [str(root / "app.py")]
    assert [bind[0] for bind in ws.records["app.py"].summary.binds] == ["app", "x"]


def test_a_just_written_file_is_read_even_with_a_matching_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP}, age_s=0)
    store = tmp_path / "store.sqlite3"
    scan(root, store, engine)
    counter = Counter(monkeypatch)
    scan(root, store, engine)
    # Same mtime tick as the write: the stat may hide a change, so the content is
    # read and hashed; the unchanged content is still not parsed again.
    assert counter.read and counter.analysed == []


def test_a_row_from_another_build_is_ignored_and_evicted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    store = tmp_path / "store.sqlite3"
    scan(root, store, engine)
    with sqlite3.connect(cache_path(store)) as db:
        db.execute("UPDATE records SET fingerprint = 'an-older-build'")
        db.execute("UPDATE scan_state SET fingerprint = 'an-older-build'")
    counter = Counter(monkeypatch)
    ws, _ = scan(root, store, engine)
    assert counter.analysed == ["app.py"]
    assert ws.counters.cache_hits == 0
    with sqlite3.connect(cache_path(store)) as db:
        found = {v for (v,) in db.execute("SELECT fingerprint FROM records")}
    assert found == {fingerprint(engine)}  # the other build's row is gone


def test_a_roadmap_change_is_another_fingerprint(engine: Engine) -> None:
    roadmap = load_roadmap()[0]
    fewer = Engine(type(roadmap)(roadmap.title, roadmap.steps, roadmap.checkpoints[:-1]))
    assert fingerprint(fewer) != fingerprint(engine)
    assert fingerprint(Engine(roadmap)) == fingerprint(engine)


def test_rows_beyond_the_cap_go_least_recently_used_first(tmp_path: Path, engine: Engine) -> None:
    store = tmp_path / "store.sqlite3"
    cache = open_records_cache(str(store), fingerprint(engine))
    assert cache is not None
    cache.max_rows = 3
    with cache:
        ws = evaluate_workspace(
            str(workspace_at(tmp_path / "ws", {"a.py": "x = 1\n", "b.py": "y = 2\n"})),
            engine,
        )
        a, b = ws.records["a.py"], ws.records["b.py"]
        cache.put_many([("a.py", "old-1", a, "k"), ("b.py", "old-2", b, "k")])
        cache.connection.execute("UPDATE records SET used = 1 WHERE id = 'old-1'")  # type: ignore[union-attr]
        cache.put_many([("a.py", "new-1", a, "k"), ("b.py", "new-2", b, "k")])
    with sqlite3.connect(cache_path(store)) as db:
        kept = {i for (i,) in db.execute("SELECT id FROM records")}
    assert kept == {"old-2", "new-1", "new-2"}


def test_get_many_takes_content_digests_and_blob_ids_alike(tmp_path: Path, engine: Engine) -> None:
    ws = evaluate_workspace(str(workspace_at(tmp_path / "ws", {"app.py": APP})), engine)
    record = ws.records["app.py"]
    blob_id = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    with open_records_cache(str(tmp_path / "s.sqlite3"), fingerprint(engine)) as cache:  # type: ignore[union-attr]
        cache.put_many([("app.py", record.digest, record, "k1"), ("app.py", blob_id, record, "k2")])
        rows = cache.get_many([("app.py", blob_id), ("app.py", record.digest), ("app.py", "x")])
    assert set(rows) == {("app.py", blob_id), ("app.py", record.digest)}
    assert rows[("app.py", blob_id)].record() == record
    assert rows[("app.py", blob_id)].wskey == "k2"


def test_two_workspaces_with_the_same_paths_and_stats_do_not_share_records(
    tmp_path: Path, engine: Engine
) -> None:
    one = workspace_at(tmp_path / "one", {"app.py": APP})
    two = workspace_at(tmp_path / "two", {"app.py": APP.replace("Flask", "Quart")})
    stamp = os.stat(one / "app.py").st_mtime_ns
    os.utime(two / "app.py", ns=(stamp, stamp))
    store = tmp_path / "store.sqlite3"
    scan(one, store, engine)
    scan(two, store, engine)
    assert scan(one, store, engine)[0].records["app.py"].summary.imports[0][1] == "Flask"
    assert scan(two, store, engine)[0].records["app.py"].summary.imports[0][1] == "Quart"


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


@pytest.mark.parametrize("damage", ["not a database", "pages overwritten"])
def test_a_damaged_cache_is_made_again_and_the_store_is_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    store = tmp_path / "store.sqlite3"
    args = ["scan", str(root), "--format", "json", "--store", str(store)]
    assert main(args) == 0
    good = capsys.readouterr().out
    cache = cache_path(store)
    data = cache.read_bytes()
    if damage == "not a database":
        cache.write_bytes(b"this is not a database" * 100)
    else:  # a whole header, garbage behind it: found only when the cache is read
        cache.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))
    said = []
    for _ in range(2):  # damaged, then made again
        assert main(args) == 0
        captured = capsys.readouterr()
        assert captured.out == good
        said.append(captured.err)
    assert "records cache" in said[0] and "damaged" in said[0] and said[1] == ""
    assert not store.exists()  # the learner's store was never involved
    ws, _ = scan(root, store, Engine(load_roadmap()[0]))
    assert ws.counters.cache_hits == 1  # the cache works again


def test_a_locked_cache_costs_the_cache_not_the_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    store = tmp_path / "store.sqlite3"
    open_records_cache(str(store), fingerprint(engine)).close()  # type: ignore[union-attr]
    other = sqlite3.connect(cache_path(store), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    try:
        assert main(["scan", str(root), "--format", "json", "--store", str(store)]) == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    captured = capsys.readouterr()
    assert "web.flask-route" in captured.out
    assert "locked" in captured.err and str(cache_path(store)) in captured.err
    # a cache is not the learner's log: nothing "will be recorded", nothing to move aside
    assert "progress store" not in captured.err and "recorded" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1  # one line, not one per query


def test_an_unopenable_store_means_a_scan_without_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["scan", str(root), "--format", "json", "--store", str(blocker / "s.db")]) == 0
    captured = capsys.readouterr()
    assert "web.flask-route" in captured.out
    assert "without the records cache" in captured.err


def test_no_cache_leaves_the_store_alone(tmp_path: Path) -> None:
    root = workspace_at(tmp_path / "ws", {"app.py": APP})
    store = tmp_path / "store.sqlite3"
    assert main(["scan", str(root), "--no-cache", "--store", str(store)]) == 0
    assert not store.exists() and not cache_path(store).exists()
    assert main(["scan", str(root), "--store", str(store)]) == 0
    assert not store.exists()  # the cache has its own file; a scan records nothing
    with sqlite3.connect(cache_path(store)) as db:
        assert db.execute("SELECT count(*) FROM record_stat").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM records").fetchone() == (1,)


def test_store_path_is_the_flag_then_the_environment_then_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROADMAP_COACH_STORE", str(tmp_path / "env.sqlite3"))
    assert resolve_path(str(tmp_path / "flag.sqlite3")) == tmp_path / "flag.sqlite3"
    assert resolve_path(None) == tmp_path / "env.sqlite3"
    monkeypatch.delenv("ROADMAP_COACH_STORE")
    assert resolve_path(None).name == "progress.sqlite3"
