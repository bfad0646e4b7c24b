"""Records of three fixture projects, for the fold tests: the same relative path holds
different code in each, so a test can build many workspaces out of them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.records import FileRecord

FIXTURES = Path(__file__).parents[2] / "fixtures"
PROJECTS = ["tutorials/microblog", "projects/flaskr", "projects/django-polls"]


def project_records(engine: Engine) -> list[FileRecord]:
    found = []
    for project in PROJECTS:
        ws = collect_workspace(str(FIXTURES / project), workers=0)
        ctx = engine.matcher_context({})
        for facts in ws.files.values():
            ctx.symbols.add_file(facts)
        ctx = dataclasses.replace(ctx, paths=frozenset(ws.files))
        found += [engine.record(f, ctx) for f in ws.files.values()]
    return found
