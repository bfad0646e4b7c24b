"""Typing in a file re-walks only the block that changed, and the facts are exactly
those of a full analysis, edit after edit."""

from __future__ import annotations

import ast
import dataclasses
import random
import sys
from pathlib import Path

import pytest

from roadmap_coach.analysis import python_facts, python_incremental
from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.python_facts import analyze_python

APP = '''\
"""A shop."""
from __future__ import annotations

import sqlite3
from flask import Flask, request

app = Flask(__name__)
TABLE = "items"
QUERY = "SELECT * FROM " + TABLE


@app.route("/items/<int:item_id>", methods=["GET"])
def item(item_id: int) -> dict:
    db = sqlite3.connect("shop.db")
    sql = QUERY + " WHERE id = " + str(item_id)
    try:
        row = db.execute(sql).fetchone()
    except sqlite3.Error:
        pass
    return {"row": row, "q": request.args.get("q")}


class Repo:
    table: str = "items"

    def get(self, key):
        with open("x") as handle:
            return handle.read() + key

    async def load(self):
        return [x for x in range(3) if x]


def later():
    return Repo().get("k"), helper()


def helper():
    return lambda v: v + 1
'''


def full(path: str, source: str) -> FileFacts:
    """A full analysis, leaving the memos of the incremental path alone."""
    saved = python_incremental.MEMOS
    python_incremental.MEMOS = python_incremental.Memos()
    try:
        return analyze_python(path, source)
    finally:
        python_incremental.MEMOS = saved


def edits(source: str, seed: int, count: int) -> list[str]:
    """One-character insertions and replacements at random places, line count kept."""
    rng = random.Random(seed)
    texts, text = [], source
    for _ in range(count):
        lines = text.split("\n")
        number = rng.randrange(len(lines))
        line = lines[number]
        col = rng.randrange(len(line) + 1)
        char = rng.choice(["x", "1", " ", "_", "(", '"', ".", "#"])
        if rng.random() < 0.5 or not line:
            line = line[:col] + char + line[col:]
        else:
            col = min(col, len(line) - 1)
            line = line[:col] + char + line[col + 1 :]
        lines[number] = line
        candidate = "\n".join(lines)
        try:
            ast.parse(candidate)
        except SyntaxError:
            if rng.random() < 0.3:
                texts.append(candidate)  # a moment of broken syntax, then typing goes on
            continue
        text = candidate
        texts.append(text)
    return texts


def replay(path: str, source: str, seed: int, count: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """Edit after edit, incremental == full; returns how many took the incremental path."""
    spliced: list[int] = []
    real_splice = python_incremental.splice

    def counting(*args: object) -> object:
        spliced.append(1)
        return real_splice(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(python_incremental, "splice", counting)
    python_incremental.MEMOS.put(path, None)
    analyze_python(path, source)
    analyze_python(path, source)  # the second analysis of a path keeps a memo
    for text in edits(source, seed, count):
        assert analyze_python(path, text) == full(path, text), f"facts differ (seed {seed})"
    return len(spliced)


def test_edits_inside_functions_give_the_full_analysis_facts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quick = sum(replay("shop/app.py", APP, seed, 60, monkeypatch) for seed in range(4))
    assert quick >= 20  # edits inside blocks were handled by re-walking that block only


@pytest.mark.parametrize("module", ["argparse.py", "dataclasses.py", "json/decoder.py"])
def test_edits_in_real_modules_give_the_full_analysis_facts(
    module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (Path(sys.modules["ast"].__file__).parent / module).read_text(encoding="utf-8")
    assert replay(module, source, 7, 40, monkeypatch) > 10


def test_a_new_line_or_a_module_level_edit_takes_the_full_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walked: list[int] = []
    monkeypatch.setattr(python_incremental, "splice", lambda *a: walked.append(1))
    for _ in range(2):
        analyze_python("app.py", APP)
    renamed = APP.replace('TABLE = "items"', 'TABLE = "goods"')
    assert analyze_python("app.py", renamed) == full("app.py", renamed)
    longer = renamed.replace("        pass\n", "        pass\n        raise\n")
    assert analyze_python("app.py", longer) == full("app.py", longer)
    assert walked == []


def test_a_block_edit_sees_the_module_names_defined_before_it() -> None:
    for _ in range(2):
        analyze_python("app.py", APP)
    edited = APP.replace('db = sqlite3.connect("shop.db")', 'db = sqlite3.connect("shop.sq")')
    facts = analyze_python("app.py", edited)
    connect = next(c for c in facts.calls if c.name == "sqlite3.connect")
    assert connect.args[0].value == "shop.sq"
    execute = next(c for c in facts.calls if c.name == "db.execute")
    assert execute.qname == "sqlite3.connect.execute"
    assert execute.args[0].kind == "concat" and execute.args[0].via == "sql"
    assert dataclasses.asdict(facts) == dataclasses.asdict(full("app.py", edited))


def test_scanning_many_files_keeps_no_memo() -> None:
    python_facts.analyze_python("once/a.py", APP)
    assert python_incremental.MEMOS.get("once/a.py") is None
