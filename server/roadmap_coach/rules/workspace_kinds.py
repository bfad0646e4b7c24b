"""Workspace-wide matchers: each reads the workspace as a whole for one detect alternative.

Each `@workspace_kind("name")` function implements one kind that `roadmap.schema.KINDS`
declares workspace-wide. It reads what every file contributed (`rules.aggregates`), the
Git facts, the checkpoints already achieved in this evaluation, or (`all`) the other
alternatives' results; never a file's facts. The per-file kinds are in `rules.matchers`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from roadmap_coach.analysis.facts import GitFacts, Span
from roadmap_coach.analysis.modules import import_names, with_import_names
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.rules import layers, sql_files
from roadmap_coach.rules.aggregates import Contribution
from roadmap_coach.rules.environment import joined
from roadmap_coach.rules.matchers import Evidence
from roadmap_coach.rules.patterns import as_tuple
from roadmap_coach.rules.registry import workspace_kind


class WorkspaceView:
    """What a workspace-wide matcher may read. What every file contributed is gathered on
    first use: `git`, `achieved` and `all` never need it."""

    __slots__ = ("_contributions", "_gather", "achieved", "combine", "git")

    def __init__(
        self,
        gather: Callable[[], Sequence[Contribution]],  # one contribution per file
        git: GitFacts,
        achieved: Mapping[str, list[Evidence]],  # achieved so far, in dependency order
        # the evidence of another alternative (`all`'s parts): (its evidence key, matcher)
        combine: Callable[[str, Matcher], list[Evidence]],
    ) -> None:
        self._gather = gather
        self._contributions: Sequence[Contribution] | None = None
        self.git = git
        self.achieved = achieved
        self.combine = combine

    @property
    def contributions(self) -> Sequence[Contribution]:
        if self._contributions is None:
            self._contributions = self._gather()
        return self._contributions


@workspace_kind("all")
def match_all(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    """Every part holds somewhere: the first evidence of each."""
    parts = [ws.combine(f"{key}.{index}", part) for index, part in enumerate(m.value)]
    return [found[0] for found in parts] if all(parts) else []


@workspace_kind("achieved")
def match_achieved(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    done = [cid for cid in m.value if cid in ws.achieved]
    minimum = int(m.conditions.get("min", len(m.value)))
    return [ws.achieved[cid][0] for cid in done] if len(done) >= minimum else []


@workspace_kind("history")
def match_history(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    """Never from the tree: `progress.derived` reads it from the learner's recorded log."""
    return []


@workspace_kind("git")
def match_git(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    git = ws.git
    if not git.is_repo:
        return []
    shown = {
        "repo": True,
        "commit": git.commits > 0,
        "branch": len(git.branches) >= 2,
        "merge": bool(git.merges),
        "conflict-merge": bool(git.conflict_merges),
        "remote": bool(git.remotes),
        "pull-request": bool(git.pull_requests),
        "upstream": bool(git.upstream),
    }
    return [Evidence(".git", Span(0, 0, 0, 0))] if shown.get(m.value) else []


@workspace_kind("aggregate")
def match_aggregate(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for contribution in ws.contributions:
        for value, evidence in contribution.values.get(m.value, {}).items():
            seen.setdefault(value, evidence)
    if m.value == "sql_verbs":  # statements of the .sql files the code loads
        for sql, _ in sql_files.loaded(c.sql for c in ws.contributions):
            for verb, evidence in sql.statements:
                seen.setdefault(verb, evidence)
    hits = []
    for required in m.conditions.get("require", []):
        options = as_tuple(required)
        found = next((seen[o] for o in options if o in seen), None)
        if found is None:
            return []
        hits.append(found)
    return hits


@workspace_kind("workspace_base")
def match_workspace_base(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    contributions = ws.contributions
    defined = {name for c in contributions for name in c.classes}
    if m.conditions.get("abstract"):
        defined = {name for c in contributions for name in c.abstract}
    defined = with_import_names(defined)
    return [ev for c in contributions for base, ev in c.bases if base in defined]


@workspace_kind("package_import")
def match_package_import(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    contributions = ws.contributions
    packages = with_import_names({c.package for c in contributions if c.package})
    if not packages:
        return []
    # A module's prefixes form a chain and so does `own` (the prefixes of a file's
    # names): a package prefix of an import lies outside the file's own ones exactly when
    # its deepest one does. That prefix is worked out once per imported name, as a big
    # workspace imports the same modules thousands of times.
    deepest: dict[str, str | None] = {}
    hits = []
    for c in contributions:
        if not c.imports:
            continue
        own = {p for name in import_names(c.module) for p in _prefixes(name)} if c.module else set()
        for module, evidence in c.imports:
            if module in deepest:
                package = deepest[module]
            else:
                package = deepest[module] = _deepest_package(module, packages)
            # a package imported from outside itself (its own modules don't count)
            if package is not None and package not in own:
                hits.append(evidence)
    return hits


def _deepest_package(module: str, packages: set[str]) -> str | None:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in packages:
            return prefix
    return None


def _prefixes(dotted: str) -> set[str]:
    """`a.b.c` -> {"a", "a.b", "a.b.c"}: set lookups instead of a scan of every package."""
    parts = dotted.split(".")
    return {".".join(parts[: i + 1]) for i in range(len(parts))}


@workspace_kind("module_instance")
def match_module_instance(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    """`settings = Settings()` at module level, of a workspace class, imported by another
    module: one shared instance, the Pythonic singleton. Library objects shared the same
    way (`db = SQLAlchemy()`) are the library's pattern, not the learner's."""
    contributions = ws.contributions
    classes = with_import_names({name for c in contributions for name in c.classes})
    candidates = [
        (index, evidence, import_names(name))
        for index, owner in enumerate(contributions)
        for name, made_by, evidence in owner.instances
        if made_by in classes
    ]
    if not candidates:
        return []
    # only who imports a candidate's names matters: a big workspace has tens of thousands
    # of imports and a handful of candidates
    wanted = {alias for _, _, aliases in candidates for alias in aliases}
    importers: dict[str, set[int]] = {}
    for index, c in enumerate(contributions):
        for name, _ in c.imports:
            if name in wanted:
                importers.setdefault(name, set()).add(index)
    return [
        evidence
        for index, evidence, aliases in candidates
        if any(importers.get(alias, set()) - {index} for alias in aliases)
    ]


@workspace_kind("env_url")
def match_env_url(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    return joined(m.value, (c.env for c in ws.contributions))


@workspace_kind("sql_file")
def match_sql_file(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    return sql_files.evidence(m.value, [c.sql for c in ws.contributions])


@workspace_kind("layer")
def match_layer(key: str, m: Matcher, ws: WorkspaceView) -> list[Evidence]:
    if m.value == "service":
        return layers.services(ws.contributions)
    return layers.split(ws.contributions)
