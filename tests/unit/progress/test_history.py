"""`history` puts each milestone at the commit where it first appeared."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from roadmap_coach.progress.derived import record_derived
from roadmap_coach.progress.history import History, record_history, replay_history
from roadmap_coach.progress.records_cache import cache_path, fingerprint, open_records_cache
from roadmap_coach.progress.store import Store
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Engine

ROUTE = """from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"
"""
MODEL = """from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
"""
LOOKALIKE = '''def route(path):
    """Not a web route: a helper that returns a dict."""
    return {"path": path}
'''


class Repo:
    """A learner's repository built commit by commit, with fixed author times."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir()
        self.env = {
            **os.environ,
            "HOME": str(root.parent),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
        }
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, check: bool = True, when: str | None = None) -> str:
        env = dict(self.env)
        if when:
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
        done = subprocess.run(
            ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com",
             "-c", "commit.gpgsign=false", *args],
            cwd=self.root, env=env, capture_output=True, text=True, check=check,
        )  # fmt: skip
        return done.stdout.strip()

    def commit(self, when: str, message: str, files: dict[str, str]) -> str:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, when=when)
        return self.git("rev-parse", "HEAD")


@pytest.fixture(scope="module")
def shipped() -> Roadmap:
    roadmap, _problems = load_roadmap()
    return roadmap


