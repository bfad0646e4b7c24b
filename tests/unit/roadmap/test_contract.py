"""The shipped roadmap keeps the contract of ROADMAP.md: every step and checkpoint id
it names ships, in its step, with words a beginner can read and links to follow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Roadmap

REPO = Path(__file__).resolve().parents[3]
# The contract lives next to the checkout (`../shared/ROADMAP.md`); a copy travels with
# the tests so a fresh clone checks the same ids.
SHARED = REPO.parent / "shared" / "ROADMAP.md"
VENDORED = REPO / "tests" / "fixtures" / "contract" / "ROADMAP.md"

_STEP_RE = re.compile(r"^## (\d+) `([a-z-]+)` — ")
_ROW_RE = re.compile(r"^\| ([a-z0-9-]+\.[a-z0-9.-]+) \|")


def contract_text() -> str:
    return (SHARED if SHARED.is_file() else VENDORED).read_text(encoding="utf-8")


def contract() -> dict[str, list[str]]:
    """step id -> checkpoint ids, in the order of the contract's tables."""
    steps: dict[str, list[str]] = {}
    current = None
    for line in contract_text().splitlines():
        heading = _STEP_RE.match(line)
        if heading:
            current = heading.group(2)
            steps[current] = []
            continue
        if line.startswith("## "):
            current = None  # the lessons table is not a step
        row = _ROW_RE.match(line)
        if row and current is not None:
            steps[current].append(row.group(1))
    return steps


@pytest.fixture(scope="module")
def shipped() -> Roadmap:
    roadmap, problems = load_roadmap()
    assert [str(p) for p in problems] == []
    return roadmap


def test_contract_parses_into_eleven_steps_of_checkpoints() -> None:
    steps = contract()
    assert len(steps) == 11
    assert sum(len(ids) for ids in steps.values()) == 81
    assert all(ids for ids in steps.values())


def test_every_checkpoint_id_in_the_contract_ships(shipped: Roadmap) -> None:
    wanted = {cid for ids in contract().values() for cid in ids}
    assert sorted(wanted - set(shipped.ids)) == []


def test_every_shipped_id_is_in_its_contract_step(shipped: Roadmap) -> None:
    expected = {cid: step for step, ids in contract().items() for cid in ids}
    placed = {c.id: c.step for c in shipped.checkpoints if c.id in expected}
    assert placed == expected


def test_steps_ship_in_contract_order_with_their_numbers(shipped: Roadmap) -> None:
    assert [s.id for s in shipped.steps] == list(contract())
    assert [s.number for s in shipped.steps] == list(range(1, 12))


def test_every_checkpoint_teaches_links_and_detects(shipped: Roadmap) -> None:
    for checkpoint in shipped.checkpoints:
        assert checkpoint.title.strip(), checkpoint.id
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", checkpoint.teaches) if s.strip()]
        assert 1 <= len(sentences) <= 3, (checkpoint.id, checkpoint.teaches)
        assert checkpoint.links, checkpoint.id
        assert all(link.startswith("https://") for link in checkpoint.links), checkpoint.id
        assert checkpoint.detect, checkpoint.id
        assert checkpoint.next, checkpoint.id
        assert checkpoint.id not in checkpoint.next, checkpoint.id


def test_vendored_contract_matches_the_shared_one() -> None:
    if not SHARED.is_file():
        pytest.skip("no ../shared/ROADMAP.md next to this checkout")
    assert VENDORED.read_text(encoding="utf-8") == SHARED.read_text(encoding="utf-8")
