"""`roadmap-coach history PATH`: when did each milestone first appear in Git history?

Replays the first-parent history of HEAD from the root commit. Each commit's tree
is known from the previous one plus `git diff-tree`, so only changed blobs are
analysed, and facts are cached by blob id. Per commit the engine re-evaluates the
checkpoints (only changed files' per-file results are recomputed) and the first
commit where a milestone holds is its time. `git.*` milestones come from the
history itself: the root commit, the first merge, the first resolved conflict.

Only read-only git commands run, with the safe options of `analysis.git_facts`;
nothing from the repository is executed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from roadmap_coach.analysis.facts import Commit, FileFacts, GitFacts
from roadmap_coach.analysis.files import analyze_bytes, file_kind
from roadmap_coach.analysis.git_facts import open_repo, read_git
from roadmap_coach.analysis.workspace import (
    DEFAULT_MAX_BYTES,
    SKIP_DIRS,
    VENV_MARKER,
    FactsCache,
    cache_key,
)
from roadmap_coach.progress.derived import LESSON_FIXED_FACT
from roadmap_coach.progress.store import Store
from roadmap_coach.progress.summary import SECURITY_PREFIXES
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Engine, FileResult
from roadmap_coach.rules.matchers import Context

MAX_COMMITS = 5_000
_FORMAT = "%x01%H%x00%at%x00%P"
_SKIPPED_MODES = ("160000", "120000")  # submodules and symlinks: no content of ours
GIT_EVIDENCE = ".git"


@dataclass(slots=True)
class Found:
    """Where a milestone first held: the commit, its author time, the evidence."""

    id: str
    step: str
    title: str
    commit: str
    time: str
    evidence: list[tuple[str, int | None]] = field(default_factory=list)  # (path, 1-based line)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "step": self.step,
            "title": self.title,
            "commit": self.commit,
            "time": self.time,
            "evidence": [{"path": p, "line": line} for p, line in self.evidence],
        }


@dataclass(slots=True)
class History:
    milestones: list[Found] = field(default_factory=list)  # in order of first appearance
    commits: int = 0
    truncated: bool = False  # more than MAX_COMMITS first-parent commits; the oldest replayed
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "milestones": [m.to_json() for m in self.milestones],
            "commits": self.commits,
        }
        if self.truncated:
            out["truncated"] = True
        if self.error:
            out["error"] = self.error
        return out


def replay_history(
    root: str,
    roadmap: Roadmap,
    *,
    engine: Engine | None = None,
    cache: FactsCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> History:
    """Never raises for a missing or broken repository: `History.error` says why."""
    repo, error = open_repo(root)
    if repo is None:
        return History(error=error)
    try:
        return _Replay(repo, root, roadmap, engine or Engine(roadmap), cache).run(progress)
    except Exception as exc:  # git vanished, a corrupt object, …: report, never crash
        return History(error=f"could not replay the Git history ({type(exc).__name__}: {exc})")
    finally:
        repo.close()


def record_history(store: Store, history: History, workspace: str) -> list[str]:
    """Write found milestones with their commit times; ids that were new to the store."""
    new = []
    for found in sorted(history.milestones, key=lambda f: f.time):
        path, line = _first_evidence(found.evidence)
        if store.record_milestone(
            found.id, found.step, found.title, workspace, path, line, found.commit, found.time
        ):
            new.append(found.id)
    return new


def _first_evidence(evidence: list[tuple[str, int | None]]) -> tuple[str, int | None]:
    for path, line in evidence:
        if path != GIT_EVIDENCE:
            return path, line
    return evidence[0] if evidence else ("", None)


class _Replay:
    def __init__(
        self, repo: Any, root: str, roadmap: Roadmap, engine: Engine, cache: FactsCache | None
    ) -> None:
        self.repo = repo
        self.root = root
        self.roadmap = roadmap
        self.engine = engine
        self.cache = cache
        self.tree: dict[str, str] = {}  # path -> blob id
        self.facts: dict[str, FileFacts] = {}
        self.results: dict[str, FileResult] = {}
        self.memo: dict[tuple[str, str], FileFacts] = {}  # (path, blob) -> facts, this run
        self.security: dict[str, dict[str, int]] = {}  # path -> security code -> 0-based line
        self.found: dict[str, Found] = {}
        self.by_id = {c.id: c for c in roadmap.checkpoints}

    def run(self, progress: Callable[[int, int], None] | None) -> History:
        commits = self._first_parent_commits()
        history = History(commits=len(commits), truncated=len(commits) > MAX_COMMITS)
        commits = commits[:MAX_COMMITS]
        wants_fixes = any(
            m.kind == "history" and m.value == LESSON_FIXED_FACT
            for c in self.roadmap.checkpoints
            for m in c.detect
        )
        previous: str | None = None
        for index, commit in enumerate(commits, 1):
            changed = self._apply(previous, commit.sha)
            self._evaluate(commit, changed, wants_fixes)
            previous = commit.sha
            if progress is not None:
                progress(index, len(commits))
        self._git_milestones(commits)
        history.milestones = sorted(self.found.values(), key=lambda f: (f.time, f.id))
        return history

    # -- walking the history -------------------------------------------------------
    def _first_parent_commits(self) -> list[Commit]:
        import git

        try:
            self.repo.git.rev_parse("--verify", "-q", "HEAD^{commit}")
        except git.GitCommandError:
            return []  # no commit yet
        out = self.repo.git.log(
            "--first-parent", "--reverse", "--no-show-signature", f"--format={_FORMAT}", "HEAD"
        )
        commits = []
        for record in out.split("\x01"):
            fields = record.strip("\n").split("\x00")
            if len(fields) == 3 and fields[0]:
                sha, stamp, parents = fields
                commits.append(Commit(sha, _utc(stamp), len(parents.split()), ""))
        return commits

    def _apply(self, previous: str | None, sha: str) -> set[str]:
        """Update the tree to `sha`; the paths whose content changed (added or modified)."""
        args = ["-r", "--no-renames", "-z", "--no-commit-id"]
        args += [previous, sha] if previous else ["--root", sha]
        raw = self.repo.git.diff_tree(*args, stdout_as_string=False)
        items = raw.split(b"\0")
        changed = set()
        for header, path_bytes in zip(items[0::2], items[1::2], strict=False):
            if not header.startswith(b":"):
                continue
            _old_mode, new_mode, _old, blob, status = header[1:].decode().split(" ")[:5]
            path = path_bytes.decode("utf-8", errors="surrogateescape")
            if status.startswith("D") or new_mode in _SKIPPED_MODES:
                self.tree.pop(path, None)
                self.facts.pop(path, None)
                self.results.pop(path, None)
                self.security.pop(path, None)
                continue
            self.tree[path] = blob
            changed.add(path)
        return changed

    def _listed(self) -> dict[str, str]:
        """The commit's files as the workspace lister would see them (no venvs, caches)."""
        venvs = {
            posixpath.dirname(p)
            for p in self.tree
            if posixpath.basename(p) == VENV_MARKER and posixpath.dirname(p)
        }
        listed = {}
        for path, blob in self.tree.items():
            parts = path.split("/")
            if any(part in SKIP_DIRS for part in parts[:-1]):
                continue
            inside_venv = any(path.startswith(v + "/") for v in venvs)
            if inside_venv and posixpath.basename(path) != VENV_MARKER:
                continue
            listed[path] = blob
        return listed

    # -- evaluating one commit -----------------------------------------------------
    def _evaluate(self, commit: Commit, changed: set[str], wants_fixes: bool) -> None:
        listed = self._listed()
        paths_changed = set(listed) != set(self.facts)
        for path in set(self.facts) - set(listed):
            self.facts.pop(path, None)
            self.results.pop(path, None)
        for path in sorted(changed & set(listed)):
            self.facts[path] = self._facts(path, listed[path])
        ctx = Context(frozenset(self.facts))
        # A per-file result may depend on which paths exist (a template file, say),
        # so all are recomputed when the set of paths changes; else only changed files.
        recompute = set(self.facts) if paths_changed else changed & set(self.facts)
        for path in recompute:
            self.results[path] = self.engine.file_result(self.facts[path], ctx)
        no_git = GitFacts(is_repo=False, tracked=sorted(self.tree))
        for milestone in self.engine.combine(self.results, no_git):
            if milestone.id not in self.found:
                self.found[milestone.id] = Found(
                    milestone.id,
                    milestone.step,
                    milestone.title,
                    commit.sha,
                    commit.time,
                    [(e.path, e.span.line + 1) for e in milestone.evidence],
                )
        if wants_fixes:
            self._track_lessons(commit, changed & set(self.facts), no_git)

    def _facts(self, path: str, blob: str) -> FileFacts:
        memo = self.memo.get((path, blob))
        if memo is not None:
            return memo
        key = cache_key(path, f"git-blob-{blob}")
        facts = self.cache.get(key) if self.cache else None
        if facts is None:
            facts = self._analyse(path, blob)
            if self.cache is not None:
                self.cache.put(key, facts)
        self.memo[(path, blob)] = facts
        return facts

    def _analyse(self, path: str, blob: str) -> FileFacts:
        if file_kind(path) == "other":
            return FileFacts(path=path, kind="other")  # known by name only, never read
        binsha = bytes.fromhex(blob)
        size = self.repo.odb.info(binsha).size
        if size > DEFAULT_MAX_BYTES:
            return FileFacts(path=path, kind="other", size=size, error="too large to analyse")
        return analyze_bytes(path, self.repo.odb.stream(binsha).read())

    def _track_lessons(self, commit: Commit, changed: set[str], git: GitFacts) -> None:
        """A security lesson gone from a file that still exists was fixed in this commit."""
        if not changed:
            return
        context = self.engine.context(self.facts.values(), git)
        for path in sorted(changed):
            now: dict[str, int] = {}
            for finding in self.engine.lessons_for(self.facts[path], context):
                if finding.code.startswith(SECURITY_PREFIXES):
                    now.setdefault(finding.code, finding.span.line)
            before = self.security.get(path, {})
            for code, line in sorted(before.items()):
                if code not in now:
                    self._lesson_fixed(commit, path, line)
            self.security[path] = now

    def _lesson_fixed(self, commit: Commit, path: str, line: int) -> None:
        for checkpoint in self.roadmap.checkpoints:
            is_fix = any(
                m.kind == "history" and m.value == LESSON_FIXED_FACT for m in checkpoint.detect
            )
            if is_fix and checkpoint.id not in self.found:
                self.found[checkpoint.id] = Found(
                    checkpoint.id,
                    checkpoint.step,
                    checkpoint.title,
                    commit.sha,
                    commit.time,
                    [(path, line + 1)],
                )

    # -- git milestones from the history itself ------------------------------------
    def _git_milestones(self, first_parent: list[Commit]) -> None:
        if not first_parent:
            return
        facts = read_git(self.root)
        root = first_parent[0]
        moments: dict[str, Commit | None] = {
            "repo": root,
            "commit": root,
            "merge": min(facts.merges, key=lambda c: c.time, default=None),
            "conflict-merge": min(facts.conflict_merges, key=lambda c: c.time, default=None),
            "branch": self._first_branch_commit(first_parent, facts),
        }
        for checkpoint in self.roadmap.checkpoints:
            if checkpoint.id in self.found:
                continue
            for matcher in checkpoint.detect:
                moment = moments.get(matcher.value) if matcher.kind == "git" else None
                if moment is not None:
                    self.found[checkpoint.id] = Found(
                        checkpoint.id,
                        checkpoint.step,
                        checkpoint.title,
                        moment.sha,
                        moment.time,
                        [(GIT_EVIDENCE, None)],
                    )
                    break

    def _first_branch_commit(self, first_parent: list[Commit], facts: GitFacts) -> Commit | None:
        """The earliest commit made off the first-parent line (work on another branch)."""
        main_line = {c.sha for c in first_parent}
        out = self.repo.git.log(
            "--no-show-signature",
            f"--format={_FORMAT}",
            f"--max-count={MAX_COMMITS}",
            "--branches",
            "HEAD",
        )
        side = []
        for record in out.split("\x01"):
            fields = record.strip("\n").split("\x00")
            if len(fields) == 3 and fields[0] and fields[0] not in main_line:
                side.append(Commit(fields[0], _utc(fields[1]), len(fields[2].split()), ""))
        if side:
            return min(side, key=lambda c: c.time)
        if len(facts.branches) >= 2:
            return first_parent[-1]  # a branch with no commits of its own: seen by now
        return None


def _utc(stamp: str) -> str:
    return datetime.fromtimestamp(int(stamp or 0), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
