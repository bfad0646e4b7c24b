"""What the editor asks about a position or a file: hover, code lenses, code actions.
Each request first waits for the analysis of the document's newest text, then hands
the current findings to a presenter (`lsp/hover.py`, `code_lens.py`, `code_actions.py`)."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Sequence

from lsprotocol import types

from roadmap_coach.lsp.coach_server import SETTLE_S, CoachServer
from roadmap_coach.lsp.code_actions import Target, lesson_actions
from roadmap_coach.lsp.code_lens import lens_lines, milestone_lenses
from roadmap_coach.lsp.hover import hover_markdown, lesson_pages
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.lsp.positions import server_byte_column
from roadmap_coach.lsp.progress_view import warning_on
from roadmap_coach.roadmap.models import Problem, Roadmap


def register(
    server: CoachServer,
    pipeline: Pipeline,
    *,
    settled: Callable[[str, float], Awaitable[None]],
) -> None:
    """`settled(uri, timeout)` waits for the analysis of the document's newest text."""
    documents = server.documents
    pages = {"now": lesson_pages(pipeline.engine.lessons)}

    def roadmap_changed(roadmap: Roadmap, problems: Sequence[Problem]) -> None:
        pages["now"] = lesson_pages(pipeline.engine.lessons)

    pipeline.listen.roadmap.append(roadmap_changed)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: CoachServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        await settled(uri, SETTLE_S)
        path = documents.path_of(uri)
        if path is None:
            return None
        pos = params.position
        line_text = documents.lines_of(path)(pos.line)
        byte_col = server_byte_column(line_text, pos.character, documents.encoding)
        state = pipeline.state
        on_line = lens_lines(
            state.milestones, pipeline.log.records, documents.root, path,
            lambda line: state.placed_line(path, line),
        )  # fmt: skip
        text = hover_markdown(
            pipeline.roadmap, path, pos.line, byte_col, on_line.get(pos.line, []),
            state.lessons.get(path, []), pages["now"], pipeline.achieved(),
            open_pages=ls.client_features.pages,
        )  # fmt: skip
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    async def code_lens(ls: CoachServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        uri = params.text_document.uri
        await settled(uri, SETTLE_S)
        path = documents.path_of(uri)
        if path is None or ls.settings.code_lens == "off":
            return []
        state = pipeline.state
        by_line = lens_lines(
            state.milestones, pipeline.log.records, documents.root, path,
            lambda line: state.placed_line(path, line),
        )  # fmt: skip
        return milestone_lenses(
            by_line,
            path,
            lambda line: warning_on(state.lessons, path, line) is not None,
            pages=ls.client_features.pages,
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(
        ls: CoachServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        uri = params.text_document.uri
        await settled(uri, SETTLE_S)
        path = documents.path_of(uri)
        root = documents.root
        if path is None or root is None:
            return []
        doc = documents.buffer(uri)
        target = Target(
            uri=documents.uri_of,
            lines=documents.lines_of,
            exists=lambda p: os.path.exists(os.path.join(root, *p.split("/"))),
            can_create=ls.client_features.create_files,
            text=documents.text_of,
            can_show=ls.client_features.show_document,
        )
        return lesson_actions(
            pipeline.state.lessons.get(path, []), path, params.range, params.context.diagnostics,
            doc.source if doc is not None else None, documents.encoding, target,
        )  # fmt: skip
