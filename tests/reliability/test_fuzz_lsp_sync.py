"""Incremental sync: after any sequence of edits the server's copy of a document is the
editor's, character for character (asked with `roadmapCoach.debugText`).

The client side is a model of an LSP editor: lines end at `\\n`, `\\r\\n` or `\\r` and
columns count UTF-16 code units (what neovim 0.7 and VS Code negotiate). Edits insert,
delete and replace across lines, with accents, CJK and astral characters, singly or
several to one `didChange`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from coach_runner import Coach, coach
from fuzz_budget import FUZZ_SETTINGS, budget
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

_EOL = re.compile(r"\r\n|\r|\n")
ALPHABET = st.sampled_from(
    [
        *["a", "b", "x", " ", "    ", "(", ")", ":", '"', "#", "\t", "é", "名", "😀", "e\u0301"],
        *["\n", "\n", "\r\n", "\r", "def f():\n    ", "from flask import Flask\n"],
        "@app.get('/')\n",
    ]
)
TEXT = st.lists(ALPHABET, max_size=40).map("".join)
_docs = itertools.count()


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _EOL.finditer(text)]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def position(text: str, offset: int) -> types.Position:
    """The LSP position of a code point offset (columns in UTF-16 units)."""
    starts = line_starts(text)
    line = bisect.bisect_right(starts, offset) - 1
    return types.Position(line, utf16_len(text[starts[line] : offset]))


def valid_offsets(text: str) -> list[int]:
    """Offsets a position can name: not between the `\\r` and `\\n` of one line break."""
    return [i for i in range(len(text) + 1) if not (text[i - 1 : i + 1] == "\r\n" and i > 0)]


def send(session: Coach, rel: str, changes: list[tuple[types.Range, str]]) -> None:
    session.versions[rel] += 1
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=session.uri(rel), version=session.versions[rel]
            ),
            content_changes=[
                types.TextDocumentContentChangePartial(range=rng, text=new) for rng, new in changes
            ],
        )
    )


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[Coach]:
    root = tmp_path / "ws"
    root.mkdir()
    async with coach(root, tmp_path / "progress.sqlite3", init_options={"debounceMs": 20}) as s:
        await s.settled()
        yield s


@settings(FUZZ_SETTINGS, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=TEXT, data=st.data())
async def test_any_edit_sequence_leaves_the_servers_text_equal_to_the_editors(
    session: Coach, start: str, data: st.DataObject
) -> None:
    rel = f"doc{next(_docs)}.py"
    session.open(rel, start)
    text = start
    for _ in range(data.draw(st.integers(1, 10), label="notifications")):
        batch = []
        for _ in range(data.draw(st.integers(1, 3), label="changes in it")):
            offsets = valid_offsets(text)
            a = data.draw(st.sampled_from(offsets), label="start")
            later = [o for o in offsets if o >= a][:25]
            b = data.draw(st.sampled_from(later), label="end")
            new = data.draw(TEXT, label="inserted")
            batch.append((types.Range(position(text, a), position(text, b)), new))
            text = text[:a] + new + text[b:]  # later changes address the text after this one
        send(session, rel, batch)
    server_text = await session.command("roadmapCoach.debugText", session.uri(rel))
    assert server_text == text
    session.client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(session.uri(rel)))
    )


async def test_a_long_typing_session_stays_in_sync_and_analysed(session: Coach) -> None:
    """Hundreds of keystrokes and deletions into one file, as a learner types."""
    rel = "app.py"
    text = ""
    session.open(rel, text)
    target = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "héllo 😀"\n'
    for index, char in enumerate(target * budget(2, 20)):
        end = len(text)
        send(session, rel, [(types.Range(position(text, end), position(text, end)), char)])
        text += char
        if index % 7 == 3:  # a typo, deleted again
            end = len(text)
            send(session, rel, [(types.Range(position(text, end), position(text, end)), "q")])
            typo = text + "q"
            send(session, rel, [(types.Range(position(typo, end), position(typo, end + 1)), "")])
    assert await session.command("roadmapCoach.debugText", session.uri(rel)) == text
    stats = await session.stats()
    assert "web.flask-route" in stats["milestones"]


# Python's str.splitlines() also breaks at these; LSP lines end only at \n, \r\n and \r.
NOT_LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


async def test_characters_that_are_not_lsp_line_breaks_do_not_shift_edits(
    session: Coach,
) -> None:
    wrong = []
    for number, char in enumerate(NOT_LINE_BREAKS):
        rel = f"ff{number}.py"
        text = f"x = 1  # a{char}b\ny = 2\n"
        session.open(rel, text)
        # insert at the start of the second LSP line ("y = 2")
        send(session, rel, [(types.Range(types.Position(1, 0), types.Position(1, 0)), "z")])
        expected = f"x = 1  # a{char}b\nzy = 2\n"
        if await session.command("roadmapCoach.debugText", session.uri(rel)) != expected:
            wrong.append(repr(char))
    assert wrong == []
