"""An incremental fold gives what folding every record from scratch gives, whatever the
sequence of puts and removes, and re-runs workspace-wide matchers only when a file's
contribution changed."""

from __future__ import annotations

import copy
import dataclasses
import random

import pytest

from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.rules.engine import Engine, FileResult
from roadmap_coach.rules.fold import Fold
from roadmap_coach.rules.records import FileRecord


def _from_scratch(engine: Engine, records: dict[str, FileRecord], git: GitFacts) -> list:
    results = {p: FileResult(records[p].evidence, records[p].contribution) for p in sorted(records)}
    return engine.combine(results, git)


def _renamed(record: FileRecord, path: str) -> FileRecord:
    return dataclasses.replace(record, path=path)


@pytest.mark.parametrize("seed", range(6))
def test_incremental_fold_equals_the_fold_from_scratch(
    engine: Engine, pool: list[FileRecord], seed: int
) -> None:
    rng = random.Random(seed)
    paths = sorted({r.path for r in pool})[:40]
    fold = Fold(engine)
    now: dict[str, FileRecord] = {}
    git = GitFacts(is_repo=False)
    compared = 0
    for _ in range(120):
        path = rng.choice(paths)
        if path in now and rng.random() < 0.3:
            fold.remove(path)
            del now[path]
        else:
            record = _renamed(rng.choice(pool), path)  # any project's code under this name
            fold.put(record)
            now[path] = record
        if rng.random() < 0.5:
            assert fold.milestones(git) == _from_scratch(engine, now, git)
            compared += 1
    assert fold.milestones(git) == _from_scratch(engine, now, git)
    assert compared and fold.milestones(git)  # something was earned along the way


def test_a_record_with_the_same_contribution_does_not_rerun_workspace_matchers(
    engine: Engine, pool: list[FileRecord]
) -> None:
    fold = Fold(engine)
    for record in pool[:30]:
        fold.put(_renamed(record, f"{len(fold.records)}-{record.path}"))
    git = GitFacts(is_repo=False)
    first = fold.milestones(git)
    runs = fold.workspace_runs
    same = copy.deepcopy(next(iter(fold.records.values())))
    fold.put(same)  # new record object, equal contribution: only its evidence is re-read
    assert fold.milestones(git) == first
    assert fold.workspace_runs == runs
    fold.remove(same.path)
    fold.milestones(git)
    assert fold.workspace_runs > runs  # a file gone: its contribution is gone too
