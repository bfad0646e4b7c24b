"""Lessons in the editor: diagnostics (pushed, or pulled by clients that can), hover on
a lesson, its quick fix and "ignore on this line" as code actions. These run the server
with one test-only lesson (tests/lsp/lesson_server.py) next to the shipped ones."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsp_client import HERE, Coach, coach
from lsprotocol import types

SERVER = [sys.executable, str(HERE / "lesson_server.py")]
SETTINGS = 'import os\n\nDEBUG = True\nSECRET_KEY = os.environ["SECRET_KEY"]\n'
HREF = "https://course.example.test/coach/docs/rules/RC599.md"  # lesson_server.COURSE_DOCS
UNICODE = 'x = "héllo😀"; DEBUG = True\n'
IN_STRING = 'DEBUG = True; NOTE = """a note\nthat goes on"""\n'

# One server (push diagnostics, plain client) serves the tests that do not need their own.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Coach]:
    base = tmp_path_factory.mktemp("lessons")
    workspace = base / "ws"
    workspace.mkdir()
    for name, text in {
        "settings.py": SETTINGS,
        "fixme.py": SETTINGS,
        "other.py": "DEBUG = True\n",  # never opened: published after the scan
        "unicode.py": UNICODE,
        "in_string.py": IN_STRING,
    }.items():
        (workspace / name).write_text(text)
    async with coach(
        workspace, base / "store.sqlite3", server=SERVER, init_options={"debounceMs": 0}
    ) as session:
        yield session


def _ours(diagnostics: list[types.Diagnostic], code: str = "RC599") -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == code]


async def _actions(session: Coach, rel: str, line: int) -> list[types.CodeAction]:
    rng = types.Range(types.Position(line, 0), types.Position(line, 0))
    result = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(session.uri(rel)),
            range=rng,
            # what Neovim sends: the diagnostics of the cursor's line
            context=types.CodeActionContext(
                diagnostics=[d for d in session.diagnostics(rel) if d.range.start.line == line]
            ),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def test_lessons_are_pushed_as_diagnostics_with_a_lesson_page(shared: Coach) -> None:
    shared.open("settings.py")
    found = await shared.wait_for("a diagnostic", lambda: _ours(shared.diagnostics("settings.py")))
    diagnostic = found[0]
    assert diagnostic.source == "roadmap-coach"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.code_description is not None and diagnostic.code_description.href == HREF
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (2, 0)
    assert diagnostic.message == "DEBUG is on in code that could ship"
    await shared.wait_for(
        "the unopened file's diagnostic", lambda: _ours(shared.diagnostics("other.py"))
    )


async def test_columns_are_counted_in_the_editors_encoding(shared: Coach) -> None:
    shared.open("unicode.py")
    found = await shared.wait_for("a diagnostic", lambda: _ours(shared.diagnostics("unicode.py")))
    # é is 2 UTF-8 bytes but 1 UTF-16 unit, 😀 is 4 bytes but 2 units
    assert found[0].range.start.character == len('x = "héllo😀"; '.encode("utf-16-le")) // 2


async def test_hover_on_a_lesson_explains_why_and_links_its_page(shared: Coach) -> None:
    shared.open("settings.py")
    text = await shared.hover("settings.py", 2, 3)
    assert text is not None
    assert "RC599" in text and "Debug mode left on" in text
    assert "Why it matters" in text and "stack traces" in text
    assert HREF in text and "Roadmap step 5" in text
    assert await shared.hover("settings.py", 0, 2) is None  # `import os` teaches nothing


async def test_quick_fix_and_ignore_are_offered_as_code_actions(shared: Coach) -> None:
    shared.open("fixme.py")
    await shared.wait_for("a diagnostic", lambda: _ours(shared.diagnostics("fixme.py")))
    actions = {a.title: a for a in await _actions(shared, "fixme.py", 2)}
    fix = actions["Turn debug mode off"]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.diagnostics
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[shared.uri("fixme.py")]
    assert (edit.range.start.character, edit.range.end.character, edit.new_text) == (
        8,
        12,
        "False",
    )
    ignore = actions["Ignore RC599 on this line"]
    assert ignore.edit is not None and ignore.edit.changes is not None
    (insert,) = ignore.edit.changes[shared.uri("fixme.py")]
    assert insert.new_text == "  # coach: ignore[RC599]"
    assert insert.range.start == types.Position(2, 12)
    shared.insert("fixme.py", 2, 12, insert.new_text)
    await shared.wait_for(
        "the ignored lesson to go", lambda: not _ours(shared.diagnostics("fixme.py"))
    )
    assert await _actions(shared, "fixme.py", 0) == []


async def test_no_ignore_comment_is_offered_where_it_would_change_the_code(shared: Coach) -> None:
    shared.open("in_string.py")
    await shared.wait_for("a diagnostic", lambda: _ours(shared.diagnostics("in_string.py")))
    titles = [a.title for a in await _actions(shared, "in_string.py", 0)]
    assert "Turn debug mode off" in titles
    assert "Ignore RC599 on this line" not in titles


async def test_an_edit_that_fixes_a_lesson_clears_it_and_counts_as_sec_lesson_fixed(
    workspace: Path, store: Path
) -> None:
    (workspace / "settings.py").write_text(SETTINGS)
    async with coach(
        workspace, store, server=SERVER, rich=True, init_options={"debounceMs": 0}
    ) as session:
        session.open("settings.py")
        await session.wait_for("a diagnostic", lambda: _ours(session.diagnostics("settings.py")))
        session.change("settings.py", SETTINGS.replace("DEBUG = True", "DEBUG = False"))
        await session.wait_for(
            "the lesson to go", lambda: not _ours(session.diagnostics("settings.py"))
        )
        note = await session.wait_for(
            "sec.lesson-fixed",
            lambda: [m for m in session.milestones if m["id"] == "sec.lesson-fixed"],
        )
        assert note[0]["evidence"]["uri"] == session.uri("settings.py")


async def test_clients_that_pull_get_diagnostics_by_request_and_no_push(
    workspace: Path, store: Path
) -> None:
    (workspace / "settings.py").write_text(SETTINGS)
    async with coach(
        workspace, store, server=SERVER, editor="neovim@v0.10.0", init_options={"debounceMs": 0}
    ) as session:
        session.open("settings.py")
        ident = types.TextDocumentIdentifier(session.uri("settings.py"))
        report = await session.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=ident)
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        assert [d.code for d in _ours(list(report.items))] == ["RC599"]
        again = await session.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=ident, previous_result_id=report.result_id)
        )
        assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
        session.change("settings.py", SETTINGS.replace("DEBUG = True\n", ""))
        fixed = await session.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=ident, previous_result_id=report.result_id)
        )
        assert isinstance(fixed, types.RelatedFullDocumentDiagnosticReport)
        assert not _ours(list(fixed.items))
        assert session.uri("settings.py") not in session.client.diagnostics
