"""`roadmap-coach history`: when each milestone first appeared in the Git history."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from roadmap_coach.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    load,
    open_store,
    progress_printer,
    store_options,
)


def register(sub: Any) -> None:
    history = sub.add_parser("history", help="when each milestone first appeared in Git history")
    history.add_argument("path", nargs="?", default=".")
    history.add_argument("--format", choices=["text", "json"], default="text")
    history.add_argument("--record", action="store_true", help="write them into the store")
    history.add_argument(
        "--no-cache", action="store_true", help="analyse every blob afresh (no records cache)"
    )
    store_options(history)
    history.set_defaults(func=cmd_history)


def cmd_history(args: argparse.Namespace) -> int:
    from roadmap_coach.analysis.git_facts import open_repo
    from roadmap_coach.progress.derived import record_derived
    from roadmap_coach.progress.history import record_history, replay_history
    from roadmap_coach.progress.records_cache import fingerprint, open_records_cache
    from roadmap_coach.progress.store import StoreError
    from roadmap_coach.rules.engine import Engine

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a folder: {args.path}")
    workspace = str(root.resolve())
    repo, why = open_repo(workspace)
    if repo is None and why == "not a Git repository":
        raise UsageError(f"{args.path}: {why}; history needs the learner's Git repository")
    if repo is None:  # a repository that cannot be read (or no git): the work cannot be done
        print(f"roadmap-coach: {args.path}: {why}", file=sys.stderr)
        return EXIT_FAILED
    repo.close()
    roadmap = load(args.roadmap or [])
    engine = Engine(roadmap)
    store = None
    if args.record:  # the progress store is opened only to write into it
        try:
            store = open_store(args, workspace)
        except StoreError as exc:
            print(f"roadmap-coach: {exc}", file=sys.stderr)
            return EXIT_FAILED
    cache = None if args.no_cache else open_records_cache(args.store, fingerprint(engine))
    new: list[str] = []
    try:
        history = replay_history(
            workspace, roadmap, engine=engine, cache=cache, progress=progress_printer("replaying")
        )
        if store is not None and not history.error:
            new = record_history(store, history, workspace)
            new += record_derived(store, roadmap)
    except StoreError as exc:
        print(f"roadmap-coach: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if cache is not None:
            cache.close()
        if store is not None:
            store.close()
    if history.error:
        print(f"roadmap-coach: {history.error}", file=sys.stderr)
        return EXIT_FAILED
    if args.format == "json":
        print(json.dumps(history.to_json(), indent=2, ensure_ascii=False))
    else:
        print(_history_text(history.to_json(), workspace))
    if args.record:
        print(f"roadmap-coach: recorded {len(new)} new milestone(s)", file=sys.stderr)
    return EXIT_OK


def _history_text(data: dict[str, Any], workspace: str) -> str:
    lines = [f"roadmap-coach history — {workspace} ({data['commits']} commits)"]
    for m in data["milestones"]:
        where = ", ".join(
            f"{e['path']}:{e['line']}" if e["line"] else e["path"] for e in m["evidence"][:2]
        )
        lines.append(f"{m['time'][:10]}  {m['commit'][:10]}  {m['title']} [{m['id']}]  {where}")
    if not data["milestones"]:
        lines.append("no milestones in this history")
    if data["lessons"]:
        lines += ["", "Security lessons:"]
        for step in data["lessons"]:
            what = step["kind"].removeprefix("lesson-") + (
                " (file removed)" if step.get("removed") else ""
            )
            lines.append(
                f"{step['time'][:10]}  {step['commit'][:10]}  {step['code']} {what}  "
                f"{step['path']}:{step['line']}"
            )
    now = data["lessons_at_head"]
    shown = [x for x in now if x["state"] == "open"]
    silenced = [x for x in now if x["state"] == "silenced"]
    lines.append(f"At HEAD: {len(shown)} open security lesson(s), {len(silenced)} silenced")
    return "\n".join(lines)
