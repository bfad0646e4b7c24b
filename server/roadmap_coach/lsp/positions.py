"""Where things are, in the editor's terms: workspace paths <-> URIs, spans -> ranges.

Analysis spans count columns in UTF-8 bytes (what `ast` reports); the editor counts
in the negotiated position encoding (UTF-16 unless the client chose otherwise), so
a column is converted with the line's text whenever the line is not plain ASCII.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Sequence

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from roadmap_coach.analysis.facts import Span

# a line's text, or None when it is not known or needs no converting (plain ASCII)
LineSource = Callable[[int], str | None]


def path_to_uri(root: str, rel: str) -> str:
    return from_fs_path(os.path.join(root, *rel.split("/"))) or ""


def uri_to_rel(root: str | None, uri: str) -> str | None:
    """The '/'-separated workspace path of `uri`, or None when it is outside the workspace."""
    if root is None:
        return None
    path = to_fs_path(uri)
    if not path:
        return None
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return None
    if rel == os.curdir or rel.startswith(os.pardir + os.sep) or rel == os.pardir:
        return None
    return posixpath.join(*rel.split(os.sep))


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def client_column(line_text: str | None, byte_col: int, encoding: str) -> int:
    """A UTF-8 byte column of `line_text` in the client's position encoding."""
    if line_text is None or line_text.isascii() or encoding == types.PositionEncodingKind.Utf8:
        return byte_col
    prefix = line_text.encode("utf-8")[:byte_col].decode("utf-8", "ignore")
    return _units(prefix, encoding)


def server_byte_column(line_text: str | None, character: int, encoding: str) -> int:
    """The inverse: a client column on `line_text` as a UTF-8 byte column."""
    if line_text is None or line_text.isascii() or encoding == types.PositionEncodingKind.Utf8:
        return character
    count = 0
    for index, char in enumerate(line_text):
        if count >= character:
            return len(line_text[:index].encode("utf-8"))
        count += _units(char, encoding)
    return len(line_text.encode("utf-8"))


def to_range(span: Span, line_of: LineSource, encoding: str) -> types.Range:
    start = types.Position(span.line, client_column(line_of(span.line), span.col, encoding))
    end = types.Position(
        span.end_line, client_column(line_of(span.end_line), span.end_col, encoding)
    )
    return types.Range(start, end)


def lines_reader(lines: Sequence[str] | None) -> LineSource:
    def line_of(number: int) -> str | None:
        if lines is None or not 0 <= number < len(lines):
            return None
        return lines[number].rstrip("\r\n")

    return line_of


def contains(span: Span, line: int, byte_col: int) -> bool:
    """Is (line, byte_col) inside `span`? A zero-width span covers its whole first line."""
    if span.line == span.end_line and span.col == span.end_col:
        return line == span.line
    if line < span.line or line > span.end_line:
        return False
    if line == span.line and byte_col < span.col:
        return False
    return not (line == span.end_line and byte_col > span.end_col)


def range_json(rng: types.Range) -> dict[str, dict[str, int]]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }
