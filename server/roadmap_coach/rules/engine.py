"""Checkpoints compiled over facts: per-file evidence, then workspace-wide combination.

`file_result` depends on one file's facts (and the set of workspace paths), so the
server keeps one result per file and recomputes only the file that changed;
`combine` folds the results with the Git facts into milestones.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts, GitFacts, Span, WorkspaceFacts
from roadmap_coach.roadmap.models import Checkpoint, Matcher, Roadmap
from roadmap_coach.roadmap.schema import KINDS, WORKSPACE_KINDS
from roadmap_coach.rules import registry
from roadmap_coach.rules.aggregates import Contribution, contribute
from roadmap_coach.rules.block_lessons import BlockLessons
from roadmap_coach.rules.file_checks import FileCheck
from roadmap_coach.rules.lessons import all_lessons
from roadmap_coach.rules.lessons.base import Lesson, LessonFinding, WorkspaceContext
from roadmap_coach.rules.lessons.context import build_context, select_findings
from roadmap_coach.rules.matchers import Context, Evidence, has_inputs
from roadmap_coach.rules.patterns import as_tuple
from roadmap_coach.rules.records import FileRecord, answers_digest, slim_facts
from roadmap_coach.rules.registry import WORKSPACE_MATCHERS
from roadmap_coach.rules.symbols import Symbols, signature
from roadmap_coach.rules.walk_plan import walk_plan
from roadmap_coach.rules.workspace_kinds import WorkspaceView

# Both kinds of matchers have registered by now: every declared kind is implemented once.
registry.check()

MAX_EVIDENCE = 10


@dataclass(slots=True)
class Milestone:
    id: str
    step: str
    title: str
    evidence: list[Evidence]


@dataclass(slots=True)
class FileResult:
    evidence: dict[str, list[Evidence]] = field(
        default_factory=dict
    )  # "<id>#<alt>[.<part>]" -> hits
    contribution: Contribution = field(default_factory=Contribution)


@dataclass(slots=True)
class Findings:
    milestones: list[Milestone]
    lessons: list[LessonFinding]


def _dependencies(matchers: Iterable[Matcher]) -> set[str]:
    deps: set[str] = set()
    for m in matchers:
        if m.kind == "achieved":
            deps.update(m.value)
        if m.kind == "all":
            deps |= _dependencies(m.value)
        for key in ("inside", "not_inside"):
            deps.update(as_tuple(m.conditions.get(key)))
    return deps


def _ordered(checkpoints: Sequence[Checkpoint]) -> list[Checkpoint]:
    """Checkpoints after those their clauses refer to; a cycle keeps file order."""
    by_id = {c.id: c for c in checkpoints}
    done: dict[str, bool] = {}
    order: list[Checkpoint] = []

    def visit(c: Checkpoint) -> None:
        if c.id in done:
            return
        done[c.id] = False
        for dep in sorted(_dependencies(c.detect)):
            if dep in by_id and dep not in done:
                visit(by_id[dep])
        done[c.id] = True
        order.append(c)

    for c in checkpoints:
        visit(c)
    return order


def _sorted(evidence: Sequence[Evidence]) -> list[Evidence]:
    if len(evidence) > MAX_EVIDENCE:
        # The first places lie in the first few files: each file gives at least one, so
        # only hits in the MAX_EVIDENCE smallest paths can make the list (a large
        # workspace has tens of thousands of hits for its commonest checkpoints).
        first = set(heapq.nsmallest(MAX_EVIDENCE, {e.path for e in evidence}))
        evidence = [e for e in evidence if e.path in first]
    unique: dict[tuple[str, int, int], Evidence] = {}
    for e in evidence:
        key = (e.path, e.span.line, e.span.col)
        if key not in unique or (e.teaches and not unique[key].teaches):
            unique[key] = e  # the alternative that says what this line teaches wins
    # the first few of a large workspace's hits, without sorting them all
    return [unique[k] for k in heapq.nsmallest(MAX_EVIDENCE, unique)]


def _shape_allows(matcher: Matcher, facts: FileFacts) -> bool:
    """`file_conditions_hold`'s tests of a generated file and of test code."""
    cond = matcher.conditions
    if facts.generated and not cond.get("generated"):
        return False
    return not ("in_test" in cond and bool(cond["in_test"]) != facts.is_test)


