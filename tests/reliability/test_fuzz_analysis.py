"""Analysis never raises: any text as Python, any bytes under any file name, nesting
deep enough to exhaust the parser or the walker. A file that cannot be read as what
its name says carries an `error` (a reason a learner can read) instead, and its facts
still survive the cache's JSON round trip."""

from __future__ import annotations

import ast
import keyword
import warnings

from fuzz_budget import FUZZ_SETTINGS, scaled
from hypothesis import given
from hypothesis import strategies as st

from roadmap_coach.analysis.encoding import split_lines
from roadmap_coach.analysis.facts import FileFacts, WorkspaceFacts
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.python_facts import analyze_python
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine

ROADMAP, _ = load_roadmap()
ENGINE = Engine(ROADMAP)

# -- Python-ish text -------------------------------------------------------------------

KEYWORDS = [*keyword.kwlist, *keyword.softkwlist, "print", "self", "cls", "super", "__init__"]
SYMBOLS = [
    *"()[]{}:;,.=+-*/%@&|^~<>!\\'\"#",
    "**", "//", "->", ":=", "==", "!=", "...", 'f"', "f'", 'rb"', '"""', "'''", "{x!r:>{w}}",
    "\n", "\n    ", "\n        ", "\t", "\r\n", "\r", "\x0c", " ", "0x1F", "1e-3", "2j",
    "1_000", "é", "名前", "😀", "\u2028", "\ufeff", "# coach: ignore[RC501]",
]  # fmt: skip
NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
TOKEN = st.one_of(st.sampled_from(KEYWORDS), st.sampled_from(SYMBOLS), NAMES)
PYTHONISH = st.lists(TOKEN, max_size=80).flatmap(
    lambda tokens: st.sampled_from([" ", ""]).map(lambda sep: sep.join(tokens))
)

# Real learner code, then cut and spliced the way half-typed code looks.
SNIPPETS = [
    'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/login", '
    'methods=["GET", "POST"])\ndef login():\n    name = request.form["name"]\n    '
    'cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")\n    return "ok"\n',
    "import sqlite3\n\nclass Repo:\n    def __init__(self, path: str = ':memory:') -> None:\n"
    "        self.db = sqlite3.connect(path)\n\n    async def get(self, key):\n"
    "        async with self.lock:\n            return [r async for r in self.rows(key)]\n",
    "try:\n    import json\nexcept* (ValueError, TypeError) as group:\n    pass\n"
    'match command.split():\n    case ["go", direction] if direction in exits:\n'
    "        move(direction)\n    case _:\n        pass\n",
    'SECRET_KEY = "s3cr3t"\nquery = "SELECT " + field + " FROM t WHERE id = %s" % (uid,)\n'
    "with open(p) as f, lock:\n    data = {**defaults, 'k': lambda x=[]: x}\n",
]


@st.composite
def half_typed(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SNIPPETS))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 20)))
        text = text[:start] + draw(st.one_of(st.just(""), TOKEN)) + text[end:]
    return text


NEST_OPEN = {
    "paren": ("(", ")"),
    "list": ("[", "]"),
    "call": ("f(", ")"),
    "dict": ("{'k': ", "}"),
    "subscript": ("a[", "]"),
    "fstring": ("f'{", "}'"),
}
PREFIX_CHAINS = ("-", "not ", "lambda: ", "await ", "yield ", "*", "1 if c else ")


@st.composite
def deeply_nested(draw: st.DrawFn) -> str:
    """Nesting that reaches the tokenizer's bracket limit, the parser's stack or the
    walker's recursion limit."""
    depth = draw(st.integers(1, 5_000))
    shape = draw(st.sampled_from(["brackets", "prefix", "chain", "binop", "indent"]))
    if shape == "brackets":
        opener, closer = NEST_OPEN[draw(st.sampled_from(sorted(NEST_OPEN)))]
        body = opener * depth + "1" + closer * depth
    elif shape == "prefix":
        body = draw(st.sampled_from(PREFIX_CHAINS)) * depth + "1"
    elif shape == "chain":
        body = "a" + draw(st.sampled_from([".b", "()", "[0]", ".c()"])) * depth
    elif shape == "binop":
        body = "'s'" + draw(st.sampled_from([" + x", " + 's'", " % y", " < 1", " and z"])) * depth
    else:
        levels = min(depth, 150)
        lines = [" " * i + "if x:" for i in range(levels)]
        return "\n".join([*lines, " " * levels + "pass", ""])
    where = draw(st.sampled_from(["x = {}\n", "def f():\n    q = {}\n    cur.execute(q)\n"]))
    return where.format(body)


