"""`roadmap-coach history PATH`: when did each milestone first appear in Git history?

Replays the first-parent history of HEAD from the root commit. Each commit's tree
is known from the previous one plus `git diff-tree`; only changed blobs are read and
made into records (or found in the records cache by (path, blob id)), and kept
records are re-checked only when the questions they asked of the workspace get new
answers (`progress.blob_records`). The milestones are folded incrementally
(`rules.fold`) and the first commit where a milestone holds is its time. Files are
always taken in path order, so the evidence of a milestone never depends on hash
order. `git.*` milestones come from the
history itself: the root commit, the first merge, the first merged pull request,
the first resolved conflict, the learner's first commit on a fork.

Only read-only git commands run, with the safe options of `analysis.git_facts`;
nothing from the repository is executed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from roadmap_coach.analysis.facts import Commit, GitFacts
from roadmap_coach.analysis.git_facts import open_repo, read_git
from roadmap_coach.progress.blob_records import BlobCounters, BlobRecords
from roadmap_coach.progress.derived import LESSON_FIXED_FACT
from roadmap_coach.progress.history_lessons import LessonStep, LessonTracker, Observation
from roadmap_coach.progress.records_cache import RecordsCache
from roadmap_coach.progress.store import Store
from roadmap_coach.progress.tree_walk import LOG_FORMAT, first_parent_commits, parse_log
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Engine, Milestone
from roadmap_coach.rules.fold import Fold

MAX_COMMITS = 5_000
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
    lessons: list[LessonStep] = field(default_factory=list)  # security lessons, in commit order
    lessons_now: list[dict[str, Any]] = field(default_factory=list)  # open/silenced at HEAD
    observations: list[Observation] = field(default_factory=list)  # what --record writes
    commits: int = 0
    truncated: bool = False  # more than MAX_COMMITS first-parent commits; the oldest replayed
    error: str | None = None
    counters: BlobCounters = field(default_factory=BlobCounters)  # the work done

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "milestones": [m.to_json() for m in self.milestones],
            "lessons": [step.to_json() for step in self.lessons],
            "lessons_at_head": self.lessons_now,
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
    cache: RecordsCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> History:
    """Never raises for a missing or broken repository: `History.error` says why.
    `workers`: processes that make records ahead of the fold (None: decide by the
    length of the history and the cores; 0: none). The outcome is the same."""
    # Blobs are read in commit order, so few delta bases are needed twice: git's default
    # cache (96 MiB) held ~50 MiB more on Flask's history for no measurable time.
    repo, error = open_repo(root, ("core.deltaBaseCacheLimit=8m",))
    if repo is None:
        return History(error=error)
    try:
        replay = _Replay(repo, root, roadmap, engine or Engine(roadmap), cache)
        return replay.run(progress, workers)
    except Exception as exc:  # git vanished, a corrupt object, …: report, never crash
        return History(error=f"could not replay the Git history ({type(exc).__name__}: {exc})")
    finally:
        repo.close()


def record_history(store: Store, history: History, workspace: str) -> list[str]:
    """Write found milestones and security lessons with their commit times, in commit
    order (lessons before milestones of the same commit); ids of milestones new to the
    store."""
    order = {obs.commit: index for index, obs in enumerate(history.observations)}
    items: list[tuple[str, int, int, Found | Observation]] = []
    for index, obs in enumerate(history.observations):
        items.append((obs.time, index, 0, obs))
    for found in history.milestones:
        items.append((found.time, order.get(found.commit, len(order)), 1, found))
    new = []
    for _time, _order, _kind, item in sorted(items, key=lambda x: x[:3]):
        if isinstance(item, Observation):
            store.sync_lessons(
                workspace,
                item.path,
                item.found,
                silenced=item.silenced,
                commit=None if item.removed else item.commit,
                removed=item.removed,
                time=item.time,
            )
            continue
        path, line = _first_evidence(item.evidence)
        if store.record_milestone(
            item.id, item.step, item.title, workspace, path, line, item.commit, item.time
        ):
            new.append(item.id)
    return new


def _on_a_thread(read: Callable[[str], GitFacts], root: str) -> Callable[[], GitFacts]:
    """`read(root)` started now; the returned call waits for its outcome."""
    box: list[GitFacts] = []
    thread = threading.Thread(target=lambda: box.append(read(root)), daemon=True)
    thread.start()

    def outcome() -> GitFacts:
        thread.join()
        if not box:  # `read_git` never raises; a thread that died says so here
            raise RuntimeError("reading the Git facts failed")
        return box[0]

    return outcome


def _first_evidence(evidence: list[tuple[str, int | None]]) -> tuple[str, int | None]:
    for path, line in evidence:
        if path != GIT_EVIDENCE:
            return path, line
    return evidence[0] if evidence else ("", None)


class _Replay:
    def __init__(
        self, repo: Any, root: str, roadmap: Roadmap, engine: Engine, cache: RecordsCache | None
    ) -> None:
        self.repo = repo
        self.root = root
        self.roadmap = roadmap
        self.engine = engine
        self.blobs = BlobRecords(repo, engine, cache)
        self.found: dict[str, Found] = {}
        self.lessons = LessonTracker(engine)

    def run(self, progress: Callable[[int, int], None] | None, workers: int | None) -> History:
        commits = first_parent_commits(self.repo)
        # merges and conflicts are read by git while the commits are replayed (git does
        # that work, this process only waits): on Flask a few seconds no longer at the end
        git_facts = _on_a_thread(read_git, self.root) if commits else None
        history = History(commits=len(commits), truncated=len(commits) > MAX_COMMITS)
        commits = commits[:MAX_COMMITS]
        wants_fixes = any(
            m.kind == "history" and m.value == LESSON_FIXED_FACT
            for c in self.roadmap.checkpoints
            for m in c.detect
        )
        fold = Fold(self.engine)
        for index, step in enumerate(self.blobs.walk(commits, workers=workers), 1):
            for path in sorted(step.removed):
                fold.remove(path)
            for path in sorted(step.changed):
                fold.put(step.records[path])
            git = GitFacts(is_repo=False, tracked=step.tracked)
            known = len(self.found)
            self._note(step.commit, fold.milestones(git))
            self.lessons.observe(step, git)
            if wants_fixes:
                for fix in self.lessons.fixed_in(step.commit):
                    self._lesson_fixed(step.commit, fix.path, fix.line - 1)
            if len(self.found) > known:  # placed milestones need no more evidence
                self.blobs.narrow(set(self.found))
            if progress is not None:
                progress(index, len(commits))
        if git_facts is not None:
            self._git_milestones(commits, git_facts())
        history.milestones = sorted(self.found.values(), key=lambda f: (f.time, f.id))
        history.lessons = self.lessons.steps
        history.lessons_now = self.lessons.open_now()
        history.observations = self.lessons.observations
        history.counters = self.blobs.counters
        return history

    def _note(self, commit: Commit, milestones: list[Milestone]) -> None:
        for milestone in milestones:
            if milestone.id not in self.found:
                self.found[milestone.id] = Found(
                    milestone.id,
                    milestone.step,
                    milestone.title,
                    commit.sha,
                    commit.time,
                    [(e.path, e.span.line + 1) for e in milestone.evidence],
                )

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
    def _git_milestones(self, first_parent: list[Commit], facts: GitFacts) -> None:
        root = first_parent[0]
        moments: dict[str, Commit | None] = {
            "repo": root,
            "commit": root,
            "merge": min(facts.merges, key=lambda c: c.time, default=None),
            "conflict-merge": min(facts.conflict_merges, key=lambda c: c.time, default=None),
            "branch": self._first_branch_commit(first_parent, facts),
            "pull-request": min(facts.pull_requests, key=lambda c: c.time, default=None),
            "upstream": self._first_fork_commit(first_parent) if facts.upstream else None,
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

    def _first_fork_commit(self, first_parent: list[Commit]) -> Commit:
        """The learner's first commit on the fork: the oldest one the `upstream` remote's
        fetched branches do not hold. A remote has no date of its own; when nothing of
        upstream was fetched, or nothing is the learner's yet, the fork is seen by HEAD."""
        fetched = self.repo.git.for_each_ref("--format=%(refname)", "refs/remotes/upstream")
        if fetched.strip():
            out = self.repo.git.log(
                "--no-show-signature",
                f"--format={LOG_FORMAT}",
                f"--max-count={MAX_COMMITS}",
                "HEAD",
                "--not",
                "--remotes=upstream",
            )
            own = parse_log(out)
            if own:
                return min(own, key=lambda c: (c.time, c.sha))
        return first_parent[-1]

    def _first_branch_commit(self, first_parent: list[Commit], facts: GitFacts) -> Commit | None:
        """The earliest commit made off the first-parent line (work on another branch)."""
        main_line = {c.sha for c in first_parent}
        out = self.repo.git.log(
            "--no-show-signature",
            f"--format={LOG_FORMAT}",
            f"--max-count={MAX_COMMITS}",
            "--branches",
            "HEAD",
        )
        side = [c for c in parse_log(out) if c.sha not in main_line]
        if side:
            return min(side, key=lambda c: c.time)
        if len(facts.branches) >= 2:
            return first_parent[-1]  # a branch with no commits of its own: seen by now
        return None
