"""Drive the real server over stdio with pytest-lsp's client.

`coach(...)` starts `python -m roadmap_coach serve` on a workspace folder with its own
progress store, initialises it like a given editor would, and collects what the
server sends (custom notifications included) for the test to look at.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client

HERE = Path(__file__).parent
WAIT_S = 30.0  # generous: the machine may be busy; a pass is usually well under a second


def plain(value: Any) -> Any:
    """pygls hands custom params over as namedtuples; tests compare plain JSON."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


class Coach:
    """A connected client plus what the server told it."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.milestones: list[dict[str, Any]] = []
        self.progress: list[dict[str, Any]] = []
        self.registrations: list[types.Registration] = []
        self.versions: dict[str, int] = {}

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    async def wait_for(self, what: str, cond: Callable[[], Any], timeout: float = WAIT_S) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = cond()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)

    async def wait_stats(
        self, what: str, cond: Callable[[dict[str, Any]], bool], timeout: float = WAIT_S
    ) -> dict[str, Any]:
        """Poll `roadmapCoach.debugStats` until `cond` holds for it."""
        deadline = time.monotonic() + timeout
        while True:
            stats = await self.stats()
            if cond(stats):
                return stats
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: {stats}")
            await asyncio.sleep(0.05)

    def diagnostics(self, rel: str) -> list[types.Diagnostic]:
        return list(self.client.diagnostics.get(self.uri(rel), []))

    def open(self, rel: str, text: str | None = None) -> None:
        if text is None:
            text = (self.root / rel).read_text(encoding="utf-8")
        self.versions[rel] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri(rel), language_id="python", version=1, text=text
                )
            )
        )

    def change(self, rel: str, text: str, rng: types.Range | None = None) -> None:
        self.versions[rel] += 1
        event: types.TextDocumentContentChangeEvent
        if rng is None:
            event = types.TextDocumentContentChangeWholeDocument(text=text)
        else:
            event = types.TextDocumentContentChangePartial(range=rng, text=text)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri(rel), version=self.versions[rel]
                ),
                content_changes=[event],
            )
        )

    def insert(self, rel: str, line: int, character: int, text: str) -> None:
        pos = types.Position(line, character)
        self.change(rel, text, types.Range(pos, pos))

    async def command(self, name: str, *args: Any) -> Any:
        result = await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=name, arguments=list(args))
        )
        return plain(result)

    async def stats(self) -> dict[str, Any]:
        return await self.command("roadmapCoach.debugStats")

    async def progress_now(self) -> dict[str, Any]:
        return plain(await self.client.protocol.send_request_async("roadmapCoach/getProgress", {}))

    async def hover(self, rel: str, line: int, character: int) -> str | None:
        result = await self.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(self.uri(rel)),
                position=types.Position(line, character),
            )
        )
        if result is None:
            return None
        assert isinstance(result.contents, types.MarkupContent)
        return result.contents.value

    async def settled(self) -> dict[str, Any]:
        """The server's stats once every open document's analysis is done."""
        return await self.stats()

    async def achieved(self) -> set[str]:
        progress = await self.progress_now()
        return {c["id"] for s in progress["steps"] for c in s["checkpoints"] if c["achieved"]}


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """What an editor does with a quick fix's TextEdits (ASCII columns)."""
    lines = text.splitlines(keepends=True)

    def offset(pos: types.Position) -> int:
        return sum(len(line) for line in lines[: pos.line]) + pos.character

    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
        lines = text.splitlines(keepends=True)
    return text


def capabilities(
    editor: str, *, rich: bool = False, pages: bool = False
) -> types.ClientCapabilities:
    caps = client_capabilities(editor)
    coach: dict[str, bool] = {}
    if rich:
        coach["milestoneNotifications"] = True
    if pages:
        coach["checkpointPages"] = True
    if coach:
        caps.experimental = {"roadmapCoach": coach}
    return caps


@contextlib.asynccontextmanager
async def coach(
    root: Path,
    store: Path,
    *,
    editor: str = "neovim@v0.7.0",
    rich: bool = False,
    pages: bool = False,
    init_options: dict[str, Any] | None = None,
    configuration: dict[str, Any] | None = None,
    server: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Coach]:
    client = make_test_lsp_client()
    if configuration is not None:
        client.set_configuration(configuration, section="roadmapCoach")
    session = Coach(client, root)

    @client.feature("roadmapCoach/milestone")
    def on_milestone(params: Any) -> None:
        session.milestones.append(plain(params))

    @client.feature("roadmapCoach/progress")
    def on_progress(params: Any) -> None:
        session.progress.append(plain(params))

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        session.registrations.extend(params.registrations)

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def on_lens_refresh(params: None) -> None:
        return None

    server_env = {
        **os.environ,
        "ROADMAP_COACH_STORE": str(store),
        "GIT_CONFIG_NOSYSTEM": "1",
        **(env or {}),
    }
    command = server or [sys.executable, "-m", "roadmap_coach", "serve"]
    await client.start_io(*command, env=server_env, cwd=str(root))
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=capabilities(editor, rich=rich, pages=pages),
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                initialization_options=init_options,
            )
        )
        yield session
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 10)
        await client.stop()


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Learner",
        "GIT_AUTHOR_EMAIL": "learner@example.com",
        "GIT_COMMITTER_NAME": "Learner",
        "GIT_COMMITTER_EMAIL": "learner@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root.parent),
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout
