"""`Engine.fold` one record at a time: each record is taken apart into workspace-wide
accumulators as it is handed in, so the caller can drop it (or decode the next one
only then) instead of holding every record of a large workspace at once.

What is kept of a record is what the findings read: its contribution (the
workspace-wide matchers read every file's), its slim facts and its own lessons (the
lessons pass runs once the workspace context is complete), and of its evidence only
what the milestones can show (`_KeyHits`). Records must be handed in workspace order
(the order `Engine.fold` reads its mapping in); the findings equal `Engine.fold`'s.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence

from roadmap_coach.analysis.facts import FileFacts, GitFacts
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.roadmap.schema import WORKSPACE_KINDS
from roadmap_coach.rules.aggregates import Contribution
from roadmap_coach.rules.engine import MAX_EVIDENCE, Engine, Findings, Milestone, _sorted
from roadmap_coach.rules.lessons.base import LessonFinding
from roadmap_coach.rules.lessons.context import add_to_context
from roadmap_coach.rules.matchers import Evidence
from roadmap_coach.rules.records import FileRecord
from roadmap_coach.rules.registry import WORKSPACE_MATCHERS
from roadmap_coach.rules.workspace_kinds import WorkspaceView

Own = tuple[FileFacts, list[tuple[int, LessonFinding]]]


class _KeyHits:
    """One evidence key's hits across the workspace, cut to what the milestones read:
    how many there are (`min_count`), the first in workspace order (`all` shows its
    parts' first), and every hit in the `MAX_EVIDENCE` smallest paths (`_sorted` keeps
    only hits of those paths, and the smallest paths of a checkpoint's hits are among
    the smallest of each of its keys'), in workspace order."""

    __slots__ = ("count", "first", "kept", "paths")

    def __init__(self) -> None:
        self.count = 0
        self.first: Evidence | None = None
        self.kept: list[Evidence] = []
        self.paths: set[str] = set()

    def add(self, hits: Sequence[Evidence]) -> None:
        if not hits:
            return
        if self.first is None:
            self.first = hits[0]
        self.count += len(hits)
        self.kept.extend(hits)
        self.paths.update(e.path for e in hits)
        if len(self.paths) > 4 * MAX_EVIDENCE:
            # a path outside the smallest few now never gets back in: later paths only
            # push the cut lower
            self.paths = set(heapq.nsmallest(MAX_EVIDENCE, self.paths))
            self.kept = [e for e in self.kept if e.path in self.paths]

    def hits(self) -> list[Evidence]:
        return self.kept


class StreamedFold:
    """Records in, findings out: `add` each record in workspace order, then `findings`."""

    def __init__(self, engine: Engine, git: GitFacts) -> None:
        self.engine = engine
        self.git = git
        self.context = engine.context((), git)
        self.contributions: list[Contribution] = []
        self.by_key: dict[str, _KeyHits] = {}
        # per record: its slim facts and its own lessons' findings, or what gives them
        # again when asked (None: no facts)
        self.files: list[Own | Callable[[], Own] | None] = []

    def add(self, record: FileRecord, again: Callable[[], Own] | None = None) -> None:
        """`again`: gives the record's slim facts and own lessons once more when the
        lessons pass reaches it (a record kept encoded elsewhere), so they are dropped
        now instead of held for every file until then."""
        self.contributions.append(record.contribution)
        by_key = self.by_key
        for key, found in record.evidence.items():
            known = by_key.get(key)
            if known is None:
                known = by_key[key] = _KeyHits()
            known.add(found)
        slim = record.slim
        if slim is None:
            self.files.append(None)
        else:
            add_to_context(self.context, slim)
            self.files.append(again if again is not None else (slim, record.lessons))

    def findings(
        self,
        *,
        disabled: Iterable[str] = (),
        hints: str = "all",
        complete: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> Findings:
        """The lessons of every file handed in (each file's slim facts are dropped once
        its lessons are found), then the milestones."""
        engine, context = self.engine, self.context
        context.complete = complete
        lessons: list[LessonFinding] = []
        files, self.files = self.files, []
        files.reverse()  # popped from the end: workspace order
        done = 0
        while files:
            file = files.pop()
            done += 1
            if file is not None:
                slim, own = file() if callable(file) else file
                record = FileRecord(slim.path, slim.kind, slim.digest, slim.error, None)
                record.lessons, record.slim = own, slim
                lessons.extend(engine.record_lessons(record, context, disabled, hints))
            if progress is not None and done % 256 == 0:
                progress(done)
        return Findings(self.milestones(), lessons)

    def milestones(self) -> list[Milestone]:
        """`Engine.combine` over the records handed in."""
        achieved: dict[str, list[Evidence]] = {}
        for checkpoint in self.engine.order:
            hits: list[Evidence] = []
            for index, matcher in enumerate(checkpoint.detect):
                found = self._one(f"{checkpoint.id}#{index}", matcher, achieved)
                hits.extend(found.hits() if isinstance(found, _KeyHits) else found)
            if hits:
                achieved[checkpoint.id] = _sorted(hits)
        return [
            Milestone(c.id, c.step, c.title, achieved[c.id])
            for c in self.engine.roadmap.checkpoints
            if c.id in achieved
        ]

    def _one(
        self, key: str, matcher: Matcher, achieved: dict[str, list[Evidence]]
    ) -> _KeyHits | list[Evidence]:
        if matcher.kind not in WORKSPACE_KINDS:
            found = self.by_key.get(key)
            minimum = int(matcher.conditions.get("min_count", 1))
            return found if found is not None and found.count >= minimum else []
        view = WorkspaceView(lambda: self.contributions, self.git, achieved, self._part(achieved))
        return WORKSPACE_MATCHERS.implementations[matcher.kind](key, matcher, view)

    def _part(
        self, achieved: dict[str, list[Evidence]]
    ) -> Callable[[str, Matcher], list[Evidence]]:
        """Another alternative's evidence, for `all` (the one kind that asks): it reads
        only whether there is any and the first, so a per-file key gives its first."""

        def combine(part_key: str, part: Matcher) -> list[Evidence]:
            found = self._one(part_key, part, achieved)
            if isinstance(found, _KeyHits):
                return [found.first] if found.first is not None else []
            return found

        return combine
