"""`history` does work in proportion to what changed: per commit only the blobs that
changed are analysed, a second run with the records cache analyses none, and the
milestones (and their commits and evidence) are those a full evaluation of every
commit's tree gives."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from lesson_repos import git
from roadmap_coach.analysis.facts import GitFacts, WorkspaceFacts
from roadmap_coach.analysis.files import analyze_bytes, file_kind
from roadmap_coach.analysis.git_facts import open_repo
from roadmap_coach.progress.blob_records import BlobRecords
from roadmap_coach.progress.history import GIT_EVIDENCE, replay_history
from roadmap_coach.progress.records_cache import cache_path, fingerprint, open_records_cache
from roadmap_coach.progress.tree_walk import TreeWalk, _listed, empty_tree, first_parent_commits
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine

FIXTURES = Path(__file__).parents[2] / "fixtures"
SOURCES = {"mb": FIXTURES / "tutorials/microblog", "fl": FIXTURES / "projects/flaskr"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model committed before the package that defines its `db`, then two projects'
    files a few at a time in a shuffled order, then edits that move lines and change
    module-level names, then deletions."""
    root = tmp_path_factory.mktemp("work") / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    files = {
        f"{prefix}/{path.relative_to(source).as_posix()}": path.read_text()
        for prefix, source in SOURCES.items()
        for path in sorted(source.rglob("*"))
        if path.is_file()
    }
    rng = random.Random(15)
    order = sorted(files)
    rng.shuffle(order)
    day = 0

    def commit(message: str) -> None:
        nonlocal day
        day += 1
        git(root, "add", "-A")
        git(
            root,
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
            when=f"2024-01-{day:02d}T10:00:00Z",
        )

    # a model whose base is known only once its package defines `db` (a commit later)
    (root / "shop").mkdir()
    (root / "shop/models.py").write_text(
        "from shop import db\n\n\nclass Item(db.Model):\n    id = db.Column(db.Integer)\n"
    )
    commit("a model")
    (root / "shop/__init__.py").write_text(
        "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"
    )
    commit("its package")
    for start in range(0, len(order), 3):
        for name in order[start : start + 3]:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(files[name])
        commit(f"add {start}")
    python = [n for n in sorted(files) if n.endswith(".py")]
    for name in rng.sample(python, 6):  # lines move; module-level names come and go
        text = (root / name).read_text()
        (root / name).write_text(f"import json\nLIMIT = json.loads('3')\n\n{text}")
        commit(f"edit {name}")
    for name in rng.sample(python, 3):
        (root / name).unlink()
        commit(f"drop {name}")
    return root


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_roadmap()[0])


def _changed_blobs(root: Path) -> list[int]:
    """Per first-parent commit: listed files with new content that have to be read."""
    found = []
    repo, _ = open_repo(str(root))
    assert repo is not None
    try:
        for step in TreeWalk(repo).walk(first_parent_commits(repo)):
            found.append(sum(1 for p in step.changed if file_kind(p) != "other"))
    finally:
        repo.close()
    return found


def test_each_commit_analyses_only_the_blobs_it_changed_and_a_second_run_none(
    repo: Path, engine: Engine, tmp_path: Path
) -> None:
    expected = _changed_blobs(repo)
    store = str(tmp_path / "store.sqlite3")
    runs = []
    for _ in range(2):
        opened, _ = open_repo(str(repo))
        assert opened is not None
        with open_records_cache(store, fingerprint(engine), quiet=True) as cache:
            blobs = BlobRecords(opened, engine, cache)
            runs.append([(s.evaluated, s.remade) for s in blobs.walk(first_parent_commits(opened))])
        opened.close()
    first, second = runs
    assert [evaluated for evaluated, _ in first] == expected
    assert sum(expected) > 20
    assert second == [(0, 0)] * len(expected)  # every record, variants too, from the cache


