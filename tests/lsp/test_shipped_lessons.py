"""The shipped lessons, end to end through the server: an f-string SQL query is a
security warning with its lesson page, and applying its quick fix both clears it
and counts as a milestone."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from lsp_client import apply_edits, coach
from lsprotocol import types

DB = """import sqlite3


def find(name):
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return cur.fetchall()
"""


async def test_fixing_an_sql_injection_with_the_quick_fix_is_a_milestone(
    workspace: Path, store: Path
) -> None:
    (workspace / "db.py").write_text(DB)
    async with coach(workspace, store, rich=True, init_options={"debounceMs": 0}) as session:
        session.open("db.py")
        found = await session.wait_for(
            "RC301", lambda: [d for d in session.diagnostics("db.py") if d.code == "RC301"]
        )
        assert found[0].severity == types.DiagnosticSeverity.Warning
        assert found[0].code_description is not None
        page = urlparse(found[0].code_description.href)  # the page on this machine
        assert page.scheme == "file" and page.path.endswith("/RC301.md")
        assert Path(unquote(page.path)).is_file()
        assert found[0].range.start.line == 6
        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(session.uri("db.py")),
                range=found[0].range,
                context=types.CodeActionContext(diagnostics=found),
            )
        )
        fix = next(
            a for a in actions or []
            if isinstance(a, types.CodeAction) and a.is_preferred and a.kind == types.CodeActionKind.QuickFix
        )  # fmt: skip
        assert fix.edit is not None and fix.edit.changes is not None
        fixed = apply_edits(DB, list(fix.edit.changes[session.uri("db.py")]))
        assert "?" in fixed and 'f"SELECT' not in fixed
        session.change("db.py", fixed)
        await session.wait_for(
            "RC301 to go",
            lambda: not [d for d in session.diagnostics("db.py") if d.code == "RC301"],
        )
        ids = await session.wait_for(
            "the milestones",
            lambda: (
                {m["id"] for m in session.milestones}
                >= {"sec.parametrized-sql", "sec.lesson-fixed"}
                and {m["id"] for m in session.milestones}
            ),
        )
        assert "db.sql-query" in ids
