"""`roadmap-coach serve`: the language server (stdio by default)."""

from __future__ import annotations

import argparse
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
    from roadmap_coach.lsp.server import serve

    serve(tcp=args.tcp, ws=args.ws, host=args.host, port=args.port)
    return EXIT_OK
