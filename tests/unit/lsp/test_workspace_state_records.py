"""The server's state keeps records, not facts: a scan's records are loaded as they are,
and when a buffer changes the names other files follow, only the records whose
questions now get other answers are made again (from the disk for a file nobody has
open), the others stand."""

from __future__ import annotations

from pathlib import Path

from roadmap_coach.lsp.workspace_state import WorkspaceState
from roadmap_coach.progress.evaluation import evaluate_workspace
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine

PROBE = (
    '[step]\nid = "probe"\nnumber = 99\ntitle = "Probe"\n\n'
    '[[checkpoint]]\nid = "probe.it"\ntitle = "Probe"\nteaches = "A probe."\n\n'
    '[[checkpoint.detect]]\nclass_base = ["flask_sqlalchemy.*"]\n'
)
MODELS = "from app import db\n\n\nclass User(db.Model):\n    pass\n"
SQLALCHEMY = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"


def engine(tmp_path: Path) -> Engine:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "99-probe.toml").write_text(PROBE, encoding="utf-8")
    roadmap, _ = load_roadmap([folder])
    return Engine(roadmap)


def scanned(tmp_path: Path, coach: Engine) -> WorkspaceState:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("db = object()\n")
    (root / "app" / "models.py").write_text(MODELS)
    (root / "app" / "views.py").write_text("def index():\n    return 'hi'\n")
    ws = evaluate_workspace(str(root), coach, workers=0)
    state = WorkspaceState(coach, str(root))
    state.load(ws.records, ws.git, engine=coach)
    state.refresh()
    return state


def test_a_scan_is_loaded_as_records_without_making_any(tmp_path: Path) -> None:
    state = scanned(tmp_path, engine(tmp_path))
    assert state.records_made == 0 and state.analyses == 0
    assert set(state.entries) == {"app/__init__.py", "app/models.py", "app/views.py"}
    assert all(state.facts(path) is None for path in state.entries)  # records only
    assert "probe.it" not in {m.id for m in state.milestones}


def test_new_names_remake_only_the_records_that_asked_about_them(tmp_path: Path) -> None:
    state = scanned(tmp_path, engine(tmp_path))
    views = state.record("app/views.py")

    # the learner switches __init__.py to Flask-SQLAlchemy in the editor
    state.put("app/__init__.py", SQLALCHEMY.encode())
    state.refresh()

    found = {m.id: [(e.path, e.line) for e in m.evidence] for m in state.milestones}
    assert found["probe.it"] == [("app/models.py", 4)]
    # the buffer's record, and models.py's (it asked what `app.db` is) read from the disk
    assert state.records_made == 2
    assert state.record("app/views.py") is views  # asked nothing about `app`: it stands
    assert state.facts("app/models.py") is None  # nobody has it open: its record only
    assert state.facts("app/__init__.py") is not None  # the buffer keeps its facts


def test_a_new_name_in_a_buffer_reruns_the_lessons_of_that_file_only(tmp_path: Path) -> None:
    state = scanned(tmp_path, engine(tmp_path))
    state.put("app/views.py", b"def index():\n    return 'hi'\n")
    state.refresh()
    before = state.lessons_run

    # a keystroke that adds an import (a new module-level name), then a top-level statement
    state.put("app/views.py", b"import yaml\n\n\ndef index():\n    return 'hi'\n")
    delta = state.refresh_lessons()
    assert state.lessons_run == before + 1
    assert [f.code for f in delta.lessons["app/views.py"]] == ["RC901"]  # yaml: undeclared
    state.put("app/views.py", b"import yaml\n\nLIMIT = 3\n\ndef index():\n    return 'hi'\n")
    state.refresh_lessons()
    assert state.lessons_run == before + 2

    # a new file still re-runs every file's lessons (the paths they read changed)
    state.put("app/forms.py", b"x = 1\n")
    state.refresh_lessons()
    assert state.lessons_run == before + 2 + len(state.entries)