def _full_evaluation(root: Path, engine: Engine) -> dict[str, tuple[str, list]]:
    """Every commit's tree listed (`git ls-tree`) and analysed from scratch, files in path
    order: where each milestone first holds, and its evidence there."""
    opened, _ = open_repo(str(root))
    assert opened is not None
    first: dict[str, tuple[str, list]] = {}
    try:
        for commit in first_parent_commits(opened):
            tree = {}
            for item in git(root, "ls-tree", "-r", "-z", commit.sha).split("\0"):
                if item:
                    meta, path = item.split("\t", 1)
                    mode, _kind, blob = meta.split()
                    if mode not in ("160000", "120000"):
                        tree[path] = blob
            files = {}
            for path, blob in sorted(_listed(tree).items()):
                files[path] = analyze_bytes(path, opened.odb.stream(bytes.fromhex(blob)).read())
            git_facts = GitFacts(is_repo=False, tracked=sorted(tree))
            for milestone in engine.evaluate(
                WorkspaceFacts(str(root), files, git_facts)
            ).milestones:
                evidence = [(e.path, e.span.line + 1) for e in milestone.evidence]
                first.setdefault(milestone.id, (commit.sha, evidence))
    finally:
        opened.close()
    return first


def test_milestones_commits_and_evidence_equal_a_full_evaluation_of_each_commit(
    repo: Path, engine: Engine
) -> None:
    history = replay_history(str(repo), engine.roadmap, engine=engine)
    assert history.error is None
    replayed = {
        found.id: (found.commit, found.evidence)
        for found in history.milestones
        if found.evidence and found.evidence[0][0] != GIT_EVIDENCE
    }
    expected = _full_evaluation(repo, engine)
    assert replayed == expected
    assert len(expected) >= 10
    assert history.counters.revalidated + history.counters.remade > 0  # names moved across files


def test_the_first_parent_line_read_from_one_git_log_equals_a_diff_per_commit(
    repo: Path,
) -> None:
    opened, _ = open_repo(str(repo))
    assert opened is not None
    try:
        commits = first_parent_commits(opened)
        walks = [
            [
                (s.commit.sha, dict(s.listed), set(s.changed), set(s.removed), list(s.tracked))
                for s in TreeWalk(opened).walk(commits, start)
            ]
            for start in (None, empty_tree(opened))  # one `git log`; a diff-tree each
        ]
    finally:
        opened.close()
    assert walks[0] == walks[1] and len(walks[0]) == len(commits)


def _rows(path: Path, table: str) -> int:
    import sqlite3

    with sqlite3.connect(path) as raw:
        return int(raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_the_cli_writes_the_log_only_to_record(repo: Path, tmp_path: Path) -> None:
    import sys

    store = tmp_path / "store.sqlite3"

    def history(*extra: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "roadmap_coach", "history", str(repo), "--store", str(store),
             "--learner", "ada", "--format", "json", *extra],
            capture_output=True, text=True, check=True,
        )  # fmt: skip

    history()
    assert _rows(cache_path(store), "records") > 0
    assert not store.exists()  # the log untouched: no store is even made
    history("--record")
    assert _rows(store, "events") > 0


# -- worker processes ahead of the fold ------------------------------------------------


def _walk(root: Path, engine: Engine, workers: int, store: str | None = None) -> list[tuple]:
    """Per commit: its records, what changed, and the work done for it."""
    opened, _ = open_repo(str(root))
    assert opened is not None
    try:
        if store is None:
            blobs = BlobRecords(opened, engine)
            steps = blobs.walk(first_parent_commits(opened), workers=workers)
            return [(dict(s.records), s.changed, s.evaluated, s.remade) for s in steps]
        with open_records_cache(store, fingerprint(engine), quiet=True) as cache:
            blobs = BlobRecords(opened, engine, cache)
            steps = blobs.walk(first_parent_commits(opened), workers=workers)
            return [(dict(s.records), s.changed, s.evaluated, s.remade) for s in steps]
    finally:
        opened.close()


def _live_workers() -> list:
    import multiprocessing

    return [p for p in multiprocessing.active_children() if p.is_alive()]


