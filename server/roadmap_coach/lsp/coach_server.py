"""The pygls server and the parts every feature shares: the pipeline, the documents,
what the client can do and the current settings. Feature modules (`lsp/features/`)
get this server and the pipeline in `register(server, pipeline)`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from roadmap_coach import __version__
from roadmap_coach.lsp.client_features import ClientFeatures
from roadmap_coach.lsp.documents import Documents
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.lsp.settings import Settings
from roadmap_coach.lsp.transport import serve_stdio
from roadmap_coach.roadmap.models import Problem, Roadmap
from roadmap_coach.rules.lessons.base import Lesson

SETTLE_S = 10.0  # a request after an edit waits (at most this long) for its analysis


class CoachServer(LanguageServer):
    def __init__(
        self,
        lessons: list[Lesson] | None,
        roadmap: tuple[Roadmap, list[Problem]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__("roadmap-coach", __version__, **kwargs)
        self.pipeline = Pipeline(lessons, roadmap)
        self.documents = Documents(self.workspace_document, self.position_encoding)
        self.client_features = ClientFeatures()
        self.settings = Settings()
        self.on_stop: list[Callable[[], None]] = []  # each feature's clean-up
        self.waiting = b""  # stdin already read before the server was made: read first

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        # Our framing under pygls's dispatch: it survives bad frames (lsp/transport.py).
        waiting, self.waiting = self.waiting, b""
        serve_stdio(self, stdin or sys.stdin.buffer, stdout or sys.stdout.buffer, waiting)

    def workspace_document(self, uri: str) -> Any:
        return self.workspace.text_documents.get(uri)

    def position_encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def stop(self) -> None:
        for stop in self.on_stop:
            stop()
        self.pipeline.close()
        self.pipeline.state.close()  # a stored fold's records cache, if still open
