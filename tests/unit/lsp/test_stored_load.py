"""LazyRecords: a reopened workspace's records, decoded once in the background; a session
that ends meanwhile neither waits for that decode nor gets its records."""

from __future__ import annotations

import threading

from roadmap_coach.lsp.stored_load import LazyRecords


def test_closing_while_the_records_are_decoded_does_not_wait_for_them() -> None:
    started, release = threading.Event(), threading.Event()
    closed: list[str] = []

    def load() -> dict:
        started.set()
        assert release.wait(10)
        return {"app.py": object()}

    lazy = LazyRecords(load, lambda: closed.append("cache"))
    lazy.background = True
    got: list[object] = []
    decoder = threading.Thread(target=lambda: got.append(lazy.decode()))
    decoder.start()
    assert started.wait(10)
    lazy.close()  # returns while the decode still runs (it would hang here otherwise)
    assert decoder.is_alive() and closed == []
    release.set()
    decoder.join(10)
    assert got == [None]  # decoded after the close: nobody is handed them
    assert closed == ["cache"]  # the decode let go of the cache, once
    assert lazy.decode() is None and closed == ["cache"]


def test_records_are_decoded_once_and_the_cache_let_go_of_then() -> None:
    loads: list[int] = []
    closed: list[str] = []
    records = {"app.py": object()}

    def load() -> dict:
        loads.append(1)
        return records

    lazy = LazyRecords(load, lambda: closed.append("cache"))
    assert lazy.decode() is records and lazy.decode() is records
    assert loads == [1] and closed == ["cache"]
    lazy.close()
    assert closed == ["cache"] and lazy.decode() is None


def test_closed_before_any_decode_never_decodes() -> None:
    closed: list[str] = []
    lazy = LazyRecords(lambda: {"app.py": object()}, lambda: closed.append("cache"))
    lazy.close()
    assert lazy.decode() is None and closed == ["cache"]
