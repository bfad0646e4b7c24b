"""Milestones as the learner sees them: announcements (`roadmapCoach/milestone` or
`window/showMessage`), `roadmapCoach/progress` and `roadmapCoach/getProgress`, and a
code lens refresh when the lenses moved. Warnings from the store go out here too."""

from __future__ import annotations

import asyncio
from typing import Any

from roadmap_coach.lsp import guidance, notifications
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.pipeline import Outcome, Pipeline
from roadmap_coach.lsp.progress_view import open_lessons, progress_payload
from roadmap_coach.progress.next_up import NextItem, OpenLesson, latest_first, next_up

GET_PROGRESS = "roadmapCoach/getProgress"


class Milestones:
    def __init__(self, server: CoachServer, pipeline: Pipeline) -> None:
        self.server = server
        self.pipeline = pipeline
        self._warnings: frozenset[tuple[str, str, int]] = frozenset()

    def progress(self) -> dict[str, Any]:
        pipeline, documents = self.pipeline, self.server.documents
        return progress_payload(
            pipeline.roadmap,
            pipeline.log.records,
            pipeline.state.milestones,
            documents.locate,
            documents.locate_record,
            self.open_lessons(),
        )

    def open_lessons(self) -> list[OpenLesson]:
        titles = {
            lesson.code: lesson.title or lesson.code for lesson in self.pipeline.engine.lessons
        }
        return open_lessons(self.pipeline.state.lessons, titles, self.server.documents.locate)

    def ranked(self) -> list[NextItem]:
        """The one next-up ranking (progress.next_up), as getProgress carries it."""
        pipeline = self.pipeline
        latest = latest_first(pipeline.log.records.values())
        return next_up(pipeline.roadmap, pipeline.achieved(), latest, self.open_lessons())

    def send_progress(self) -> None:
        if self.server.client_features.rich:
            notifications.send_progress(self.server, self.progress())

    def published(self, outcome: Outcome) -> None:
        """Announcements, progress and code lenses (lessons went out first)."""
        server, pipeline = self.server, self.pipeline
        client = server.client_features
        # `hints: "off"`: milestones are still recorded and shown in lenses and
        # progress, just not announced
        new = [] if server.settings.hints == "off" else outcome.new
        if new:
            lessons = self.open_lessons()
            notifications.announce(
                server,
                pipeline.roadmap,
                new,
                rich=client.rich,
                locate=server.documents.locate,
                ranked=self.ranked(),
                warnings=guidance.warnings_for(new, pipeline.state.lessons, lessons),
            )
        # nextUp starts with an open security lesson: a warning that appears, moves or goes
        # changes the progress a client shows, even when no milestone did
        warnings = frozenset((o.code, o.path, o.line) for o in self.open_lessons())
        warnings_moved, self._warnings = warnings != self._warnings, warnings
        if outcome.ids_changed or warnings_moved:
            self.send_progress()
        if (outcome.delta.milestones_changed or outcome.new) and client.code_lens_refresh:
            server.workspace_code_lens_refresh(None)
        if pipeline.log.pending_warning:
            self.warn(pipeline.log.pending_warning)
            pipeline.log.pending_warning = None

    def warn(self, message: str) -> None:
        notifications.warn(self.server, message)


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
