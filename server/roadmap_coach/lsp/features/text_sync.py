"""Open documents: `didOpen`/`didChange`/`didClose` feed the pipeline through the
server-side debounce (`DocumentQueue`); `didSave` may reload a roadmap folder. A
buffer is analysed as the editor holds it; a closed file goes back to its disk copy."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

from lsprotocol import types
from pygls.uris import to_fs_path

from roadmap_coach.analysis.workspace import analyze_file, never_listed
from roadmap_coach.lsp import notifications
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.document_queue import DocumentQueue
from roadmap_coach.lsp.documents import MAX_DISK_LINES_BYTES
from roadmap_coach.lsp.held_milestones import PAUSE_S
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.lsp.positions import uri_to_rel


class TextSync:
    def __init__(self, server: CoachServer, pipeline: Pipeline) -> None:
        self.server = server
        self.pipeline = pipeline
        self.documents = server.documents
        self.queue = DocumentQueue(self.analyse)
        self._skipped_large: set[str] = set()

    async def analyse(self, uri: str) -> None:
        path = self.documents.open_paths.get(uri)
        doc = self.documents.buffer(uri)
        if path is None or doc is None:
            return
        data = doc.source.encode("utf-8", "surrogatepass")
        if len(data) > MAX_DISK_LINES_BYTES:
            self.pipeline.stats["skippedLarge"] += 1
            if path not in self._skipped_large:
                self._skipped_large.add(path)
                notifications.log(
                    self.server,
                    f"roadmap-coach: {path} is too large to analyse ({len(data)} bytes)",
                )
            return
        state = self.pipeline.state
        await self.pipeline.update(
            lambda: state.put(path, data),
            trigger=path,
            versions={path: doc.version},
            hold=self.server.settings.debounce_ms < PAUSE_S * 1000,
        )

    async def settled(self, uri: str, timeout: float) -> None:
        """The document's newest text analysed, and the milestones evaluated for it."""
        await self.queue.settled(uri, timeout)
        await self.pipeline.held.flush()

    async def analysed(self, uri: str, timeout: float) -> None:
        """The document's newest text analysed (its lessons are known)."""
        await self.queue.settled(uri, timeout)


def register(
    server: CoachServer,
    pipeline: Pipeline,
    *,
    adopt_root: Callable[[str], Awaitable[None]],
    saved: Callable[[str], Awaitable[None]],
) -> TextSync:
    """`adopt_root(folder)`: a file opened with no workspace folder makes its folder the
    workspace; `saved(fs_path)`: a file was saved."""
    sync = TextSync(server, pipeline)
    documents = server.documents
    server.on_stop.append(sync.queue.cancel_all)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: CoachServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        if documents.root is None and (fs_path := to_fs_path(uri)):
            # No workspace folder (a single file): its folder is the workspace.
            await adopt_root(os.path.dirname(fs_path))
        path = uri_to_rel(documents.root, uri)
        if path is None or never_listed(documents.root or "", path):
            return  # outside the workspace, or library code reached by go-to-definition
        documents.opened(uri, path)
        sync.queue.touch(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CoachServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in documents.open_paths:
            sync.queue.touch(uri, ls.settings.debounce_ms)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: CoachServer, params: types.DidSaveTextDocumentParams) -> None:
        fs_path = to_fs_path(params.text_document.uri)
        if fs_path:
            await saved(fs_path)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: CoachServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = documents.closed(uri)
        if path is None:
            return
        sync.queue.forget(uri)
        root = documents.root
        if root is not None:
            # The buffer is gone: the file on disk (saved or not) is what counts now.
            state = pipeline.state
            await pipeline.update(lambda: state.put_disk(path, analyze_file(root, path)))

    return sync
