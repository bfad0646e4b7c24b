"""Fixtures for the checkpoint tests of steps 1-5: a learner's workspace written from
`{path: text}` into `tmp_path`, or a tutorial project copied from
`tests/fixtures/projects/`, scanned through the real pipeline (workspace listing,
facts, the shipped roadmap's engine), then asked "which milestones, and where"."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Engine

PROJECTS = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
MY_STEPS = ("01-", "02-", "03-", "04-", "05-")


@cache
def shipped_engine() -> Engine:
    roadmap, problems = load_roadmap()
    # Steps 6-11 are edited in parallel; a slip there must not hide what these tests prove.
    mine = [str(p) for p in problems if Path(p.path).name.startswith(MY_STEPS)]
    assert mine == [], mine
    return Engine(roadmap)


@dataclass
class Scan:
    """What a mentor reads off a scan: milestone id -> evidence as `path:line`."""

    root: Path
    found: dict[str, list[str]]

    def __contains__(self, checkpoint_id: object) -> bool:
        return checkpoint_id in self.found

    def at(self, checkpoint_id: str) -> list[str]:
        assert checkpoint_id in self.found, (
            f"{checkpoint_id} not achieved; got {sorted(self.found)}"
        )
        return self.found[checkpoint_id]

    def line_of(self, path: str, snippet: str, nth: int = 1) -> str:
        """`path:line` of the `nth` line of `path` that contains `snippet`."""
        lines = (self.root / path).read_text(encoding="utf-8").splitlines()
        hits = [number for number, line in enumerate(lines, 1) if snippet in line]
        assert len(hits) >= nth, f"{snippet!r} appears {len(hits)} times in {path}"
        return f"{path}:{hits[nth - 1]}"

    def ids(self, prefix: str) -> set[str]:
        return {cid for cid in self.found if cid.startswith(prefix)}


def scan_dir(root: Path) -> Scan:
    findings = shipped_engine().evaluate(collect_workspace(str(root)))
    found = {m.id: [f"{e.path}:{e.line}" for e in m.evidence] for m in findings.milestones}
    return Scan(root, found)


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def roadmap() -> Roadmap:
    """The shipped roadmap, as the engine of these scans loaded it."""
    return shipped_engine().roadmap


@pytest.fixture
def scan(tmp_path: Path) -> Callable[[Mapping[str, str]], Scan]:
    """`scan({"app.py": "..."})`: write the files into a fresh folder and scan it."""
    counter = iter(range(1_000))

    def run(files: Mapping[str, str]) -> Scan:
        root = write_files(tmp_path / f"ws{next(counter)}", files)
        return scan_dir(root)

    return run


@pytest.fixture(scope="session")
def tutorial(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Scan]:
    """`tutorial("flaskr")`: a copy of `tests/fixtures/projects/flaskr`, scanned once."""
    done: dict[str, Scan] = {}

    def run(name: str) -> Scan:
        if name not in done:
            # a copy, so the listing is the project's own and not this repository's Git index
            root = tmp_path_factory.mktemp("project") / name
            shutil.copytree(PROJECTS / name, root)
            done[name] = scan_dir(root)
        return done[name]

    return run
