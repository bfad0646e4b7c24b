"""Typing in a file re-walks only the top-level statements that changed (lines added or
removed included), and the facts are exactly those of a full analysis, edit after edit."""

from __future__ import annotations

import ast
import dataclasses
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from full_analysis import full
from line_edits import apply, line_edits
from roadmap_coach.analysis import (
    facts_shift,
    facts_spare,
    python_facts,
    python_incremental,
    python_values,
)
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


def replay(path: str, source: str, seed: int, count: int) -> int:
    """Edit after edit, incremental == full; returns how many re-walked statements only."""
    python_incremental.MEMOS.put(path, None)
    analyze_python(path, source)
    analyze_python(path, source)  # the second analysis of a path keeps a memo
    before = python_incremental.MEMOS.partial
    for text in edits(source, seed, count):
        assert analyze_python(path, text) == full(path, text), f"facts differ (seed {seed})"
    return python_incremental.MEMOS.partial - before


def test_edits_inside_functions_give_the_full_analysis_facts() -> None:
    quick = sum(replay("shop/app.py", APP, seed, 60) for seed in range(4))
    assert quick >= 20  # edits inside blocks were handled by re-walking that block only


@pytest.mark.parametrize("module", ["argparse.py", "dataclasses.py", "json/decoder.py"])
def test_edits_in_real_modules_give_the_full_analysis_facts(module: str) -> None:
    source = (Path(sys.modules["ast"].__file__).parent / module).read_text(encoding="utf-8")
    assert replay(module, source, 7, 40) > 10


def walked(path: str, text: str) -> int | None:
    """Top-level statements re-walked for `text`; None when the full path ran."""
    memos = python_incremental.MEMOS
    partial, statements = memos.partial, memos.statements
    assert analyze_python(path, text) == full(path, text)
    return memos.statements - statements if memos.partial > partial else None


def test_lines_added_or_removed_re_walk_only_the_statements_around_them() -> None:
    for _ in range(2):
        analyze_python("app.py", APP)
    longer = APP.replace("        pass\n", "        pass\n        raise\n")
    assert walked("app.py", longer) == 1  # `def item`, the rest moved a line down
    shorter = longer.replace('    table: str = "items"\n', "")
    assert walked("app.py", shorter) == 1
    imports = shorter.replace("import sqlite3\n", "import sqlite3\nimport json\n")
    assert walked("app.py", imports) == 2  # and the statement below (a decorator would join it)
    module_line = imports.replace('TABLE = "items"\n', 'TABLE = "items"\nLIMIT = 10\n')
    assert walked("app.py", module_line) == 2
    decorated = module_line.replace("\n\ndef later", "\n\n@app.route('/later')\ndef later")
    assert walked("app.py", decorated) == 1  # the decorator joined `def later`
    indented = decorated.replace("\n\n\nclass Repo", "\n    db.close()\n\n\nclass Repo")
    assert walked("app.py", indented) == 1  # a line at the end of `def item` joins it


def test_a_module_name_that_later_statements_read_takes_the_full_path() -> None:
    for _ in range(2):
        analyze_python("app.py", APP)
    # `QUERY` keeps `TABLE` as written: a new value walks `TABLE` alone
    text = APP.replace('TABLE = "items"', 'TABLE = "goods"')
    assert walked("app.py", text) == 1
    # `def item` reads the text of `QUERY`: it must be walked again
    text = text.replace("SELECT * FROM", "SELECT id FROM")
    assert walked("app.py", text) is None
    # a name nobody reads yet (the learner is typing an import)
    text = text.replace("import sqlite3", "import sqlite3, js")
    assert walked("app.py", text) == 1
    # `later` reads `Repo`: renaming the class changes what its call resolves to
    text = text.replace("class Repo:", "class Repos:")
    assert walked("app.py", text) is None
    # `helper` is defined after `later`, which reads it unresolved either way
    assert walked("app.py", text.replace("def helper():", "def helpers():")) == 1


def test_a_secret_typed_and_removed_marks_the_facts_sensitive_and_back() -> None:
    for _ in range(2):
        analyze_python("app.py", APP)
    secret = APP.replace('TABLE = "items"', 'TABLE = "items"\nPASSWORD = "hunter2!"')
    facts = analyze_python("app.py", secret)
    assert facts.sensitive
    assert not analyze_python("app.py", APP).sensitive


