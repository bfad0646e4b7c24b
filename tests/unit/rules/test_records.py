"""A file's record stands for its facts: folding records gives what evaluating facts
gives, and a record says when another workspace would have made it differently."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.matchers import Context

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_roadmap()[0])


def _facts(files: dict[str, str]) -> dict:
    return {path: analyze_bytes(path, text.encode()) for path, text in files.items()}


def _context(facts: dict) -> Context:
    ctx = Context(frozenset(facts))
    for f in facts.values():
        ctx.symbols.add_file(f)
    return ctx


@pytest.mark.parametrize(
    "project",
    ["tutorials/microblog", "projects/flaskr", "projects/django-polls", "projects/fastapi-todo"],
)
def test_folding_records_gives_the_findings_of_the_facts(engine: Engine, project: str) -> None:
    ws = collect_workspace(str(FIXTURES / project), workers=0)
    expected = engine.evaluate(ws)
    ctx = _context(ws.files)
    records = {p: pickle.loads(pickle.dumps(engine.record(f, ctx))) for p, f in ws.files.items()}
    assert engine.matcher_context(records).symbols == ctx.symbols
    folded = engine.fold(records, ws.git)
    assert folded.milestones == expected.milestones
    assert folded.lessons == expected.lessons
    assert folded.milestones  # the fixture earns something: the comparison is not empty


def test_a_record_that_followed_a_name_across_modules_is_invalid_when_that_name_moves(
    engine: Engine,
) -> None:
    files = {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "app/models.py": "from app import db\n\nclass User(db.Model):\n    id = db.Column(db.Integer)\n",
    }
    facts = _facts(files)
    ctx = _context(facts)
    record = engine.record(facts["app/models.py"], ctx)
    assert record.asked  # it asked what `app.db` stands for
    assert engine.still_valid(record, ctx)

    moved = _facts({**files, "app/__init__.py": "db = object()\n"})
    assert not engine.still_valid(record, _context(moved))
    # and the record made under the new workspace says something else
    assert engine.record(moved["app/models.py"], _context(moved)).evidence != record.evidence


def test_a_record_stands_when_an_unrelated_module_changes(engine: Engine) -> None:
    files = {
        "app/__init__.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
        "app/models.py": "from app import db\n\nclass User(db.Model):\n    pass\n",
        "tools.py": "import os\n",
    }
    facts = _facts(files)
    record = engine.record(facts["app/models.py"], _context(facts))
    changed = _facts({**files, "tools.py": "import sys\nfrom pathlib import Path\n"})
    assert engine.still_valid(record, _context(changed))


def test_a_record_never_holds_a_secrets_value(engine: Engine) -> None:
    secret = "sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    facts = _facts({"settings.py": f'API_KEY = "{secret}"\nPASSWORD = "hunter2-{secret}"\n'})
    assert facts["settings.py"].sensitive
    record = engine.record(facts["settings.py"], _context(facts))
    assert record.lessons  # the hard-coded secret is taught...
    assert secret.encode() not in pickle.dumps(record)  # ...without keeping its value


def test_workspace_lessons_run_in_the_fold_from_the_slim_facts(engine: Engine) -> None:
    facts = _facts({"app.py": "import flask\n", "requirements.txt": "requests\n"})
    ctx = _context(facts)
    records = {p: engine.record(f, ctx) for p, f in facts.items()}
    assert all(code != "RC901" for _, f in records["app.py"].lessons for code in [f.code])
    codes = [f.code for f in engine.fold(records, GitFacts()).lessons]
    assert "RC901" in codes
