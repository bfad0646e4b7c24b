"""Milestones of a workspace kept up to date one record at a time.

`Engine.combine` reads every file's result on every call. `history` asks for the
milestones once per commit while a commit changes a handful of files, so `Fold`
keeps the per-file evidence indexed by evidence key and the files' contributions in
path order: `put` and `remove` touch one file, and `milestones` unions only the hits
of each key and runs a workspace-wide matcher again only when some file's
contribution changed since it last ran.

The result equals `Engine.combine` over the same records in path order (files are
always read in path order, so the result never depends on the order of `put`s).
"""

from __future__ import annotations

from collections.abc import Sequence

from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.roadmap.schema import WORKSPACE_KINDS
from roadmap_coach.rules.aggregates import Contribution
from roadmap_coach.rules.engine import Engine, Milestone, _sorted
from roadmap_coach.rules.matchers import Evidence
from roadmap_coach.rules.records import FileRecord
from roadmap_coach.rules.registry import WORKSPACE_MATCHERS
from roadmap_coach.rules.workspace_kinds import WorkspaceView

# Workspace kinds that read the files' contributions and nothing else: their result
# stands while no contribution changed. (`all`, `achieved`, `git` read other things;
# a kind not listed here simply runs every time.)
CONTRIBUTION_KINDS = frozenset(
    {
        "aggregate",
        "workspace_base",
        "package_import",
        "module_instance",
        "env_url",
        "sql_file",
        "layer",
    }
)


class Fold:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.records: dict[str, FileRecord] = {}
        self._hits: dict[str, dict[str, list[Evidence]]] = {}  # key -> path -> hits
        self._contributions: list[Contribution] | None = None  # in path order, built on use
        self._version = 0  # bumped when any contribution changes
        self._memo: dict[str, tuple[int, list[Evidence]]] = {}  # key -> (version, hits)
        self._last: tuple[GitFacts, list[Milestone]] | None = None
        self.workspace_runs = 0  # workspace-wide matchers run (memo misses), for tests
        # evidence keys whose hits changed since the last `milestones`, and the hits each
        # checkpoint that reads only per-file keys had then (kept while none of them moved)
        self._dirty: set[str] = set()
        self._kept: dict[str, list[Evidence]] = {}
        self._keys = {c.id: _file_keys(c.id, c.detect) for c in engine.order}

    def put(self, record: FileRecord) -> None:
        path = record.path
        old = self.records.get(path)
        if old is record:
            return
        if old is not None:
            self._drop_hits(old)
        self.records[path] = record
        for key, hits in record.evidence.items():
            self._hits.setdefault(key, {})[path] = hits
        self._dirty.update(record.evidence)
        if old is None or old.contribution != record.contribution:
            self._changed_contributions()
        self._last = None

    def remove(self, path: str) -> None:
        old = self.records.pop(path, None)
        if old is None:
            return
        self._drop_hits(old)
        self._changed_contributions()
        self._last = None

    def milestones(self, git: GitFacts) -> list[Milestone]:
        if self._last is not None and self._last[0] == git:
            return list(self._last[1])
        achieved: dict[str, list[Evidence]] = {}
        dirty, self._dirty = self._dirty, set()
        for checkpoint in self.engine.order:
            keys = self._keys[checkpoint.id]
            if keys is not None and checkpoint.id in self._kept and not (keys & dirty):
                hits = self._kept[checkpoint.id]
            else:
                hits = []
                for index, matcher in enumerate(checkpoint.detect):
                    hits.extend(self._one(f"{checkpoint.id}#{index}", matcher, git, achieved))
                hits = _sorted(hits) if hits else []
                if keys is not None:
                    self._kept[checkpoint.id] = hits
            if hits:
                achieved[checkpoint.id] = hits
        found = [
            Milestone(c.id, c.step, c.title, achieved[c.id])
            for c in self.engine.roadmap.checkpoints
            if c.id in achieved
        ]
        self._last = (git, found)
        return list(found)

    def _one(
        self, key: str, matcher: Matcher, git: GitFacts, achieved: dict[str, list[Evidence]]
    ) -> list[Evidence]:
        if matcher.kind not in WORKSPACE_KINDS:
            by_path = self._hits.get(key)
            if not by_path:
                return []
            hits = [e for path in sorted(by_path) for e in by_path[path]]
            minimum = int(matcher.conditions.get("min_count", 1))
            return hits if len(hits) >= minimum else []
        memo = matcher.kind in CONTRIBUTION_KINDS
        if memo:
            known = self._memo.get(key)
            if known is not None and known[0] == self._version:
                return list(known[1])
        view = WorkspaceView(
            self._gather,
            git,
            achieved,
            lambda part_key, part: self._one(part_key, part, git, achieved),
        )
        found = WORKSPACE_MATCHERS.implementations[matcher.kind](key, matcher, view)
        if memo:
            self.workspace_runs += 1
            self._memo[key] = (self._version, list(found))
        return found

    def _gather(self) -> Sequence[Contribution]:
        if self._contributions is None:
            records = self.records
            self._contributions = [records[path].contribution for path in sorted(records)]
        return self._contributions

    def _drop_hits(self, record: FileRecord) -> None:
        self._dirty.update(record.evidence)
        for key in record.evidence:
            by_path = self._hits.get(key)
            if by_path is not None:
                by_path.pop(record.path, None)
                if not by_path:
                    del self._hits[key]

    def _changed_contributions(self) -> None:
        self._contributions = None
        self._version += 1


def _file_keys(checkpoint_id: str, detect: Sequence[Matcher]) -> frozenset[str] | None:
    """The evidence keys of a checkpoint whose alternatives are all per-file matchers
    (its hits change only when theirs do); None when any alternative is workspace-wide."""
    if any(m.kind in WORKSPACE_KINDS for m in detect):
        return None
    return frozenset(f"{checkpoint_id}#{index}" for index in range(len(detect)))
