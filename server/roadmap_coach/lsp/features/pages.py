"""Every checkpoint is a door: `roadmapCoach/explain` answers the page of a checkpoint or
lesson (markdown and plain text, docs/protocol.md); the command `roadmapCoach.explain` is
what a plain client's code lens runs (the page's text in `window/showMessage`)."""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.hover import line_teaches
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.lsp.progress_view import first_location
from roadmap_coach.progress.pages import checkpoint_page, find_lesson, lesson_page

EXPLAIN_REQUEST = "roadmapCoach/explain"
EXPLAIN = "roadmapCoach.explain"
EXPLAIN_MILESTONE = "roadmapCoach.explainMilestone"  # older name, kept
GIT_EVIDENCE = ".git"


def explain_page(
    server: CoachServer,
    pipeline: Pipeline,
    wanted: Any,
    path: Any = None,
    line: Any = None,
) -> dict[str, Any]:
    """The page of a checkpoint (with its evidence when reached) or of a lesson. `path` and
    `line` (0-based): the evidence line a lens sits on, when it teaches more precisely."""
    if not isinstance(wanted, str) or not wanted.strip():
        raise JsonRpcInvalidParams('explain needs a checkpoint id or lesson code, e.g. "RC301"')
    documents = server.documents
    checkpoint = pipeline.roadmap.checkpoint(wanted.strip())
    if checkpoint is not None:
        records = pipeline.log.records
        achieved = pipeline.achieved()
        current = next((m for m in pipeline.state.milestones if m.id == checkpoint.id), None)
        evidence = current.evidence if current else []
        here = next((e for e in evidence if e.path != GIT_EVIDENCE), None)
        now = f"{here.path}:{here.span.line + 1}" if here is not None else None
        record = records.get(checkpoint.id)
        teaches = line_teaches(current, path, line) if current is not None else None
        page = checkpoint_page(pipeline.roadmap, checkpoint, achieved, record, now, teaches)
        where = first_location(evidence, documents.locate)
        if where is None and record is not None and checkpoint.id in achieved:
            where = documents.locate_record(record)
        return {**page.to_json(), "evidence": where}
    lesson = find_lesson(wanted)
    if lesson is not None:
        return lesson_page(pipeline.roadmap, lesson).to_json()
    raise JsonRpcInvalidParams(f"no checkpoint or lesson {wanted!r}")


def _show(server: CoachServer, text: str) -> None:
    server.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=text))


def register(server: CoachServer, pipeline: Pipeline) -> None:
    @server.feature(EXPLAIN_REQUEST)
    async def explain_request(ls: CoachServer, params: Any = None) -> dict[str, Any]:
        await asyncio.to_thread(pipeline.log.reload)  # another window may have recorded it

        def field(name: str) -> Any:
            return params.get(name) if isinstance(params, dict) else getattr(params, name, None)

        return explain_page(ls, pipeline, field("id"), field("path"), field("line"))

    @server.command(EXPLAIN)
    def explain_command(ls: CoachServer, *args: Any) -> dict[str, Any]:
        page = explain_page(ls, pipeline, *args[:3]) if args else explain_page(ls, pipeline, None)
        if not ls.client_features.pages:
            _show(ls, page["text"])  # a plain client's lens click: tell, never change
        return page

    @server.command(EXPLAIN_MILESTONE)
    def explain_milestone_command(ls: CoachServer, *args: Any) -> str:
        page = explain_page(ls, pipeline, *args[:3]) if args else explain_page(ls, pipeline, None)
        _show(ls, page["text"])
        return str(page["markdown"])
