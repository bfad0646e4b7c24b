"""`roadmapCoach.showFile`: the command a quick fix that edits another file carries (for
clients that can show documents). The client runs it after applying the edit; the
server asks the client to show that file, with the cursor on the fixed line."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.other_files import SHOW_FILE
from roadmap_coach.lsp.pipeline import Pipeline


def register(server: CoachServer, pipeline: Pipeline) -> None:
    documents = server.documents

    @server.command(SHOW_FILE)
    async def show_file(ls: CoachServer, *args: Any) -> dict[str, bool]:
        uri = args[0] if args and isinstance(args[0], str) else None
        line = args[1] if len(args) > 1 and isinstance(args[1], int) else 0
        if uri is None or documents.path_of(uri) is None:
            raise JsonRpcInvalidParams("showFile needs the uri of a workspace file")
        if not ls.client_features.show_document:
            return {"shown": False}
        where = types.Position(max(line, 0), 0)
        result = await ls.window_show_document_async(
            types.ShowDocumentParams(uri=uri, take_focus=True, selection=types.Range(where, where))
        )
        return {"shown": bool(result and result.success)}
