"""`roadmap-coach verify LOG --repo PATH`: re-check a log's milestones against the
learner's repository, offline.

The hash chain has no key, so a milestone appended with recomputed hashes verifies.
The repository is the key: for every `milestone` and `evidence-committed` event
with a commit, that commit must exist, hold the evidence file, and analysing its
tree must give that checkpoint. `git.*` milestones are checked against the history
itself; a fixed security lesson against the commit and its parent; a checkpoint met
by other achievements (`achieved = [...]`) against the log's own re-checked ones.

Cost follows unique blobs: trees are listed per commit, and records are made per
changed blob and kept while the questions they asked of the workspace get the same
answers (`progress.blob_records`, as `history` uses), with the records cache by
(path, blob id) when one is given; milestones are folded incrementally
(`rules.fold`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roadmap_coach.analysis.facts import Commit, GitFacts
from roadmap_coach.analysis.git_facts import open_repo, read_git
from roadmap_coach.progress.blob_records import BlobRecords
from roadmap_coach.progress.chain import EVENT_FIELDS, EVIDENCE_COMMITTED, MILESTONE
from roadmap_coach.progress.derived import LESSON_FIXED_FACT
from roadmap_coach.progress.records_cache import RecordsCache
from roadmap_coach.progress.summary import SECURITY_PREFIXES
from roadmap_coach.progress.tree_walk import empty_tree
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.fold import Fold
from roadmap_coach.rules.records import FileRecord

GIT_EVIDENCE = ".git"


@dataclass(slots=True)
class Claim:
    line: int  # in the log file, 1-based
    kind: str
    id: str
    commit: str | None
    path: str


@dataclass(slots=True)
class Recheck:
    milestones: int = 0
    rechecked: int = 0  # milestones whose claim (or a later evidence-committed) re-checked
    never_committed: int = 0
    failures: list[str] = field(default_factory=list)
    blobs: int = 0  # blobs analysed (each unique blob once, unless the cache had it)
    commits: int = 0  # distinct commits whose trees were read
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures

    def summary(self) -> str:
        never = f", {self.never_committed} never committed" if self.never_committed else ""
        failed = f", {len(self.failures)} did not re-check" if self.failures else ""
        return (
            f"{self.rechecked} of {self.milestones} milestones re-checked at their commits"
            f"{never}{failed}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "milestones": self.milestones,
            "rechecked": self.rechecked,
            "never_committed": self.never_committed,
            "failures": self.failures,
            "commits": self.commits,
            "blobs_analysed": self.blobs,
            "error": self.error,
        }


def read_claims(path: str | os.PathLike[str]) -> list[Claim]:
    claims = []
    text = Path(path).read_bytes().decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict) or set(record) != set(EVENT_FIELDS):
            continue
        payload = record.get("payload")
        if record.get("kind") not in (MILESTONE, EVIDENCE_COMMITTED) or not isinstance(
            payload, dict
        ):
            continue
        commit = payload.get("commit")
        claims.append(
            Claim(
                number,
                str(record["kind"]),
                str(payload.get("id", "")),
                commit if isinstance(commit, str) and commit else None,
                str(payload.get("path") or ""),
            )
        )
    return claims


def recheck_log(
    log: str | os.PathLike[str],
    repo_root: str,
    roadmap: Roadmap,
    *,
    engine: Engine | None = None,
    cache: RecordsCache | None = None,
) -> Recheck:
    claims = read_claims(log)
    repo, error = open_repo(repo_root)
    if repo is None:
        return Recheck(error=f"{repo_root}: {error}")
    try:
        return _Checker(repo, repo_root, roadmap, engine or Engine(roadmap), cache).run(claims)
    except Exception as exc:  # git vanished, a corrupt object: report, never crash
        return Recheck(error=f"could not read the repository ({type(exc).__name__}: {exc})")
    finally:
        repo.close()


class _Checker:
    def __init__(
        self, repo: Any, root: str, roadmap: Roadmap, engine: Engine, cache: RecordsCache | None
    ) -> None:
        self.repo = repo
        self.root = root
        self.roadmap = roadmap
        self.engine = engine
        # walks start again from the empty tree: the memo keeps each blob's record
        self.blobs = BlobRecords(repo, engine, cache, keep=True)
        self.trees: dict[str, tuple[set[str], set[str]] | None] = {}  # sha -> (paths, ids)
        self.git_ids: set[str] | None = None
        self.records_at: dict[str, dict[str, FileRecord]] = {}
        self.empty: str | None = None
        self.by_id = {c.id: c for c in roadmap.checkpoints}

    def run(self, claims: list[Claim]) -> Recheck:
        out = Recheck()
        good: set[str] = set()
        milestones = [c for c in claims if c.kind == MILESTONE]
        out.milestones = len({c.id for c in milestones})
        # Checkpoints met by other achievements are judged last, on what re-checked.
        ordered = sorted(claims, key=lambda c: self._kind(c.id) == "achieved")
        self._read_trees([c.commit for c in ordered if c.commit and self._kind(c.id) != "git"])
        for claim in ordered:
            if claim.commit is None:
                continue
            problem = self._check(claim, good)
            if problem is None:
                good.add(claim.id)
            else:
                what = "milestone" if claim.kind == MILESTONE else "evidence-committed"
                out.failures.append(
                    f"line {claim.line}: {what} {claim.id} at {claim.commit[:10]}: {problem}"
                )
        out.rechecked = len({c.id for c in milestones} & good)
        failed = {c.id for c in claims if c.commit and c.id not in good}
        out.never_committed = len({c.id for c in milestones} - good - failed)
        out.blobs = self.blobs.counters.evaluated
        out.commits = sum(1 for tree in self.trees.values() if tree is not None)
        return out

    def _kind(self, checkpoint_id: str) -> str:
        checkpoint = self.by_id.get(checkpoint_id)
        if checkpoint is None:
            return "unknown"
        kinds = {m.kind for m in checkpoint.detect}
        if kinds <= {"git"}:
            return "git"
        if any(m.kind == "history" and m.value == LESSON_FIXED_FACT for m in checkpoint.detect):
            return "fix"
        if "achieved" in kinds:
            return "achieved"
        return "code"

    def _check(self, claim: Claim, good: set[str]) -> str | None:
        assert claim.commit is not None
        kind = self._kind(claim.id)
        if kind == "unknown":
            return "not a checkpoint of this roadmap"
        tree = self._tree(claim.commit)
        if tree is None:
            return "that commit is not in the repository"
        paths, ids = tree
        if kind == "git":
            if self.git_ids is None:
                git = read_git(self.root)
                self.git_ids = {m.id for m in self.engine.combine({}, git)}
            return None if claim.id in self.git_ids else "the Git history does not show it"
        if claim.path and claim.path != GIT_EVIDENCE and claim.path not in paths:
            return f"{claim.path} is not in that commit"
        if kind == "achieved":
            return self._achieved(claim.id, good)
        if kind == "fix":
            return self._fixed(claim.commit, claim.path)
        if claim.id not in ids:
            return "analysing that commit's code does not give this checkpoint"
        return None

    def _tree(self, sha: str) -> tuple[set[str], set[str]] | None:
        if sha not in self.trees:
            self._read_trees([sha])
        return self.trees[sha]

    def _read_trees(self, shas: list[str]) -> None:
        """Read the trees of `shas` in one walk: each is a diff from the one before, and
        a blob seen before is never analysed again."""
        wanted: list[tuple[str, str]] = []
        for sha in dict.fromkeys(shas):
            if sha in self.trees:
                continue
            try:
                full = self.repo.git.rev_parse("--verify", "-q", f"{sha}^{{commit}}").strip()
            except Exception:
                self.trees[sha] = None
                continue
            wanted.append((sha, full))
        if not wanted:
            return
        commits = [Commit(full, "", 1, "") for _sha, full in wanted]
        if self.empty is None:
            self.empty = empty_tree(self.repo)
        fold = Fold(self.engine)
        walk = self.blobs.walk(commits, self.empty)
        for (sha, _full), step in zip(wanted, walk, strict=True):
            for path in sorted(step.removed):
                fold.remove(path)
            for path in sorted(step.changed):
                fold.put(step.records[path])
            git = GitFacts(is_repo=False, tracked=step.tracked)
            ids = {m.id for m in fold.milestones(git)}
            self.trees[sha] = (set(step.tracked), ids)
            self.records_at[sha] = dict(step.records)

    def _achieved(self, checkpoint_id: str, good: set[str]) -> str | None:
        checkpoint = self.by_id[checkpoint_id]
        for matcher in checkpoint.detect:
            if matcher.kind != "achieved":
                continue
            minimum = int(matcher.conditions.get("min", len(matcher.value)))
            if len(set(matcher.value) & good) >= minimum:
                return None
        return "the achievements it builds on did not re-check"

    def _fixed(self, sha: str, path: str) -> str | None:
        """The commit removed a security lesson from `path` that its parent showed."""
        now = self._lessons_at(sha, path)
        try:
            parent = self.repo.git.rev_parse("--verify", "-q", f"{sha}^1").strip()
        except Exception:
            return "a root commit cannot fix a lesson"
        before = self._lessons_at(parent, path)
        if not before:
            return f"the commit before it shows no security lesson in {path}"
        if sum(before.values()) <= sum(now.values()) and set(before) <= set(now):
            return f"no security lesson in {path} was fixed by that commit"
        return None

    def _lessons_at(self, sha: str, path: str) -> dict[str, int]:
        if self._tree(sha) is None:
            return {}
        records = self.records_at[sha]
        if path not in records:
            return {}
        slims = (records[p].slim for p in sorted(records))
        context = self.engine.context((s for s in slims if s is not None), GitFacts(is_repo=False))
        counts: dict[str, int] = {}
        for finding in self.engine.record_lessons(records[path], context):
            if finding.code.startswith(SECURITY_PREFIXES):
                counts[finding.code] = counts.get(finding.code, 0) + 1
        return counts
