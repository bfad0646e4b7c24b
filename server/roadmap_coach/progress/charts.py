"""Geometry for the inline SVG charts of the HTML pages (no script, no remote resources).

Numbers are computed here so the templates only place shapes; every label that
reaches a template is plain text and is escaped there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from roadmap_coach.progress.chain import parse_time
from roadmap_coach.progress.summary import Achieved

# Distinct, print-friendly colours, one per roadmap step (repeats after 12).
PALETTE = (
    "#2563eb",
    "#16a34a",
    "#d97706",
    "#9333ea",
    "#dc2626",
    "#0891b2",
    "#65a30d",
    "#c026d3",
    "#ea580c",
    "#4f46e5",
    "#0d9488",
    "#64748b",
)


def step_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


@dataclass(slots=True)
class Dot:
    x: float
    y: float
    colour: str
    label: str


@dataclass(slots=True)
class Tick:
    at: float
    label: str


@dataclass(slots=True)
class Timeline:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    dots: list[Dot] = field(default_factory=list)
    line: str = ""  # SVG path data of the cumulative count, drawn as steps
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.dots


def timeline(
    milestones: Sequence[Achieved],
    colours: dict[str, str],
    titles: dict[str, str],
    width: int = 880,
    height: int = 260,
) -> Timeline:
    """Cumulative milestones over time, one dot per milestone in its step's colour."""
    chart = Timeline(width, height, left=44, right=width - 16, top=16, bottom=height - 34)
    ordered = sorted(milestones, key=lambda m: (m.time, m.seq))
    if not ordered:
        return chart
    times = [parse_time(m.time) for m in ordered]
    start, end = times[0], times[-1]
    if end - start < timedelta(days=1):
        # A single busy day still gets a readable axis.
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    span = (end - start).total_seconds()
    top_count = len(ordered)

    def x_of(moment: datetime) -> float:
        return round(
            chart.left + (chart.right - chart.left) * (moment - start).total_seconds() / span, 1
        )

    def y_of(count: int) -> float:
        return round(chart.bottom - (chart.bottom - chart.top) * count / top_count, 1)

    points = [f"M{chart.left},{chart.bottom}"]
    for count, (milestone, moment) in enumerate(zip(ordered, times, strict=True), start=1):
        x, y = x_of(moment), y_of(count)
        points.append(f"H{x}V{y}")
        label = f"{milestone.date} — {milestone.title or milestone.id}"
        if titles.get(milestone.step):
            label += f" ({titles[milestone.step]})"
        chart.dots.append(Dot(x, y, colours.get(milestone.step, PALETTE[-1]), label))
    points.append(f"H{chart.right}")
    chart.line = "".join(points)
    chart.x_ticks = _date_ticks(start, end, x_of)
    chart.y_ticks = [Tick(y_of(n), str(n)) for n in _count_ticks(top_count)]
    return chart


def _date_ticks(start: datetime, end: datetime, x_of: Callable[[datetime], float]) -> list[Tick]:
    count = 5
    step = (end - start) / (count - 1)
    ticks = []
    for index in range(count):
        moment = start + step * index
        ticks.append(Tick(x_of(moment), moment.strftime("%Y-%m-%d")))
    # Drop repeated labels on short spans (several ticks on one day).
    unique: dict[str, Tick] = {}
    for tick in ticks:
        unique.setdefault(tick.label, tick)
    return list(unique.values())


def _count_ticks(top: int) -> list[int]:
    if top <= 5:
        return list(range(0, top + 1))
    stride = max(1, round(top / 4))
    ticks = list(range(0, top + 1, stride))
    if ticks[-1] != top:
        ticks.append(top)
    return ticks
