"""A quick fix that edits another file (RC901 adds the package to requirements.txt): the
edit leaves that file well formed, ending in exactly one line break, whatever it ended
with before; a client that can show documents is asked to show the file once the edit
is applied (the code action's `roadmapCoach.showFile` command), one that cannot gets
the edit alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Union

import pytest
from lsp_client import Coach, apply_edits, coach
from lsprotocol import types

APP = "from flask import Flask\n\napp = Flask(__name__)\n"
NEOVIM_07 = "neovim@v0.7.0"  # no window/showDocument
VSCODE = "visual_studio_code@v1.65.2"  # shows documents


def _read_actions_like_editors(session: Coach) -> None:
    """lsprotocol (under pygls clients such as this test's) reads any code action that has
    a `command` member as a Command, losing its edit; VS Code and Neovim tell them apart
    by whether `command` is a string. Read them that way here."""

    def action(obj: Any, _: type) -> types.Command | types.CodeAction:
        kind = types.Command if isinstance(obj.get("command"), str) else types.CodeAction
        return converter.structure(obj, kind)

    converter = session.client.protocol._converter
    converter.register_structure_hook(types.Command | types.CodeAction, action)
    converter.register_structure_hook(Union[types.Command, types.CodeAction], action)  # noqa: UP007


async def _rc901_fix(session: Coach, *, has_file: bool) -> types.CodeAction:
    _read_actions_like_editors(session)
    session.open("app.py")
    # once the workspace scan has read requirements.txt (if there is one)
    wording = "does not declare" if has_file else "no requirements.txt"
    found = await session.wait_for(
        "RC901",
        lambda: [
            d for d in session.diagnostics("app.py") if d.code == "RC901" and wording in d.message
        ],
    )
    start = types.Position(found[0].range.start.line, 0)  # the cursor at column 0
    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(session.uri("app.py")),
            range=types.Range(start, start),
            context=types.CodeActionContext(diagnostics=found),
        )
    )
    fixes = [a for a in actions or [] if isinstance(a, types.CodeAction) and a.is_preferred]
    assert fixes, actions
    return fixes[0]


def _edits_for(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    edit = action.edit
    assert edit is not None
    if edit.changes is not None:
        return list(edit.changes[uri])
    found: list[Any] = []
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found += change.edits
    return found


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, "flask\n"),
        ("", "flask\n"),
        ("django", "django\nflask\n"),
        ("django\n", "django\nflask\n"),
        ("django\n\n\n", "django\n\n\nflask\n"),  # the learner's blank lines stay
        ("django\r\nrequests\r\n", "django\r\nrequests\r\nflask\r\n"),
    ],
)
async def test_the_requirements_fix_leaves_a_file_with_one_final_newline(
    workspace: Path, store: Path, before: str | None, after: str
) -> None:
    (workspace / "app.py").write_text(APP)
    if before is not None:
        (workspace / "requirements.txt").write_bytes(before.encode())
    async with coach(workspace, store, editor=NEOVIM_07, init_options={"debounceMs": 0}) as s:
        fix = await _rc901_fix(s, has_file=before is not None)
        edits = _edits_for(fix, s.uri("requirements.txt"))
        assert len(edits) == 1 and edits[0].range.start == types.Position(0, 0)
        assert apply_edits(before or "", edits) == after
        assert fix.command is None  # Neovim 0.7 cannot show documents


async def test_a_client_that_shows_documents_is_shown_the_edited_file(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    (workspace / "requirements.txt").write_text("django\n")
    async with coach(workspace, store, editor=VSCODE, init_options={"debounceMs": 0}) as s:
        fix = await _rc901_fix(s, has_file=True)
        assert fix.title == "Add flask to requirements.txt"
        fixed = apply_edits("django\n", _edits_for(fix, s.uri("requirements.txt")))
        assert fixed == "django\nflask\n"
        (workspace / "requirements.txt").write_text(fixed)  # what the editor saves
        assert fix.command is not None and fix.command.command == "roadmapCoach.showFile"
        answer = await s.command(fix.command.command, *(fix.command.arguments or []))
        assert answer == {"shown": True}
        (params,) = s.client.shown_documents  # pytest-lsp's client shows and succeeds
        assert params.uri == s.uri("requirements.txt") and params.take_focus
        assert params.selection is not None and params.selection.start.line == 1  # flask


async def test_show_file_refuses_a_file_outside_the_workspace(workspace: Path, store: Path) -> None:
    async with coach(workspace, store, editor=VSCODE) as s:
        with pytest.raises(Exception, match="showFile"):
            await s.command("roadmapCoach.showFile", "file:///etc/passwd", 0)