def test_records_made_in_workers_equal_those_made_in_process(repo: Path, engine: Engine) -> None:
    serial = replay_history(str(repo), engine.roadmap, engine=engine, workers=0)
    pooled = replay_history(str(repo), engine.roadmap, engine=engine, workers=2)
    assert json.dumps(pooled.to_json()) == json.dumps(serial.to_json())
    assert pooled.observations == serial.observations
    assert serial.counters.in_workers == 0
    assert pooled.counters.in_workers == pooled.counters.evaluated == serial.counters.evaluated
    # A record a worker made before it heard of a `narrow` asked more questions, so how
    # many are made again may differ, not what they give. Without narrowing: the same.
    assert serial.counters.remade > 0 and pooled.counters.remade > 0
    assert _walk(repo, engine, 2) == _walk(repo, engine, 0)  # every commit's records and work
    assert _live_workers() == []


def test_a_small_window_ahead_gives_the_same_records(
    repo: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap_coach.progress import blob_ahead

    monkeypatch.setattr(blob_ahead, "MAX_BLOBS", 1)
    monkeypatch.setattr(blob_ahead, "MAX_COMMITS", 2)
    assert _walk(repo, engine, 2) == _walk(repo, engine, 0)


def test_without_processes_the_walk_is_made_in_process(
    repo: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap_coach.progress import blob_ahead

    def refused(*args: object) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(blob_ahead, "BlobPool", refused)
    serial = replay_history(str(repo), engine.roadmap, engine=engine, workers=0)
    pooled = replay_history(str(repo), engine.roadmap, engine=engine, workers=2)
    assert pooled.to_json() == serial.to_json()
    assert pooled.counters.in_workers == 0 and pooled.counters.evaluated > 20


def test_a_lost_worker_leaves_its_blobs_to_this_process(
    repo: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roadmap_coach.progress import blob_ahead
    from roadmap_coach.progress.blob_workers import BlobPool

    class Dying(BlobPool):
        records = 0  # answers with records

        def receive(self, block: bool) -> list:
            if Dying.records >= 3 and self.procs[0].is_alive():
                self.procs[0].kill()
                self.procs[0].join()
            answers = super().receive(block)
            Dying.records += sum(1 for _worker, (kind, _) in answers if kind == "records")
            return answers

    monkeypatch.setattr(blob_ahead, "BlobPool", Dying)
    serial = replay_history(str(repo), engine.roadmap, engine=engine, workers=0)
    pooled = replay_history(str(repo), engine.roadmap, engine=engine, workers=2)
    assert pooled.to_json() == serial.to_json()
    assert 0 < pooled.counters.in_workers < pooled.counters.evaluated
    assert pooled.counters.evaluated == serial.counters.evaluated
    assert _live_workers() == []


def test_a_walk_stopped_midway_stops_its_workers(repo: Path, engine: Engine) -> None:
    def progress(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt  # Ctrl-C between two commits

    opened, _ = open_repo(str(repo))
    assert opened is not None
    try:
        steps = BlobRecords(opened, engine).walk(first_parent_commits(opened), workers=2)
        next(steps)
        assert len(_live_workers()) == 2
        steps.close()
        assert _live_workers() == []
    finally:
        opened.close()
    with pytest.raises(KeyboardInterrupt):
        replay_history(str(repo), engine.roadmap, engine=engine, workers=2, progress=progress)
    assert _live_workers() == []


def test_a_second_walk_with_workers_finds_every_record_in_the_cache(
    repo: Path, engine: Engine, tmp_path: Path
) -> None:
    store = str(tmp_path / "store.sqlite3")
    first = _walk(repo, engine, 2, store)
    second = _walk(repo, engine, 2, store)
    assert [records for records, *_ in second] == [records for records, *_ in first]
    assert [(evaluated, remade) for *_, evaluated, remade in second] == [(0, 0)] * len(first)
    assert sum(evaluated for *_, evaluated, _ in first) > 20
