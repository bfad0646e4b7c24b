"""The language server: creates the pygls server, registers each feature module
(`lsp/features/`) and runs the lifecycle (`initialize`, `initialized`, `shutdown`).

Reading this file shows every part and what it is handed: the pipeline (analysis
thread and updates), the documents (uri ↔ path, lines) and each feature's narrow
callables. `roadmap-coach serve` calls `serve()`.
"""

from __future__ import annotations

import logging
import os

from lsprotocol import types

from roadmap_coach.lsp.client_features import ClientFeatures
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.documents import root_from
from roadmap_coach.lsp.early_listing import EarlyListing
from roadmap_coach.lsp.features import (
    commands,
    configuration,
    diagnostics,
    milestones,
    pages,
    requests,
    scanning,
    show_file,
    text_sync,
    watching,
)
from roadmap_coach.lsp.protocol import CoachProtocol
from roadmap_coach.rules.lessons.base import Lesson

__all__ = ["CoachServer", "build_server", "serve", "stop"]


def build_server(
    lessons: list[Lesson] | None = None, *, early: EarlyListing | None = None
) -> CoachServer:
    """A server ready to start; `lessons` replaces the shipped lessons (tests only);
    `early`: the workspace being listed since the process started (`lsp.early_listing`)."""
    roadmap = early.roadmap() if early is not None else None
    server = CoachServer(lessons, roadmap, protocol_cls=CoachProtocol)
    pipeline, documents = server.pipeline, server.documents

    config = configuration.register(server, pipeline)
    scanner = scanning.register(server, pipeline, early=early)
    watcher = watching.register(server, pipeline, rescan=scanner.start)
    # what changed while the early listing was made; what the watcher re-read since
    scanner.on_missed, watcher.on_reread = watcher.changed, scanner.reread

    async def adopt_root(folder: str) -> None:
        set_root(folder)
        await watcher.start()
        scanner.start()

    sync = text_sync.register(server, pipeline, adopt_root=adopt_root, saved=config.saved)
    diagnostics.register(server, pipeline, settled=sync.analysed)  # lessons only
    milestones.register(server, pipeline)
    requests.register(server, pipeline, settled=sync.settled)
    pages.register(server, pipeline)
    commands.register(server, pipeline, scanner=scanner, watcher=watcher, settled=sync.settled)
    show_file.register(server, pipeline)

    def set_root(folder: str | None) -> None:
        pipeline.set_root(documents.set_root(folder))

    @server.feature(types.INITIALIZE)
    def initialize(ls: CoachServer, params: types.InitializeParams) -> None:
        ls.client_features = ClientFeatures.of(params.capabilities)
        set_root(root_from(params))
        config.initial(params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CoachServer, params: types.InitializedParams) -> None:
        try:
            watcher.start_early()  # the server's own watcher, when the client cannot watch
            await config.start()
            await watcher.start()
            scanner.start()
        finally:
            pipeline.ready.set()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CoachServer, params: None) -> None:
        stop(ls)

    return server


def stop(server: CoachServer) -> None:
    server.stop()


def serve(
    *,
    tcp: bool = False,
    ws: bool = False,
    host: str = "127.0.0.1",
    port: int = 2087,
    early: EarlyListing | None = None,
    waiting: bytes = b"",
) -> None:
    """Run the server on stdio (default), TCP or WebSocket until the client leaves.
    `waiting`: what was already read of stdin (`lsp.early_listing.read_waiting`)."""
    level = os.environ.get("ROADMAP_COACH_LOG", "").upper()
    logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "WARNING")
    if not level:
        # Editors show server stderr as errors; pygls' routine warnings are not the learner's.
        logging.getLogger("pygls").setLevel(logging.ERROR)
    server = build_server(early=early)
    server.waiting = waiting
    try:
        if tcp:
            server.start_tcp(host, port)
        elif ws:
            server.start_ws(host, port)
        else:
            server.start_io()
    finally:
        stop(server)
