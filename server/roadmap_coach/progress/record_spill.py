"""Records made in worker processes, kept encoded until the fold reads them: a cold
scan of a big tree then never holds every decoded record at once."""

from __future__ import annotations

from array import array
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from roadmap_coach.progress.record_codec import LessonsPart, decode_lessons_part
from roadmap_coach.progress.records_cache import decode_record
from roadmap_coach.rules.records import FileRecord


@dataclass(frozen=True, slots=True)
class Spilled:
    """A record made in a worker, kept encoded in the run's `Spill` until it is read;
    its kind and error are the analysis outcome's (the same facts made both)."""

    slot: int
    kind: str
    error: str | None


class Spill:
    """Encoded records in a temporary file: its pages are the system's file cache, not
    this process's memory, while the workers still hold theirs. In memory when no file
    can be written. Beside the records cache when there is one: a temporary directory
    may be a RAM disk, where the pages would be memory after all."""

    def __init__(self, beside: str | None = None) -> None:
        import tempfile  # here: its import (shutil, bz2, lzma) is a cost few runs need

        self.file: Any = None
        for folder in (beside, None):
            with suppress(OSError):  # kept past this call: closed by `close` or collection
                self.file = tempfile.TemporaryFile(prefix="roadmap-coach-", dir=folder)  # noqa: SIM115
                break
        # slot -> offset and size (offset -1: the size is a place in `held`), as machine
        # integers: a pair of int objects per record was most of what a spill held
        self.offsets = array("q")
        self.sizes = array("q")
        self.held: list[bytes] = []
        self.end = 0

    def put(self, blob: bytes, kind: str, error: str | None) -> Spilled:
        if self.file is not None:
            try:
                self.file.seek(self.end)
                self.file.write(blob)
                self.offsets.append(self.end)
                self.sizes.append(len(blob))
                self.end += len(blob)
                return Spilled(len(self.offsets) - 1, kind, error)
            except OSError:
                self.file = None  # a full disk: the rest stays in memory
        self.offsets.append(-1)
        self.sizes.append(len(self.held))
        self.held.append(blob)
        return Spilled(len(self.offsets) - 1, kind, error)

    def record(self, held: FileRecord | Spilled) -> FileRecord:
        if isinstance(held, FileRecord):
            return held
        return decode_record(self._blob(held))

    def lessons_part(self, held: Spilled) -> LessonsPart:
        """The record's slim facts and own lessons, read again: the fold's lessons pass
        asks for them one file at a time, so they are never all held at once."""
        return decode_lessons_part(self._blob(held))

    def _blob(self, held: Spilled) -> bytes:
        offset, size = self.offsets[held.slot], self.sizes[held.slot]
        if offset < 0:
            return self.held[size]
        self.file.seek(offset)
        blob: bytes = self.file.read(size)
        return blob

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.offsets, self.sizes, self.held = array("q"), array("q"), []


def decoded(records: dict[str, FileRecord | Spilled], spill: Spill | None) -> dict[str, FileRecord]:
    if spill is None:
        return records  # type: ignore[return-value]
    return {path: spill.record(held) for path, held in records.items()}
