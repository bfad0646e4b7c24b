"""Settings: read at `initialize`, pulled with `workspace/configuration`, pushed with
`workspace/didChangeConfiguration`, and applied to the pipeline (lesson options, the
progress store, extra roadmap folders)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from lsprotocol import types

from roadmap_coach.lsp import notifications
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.lsp.settings import SECTION, Settings, parse_settings, unwrap

PULL_TIMEOUT_S = 5.0


class Configuration:
    def __init__(self, server: CoachServer, pipeline: Pipeline) -> None:
        self.server = server
        self.pipeline = pipeline

    @property
    def settings(self) -> Settings:
        return self.server.settings

    def initial(self, options: Any) -> None:
        """`initializationOptions`; nothing is analysed yet, so the state is set directly."""
        self._take(options, Settings())
        settings = self.settings
        self.pipeline.state.set_lesson_options(settings.disabled_lessons, settings.hints)

    async def start(self) -> None:
        """After `initialized`: the client's settings, the roadmap and the store."""
        await self.pull()
        settings = self.settings
        await self.pipeline.update(
            lambda: self.pipeline.state.set_lesson_options(
                settings.disabled_lessons, settings.hints
            )
        )
        if self.server.client_features.config_dynamic:
            registration = types.Registration(
                id="roadmap-coach/config", method=types.WORKSPACE_DID_CHANGE_CONFIGURATION
            )
            with contextlib.suppress(Exception):  # settings then arrive only by pull
                await self.server.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                )
        if settings.roadmap_paths:
            await self.pipeline.load_roadmap(self.roadmap_dirs())
        await self.pipeline.open_store(self.store_path(), settings.learner)

    async def pull(self) -> None:
        if not self.server.client_features.configuration:
            return
        try:
            answer = await asyncio.wait_for(
                self.server.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
                ),
                timeout=PULL_TIMEOUT_S,
            )
        except Exception:
            return
        if answer and isinstance(answer[0], dict):
            self._take(answer[0], self.settings)

    async def changed(self, params: types.DidChangeConfigurationParams) -> None:
        old = self.settings
        pushed = unwrap(params.settings) if isinstance(params.settings, dict) else {}
        if pushed:
            self._take(pushed, old)
        else:
            await self.pull()
        await self.apply(old)

    async def apply(self, old: Settings) -> None:
        new, pipeline = self.settings, self.pipeline
        if (old.store_path, old.learner) != (new.store_path, new.learner) and pipeline.log_ready:
            await pipeline.open_store(self.store_path(), new.learner)
            pipeline.progress_changed()
        if old.roadmap_paths != new.roadmap_paths:
            await pipeline.load_roadmap(self.roadmap_dirs())
        if old.code_lens != new.code_lens and self.server.client_features.code_lens_refresh:
            self.server.workspace_code_lens_refresh(None)
        if (old.hints, old.disabled_lessons) != (new.hints, new.disabled_lessons):
            await pipeline.update(
                lambda: pipeline.state.set_lesson_options(new.disabled_lessons, new.hints)
            )

    def _take(self, raw: Any, base: Settings) -> None:
        settings, warnings = parse_settings(raw, base)
        for warning in warnings:
            notifications.log(self.server, f"roadmap-coach: {warning}", types.MessageType.Warning)
        self.server.settings = settings

    # -- where settings point ------------------------------------------------------------
    def _base(self) -> str:
        return self.server.documents.root or os.getcwd()

    def roadmap_dirs(self) -> list[str]:
        base = self._base()
        return [
            os.path.realpath(os.path.join(base, os.path.expanduser(p)))
            for p in self.settings.roadmap_paths
        ]

    def store_path(self) -> str | None:
        path = self.settings.store_path
        if path is None:
            return None
        path = os.path.expanduser(path)
        return path if os.path.isabs(path) else os.path.join(self._base(), path)

    async def saved(self, fs_path: str) -> None:
        """A saved file inside a configured roadmap folder reloads the roadmap."""
        if not self.settings.roadmap_paths:
            return
        real = os.path.realpath(fs_path)
        if any(real.startswith(d.rstrip(os.sep) + os.sep) for d in self.roadmap_dirs()):
            await self.pipeline.load_roadmap(self.roadmap_dirs())


def register(server: CoachServer, pipeline: Pipeline) -> Configuration:
    config = Configuration(server, pipeline)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: CoachServer, params: types.DidChangeConfigurationParams
    ) -> None:
        await config.changed(params)

    return config
