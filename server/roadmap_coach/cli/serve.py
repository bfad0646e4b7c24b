"""`roadmap-coach serve`: the language server (stdio by default)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import Any

from roadmap_coach.cli.common import EXIT_OK


def register(sub: Any) -> None:
    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--stdio", action="store_true", help="(default)")
    serve.add_argument("--tcp", action="store_true")
    serve.add_argument("--ws", action="store_true")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=2087)
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    # The imports are most of the server's start, and `initialize` waits for them: the
    # objects they make (lsprotocol's ~1,000 classes) live as long as the process, so
    # the cyclic collector's passes over them meanwhile, and later, only cost time.
    collector_was_on = gc.isenabled()
    gc.disable()
    early, waiting = None, b""
    try:
        if not (args.tcp or args.ws):
            early, waiting = _list_early()
        from roadmap_coach.lsp.attrs_code_cache import dataclasses_cached, import_protocol_types

        # kept as Python keeps bytecode, so PYTHONDONTWRITEBYTECODE stops it being written
        folder, write = _bytecode_folder(), not sys.dont_write_bytecode
        import_protocol_types(folder, write=write)
        with dataclasses_cached(folder, write=write):
            from roadmap_coach.lsp.server import serve
    finally:
        gc.freeze()
        if collector_was_on:
            gc.enable()

    serve(tcp=args.tcp, ws=args.ws, host=args.host, port=args.port, early=early, waiting=waiting)
    return EXIT_OK


def _list_early() -> tuple[Any, bytes]:
    """The workspace listed by a child while the server imports (`lsp.early_listing`)
    when the client's `initialize` is already on stdin; and what was read of stdin."""
    from roadmap_coach.lsp import early_listing

    if not early_listing.supported():
        return None, b""
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return None, b""
    waiting, root = early_listing.read_waiting(fd)
    return (early_listing.EarlyListing.start(root) if root else None), waiting


def _bytecode_folder() -> Path:
    """Where Python keeps this package's bytecode (`__pycache__`, or under
    `sys.pycache_prefix`): the compiled code of lsprotocol's classes is kept there too."""
    import roadmap_coach.lsp

    here = Path(os.path.dirname(os.path.abspath(roadmap_coach.lsp.__file__)))
    if sys.pycache_prefix:
        return Path(sys.pycache_prefix) / here.relative_to(here.anchor)
    return here / "__pycache__"
