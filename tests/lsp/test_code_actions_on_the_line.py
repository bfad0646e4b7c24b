"""Quick fixes from anywhere on a flagged line: the cursor at column 0 (an empty range,
what Neovim's `vim.lsp.buf.code_action()` sends), a range anywhere on the line, or the
diagnostics the client names in `context` are enough. The lesson's own fix comes
first, "Ignore CODE on this line" after."""

from __future__ import annotations

from pathlib import Path

from lsp_client import Coach, coach
from lsprotocol import types

APP = """from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"


if __name__ == "__main__":
    app.run(debug=True)
"""
LINE = 11  # app.run(debug=True): the lesson's range starts after column 0


async def _rc502(session: Coach) -> types.Diagnostic:
    session.open("app.py")
    found = await session.wait_for(
        "RC502", lambda: [d for d in session.diagnostics("app.py") if d.code == "RC502"]
    )
    return found[0]


async def _titles(session: Coach, rng: types.Range, context: list[types.Diagnostic]) -> list[str]:
    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(session.uri("app.py")),
            range=rng,
            context=types.CodeActionContext(diagnostics=context),
        )
    )
    return [a.title for a in actions or [] if isinstance(a, types.CodeAction)]


def _at(line: int, start: int, end: int | None = None) -> types.Range:
    return types.Range(
        types.Position(line, start), types.Position(line, start if end is None else end)
    )


async def test_the_cursor_at_column_0_of_a_flagged_line_gets_the_fix_then_ignore(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        diagnostic = await _rc502(session)
        assert diagnostic.range.start.line == LINE and diagnostic.range.start.character > 0
        for context in ([], [diagnostic]):  # with and without the client's diagnostics
            titles = await _titles(session, _at(LINE, 0), context)
            assert len(titles) == 2, titles
            assert not titles[0].startswith("Ignore")
            assert titles[1] == "Ignore RC502 on this line"


async def test_a_range_anywhere_on_the_line_gets_the_same_actions(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        diagnostic = await _rc502(session)
        on_it = await _titles(session, diagnostic.range, [diagnostic])
        end_of_line = len("    app.run(debug=True)")
        for rng in (_at(LINE, 0, 4), _at(LINE, end_of_line), _at(LINE, 2, end_of_line)):
            assert await _titles(session, rng, []) == on_it
        assert await _titles(session, _at(LINE - 1, 0), []) == []  # the line above: nothing


async def test_diagnostics_named_in_the_context_get_their_actions_from_any_range(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        diagnostic = await _rc502(session)
        blank = 4  # no lesson on it
        assert await _titles(session, _at(blank, 0), []) == []
        titles = await _titles(session, _at(blank, 0), [diagnostic])
        assert titles[-1] == "Ignore RC502 on this line" and len(titles) == 2
        stranger = types.Diagnostic(
            range=diagnostic.range, message="not ours", code="RC502", source="other-tool"
        )
        assert await _titles(session, _at(blank, 0), [stranger]) == []
