"""The store's facts cache seen as `analysis.workspace.FactsCache`.

Facts are keyed by `analysis.workspace.cache_key` (path, content digest or blob id,
facts format, interpreter), so a re-opened workspace or a replayed history reads
each unchanged file's facts instead of parsing it again.
"""

from __future__ import annotations

import contextlib

from roadmap_coach.analysis.facts import FACTS_VERSION, FileFacts
from roadmap_coach.progress.store import Store, StoreError

CACHE_VERSION = f"facts-{FACTS_VERSION}"


class StoreFactsCache:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> FileFacts | None:
        try:
            raw = self.store.cache_get(key, CACHE_VERSION)
        except StoreError:
            return None  # a busy store only costs a re-parse
        if raw is None:
            return None
        try:
            return FileFacts.from_json(raw)
        except (ValueError, TypeError, KeyError):
            return None  # written by an older, incompatible build

    def put(self, key: str, facts: FileFacts) -> None:
        if facts.sensitive:
            return  # may hold a secret's value: the store never holds one
        # The cache is an optimisation; never fail analysis over it.
        with contextlib.suppress(StoreError):
            self.store.cache_put(key, CACHE_VERSION, facts.to_json())
