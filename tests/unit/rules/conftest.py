"""Fixtures of the fold tests: the roadmap's engine, and records of three fixture
projects in which the same relative path holds different code, so that a test can
build many workspaces out of them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.records import FileRecord

FIXTURES = Path(__file__).parents[2] / "fixtures"
PROJECTS = ["tutorials/microblog", "projects/flaskr", "projects/django-polls"]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_roadmap()[0])


@pytest.fixture(scope="module")
def pool(engine: Engine) -> list[FileRecord]:
    found = []
    for project in PROJECTS:
        ws = collect_workspace(str(FIXTURES / project), workers=0)
        ctx = engine.matcher_context({})
        for facts in ws.files.values():
            ctx.symbols.add_file(facts)
        ctx = dataclasses.replace(ctx, paths=frozenset(ws.files))
        found += [engine.record(f, ctx) for f in ws.files.values()]
    return found
