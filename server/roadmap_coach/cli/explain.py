"""`roadmap-coach explain ID|CODE`: the page of a checkpoint (what it teaches, an example,
what to try next, the links, and the evidence when the store has it) or of a lesson (its
docs/rules page), in a terminal — for every editor that cannot show the page itself.
The same page as the server's `roadmapCoach/explain`."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import TYPE_CHECKING, Any

from roadmap_coach.cli.common import EXIT_OK, UsageError, load, store_options
from roadmap_coach.roadmap.models import Roadmap

if TYPE_CHECKING:
    # at run time imported by `explain` only: every other verb starts without the pages
    from roadmap_coach.progress.pages import Page


def register(sub: Any) -> None:
    explain = sub.add_parser(
        "explain", help="print the page of a checkpoint (e.g. web.flask-route) or lesson (RC301)"
    )
    explain.add_argument("id", metavar="ID|CODE", help="a checkpoint id or a lesson code")
    explain.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="text for a terminal (default), markdown, or the roadmapCoach/explain JSON",
    )
    store_options(explain)
    explain.set_defaults(func=cmd_explain)


def _records(args: argparse.Namespace) -> dict[str, Any]:
    """What the learner's store holds, without creating a store that is not there."""
    from roadmap_coach.progress.database import resolve_store_path
    from roadmap_coach.progress.identity import resolve_learner
    from roadmap_coach.progress.store import Store, StoreError

    path = resolve_store_path(args.store)
    if not path.is_file():
        return {}
    try:
        with Store(path, learner=resolve_learner(args.learner, None)) as store:
            return dict(store.achieved())
    except (StoreError, OSError) as exc:
        print(f"roadmap-coach: progress store not read: {exc}", file=sys.stderr)
        return {}


def find_page(roadmap: Roadmap, wanted: str, records: dict[str, Any]) -> Page | None:
    from roadmap_coach.progress.pages import checkpoint_page, find_lesson, lesson_page

    checkpoint = roadmap.checkpoint(wanted.strip())
    if checkpoint is not None:
        return checkpoint_page(roadmap, checkpoint, set(records), records.get(checkpoint.id))
    lesson = find_lesson(wanted)
    if lesson is not None:
        return lesson_page(roadmap, lesson)
    return None


def cmd_explain(args: argparse.Namespace) -> int:
    roadmap = load(args.roadmap or [])
    page = find_page(roadmap, args.id, _records(args) if roadmap.checkpoint(args.id) else {})
    if page is None:
        from roadmap_coach.rules.lessons import ALL_LESSONS

        known = roadmap.ids + [cls.code for cls in ALL_LESSONS]
        close = difflib.get_close_matches(args.id, known, n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(
            f"no checkpoint or lesson {args.id!r}{hint}; `roadmap-coach roadmap` lists them"
        )
    if args.format == "json":
        print(json.dumps(page.to_json(), indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        print(page.markdown)
    else:
        print(page.text)
    return EXIT_OK
