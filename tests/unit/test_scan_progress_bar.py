"""`scan`'s one progress bar: over listing, analysis and evaluation, its percentage only
grows, reaches 100 only when the fold is done, shows a rate and the time left, and is
drawn on a terminal only (nothing at all on a pipe)."""

from __future__ import annotations

import io
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from roadmap_coach.cli import progress_bar
from roadmap_coach.cli.progress_bar import PhaseBar, fraction, phase_bar
from roadmap_coach.cli.scan import scan_report
from roadmap_coach.roadmap.loader import load_roadmap

FIXTURE = Path(__file__).parents[1] / "fixtures" / "projects" / "flaskr"


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def ticking(step: float = 0.25) -> Iterator[float]:
    now = 0.0
    while True:
        yield now
        now += step


def percentages(text: str) -> list[int]:
    return [int(m) for m in re.findall(r"\]\s+(\d+)%", text)]


def assert_honest(text: str) -> None:
    shown = percentages(text)
    assert shown, "the bar drew nothing"
    assert shown == sorted(shown), f"the bar went back: {shown}"
    assert shown[-1] == 100
    assert 100 not in shown[:-1], "100 % before the end"
    assert text.endswith("\n") and text.count("\n") == 1  # one line, ended once


def test_the_shares_cover_the_whole_bar_in_phase_order() -> None:
    assert fraction("listing", 0, 1) == 0.0
    assert fraction("listing", 1, 1) == pytest.approx(0.05)
    assert fraction("analysis", 0, 0) == pytest.approx(0.05)  # a total not known yet
    assert fraction("analysis", 5, 10) == pytest.approx(0.45)
    assert fraction("evaluation", 0, 10) == pytest.approx(0.85)
    assert fraction("evaluation", 10, 10) == pytest.approx(1.0)


def test_the_bar_only_grows_and_reaches_100_at_the_end_with_rate_and_time_left() -> None:
    stream = FakeTTY()
    clock = ticking()
    bar = PhaseBar("scanning", stream, clock=lambda: next(clock))
    bar("listing", 0, 1)
    bar("listing", 1, 1)
    bar("analysis", 0, 0)
    for done in range(1, 11):
        bar("analysis", done, 20)
    # the workspace key is known: kept records to re-check make the total grow
    for done in range(11, 41):
        bar("analysis", done, 40)
    for done in range(0, 101, 10):
        bar("evaluation", done, 100)
    bar("evaluation", 100, 100)  # the pipeline's closing report draws nothing more
    bar.finish()
    text = stream.getvalue()
    assert_honest(text)
    assert re.search(r"analysis \d+/\d+ · \d+/s", text)  # the rate
    assert re.search(r"· \d+:\d\d left", text)  # the time left


def test_frames_are_rate_limited_but_the_last_is_always_drawn() -> None:
    stream = FakeTTY()
    bar = PhaseBar("scanning", stream, clock=lambda: 5.0)  # time stands still
    bar("listing", 0, 1)
    for done in range(1, 1001):
        bar("analysis", done, 1000)
    bar("evaluation", 1, 1)
    frames = stream.getvalue().split("\r")[1:]
    assert len(frames) == 2  # the first and the last
    assert_honest(stream.getvalue())


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    assert phase_bar("scanning", io.StringIO()) is None
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    assert phase_bar("scanning") is None
    scan_report(str(FIXTURE), load_roadmap()[0], use_cache=False, workers=0)
    assert pipe.getvalue() == ""


@pytest.mark.parametrize("workers", [0, 2])
def test_a_scan_draws_one_honest_bar_cold_and_warm(
    workers: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root)
    monkeypatch.setattr(progress_bar, "_REDRAW_S", 0.0)  # every report draws a frame
    roadmap = load_roadmap()[0]
    store = str(tmp_path / "store.sqlite3")
    for _ in ("cold", "warm"):
        terminal = FakeTTY()
        monkeypatch.setattr(sys, "stderr", terminal)
        scan_report(str(root), roadmap, store=store, workers=workers)
        assert_honest(terminal.getvalue())
        assert "listing" in terminal.getvalue() and "evaluation" in terminal.getvalue()
