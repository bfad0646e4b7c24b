"""What the server keeps per file of the workspace (`Entry`), and what a refresh of the
workspace state changed for the presenters (`Delta`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.rules.engine import FileResult, Milestone
from roadmap_coach.rules.lessons.base import LessonFinding
from roadmap_coach.rules.records import FileRecord
from roadmap_coach.rules.symbols import Summary


@dataclass(slots=True)
class Entry:
    record: FileRecord | None  # None until it is first made (a buffer just opened)
    summary: Summary | None  # the module-level names of the newest readable content
    digest: str
    kind: str
    # the full facts: kept for editor buffers; a disk read's until its record is made
    facts: FileFacts | None = None
    editor: bool = False
    broken: str | None = None  # why the newest content could not be analysed
    result: FileResult | None = None  # the record's part as `combine` takes it
    lazy: bool = False  # loaded from a stored fold: its record is not decoded yet

    @classmethod
    def of_record(cls, record: FileRecord) -> Entry:
        return cls(record, record.summary, record.digest, record.kind)

    def folded(self) -> FileResult:
        if self.result is None:
            record = self.record
            self.result = (
                FileResult(record.evidence, record.contribution)
                if record is not None
                else FileResult()
            )
        return self.result

    def slim(self) -> FileFacts | None:
        if self.facts is not None:
            return self.facts
        return self.record.slim if self.record is not None else None


@dataclass(slots=True)
class Delta:
    """What a refresh changed, for the presenters."""

    milestones_changed: bool = False
    lessons: dict[str, list[LessonFinding]] = field(default_factory=dict)  # path -> now
    # path -> security lessons found but silenced (`# coach: ignore`, disabledLessons), for
    # every path in `lessons` and every path whose silenced ones changed
    silenced: dict[str, list[LessonFinding]] = field(default_factory=dict)
    # lessons found while the checkpoints were evaluated (also in `lessons`): published
    # with the milestones
    late: Delta | None = None


def unreadable(facts: FileFacts) -> bool:
    """Content that says nothing reliable about the file: keep the previous facts."""
    if facts.error is None:
        return False
    return facts.kind == "python" or (facts.kind == "toml" and facts.toml is not None)


def same_milestones(a: list[Milestone], b: list[Milestone]) -> bool:
    if len(a) != len(b):
        return False
    return all(x.id == y.id and x.evidence == y.evidence for x, y in zip(a, b, strict=True))