SNIPPETS = [
    "",
    "    n = 0",
    "x = 1",
    "import json",
    "import sqlite3 as db",
    "from os import path as TABLE",
    "# a comment",
    "    # indented comment",
    "def g():",
    "    return helper()",
    "        return QUERY",
    "@app.route('/x')",
    "TABLE = 'goods'",
    "QUERY = TABLE + ' x'",
    "QUERY += ' y'",
    "class K:",
    "    pass",
    "password = 'hunter2!'",
    "    token = 'abc'",
    "if TABLE:",
    "else:",
    "x = (",
    ")",
    '"""',
    "sql = QUERY; app = Flask(__name__)",
    "    sql = QUERY + TABLE",
    "    db.execute(sql)",
    "helper = Repo",
    "\\",
    "x = 1 + \\",
    "try:",
    "except Exception:",
]


DECODER = (Path(sys.modules["ast"].__file__).parent / "json" / "decoder.py").read_text("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([APP, DECODER]), line_edits(SNIPPETS))
def test_random_line_edits_give_the_full_analysis_facts(
    source: str, ops: list[tuple[str, float, str]]
) -> None:
    python_incremental.MEMOS.put("shop/app.py", None)
    for _ in range(2):
        analyze_python("shop/app.py", source)
    text = source
    for op in ops:
        text = apply(text, op)
        assert analyze_python("shop/app.py", text) == full("shop/app.py", text)


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


def test_lines_are_split_as_the_walk_splits_them() -> None:
    for source in ["a\nb\n", "a\r\nb\rc\n", "", "\n\r\n\r", "x = 1\r\n"]:
        expected = python_values.LINE_SPLIT.split(source)
        assert python_incremental.split_lines(source) == expected
        assert python_values.lines_of(source) == expected


def test_a_file_with_carriage_returns_is_edited_as_a_full_run_reads_it() -> None:
    source = APP.replace("\n", "\r\n")
    for _ in range(2):
        analyze_python("app.py", source)
    text = source.replace("import sqlite3\r\n", "import sqlite3\r\nimport json\r\n")
    assert walked("app.py", text) == 2  # the new import and the one below: the rest moved


def test_a_replaced_memo_waits_for_release_and_the_wait_is_bounded() -> None:
    memos = python_incremental.Memos()
    saved, python_incremental.MEMOS = python_incremental.MEMOS, memos
    try:
        for _ in range(2):
            analyze_python("app.py", APP)
        first = memos.get("app.py")
        edited = analyze_python("app.py", APP.replace("import sqlite3\n", "import sqlite3\n\n"))
        assert memos.retired == [first]  # the facts before the edit are not freed in it
        assert memos.get("app.py").facts is edited
        assert memos.release() == 1 and memos.retired == [] and memos.released == 1
        for index in range(3 * python_incremental._RETIRED_LIMIT):
            analyze_python("app.py", APP + f"x = {index}\n")
        assert len(memos.retired) == python_incremental._RETIRED_LIMIT
    finally:
        python_incremental.MEMOS = saved


def pause(fields: int) -> None:
    """A pause after a keystroke, long enough to make `fields` fields of the spare
    (all of them from 11 on): a change asked for then stops `prepare`."""
    memos = python_incremental.MEMOS
    made = facts_spare.copies
    count = 0

    def counted(field: str, records: list, delta: int = 0) -> facts_spare.Copies:
        nonlocal count
        count += 1
        if count >= fields:
            memos.changes += 1
        return made(field, records, delta)

    facts_spare.copies = counted
    try:
        memos.prepare()
    finally:
        facts_spare.copies = made


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([APP, DECODER]), line_edits(SNIPPETS), st.lists(st.integers(0, 12), min_size=12)
)
def test_random_line_edits_with_spares_give_the_full_analysis_facts_and_keep_the_old(
    source: str, ops: list[tuple[str, float, str]], pauses: list[int]
) -> None:
    """A pause after an edit makes (some of) the memo's spare (`facts_spare`); the next
    edit that moves lines moves its copies in place: every version's facts stay those
    of its text."""
    memos = python_incremental.MEMOS
    memos.put("shop/app.py", None)
    for _ in range(2):
        analyze_python("shop/app.py", source)
    versions = []
    text = source
    for op, fields in zip(ops, pauses, strict=False):
        if fields:
            pause(fields)
        text = apply(text, op)
        facts = analyze_python("shop/app.py", text)
        assert facts == full("shop/app.py", text)
        versions.append((text, facts))
    for text, facts in versions:  # no later edit moved a record handed out before
        assert facts == full("shop/app.py", text)


