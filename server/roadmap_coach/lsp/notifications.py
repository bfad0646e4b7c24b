"""Telling the learner: `roadmapCoach/milestone` and `roadmapCoach/progress` for clients
that opted in (capabilities.experimental.roadmapCoach.milestoneNotifications), plain
`window/showMessage` for every other client — never both, never the custom methods
to a client that did not ask."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from roadmap_coach.lsp.milestone_log import Achieved
from roadmap_coach.lsp.progress_view import Location, milestone_message, milestone_params
from roadmap_coach.progress.next_up import NextItem, OpenLesson
from roadmap_coach.roadmap.markup import plain
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.matchers import Evidence

MILESTONE = "roadmapCoach/milestone"
PROGRESS = "roadmapCoach/progress"


def opted_in(
    capabilities: types.ClientCapabilities | None, flag: str = "milestoneNotifications"
) -> bool:
    experimental = capabilities.experimental if capabilities is not None else None
    if not isinstance(experimental, dict):
        return False
    coach = experimental.get("roadmapCoach")
    return isinstance(coach, dict) and coach.get(flag) is True


def announce(
    server: LanguageServer,
    roadmap: Roadmap,
    new: Sequence[Achieved],
    *,
    rich: bool,
    locate: Callable[[Evidence], Location | None],
    ranked: Sequence[NextItem] = (),
    warnings: Mapping[str, OpenLesson] | None = None,
) -> None:
    """Milestones that arrived together: one custom notification each (opted-in clients),
    else ONE plain `window/showMessage` for the whole batch (docs/protocol.md)."""
    if not new:
        return
    warnings = warnings or {}
    if rich:
        for item in new:
            where = locate(item.evidence) if item.evidence is not None else None
            params = milestone_params(
                roadmap,
                item.milestone,
                where,
                ranked=ranked,
                warning=warnings.get(item.milestone.id),
            )
            server.protocol.notify(MILESTONE, params)
        return
    message = milestone_message([item.milestone for item in new], ranked, warnings)
    server.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Info, message=message)
    )


def send_progress(server: LanguageServer, payload: dict[str, Any]) -> None:
    server.protocol.notify(PROGRESS, payload)


def warn(server: LanguageServer, message: str) -> None:
    """A plain Warning message; the editor names the server, so no prefix of ours."""
    text = plain(message.removeprefix("roadmap-coach: "))
    server.window_show_message(
        types.ShowMessageParams(type=types.MessageType.Warning, message=text)
    )


def log(
    server: LanguageServer, message: str, kind: types.MessageType = types.MessageType.Log
) -> None:
    server.window_log_message(types.LogMessageParams(type=kind, message=message))
