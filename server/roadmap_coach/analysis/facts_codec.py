"""A compact, fast binary form of `FileFacts`, for the facts cache and the scan's workers.

`FileFacts.to_json` is readable but slow: its generic decoder inspects type hints for
every record, which costs more than parsing the file again. Here each record class
gets a pair of straight-line functions generated once from its dataclass fields
(so a field added to `facts.py` is picked up without touching this module), records
become plain tuples, and `marshal` (C speed, no class lookups, nothing executable)
writes them; zlib's checksum rejects a damaged blob before it is decoded.

The format follows the field lists, so `FORMAT` (a digest of them) is part of every
cache version: a blob written by a build with other fields is never decoded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import zlib
from typing import Any

from roadmap_coach.analysis import facts as facts_module
from roadmap_coach.analysis.facts import FACTS_VERSION, FileFacts

_RECORDS: dict[str, type] = {
    name: cls
    for name, cls in vars(facts_module).items()
    if isinstance(cls, type)
    and dataclasses.is_dataclass(cls)
    and cls.__module__ == facts_module.__name__
}
_MARSHAL_VERSION = 4
_LEVEL = 1  # fastest zlib level: facts are repetitive, level 1 already shrinks them ~5x


class CodecError(ValueError):
    """A blob that is damaged or from another format."""


def _field_code(hint: str, expr: str, encode: bool) -> str:
    """An expression converting `expr` of type `hint` (as written in facts.py)."""
    optional = hint.endswith(" | None")
    base = hint.removesuffix(" | None")
    prefix = "enc_" if encode else "dec_"
    inner: str | None = None
    if base in _RECORDS:
        inner = f"{prefix}{base}({expr})"
    elif base.startswith("list[") and base[5:-1] in _RECORDS:
        inner = f"[{prefix}{base[5:-1]}(x) for x in {expr}]"
    elif base.startswith("dict[") and base[5:-1].partition(", ")[2] in _RECORDS:
        record = base[5:-1].partition(", ")[2]
        inner = f"{{k: {prefix}{record}(v) for k, v in {expr}.items()}}"
    if inner is None:
        return expr  # plain values (str, int, bool, lists/dicts of those) marshal as they are
    return f"(None if {expr} is None else {inner})" if optional else inner


def _generate() -> dict[str, Any]:
    namespace: dict[str, Any] = dict(_RECORDS)
    lines: list[str] = []
    for name, cls in _RECORDS.items():
        fields = dataclasses.fields(cls)
        parts = [_field_code(str(f.type), f"o.{f.name}", True) for f in fields]
        lines.append(f"def enc_{name}(o):\n    return ({', '.join(parts)},)\n")
        args = [_field_code(str(f.type), f"t[{i}]", False) for i, f in enumerate(fields)]
        lines.append(f"def dec_{name}(t):\n    return {name}({', '.join(args)})\n")
    exec(
        compile("\n".join(lines), "<facts codec>", "exec"), namespace
    )  # generated once, from our own fields
    return namespace


def _format_digest() -> str:
    shape = [
        (name, [(f.name, str(f.type)) for f in dataclasses.fields(cls)])
        for name, cls in sorted(_RECORDS.items())
    ]
    text = repr((FACTS_VERSION, _MARSHAL_VERSION, shape))
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


_CODE = _generate()
_ENCODE_FILE = _CODE["enc_FileFacts"]
_DECODE_FILE = _CODE["dec_FileFacts"]
FORMAT = f"f{FACTS_VERSION}-{_format_digest()}"


_SENSITIVE = 0x8000  # the header's top bit: the facts may hold a secret (never cached)


def encode(facts: FileFacts) -> bytes:
    """`error` (2-byte length, UTF-8; the top bit is `sensitive`) then the compressed
    records: a scan reads a cached file's error, which it reports, and a cache whether
    it may keep the blob, without decoding the rest."""
    error = (facts.error or "").encode("utf-8", "surrogateescape")[: _SENSITIVE - 1]
    flag = _SENSITIVE if facts.sensitive else 0
    body = zlib.compress(marshal.dumps(_ENCODE_FILE(facts), _MARSHAL_VERSION), _LEVEL)
    return (len(error) | flag).to_bytes(2, "big") + error + body


def _error_size(blob: bytes) -> int:
    return int.from_bytes(blob[:2], "big") & (_SENSITIVE - 1)


def is_sensitive(blob: bytes) -> bool:
    """May these facts hold a secret's value (`FileFacts.sensitive`)?"""
    return bool(int.from_bytes(blob[:2], "big") & _SENSITIVE)


def error_of(blob: bytes) -> str | None:
    size = _error_size(blob)
    return blob[2 : 2 + size].decode("utf-8", "surrogateescape") if size else None


def decode(blob: bytes) -> FileFacts:
    """The facts again; `CodecError` for anything that is not a blob of this format."""
    try:
        body = blob[2 + _error_size(blob) :]
        return _DECODE_FILE(marshal.loads(zlib.decompress(body)))
    except (
        zlib.error,
        ValueError,
        EOFError,
        TypeError,
        IndexError,
        KeyError,
        AttributeError,
    ) as exc:
        raise CodecError(f"not a facts blob of format {FORMAT}: {type(exc).__name__}") from exc
