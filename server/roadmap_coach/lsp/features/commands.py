"""`workspace/executeCommand` commands (docs/protocol.md). Each takes what it needs and
the raw JSON arguments; errors go back to the client as JSON-RPC errors."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.features.scanning import Scanner
from roadmap_coach.lsp.features.watching import Watcher
from roadmap_coach.lsp.pipeline import Pipeline

RECHECK = "roadmapCoach.recheck"
EXPORT = "roadmapCoach.exportProgress"
RESET = "roadmapCoach.resetProgress"
DEBUG_TEXT = "roadmapCoach.debugText"
DEBUG_STATS = "roadmapCoach.debugStats"
FORMATS = ("jsonl", "md", "html")


def _object_arg(args: tuple[Any, ...]) -> dict[str, Any]:
    first = args[0] if args else {}
    if not isinstance(first, dict):
        raise JsonRpcInvalidParams("expected one object argument")
    return first


async def recheck(pipeline: Pipeline, scanner: Scanner, root: str | None) -> dict[str, Any]:
    """Scan the whole workspace again (files and Git) and publish what changed."""
    if root is None:
        return {"files": 0, "milestones": 0, "result": "no workspace folder"}
    result = await scanner.start()
    await pipeline.run(pipeline.log.reload)
    pipeline.progress_changed()
    return {
        "files": len(pipeline.state.entries),
        "milestones": len(pipeline.state.milestones),
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


async def export_progress(pipeline: Pipeline, *args: Any) -> str:
    options = _object_arg(args)
    fmt = options.get("format", "jsonl")
    if fmt not in FORMATS:
        raise JsonRpcInvalidParams(f"format must be one of {', '.join(FORMATS)}")
    target = export_target(options.get("path"))
    store = pipeline.log.store
    if store is None:
        raise JsonRpcInternalError("the progress store is not available; nothing to export")
    from roadmap_coach.progress.exports import export

    try:
        await pipeline.run(lambda: export(store, fmt, target, roadmap=pipeline.roadmap))
    except (OSError, ValueError) as exc:
        raise JsonRpcInternalError(f"export failed: {exc}") from exc
    return str(target)


async def reset_progress(pipeline: Pipeline, *args: Any) -> dict[str, Any]:
    options = args[0] if args and isinstance(args[0], dict) else {}
    if options.get("confirm") is not True:
        raise JsonRpcInvalidParams(
            'resetProgress starts the learner\'s progress over; pass {"confirm": true} to do it'
        )
    await pipeline.run(pipeline.log.reset)
    # What the code still shows is found again now (recorded with today's date).
    await pipeline.update(force=True)
    return {"reset": True, "achieved": len(pipeline.log.records)}


def debug_text(server: CoachServer, *args: Any) -> str | None:
    """The server's copy of an open document (to check incremental sync)."""
    uri = args[0] if args and isinstance(args[0], str) else None
    doc = server.documents.buffer(uri) if uri else None
    return doc.source if doc is not None else None


async def debug_stats(
    server: CoachServer,
    pipeline: Pipeline,
    scanner: Scanner,
    watcher: Watcher,
    settled: Callable[[str, float], Awaitable[None]],
) -> dict[str, Any]:
    # Asked after a burst of edits, the answer waits for the analysis in flight.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(pipeline.ready.wait(), 10.0)
    documents = server.documents
    for uri in list(documents.open_paths):
        await settled(uri, 5.0)
    await asyncio.sleep(0)
    settings = server.settings
    store = pipeline.log.store
    return {
        "analyses": pipeline.state.analyses,
        **pipeline.stats,
        "recordsMade": pipeline.state.records_made,
        "lessonsRun": pipeline.state.lessons_run,
        "recordsLoaded": pipeline.state.records_loaded,
        "recordsLoadedForLessons": pipeline.state.records_loaded_for_lessons,
        "storedLoads": pipeline.state.stored_loads,
        "scanAnalysed": scanner.analysed,
        "scanCached": scanner.cached,
        "scanStatHits": scanner.stat_hits,
        "earlyListings": scanner.early_listings,
        "missedByEarlyListing": list(scanner.missed),
        "files": len(pipeline.state.entries),
        "openDocuments": len(documents.open_paths),
        "milestones": [m.id for m in pipeline.state.milestones],
        "root": documents.root,
        "storePath": str(store.path) if store else None,
        "learner": store.learner if store else None,
        "pullDiagnostics": server.client_features.pull,
        "milestoneNotifications": server.client_features.rich,
        "watching": watcher.registered,
        "watchMode": watcher.mode,
        "watchReady": watcher.mode == "client" or bool(watcher.disk and watcher.disk.ready),
        "pollSeconds": watcher.poll_interval,
        "scan": scanner.last_result,
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
            "checkpoints": len(pipeline.roadmap.checkpoints),
            "problems": len(pipeline.problems),
        },
    }


def register(
    server: CoachServer,
    pipeline: Pipeline,
    *,
    scanner: Scanner,
    watcher: Watcher,
    settled: Callable[[str, float], Awaitable[None]],
) -> None:
    documents = server.documents

    @server.command(RECHECK)
    async def recheck_command(ls: CoachServer, *args: Any) -> dict[str, Any]:
        return await recheck(pipeline, scanner, documents.root)

    @server.command(EXPORT)
    async def export_command(ls: CoachServer, *args: Any) -> str:
        return await export_progress(pipeline, *args)

    @server.command(RESET)
    async def reset_command(ls: CoachServer, *args: Any) -> dict[str, Any]:
        return await reset_progress(pipeline, *args)

    @server.command(DEBUG_TEXT)
    def debug_text_command(ls: CoachServer, *args: Any) -> str | None:
        return debug_text(ls, *args)

    @server.command(DEBUG_STATS)
    async def debug_stats_command(ls: CoachServer, *args: Any) -> dict[str, Any]:
        return await debug_stats(ls, pipeline, scanner, watcher, settled)
