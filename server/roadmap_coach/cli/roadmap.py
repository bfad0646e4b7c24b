"""`roadmap-coach roadmap` and `check-roadmap`: the roadmap itself, and a course author's check."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from roadmap_coach.cli.common import EXIT_FAILED, EXIT_OK, UsageError, load
from roadmap_coach.roadmap.loader import load_roadmap


def register(sub: Any) -> None:
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


def cmd_roadmap(args: argparse.Namespace) -> int:
    roadmap = load(args.roadmap or [])
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
