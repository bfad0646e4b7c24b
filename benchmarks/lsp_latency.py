"""Keystroke -> `textDocument/publishDiagnostics` latency of a language server over stdio.

A small JSON-RPC client (no LSP library, so both servers are driven the same way):
`didOpen`, then incremental `didChange` edits of one kind (`EDITS`): a character typed
into a string literal (the file stays valid Python, as while typing a message), a line
added inside a function, a line removed, a statement added at module level, an import
added at the top (every statement below it moves). Each is timed from the write of the
notification to the arrival of `publishDiagnostics` for that document *and that
version*. The next edit is sent once the previous one was answered.

`python benchmarks/lsp_latency.py` prints p50/p95 per kind for roadmap-coach and, when
it is installed, pylsp (pyflakes only) on the same 1,000-line file, with the load.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Message = dict[str, Any]
EDITS = ("inline", "line", "remove-line", "module-line", "import-line")
Position = dict[str, int]


class Client:
    def __init__(
        self, argv: list[str], cwd: Path, env: dict[str, str], answers: Callable[[Message], Any]
    ) -> None:
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.answers = answers  # result for a request the server sends us
        self.inbox: queue.Queue[Message] = queue.Queue()
        self.next_id = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:  # a request to us: answer at once
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": self.answers(message)})
            else:
                self.inbox.put(message)

    def send(self, message: Message) -> float:
        body = json.dumps(message).encode("utf-8")
        with self.lock:
            stdin = self.process.stdin
            assert stdin is not None
            stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            stdin.flush()
            return time.perf_counter()

    def notify(self, method: str, params: Any) -> float:
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 60) -> Any:
        self.next_id += 1
        ident = self.next_id
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == ident, timeout).get("result")

    def wait(self, wanted: Callable[[Message], bool], timeout: float) -> Message:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no matching message from the server")
            message = self.inbox.get(timeout=left)
            if wanted(message):
                return message

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.process.wait(timeout=10)
        except (TimeoutError, queue.Empty, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def diagnostics_for(uri: str, version: int) -> Callable[[Message], bool]:
    def match(message: Message) -> bool:
        params = message.get("params") or {}
        return (
            message.get("method") == "textDocument/publishDiagnostics"
            and params.get("uri") == uri
            and params.get("version") == version
        )

    return match


def measure(
    argv: list[str],
    workspace: Path,
    file: Path,
    *,
    init_options: Any = None,
    settings: Any = None,
    env: dict[str, str] | None = None,
    keystrokes: int = 120,
    warmup: int = 10,
    new_lines: bool = False,
    edit: str = "inline",
) -> dict[str, Any]:
    """Latencies (ms) of `keystrokes` edits of kind `edit` (one of `EDITS`; `new_lines`
    is the older spelling of "line") after `warmup` untimed ones."""
    text = file.read_text()
    uri = file.resolve().as_uri()
    edits = _edits(text, "line" if new_lines else edit)
    client = Client(
        argv,
        workspace,
        {**os.environ, **(env or {})},
        lambda m: (
            [settings] * len(m["params"]["items"])
            if m["method"] == "workspace/configuration"
            else None
        ),
    )
    try:
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": workspace.resolve().as_uri(),
                "workspaceFolders": [{"uri": workspace.resolve().as_uri(), "name": workspace.name}],
                "capabilities": {
                    "textDocument": {"publishDiagnostics": {"versionSupport": True}},
                    "workspace": {"configuration": True},
                },
                "initializationOptions": init_options,
            },
        )
        client.notify("initialized", {})
        if settings is not None:
            client.notify("workspace/didChangeConfiguration", {"settings": settings})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        client.wait(diagnostics_for(uri, 1), 120)
        time.sleep(1.0)  # let a start-up workspace scan finish before timing keystrokes
        latencies: list[float] = []
        version = 1
        for index in range(warmup + keystrokes):
            for start, end, typed, timed in edits(index):
                version += 1
                started = client.notify(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [{"range": {"start": start, "end": end}, "text": typed}],
                    },
                )
                client.wait(diagnostics_for(uri, version), 30)
                if timed and index >= warmup:
                    latencies.append((time.perf_counter() - started) * 1000)
                time.sleep(0.03)  # a fast typist: ~30 characters a second at most
    finally:
        client.close()
    ordered = sorted(latencies)
    return {
        "n": len(ordered),
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)],
        "max_ms": ordered[-1],
    }


def _edits(text: str, kind: str) -> Callable[[int], list[tuple[Position, Position, str, bool]]]:
    """Edit number `index` of `kind`: (start, end, new text, timed?) changes in order."""
    marker = text.index('"typing here')  # a string literal in the middle of the file
    line = text.count("\n", 0, marker)
    col = marker - (text.rfind("\n", 0, marker) + 1) + 1
    banner = text[: text.index("def banner")].count("\n")  # a module-level statement

    def at(row: int, column: int = 0) -> Position:
        return {"line": row, "character": column}

    def edit(index: int) -> list[tuple[Position, Position, str, bool]]:
        if kind == "inline":
            return [(at(line, col + index), at(line, col + index), "x", True)]
        if kind == "line":  # a new line above the literal, inside the function
            return [(at(line + index), at(line + index), "    n = 0\n", True)]
        if kind == "remove-line":  # a line is added (untimed), then removed (timed)
            return [
                (at(line), at(line), "    n = 0\n", False),
                (at(line), at(line + 1), "", True),
            ]
        if kind == "module-line":  # a statement between two top-level definitions
            return [(at(banner), at(banner), f"LIMIT_{index} = {index}\n", True)]
        if kind == "import-line":  # at the top: every statement below moves a line
            return [(at(1), at(1), f"import mod_{index}\n", True)]
        raise ValueError(f"unknown edit kind {kind!r} (one of {', '.join(EDITS)})")

    return edit


def flask_file(lines: int = 1000) -> str:
    """A Flask app of about `lines` lines: routes, queries, models, helpers."""
    out = [
        "import os",
        "import sqlite3",
        "from dataclasses import dataclass",
        "",
        "from flask import Flask, jsonify, request",
        "",
        "app = Flask(__name__)",
        'app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")',
        "",
        "",
        "def get_db() -> sqlite3.Connection:",
        '    return sqlite3.connect("shop.db")',
        "",
    ]
    index = 0
    while len(out) < lines - 20:
        out += [
            "",
            f'@app.route("/items{index}/<int:item_id>", methods=["GET", "PUT"])',
            f"def item_{index}(item_id: int):",
            "    db = get_db()",
            f'    row = db.execute("SELECT name, price FROM items{index} WHERE id = ?", (item_id,)).fetchone()',
            "    if row is None:",
            '        return jsonify({"error": "not found"}), 404',
            '    if request.method == "PUT":',
            "        data = request.get_json() or {}",
            f'        db.execute("UPDATE items{index} SET name = ? WHERE id = ?", (data.get("name"), item_id))',
            "        db.commit()",
            f'    return jsonify({{"id": item_id, "name": row[0], "price": row[1], "page": {index}}})',
            "",
            "",
            "@dataclass",
            f"class Item{index}:",
            "    name: str",
            "    price: float = 0.0",
            "",
        ]
        index += 1
        if index == 25:
            out += ["", "def banner() -> str:", '    return "typing here: "', ""]
    while len(out) < lines:
        out.append(f"# line {len(out) + 1}")
    return "\n".join(out) + "\n"


PYLSP_PLUGINS_OFF = [
    "autopep8", "flake8", "jedi_completion", "jedi_definition", "jedi_hover", "jedi_references",
    "jedi_signature_help", "jedi_symbols", "mccabe", "preload", "pycodestyle", "pydocstyle",
    "pylint", "rope_autoimport", "rope_completion", "yapf",
]  # fmt: skip


def main(keystrokes: int = 40) -> None:
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "flask-1000"
        workspace.mkdir()
        (workspace / "requirements.txt").write_text("flask\n")
        app = workspace / "app.py"
        servers: dict[str, dict[str, Any]] = {
            "roadmap-coach": {
                "argv": [str(bin_dir / "roadmap-coach"), "serve"],
                "init_options": {"debounceMs": 0},
                "settings": {"roadmapCoach": {"debounceMs": 0}},
                "env": {"ROADMAP_COACH_STORE": str(Path(tmp) / "store.sqlite3")},
            }
        }
        pylsp = shutil.which("pylsp", path=str(bin_dir)) or shutil.which("pylsp")
        if pylsp:
            plugins: dict[str, Any] = {name: {"enabled": False} for name in PYLSP_PLUGINS_OFF}
            plugins["pyflakes"] = {"enabled": True}
            servers["pylsp (pyflakes)"] = {
                "argv": [pylsp],
                "settings": {"pylsp": {"plugins": plugins}},
            }
        print(f"load average before: {os.getloadavg()}")
        print("| server | edit | n | p50 ms | p95 ms | max ms |")
        print("|---|---|---:|---:|---:|---:|")
        for name, options in servers.items():
            for kind in EDITS:
                app.write_text(flask_file(1000))
                count = keystrokes if name == "roadmap-coach" else max(10, keystrokes // 4)
                r = measure(
                    options["argv"], workspace, app, init_options=options.get("init_options"),
                    settings=options["settings"], env=options.get("env"), keystrokes=count,
                    warmup=5, edit=kind,
                )  # fmt: skip
                print(
                    f"| {name} | {kind} | {r['n']} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
                    f"| {r['max_ms']:.1f} |",
                    flush=True,
                )
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
