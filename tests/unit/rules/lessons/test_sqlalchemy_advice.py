"""RC301 advice fits the library: on SQLAlchemy (`session.execute(f"…")`,
`conn.execute(text(f"…"))`) the message, the hover and the quick fix use `text()` with
`:name` parameters, and the milestone hover on such a line speaks of SQLAlchemy; the
project's sqlite3 script keeps the DB-API advice (`tests/fixtures/sqlalchemy/bookshop`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from lesson_workspace import Workspace

from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.lsp.hover import hover_markdown, lesson_pages
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine, Findings, Milestone
from roadmap_coach.rules.lessons import all_lessons

SHOP = Path(__file__).resolve().parents[3] / "fixtures" / "sqlalchemy" / "bookshop"
REPO = "bookshop/repository.py"
LEGACY = "bookshop/legacy_import.py"


def line(path: str, snippet: str) -> int:
    """0-based, as findings count."""
    lines = (SHOP / path).read_text(encoding="utf-8").splitlines()
    hits = [n for n, text in enumerate(lines) if snippet in text]
    assert len(hits) == 1, hits
    return hits[0]


@pytest.fixture(scope="module")
def engine() -> Engine:
    roadmap, _ = load_roadmap()
    return Engine(roadmap)


@pytest.fixture(scope="module")
def findings(engine: Engine) -> Findings:
    return engine.evaluate(collect_workspace(str(SHOP)))


def rc301(findings: Findings, path: str, at: int):
    found = [f for f in findings.lessons if f.code == "RC301" and f.path == path]
    assert [f.span.line for f in found if f.span.line == at] == [at], found
    return next(f for f in found if f.span.line == at)


def test_session_execute_of_an_f_string_is_taught_with_text_and_named_parameters(
    findings: Findings,
) -> None:
    finding = rc301(findings, REPO, line(REPO, 'session.execute(f"SELECT'))
    assert "`text()`" in finding.message and ":name" in finding.message
    assert 'session.execute(text("… WHERE name = :name"), {"name": name})' in finding.message
    assert "`?`" not in finding.message and "%s" not in finding.message
    assert finding.fix is not None and "text()" in finding.fix.title


def test_text_of_an_f_string_is_taught_with_bindparams(findings: Findings) -> None:
    finding = rc301(findings, REPO, line(REPO, 'conn.execute(text(f"SELECT'))
    assert ".bindparams(name=name)" in finding.message and "`?`" not in finding.message


def test_the_sqlite3_script_keeps_the_db_api_advice(findings: Findings) -> None:
    finding = rc301(findings, LEGACY, line(LEGACY, 'cur.execute(f"SELECT'))
    assert "`?` placeholders" in finding.message and "text()" not in finding.message


def test_the_fix_gives_sqlalchemy_code_that_parses_and_clears_the_lesson(
    findings: Findings,
) -> None:
    files = {REPO: (SHOP / REPO).read_text(encoding="utf-8")}
    finding = rc301(findings, REPO, line(REPO, 'session.execute(f"SELECT'))
    assert finding.fix is not None
    workspace = Workspace(files)
    workspace.apply(finding.fix)
    after = workspace.files[REPO]
    ast.parse(after)
    assert (
        '    return session.execute(text("SELECT * FROM book WHERE author = :author"), '
        '{"author": author}).all()\n' in after
    )
    remaining = [f.span.line for f in workspace.findings("RC301")]
    assert remaining == [line(REPO, 'conn.execute(text(f"SELECT')]  # the other one


def on_line(findings: Findings, path: str, at: int) -> list[Milestone]:
    """The milestones whose evidence is on the line (where the server puts their lens)."""
    return [
        m
        for m in findings.milestones
        if any((e.path, e.span.line) == (path, at) for e in m.evidence)
    ]


def test_hovers_on_a_sqlalchemy_line_speak_of_sqlalchemy(
    engine: Engine, findings: Findings
) -> None:
    roadmap = engine.roadmap
    pages = lesson_pages(all_lessons())
    at = line(REPO, 'session.execute(f"SELECT')
    here = on_line(findings, REPO, at)
    text = hover_markdown(roadmap, REPO, at, 30, here, findings.lessons, pages, ())
    assert text is not None
    lesson, *milestones = text.split("\n\n---\n\n")
    milestone = next(m for m in milestones if "Your first SQL query" in m)
    assert "`text()`" in lesson and ":name" in lesson
    assert "Milestone: Your first SQL query from Python" in milestone
    assert "SQLAlchemy" in milestone and "text()" in milestone
    assert "cursor" not in milestone and "DB-API" not in milestone
    safe = line(REPO, 'session.execute(text("SELECT * FROM book WHERE price')
    text = hover_markdown(roadmap, REPO, safe, 0, on_line(findings, REPO, safe), [], pages, ())
    assert text is not None and "SQLAlchemy" in text and "cursor" not in text


def test_hover_on_the_sqlite3_line_still_speaks_of_a_db_api_cursor(
    engine: Engine, findings: Findings
) -> None:
    at = line(LEGACY, 'cur.execute(f"SELECT')
    here = on_line(findings, LEGACY, at)
    text = hover_markdown(engine.roadmap, LEGACY, at, 0, here, [], {}, ())
    assert text is not None
    assert "DB-API" in text and "cursor" in text and "SQLAlchemy" not in text