class Engine:
    def __init__(self, roadmap: Roadmap, lessons: Sequence[Lesson] | None = None) -> None:
        self.roadmap = roadmap
        self.order = _ordered(roadmap.checkpoints)
        self.lessons = list(all_lessons() if lessons is None else lessons)
        # security warnings, so their order among the findings is the final sort's
        self.block_lessons = [
            lesson for lesson in self.lessons if lesson.block_local and lesson.severity == "warning"
        ]
        # The per-file work, flattened once: (checkpoint id, evidence key, matcher taken
        # apart, is a part of `all`), in dependency order, without the workspace-wide kinds.
        self._plan: list[tuple[str, str, FileCheck, bool]] = []
        for checkpoint in self.order:
            for index, matcher in enumerate(checkpoint.detect):
                key = f"{checkpoint.id}#{index}"
                if matcher.kind == "all":
                    self._plan.extend(
                        (checkpoint.id, f"{key}.{part_index}", FileCheck(part), True)
                        for part_index, part in enumerate(matcher.value)
                        if part.kind not in WORKSPACE_KINDS
                    )
                elif matcher.kind not in WORKSPACE_KINDS:
                    self._plan.append((checkpoint.id, key, FileCheck(matcher), False))
        # The plan cut to the matchers a file can satisfy, by what the file has: which
        # facts the kinds read are there, whether it is generated, whether it is a test.
        # Most files share a handful of shapes (a file known by name only has none), so
        # a file is asked those few things instead of every matcher asking them.
        self._inputs = sorted({name for k in KINDS for name in k.inputs})
        self._plans: dict[tuple[object, ...], list[tuple[str, str, FileCheck, bool]]] = {}
        # what the walk of a file makes for these matchers and lessons to read
        self.walk_plan = walk_plan(roadmap, self.lessons)

    # -- per file -----------------------------------------------------------------
    def file_result(self, facts: FileFacts, ctx: Context | None = None) -> FileResult:
        ctx = ctx or Context()
        result = FileResult(contribution=contribute(facts, ctx))
        per_checkpoint: dict[str, list[Evidence]] = {}
        for checkpoint_id, key, check, is_part in self._plan_for(facts):
            found = check.run(facts, ctx, per_checkpoint)
            if found:
                result.evidence[key] = found
                if not is_part:
                    per_checkpoint.setdefault(checkpoint_id, []).extend(found)
        return result

    def _plan_for(self, facts: FileFacts) -> list[tuple[str, str, FileCheck, bool]]:
        shape = (
            *(bool(getattr(facts, name)) for name in self._inputs),
            bool(facts.generated),
            facts.is_test,
        )
        plan = self._plans.get(shape)
        if plan is None:
            # left out: what `run_matcher` would refuse before asking anything of `ctx`
            plan = self._plans[shape] = [
                entry
                for entry in self._plan
                if has_inputs(entry[2].matcher, facts) and _shape_allows(entry[2].matcher, facts)
            ]
        return plan

    # -- the workspace ------------------------------------------------------------
    def combine(self, results: Mapping[str, FileResult], git: GitFacts) -> list[Milestone]:
        # each evidence key's hits across the files, in file order, gathered in one pass
        by_key: dict[str, list[Evidence]] = {}
        for result in results.values():
            for key, found in result.evidence.items():
                known = by_key.get(key)
                if known is None:
                    by_key[key] = list(found)
                else:
                    known.extend(found)
        achieved: dict[str, list[Evidence]] = {}
        for checkpoint in self.order:
            hits: list[Evidence] = []
            for index, matcher in enumerate(checkpoint.detect):
                hits.extend(
                    self._combine_one(
                        f"{checkpoint.id}#{index}", matcher, results, git, achieved, by_key
                    )
                )
            if hits:
                achieved[checkpoint.id] = _sorted(hits)
        return [
            Milestone(c.id, c.step, c.title, achieved[c.id])
            for c in self.roadmap.checkpoints
            if c.id in achieved
        ]

    def _combine_one(
        self,
        key: str,
        matcher: Matcher,
        results: Mapping[str, FileResult],
        git: GitFacts,
        achieved: Mapping[str, list[Evidence]],
        by_key: Mapping[str, list[Evidence]] | None = None,
    ) -> list[Evidence]:
        if matcher.kind not in WORKSPACE_KINDS:  # per file: the files' evidence, unioned
            if by_key is not None:
                hits = list(by_key.get(key, ()))
            else:
                hits = [e for r in results.values() for e in r.evidence.get(key, [])]
            minimum = int(matcher.conditions.get("min_count", 1))
            return hits if len(hits) >= minimum else []
        view = WorkspaceView(
            lambda: [r.contribution for r in results.values()],
            git,
            achieved,
            lambda part_key, part: self._combine_one(
                part_key, part, results, git, achieved, by_key
            ),
        )
        return WORKSPACE_MATCHERS.implementations[matcher.kind](key, matcher, view)

    # -- lessons ------------------------------------------------------------------
    def context(self, files: Iterable[FileFacts], git: GitFacts) -> WorkspaceContext:
        return build_context(files, git)

    def lessons_for(
        self,
        facts: FileFacts,
        context: WorkspaceContext,
        disabled: Iterable[str] = (),
        hints: str = "all",
        silenced: list[LessonFinding] | None = None,
        blocks: BlockLessons | None = None,
    ) -> list[LessonFinding]:
        """The lessons to show for one file; security lessons hidden by an ignore comment
        or a disabled code go to `silenced` when given (see `select_findings`). With
        `blocks` (a file being typed in), the block-local lessons run only on the
        top-level statements that changed since the last call."""
        local = None
        if blocks is not None and silenced is None and self.block_lessons:
            local = blocks.findings(self.block_lessons, facts, context)
        found: list[LessonFinding] = [] if local is None else local
        for lesson in self.lessons:
            if local is not None and lesson.block_local and lesson.severity == "warning":
                continue
            try:
                found.extend(lesson.check(facts, context))
            except Exception as exc:  # one broken lesson must not hide the others
                found.append(_lesson_failure(lesson, facts, exc))
        return select_findings(found, facts, set(disabled), hints, silenced)

    # -- records: the file's part, made once, folded many times -----------------------
    def record(self, facts: FileFacts, ctx: Context) -> FileRecord:
        """Everything the rules take from one file; `ctx` is the workspace's (its
        paths and module-level names), and the questions asked of it are kept."""
        ctx.indexes.pop(facts.path, None)  # built again under recording
        ctx.asked = asked = {}
        try:
            result = self.file_result(facts, ctx)
        finally:
            ctx.asked = None
            ctx.indexes.pop(facts.path, None)  # memory stays flat in the number of files
        questions = tuple(asked)
        found: list[tuple[int, LessonFinding]] = []
        for position, lesson in enumerate(self.lessons):
            if lesson.reads_workspace:
                continue
            try:
                found.extend((position, f) for f in lesson.check(facts, _NO_CONTEXT))
            except Exception as exc:  # one broken lesson must not hide the others
                found.append((position, _lesson_failure(lesson, facts, exc)))
        return FileRecord(
            path=facts.path,
            kind=facts.kind,
            digest=facts.digest,
            error=facts.error,
            summary=signature(facts),
            evidence=result.evidence,
            contribution=result.contribution,
            lessons=found,
            slim=slim_facts(facts),
            asked=questions,
            answers=answers_digest([asked[q] for q in questions]),
        )

    def still_valid(self, record: FileRecord, ctx: Context) -> bool:
        """Would `record` be made the same under `ctx`? (Its own questions, answered again.)"""
        if not record.asked:
            return True
        return answers_digest([ctx.answer(q) for q in record.asked]) == record.answers

    @staticmethod
    def matcher_context(records: Mapping[str, FileRecord]) -> Context:
        """The workspace's paths and module-level names, from records alone."""
        symbols = Symbols()
        for record in records.values():
            symbols.add_summary(record.summary)
        return Context(frozenset(records), symbols)

    def fold(
        self,
        records: Mapping[str, FileRecord],
        git: GitFacts,
        *,
        disabled: Iterable[str] = (),
        hints: str = "all",
        complete: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> Findings:
        """Milestones and lessons of a workspace from its files' records; `progress(n)`
        after each record's lessons (the milestones follow the last one)."""
        from roadmap_coach.rules.streamed_fold import StreamedFold  # it builds on this

        stream = StreamedFold(self, git)
        for record in records.values():
            stream.add(record)
        return stream.findings(disabled=disabled, hints=hints, complete=complete, progress=progress)

    def record_lessons(
        self,
        record: FileRecord,
        context: WorkspaceContext,
        disabled: Iterable[str] = (),
        hints: str = "all",
        silenced: list[LessonFinding] | None = None,
    ) -> list[LessonFinding]:
        """`lessons_for`, from a record: its own findings plus the workspace lessons."""
        slim = record.slim
        if slim is None:
            return []
        found = self.record_findings(record, context)
        return select_findings(found, slim, set(disabled), hints, silenced)

    def record_findings(self, record: FileRecord, context: WorkspaceContext) -> list[LessonFinding]:
        """Every lesson's findings for a record, in lesson order, before silencing and caps
        (what the lessons' `check` gives for the file's full facts)."""
        slim = record.slim
        if slim is None:
            return []
        found = list(record.lessons)
        for position, lesson in enumerate(self.lessons):
            if not lesson.reads_workspace:
                continue
            try:
                found.extend((position, f) for f in lesson.check(slim, context))
            except Exception as exc:  # one broken lesson must not hide the others
                found.append((position, _lesson_failure(lesson, slim, exc)))
        found.sort(key=lambda item: item[0])  # lesson order, as `lessons_for` gives them
        return [f for _, f in found]

    def evaluate(
        self, ws: WorkspaceFacts, *, disabled: Iterable[str] = (), hints: str = "all"
    ) -> Findings:
        ctx = Context(frozenset(ws.files))
        for facts in ws.files.values():
            ctx.symbols.add_file(facts)
        records = {path: self.record(facts, ctx) for path, facts in ws.files.items()}
        return self.fold(records, ws.git, disabled=disabled, hints=hints)


_NO_CONTEXT = WorkspaceContext()  # what a file-only lesson is given (it reads none of it)


def _lesson_failure(lesson: Lesson, facts: FileFacts, exc: Exception) -> LessonFinding:
    return LessonFinding(
        "RC000",
        facts.path,
        Span(0, 0, 0, 0),
        "hint",
        f"roadmap-coach could not run lesson {lesson.code} on this file ({type(exc).__name__}); please report it",
        lesson.step,
    )
