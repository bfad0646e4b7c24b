"""The cohort page's extra columns: milestones per week over the cohort's period, short
step titles for the column headers, and the re-check of each learner's log against
their clone (`report --repos DIR`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap_coach.progress.chain import parse_time
from roadmap_coach.progress.summary import Summary

if TYPE_CHECKING:
    from roadmap_coach.progress.report import LearnerRow, LogFile

MAX_BARS = 20  # the strip never gets wider: a long period gets bars of several weeks
_LEADING = ("Master ", "Learn ", "Choose a ", "Choose ", "Pick a ", "Pick ", "Get ", "Build ")


def activity_weeks(rows: list[LearnerRow], now: datetime) -> tuple[list[datetime], int]:
    """The start of each bar of the activity strip (Monday 00:00 UTC), from the cohort's
    first event to `now`, and how many weeks one bar spans (at most MAX_BARS bars)."""
    times = [parse_time(m.time) for row in rows for m in row.summary.milestones if m.time]
    times += [parse_time(r.summary.last_activity) for r in rows if r.summary.last_activity]
    if not times:
        return [], 1
    start = min(times)
    end = max(max(times), now)
    monday = (start - timedelta(days=start.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    weeks = (end - monday).days // 7 + 1
    span = -(-weeks // MAX_BARS)  # ceiling: every bar spans the same number of weeks
    bars = -(-weeks // span)
    return [monday + timedelta(days=7 * span * i) for i in range(bars)], span


def weekly_counts(summary: Summary, starts: list[datetime], span: int) -> list[int]:
    counts = [0] * len(starts)
    if not starts:
        return counts
    for milestone in summary.milestones:
        index = (parse_time(milestone.time) - starts[0]).days // (7 * span)
        if 0 <= index < len(starts):
            counts[index] += 1
    return counts


def short_title(title: str, limit: int = 22) -> str:
    """A column header: "Master Python basics" -> "Python basics"."""
    for word in _LEADING:
        if title.startswith(word) and len(title) > len(word):
            title = title[len(word) :]
            title = title[0].upper() + title[1:]
            break
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def find_clone(repos: Path, row: LearnerRow, logs: list[LogFile]) -> Path | None:
    """The learner's clone in `repos`: named like a workspace of theirs, else like a log."""
    names = [Path(ws).name for ws in row.summary.workspaces]
    names += [Path(log.path).stem for log in logs]
    for name in names:
        candidate = repos / name
        if name and (candidate / ".git").exists():
            return candidate
    return None


def recheck_row(row: LearnerRow, logs: list[LogFile], repos: Path, roadmap: Any) -> None:
    from roadmap_coach.progress.recheck import recheck_log

    clone = find_clone(repos, row, logs)
    if clone is None:
        row.rechecked, row.recheck_ok = "no clone found", None
        return
    notes, ok = [], True
    for log in logs:
        if log.check is not None and not log.check.ok:
            notes.append(f"{Path(log.path).name}: chain changed, not re-checked")
            ok = False
            continue
        result = recheck_log(log.path, str(clone.resolve()), roadmap)
        if result.error:
            notes.append(result.error)
            ok = False
            continue
        ok = ok and result.ok
        notes.append(result.summary())
        notes += result.failures[:3]
    row.rechecked, row.recheck_ok = "; ".join(notes), ok
