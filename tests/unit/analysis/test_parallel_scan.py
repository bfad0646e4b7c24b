"""A cold scan farmed out to worker processes gives exactly the serial scan's facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roadmap_coach.analysis import workspace
from roadmap_coach.analysis.facts import FileFacts, WorkspaceFacts
from roadmap_coach.analysis.workspace import collect_workspace

ROUTES = """\
from flask import Flask, request
import sqlite3

app = Flask(__name__)


@app.route("/items/<int:item_id>", methods=["GET", "PUT"])
def item(item_id: int) -> dict:
    db = sqlite3.connect("shop.db")
    query = "SELECT * FROM items WHERE id = " + str(item_id)
    try:
        row = db.execute(query).fetchone()
    except sqlite3.Error:
        pass
    return {"item": row, "q": request.args.get("q")}
"""


def mixed_tree(root: Path, copies: int) -> Path:
    """Python of many shapes (and broken ones), configs, binaries: every outcome kind."""
    files: dict[str, str | bytes] = {
        "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["flask>=3"]\n',
        "broken.toml": "[project\nname = 1\n",
        "requirements.txt": "flask==3.0.0\nrequests\n",
        "Dockerfile": "FROM python:3.12-slim\nCMD gunicorn app:app\n",
        "notes.md": "# notes\n",
        "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00",
        "latin.py": b"name = '\xe9t\xe9'\n",
        "half_typed.py": "def broken(:\n    pass\n",
        "fake.py": b"\x00\x01\x02binary",
    }
    for index in range(copies):
        files[f"shop/routes_{index}.py"] = ROUTES.replace("/items", f"/items{index}")
        files[f"tests/test_{index}.py"] = (
            f"import pytest\n\ndef test_{index}():\n    with pytest.raises(ValueError):\n"
            f"        int('x{index}')\n    assert {index} == {index}\n"
        )
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def as_plain(ws: WorkspaceFacts) -> tuple[dict[str, FileFacts], list[tuple[str, str]]]:
    return dict(ws.files.items()), [(s.path, s.reason) for s in ws.skipped]


def test_parallel_scan_gives_the_serial_scans_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = mixed_tree(tmp_path / "ws", copies=40)
    farmed: list[int] = []
    real = workspace.parallel.analyse_parallel

    def counting(*args: Any, **kwargs: Any) -> dict[int, Any]:
        outcomes = real(*args, **kwargs)
        farmed.append(len(outcomes))
        return outcomes

    monkeypatch.setattr(workspace.parallel, "analyse_parallel", counting)
    serial = collect_workspace(str(root), workers=0)
    assert farmed == []
    parallel = collect_workspace(str(root), workers=2)
    assert farmed and farmed[0] > 80  # the workers, not a fallback, analysed the files
    assert len(serial.files) > 80
    assert as_plain(parallel) == as_plain(serial)
    assert list(parallel.files) == list(serial.files)  # same order too
    reasons = dict(as_plain(serial)[1])
    assert reasons["half_typed.py"].startswith("syntax error")
    assert reasons["fake.py"] == "binary file"


def test_a_small_tree_stays_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = mixed_tree(tmp_path / "ws", copies=2)

    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started for a handful of files")

    monkeypatch.setattr(workspace.parallel, "analyse_parallel", no_pool)
    assert collect_workspace(str(root)).files["shop/routes_0.py"].decorators


def test_a_big_tree_scanned_in_one_process_keeps_compact_facts_that_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = mixed_tree(tmp_path / "ws", copies=10)
    plain = collect_workspace(str(root), workers=0)
    monkeypatch.setattr(workspace.parallel, "MIN_BYTES", 1)  # every tree counts as big
    compact = collect_workspace(str(root), workers=0)
    held = compact.files._items  # type: ignore[attr-defined]
    assert isinstance(held["shop/routes_0.py"], bytes)  # kept encoded, not as records
    assert as_plain(compact) == as_plain(plain)
