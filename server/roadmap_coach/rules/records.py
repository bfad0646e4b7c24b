"""A file's record: everything the rules take from one file, small enough to keep.

A record is made where the file's facts are made (in a scan's worker, in the server
for an edited buffer, in `history` for a blob) and the facts are then dropped: the
workspace-wide part (`Engine.fold`) reads records only. So one record per content
is all a cache needs to hold, for `scan`, the server and `history` alike.

What a record depends on beyond its file's bytes and path is explicit:
- the analyser, the roadmap and the Python version (`Engine.fingerprint`, part of
  every cache key);
- the rest of the workspace, only through the questions its matchers asked the
  `Context` (what a name stands for across modules, whether a path exists). The
  record keeps those questions and a digest of their answers; it stands in another
  workspace when `Engine.still_valid` gets the same digest there;
- the workspace context of the two lessons that read it (undeclared imports, files
  Git should not track): those run in the fold, on the record's `slim` facts.

Records never hold a secret's value: lessons name a code and a place, and `slim`
keeps only names, imports, and the lines of requirement files (credentials masked)
and `.gitignore`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.rules.aggregates import Contribution
from roadmap_coach.rules.lessons.base import LessonFinding
from roadmap_coach.rules.matchers import Evidence
from roadmap_coach.rules.symbols import Summary

Question = tuple[str, ...]


@dataclass(slots=True)
class FileRecord:
    path: str
    kind: str
    digest: str
    error: str | None
    # module-level names, for the workspace's `Symbols` (None for non-Python files)
    summary: Summary | None
    # "<checkpoint id>#<alternative>[.<part>]" -> hits of the file-level matchers
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    contribution: Contribution = field(default_factory=Contribution)
    # findings of the lessons that read only this file, before silencing and caps, with
    # the position of the lesson that found each (the fold keeps lesson order)
    lessons: list[tuple[int, LessonFinding]] = field(default_factory=list)
    # what the fold needs of the facts: path, kind, error, module, imports, ignores,
    # requirements and the lines of dependency files and `.gitignore`
    slim: FileFacts | None = None
    # the questions the matchers asked beyond the file, and a digest of the answers
    asked: tuple[Question, ...] = ()
    answers: str = ""


def answers_digest(answers: list[object]) -> str:
    return hashlib.blake2b(
        repr(answers).encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()


def slim_facts(facts: FileFacts) -> FileFacts:
    """The part of the facts the fold reads (workspace context, context lessons, ignores)."""
    keeps_lines = (
        facts.path == ".gitignore"
        or facts.kind == "requirements"
        or facts.path.endswith(("requirements.txt", "pyproject.toml"))
        or bool(facts.requirements)
    )
    return FileFacts(
        path=facts.path,
        kind=facts.kind,
        digest=facts.digest,
        size=facts.size,
        module=facts.module,
        error=facts.error,
        error_line=facts.error_line,
        imports=list(facts.imports),
        ignores=dict(facts.ignores),
        requirements=list(facts.requirements),
        extras=list(facts.extras),
        lines=list(facts.lines) if keeps_lines else [],
        generated=facts.generated,
    )