def assert_sound(facts: FileFacts, text: str) -> None:
    assert isinstance(facts, FileFacts)
    if facts.error is not None:
        assert facts.error.strip(), "an error must say why"
    if facts.error_line is not None:
        assert 0 <= facts.error_line <= max(len(split_lines(text)), text.count("\n")) + 1
    # What the cache stores must load back to the same facts.
    dumped = facts.to_json()
    assert FileFacts.from_json(dumped).to_json() == dumped


def assert_rules_survive(facts: FileFacts) -> None:
    """The engine and every lesson take whatever facts analysis produced."""
    ws = WorkspaceFacts(root="/ws", files={facts.path: facts})
    findings = ENGINE.evaluate(ws)
    for lesson in findings.lessons:
        assert lesson.path == facts.path


@FUZZ_SETTINGS
@given(text=st.one_of(PYTHONISH, half_typed(), st.text(max_size=300)))
def test_any_text_gives_python_facts_or_a_reason_never_an_exception(text: str) -> None:
    facts = analyze_python("app/views.py", text)
    assert_sound(facts, text)
    assert_rules_survive(facts)


@scaled(25)
@given(text=deeply_nested())
def test_nesting_deep_enough_to_exhaust_the_parser_is_reported_not_raised(text: str) -> None:
    facts = analyze_python("app.py", text)
    assert_sound(facts, text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, RecursionError, MemoryError):
        assert facts.error is not None  # what the parser refused is never silently empty
    assert_rules_survive(facts)


def test_a_walk_deeper_than_the_recursion_limit_is_reported() -> None:
    # 3,000 string pieces joined with `+` parse fine but nest deeper than the walker goes.
    text = "def f(b):\n    q = 'a'" + " + b" * 3_000 + "\n    cur.execute(q)\n"
    facts = analyze_python("app.py", text)
    assert facts.error is not None and "deep" in facts.error
    assert_sound(facts, text)


NAMES_TO_TRY = [
    "app.py",
    "pkg/__init__.py",
    "pyproject.toml",
    "Pipfile",
    "requirements.txt",
    "requirements/dev.in",
    "Dockerfile",
    "docker-compose.yml",
    ".github/workflows/ci.yml",
    "nginx/default",
    "templates/index.html",
    "setup.cfg",
    ".gitignore",
    ".env",
    "poetry.lock",
    "logo.png",
    "notes",
]
BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"]
CODINGS = [b"", b"# -*- coding: latin-1 -*-\n", b"# coding: utf-16\n", b"# coding: nope\n"]


@st.composite
def file_bytes(draw: st.DrawFn) -> bytes:
    body = draw(
        st.one_of(
            st.binary(max_size=400),
            PYTHONISH.map(lambda t: t.encode("utf-8", "surrogatepass")),
            st.text(max_size=200).flatmap(
                lambda t: st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1", "cp1252"]).map(
                    lambda enc: t.encode(enc, "replace")
                )
            ),
        )
    )
    return draw(st.sampled_from(BOMS)) + draw(st.sampled_from(CODINGS)) + body


@FUZZ_SETTINGS
@given(name=st.sampled_from(NAMES_TO_TRY), data=file_bytes())
def test_any_bytes_under_any_file_name_give_facts_never_an_exception(
    name: str, data: bytes
) -> None:
    facts = analyze_bytes(name, data)
    assert facts.path == name and facts.size == len(data)
    assert_sound(facts, data.decode("latin-1"))
    assert_rules_survive(facts)


def test_nul_bytes_utf16_and_undecodable_python_are_reasons_not_crashes() -> None:
    cases = {
        b"import os\x00\x00\x00": "binary",
        "import flask\n".encode("utf-16"): None,  # with a BOM: read as UTF-16
        b"x = '\xff\xfe caf\xe9'\n": "UTF-8",
        bytes(range(256)): "binary",
    }
    for data, reason in cases.items():
        facts = analyze_bytes("app.py", data)
        if reason is None:
            assert facts.error is None and [i.module for i in facts.imports] == ["flask"]
        else:
            assert facts.error is not None and reason in facts.error
