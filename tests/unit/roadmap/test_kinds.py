"""`roadmap.schema.KINDS` is the one list of matcher kinds: the shipped roadmap uses
only declared kinds, each declaration is coherent, and docs/checkpoints.md lists exactly
the declared kinds, each under the heading of its scope."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.roadmap.loader import load_roadmap, shipped_roadmap_dir
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.roadmap.schema import COMMON, FILE, KIND, KINDS, WORKSPACE

DOCS = Path(__file__).resolve().parents[3] / "docs" / "checkpoints.md"


def alternatives(detect: Any) -> Iterator[dict[str, Any]]:
    """Every detect alternative of a raw TOML clause, `all`'s parts included."""
    for alternative in detect if isinstance(detect, list) else [detect]:
        yield alternative
        if isinstance(alternative.get("all"), list):
            yield from alternatives(alternative["all"])


def flatten(matchers: tuple[Matcher, ...]) -> Iterator[Matcher]:
    for matcher in matchers:
        yield matcher
        if matcher.kind == "all":
            yield from flatten(matcher.value)


def test_every_kind_the_shipped_checkpoints_use_is_declared() -> None:
    files = sorted(shipped_roadmap_dir().glob("*.toml"))
    used: set[str] = set()
    for path in files:
        for checkpoint in tomllib.loads(path.read_text(encoding="utf-8")).get("checkpoint", []):
            for alternative in alternatives(checkpoint["detect"]):
                kinds = [key for key in alternative if key in KIND]
                # one declared kind; every other key one of its declared conditions
                owner = [k for k in kinds if set(alternative) - {k} <= KIND[k].conditions]
                assert len(owner) == 1, (path.name, checkpoint["id"], alternative)
                used.add(owner[0])
    roadmap, problems = load_roadmap()
    assert problems == []
    loaded = {m.kind for c in roadmap.checkpoints for m in flatten(c.detect)}
    assert loaded == used
    assert {"call", "aggregate", "all", "git", "history"} <= used  # both scopes are exercised


def test_each_kind_is_declared_once_with_inputs_that_are_facts_fields() -> None:
    names = [k.name for k in KINDS]
    assert len(names) == len(set(names))
    fields = {f.name for f in dataclasses.fields(FileFacts)}
    for kind in KINDS:
        assert set(kind.inputs) <= fields, kind.name
        if kind.scope == WORKSPACE:
            # read no single file: no inputs to skip a file by, no per-file condition
            assert kind.inputs == () and not (kind.conditions & COMMON), kind.name
        else:
            assert kind.conditions >= COMMON, kind.name
        assert (kind.value == "fact") == bool(kind.facts), kind.name


# -- docs/checkpoints.md ---------------------------------------------------------------


def documented_kinds(heading: str) -> list[str]:
    """The first column of the kinds table (`| kind | …`) under `## heading`."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    table = section.split("\n| kind |", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", table, re.MULTILINE)


def test_the_docs_list_every_per_file_kind_under_the_file_headings() -> None:
    documented = documented_kinds("Kinds: Python code") + documented_kinds("Kinds: other files")
    assert documented == [k.name for k in KINDS if k.scope == FILE]


def test_the_docs_list_every_workspace_kind_under_the_workspace_heading() -> None:
    documented = documented_kinds("Kinds: the workspace as a whole")
    assert sorted(documented) == sorted(k.name for k in KINDS if k.scope == WORKSPACE)


def test_the_docs_name_exactly_the_facts_a_fact_kind_knows() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for kind in (k for k in KINDS if k.value == "fact"):
        row = re.search(rf"^\| `{kind.name}` \| ([^|]*) \|", text, re.MULTILINE)
        assert row is not None, kind.name
        assert set(re.findall(r"`([a-z_-]+)`", row.group(1))) == kind.facts, kind.name
