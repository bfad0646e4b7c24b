"""The matcher vocabulary as a course author uses it: a checkpoint of their own in a
roadmap folder, checked by the loader and evaluated on small workspaces; and
docs/checkpoints.md kept true (every kind and condition documented, every example
loading without a problem)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.lsp.workspace_state import WorkspaceState
from roadmap_coach.roadmap import schema
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine

DOCS = Path(__file__).resolve().parents[3] / "docs" / "checkpoints.md"
HEADER = '[step]\nid = "probe"\nnumber = 99\ntitle = "Probe"\n\n'


def course(root: Path, detect: str) -> tuple[Engine, list[str]]:
    """A one-checkpoint course (`probe.it`) plus the shipped roadmap; its problems."""
    folder = root / "course"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "99-probe.toml").write_text(
        HEADER
        + '[[checkpoint]]\nid = "probe.it"\ntitle = "Probe"\nteaches = "A probe."\n\n'
        + detect,
        encoding="utf-8",
    )
    roadmap, problems = load_roadmap([folder])
    return Engine(roadmap), [str(p) for p in problems if "99-probe" in p.path]


def probe(root: Path, detect: str, files: dict[str, str]) -> list[str] | None:
    """Evidence of `probe.it` (one detect alternative) as `path:line` on a workspace of
    `files`, or None."""
    engine, problems = course(root, "[[checkpoint.detect]]\n" + detect)
    assert problems == []
    ws = root / "ws"
    for rel, text in files.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text, encoding="utf-8")
    for milestone in engine.evaluate(collect_workspace(str(ws))).milestones:
        if milestone.id == "probe.it":
            return [f"{e.path}:{e.line}" for e in milestone.evidence]
    return None


# -- globs -----------------------------------------------------------------------------


def test_brackets_in_a_glob_are_literal_not_a_character_class(tmp_path: Path) -> None:
    files = {"config.py": 'import os\n\nKEY = os.environ["SECRET_KEY"]\nX = os.environ["K"]\n'}
    assert probe(tmp_path, 'subscript = ["os.environ[SECRET*]"]\n', files) == ["config.py:3"]
    assert probe(tmp_path / "b", 'subscript = ["os.environ[JK]"]\n', files) is None


def test_a_list_of_exclusions_only_means_anything_but_those(tmp_path: Path) -> None:
    detect = 'function = ["!test_*", "!_*"]\n'
    files = {
        "m.py": "def _private():\n    pass\n\n\ndef test_x():\n    pass\n\n\ndef public():\n    pass\n"
    }
    assert probe(tmp_path, detect, files) == ["m.py:9"]


# -- names followed across the learner's modules -------------------------------------------


def test_a_call_on_an_object_made_in_another_module_resolves_to_its_library(
    tmp_path: Path,
) -> None:
    files = {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
        "app/extensions.py": "from app import db\n",  # a re-export on the way
        "app/users.py": "from app.extensions import db\n\n\ndef add(user):\n"
        "    db.session.add(user)\n",
    }
    detect = 'call = ["flask_sqlalchemy.SQLAlchemy.session.add"]\n'
    assert probe(tmp_path, detect, files) == ["app/users.py:5"]


def test_class_base_follows_bases_through_workspace_classes_in_other_files(
    tmp_path: Path,
) -> None:
    files = {
        "errors/base.py": "class AppError(Exception):\n    pass\n",
        "errors/http.py": "from errors.base import AppError\n\n\nclass HttpError(AppError):\n    pass\n",
        "shop.py": "from errors.http import HttpError\n\n\nclass OutOfStock(HttpError):\n    pass\n",
        "plain.py": "class Basket(list):\n    pass\n",
    }
    detect = 'class_base = ["Exception"]\n'
    assert probe(tmp_path, detect, files) == ["errors/base.py:1", "errors/http.py:4", "shop.py:4"]


def test_param_classes_reads_bodies_and_skips_injected_parameters(tmp_path: Path) -> None:
    files = {
        "schemas.py": "from pydantic import BaseModel\n\n\nclass ItemIn(BaseModel):\n    name: str\n",
        "views.py": "from fastapi import Depends\n\nimport schemas\n\n\n"
        "def create(item: schemas.ItemIn):\n    return item\n\n\n"
        "def injected(item: schemas.ItemIn = Depends(lambda: None)):\n    return item\n\n\n"
        "def scalar(count: int):\n    return count\n",
    }
    detect = 'function = "*"\nparam_classes = ["pydantic.BaseModel"]\n'
    assert probe(tmp_path, detect, files) == ["views.py:6"]


# -- values ----------------------------------------------------------------------------


def test_literal_reads_strings_inside_containers_and_built_strings(tmp_path: Path) -> None:
    files = {
        "settings.py": 'DATABASES = {"default": {"ENGINE": "db.pg", "NAME": "x"}}\n'
        'HOSTS = ["a.example", "db.pg.replica"]\n',
        "engine.py": 'def url(user):\n    return connect(f"db.pg://{user}@host")\n',
    }
    detect = 'literal = ["db.pg*"]\n'
    assert probe(tmp_path, detect, files) == ["engine.py:2", "settings.py:1", "settings.py:2"]


def test_assign_with_an_item_value_points_at_the_item(tmp_path: Path) -> None:
    files = {"settings.py": 'APPS = [\n    "admin",\n    "polls",\n]\n'}
    detect = 'assign = ["APPS"]\nvalue = "item:str:polls"\n'
    assert probe(tmp_path, detect, files) == ["settings.py:3"]


def test_string_grown_with_plus_equals_stays_sql_text(tmp_path: Path) -> None:
    files = {
        "report.py": "def run(cur):\n"
        '    sql = "SELECT name"\n    sql += " FROM users"\n    cur.execute(sql)\n'
    }
    assert probe(tmp_path, 'call = ["*.execute"]\nsql = true\n', files) == ["report.py:4"]


# -- the loader ------------------------------------------------------------------------


def test_workspace_kinds_reject_conditions_they_would_ignore(tmp_path: Path) -> None:
    _, problems = course(tmp_path, '[[checkpoint.detect]]\npackage_import = true\npath = "src/*"\n')
    assert len(problems) == 1
    assert "unknown condition `path` for matcher `package_import`" in problems[0]


# -- the server agrees with scan -------------------------------------------------------


def test_editor_state_follows_a_name_defined_in_another_file_like_scan(tmp_path: Path) -> None:
    engine, _ = course(tmp_path, '[[checkpoint.detect]]\nclass_base = ["flask_sqlalchemy.*"]\n')
    models = "from app import db\n\n\nclass User(db.Model):\n    pass\n"
    state = WorkspaceState(engine, None)
    state.put("app/models.py", models.encode())
    state.put("app/__init__.py", b"db = object()\n")
    state.refresh()
    assert "probe.it" not in {m.id for m in state.milestones}

    # the learner switches __init__.py to Flask-SQLAlchemy: models.py is re-read through it
    init = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n"
    state.put("app/__init__.py", init.encode())
    state.refresh()
    found = {m.id: [e.line for e in m.evidence] for m in state.milestones}
    assert found["probe.it"] == [4]
    assert analyze_bytes("app/models.py", models.encode()).classes[0].qbases == ["app.db.Model"]


# -- docs/checkpoints.md ---------------------------------------------------------------


def test_every_matcher_kind_and_condition_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    names = set(schema.MATCHERS) | {c for conds in schema.MATCHERS.values() for c in conds}
    names |= schema.GIT_FACTS | schema.AGGREGATES | schema.HISTORY_FACTS
    missing = sorted(n for n in names if f"`{n}" not in text)
    assert missing == []


EXAMPLES = re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_every_example_in_the_docs_loads_without_problems(tmp_path: Path, index: int) -> None:
    example = EXAMPLES[index]
    if "[[checkpoint]]" in example:
        body = example.replace('id = "web.flask-route"', 'id = "probe.it"')
        (tmp_path / "99-probe.toml").write_text(HEADER + body, encoding="utf-8")
        roadmap, problems = load_roadmap([tmp_path])
        assert [str(p) for p in problems if "99-probe" in p.path] == []
        assert roadmap.checkpoint("probe.it") is not None
    else:
        assert course(tmp_path, example)[1] == []
