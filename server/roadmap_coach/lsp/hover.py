"""Hover: on a line that earned a milestone, what it teaches and what to try next; on a
lesson's range, why it matters, what to do and where to read more (markdown)."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from roadmap_coach.lsp.diagnostics import rule_url
from roadmap_coach.lsp.positions import contains
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Milestone
from roadmap_coach.rules.lessons.base import Lesson, LessonFinding

_SECTION_RE = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class LessonPage:
    title: str
    why: str


def lesson_pages(lessons: Iterable[Lesson]) -> dict[str, LessonPage]:
    """Code -> title and "Why it matters", from each lesson's docstring (its page)."""
    pages = {}
    for lesson in lessons:
        doc = inspect.cleandoc(type(lesson).__doc__ or "")
        sections = _sections(doc)
        why = sections.get("why it matters", "") or next(iter(sections.values()), "")
        pages[lesson.code] = LessonPage(lesson.title or lesson.code, why.strip())
    return pages


def _sections(doc: str) -> dict[str, str]:
    found: dict[str, str] = {}
    marks = list(_SECTION_RE.finditer(doc))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(doc)
        found[mark.group(1).strip().lower()] = doc[mark.end() : end].strip()
    return found


def page_link(checkpoint_id: str, *, pages: bool) -> str:
    """Where to open a checkpoint's page: a command link for clients that open pages,
    else the terminal command that prints it."""
    if pages:
        args = quote(json.dumps([checkpoint_id]))
        return f"[Open the checkpoint page](command:roadmapCoach.openCheckpoint?{args})"
    return f"Page: `roadmap-coach explain {checkpoint_id}` prints it in a terminal"


def line_teaches(milestone: Milestone, path: str | None, line: int | None) -> str | None:
    """What the evidence line itself teaches, when it says more than the checkpoint does
    (SQLAlchemy's `text()` on a SQLAlchemy line)."""
    return next(
        (
            e.teaches
            for e in milestone.evidence
            if e.path == path and e.span.line == line and e.teaches
        ),
        None,
    )


def milestone_markdown(
    roadmap: Roadmap,
    milestone: Milestone,
    achieved: Collection[str],
    teaches: str | None = None,
    *,
    warning: LessonFinding | None = None,
    pages: bool | None = None,
) -> str:
    """`teaches`: what the evidence line itself teaches (`line_teaches`), when it says
    more than the checkpoint does."""
    checkpoint = roadmap.checkpoint(milestone.id)
    step = roadmap.step(milestone.step)
    where = f"step {step.number}: {step.title}" if step else milestone.step
    parts = [f"### ✓ Milestone: {milestone.title}", f"`{milestone.id}` · {where}"]
    if warning is not None:
        parts.append(f"**Earned — now fix the warning on this line** ({warning.code}).")
    if checkpoint is None:
        return "\n\n".join(parts)
    parts.append((teaches or checkpoint.teaches).strip())
    nexts = [roadmap.checkpoint(n) for n in checkpoint.next]
    if nexts:
        lines = [
            f"- {'✓ ' if n.id in achieved else ''}{n.title} (`{n.id}`)"
            for n in nexts
            if n is not None
        ]
        parts.append("**Try next**\n" + "\n".join(lines))
    if checkpoint.links:
        parts.append("**Read more:** " + " · ".join(f"<{link}>" for link in checkpoint.links))
    if pages is not None:
        parts.append(page_link(milestone.id, pages=pages))
    return "\n\n".join(parts)


def lesson_markdown(
    roadmap: Roadmap, finding: LessonFinding, page: LessonPage | None, achieved: Collection[str]
) -> str:
    title = page.title if page else finding.code
    # the diagnostic's own message is not repeated: the editor shows it next to the hover
    parts = [f"### {finding.code}: {title}"]
    if page and page.why:
        parts.append(f"**Why it matters.** {page.why}")
    if finding.fix is not None:
        parts.append(f"**Quick fix available:** {finding.fix.title}")
    step = roadmap.step(finding.step)
    if step is not None:
        todo = [
            c for s, cs in roadmap.by_step() if s.id == step.id for c in cs if c.id not in achieved
        ]
        line = f"**Roadmap step {step.number}:** {step.title}"
        if todo:
            line += f" — next there: {todo[0].title} (`{todo[0].id}`)"
        parts.append(line)
    url = rule_url(finding.code)
    if url:
        parts.append(f"**Lesson page:** <{url}>")
    return "\n\n".join(parts)


def hover_markdown(
    roadmap: Roadmap,
    path: str,
    line: int,
    byte_col: int,
    on_line: Sequence[Milestone],
    findings: Sequence[LessonFinding],
    pages: dict[str, LessonPage],
    achieved: Collection[str],
    *,
    open_pages: bool = False,
) -> str | None:
    """Everything the position teaches, or None when there is nothing to say.
    `on_line`: the milestones whose lens is on this line (code_lens.lens_lines)."""
    blocks = [
        lesson_markdown(roadmap, f, pages.get(f.code), achieved)
        for f in findings
        if contains(f.span, line, byte_col)
    ]
    warning = next(
        (f for f in findings if f.severity == "warning" and f.span.line <= line <= f.span.end_line),
        None,
    )
    blocks += [
        milestone_markdown(
            roadmap, m, achieved, line_teaches(m, path, line), warning=warning, pages=open_pages
        )
        for m in on_line
    ]
    return "\n\n---\n\n".join(blocks) if blocks else None