@pytest.fixture
def learner_repo(tmp_path: Path) -> tuple[Repo, dict[str, str]]:
    repo = Repo(tmp_path / "repo")
    shas = {"lookalike": repo.commit("2024-05-01T10:00:00Z", "helpers", {"helpers.py": LOOKALIKE})}
    shas["route"] = repo.commit("2024-05-02T10:00:00Z", "route", {"app.py": ROUTE})
    shas["model"] = repo.commit("2024-05-03T10:00:00Z", "model", {"models.py": MODEL})
    repo.git("checkout", "-q", "-b", "feature")
    shas["side"] = repo.commit("2024-05-04T10:00:00Z", "notes", {"NOTES.md": "# notes\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("2024-05-05T10:00:00Z", "version", {"version.py": "VERSION = 1\n"})
    repo.git(
        "merge", "-q", "--no-ff", "feature", "-m", "merge feature", when="2024-05-06T10:00:00Z"
    )
    shas["merge"] = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", "-b", "conflict")
    repo.commit("2024-05-07T10:00:00Z", "v2", {"version.py": "VERSION = 2\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("2024-05-08T10:00:00Z", "v3", {"version.py": "VERSION = 3\n"})
    repo.git("merge", "-q", "conflict", "-m", "merge", check=False, when="2024-05-09T10:00:00Z")
    shas["resolved"] = repo.commit(
        "2024-05-09T10:00:00Z", "resolve", {"version.py": "VERSION = 4\n"}
    )
    return repo, shas


def _at(history: History) -> dict[str, tuple[str, str]]:
    return {m.id: (m.commit, m.time) for m in history.milestones}


def test_each_milestone_is_placed_at_the_commit_that_introduced_it(
    learner_repo: tuple[Repo, dict[str, str]], shipped: Roadmap
) -> None:
    repo, shas = learner_repo
    history = replay_history(str(repo.root), shipped)
    assert history.error is None and history.commits == 7
    at = _at(history)
    assert at["web.flask-route"] == (shas["route"], "2024-05-02T10:00:00Z")
    assert at["db.sqlalchemy-model"] == (shas["model"], "2024-05-03T10:00:00Z")
    assert at["git.first-commit"] == (shas["lookalike"], "2024-05-01T10:00:00Z")
    assert at["git.branch"] == (shas["side"], "2024-05-04T10:00:00Z")
    assert at["git.merge"] == (shas["merge"], "2024-05-06T10:00:00Z")
    assert at["git.conflict-resolved"] == (shas["resolved"], "2024-05-09T10:00:00Z")
    route = next(m for m in history.milestones if m.id == "web.flask-route")
    assert route.evidence[0] == ("app.py", 6)
    as_json = history.to_json()
    assert {"id", "commit", "time", "evidence"} <= set(as_json["milestones"][0])


def test_a_merge_without_conflict_is_not_a_resolved_conflict(
    tmp_path: Path, shipped: Roadmap
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-05-01T10:00:00Z", "start", {"a.py": "A = 1\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("2024-05-02T10:00:00Z", "b", {"b.py": "B = 1\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("2024-05-03T10:00:00Z", "c", {"c.py": "C = 1\n"})
    repo.git("merge", "-q", "--no-ff", "feature", "-m", "merge", when="2024-05-04T10:00:00Z")
    at = _at(replay_history(str(repo.root), shipped))
    assert "git.merge" in at and "git.conflict-resolved" not in at
    assert "web.flask-route" not in at  # nothing here is a route


def test_only_changed_blobs_are_analysed_and_records_are_cached_by_blob(
    learner_repo: tuple[Repo, dict[str, str]], shipped: Roadmap, tmp_path: Path
) -> None:
    repo, _shas = learner_repo
    engine = Engine(shipped)
    store = tmp_path / "s.sqlite3"
    with open_records_cache(str(store), fingerprint(engine), quiet=True) as cache:
        first = replay_history(str(repo.root), shipped, engine=engine, cache=cache)
    with sqlite3.connect(cache_path(store)) as raw:
        blobs = raw.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    made = first.counters.evaluated + first.counters.remade
    # helpers, app, models and three versions of version.py (NOTES is known by name), plus
    # the records made again when another file changed what their questions get
    assert first.counters.evaluated == 6 and blobs == made
    with open_records_cache(str(store), fingerprint(engine), quiet=True) as cache:
        again = replay_history(str(repo.root), shipped, engine=engine, cache=cache)
    assert again.counters.evaluated == again.counters.remade == 0
    assert again.counters.cache_hits == made
    assert _at(first) == _at(again)


def test_recording_history_uses_commit_times_and_never_duplicates(
    learner_repo: tuple[Repo, dict[str, str]], shipped: Roadmap, tmp_path: Path
) -> None:
    repo, shas = learner_repo
    history = replay_history(str(repo.root), shipped)
    with Store(tmp_path / "s.sqlite3", learner="ada") as store:
        store.record_milestone("basics.class", "python-basics", "Class", "/ws", "x.py", 1)
        new = record_history(store, history, str(repo.root))
        assert "web.flask-route" in new and "basics.class" not in new  # already there
        assert record_history(store, history, str(repo.root)) == []
        route = store.achieved()["web.flask-route"]
        assert (route.time, route.commit, route.path, route.line) == (
            "2024-05-02T10:00:00Z", shas["route"], "app.py", 6,
        )  # fmt: skip
        ids = [e.payload["id"] for e in store.events() if e.kind == "milestone"]
        assert len(ids) == len(set(ids))


def test_a_folder_that_is_not_a_repository_reports_why(tmp_path: Path, shipped: Roadmap) -> None:
    history = replay_history(str(tmp_path), shipped)
    assert history.milestones == [] and history.error


def test_routes_in_two_frameworks_across_projects_make_the_second_framework(
    tmp_path: Path, shipped: Roadmap
) -> None:
    with Store(tmp_path / "s.sqlite3", learner="ada") as store:
        store.record_milestone(
            "web.flask-route", "web-frameworks", "Flask", "/one", "app.py", 5,
            time="2024-05-01T00:00:00Z",
        )  # fmt: skip
        assert record_derived(store, shipped) == []
        store.record_milestone(
            "web.fastapi-endpoint", "web-frameworks", "FastAPI", "/two", "main.py", 9,
            time="2024-06-01T00:00:00Z",
        )  # fmt: skip
        assert record_derived(store, shipped) == ["web.second-framework"]
        second = store.achieved()["web.second-framework"]
        assert (second.workspace, second.path, second.line, second.time) == (
            "/two", "main.py", 9, "2024-06-01T00:00:00Z",
        )  # fmt: skip
        assert record_derived(store, shipped) == []


def test_a_security_lesson_shown_then_fixed_is_a_milestone(
    tmp_path: Path, shipped: Roadmap
) -> None:
    with Store(tmp_path / "s.sqlite3", learner="ada") as store:
        store.sync_lessons("/ws", "db.py", [("RC102", 3), ("RC301", 8)])
        store.sync_lessons("/ws", "db.py", [("RC301", 8)])  # a learning hint fixed: not security
        assert record_derived(store, shipped) == []
        store.sync_lessons("/ws", "db.py", [], time="2024-06-02T00:00:00Z")
        assert record_derived(store, shipped) == ["sec.lesson-fixed"]
        fixed = store.achieved()["sec.lesson-fixed"]
        assert (fixed.path, fixed.line, fixed.time) == ("db.py", 8, "2024-06-02T00:00:00Z")


SQL_INJECTION = """import sqlite3


def find(name):
    con = sqlite3.connect("app.db")
    return con.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
"""
SQL_SAFE = """import sqlite3


def find(name):
    con = sqlite3.connect("app.db")
    return con.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchall()
"""


def _has_lesson(code: str) -> bool:
    from roadmap_coach.rules.lessons import all_lessons

    return any(lesson.code == code for lesson in all_lessons())


@pytest.mark.skipif(not _has_lesson("RC301"), reason="the RC301 lesson is not registered yet")
def test_a_security_lesson_fixed_in_a_later_commit_is_found_in_history(
    tmp_path: Path, shipped: Roadmap
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("2024-05-01T10:00:00Z", "query", {"db.py": SQL_INJECTION})
    repo.commit("2024-05-02T10:00:00Z", "unrelated", {"README.md": "# app\n"})
    fixed = repo.commit("2024-05-03T10:00:00Z", "placeholders", {"db.py": SQL_SAFE})
    found = {m.id: m for m in replay_history(str(repo.root), shipped).milestones}
    assert (found["sec.lesson-fixed"].commit, found["sec.lesson-fixed"].time) == (
        fixed, "2024-05-03T10:00:00Z",
    )  # fmt: skip
    assert found["sec.lesson-fixed"].evidence[0][0] == "db.py"


VIEW = """from flask import Flask, render_template

app = Flask(__name__)


@app.route("/")
def index():
    return render_template("index.html")
"""


def test_a_milestone_completed_by_another_file_later_is_placed_at_that_commit(
    tmp_path: Path, shipped: Roadmap
) -> None:
    """The view is written first; it counts once its template exists (a later commit)."""
    repo = Repo(tmp_path / "repo")
    view = repo.commit("2024-05-01T10:00:00Z", "view", {"app.py": VIEW})
    repo.commit("2024-05-02T10:00:00Z", "readme", {"README.md": "# shop\n"})
    template = repo.commit(
        "2024-05-03T10:00:00Z", "template", {"templates/index.html": "<h1>{{ title }}</h1>\n"}
    )
    at = _at(replay_history(str(repo.root), shipped))
    assert at["web.flask-route"][0] == view
    assert at["web.flask-template"] == (template, "2024-05-03T10:00:00Z")
