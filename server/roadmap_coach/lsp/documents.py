"""Where things are: the workspace root, the open documents (uri ↔ workspace path) and
the lines of a file (the editor's buffer when open, else the disk)."""

from __future__ import annotations

import os
from collections.abc import Callable

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from roadmap_coach.analysis.encoding import split_lines
from roadmap_coach.lsp.positions import (
    LineSource,
    lines_reader,
    path_to_uri,
    range_json,
    to_range,
    uri_to_rel,
)
from roadmap_coach.lsp.progress_view import Location
from roadmap_coach.progress.store import MilestoneRecord
from roadmap_coach.rules.matchers import Evidence

MAX_DISK_LINES_BYTES = 2 * 1024 * 1024


class Documents:
    def __init__(
        self,
        text_document: Callable[[str], TextDocument | None],
        encoding: Callable[[], str],
    ) -> None:
        self._text_document = text_document  # the client's buffer for a uri, if open
        self._encoding = encoding
        self.root: str | None = None
        self.open_paths: dict[str, str] = {}  # uri -> workspace path of open documents
        self.open_uris: dict[str, str] = {}  # workspace path -> uri

    @property
    def encoding(self) -> str:
        return self._encoding()

    def set_root(self, root: str | None) -> str | None:
        self.root = os.path.realpath(root) if root else None
        return self.root

    # -- open documents --------------------------------------------------------------
    def opened(self, uri: str, path: str) -> None:
        self.open_paths[uri] = path
        self.open_uris[path] = uri

    def closed(self, uri: str) -> str | None:
        """Forget an open document; its workspace path, or None if it was not ours."""
        path = self.open_paths.pop(uri, None)
        if path is not None:
            self.open_uris.pop(path, None)
        return path

    def buffer(self, uri: str) -> TextDocument | None:
        return self._text_document(uri)

    # -- uri <-> path ----------------------------------------------------------------
    def uri_of(self, path: str) -> str:
        return self.open_uris.get(path) or path_to_uri(self.root or "", path)

    def path_of(self, uri: str) -> str | None:
        return self.open_paths.get(uri) or uri_to_rel(self.root, uri)

    def lines_of(self, path: str) -> LineSource:
        """The file's lines: the editor's buffer when open, else the disk (read lazily;
        a file of plain ASCII is not split: its columns need no converting, so each of
        its lines is None, as a line that is not known)."""
        uri = self.open_uris.get(path)
        doc = self._text_document(uri) if uri else None
        if doc is not None:
            return lines_reader(doc.lines)
        cache: dict[str, list[str] | None] = {}

        def line_of(number: int) -> str | None:
            if "lines" not in cache:
                cache["lines"] = _disk_lines(os.path.join(self.root or "", *path.split("/")))
            return lines_reader(cache["lines"])(number)

        return line_of

    def text_of(self, path: str) -> str | None:
        """The file's text: the editor's buffer when open, else the disk (None if absent
        or too large)."""
        uri = self.open_uris.get(path)
        doc = self._text_document(uri) if uri else None
        if doc is not None:
            return doc.source
        data = _disk_bytes(os.path.join(self.root or "", *path.split("/")))
        return data.decode("utf-8", "replace") if data is not None else None

    def locate(self, evidence: Evidence) -> Location | None:
        if self.root is None or evidence.path in ("", ".git"):
            return None
        uri = self.open_uris.get(evidence.path)
        doc = self._text_document(uri) if uri else None
        line_of = lines_reader(doc.lines) if doc is not None else lines_reader(None)
        rng = to_range(evidence.span, line_of, self.encoding)
        return {"uri": self.uri_of(evidence.path), "range": range_json(rng)}

    def locate_record(self, record: MilestoneRecord) -> Location | None:
        if not record.path or record.path == ".git":
            return None
        base = record.workspace or self.root
        if not base:
            return None
        line = max((record.line or 1) - 1, 0)
        uri = from_fs_path(os.path.join(base, *record.path.split("/"))) or ""
        start = types.Position(line, 0)
        return {"uri": uri, "range": range_json(types.Range(start, start))}


def root_from(params: types.InitializeParams) -> str | None:
    """The workspace folder the client named (the first that exists)."""
    for uri in [params.root_uri, *(f.uri for f in params.workspace_folders or [])]:
        path = to_fs_path(uri) if uri else None
        if path and os.path.isdir(path):
            return path
    return params.root_path if params.root_path and os.path.isdir(params.root_path) else None


def _disk_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_DISK_LINES_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_DISK_LINES_BYTES else None


def _disk_lines(path: str) -> list[str] | None:
    data = _disk_bytes(path)
    if data is None or data.isascii():
        return None  # ASCII: a column is the same in bytes and in any position encoding
    return split_lines(data.decode("utf-8", "replace"))
