"""Shared fixtures: a store in tmp_path and a small roadmap built from the real models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from roadmap_coach.progress.store import Store
from roadmap_coach.roadmap.models import Checkpoint, Roadmap, Step


@pytest.fixture
def roadmap() -> Roadmap:
    steps = (
        Step("python-basics", 1, "Master Python basics"),
        Step("web-frameworks", 2, "Choose a web framework"),
        Step("security", 5, "Learn web security"),
    )
    checkpoints = (
        Checkpoint(
            "basics.function",
            "python-basics",
            "Your first function",
            "A function.",
            next=("basics.class",),
        ),
        Checkpoint("basics.class", "python-basics", "Your first class", "A class.  Bundles data."),
        Checkpoint(
            "web.flask-route",
            "web-frameworks",
            "Your first Flask route",
            "A route maps a URL to a function. More text.",
            next=("web.flask-template",),
        ),
        Checkpoint(
            "web.flask-template",
            "web-frameworks",
            "A page from a template",
            "`render_template()` fills a template.",
            links=("https://flask.example/templates", "javascript:alert(1)"),
        ),
        Checkpoint(
            "sec.lesson-fixed", "security", "A security lesson put into practice", "Fix it."
        ),
    )
    return Roadmap("Test roadmap", steps, checkpoints)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "progress.sqlite3"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with Store(store_path, learner="ann") as opened:
        yield opened
