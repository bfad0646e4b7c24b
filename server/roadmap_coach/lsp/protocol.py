"""pygls's LanguageServerProtocol with what it gets wrong for LSP fixed in one place:

- a request or notification without `params` is read (JSON-RPC allows it;
  `roadmapCoach/getProgress` takes none);
- a request whose params do not fit its method is answered with `InvalidParams`
  (-32602) instead of never;
- document lines end only at `\\n`, `\\r\\n` and `\\r`, as LSP defines (pygls uses
  `str.splitlines`, which also breaks at form feeds, U+2028 and five more, so an
  incremental edit after one of them landed on the wrong line).

The reproductions for upstream are in docs/RELIABILITY.md ("Upstream reproductions").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol
from pygls.workspace import TextDocument, Workspace

# Characters that `str.splitlines` breaks at but LSP does not (the ASCII ones first).
_NOT_LSP_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_LSP_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def lsp_lines(text: str) -> list[str]:
    """`text` split into lines, each with its line break, as LSP counts them."""
    # `in` scans at memchr speed: a few microseconds for a 1,000-line file, against
    # about 200 for the split itself (a regex search would cost three splits).
    candidates = _NOT_LSP_BREAKS[:5] if text.isascii() else _NOT_LSP_BREAKS
    if not any(char in text for char in candidates):
        return text.splitlines(True)  # the same split, and faster
    return _LSP_LINE.findall(text)


class LspTextDocument(TextDocument):
    @property
    def lines(self) -> Sequence[str]:
        return tuple(lsp_lines(self.source))


class LspWorkspace(Workspace):
    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self._position_codec,
        )


class CoachProtocol(LanguageServerProtocol):
    # pygls creates its `Workspace` inside `initialize`; it becomes an `LspWorkspace`
    # (same state, documents with LSP lines) the moment it is set.
    @property  # type: ignore[override]
    def _workspace(self) -> Workspace | None:
        return self.__dict__.get("_lsp_workspace")

    @_workspace.setter
    def _workspace(self, workspace: Workspace | None) -> None:
        if workspace is not None and type(workspace) is Workspace:
            workspace.__class__ = LspWorkspace
        self.__dict__["_lsp_workspace"] = workspace

    def structure_message(self, data: dict[str, Any]) -> Any:
        if isinstance(data, dict) and "method" in data and "params" not in data:
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            ident = data.get("id") if isinstance(data, dict) else None
            if "method" in data and isinstance(ident, int | str) and not isinstance(ident, bool):
                self._send_response(ident, error=error.to_response_error())
            raise