def test_a_short_pause_makes_part_of_the_spare_and_the_next_pause_the_rest() -> None:
    # a memos of its own: a pause makes the spares of every file edited lately
    memos = python_incremental.Memos()
    saved, python_incremental.MEMOS = python_incremental.MEMOS, memos
    try:
        for _ in range(2):
            analyze_python("app.py", APP)
        pause(2)
        spare = memos.get("app.py").spare
        assert spare is not None and len(spare.fields) == 2 and not spare.whole()
        text = APP.replace("import sqlite3\n", "import sqlite3\nimport json\n")
        assert analyze_python("app.py", text) == full("app.py", text)
        assert memos.spares_used == 1  # the fields it had were moved, the rest copied
        pause(99)
        assert memos.get("app.py").spare.whole()
    finally:
        python_incremental.MEMOS = saved


def test_an_import_added_at_the_top_moves_the_spare_once_and_makes_no_copy() -> None:
    memos = python_incremental.MEMOS
    memos.put("app.py", None)
    for _ in range(2):
        analyze_python("app.py", APP)
    text, used = APP, memos.spares_used
    versions = []
    for index in range(4):
        assert memos.prepare() >= 1  # other tests' files may be waiting too
        spare = memos.get("app.py").spare
        assert spare is not None
        text = text.replace("import sqlite3\n", f"import sqlite3\nimport mod_{index}\n")
        facts = analyze_python("app.py", text)
        assert memos.spares_used == used + index + 1
        later = next(c for c in facts.calls if c.name == "sqlite3.connect")
        assert any(later is c for c in spare.fields["calls"].records)  # moved, not copied
        assert memos.get("app.py").spare is None  # used up: taken by one edit only
        versions.append((text, facts))
    for text, facts in versions:
        assert facts == full("app.py", text)


def _spare_made(text: str) -> python_incremental.Memos:
    """`app.py` analysed as typed twice (so it has a memo), then its spare made, as in
    the pause after a keystroke."""
    memos = python_incremental.MEMOS
    memos.put("app.py", None)
    for _ in range(2):
        analyze_python("app.py", text)
    memos.prepare()
    return memos


def test_an_edit_that_moves_no_line_keeps_the_spare() -> None:
    memos = _spare_made(APP)
    text = APP.replace('"shop.db"', '"shop.sq"')
    facts = analyze_python("app.py", text)
    spare = memos.get("app.py").spare
    assert spare is not None and spare.facts is facts
    for field, part in spare.fields.items():  # moved a line ahead: see `Spare.delta`
        assert part.records == facts_shift.shifted(field, getattr(facts, field), spare.delta)
    moved = text.replace("import sqlite3\n", "import sqlite3\nimport json\n")
    assert analyze_python("app.py", moved) == full("app.py", moved)
    assert facts == full("app.py", text)


def test_two_analyses_from_one_memo_move_its_spare_once() -> None:
    """As when the scan thread and the editor's analysis start from the same memo."""
    memos = _spare_made(APP)
    memo = memos.get("app.py")
    one = APP.replace("import sqlite3\n", "import sqlite3\nimport json\n")
    first = analyze_python("app.py", one)
    memos.put("app.py", memo)  # the other analysis got this memo before the first put
    two = APP.replace("import sqlite3\n", "import sqlite3\n\n\nimport json\n")
    assert analyze_python("app.py", two) == full("app.py", two)
    assert first == full("app.py", one)


@pytest.mark.parametrize(
    "typed",
    [
        '    return {"row": row, "q": request.args.get("p")}',  # as many spans
        "    return {}",  # fewer spans in the statement
        '    return {"row": row, "q": request.args.get("q", str(row), int("3"))}',  # more
    ],
)
def test_a_spare_kept_through_an_edit_in_place_then_moves_the_lines_below(typed: str) -> None:
    memos = _spare_made(APP)
    same = APP.replace('    return {"row": row, "q": request.args.get("q")}', typed)
    assert analyze_python("app.py", same) == full("app.py", same)
    assert memos.get("app.py").spare is not None  # kept: no line moved
    below = same.replace('    table: str = "items"\n', '    table: str = "items"\n    n = 1\n')
    used = memos.spares_used
    assert analyze_python("app.py", below) == full("app.py", below)
    assert memos.spares_used == used + 1
