"""Lessons as diagnostics: pushed with `publishDiagnostics`, or pulled with
`textDocument/diagnostic` when the client can (then a change to another open file
asks for a `workspace/diagnostic/refresh`). Roadmap validation problems are always
pushed, on the TOML files."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path

from roadmap_coach.lsp.coach_server import SETTLE_S, CoachServer
from roadmap_coach.lsp.diagnostics import lesson_diagnostics, problem_diagnostics
from roadmap_coach.lsp.pipeline import Pipeline, Versions
from roadmap_coach.lsp.workspace_state import Delta
from roadmap_coach.roadmap.models import Problem, Roadmap


class Diagnostics:
    def __init__(self, server: CoachServer, pipeline: Pipeline) -> None:
        self.server = server
        self.pipeline = pipeline
        self.documents = server.documents
        self.result_ids: dict[str, str] = {}
        self.problem_files: set[str] = set()
        self._generation = itertools.count(1)

    def lessons_changed(self, delta: Delta, trigger: str | None, versions: Versions) -> None:
        pull = self.server.client_features.pull
        for path, findings in delta.lessons.items():
            self.result_ids[path] = str(next(self._generation))
            if not pull:
                self.push(path, findings, versions.get(path))
        if trigger is not None and trigger not in delta.lessons and not pull:
            # The edited document always hears back for its new version, changed or not.
            lessons = self.pipeline.state.lessons.get(trigger, [])
            self.push(trigger, lessons, versions.get(trigger))
        if pull and self.server.client_features.diagnostic_refresh:
            others = set(delta.lessons) - {trigger}
            if others & set(self.documents.open_uris):
                self.server.workspace_diagnostic_refresh(None)

    def push(self, path: str, findings: list[Any], version: int | None = None) -> None:
        lines = self.documents.lines_of(path)
        diagnostics = lesson_diagnostics(findings, lines, self.documents.encoding)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=self.documents.uri_of(path), diagnostics=diagnostics, version=version
            )
        )

    def roadmap_changed(self, roadmap: Roadmap, problems: Sequence[Problem]) -> None:
        """Roadmap validation problems as diagnostics on the TOML files (always pushed)."""
        by_file = problem_diagnostics(list(problems))
        for path in self.problem_files - set(by_file):
            self._push_file(path, [])
        for path, diagnostics in by_file.items():
            self._push_file(path, diagnostics)
        self.problem_files = set(by_file)

    def _push_file(self, path: str, diagnostics: list[types.Diagnostic]) -> None:
        uri = from_fs_path(path) or path
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )


def register(
    server: CoachServer,
    pipeline: Pipeline,
    *,
    settled: Callable[[str, float], Awaitable[None]],
) -> Diagnostics:
    """`settled(uri, timeout)` waits for the analysis of the document's newest text."""
    feature = Diagnostics(server, pipeline)
    pipeline.listen.lessons.append(feature.lessons_changed)
    pipeline.listen.roadmap.append(feature.roadmap_changed)
    documents = server.documents

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(inter_file_dependencies=True, workspace_diagnostics=False),
    )
    async def diagnostic(
        ls: CoachServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        await settled(uri, SETTLE_S)
        path = documents.path_of(uri)
        result_id = feature.result_ids.get(path or "", "0")
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        findings = pipeline.state.lessons.get(path, []) if path else []
        items = (
            lesson_diagnostics(findings, documents.lines_of(path), documents.encoding)
            if path
            else []
        )
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    return feature
