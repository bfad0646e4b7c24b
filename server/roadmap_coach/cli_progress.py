"""The progress subcommands of `roadmap-coach`: export, verify, report, history.

Registered into the main parser by `cli.build_parser`. Exit codes follow cli.py:
0 success, 1 the check failed or the work could not be done (`verify` found
tampering, the store is unusable, the folder has no Git history), 2 unusable
arguments (missing files, bad values).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from roadmap_coach.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, _load, _progress_printer


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="export the progress log (jsonl, md or html)")
    export.add_argument("--format", choices=["jsonl", "md", "html"], default="jsonl")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    export.add_argument("--workspace", metavar="DIR", help="only this workspace's progress")
    _store_options(export)
    export.set_defaults(func=cmd_export)

    verify = sub.add_parser("verify", help="check that a JSONL export was not edited")
    verify.add_argument("file")
    verify.add_argument(
        "--head",
        metavar="SEQ:HASH",
        help="an earlier head (from a summary) the log must still hold",
    )
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.set_defaults(func=cmd_verify)

    report = sub.add_parser("report", help="one HTML page for a cohort, from JSONL exports")
    report.add_argument("logs", nargs="+", metavar="LOG")
    report.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    report.add_argument(
        "--stuck-days", type=int, default=14, metavar="N", help="quiet this long counts as stuck"
    )
    report.add_argument("--roadmap", action="append", metavar="DIR")
    report.set_defaults(func=cmd_report)

    history = sub.add_parser("history", help="when each milestone first appeared in Git history")
    history.add_argument("path", nargs="?", default=".")
    history.add_argument("--format", choices=["text", "json"], default="text")
    history.add_argument("--record", action="store_true", help="write them into the store")
    history.add_argument("--no-cache", action="store_true", help="analyse every blob afresh")
    _store_options(history)
    history.set_defaults(func=cmd_history)


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="FILE", help="progress store (default: user data dir)")
    parser.add_argument("--learner", metavar="NAME", help="learner name (default: Git user.name)")
    parser.add_argument("--roadmap", action="append", metavar="DIR")


def _open_store(args: argparse.Namespace, workspace: str | None = None) -> Any:
    from roadmap_coach.progress.identity import resolve_learner
    from roadmap_coach.progress.store import Store

    store = Store(args.store, learner=resolve_learner(args.learner, workspace))
    if store.notice:
        print(f"roadmap-coach: {store.notice}", file=sys.stderr)
    return store


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from roadmap_coach.progress.rendering import write_atomically

    try:
        path = write_atomically(output, text)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
    print(f"roadmap-coach: wrote {path}", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    from roadmap_coach.progress.exports import export
    from roadmap_coach.progress.store import StoreError

    if args.workspace is not None and not Path(args.workspace).is_dir():
        raise UsageError(f"not a folder: {args.workspace}")
    roadmap = _load(args.roadmap or [])
    try:
        with _open_store(args, args.workspace) as store:
            text = export(store, args.format, None, args.workspace, roadmap)
    except StoreError as exc:
        print(f"roadmap-coach: {exc}", file=sys.stderr)
        return EXIT_FAILED
    _write(text, args.output)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from roadmap_coach.progress.verify import parse_anchor, verify_file

    try:
        anchor = parse_anchor(args.head) if args.head else None
    except ValueError as exc:
        raise UsageError(f"--head: {exc}") from exc
    try:
        result = verify_file(args.file, anchor)
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(f"{args.file}: {result}")
    return result.exit_code


def cmd_report(args: argparse.Namespace) -> int:
    from roadmap_coach.progress.report import cohort_report, render_cohort

    missing = [log for log in args.logs if not Path(log).is_file()]
    if missing:
        raise UsageError(f"no such log file: {', '.join(missing)}")
    if args.stuck_days < 1:
        raise UsageError("--stuck-days must be at least 1")
    roadmap = _load(args.roadmap or [])
    cohort = cohort_report(args.logs, None, roadmap, stuck_days=args.stuck_days)
    _write(render_cohort(cohort), args.output)
    broken = sum(1 for row in cohort.rows if not row.chain_ok)
    print(
        f"roadmap-coach: {len(cohort.rows)} learners, {len(cohort.stuck)} stuck, "
        f"{broken} with a changed log",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from roadmap_coach.progress.derived import record_derived
    from roadmap_coach.progress.facts_cache import StoreFactsCache
    from roadmap_coach.progress.history import record_history, replay_history
    from roadmap_coach.progress.store import StoreError

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a folder: {args.path}")
    workspace = str(root.resolve())
    roadmap = _load(args.roadmap or [])
    store = None
    if args.record or not args.no_cache:
        try:
            store = _open_store(args, workspace)
        except StoreError as exc:
            if args.record:
                print(f"roadmap-coach: {exc}", file=sys.stderr)
                return EXIT_FAILED
    try:
        cache = StoreFactsCache(store) if store is not None and not args.no_cache else None
        history = replay_history(
            workspace, roadmap, cache=cache, progress=_progress_printer("replaying")
        )
        new: list[str] = []
        if store is not None and args.record and not history.error:
            new = record_history(store, history, workspace)
            new += record_derived(store, roadmap)
    except StoreError as exc:
        print(f"roadmap-coach: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if store is not None:
            store.close()
    if args.format == "json":
        print(json.dumps(history.to_json(), indent=2, ensure_ascii=False))
    else:
        print(_history_text(history.to_json(), workspace))
    if args.record:
        print(f"roadmap-coach: recorded {len(new)} new milestone(s)", file=sys.stderr)
    if history.error:
        print(f"roadmap-coach: {history.error}", file=sys.stderr)
        return EXIT_FAILED
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
    return "\n".join(lines)


__all__ = ["EXIT_USAGE", "register"]
