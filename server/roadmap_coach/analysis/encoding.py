"""Turning a file's bytes into text the way the tool that reads the file would.

Python source follows PEP 263 (a BOM or a `coding` cookie, else UTF-8). Requirements
files follow pip, which also accepts UTF-16/32 with a BOM: Windows PowerShell's
`pip freeze > requirements.txt` writes UTF-16 LE with a BOM, and a learner who did
that still has a requirements file. Everything else is read leniently.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize

# UTF-32 first: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# pip's own rule: a coding declaration in one of the first two lines.
_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding named by a byte-order mark and the mark's length, if there is one."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes mean binary, unless a BOM says the text is UTF-16/32 (which has NULs)."""
    found = bom_encoding(data)
    if found is not None and found[0] != "utf-8":
        return False
    return b"\0" in data


def decode_python(data: bytes) -> str:
    """Decode Python source as the interpreter would, plus UTF-16/32 with a BOM.

    Raises `UnicodeDecodeError` for bytes the encoding cannot read and `SyntaxError`
    (from `tokenize`) for an unknown or contradictory coding declaration.
    """
    found = bom_encoding(data)
    if found is not None and found[0] != "utf-8":
        name, skip = found
        return data[skip:].decode(name)
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def decode_utf8(data: bytes) -> str:
    """Strict UTF-8 (a leading BOM is dropped): what TOML requires."""
    return data.decode("utf-8-sig")


def decode_text(data: bytes) -> str:
    """Decode the way pip reads a requirements file, but never fail.

    BOM first, then a `coding` declaration in the first two lines, then UTF-8, and
    finally latin-1 (locale-free, so the same bytes give the same facts everywhere).
    """
    found = bom_encoding(data)
    if found is not None:
        name, skip = found
        try:
            return data[skip:].decode(name)
        except UnicodeDecodeError:
            pass
    for line in data.split(b"\n", 2)[:2]:
        match = _CODING_RE.match(line)
        if match:
            try:
                return data.decode(match.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def split_lines(text: str) -> list[str]:
    """Lines as editors count them (\\n, \\r\\n or \\r), unlike `str.splitlines`
    which also breaks on form feeds and Unicode separators and would shift line numbers."""
    # without a \r only \n breaks lines, and str.split is several times the regex's speed
    lines = text.split("\n") if "\r" not in text else _LINE_BREAK_RE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def line_of_offset(data: bytes, offset: int) -> int:
    """0-based line number of a byte offset (for pointing at undecodable bytes)."""
    return data.count(b"\n", 0, max(offset, 0))
