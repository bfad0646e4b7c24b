"""A matcher taken apart once (`FileCheck`) finds what `run_matcher` finds, and asks the
workspace the same questions in the same order: on every file of every fixture
project, for every per-file alternative of the shipped roadmap (the `inside` /
`not_inside` clauses as the engine applied them before)."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from pathlib import Path

import pytest

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.cli.common import load
from roadmap_coach.progress.record_codec import encode_record
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.matchers import Context, Evidence, run_matcher
from roadmap_coach.rules.patterns import as_tuple

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PROJECTS = sorted(
    str(folder.relative_to(FIXTURES))
    for group in FIXTURES.iterdir()
    if group.is_dir()
    for folder in group.iterdir()
    if folder.is_dir()
)


def _reference(
    matcher: Matcher, facts: FileFacts, ctx: Context, known: Mapping[str, list[Evidence]]
) -> list[Evidence]:
    """`run_matcher`, then `inside` / `not_inside` against the file's evidence so far."""
    found = run_matcher(matcher, facts, ctx)
    inside = as_tuple(matcher.conditions.get("inside"))
    outside = as_tuple(matcher.conditions.get("not_inside"))
    if not found or not (inside or outside):
        return found

    def functions(ids: tuple[str, ...]) -> set[str]:
        return {e.function for cid in ids for e in known.get(cid, []) if e.function}

    def enclosed(function: str | None, names: set[str]) -> bool:
        return function is not None and any(
            function == f or function.startswith(f + ".") for f in names
        )

    wanted, unwanted = functions(inside), functions(outside)
    return [
        e
        for e in found
        if (not inside or enclosed(e.function, wanted)) and not enclosed(e.function, unwanted)
    ]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load([]))


@pytest.mark.parametrize("project", PROJECTS)
def test_each_check_finds_what_run_matcher_finds(engine: Engine, project: str) -> None:
    files = dict(collect_workspace(str(FIXTURES / project)).files)
    fast, slow = Context.of(files), Context.of(files)
    hits = 0
    for facts in files.values():
        fast.asked, slow.asked = {}, {}
        known_fast: dict[str, list[Evidence]] = {}
        known_slow: dict[str, list[Evidence]] = {}
        for checkpoint_id, key, check, is_part in engine._plan:
            found = check.run(facts, fast, known_fast)
            expected = _reference(check.matcher, facts, slow, known_slow)
            assert found == expected, (facts.path, key)
            hits += len(found)
            if found and not is_part:
                known_fast.setdefault(checkpoint_id, []).extend(found)
                known_slow.setdefault(checkpoint_id, []).extend(expected)
        assert list(fast.asked.items()) == list(slow.asked.items()), facts.path
    assert hits or len(files) < 3, project


def test_an_engine_sent_to_a_worker_process_makes_the_same_records(engine: Engine) -> None:
    # a server's workers come from a forkserver: they get the engine pickled
    again = pickle.loads(pickle.dumps(engine, protocol=5))
    files = dict(collect_workspace(str(FIXTURES / "lessons" / "flask-auth-api")).files)
    ctx = Context.of(files)
    for facts in files.values():
        assert encode_record(again.record(facts, ctx)) == encode_record(engine.record(facts, ctx))
