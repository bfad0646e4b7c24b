"""In the editor, a SQL-injection lesson on a SQLAlchemy line teaches `text()` with
`:name` parameters (diagnostic, hover, quick fix, code lens explanation), and applying
the fix clears it (`tests/fixtures/sqlalchemy/bookshop`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from lsp_client import apply_edits, coach
from lsprotocol import types

SHOP = Path(__file__).resolve().parents[1] / "fixtures" / "sqlalchemy" / "bookshop"
REPO = "bookshop/repository.py"


def _rc301(session, rel: str) -> list[types.Diagnostic]:
    return [d for d in session.diagnostics(rel) if d.code == "RC301"]


async def test_sqlalchemy_lines_are_taught_with_text_and_the_fix_clears_the_lesson(
    workspace: Path, store: Path
) -> None:
    shutil.copytree(SHOP, workspace, dirs_exist_ok=True)
    text = (workspace / REPO).read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines()) if 'session.execute(f"' in t)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        session.open(REPO)
        # the milestone part of the hover is what the workspace scan found and recorded
        await session.wait_stats("the scan", lambda s: s["scan"] != "")
        await session.wait_for("RC301", lambda: _rc301(session, REPO))
        diagnostic = next(d for d in _rc301(session, REPO) if d.range.start.line == line)
        # plain text, as LSP messages are: no backticks
        assert "text()" in diagnostic.message and ":name" in diagnostic.message
        assert "`" not in diagnostic.message

        hover = await session.hover(REPO, line, diagnostic.range.start.character + 2)
        assert hover is not None and "`text()`" in hover
        assert "SQLAlchemy" in hover.split("---")[-1]  # the milestone part of the hover
        assert "cursor" not in hover

        lenses = await session.client.text_document_code_lens_async(
            types.CodeLensParams(text_document=types.TextDocumentIdentifier(session.uri(REPO)))
        )
        query = next(
            lens for lens in lenses or [] if lens.command and "SQL query" in lens.command.title
        )
        assert query.command is not None and query.range.start.line == line
        explained = await session.command(query.command.command, *(query.command.arguments or []))
        page = explained["text"]
        assert "SQLAlchemy" in page and "cursor" not in page

        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(session.uri(REPO)),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        fix = next(
            a for a in actions or [] if isinstance(a, types.CodeAction) and "text()" in a.title
        )
        assert fix.edit is not None and fix.edit.changes is not None
        fixed = apply_edits(text, fix.edit.changes[session.uri(REPO)])
        assert 'text("SELECT * FROM book WHERE author = :author"), {"author": author}' in fixed
        session.change(REPO, fixed)
        await session.wait_for(
            "the lesson to go",
            lambda: not [d for d in _rc301(session, REPO) if d.range.start.line == line],
        )
