"""The server's result of a workspace scan, kept in the records cache so that the same
workspace opened again takes it whole instead of decoding every file's record.

It is what the server holds after a full evaluation of the scan's records under its
lesson settings: the milestones, each file's lessons and silenced security lessons,
each file's content digest and kind, and the lessons' workspace context (so that an
edit's lessons need none of the records). Its key covers everything those depend on:
the scan's inputs (the engine's fingerprint and every file's content,
`WorkspaceRecords.inputs`), the Git facts, and the lesson settings (`disabledLessons`,
`hints`); any difference and it is not used. It sits in its own `scan_state` row (the
root with a suffix), so `scan` and `serve` on one store do not overwrite each other's
stored fold.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable
from dataclasses import dataclass

from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.progress.evaluation import WorkspaceRecords
from roadmap_coach.progress.records_cache import RecordsCache
from roadmap_coach.rules.engine import Milestone
from roadmap_coach.rules.lessons.base import LessonFinding, WorkspaceContext

ROW_SUFFIX = "\0serve"
FORMAT = "2"  # a fold pickled by another layout of `StoredFold` is not read


@dataclass(slots=True)
class StoredFold:
    disabled: frozenset[str]
    hints: str
    milestones: list[Milestone]
    lessons: dict[str, list[LessonFinding]]
    silenced: dict[str, list[LessonFinding]]
    files: dict[str, tuple[str, str]]  # path -> (content digest, kind)
    context: WorkspaceContext | None = None  # without its memo: worked out again on use


def fold_key(ws: WorkspaceRecords, git: GitFacts, disabled: Iterable[str], hints: str) -> str:
    text = f"{FORMAT}\0{ws.inputs}\0{git!r}\0{sorted(disabled)!r}\0{hints}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def read_fold(cache: RecordsCache, ws: WorkspaceRecords, key: str) -> StoredFold | None:
    """The fold stored under `key` for these inputs, or None."""
    state = cache.state(ws.root + ROW_SUFFIX)
    if state is None or state.inputs != ws.inputs or state.fold_key != key or not state.fold:
        return None
    try:
        fold = pickle.loads(state.fold)
    except Exception:  # damaged or from another build: evaluated again
        return None
    return fold if isinstance(fold, StoredFold) else None


def write_fold(cache: RecordsCache, ws: WorkspaceRecords, key: str, fold: StoredFold) -> None:
    row = ws.root + ROW_SUFFIX
    cache.put_state(row, ws.inputs, ws.workspace_key, None)
    cache.put_fold(row, key, pickle.dumps(fold, protocol=pickle.HIGHEST_PROTOCOL))
