"""Server-side debounce: a burst of edits to one document costs one analysis.

Each edit marks the document dirty and (re)starts its timer; when the timer fires
the document's current text is analysed. Edits that arrive while an analysis runs
are folded into one more analysis after it, so even with `debounceMs: 0` the queue
never grows longer than one pending analysis per document.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class DocumentQueue:
    def __init__(self, analyse: Callable[[str], Awaitable[None]]) -> None:
        self._analyse = analyse
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._dirty: set[str] = set()
        self._idle: dict[str, asyncio.Event] = {}

    def touch(self, uri: str, delay_ms: int) -> None:
        """The document changed: analyse it after `delay_ms` without further changes."""
        self._dirty.add(uri)
        self._event(uri).clear()
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        if delay_ms <= 0:
            self._start(uri)
        else:
            loop = asyncio.get_running_loop()
            self._timers[uri] = loop.call_later(delay_ms / 1000, self._start, uri)

    def forget(self, uri: str) -> None:
        """The document closed: drop what is pending (a running analysis finishes)."""
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._dirty.discard(uri)
        if uri not in self._tasks:
            self._event(uri).set()

    def busy(self, uri: str) -> bool:
        return uri in self._timers or uri in self._tasks or uri in self._dirty

    async def settled(self, uri: str, timeout: float = 10.0) -> None:
        """Wait until the document's newest text has been analysed."""
        event = self._idle.get(uri)
        if event is None:
            return
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            log.warning("analysis of %s did not settle within %.0f s", uri, timeout)

    def cancel_all(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._dirty.clear()

    def _event(self, uri: str) -> asyncio.Event:
        event = self._idle.get(uri)
        if event is None:
            event = self._idle[uri] = asyncio.Event()
            event.set()
        return event

    def _start(self, uri: str) -> None:
        self._timers.pop(uri, None)
        if uri in self._tasks:
            return  # the running loop below picks the new text up when it is done
        self._tasks[uri] = asyncio.ensure_future(self._drain(uri))

    async def _drain(self, uri: str) -> None:
        try:
            while uri in self._dirty and uri not in self._timers:
                self._dirty.discard(uri)
                try:
                    await self._analyse(uri)
                except Exception:  # one failed analysis must not stop the next ones
                    log.exception("analysis of %s failed", uri)
        finally:
            self._tasks.pop(uri, None)
            if uri not in self._timers and uri not in self._dirty:
                self._event(uri).set()
