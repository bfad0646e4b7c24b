"""`WorkspaceFacts.files` for big trees: facts kept in their compact codec form.

A large tree's facts as Python objects weigh about 15 times its source (every call,
attribute read and span is a record); encoded they weigh about a third of it. So the
scan keeps what came from the cache or a worker process encoded, and a reader gets
the records back on access. Readers walk the files in order, so the last few
decoded files are kept; nothing else is, and memory stays flat in the number of files.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, MutableMapping

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.facts_codec import decode

_RECENT = 32


class FactsMap(MutableMapping[str, FileFacts]):
    """Path -> facts, each held either as records or as a codec blob."""

    __slots__ = ("_items", "_recent")

    def __init__(self) -> None:
        self._items: dict[str, FileFacts | bytes] = {}
        self._recent: OrderedDict[str, FileFacts] = OrderedDict()

    def put_blob(self, path: str, blob: bytes) -> None:
        self._recent.pop(path, None)
        self._items[path] = blob

    def __getitem__(self, path: str) -> FileFacts:
        held = self._items[path]
        if not isinstance(held, bytes):
            return held
        recent = self._recent.get(path)
        if recent is not None:
            self._recent.move_to_end(path)
            return recent
        facts = decode(held)
        self._recent[path] = facts
        if len(self._recent) > _RECENT:
            self._recent.popitem(last=False)
        return facts

    def __setitem__(self, path: str, facts: FileFacts) -> None:
        self._recent.pop(path, None)
        self._items[path] = facts

    def __delitem__(self, path: str) -> None:
        self._recent.pop(path, None)
        del self._items[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, path: object) -> bool:
        return path in self._items

    def __repr__(self) -> str:
        return f"FactsMap({len(self._items)} files)"
