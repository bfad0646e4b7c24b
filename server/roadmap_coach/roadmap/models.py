"""Frozen models of the roadmap: steps, checkpoints and their detect clauses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Matcher:
    """One alternative of a detect clause: a matcher kind, its value and its conditions."""

    kind: str
    value: Any
    conditions: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    line: int = 0  # 1-based line in the TOML file, for messages


@dataclass(frozen=True, slots=True)
class Checkpoint:
    id: str
    step: str
    title: str
    teaches: str
    next: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    detect: tuple[Matcher, ...] = ()
    source: str = ""  # file the checkpoint came from
    line: int = 0
    example: str = ""  # markdown, usually one fenced code block


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    number: int
    title: str
    summary: str = ""
    source: str = ""
    short: str = ""  # short title for narrow views ([short] in roadmap.toml)
    core: tuple[str, ...] | None = None  # core checkpoint ids; None: all of the step's

    @property
    def short_title(self) -> str:
        return self.short or self.title


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Roadmap:
    title: str
    steps: tuple[Step, ...]
    checkpoints: tuple[Checkpoint, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {c.id: c for c in self.checkpoints})
        object.__setattr__(self, "_steps", {s.id: s for s in self.steps})

    def checkpoint(self, checkpoint_id: str) -> Checkpoint | None:
        return self._by_id.get(checkpoint_id)  # type: ignore[attr-defined]

    def step(self, step_id: str) -> Step | None:
        return self._steps.get(step_id)  # type: ignore[attr-defined]

    def by_step(self) -> list[tuple[Step, list[Checkpoint]]]:
        return [(s, [c for c in self.checkpoints if c.step == s.id]) for s in self.steps]

    def is_core(self, checkpoint: Checkpoint) -> bool:
        """Core checkpoints decide whether a step is complete (default: all of them)."""
        step = self.step(checkpoint.step)
        return step is None or step.core is None or checkpoint.id in step.core

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.checkpoints]

    def to_json(self) -> dict[str, Any]:
        """The shape `roadmap --format json` prints and `getProgress` extends."""
        return {
            "title": self.title,
            "steps": [
                {
                    "id": step.id,
                    "number": step.number,
                    "title": step.title,
                    "short": step.short_title,
                    "summary": step.summary,
                    "checkpoints": [
                        {
                            "id": c.id,
                            "title": c.title,
                            "teaches": c.teaches,
                            "example": c.example,
                            "next": list(c.next),
                            "links": list(c.links),
                            "core": self.is_core(c),
                        }
                        for c in checkpoints
                    ],
                }
                for step, checkpoints in self.by_step()
            ],
        }
