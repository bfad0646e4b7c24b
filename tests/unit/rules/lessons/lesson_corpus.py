"""The corpus of vulnerable snippets and safe look-alikes, and how to read its markers.

Files under `fixtures/corpus/` are a small workspace. A line ending in
`# expect: RC301` must get that lesson (its finding starts on that line);
`# lookalike: RC301` marks safe code written to tempt it; `# source: RC301` marks
where a string reaching the flagged line was built (a tool that reports the
building line instead of the call has found the same problem). Templates use
`{# expect: RC505 #}`. The benchmark (benchmarks/lessons_precision.py) reads the
same markers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.rules.lessons import all_lessons
from roadmap_coach.rules.lessons.base import LessonFinding
from roadmap_coach.rules.lessons.context import build_context, select_findings

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
_MARK_RE = re.compile(r"\b(expect|lookalike|source):\s*(RC\d+(?:\s*,\s*RC\d+)*)")


@dataclass(frozen=True, slots=True)
class Mark:
    path: str  # '/'-separated, relative to the corpus
    line: int  # 1-based, as people and bandit count
    code: str
    kind: str  # expect | lookalike | source


def marks(root: Path = CORPUS) -> list[Mark]:
    found = []
    for file in sorted(root.rglob("*")):
        if not file.is_file():
            continue
        rel = file.relative_to(root).as_posix()
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            for match in _MARK_RE.finditer(line):
                for code in re.split(r"\s*,\s*", match.group(2)):
                    found.append(Mark(rel, number, code, match.group(1)))
    return found


def counts(kind: str, root: Path = CORPUS) -> Counter[str]:
    return Counter(m.code for m in marks(root) if m.kind == kind)


def scan(root: Path = CORPUS, git: GitFacts | None = None) -> list[LessonFinding]:
    """Every lesson over the workspace, after silencing and the per-file hint cap."""
    workspace = collect_workspace(str(root))
    context = build_context(workspace.files.values(), git or workspace.git)
    lessons = all_lessons()
    found: list[LessonFinding] = []
    for facts in workspace.files.values():
        raw = [f for lesson in lessons for f in lesson.check(facts, context)]
        found += select_findings(raw, facts, set(), "all")
    return found
