"""`workspace/executeCommand` commands (docs/protocol.md). Each takes the session and
the raw JSON arguments; errors go back to the client as JSON-RPC errors."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from roadmap_coach.lsp.progress_view import first_location
from roadmap_coach.progress.pages import checkpoint_page, find_lesson, lesson_page

if TYPE_CHECKING:
    from roadmap_coach.lsp.session import Session

RECHECK = "roadmapCoach.recheck"
EXPORT = "roadmapCoach.exportProgress"
RESET = "roadmapCoach.resetProgress"
EXPLAIN = "roadmapCoach.explain"
EXPLAIN_MILESTONE = "roadmapCoach.explainMilestone"  # older name, kept
DEBUG_TEXT = "roadmapCoach.debugText"
DEBUG_STATS = "roadmapCoach.debugStats"
FORMATS = ("jsonl", "md", "html")


def _object_arg(args: tuple[Any, ...]) -> dict[str, Any]:
    first = args[0] if args else {}
    if not isinstance(first, dict):
        raise JsonRpcInvalidParams("expected one object argument")
    return first


async def recheck(session: Session, *args: Any) -> dict[str, Any]:
    """Scan the whole workspace again (files and Git) and publish what changed."""
    if session.root is None:
        return {"files": 0, "milestones": 0, "result": "no workspace folder"}
    result = await session.scanner.start()
    await session.run(session.log.reload)
    if session.features.rich:
        from roadmap_coach.lsp.notifications import send_progress

        send_progress(session.server, session.progress())
    return {
        "files": len(session.state.entries),
        "milestones": len(session.state.milestones),
        "result": result,
    }


def export_target(raw: Any) -> Path:
    """The output file, refused when it is relative, inside a `.git` folder or reached
    through a symlink (the user named a file; nothing may redirect the write)."""
    if not isinstance(raw, str) or not raw.strip():
        raise JsonRpcInvalidParams('exportProgress needs {"path": "/absolute/file"}')
    path = Path(os.path.expanduser(raw))
    if not path.is_absolute():
        raise JsonRpcInvalidParams(f"exportProgress path must be absolute: {raw}")
    path = Path(os.path.normpath(path))
    if ".git" in path.parts:
        raise JsonRpcInvalidParams(f"refusing to write inside a .git folder: {path}")
    for part in [path, *path.parents]:
        if part.is_symlink():
            raise JsonRpcInvalidParams(f"refusing to write through a symlink: {part}")
    if not path.parent.is_dir():
        raise JsonRpcInvalidParams(f"the folder does not exist: {path.parent}")
    if path.exists() and not path.is_file():
        raise JsonRpcInvalidParams(f"not a file: {path}")
    return path


async def export_progress(session: Session, *args: Any) -> str:
    options = _object_arg(args)
    fmt = options.get("format", "jsonl")
    if fmt not in FORMATS:
        raise JsonRpcInvalidParams(f"format must be one of {', '.join(FORMATS)}")
    target = export_target(options.get("path"))
    store = session.log.store
    if store is None:
        raise JsonRpcInternalError("the progress store is not available; nothing to export")
    from roadmap_coach.progress.exports import export

    try:
        await session.run(lambda: export(store, fmt, target, roadmap=session.roadmap))
    except (OSError, ValueError) as exc:
        raise JsonRpcInternalError(f"export failed: {exc}") from exc
    return str(target)


async def reset_progress(session: Session, *args: Any) -> dict[str, Any]:
    options = args[0] if args and isinstance(args[0], dict) else {}
    if options.get("confirm") is not True:
        raise JsonRpcInvalidParams(
            'resetProgress starts the learner\'s progress over; pass {"confirm": true} to do it'
        )
    await session.run(session.log.reset)
    # What the code still shows is found again now (recorded with today's date).
    await session.update(force=True)
    return {"reset": True, "achieved": len(session.log.records)}


def explain_page(session: Session, wanted: Any) -> dict[str, Any]:
    """The page of a checkpoint or lesson (`roadmapCoach/explain`, docs/protocol.md)."""
    if not isinstance(wanted, str) or not wanted.strip():
        raise JsonRpcInvalidParams(
            'explain needs a checkpoint id or lesson code, e.g. {"id": "RC301"}'
        )
    checkpoint = session.roadmap.checkpoint(wanted.strip())
    if checkpoint is not None:
        records = session.log.records
        current = next((m for m in session.state.milestones if m.id == checkpoint.id), None)
        achieved = set(records) | {m.id for m in session.state.milestones}
        here = next((e for e in current.evidence if e.path != ".git"), None) if current else None
        now = f"{here.path}:{here.span.line + 1}" if here is not None else None
        record = records.get(checkpoint.id)
        page = checkpoint_page(session.roadmap, checkpoint, achieved, record, now)
        evidence = first_location(current.evidence, session.locate) if current else None
        if evidence is None and record is not None and checkpoint.id in achieved:
            evidence = session.locate_record(record)
        return {**page.to_json(), "evidence": evidence}
    lesson = find_lesson(wanted)
    if lesson is not None:
        return lesson_page(session.roadmap, lesson).to_json()
    raise JsonRpcInvalidParams(f"no checkpoint or lesson {wanted!r}")


def explain(session: Session, *args: Any) -> dict[str, Any]:
    """The lens command of plain clients: the page, shown as plain text, and returned."""
    page = explain_page(session, args[0] if args else None)
    if not session.features.pages:
        session.server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Info, message=page["text"])
        )
    return page


def explain_milestone(session: Session, *args: Any) -> str:
    page = explain_page(session, args[0] if args else None)
    session.server.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Info, message=page["text"])
    )
    return str(page["markdown"])


def debug_text(session: Session, *args: Any) -> str | None:
    """The server's copy of an open document (to check incremental sync)."""
    uri = args[0] if args and isinstance(args[0], str) else None
    doc = session.server.workspace.text_documents.get(uri) if uri else None
    return doc.source if doc is not None else None


async def debug_stats(session: Session, *args: Any) -> dict[str, Any]:
    # Asked after a burst of edits, the answer waits for the analysis in flight.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(session.ready.wait(), 10.0)
    for uri in list(session.open_paths):
        await session.queue.settled(uri, timeout=5.0)
    await asyncio.sleep(0)
    settings = session.settings
    return {
        "analyses": session.state.analyses,
        **session.stats,
        "files": len(session.state.entries),
        "openDocuments": len(session.open_paths),
        "milestones": [m.id for m in session.state.milestones],
        "root": session.root,
        "storePath": str(session.log.store.path) if session.log.store else None,
        "learner": session.log.store.learner if session.log.store else None,
        "pullDiagnostics": session.features.pull,
        "milestoneNotifications": session.features.rich,
        "watching": session.watcher.registered,
        "pollSeconds": session.watcher.poll_interval,
        "scan": session.scanner.last_result,
        "settings": {
            "storePath": settings.store_path,
            "learner": settings.learner,
            "hints": settings.hints,
            "disabledLessons": sorted(settings.disabled_lessons),
            "roadmapPaths": list(settings.roadmap_paths),
            "debounceMs": settings.debounce_ms,
            "codeLens": settings.code_lens,
        },
        "roadmap": {
            "checkpoints": len(session.roadmap.checkpoints),
            "problems": len(session.problems),
        },
    }
