"""`roadmap-coach report LOG… -o FILE`: one self-contained HTML page for a cohort.

Reads learners' JSONL exports (never their stores), checks each chain, and shows
a learners × steps matrix, last activity, and who has gone quiet on which step.
A tampered or unreadable log is shown as such rather than silently trusted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from roadmap_coach.progress.activity import (
    activity_weeks,
    recheck_row,
    short_title,
    weekly_counts,
)
from roadmap_coach.progress.chain import EVENT_FIELDS, Event, event_from_dict, utc_timestamp
from roadmap_coach.progress.charts import step_colour
from roadmap_coach.progress.exports import shipped_roadmap
from roadmap_coach.progress.rendering import render_template, write_atomically
from roadmap_coach.progress.summary import (
    RoadmapLike,
    StepProgress,
    Summary,
    days_between,
    summarize,
)
from roadmap_coach.progress.verify import VerifyResult, verify_file

STUCK_AFTER_DAYS = 14


@dataclass(slots=True)
class LogFile:
    path: str
    events: list[Event]
    check: VerifyResult | None  # None when the file could not be read
    error: str = ""


@dataclass(slots=True)
class LearnerRow:
    learner: str
    summary: Summary
    logs: list[str]
    chain_ok: bool
    chain_note: str
    days_quiet: int | None  # since the last milestone (or first event if none yet)
    current: StepProgress | None
    stuck: bool
    activity: list[int] = field(default_factory=list)  # milestones per week of the cohort
    rechecked: str | None = None  # `report --repos`: what re-checking against the clone said
    recheck_ok: bool | None = None

    @property
    def next_up(self) -> str | None:
        """The first checkpoint not achieved yet in the step the learner is on."""
        step = self.current
        if step is None:
            return None
        return next((c.title for c in step.checkpoints if not c.achieved), None)

    @property
    def open_security(self) -> int:
        return len(self.summary.open_security)

    @property
    def silenced_security(self) -> int:
        return len(self.summary.silenced_security)

    @property
    def status(self) -> str:
        if not self.summary.milestones:
            return "not started"
        step = self.current.title if self.current else "the roadmap"
        if self.stuck:
            return f"no new milestone for {self.days_quiet} days, on {step}"
        return f"working on {step}"


@dataclass(slots=True)
class Cohort:
    rows: list[LearnerRow]
    steps: list[tuple[str, int, str]]  # (id, number, title)
    generated: str
    stuck_days: int
    problems: list[str] = field(default_factory=list)
    weeks: list[str] = field(default_factory=list)  # first day of each bar of the activity strip
    bucket_weeks: int = 1  # weeks per bar
    rechecked: bool = False  # a re-checked column (report --repos)

    @property
    def stuck(self) -> list[LearnerRow]:
        return sorted((r for r in self.rows if r.stuck), key=lambda r: -(r.days_quiet or 0))


def read_log(path: str | os.PathLike[str]) -> LogFile:
    """Events of one JSONL export plus its chain check; never raises for bad content."""
    name = str(path)
    try:
        check = verify_file(path)
        raw_lines = Path(path).read_bytes().decode("utf-8", errors="replace").splitlines()
    except OSError as exc:
        return LogFile(name, [], None, f"cannot read {name}: {exc.strerror or exc}")
    events = []
    for text in raw_lines:
        try:
            record = json.loads(text)
        except ValueError:
            continue
        # Elided stubs and the end line carry no progress; damaged lines are skipped,
        # the chain column already tells the mentor the log was changed.
        if isinstance(record, dict) and set(record) == set(EVENT_FIELDS):
            try:
                events.append(event_from_dict(record))
            except TypeError:
                continue
    return LogFile(name, [e for e in events if isinstance(e.payload, dict)], check)


def build_cohort(
    log_paths: Iterable[str | os.PathLike[str]],
    roadmap: RoadmapLike,
    *,
    now: datetime | None = None,
    stuck_days: int = STUCK_AFTER_DAYS,
    repos: str | os.PathLike[str] | None = None,
) -> Cohort:
    moment = now or datetime.now(UTC)
    logs = [read_log(p) for p in log_paths]
    problems = [log.error for log in logs if log.error]
    by_learner: dict[str, dict[str, Event]] = {}
    sources: dict[str, list[LogFile]] = {}
    for log in logs:
        for event in log.events:
            # The same export handed in twice must not count twice.
            by_learner.setdefault(event.learner, {})[event.hash] = event
            if log not in sources.setdefault(event.learner, []):
                sources[event.learner].append(log)
    rows = []
    for learner in sorted(by_learner, key=str.casefold):
        events = sorted(by_learner[learner].values(), key=lambda e: (e.time, e.seq))
        summary = summarize(events, roadmap, learner=learner, now=moment)
        rows.append(_row(learner, summary, sources[learner], events, moment, stuck_days))
    steps = [(s.id, s.number, s.title) for s in sorted(roadmap.steps, key=lambda s: s.number)]
    weeks, span = activity_weeks(rows, moment)
    for row in rows:
        row.activity = weekly_counts(row.summary, weeks, span)
    if repos is not None:
        for row in rows:
            recheck_row(row, sources[row.learner], Path(repos), roadmap)
    labels = [w.strftime("%Y-%m-%d") for w in weeks]
    return Cohort(
        rows, steps, utc_timestamp(moment), stuck_days, problems, labels, span, repos is not None
    )


def cohort_report(
    log_paths: Sequence[str | os.PathLike[str]],
    out_path: str | os.PathLike[str] | None,
    roadmap: RoadmapLike | None = None,
    *,
    now: datetime | None = None,
    stuck_days: int = STUCK_AFTER_DAYS,
    repos: str | os.PathLike[str] | None = None,
) -> Cohort:
    """Build the cohort page and write it to `out_path` (when given)."""
    cohort = build_cohort(
        log_paths, roadmap or shipped_roadmap(), now=now, stuck_days=stuck_days, repos=repos
    )
    if out_path is not None:
        write_atomically(out_path, render_cohort(cohort))
    return cohort


def render_cohort(cohort: Cohort) -> str:
    colours = {sid: step_colour(index) for index, (sid, _n, _t) in enumerate(cohort.steps)}
    return render_template("cohort.html.j2", c=cohort, colours=colours, short=short_title)


def _row(
    learner: str,
    summary: Summary,
    logs: list[LogFile],
    events: list[Event],
    now: datetime,
    stuck_days: int,
) -> LearnerRow:
    broken = [log for log in logs if log.check is not None and not log.check.ok]
    note = "; ".join(f"{Path(log.path).name}: {log.check}" for log in broken if log.check)
    last = summary.last_milestone
    since = last.time if last else (events[0].time if events else None)
    quiet = days_between(since, now) if since else None
    return LearnerRow(
        learner=learner,
        summary=summary,
        logs=[Path(log.path).name for log in logs],
        chain_ok=not broken,
        chain_note=note or "intact",
        days_quiet=quiet,
        current=_current_step(summary),
        stuck=bool(last) and quiet is not None and quiet >= stuck_days,
    )


def _current_step(summary: Summary) -> StepProgress | None:
    """The step of the latest milestone, or the next unfinished one once that is complete."""
    last = summary.last_milestone
    if last is None:
        return None
    steps = [s for s in summary.steps if s.total]
    here = next((s for s in steps if any(c.id == last.id for c in s.checkpoints)), None)
    if here is None or not here.complete:
        return here
    later = [s for s in steps if s.number > here.number and not s.complete]
    earlier = [s for s in steps if not s.complete]
    return (later or earlier or [here])[0]
