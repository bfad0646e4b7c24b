"""`roadmap-coach export`, `verify` and `report`: the progress log for mentors.

Exit codes (common.py): 0 success, 1 the check failed or the work could not be done
(`verify` found tampering, the store is unusable), 2 unusable arguments.
"""

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
    check_output,
    load,
    open_store,
    store_options,
    write,
)


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="export the progress log (jsonl, md or html)")
    export.add_argument("--format", choices=["jsonl", "md", "html"], default="jsonl")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    export.add_argument("--workspace", metavar="DIR", help="only this workspace's progress")
    store_options(export)
    export.set_defaults(func=cmd_export)

    verify = sub.add_parser("verify", help="check that a JSONL export was not edited")
    verify.add_argument("file")
    verify.add_argument(
        "--head",
        metavar="SEQ:HASH",
        help="an earlier head (from a summary) the log must still hold",
    )
    verify.add_argument(
        "--repo",
        metavar="PATH",
        help="re-check every milestone against the learner's Git repository at PATH",
    )
    verify.add_argument("--roadmap", action="append", metavar="DIR")
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.set_defaults(func=cmd_verify)

    report = sub.add_parser("report", help="one HTML page for a cohort, from JSONL exports")
    report.add_argument("logs", nargs="+", metavar="LOG")
    report.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    report.add_argument(
        "--stuck-days", type=int, default=14, metavar="N", help="quiet this long counts as stuck"
    )
    report.add_argument(
        "--repos",
        metavar="DIR",
        help="a folder of the learners' clones (by workspace name): adds a re-checked column",
    )
    report.add_argument("--roadmap", action="append", metavar="DIR")
    report.set_defaults(func=cmd_report)


def cmd_export(args: argparse.Namespace) -> int:
    from roadmap_coach.progress.exports import export, match_workspace
    from roadmap_coach.progress.store import StoreError

    if args.workspace is not None and not Path(args.workspace).is_dir():
        raise UsageError(f"not a folder: {args.workspace}")
    check_output(args.output)
    from roadmap_coach.progress.database import resolve_store_path

    if not resolve_store_path(args.store).is_file():
        print(
            f"roadmap-coach: there is no progress store at {resolve_store_path(args.store)}: "
            "nothing to export (nothing written)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    roadmap = load(args.roadmap or [])
    try:
        with open_store(args, args.workspace) as store:
            events = store.events()
            if not events:
                print(
                    f"roadmap-coach: the progress store {store.path} holds no events yet: "
                    "nothing to export (nothing written)",
                    file=sys.stderr,
                )
                return EXIT_FAILED
            ws = match_workspace(events, args.workspace)
            if ws is not None and not any(e.workspace == ws for e in events):
                print(
                    f"roadmap-coach: the progress store {store.path} holds no events for the "
                    f"workspace {ws}: nothing to export (nothing written)",
                    file=sys.stderr,
                )
                return EXIT_FAILED
            text = export(store, args.format, None, args.workspace, roadmap)
    except StoreError as exc:
        print(f"roadmap-coach: {exc}", file=sys.stderr)
        return EXIT_FAILED
    write(text, args.output)
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from roadmap_coach.progress.verify import not_a_log, parse_anchor, verify_file

    try:
        anchor = parse_anchor(args.head) if args.head else None
    except ValueError as exc:
        raise UsageError(f"--head: {exc}") from exc
    if args.repo is not None and not Path(args.repo).is_dir():
        raise UsageError(f"--repo: not a folder: {args.repo}")
    try:
        problem = not_a_log(args.file)
        result = verify_file(args.file, anchor)
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    if problem:
        raise UsageError(problem)
    recheck = None
    if args.repo is not None and result.ok:
        from roadmap_coach.progress.recheck import recheck_log

        recheck = recheck_log(args.file, str(Path(args.repo).resolve()), load(args.roadmap or []))
        if recheck.error:
            raise UsageError(f"--repo: {recheck.error}")
    if args.format == "json":
        data = result.to_json()
        if recheck is not None:
            data["repo"] = recheck.to_json()
            data["ok"] = result.ok and recheck.ok
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif recheck is None:
        print(f"{args.file}: {result}")
    else:
        for failure in recheck.failures:
            print(f"{args.file}: {failure}")
        verdict = "ok" if recheck.ok else "FAILED"
        print(f"{args.file}: {verdict}: {result.events} events, chain intact; {recheck.summary()}")
    if recheck is not None and not recheck.ok:
        return EXIT_FAILED
    return result.exit_code


def cmd_report(args: argparse.Namespace) -> int:
    from roadmap_coach.progress.report import cohort_report, render_cohort
    from roadmap_coach.progress.verify import not_a_log

    missing = [log for log in args.logs if not Path(log).is_file()]
    if missing:
        raise UsageError(f"no such log file: {', '.join(missing)}")
    if args.stuck_days < 1:
        raise UsageError("--stuck-days must be at least 1")
    if args.repos is not None and not Path(args.repos).is_dir():
        raise UsageError(f"--repos: not a folder: {args.repos}")
    check_output(args.output)
    for log in args.logs:
        try:
            problem = not_a_log(log)
        except OSError as exc:
            raise UsageError(f"cannot read {log}: {exc.strerror or exc}") from exc
        if problem:
            raise UsageError(problem)
    roadmap = load(args.roadmap or [])
    cohort = cohort_report(args.logs, None, roadmap, stuck_days=args.stuck_days, repos=args.repos)
    if not cohort.rows:
        raise UsageError(
            f"no learners: {', '.join(args.logs)} hold no events (export a learner's store "
            "with `roadmap-coach export` once it has recorded something)"
        )
    write(render_cohort(cohort), args.output)
    broken = sum(1 for row in cohort.rows if not row.chain_ok)
    print(
        f"roadmap-coach: {len(cohort.rows)} learners, {len(cohort.stuck)} stuck, "
        f"{broken} with a changed log",
        file=sys.stderr,
    )
    return EXIT_OK
