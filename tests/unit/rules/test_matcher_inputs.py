"""The engine skips a file for a per-file kind when the file has none of the facts the
kind's declaration says it reads (`Kind.inputs`). Skipping must never lose a milestone:
on the tutorial projects, every file skipped for a kind gives that kind nothing even
with the widest pattern, and every file that has the inputs is not skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.roadmap.schema import FILE, KINDS, Kind
from roadmap_coach.rules.engine import Engine  # also registers and checks the kinds
from roadmap_coach.rules.matchers import Context, has_inputs, run_matcher

PROJECTS = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
PER_FILE = [k for k in KINDS if k.scope == FILE]


def widest(kind: Kind) -> Matcher:
    """An alternative of `kind` that matches anything it can see (generated files too)."""
    return Matcher(kind.name, True if kind.value == "flag" else ("*",), {"generated": True})


@pytest.mark.parametrize("project", sorted(p.name for p in PROJECTS.iterdir()))
def test_a_file_skipped_for_a_kind_could_not_have_matched_it(project: str) -> None:
    ws = collect_workspace(str(PROJECTS / project))
    files = dict(ws.files)
    ctx = Context.of(files)
    skipped = kept = 0
    for facts in files.values():
        for kind in PER_FILE:
            matcher = widest(kind)
            if has_inputs(matcher, facts):
                kept += 1
            else:
                skipped += 1
                assert run_matcher(matcher, facts, ctx) == [], (facts.path, kind.name)
    assert skipped > 0 and kept > 0


def test_a_file_with_a_kinds_inputs_is_not_skipped() -> None:
    source = (
        b"import os\nfrom flask import Flask\n\napp = Flask(__name__)\nKEY = os.environ['K']\n\n\n"
        b"class Item:\n    name = 'x'\n\n\n@app.get('/')\ndef index():\n    try:\n"
        b"        return {'a': os.sep}\n    except OSError:\n        return sorted([], key=lambda v: v)\n"
    )
    python = analyze_bytes("app.py", source)
    requirements = analyze_bytes("requirements.txt", b"flask==3.0.3\n")
    pyproject = analyze_bytes("pyproject.toml", b'[project]\nname = "shop"\n')
    empty = analyze_bytes("empty.py", b"")
    for kind in PER_FILE:
        matcher = widest(kind)
        assert has_inputs(matcher, empty) == (kind.inputs == ()), kind.name
        assert any(has_inputs(matcher, f) for f in (python, requirements, pyproject)), kind.name


def test_the_engines_plan_per_file_shape_keeps_exactly_what_could_match() -> None:
    """A file is run against the plan of its shape (which inputs it has, generated, test
    code): a file known by its name only gets the path-only kinds, a generated file only
    the alternatives about generated code, and nothing the full plan would find is lost."""
    from roadmap_coach.analysis.facts import FileFacts
    from roadmap_coach.cli.common import load

    engine = Engine(load([]))
    full = engine._plan
    other = engine._plan_for(FileFacts(path="docs/logo.svg", kind="other"))
    assert other and len(other) < len(full)
    assert {entry[2].matcher.kind for entry in other} <= {k.name for k in PER_FILE if not k.inputs}
    app = b"from flask import Flask\napp = Flask(__name__)\n@app.get('/')\ndef i(): ...\n"
    generated = analyze_bytes("app/views.py", app)
    generated.generated = "a tool"
    assert all(
        entry[2].matcher.conditions.get("generated") for entry in engine._plan_for(generated)
    )
    ctx = Context()
    test = analyze_bytes("tests/test_app.py", b"def test_x():\n    assert 1\n")
    for facts in (analyze_bytes("app.py", app), test, generated):
        path = facts.path
        planned = {entry[1] for entry in engine._plan_for(facts)}
        for _, key, check, _ in full:
            if key not in planned:
                assert run_matcher(check.matcher, facts, ctx) == [], (path, key)
