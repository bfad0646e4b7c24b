"""`scan` gives the same JSON, byte for byte, whichever way its records were had: no
cache, a cold or warm cache, touched files, in this process or in worker processes,
or kept records re-checked after another file's module-level names changed. The
work each path did is asserted through the pipeline's counters."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from roadmap_coach.cli.scan import scan_report
from roadmap_coach.progress.evaluation import evaluate_workspace, fold_workspace
from roadmap_coach.progress.records_cache import fingerprint, open_records_cache
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Engine

FIXTURES = Path(__file__).parents[2] / "fixtures"
PROJECTS = [
    "tutorials/microblog",
    "projects/flaskr",
    "projects/django-polls",
    "projects/fastapi-todo",
]


@pytest.fixture(scope="module")
def roadmap() -> Roadmap:
    return load_roadmap()[0]


def aged(root: Path, seconds: float = 120) -> None:
    """Every file last modified `seconds` ago: old enough for its stat to be trusted."""
    stamp = time.time() - seconds
    for folder, _dirs, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (stamp, stamp))


def copy_of(project: str, tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURES / project, root)
    aged(root)
    return root


def scan_json(root: Path, roadmap: Roadmap, store: Path | None, workers: int | None) -> str:
    report, _ = scan_report(
        str(root), roadmap, use_cache=store is not None, store=str(store), workers=workers
    )
    return json.dumps(report, indent=2, ensure_ascii=False)


def counters(root: Path, roadmap: Roadmap, store: Path, workers: int = 0) -> dict[str, int]:
    engine = Engine(roadmap)
    with open_records_cache(str(store), fingerprint(engine)) as cache:  # type: ignore[union-attr]
        ws = evaluate_workspace(str(root), engine, cache=cache, workers=workers)
        fold_workspace(ws, engine, cache=cache)
        found = {
            name: getattr(ws.counters, name)
            for name in ("listed", "stat_hits", "cache_hits", "analysed", "revalidated", "remade")
        }
        found["decoded"] = int(ws._records is not None)
    return found


@pytest.mark.parametrize("project", PROJECTS)
def test_scan_json_is_byte_identical_on_every_path(
    project: str, roadmap: Roadmap, tmp_path: Path
) -> None:
    root = copy_of(project, tmp_path)
    expected = scan_json(root, roadmap, None, workers=0)
    assert '"milestones": [\n    {' in expected  # the fixture earns milestones

    serial_store, pooled_store = tmp_path / "serial.sqlite3", tmp_path / "pooled.sqlite3"
    assert scan_json(root, roadmap, None, workers=2) == expected  # pool, no cache
    assert scan_json(root, roadmap, serial_store, workers=0) == expected  # cold, serial
    assert scan_json(root, roadmap, pooled_store, workers=2) == expected  # cold, pool
    assert scan_json(root, roadmap, serial_store, workers=0) == expected  # warm
    assert scan_json(root, roadmap, pooled_store, workers=2) == expected  # warm, pool allowed

    aged(root, seconds=60)  # a checkout: every stat changes, no content does
    assert scan_json(root, roadmap, serial_store, workers=2) == expected
    assert scan_json(root, roadmap, pooled_store, workers=0) == expected


@pytest.mark.parametrize("project", PROJECTS)
def test_a_warm_scan_analyses_nothing_and_decodes_no_record(
    project: str, roadmap: Roadmap, tmp_path: Path
) -> None:
    root = copy_of(project, tmp_path)
    store = tmp_path / "store.sqlite3"
    cold = counters(root, roadmap, store, workers=2)
    assert cold["analysed"] == cold["listed"] > 10
    assert cold["cache_hits"] == cold["stat_hits"] == 0
    warm = counters(root, roadmap, store)
    python = sum(1 for f in root.rglob("*.py"))
    assert warm["analysed"] == warm["revalidated"] == warm["remade"] == 0
    assert python <= warm["stat_hits"] <= warm["listed"]  # read files: none read again
    assert warm["cache_hits"] == warm["listed"]
    assert warm["decoded"] == 0  # the stored fold answered: no record was read

    aged(root, seconds=60)  # touched: each file is read and hashed, none parsed
    touched = counters(root, roadmap, store)
    assert touched["analysed"] == 0 and touched["stat_hits"] == 0
    assert touched["cache_hits"] == touched["listed"]


def test_a_module_level_edit_re_checks_the_records_that_asked_and_matches_a_cold_scan(
    roadmap: Roadmap, tmp_path: Path
) -> None:
    root = copy_of("projects/flaskr", tmp_path)
    store = tmp_path / "store.sqlite3"
    before = scan_json(root, roadmap, store, workers=0)
    db = root / "flaskr" / "db.py"
    # a new module-level name changes the workspace key: kept records are re-checked
    db.write_text(db.read_text() + "\nfrom flask import Blueprint as ExtraBlueprint\n")
    aged(root, seconds=30)
    work = counters(root, roadmap, store)
    assert work["analysed"] == 1
    assert work["revalidated"] + work["remade"] == work["listed"] - 1
    assert work["revalidated"] > 0
    after = scan_json(root, roadmap, store, workers=0)
    assert after == scan_json(root, roadmap, None, workers=0)  # as a cold scan of the edit
    assert before != after or work["revalidated"] == work["listed"] - 1


def test_a_record_that_no_longer_stands_is_made_again(roadmap: Roadmap, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text(
        "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"
    )
    (root / "app" / "models.py").write_text(
        "from app import db\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
    )
    aged(root)
    store = tmp_path / "store.sqlite3"
    scan_json(root, roadmap, store, workers=0)
    # `db` is no longer SQLAlchemy: what models.py earned must be worked out again
    (root / "app" / "__init__.py").write_text("db = object()\n")
    aged(root, seconds=30)
    work = counters(root, roadmap, store)
    assert work["analysed"] == 1 and work["remade"] == 1
    assert scan_json(root, roadmap, store, workers=0) == scan_json(root, roadmap, None, 0)


def test_every_file_is_cached_including_one_with_a_secret(roadmap: Roadmap, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    secret = "sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    (root / "settings.py").write_text(f'API_KEY = "{secret}"\n')
    (root / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    aged(root)
    store = tmp_path / "store.sqlite3"
    first = scan_json(root, roadmap, store, workers=0)
    assert '"path": "settings.py"' in first  # the hard-coded secret is taught
    warm = counters(root, roadmap, store)
    assert warm["analysed"] == 0 and warm["stat_hits"] == 2
    written = list(store.parent.glob("store.sqlite3*"))
    assert written  # the records cache (the store itself is not created by a scan)
    for side in written:
        assert secret.encode() not in side.read_bytes()


@pytest.mark.parametrize("workers", [0, 2])
def test_records_are_stored_batch_by_batch_as_they_are_made(
    workers: int, roadmap: Roadmap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap_coach.progress import evaluation

    monkeypatch.setattr(evaluation, "_WRITE_ROWS", 3)  # many small transactions
    root = copy_of("projects/django-polls", tmp_path)
    store = tmp_path / "store.sqlite3"
    expected = scan_json(root, roadmap, None, workers=0)
    assert scan_json(root, roadmap, store, workers=workers) == expected
    aged(root, seconds=60)  # every file read again: each record must come from the cache
    touched = counters(root, roadmap, store)
    assert touched["analysed"] == 0 and touched["cache_hits"] == touched["listed"] > 3
    assert scan_json(root, roadmap, store, workers=0) == expected


def test_encoded_records_waiting_to_be_stored_are_bounded_in_bytes(
    roadmap: Roadmap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction is written once the encoded records waiting reach
    `_WRITE_BYTES`, however few rows that is."""
    from roadmap_coach.progress import evaluation
    from roadmap_coach.progress.records_cache import RecordsCache

    monkeypatch.setattr(evaluation, "_WRITE_BYTES", 1)  # every encoded record at once
    batches: list[int] = []
    real = RecordsCache.put_many

    def counting(self: RecordsCache, rows: list) -> None:  # type: ignore[type-arg]
        batches.append(len(rows))
        real(self, rows)

    monkeypatch.setattr(RecordsCache, "put_many", counting)
    root = copy_of("projects/django-polls", tmp_path)
    expected = scan_json(root, roadmap, None, workers=0)
    assert scan_json(root, roadmap, tmp_path / "store.sqlite3", workers=2) == expected
    made = [size for size in batches if size]
    assert len(made) > 10 and set(made[:-1]) == {1}


