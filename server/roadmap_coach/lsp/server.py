"""The language server: creates the pygls server and wires LSP methods to features.

Each handler is a few lines that hand over to the session (state, pipeline) or a
feature module (hover, code lens, code actions, commands); no analysis here.
`roadmap-coach serve` calls `serve()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from roadmap_coach import __version__
from roadmap_coach.analysis.workspace import analyze_file, never_listed
from roadmap_coach.lsp import commands, notifications
from roadmap_coach.lsp.code_actions import Target, lesson_actions
from roadmap_coach.lsp.code_lens import lens_lines, milestone_lenses
from roadmap_coach.lsp.diagnostics import lesson_diagnostics
from roadmap_coach.lsp.hover import hover_markdown
from roadmap_coach.lsp.positions import server_byte_column, uri_to_rel
from roadmap_coach.lsp.progress_view import warning_on
from roadmap_coach.lsp.session import ClientFeatures, Session
from roadmap_coach.lsp.settings import SECTION, parse_settings, unwrap
from roadmap_coach.rules.lessons.base import Lesson

GET_PROGRESS = "roadmapCoach/getProgress"
EXPLAIN = "roadmapCoach/explain"
SETTLE_S = 10.0  # a request after an edit waits (at most this long) for its analysis


class CoachProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict[str, Any]) -> Any:
        # JSON-RPC lets a request or notification omit `params` (docs/protocol.md says
        # `roadmapCoach/getProgress` takes none); pygls's fallback type requires the member,
        # and a request it cannot read is never answered.
        if isinstance(data, dict) and "method" in data and "params" not in data:
            data = {**data, "params": None}
        return super().structure_message(data)


class CoachServer(LanguageServer):
    session: Session


def build_server(lessons: list[Lesson] | None = None) -> CoachServer:
    """A server ready to start; `lessons` replaces the shipped lessons (tests only)."""
    server = CoachServer("roadmap-coach", __version__, protocol_cls=CoachProtocol)
    session = server.session = Session(server, lessons)

    # -- lifecycle -------------------------------------------------------------------
    @server.feature(types.INITIALIZE)
    def initialize(ls: CoachServer, params: types.InitializeParams) -> None:
        session.features = ClientFeatures.of(params.capabilities)
        session.set_root(session.root_from(params))
        session.settings, warnings = parse_settings(params.initialization_options)
        for warning in warnings:
            notifications.log(ls, f"roadmap-coach: {warning}", types.MessageType.Warning)
        # Nothing is analysed before `initialize` returns, so the state is set directly.
        session.state.set_lesson_options(session.settings.disabled_lessons, session.settings.hints)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CoachServer, params: types.InitializedParams) -> None:
        try:
            await pull_configuration(ls)
            settings = session.settings
            await session.update(
                lambda: session.state.set_lesson_options(settings.disabled_lessons, settings.hints)
            )
            if session.features.config_dynamic:
                registration = types.Registration(
                    id="roadmap-coach/config", method=types.WORKSPACE_DID_CHANGE_CONFIGURATION
                )
                with contextlib.suppress(Exception):  # settings then arrive only by pull
                    await ls.client_register_capability_async(
                        types.RegistrationParams(registrations=[registration])
                    )
            if session.settings.roadmap_paths:
                await session.reload_roadmap()
            await session.open_store()
            await session.watcher.start()
            session.scanner.start()
        finally:
            session.ready.set()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CoachServer, params: None) -> None:
        stop(session)

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel_progress(ls: CoachServer, params: types.WorkDoneProgressCancelParams) -> None:
        session.scanner.cancel(params.token)

    # -- documents ---------------------------------------------------------------------
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: CoachServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        if session.root is None and (fs_path := to_fs_path(uri)):
            # No workspace folder (a single file): its folder is the workspace.
            session.set_root(os.path.dirname(fs_path))
            await session.watcher.start()
            session.scanner.start()
        path = uri_to_rel(session.root, uri)
        if path is None or never_listed(session.root or "", path):
            return  # outside the workspace, or library code reached by go-to-definition
        session.open_paths[uri] = path
        session.open_uris[path] = uri
        session.queue.touch(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CoachServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        if uri in session.open_paths:
            session.queue.touch(uri, session.settings.debounce_ms)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: CoachServer, params: types.DidSaveTextDocumentParams) -> None:
        fs_path = to_fs_path(params.text_document.uri)
        if fs_path and session.settings.roadmap_paths and session.in_roadmap_dirs(fs_path):
            await session.reload_roadmap()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: CoachServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = session.open_paths.pop(uri, None)
        if path is None:
            return
        session.open_uris.pop(path, None)
        session.queue.forget(uri)
        root = session.root
        if root is not None:
            # The buffer is gone: the file on disk (saved or not) is what counts now.
            await session.update(lambda: session.state.put_disk(path, analyze_file(root, path)))

    # -- settings and watched files ------------------------------------------------------
    async def pull_configuration(ls: CoachServer) -> None:
        if not session.features.configuration:
            return
        try:
            answer = await asyncio.wait_for(
                ls.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
                ),
                timeout=5.0,
            )
        except Exception:
            return
        if answer and isinstance(answer[0], dict):
            settings, warnings = parse_settings(answer[0], session.settings)
            for warning in warnings:
                notifications.log(ls, f"roadmap-coach: {warning}", types.MessageType.Warning)
            session.settings = settings

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: CoachServer, params: types.DidChangeConfigurationParams
    ) -> None:
        old = session.settings
        pushed = unwrap(params.settings) if isinstance(params.settings, dict) else {}
        if pushed:
            session.settings, warnings = parse_settings(pushed, old)
            for warning in warnings:
                notifications.log(ls, f"roadmap-coach: {warning}", types.MessageType.Warning)
        else:
            await pull_configuration(ls)
        await apply_settings(old)

    async def apply_settings(old: Any) -> None:
        new = session.settings
        if (old.store_path, old.learner) != (new.store_path, new.learner) and session.log_ready:
            await session.open_store()
            if session.features.rich:
                notifications.send_progress(server, session.progress())
        if old.roadmap_paths != new.roadmap_paths:
            await session.reload_roadmap()
        if old.code_lens != new.code_lens and session.features.code_lens_refresh:
            server.workspace_code_lens_refresh(None)
        if (old.hints, old.disabled_lessons) != (new.hints, new.disabled_lessons):
            await session.update(
                lambda: session.state.set_lesson_options(new.disabled_lessons, new.hints)
            )

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: CoachServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        session.watcher.on_changes(params)

    # -- features ------------------------------------------------------------------------
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(inter_file_dependencies=True, workspace_diagnostics=False),
    )
    async def diagnostic(
        ls: CoachServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        await session.queue.settled(uri, SETTLE_S)
        path = session.path_of(uri)
        result_id = session.result_ids.get(path or "", "0")
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        findings = session.state.lessons.get(path, []) if path else []
        items = (
            lesson_diagnostics(findings, session.lines_of(path), session.encoding) if path else []
        )
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: CoachServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        await session.queue.settled(uri, SETTLE_S)
        path = session.path_of(uri)
        if path is None:
            return None
        pos = params.position
        line_text = session.lines_of(path)(pos.line)
        byte_col = server_byte_column(line_text, pos.character, session.encoding)
        achieved = set(session.log.records) | {m.id for m in session.state.milestones}
        on_line = lens_lines(session.state.milestones, session.log.records, session.root, path).get(
            pos.line, []
        )
        text = hover_markdown(
            session.roadmap, pos.line, byte_col, on_line, session.state.lessons.get(path, []),
            session.pages, achieved, open_pages=session.features.pages,
        )  # fmt: skip
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: CoachServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        uri = params.text_document.uri
        await session.queue.settled(uri, SETTLE_S)
        path = session.path_of(uri)
        if path is None or session.settings.code_lens == "off":
            return []
        by_line = lens_lines(session.state.milestones, session.log.records, session.root, path)
        lessons = session.state.lessons
        return milestone_lenses(
            by_line,
            lambda line: warning_on(lessons, path, line) is not None,
            pages=session.features.pages,
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(
        ls: CoachServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        uri = params.text_document.uri
        await session.queue.settled(uri, SETTLE_S)
        path = session.path_of(uri)
        if path is None or session.root is None:
            return []
        root = session.root
        doc = ls.workspace.text_documents.get(uri)
        target = Target(
            uri=session.uri_of,
            lines=session.lines_of,
            exists=lambda p: os.path.exists(os.path.join(root, *p.split("/"))),
            can_create=session.features.create_files,
        )
        return lesson_actions(
            session.state.lessons.get(path, []), path, params.range, params.context.diagnostics,
            doc.source if doc is not None else None, session.encoding, target,
        )  # fmt: skip

    @server.feature(GET_PROGRESS)
    async def get_progress(ls: CoachServer, params: Any = None) -> dict[str, Any]:
        await asyncio.to_thread(session.log.reload)  # another window may have recorded one
        return session.progress()

    # -- commands ------------------------------------------------------------------------
    @server.command(commands.RECHECK)
    async def recheck(ls: CoachServer, *args: Any) -> dict[str, Any]:
        return await commands.recheck(session, *args)

    @server.command(commands.EXPORT)
    async def export_progress(ls: CoachServer, *args: Any) -> str:
        return await commands.export_progress(session, *args)

    @server.command(commands.RESET)
    async def reset_progress(ls: CoachServer, *args: Any) -> dict[str, Any]:
        return await commands.reset_progress(session, *args)

    @server.feature(EXPLAIN)
    async def explain_request(ls: CoachServer, params: Any = None) -> dict[str, Any]:
        await asyncio.to_thread(session.log.reload)
        wanted = params.get("id") if isinstance(params, dict) else getattr(params, "id", None)
        return commands.explain_page(session, wanted)

    @server.command(commands.EXPLAIN)
    def explain(ls: CoachServer, *args: Any) -> dict[str, Any]:
        return commands.explain(session, *args)

    @server.command(commands.EXPLAIN_MILESTONE)
    def explain_milestone(ls: CoachServer, *args: Any) -> str:
        return commands.explain_milestone(session, *args)

    @server.command(commands.DEBUG_TEXT)
    def debug_text(ls: CoachServer, *args: Any) -> str | None:
        return commands.debug_text(session, *args)

    @server.command(commands.DEBUG_STATS)
    async def debug_stats(ls: CoachServer, *args: Any) -> dict[str, Any]:
        return await commands.debug_stats(session, *args)

    return server


def stop(session: Session) -> None:
    session.scanner.stop()
    session.watcher.stop()
    session.close()


def serve(
    *, tcp: bool = False, ws: bool = False, host: str = "127.0.0.1", port: int = 2087
) -> None:
    """Run the server on stdio (default), TCP or WebSocket until the client leaves."""
    level = os.environ.get("ROADMAP_COACH_LOG", "").upper()
    logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "WARNING")
    if not level:
        # Editors show server stderr as errors; pygls' routine warnings are not the learner's.
        logging.getLogger("pygls").setLevel(logging.ERROR)
    server = build_server()
    try:
        if tcp:
            server.start_tcp(host, port)
        elif ws:
            server.start_ws(host, port)
        else:
            server.start_io()
    finally:
        stop(server.session)
