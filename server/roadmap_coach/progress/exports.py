"""`roadmap-coach export`: the log as JSON Lines, a Markdown summary, or one HTML page.

JSONL is the verifiable record (docs/log-format.md); Markdown and HTML are views
of it for a mentor, made from the same events by `summary.summarize`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from roadmap_coach.progress.chain import LOG_FORMAT, Event, canonical_json, utc_timestamp
from roadmap_coach.progress.charts import step_colour, timeline
from roadmap_coach.progress.rendering import render_template, write_atomically
from roadmap_coach.progress.store import Store
from roadmap_coach.progress.summary import RoadmapLike, Summary, summarize

FORMATS = ("jsonl", "md", "html")


def export(
    store: Store,
    fmt: str,
    out_path: str | os.PathLike[str] | None = None,
    workspace: str | os.PathLike[str] | None = None,
    roadmap: RoadmapLike | None = None,
    *,
    now: datetime | None = None,
) -> str:
    """Render the store's log as `fmt`; write it to `out_path` when given. Returns the text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    events = store.events()
    ws = match_workspace(events, workspace)
    if fmt == "jsonl":
        text = render_jsonl(events, workspace=ws, now=now)
    else:
        learner = store.learner if any(e.learner == store.learner for e in events) else None
        summary = summarize(
            events, roadmap or shipped_roadmap(), learner=learner, workspace=ws, now=now
        )
        text = render_markdown(summary) if fmt == "md" else render_html(summary, roadmap)
    if out_path is not None:
        write_atomically(out_path, text)
    return text


def match_workspace(
    events: Sequence[Event], workspace: str | os.PathLike[str] | None
) -> str | None:
    """The workspace key as the log spells it (`.` or a relative path finds the absolute one)."""
    if workspace is None:
        return None
    given = str(workspace)
    known = {e.workspace for e in events}
    if given in known:
        return given
    resolved = str(Path(given).expanduser().resolve())
    return resolved


def render_jsonl(
    events: Sequence[Event], *, workspace: str | None = None, now: datetime | None = None
) -> str:
    """One event per line in chain order, then an end line (see docs/log-format.md).

    With `workspace`, other workspaces' events become `elided` stubs that keep their
    seq and hashes, so the chain still verifies without revealing other projects.
    """
    lines = []
    ordered = sorted(events, key=lambda e: e.seq)
    for event in ordered:
        if workspace is None or event.workspace in (workspace, "") or event.kind == "reset":
            lines.append(event.to_json_line())
        else:
            stub = {
                "seq": event.seq,
                "elided": True,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            }
            lines.append(canonical_json(stub))
    end = {
        "end": LOG_FORMAT,
        "events": len(ordered),
        "head": ordered[-1].hash if ordered else None,
        "exported": utc_timestamp(now),
        "workspace": workspace,
    }
    lines.append(canonical_json(end))
    return "\n".join(lines) + "\n"


def render_markdown(summary: Summary) -> str:
    return render_template("progress.md.j2", s=summary, lessons=lesson_titles())


def render_html(summary: Summary, roadmap: RoadmapLike | None = None) -> str:
    colours = {step.id: step_colour(index) for index, step in enumerate(summary.steps)}
    titles = {step.id: step.title for step in summary.steps}
    chart = timeline(summary.milestones, colours, titles)
    return render_template(
        "progress.html.j2",
        s=summary,
        chart=chart,
        colours=colours,
        step_titles=titles,
        lessons=lesson_titles(),
    )


@functools.cache
def lesson_titles() -> dict[str, str]:
    """Lesson code -> title, from the lessons themselves (codes only if they cannot load)."""
    try:
        from roadmap_coach.rules.lessons import all_lessons

        return {lesson.code: lesson.title for lesson in all_lessons() if lesson.code}
    except Exception:
        # The export must work even when a lesson module is broken.
        return {}


def shipped_roadmap() -> RoadmapLike:
    from roadmap_coach.roadmap.loader import load_roadmap

    roadmap, _problems = load_roadmap()
    return roadmap
