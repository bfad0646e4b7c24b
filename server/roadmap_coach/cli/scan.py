"""`roadmap-coach scan`: milestones and lessons of a folder as it is now (records nothing).

The JSON is documented in docs/cli.md; the language server gives the same findings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from roadmap_coach.cli.common import EXIT_OK, UsageError, load
from roadmap_coach.cli.progress_bar import phase_bar
from roadmap_coach.progress.next_up import (
    OpenLesson,
    latest_first,
    next_up,
    step_progress,
)
from roadmap_coach.roadmap.markup import plain, plain_line
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
    scan.add_argument("--store", help="progress store file (holds the records cache)")
    scan.set_defaults(func=cmd_scan)


def scan_report(
    root: str,
    roadmap: Roadmap,
    *,
    use_cache: bool = True,
    store: str | None = None,
    workers: int | None = None,
) -> tuple[dict[str, Any], bool]:
    """The JSON document of `scan` (docs/cli.md; the LSP gives the same findings), and
    whether the folder holds any Python file. `workers`: see `evaluate_workspace`."""
    from roadmap_coach.progress.evaluation import evaluate_workspace, fold_workspace
    from roadmap_coach.rules.engine import Engine

    engine = Engine(roadmap)
    cache = _open_cache(store, engine) if use_cache else None
    bar = phase_bar("scanning")
    try:
        ws = evaluate_workspace(root, engine, cache=cache, progress=bar, workers=workers)
        findings = fold_workspace(ws, engine, cache=cache, progress=bar)
    finally:
        if bar is not None:
            bar.finish()
        if cache is not None:
            cache.close()
    python_files = ws.has_python
    achieved = {m.id: m for m in findings.milestones}
    steps = [
        {
            "id": p.step.id,
            "number": p.step.number,
            "title": p.step.title,
            "short": p.step.short_title,
            "achieved": p.achieved,
            "total": p.total,
            "core": p.core,
            "coreAchieved": p.core_achieved,
            "state": p.state,
        }
        for p in step_progress(roadmap, achieved)
    ]
    ranked = next_up(roadmap, achieved, _latest(store, root), _open_lessons(findings.lessons))
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
        "stepsComplete": sum(1 for step in steps if step["state"] == "complete"),
        "nextUp": [item.to_json() for item in ranked],
    }, python_files


def _latest(store: str | None, root: str) -> list[str]:
    """Milestones the learner's store recorded for this folder, most recent first (read
    only when the store exists: `scan` never creates or writes one)."""
    from roadmap_coach.progress.database import resolve_store_path
    from roadmap_coach.progress.identity import resolve_learner
    from roadmap_coach.progress.store import Store, StoreError

    path = resolve_store_path(store)
    if not path.is_file():
        return []
    try:
        # the learner the server records for this folder: Git's user.name, else the login
        with Store(path, learner=resolve_learner(None, root)) as opened:
            if opened.notice:  # a damaged store was moved aside: the learner must know
                print(f"roadmap-coach: {opened.notice}", file=sys.stderr)
            records = opened.achieved(workspace=os.path.realpath(root))
    except (StoreError, OSError):
        return []
    return latest_first(records.values())


def _open_lessons(lessons: list[Any]) -> list[OpenLesson]:
    from roadmap_coach.rules.lessons import lesson_for

    found = []
    for f in lessons:
        if f.severity == "warning":
            cls = lesson_for(f.code)
            title = cls.title if cls is not None and cls.title else f.code
            line = f.span.line + 1
            where = {"path": f.path, "line": line}
            found.append(OpenLesson(f.code, title, f.path, line, where))
    return found


def _git_problem(error: str | None) -> list[dict[str, str]]:
    """A repository that is there but could not be read (garbage `.git`, no `git` on PATH)
    is listed too: its commits and branches cannot count until it can."""
    if not error or error == "not a Git repository":
        return []
    return [{"path": ".git", "reason": error}]


def _open_cache(store: str | None, engine: Any) -> Any:
    """The records cache in the progress store; one that cannot be opened costs a
    re-parse of every file (with a line on stderr), never the scan."""
    from roadmap_coach.progress.records_cache import fingerprint, open_records_cache

    return open_records_cache(store, fingerprint(engine))


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
        "message": plain(finding.message),  # the words the editor shows, as plain text
        "step": finding.step,
        "fix": None,
    }
    if finding.fix is not None:
        data["fix"] = {
            "title": plain_line(finding.fix.title),
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
    out = [
        f"roadmap-coach — {report['root']}",
        f"{len(achieved)}/{total} checkpoints reached · "
        f"{report['stepsComplete']}/{len(report['steps'])} steps complete",
        "",
    ]
    if report["nextUp"]:
        out.append("Next up:")
        for number, item in enumerate(report["nextUp"], 1):
            label = item["title"] if item["kind"] == "lesson" else f"{item['title']} [{item['id']}]"
            out.append(f"  {number}. {label}")
        out.append("")
    states = {s["id"]: s for s in report["steps"]}
    for step, checkpoints in roadmap.by_step():
        done = sum(1 for c in checkpoints if c.id in achieved)
        state = states[step.id]["state"].replace("-", " ")
        out.append(f"{step.number:>2}. {step.title}  ({done}/{len(checkpoints)}, {state})")
        for c in checkpoints:
            if c.id in achieved:
                # two places on one line (two columns) read as one `path:line` here
                places = dict.fromkeys(
                    f"{e['path']}:{e['line']}" for e in achieved[c.id]["evidence"]
                )
                where = ", ".join(list(places)[:3])
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