def test_git_facts_given_by_the_caller_are_not_read_again(
    roadmap: Roadmap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap_coach.analysis.facts import GitFacts
    from roadmap_coach.analysis.git_facts import read_git
    from roadmap_coach.progress import evaluation

    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    reads: list[str] = []

    def counted(path: str) -> GitFacts:
        reads.append(path)
        return read_git(path)

    monkeypatch.setattr(evaluation, "read_git", counted)
    engine = Engine(roadmap)
    given = GitFacts(is_repo=False, error="not a Git repository")
    ws = evaluate_workspace(str(root), engine, workers=0, git=given)
    assert reads == [] and ws.git is given  # the server read them just before
    evaluate_workspace(str(root), engine, workers=0)
    assert reads == [os.path.realpath(root)]


def test_a_scan_cancelled_while_workers_analyse_stops_them_at_once(
    roadmap: Roadmap, tmp_path: Path
) -> None:
    import multiprocessing

    root = tmp_path / "ws"
    root.mkdir()
    for index in range(40):
        (root / f"m{index}.py").write_text(f"X{index} = 1\n" * 4000)

    class Cancelled(Exception):
        pass

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "analysis" and done > 0:
            raise Cancelled  # what the server's progress raises on a cancel

    with pytest.raises(Cancelled):
        evaluate_workspace(str(root), Engine(roadmap), workers=2, progress=progress)
    assert [p for p in multiprocessing.active_children() if p.is_alive()] == []


def test_records_made_in_workers_are_folded_one_decoded_at_a_time(
    roadmap: Roadmap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent keeps what the workers made encoded (outside its memory) and the fold
    decodes each record once without keeping it; the records asked for later (the
    server) are the same records."""
    from roadmap_coach.progress import record_spill
    from roadmap_coach.rules.records import FileRecord

    root = copy_of("projects/django-polls", tmp_path)
    engine = Engine(roadmap)
    decoded = _blobs_passed(monkeypatch, record_spill, "decode_record")
    ws = evaluate_workspace(str(root), engine, workers=2)
    assert decoded == []  # nothing decoded while the workers ran
    assert ws.counters.analysed == len(ws.kinds) > 10
    findings = fold_workspace(ws, engine)
    assert len(decoded) == len(ws.kinds)  # each record decoded once, for the fold
    assert ws._records is not None
    assert not any(isinstance(r, FileRecord) for r in ws._records.values())
    serial = evaluate_workspace(str(root), engine, workers=0)
    assert ws.records == serial.records  # decoded on first use
    assert findings == fold_workspace(serial, engine)
    assert set(ws.kinds.items()) == {(p, r.kind) for p, r in serial.records.items()}


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads where an open file is")
def test_records_waiting_for_the_fold_are_spilled_beside_the_cache_else_to_the_temp_dir(
    tmp_path: Path,
) -> None:
    from roadmap_coach.progress.record_spill import Spill

    beside = Spill(str(tmp_path))
    assert os.readlink(f"/proc/self/fd/{beside.file.fileno()}").startswith(str(tmp_path))
    nowhere = Spill(str(tmp_path / "gone"))  # a folder that is not there: the temp dir
    assert nowhere.file is not None
    assert not os.readlink(f"/proc/self/fd/{nowhere.file.fileno()}").startswith(str(tmp_path))


def test_records_asked_for_are_decoded_without_the_cyclic_collector(
    roadmap: Roadmap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server asks for every record at once: each is decoded with the collector off
    (records hold no cycles; its passes over them only cost time), and it is on again
    afterwards."""
    import gc

    from roadmap_coach.progress import record_spill
    from roadmap_coach.rules.records import FileRecord

    root = copy_of("projects/django-polls", tmp_path)
    collector_on: list[bool] = []
    real = record_spill.decode_record

    def watched(blob: bytes) -> FileRecord:
        collector_on.append(gc.isenabled())
        return real(blob)

    monkeypatch.setattr(record_spill, "decode_record", watched)
    ws = evaluate_workspace(str(root), Engine(roadmap), workers=2)
    assert gc.isenabled()
    assert len(ws.records) == len(ws.kinds) > 10
    assert collector_on == [False] * len(ws.kinds)
    assert gc.isenabled()


def test_the_lessons_pass_reads_each_spilled_record_s_slim_facts_again(
    roadmap: Roadmap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fold keeps no spilled record's slim facts until its lessons pass: each file's
    slim facts and own lessons are read from the spill again, once, when the pass
    reaches it; the findings are the serial path's."""
    from roadmap_coach.progress import record_spill

    root = copy_of("projects/django-polls", tmp_path)
    engine = Engine(roadmap)
    read_again = _blobs_passed(monkeypatch, record_spill, "decode_lessons_part")
    ws = evaluate_workspace(str(root), engine, workers=2)
    findings = fold_workspace(ws, engine)
    serial = evaluate_workspace(str(root), engine, workers=0)
    with_slim = [r for r in serial.records.values() if r.slim is not None]
    assert len(read_again) == len(with_slim) > 10
    assert findings == fold_workspace(serial, engine)


def test_a_scan_s_process_drops_its_segment_memo_once_its_records_are_made(
    roadmap: Roadmap, tmp_path: Path
) -> None:
    """After a forked pool's round 2 the scan's process only folds: the memo of name
    segments it filled making its share of records is emptied. Records made in this
    process only (the server's small workspaces) leave it filled for the next edit."""
    from roadmap_coach.progress.record_workers import _start_method
    from roadmap_coach.rules import index

    root = copy_of("projects/django-polls", tmp_path)
    evaluate_workspace(str(root), Engine(roadmap), workers=0)
    assert index._SEGMENTS
    if _start_method() != "fork":
        pytest.skip("this process has other threads: its workers come from a forkserver")
    evaluate_workspace(str(root), Engine(roadmap), workers=2)
    assert not index._SEGMENTS


def test_a_scan_s_process_gives_free_heap_pages_back_in_each_round_and_before_the_fold(
    roadmap: Roadmap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the scan's own process freed (a chunk's syntax trees in round 1, the
    segment memo once its records are made) goes back to the system as its workers'
    does, not only when the process ends; the fold itself trims nothing."""
    from roadmap_coach.progress import record_workers
    from roadmap_coach.rules import index

    if record_workers._start_method() != "fork":
        pytest.skip("this process has other threads: its workers come from a forkserver")
    events: list[str] = []
    forget = index.forget
    monkeypatch.setattr(record_workers, "give_back", lambda: events.append("trim"))
    monkeypatch.setattr(index, "forget", lambda: (events.append("forget"), forget()))
    root = copy_of("projects/django-polls", tmp_path)
    engine = Engine(roadmap)
    ws = evaluate_workspace(str(root), engine, workers=2)
    assert ws.counters.analysed > 10
    assert events[-2:] == ["forget", "trim"]  # before the fold
    assert "trim" in events[:-2]  # and while its share was made
    made = len(events)
    fold_workspace(ws, engine)
    assert len(events) == made


def _blobs_passed(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """The sizes of the blobs `module.name` is called with from now on (it still runs)."""
    sizes: list[int] = []
    real = getattr(module, name)

    def counting(blob: bytes) -> Any:
        sizes.append(len(blob))
        return real(blob)

    monkeypatch.setattr(module, name, counting)
    return sizes
