"""The conditions added for detection breadth (`generated`, `not_class_attrs`,
`not_decorated`, `teaches`) are checked by `check-roadmap` like every other: a wrong
shape comes back as `file:line:col: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap_coach.cli import main

STEP = '[step]\nid = "extras"\nnumber = 12\ntitle = "Extras"\n'
GOOD = """
[[checkpoint]]
id = "extras.migration"
title = "A migration"
teaches = "A migration changes the schema."
[[checkpoint.detect]]
function = ["upgrade"]
generated = true
[[checkpoint.detect]]
call = ["rest_framework.response.Response"]
not_class_attrs = { renderer_classes = "item:*HTMLRenderer" }
not_decorated = { "*renderer_classes" = "item:*HTMLRenderer" }
teaches = \"\"\"
A DRF Response answers in JSON unless a renderer says otherwise.\"\"\"
"""
BAD = """
[[checkpoint]]
id = "extras.broken"
title = "Broken"
teaches = "Broken."
[[checkpoint.detect]]
function = ["upgrade"]
generated = "yes"
[[checkpoint.detect]]
call = ["rest_framework.response.Response"]
not_class_attrs = "item:*HTMLRenderer"
[[checkpoint.detect]]
call = ["print"]
teaches = ["not", "a", "text"]
"""


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> tuple[int, list[str]]:
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "12-extras.toml").write_text(STEP + text, encoding="utf-8")
    code = main(["check-roadmap", str(folder)])
    return code, capsys.readouterr().out.splitlines()


def test_the_new_conditions_are_valid_vocabulary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, capsys, GOOD) == (0, [])


def test_a_wrong_shape_of_a_new_condition_points_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run(tmp_path, capsys, BAD)
    text = (STEP + BAD).splitlines()
    where = {
        key: next(n for n, line in enumerate(text, 1) if line.startswith(key))
        for key in ("generated", "not_class_attrs", "teaches = [")
    }
    assert code == 1
    assert len(lines) == 3, lines
    assert any(
        f"12-extras.toml:{where['generated']}:" in line and "true or false" in line
        for line in lines
    )
    assert any(
        f"12-extras.toml:{where['not_class_attrs']}:" in line and "table" in line for line in lines
    )
    assert any(
        f"12-extras.toml:{where['teaches = [']}:" in line and "text" in line for line in lines
    )
