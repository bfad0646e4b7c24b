"""One progress bar over all the work of a scan, on a terminal only.

The pipeline reports `(phase, done, total)` over the phases `listing`, `analysis`
(facts and records of each file, checks of kept records) and `evaluation` (the
fold: milestones and lessons). Each phase owns a share of the bar (`SHARES`, from
the profile of a cold scan), so the bar reaches 100 % only when the fold is done.
Beside it: the current phase, its rate, and the time left, estimated from the share
of the bar covered so far. A phase's total can grow as the pipeline learns more (kept
records to re-check once the workspace key is known), so the bar never draws less than
it already showed, and draws its last frame once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

SHARES = {"listing": 0.05, "analysis": 0.80, "evaluation": 0.15}
_ORDER = tuple(SHARES)
_WIDTH = 25
_REDRAW_S = 0.1  # at most ten frames a second: a terminal is not free either


def fraction(phase: str, done: int, total: int) -> float:
    """The share of the whole work done when `phase` is at `done` of `total` (0..1)."""
    if phase not in SHARES:
        return 0.0
    before = sum(SHARES[p] for p in _ORDER[: _ORDER.index(phase)])
    # a total not known yet (0) is no progress within the phase
    part = 0.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
    return min(before + SHARES[phase] * part, 1.0)


def clock_text(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def render(
    label: str,
    phase: str,
    done: int,
    total: int,
    elapsed: float,
    phase_elapsed: float,
    floor: float = 0.0,
) -> str:
    """One frame of the bar (no carriage return); it shows at least `floor` (0..1)."""
    share = max(fraction(phase, done, total), floor)
    filled = int(share * _WIDTH)
    text = f"{label} [{'#' * filled:<{_WIDTH}}] {int(share * 100):>3}% {phase}"
    if total > 0:
        text += f" {done}/{total}"
        if phase_elapsed >= 0.5 and done > 0:
            text += f" · {done / phase_elapsed:.0f}/s"
    if 0.02 <= share < 1.0 and elapsed >= 1.0:
        text += f" · {clock_text(elapsed * (1 - share) / share)} left"
    return text


class PhaseBar:
    """Draws `render` frames on `stream`; call it as the pipeline's `progress`."""

    def __init__(
        self, label: str, stream: TextIO, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.label, self.stream, self.clock = label, stream, clock
        self.start = clock()
        self.phase, self.phase_start = "", self.start
        self.last_draw = -1.0
        self.width = 0
        self.drawn = False
        self.shown = 0.0  # the largest share drawn so far
        self.ended = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.ended:
            return
        now = self.clock()
        if phase != self.phase:
            self.phase, self.phase_start = phase, now
        final = phase == _ORDER[-1] and total > 0 and done >= total
        if not final and now - self.last_draw < _REDRAW_S:
            return
        self.last_draw = now
        elapsed, phase_elapsed = now - self.start, now - self.phase_start
        frame = render(self.label, phase, done, total, elapsed, phase_elapsed, self.shown)
        self.shown = max(self.shown, fraction(phase, done, total))
        pad = " " * max(self.width - len(frame), 0)  # rub out a longer frame's tail
        self.width = len(frame)
        self.stream.write(f"\r{frame}{pad}")
        self.drawn = True
        if final:
            self.finish()
        else:
            self.stream.flush()

    def finish(self) -> None:
        """End the bar's line (once), so what follows starts on its own line."""
        self.ended = True
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def phase_bar(label: str, stream: TextIO | None = None) -> PhaseBar | None:
    """A bar on stderr, only when stderr is a terminal (machine output stays clean)."""
    stream = stream if stream is not None else sys.stderr
    if not stream.isatty():
        return None
    return PhaseBar(label, stream)
