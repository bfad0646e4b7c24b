"""The JSON the custom protocol carries: `roadmapCoach/getProgress` (also the body of
`roadmapCoach/progress`) and `roadmapCoach/milestone`. Shapes: docs/protocol.md."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from roadmap_coach.progress.store import MilestoneRecord
from roadmap_coach.roadmap.models import Checkpoint, Roadmap
from roadmap_coach.rules.engine import Milestone
from roadmap_coach.rules.matchers import Evidence

Location = dict[str, Any]  # {"uri": ..., "range": ...}
Locate = Callable[[Evidence], Location | None]
LocateRecord = Callable[[MilestoneRecord], Location | None]


def first_location(evidence: Iterable[Evidence], locate: Locate) -> Location | None:
    for item in evidence:
        found = locate(item)
        if found is not None:
            return found
    return None


def progress_payload(
    roadmap: Roadmap,
    records: Mapping[str, MilestoneRecord],
    current: Iterable[Milestone],
    locate: Locate,
    locate_record: LocateRecord,
) -> dict[str, Any]:
    now = {m.id: m for m in current}
    achieved = set(records) | set(now)
    suggested = {
        nxt
        for c in roadmap.checkpoints
        if c.id in achieved
        for nxt in c.next
        if nxt not in achieved
    }
    steps = []
    for step, checkpoints in roadmap.by_step():
        rows = []
        for c in checkpoints:
            record = records.get(c.id)
            evidence = first_location(now[c.id].evidence, locate) if c.id in now else None
            if evidence is None and record is not None:
                evidence = locate_record(record)
            rows.append(
                {
                    "id": c.id,
                    "title": c.title,
                    "teaches": c.teaches,
                    "next": list(c.next),
                    "links": list(c.links),
                    "achieved": c.id in achieved,
                    "achievedAt": record.time if record is not None else None,
                    "evidence": evidence,
                    "suggested": c.id in suggested,
                }
            )
        steps.append(
            {
                "id": step.id,
                "title": step.title,
                "number": step.number,
                "achieved": sum(1 for r in rows if r["achieved"]),
                "total": len(rows),
                "checkpoints": rows,
            }
        )
    return {
        "steps": steps,
        "achieved": sum(s["achieved"] for s in steps),
        "total": sum(s["total"] for s in steps),
    }


def next_steps(roadmap: Roadmap, checkpoint: Checkpoint) -> list[dict[str, str]]:
    found = []
    for nxt in checkpoint.next:
        target = roadmap.checkpoint(nxt)
        if target is not None:
            found.append({"id": target.id, "title": target.title})
    return found


def milestone_params(
    roadmap: Roadmap, milestone: Milestone, evidence: Location | None
) -> dict[str, Any]:
    checkpoint = roadmap.checkpoint(milestone.id)
    return {
        "id": milestone.id,
        "step": milestone.step,
        "title": milestone.title,
        "teaches": checkpoint.teaches if checkpoint else "",
        "next": next_steps(roadmap, checkpoint) if checkpoint else [],
        "evidence": evidence,
    }


def milestone_message(roadmap: Roadmap, milestones: list[Milestone], achieved: set[str]) -> str:
    """The `window/showMessage` text for clients without the custom notification."""
    if len(milestones) == 1:
        m = milestones[0]
        checkpoint = roadmap.checkpoint(m.id)
        nexts = (
            [n for n in next_steps(roadmap, checkpoint) if n["id"] not in achieved]
            if checkpoint
            else []
        )
        text = f"roadmap-coach: milestone reached — {m.title} [{m.id}]."
        if nexts:
            text += " Try next: " + "; ".join(f"{n['title']} [{n['id']}]" for n in nexts) + "."
        return text
    titles = ", ".join(f"{m.title} [{m.id}]" for m in milestones)
    pending: list[str] = []
    for m in milestones:
        checkpoint = roadmap.checkpoint(m.id)
        for n in next_steps(roadmap, checkpoint) if checkpoint else []:
            if n["id"] not in achieved and n["title"] not in pending:
                pending.append(n["title"])
    text = f"roadmap-coach: {len(milestones)} milestones reached — {titles}."
    if pending:
        text += " Try next: " + "; ".join(pending[:3]) + "."
    return text
