"""`roadmap-coach scan`: milestones and lessons of a folder as it is now (records nothing).

The JSON is documented in docs/cli.md; the language server gives the same findings.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from roadmap_coach.cli.common import EXIT_OK, UsageError, load, progress_printer
from roadmap_coach.roadmap.models import Roadmap

SCHEMA = 1


def register(sub: Any) -> None:
    scan = sub.add_parser("scan", help="report milestones and lessons for a folder as it is now")
    scan.add_argument("path", nargs="?", default=".")
    scan.add_argument("--format", choices=["text", "json"], default="text")
    scan.add_argument(
        "--roadmap", action="append", metavar="DIR", help="an extra course roadmap folder"
    )
    scan.add_argument("--no-cache", action="store_true", help="analyse every file afresh")
    scan.add_argument("--store", help="progress store file (holds the facts cache)")
    scan.set_defaults(func=cmd_scan)


def scan_report(
    root: str, roadmap: Roadmap, *, use_cache: bool = True, store: str | None = None
) -> tuple[dict[str, Any], bool]:
    """The JSON document of `scan` (docs/cli.md; the LSP gives the same findings), and
    whether the folder holds any Python file."""
    from roadmap_coach.analysis.workspace import collect_workspace
    from roadmap_coach.rules.engine import Engine

    cache = _open_cache(store) if use_cache else None
    try:
        ws = collect_workspace(root, cache=cache, progress=progress_printer("scanning"))
    finally:
        if cache is not None:
            cache.close()
    findings = Engine(roadmap).evaluate(ws)
    python_files = any(f.kind == "python" for f in ws.files.values())
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
    }, python_files


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


def _scan_text(report: dict[str, Any], roadmap: Roadmap, has_python: bool) -> str:
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
    if not has_python:
        out += ["", f"There are no Python files in {report['root']}: nothing here to analyse yet."]
    return "\n".join(out)


def cmd_scan(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"not a folder: {args.path}")
    roadmap = load(args.roadmap or [])
    report, has_python = scan_report(
        str(root), roadmap, use_cache=not args.no_cache, store=args.store
    )
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(_scan_text(report, roadmap, has_python))
    return EXIT_OK
