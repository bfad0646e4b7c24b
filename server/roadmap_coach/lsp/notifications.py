"""Telling the learner: `roadmapCoach/milestone` and `roadmapCoach/progress` for clients
that opted in (capabilities.experimental.roadmapCoach.milestoneNotifications), plain
`window/showMessage` for every other client — never both, never the custom methods
to a client that did not ask."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from roadmap_coach.lsp.milestone_log import Achieved
from roadmap_coach.lsp.progress_view import Location, milestone_message, milestone_params
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.matchers import Evidence

MILESTONE = "roadmapCoach/milestone"
PROGRESS = "roadmapCoach/progress"
SHOW_ONE_BY_ONE = 3  # more milestones at once (a first scan) share one message


def opted_in(capabilities: types.ClientCapabilities | None) -> bool:
    experimental = capabilities.experimental if capabilities is not None else None
    if not isinstance(experimental, dict):
        return False
    coach = experimental.get("roadmapCoach")
    return isinstance(coach, dict) and coach.get("milestoneNotifications") is True


def announce(
    server: LanguageServer,
    roadmap: Roadmap,
    new: Sequence[Achieved],
    *,
    rich: bool,
    locate: Callable[[Evidence], Location | None],
    achieved: set[str],
) -> None:
    if not new:
        return
    if rich:
        for item in new:
            where = locate(item.evidence) if item.evidence is not None else None
            server.protocol.notify(MILESTONE, milestone_params(roadmap, item.milestone, where))
        return
    milestones = [item.milestone for item in new]
    groups = [[m] for m in milestones] if len(milestones) <= SHOW_ONE_BY_ONE else [milestones]
    for group in groups:
        server.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Info, message=milestone_message(roadmap, group, achieved)
            )
        )


def send_progress(server: LanguageServer, payload: dict[str, Any]) -> None:
    server.protocol.notify(PROGRESS, payload)


def warn(server: LanguageServer, message: str) -> None:
    server.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Warning, message=message)
    )


def log(
    server: LanguageServer, message: str, kind: types.MessageType = types.MessageType.Log
) -> None:
    server.window_log_message(types.LogMessageParams(type=kind, message=message))
