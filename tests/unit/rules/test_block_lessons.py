"""Typing in a file runs the block-local lessons only on the top-level statements that
changed; the findings are those of a full run, edit after edit (a hint goes as soon
as its cause is fixed, and one that stays moves with its line)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from full_analysis import full
from line_edits import apply, line_edits
from roadmap_coach.analysis import python_incremental
from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.analysis.python_facts import analyze_python
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.block_lessons import BlockLessons
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.lessons import all_lessons

PATH = "shop/app.py"
APP = '''\
"""A shop."""
import hashlib
import requests
from flask import Flask, request
from flask_wtf.csrf import CSRFProtect
from yaml import load
import jwt

app = Flask(__name__)
API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
csrf = CSRFProtect(app)


@app.route("/pay", methods=["POST"])
@csrf.exempt
def pay():
    password = request.form["password"]
    digest = hashlib.md5(password.encode()).hexdigest()
    requests.post("https://pay.example", data={"d": digest}, verify=False)
    return "ok"


def check(user):
    if user.password == request.form["password"]:
        return True
    return False


def settings(data, token):
    return load(data), jwt.decode(token, options={"verify_signature": False})


class Config:
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "a-very-secret-value-123"


if __name__ == "__main__":
    app.run(debug=True)
'''

SNIPPETS = [
    "",
    "    n = 0",
    "x = 1",
    "import os",
    "# a comment",
    "def g():",
    "    return 1",
    "TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'",
    "    requests.get(url, verify=False)",
    "    hashlib.sha1(password).hexdigest()",
    "app.run(debug=True)",
    "    DEBUG = True",
    "class K:",
    "    pass",
    '"""',
    "x = (",
    ")",
    "if x:",
    "    user.password = request.form['pw']",
    "import mod_a",
    "from flask import g",
    "import flask_socketio",
    "import os as o",
    "from os import path",
    "from __future__ import annotations",
    "import yaml",
    "    jwt.decode(t, verify=False)",
    "    load(data)",
]


ENGINE = Engine(load_roadmap()[0])
CONTEXT = ENGINE.context([], GitFacts())


def typed(blocks: BlockLessons, text: str) -> tuple[list, list]:
    """The lessons of the typed text with `blocks`, and those of a full run."""
    facts = analyze_python(PATH, text)
    return (
        ENGINE.lessons_for(facts, CONTEXT, blocks=blocks),
        ENGINE.lessons_for(full(PATH, text), CONTEXT),
    )


def opened(source: str) -> BlockLessons:
    python_incremental.MEMOS.put(PATH, None)
    blocks = BlockLessons()
    for _ in range(2):  # the second analysis of a path keeps a memo
        typed(blocks, source)
    return blocks


def test_the_shop_has_a_finding_of_every_block_local_lesson() -> None:
    got, want = typed(opened(APP), APP)
    assert got == want
    codes = {f.code for f in want}
    assert {lesson.code for lesson in ENGINE.block_lessons} <= codes


def test_a_line_typed_in_a_function_runs_the_lessons_on_that_function_only() -> None:
    blocks = opened(APP)
    run, kept = blocks.statements_run, blocks.statements_kept
    text = APP.replace('    return "ok"', '    n = 0\n    return "ok"')
    got, want = typed(blocks, text)
    assert got == want
    assert blocks.statements_run == run + 1  # `pay`, walked again
    assert blocks.statements_kept > kept  # the others' findings kept, or moved a line
    assert [f.span.line for f in got if f.code == "RC502"] == [
        f.span.line for f in want if f.code == "RC502"
    ]


def test_a_fixed_cause_takes_its_finding_away_at_once() -> None:
    blocks = opened(APP)
    fixed = APP.replace(", verify=False)", ")")
    got, want = typed(blocks, fixed)
    assert got == want and "RC507" not in {f.code for f in got}


def test_a_new_import_looks_at_every_statement_again() -> None:
    blocks = opened(APP)
    run = blocks.statements_run
    text = APP.replace("import hashlib\n", "import hashlib\nimport os\n")
    got, want = typed(blocks, text)
    assert got == want  # the fixes no longer add `import os`
    assert blocks.statements_run - run > 5


def test_an_import_no_lesson_reads_keeps_the_findings_of_the_other_statements() -> None:
    blocks = opened(APP)
    run, kept = blocks.statements_run, blocks.statements_kept
    text = APP.replace("import hashlib\n", "import mod_a\nimport hashlib\n")
    got, want = typed(blocks, text)
    assert got == want  # every finding below moved a line
    assert blocks.statements_run - run <= 2  # the new import, and the one it joins
    assert blocks.statements_kept > kept


def test_an_import_a_fix_reads_changes_that_fix_below() -> None:
    blocks = opened(APP)
    text = APP.replace("import hashlib\n", "import hashlib\nimport yaml\n")
    got, want = typed(blocks, text)
    assert got == want  # the `yaml.safe_load` fix no longer adds `import yaml`


def test_a_statement_between_docstring_and_imports_changes_the_import_fixes() -> None:
    blocks = opened(APP)
    text = APP.replace('"""A shop."""\n', '"""A shop."""\nx = 1\n')
    got, want = typed(blocks, text)
    assert got == want  # `import os` no longer joins an import block: a blank line after it


def test_a_future_import_above_the_docstring_changes_where_the_import_fixes_go() -> None:
    # found by the random edits below: the docstring becomes a plain string, so a new
    # import goes right below `from __future__`, not where the kept fixes moved to
    blocks = opened(APP)
    text = APP.replace('"""A shop."""\n', '"""A shop."""\nx = 1\n')
    got, want = typed(blocks, text)
    assert got == want
    got, want = typed(blocks, "from __future__ import annotations\n" + text)
    assert got == want


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line_edits(SNIPPETS))
def test_random_line_edits_give_the_findings_of_a_full_run(
    ops: list[tuple[str, float, str]],
) -> None:
    blocks = opened(APP)
    text = APP
    for op in ops:
        text = apply(text, op)
        got, want = typed(blocks, text)
        assert got == want


def test_no_block_local_lesson_reads_the_workspace() -> None:
    # a kept finding is re-used while the file's own facts stand: one that depended on
    # other files could outlive a change to them made in the same batch as a keystroke
    both = [type(x).__name__ for x in all_lessons() if x.block_local and x.reads_workspace]
    assert both == []
    assert any(x.block_local for x in all_lessons())
