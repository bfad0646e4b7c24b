"""How a `FileRecord` is written and read back (MessagePack, by msgspec), and the
fingerprint that says which build of the analyser, rules and roadmap made a record: the
records cache (`progress.records_cache`) keeps rows under it and the workers hand their
records back in this encoding."""

from __future__ import annotations

import hashlib
import importlib
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap_coach import __version__
from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.rules.lessons.base import LessonFinding
from roadmap_coach.rules.matchers import Evidence
from roadmap_coach.rules.records import FileRecord

if TYPE_CHECKING:
    from roadmap_coach.rules.engine import Engine

# the records' encoding, part of the fingerprint: rows of another encoding are never read
RECORD_CODEC = "msgpack-1"


# MessagePack typed by `FileRecord`'s own annotations (msgspec): on every record of
# Django 5.2 it encoded 4-5x and decoded ~2.4x faster than pickle, for 1.6x the bytes
# (field names are written out), and a decoded record is equal to the one encoded
@cache
def _codec() -> tuple[Any, Any]:
    import msgspec  # on first use: a scan of an unchanged workspace codes no record

    return msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder(FileRecord)


@dataclass(slots=True)
class LessonsPart:
    """What the fold's lessons pass reads of a record (the rest of it is skipped when
    decoded): its slim facts and its own lessons' findings."""

    slim: FileFacts | None = None
    lessons: list[tuple[int, LessonFinding]] = field(default_factory=list)


@cache
def _lessons_decoder() -> Any:
    import msgspec

    return msgspec.msgpack.Decoder(LessonsPart)


def decode_lessons_part(blob: bytes) -> LessonsPart:
    """`decode_record(blob)`'s slim facts and lessons, the other fields not built."""
    part: LessonsPart = _lessons_decoder().decode(blob)
    return part


def encode_record(record: FileRecord) -> bytes:
    """The one encoding of a record: the cache's rows, the workers' answers (and the
    server's and `history`'s records)."""
    return _codec()[0].encode(record)  # type: ignore[no-any-return]


def decode_record(blob: bytes) -> FileRecord:
    """The record `encode_record` gave; raises `msgspec.DecodeError` (a `ValueError`)
    on anything else."""
    record: FileRecord = _codec()[1].decode(blob)
    _share_strings(record)
    return record


_set = object.__setattr__


def _share_strings(record: FileRecord) -> None:
    """One string object per evidence path and function name, as when the record was
    made: the encoding writes out every occurrence, and decoded apart they made Django's
    records take a third more memory. `Evidence` is frozen, but these objects were
    decoded a moment ago and nothing else holds them yet."""
    path = record.path
    names: dict[str, str] = {}

    def share(evidence: Evidence) -> None:
        if evidence.path == path:
            _set(evidence, "path", path)
        function = evidence.function
        if function is not None:
            _set(evidence, "function", names.setdefault(function, function))

    for hits in record.evidence.values():
        for evidence in hits:
            share(evidence)
    contribution = record.contribution
    for by_value in contribution.values.values():
        for evidence in by_value.values():
            share(evidence)
    for evidence in contribution.classes.values():
        share(evidence)
    for pair in contribution.bases:
        share(pair[1])
    for pair in contribution.imports:
        share(pair[1])
    for triple in contribution.instances:
        share(triple[2])


def _source_digest(package: str) -> str:
    digest = hashlib.blake2b(digest_size=8)
    # the package's folder as a plain path (importlib.resources would import zipfile)
    stack = [Path(importlib.import_module(package).__file__ or ".").parent]
    while stack:
        folder = stack.pop()
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.is_dir():
                if item.name != "__pycache__":
                    stack.append(item)
            elif item.name.endswith(".py"):
                digest.update(item.name.encode())
                digest.update(item.read_bytes())
    return digest.hexdigest()


# whose source a record depends on: the roadmap's loader and schema decide what the
# matchers are given, as much as the analyser and the rules decide what they find
SOURCE_PACKAGES = ("roadmap_coach.analysis", "roadmap_coach.roadmap", "roadmap_coach.rules")
_SOURCES: dict[str, str] = {}


def fingerprint(engine: Engine) -> str:
    """Changes whenever a record could: the analyser's, the roadmap loader's and the
    rules' source, the roadmap (shipped and course checkpoints), the lessons, the
    records' encoding, the Python version."""
    if not _SOURCES:
        for package in SOURCE_PACKAGES:
            _SOURCES[package] = _source_digest(package)
    digest = hashlib.blake2b(digest_size=12)
    for package in sorted(_SOURCES):
        digest.update(_SOURCES[package].encode())
    digest.update(repr(engine.roadmap).encode("utf-8", "surrogatepass"))
    for lesson in engine.lessons:
        kind = type(lesson)
        digest.update(f"{kind.__module__}.{kind.__qualname__}:{lesson.code}".encode())
    digest.update(RECORD_CODEC.encode())
    major, minor = sys.version_info[:2]
    return f"py{major}.{minor}:{__version__}:{digest.hexdigest()}"
