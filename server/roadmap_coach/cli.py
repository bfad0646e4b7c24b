"""`roadmap-coach <verb>`: machine output on stdout, progress on stderr only on a terminal.

Exit codes: 0 success (whatever the workspace holds), 1 a check failed
(`check-roadmap` found problems, `verify` found tampering), 2 unusable arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from roadmap_coach import __version__
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Roadmap

SCHEMA = 1
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Arguments that cannot be used: exit 2 with the message."""


def _progress_printer(label: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None
    state = {"last": -1}

    def show(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if total < 50 or percent == state["last"]:
            return
        state["last"] = percent
        bar = "#" * (percent // 4)
        end = "\n" if done >= total else ""
        print(f"\r{label} [{bar:<25}] {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def _load(extra: Sequence[str] = ()) -> Roadmap:
    roadmap, problems = load_roadmap(extra)
    for problem in problems:
        print(f"roadmap-coach: {problem}", file=sys.stderr)
    return roadmap


# -- scan -----------------------------------------------------------------------------


def scan_report(
    root: str, roadmap: Roadmap, *, use_cache: bool = True, store: str | None = None
) -> dict[str, Any]:
    """The JSON document of `scan` (docs/cli.md); the LSP gives the same findings."""
    from roadmap_coach.analysis.workspace import collect_workspace
    from roadmap_coach.rules.engine import Engine

    cache = _open_cache(store) if use_cache else None
    try:
        ws = collect_workspace(root, cache=cache, progress=_progress_printer("scanning"))
    finally:
        if cache is not None:
            cache.close()
    findings = Engine(roadmap).evaluate(ws)
    achieved = {m.id: m for m in findings.milestones}
    steps = []
    for step, checkpoints in roadmap.by_step():
        steps.append(
            {
                "id": step.id,
                "number": step.number,
                "title": step.title,
                "achieved": sum(1 for c in checkpoints if c.id in achieved),
                "total": len(checkpoints),
            }
        )
    return {
        "schema": SCHEMA,
        "root": str(Path(root).resolve()),
        "milestones": [
            {
                "id": m.id,
                "step": m.step,
                "title": m.title,
                "evidence": [{"path": e.path, "line": e.line} for e in m.evidence],
            }
            for m in findings.milestones
        ],
        "lessons": [_lesson_json(f) for f in findings.lessons],
        "skipped": [{"path": s.path, "reason": s.reason} for s in ws.skipped]
        + _git_problem(ws.git.error),
        "steps": steps,
    }


def _git_problem(error: str | None) -> list[dict[str, str]]:
    """A repository that is there but could not be read (garbage `.git`, no `git` on PATH)
    is listed too: its commits and branches cannot count until it can."""
    if not error or error == "not a Git repository":
        return []
    return [{"path": ".git", "reason": error}]


def _open_cache(store: str | None) -> Any:
    """The facts cache in the progress store; one that cannot be opened costs a
    re-parse of every file (with a line on stderr), never the scan."""
    from roadmap_coach.progress.cache import open_cache

    return open_cache(store)


def _lesson_json(finding: Any) -> dict[str, Any]:
    span = finding.span
    data: dict[str, Any] = {
        "code": finding.code,
        "path": finding.path,
        "line": span.line + 1,
        "column": span.col + 1,
        "end_line": span.end_line + 1,
        "end_column": span.end_col + 1,
        "severity": finding.severity,
        "message": finding.message,
        "step": finding.step,
        "fix": None,
    }
    if finding.fix is not None:
        data["fix"] = {
            "title": finding.fix.title,
            "edits": [
                {
                    "path": edit.path,
                    "range": {
                        "start": {"line": edit.span.line, "character": edit.span.col},
                        "end": {"line": edit.span.end_line, "character": edit.span.end_col},
                    },
                    "new_text": edit.new_text,
                }
                for edit in finding.fix.edits
            ],
        }
    return data


def _scan_text(report: dict[str, Any], roadmap: Roadmap) -> str:
    achieved = {m["id"]: m for m in report["milestones"]}
    total = sum(s["total"] for s in report["steps"])
    out = [f"roadmap-coach — {report['root']}", f"{len(achieved)}/{total} checkpoints reached", ""]
    for step, checkpoints in roadmap.by_step():
        done = sum(1 for c in checkpoints if c.id in achieved)
        out.append(f"{step.number:>2}. {step.title}  ({done}/{len(checkpoints)})")
        for c in checkpoints:
            if c.id in achieved:
                where = ", ".join(
                    f"{e['path']}:{e['line']}" for e in achieved[c.id]["evidence"][:3]
                )
                out.append(f"    ✓ {c.title} [{c.id}]  {where}")
            else:
                out.append(f"    · {c.title} [{c.id}]")
    if report["lessons"]:
        out += ["", f"Lessons ({len(report['lessons'])}):"]
        for lesson in report["lessons"]:
            out.append(
                f"  {lesson['path']}:{lesson['line']}:{lesson['column']}: {lesson['code']} {lesson['message']}"
            )
    if report["skipped"]:
        out += ["", f"Skipped ({len(report['skipped'])}):"]
        out += [f"  {s['path']}: {s['reason']}" for s in report["skipped"]]
    return "\n".join(out)


def cmd_scan(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a folder: {args.path}")
    roadmap = _load(args.roadmap or [])
    report = scan_report(str(root), roadmap, use_cache=not args.no_cache, store=args.store)
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(_scan_text(report, roadmap))
    return EXIT_OK


# -- roadmap / check-roadmap -------------------------------------------------------------


def cmd_roadmap(args: argparse.Namespace) -> int:
    roadmap = _load(args.roadmap or [])
    if args.format == "json":
        print(json.dumps(roadmap.to_json(), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(roadmap.title)
    for step, checkpoints in roadmap.by_step():
        print(f"\n{step.number:>2}. {step.title} [{step.id}]")
        for c in checkpoints:
            print(f"    {c.id:<32} {c.title}")
    return EXIT_OK


def cmd_check_roadmap(args: argparse.Namespace) -> int:
    dirs = args.dirs or []
    for d in dirs:
        if not Path(d).exists():
            raise UsageError(f"no such folder: {d}")
    roadmap, problems = load_roadmap(dirs, with_shipped=not dirs or args.with_shipped)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"ok: {len(roadmap.steps)} steps, {len(roadmap.checkpoints)} checkpoints", file=sys.stderr
    )
    return EXIT_OK


# -- serve ----------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from roadmap_coach.lsp.server import serve

    serve(tcp=args.tcp, ws=args.ws, host=args.host, port=args.port)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roadmap-coach", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--version", action="version", version=f"roadmap-coach {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="<command>")

    scan = sub.add_parser("scan", help="report milestones and lessons for a folder as it is now")
    scan.add_argument("path", nargs="?", default=".")
    scan.add_argument("--format", choices=["text", "json"], default="text")
    scan.add_argument(
        "--roadmap", action="append", metavar="DIR", help="an extra course roadmap folder"
    )
    scan.add_argument("--no-cache", action="store_true", help="analyse every file afresh")
    scan.add_argument("--store", help="progress store file (holds the facts cache)")
    scan.set_defaults(func=cmd_scan)

    roadmap = sub.add_parser("roadmap", help="print the roadmap")
    roadmap.add_argument("--format", choices=["text", "json"], default="text")
    roadmap.add_argument("--roadmap", action="append", metavar="DIR")
    roadmap.set_defaults(func=cmd_roadmap)

    check = sub.add_parser(
        "check-roadmap", help="validate roadmap TOML folders (default: the shipped one)"
    )
    check.add_argument("dirs", nargs="*")
    check.add_argument(
        "--with-shipped", action="store_true", help="check DIRs together with the shipped roadmap"
    )
    check.set_defaults(func=cmd_check_roadmap)

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="(default)")
    serve.add_argument("--tcp", action="store_true")
    serve.add_argument("--ws", action="store_true")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=2087)
    serve.set_defaults(func=cmd_serve)

    try:
        from roadmap_coach import cli_progress
    except ImportError:
        pass
    else:
        cli_progress.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"roadmap-coach: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
