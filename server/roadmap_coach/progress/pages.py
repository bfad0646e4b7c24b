"""The page of a checkpoint or a lesson: what it teaches, an example, what to try next, the
links and — when reached — the evidence. One markdown source; `text` is the same page as
clean plain text (roadmap.markup). Shown by `roadmapCoach/explain` and by
`roadmap-coach explain ID|CODE`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from roadmap_coach.progress.store import MilestoneRecord
from roadmap_coach.roadmap.markup import code, plain
from roadmap_coach.roadmap.models import Checkpoint, Roadmap, Step
from roadmap_coach.rules.lessons import ALL_LESSONS
from roadmap_coach.rules.lessons.base import Lesson

RULES_URL = "https://github.com/roadmap-coach/roadmap-coach/blob/main/docs/rules/{}.md"
GIT_EVIDENCE = ".git"


@dataclass(frozen=True, slots=True)
class Page:
    kind: str  # "checkpoint" | "lesson"
    id: str
    title: str
    markdown: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return plain(self.markdown)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            **self.data,
            "markdown": self.markdown,
            "text": self.text,
        }


def step_json(step: Step | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {"id": step.id, "number": step.number, "title": step.title, "short": step.short_title}


def _day(timestamp: str) -> str:
    return timestamp[:10] if len(timestamp) >= 10 else timestamp


def checkpoint_page(
    roadmap: Roadmap,
    checkpoint: Checkpoint,
    achieved: Collection[str],
    record: MilestoneRecord | None = None,
    now: str | None = None,
    teaches: str | None = None,
) -> Page:
    """`now`: where the code shows it now ("app.py:6"), when the caller knows; `teaches`:
    what that line teaches, when it says more than the checkpoint (a SQLAlchemy query)."""
    step = roadmap.step(checkpoint.step)
    reached = checkpoint.id in achieved
    where = f"Step {step.number}: {step.title}" if step else f"Step {checkpoint.step}"
    status = "✓ reached" if reached else "not reached yet"
    if reached and record is not None and record.time:
        status += f" on {_day(record.time)}"
    parts = [f"# {checkpoint.title}", f"{where} · {code(checkpoint.id)} · {status}"]
    parts.append("## What it teaches\n\n" + (teaches or checkpoint.teaches).strip())
    if checkpoint.example.strip():
        parts.append("## Example\n\n" + checkpoint.example.strip())
    nexts = [n for n in (roadmap.checkpoint(i) for i in checkpoint.next) if n is not None]
    if nexts:
        rows = [f"- {'✓ ' if n.id in achieved else ''}{n.title} ({code(n.id)})" for n in nexts]
        parts.append("## Try next\n\n" + "\n".join(rows))
    if checkpoint.links:
        parts.append("## Read more\n\n" + "\n".join(f"- <{link}>" for link in checkpoint.links))
    evidence = _evidence_lines(record, now) if reached else []
    if evidence:
        parts.append("## Evidence\n\n" + "\n".join(f"- {line}" for line in evidence))
    data = {
        "step": step_json(step),
        "core": roadmap.is_core(checkpoint),
        "achieved": reached,
        "achievedAt": record.time if record is not None and reached else None,
        "next": [{"id": n.id, "title": n.title, "achieved": n.id in achieved} for n in nexts],
        "links": list(checkpoint.links),
    }
    return Page("checkpoint", checkpoint.id, checkpoint.title, "\n\n".join(parts), data)


def _evidence_lines(record: MilestoneRecord | None, now: str | None) -> list[str]:
    lines = []
    if now:
        lines.append(f"The code shows it now at {code(now)}.")
    if record is not None:
        first = f"First recorded {record.time}"
        if record.path and record.path != GIT_EVIDENCE:
            spot = record.path + (f":{record.line}" if record.line else "")
            first += f" at {code(spot)}"
        elif record.path == GIT_EVIDENCE:
            first += " from the Git repository"
        if record.workspace:
            first += f" in {code(record.workspace)}"
        if record.commit:
            first += f", commit {code(record.commit[:12])}"
        lines.append(first + ".")
    return lines


def find_lesson(code_or_name: str) -> type[Lesson] | None:
    wanted = code_or_name.strip().upper()
    return next((cls for cls in ALL_LESSONS if cls.code == wanted), None)


def lesson_page(roadmap: Roadmap, cls: type[Lesson]) -> Page:
    """The lesson's page, the same text as docs/rules/CODE.md (from its docstring)."""
    from roadmap_coach.rules.lessons.docs import page

    markdown = page(cls)
    markdown = markdown.split("-->\n", 1)[1] if markdown.startswith("<!--") else markdown
    step = roadmap.step(cls.step)
    data = {"step": step_json(step), "url": RULES_URL.format(cls.code)}
    return Page("lesson", cls.code, cls.title or cls.code, markdown.strip(), data)
