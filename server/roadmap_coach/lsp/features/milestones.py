"""Milestones as the learner sees them: announcements (`roadmapCoach/milestone` or
`window/showMessage`), `roadmapCoach/progress` and `roadmapCoach/getProgress`, and a
code lens refresh when the lenses moved. Warnings from the store go out here too."""

from __future__ import annotations

import asyncio
from typing import Any

from roadmap_coach.lsp import notifications
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.pipeline import Outcome, Pipeline
from roadmap_coach.lsp.progress_view import progress_payload

GET_PROGRESS = "roadmapCoach/getProgress"


class Milestones:
    def __init__(self, server: CoachServer, pipeline: Pipeline) -> None:
        self.server = server
        self.pipeline = pipeline

    def progress(self) -> dict[str, Any]:
        pipeline, documents = self.pipeline, self.server.documents
        return progress_payload(
            pipeline.roadmap,
            pipeline.log.records,
            pipeline.state.milestones,
            documents.locate,
            documents.locate_record,
        )

    def send_progress(self) -> None:
        if self.server.client_features.rich:
            notifications.send_progress(self.server, self.progress())

    def published(self, outcome: Outcome) -> None:
        """Announcements, progress and code lenses (lessons went out first)."""
        server, pipeline = self.server, self.pipeline
        client = server.client_features
        notifications.announce(
            server,
            pipeline.roadmap,
            # `hints: "off"`: milestones are still recorded and shown in lenses and
            # progress, just not announced
            [] if server.settings.hints == "off" else outcome.new,
            rich=client.rich,
            locate=server.documents.locate,
            achieved=pipeline.achieved(),
        )
        if outcome.ids_changed:
            self.send_progress()
        if (outcome.delta.milestones_changed or outcome.new) and client.code_lens_refresh:
            server.workspace_code_lens_refresh(None)
        if pipeline.log.pending_warning:
            self.warn(pipeline.log.pending_warning)
            pipeline.log.pending_warning = None

    def warn(self, message: str) -> None:
        notifications.warn(self.server, f"roadmap-coach: {message}")


def register(server: CoachServer, pipeline: Pipeline) -> Milestones:
    feature = Milestones(server, pipeline)
    pipeline.listen.milestones.append(feature.published)
    pipeline.listen.progress.append(feature.send_progress)
    pipeline.listen.warnings.append(feature.warn)

    @server.feature(GET_PROGRESS)
    async def get_progress(ls: CoachServer, params: Any = None) -> dict[str, Any]:
        await asyncio.to_thread(pipeline.log.reload)  # another window may have recorded one
        return feature.progress()

    return feature
