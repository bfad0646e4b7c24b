"""The fold that takes records one at a time gives what folding them all at once gives,
in any workspace order, while it keeps of each evidence key only the hits of a few
paths."""

from __future__ import annotations

import dataclasses
import random

import pytest

from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.rules.engine import MAX_EVIDENCE, Engine, FileResult
from roadmap_coach.rules.records import FileRecord
from roadmap_coach.rules.streamed_fold import StreamedFold


def _workspace(pool: list[FileRecord], seed: int) -> dict[str, FileRecord]:
    """Many copies of the records under other paths, in an order that is not the paths'
    (so the first hit in workspace order is not the smallest path's)."""
    rng = random.Random(seed)
    records = {}
    for copy in range(6):
        for record in pool:
            path = f"{rng.choice('zyxa')}{copy}/{record.path}"
            records[path] = _renamed(record, path)
    items = list(records.items())
    rng.shuffle(items)
    return dict(items)


def _renamed(record: FileRecord, path: str) -> FileRecord:
    def moved(evidence: list) -> list:
        return [dataclasses.replace(e, path=path) for e in evidence]

    return dataclasses.replace(
        record,
        path=path,
        evidence={key: moved(hits) for key, hits in record.evidence.items()},
        slim=dataclasses.replace(record.slim, path=path) if record.slim else None,
    )


def _all_at_once(engine: Engine, records: dict[str, FileRecord], git: GitFacts) -> tuple:
    results = {p: FileResult(r.evidence, r.contribution) for p, r in records.items()}
    context = engine.context((r.slim for r in records.values() if r.slim is not None), git)
    lessons = [f for r in records.values() for f in engine.record_lessons(r, context)]
    return engine.combine(results, git), lessons


@pytest.mark.parametrize("seed", range(4))
def test_streamed_fold_equals_folding_every_record_at_once(
    engine: Engine, pool: list[FileRecord], seed: int
) -> None:
    records = _workspace(pool, seed)
    git = GitFacts(is_repo=True, commits=3, tracked=[next(iter(records))])
    milestones, lessons = _all_at_once(engine, records, git)
    stream = StreamedFold(engine, git)
    for record in records.values():
        stream.add(record)
    found = stream.findings()
    assert found.milestones == milestones
    assert found.lessons == lessons
    assert engine.fold(records, git) == found
    assert any(len(m.evidence) == MAX_EVIDENCE for m in milestones)  # the cut was exercised


def test_each_key_keeps_the_hits_of_a_few_paths(engine: Engine, pool: list[FileRecord]) -> None:
    records = _workspace(pool, 0)
    stream = StreamedFold(engine, GitFacts())
    for record in records.values():
        stream.add(record)
    counts = {key: hits.count for key, hits in stream.by_key.items()}
    assert max(counts.values()) > 4 * MAX_EVIDENCE
    for hits in stream.by_key.values():
        assert len({e.path for e in hits.kept}) <= 4 * MAX_EVIDENCE


def test_slim_facts_given_again_later_are_not_held_until_the_lessons_pass(
    engine: Engine, pool: list[FileRecord]
) -> None:
    """A record whose slim facts and own lessons can be had again (kept encoded
    elsewhere) is held without them: each is asked for once, in workspace order, when
    the lessons pass reaches it, and the findings are the same."""
    records = _workspace(pool, 1)
    git = GitFacts(is_repo=True, commits=3)
    asked: list[str] = []

    def again(record: FileRecord):  # type: ignore[no-untyped-def]
        def give() -> tuple:
            asked.append(record.path)
            return record.slim, record.lessons

        return give

    stream = StreamedFold(engine, git)
    for record in records.values():
        stream.add(record, again(record) if record.slim is not None else None)
    assert not any(isinstance(file, tuple) for file in stream.files)
    assert asked == []
    found = stream.findings()
    assert asked == [r.path for r in records.values() if r.slim is not None]
    assert found == engine.fold(records, git)
