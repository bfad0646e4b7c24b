"""Running the real coach the ways a learner does: the CLI as a subprocess (both entry
points) and the language server through the pytest-lsp driver of tests/lsp.

Every run gets a hang guard, never a speed assertion: `HANG_S` is far above what any
of these takes, so a test only fails on it when something really stopped answering.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HANG_S = 240.0
SCRIPT = Path(sys.executable).with_name("roadmap-coach")

# The LSP driver of tests/lsp (tests/lsp/lsp_client.py), imported by file: tests/lsp is on
# sys.path only when pytest collected that folder too.
_LSP_CLIENT = Path(__file__).resolve().parents[1] / "lsp" / "lsp_client.py"
lsp_driver = sys.modules.get("lsp_client")
if lsp_driver is None or Path(lsp_driver.__file__ or "").resolve() != _LSP_CLIENT:
    _spec = importlib.util.spec_from_file_location("lsp_client", _LSP_CLIENT)
    assert _spec is not None and _spec.loader is not None
    lsp_driver = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = lsp_driver
    _spec.loader.exec_module(lsp_driver)
coach = lsp_driver.coach
Coach = lsp_driver.Coach
plain = lsp_driver.plain


def isolated_env(home: Path, store: Path, **extra: str) -> dict[str, str]:
    """The learner's environment without this machine's Git config or store."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "ROADMAP_COACH_", "PYTHON"))
    }
    env.update(
        {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "ROADMAP_COACH_STORE": str(store),
            "GIT_AUTHOR_NAME": "Learner",
            "GIT_AUTHOR_EMAIL": "learner@example.invalid",
            "GIT_COMMITTER_NAME": "Learner",
            "GIT_COMMITTER_EMAIL": "learner@example.invalid",
        }
    )
    env.update(extra)
    return env


def run_cli(
    *args: str,
    cwd: Path,
    env: dict[str, str],
    via_module: bool = True,
    timeout: float = HANG_S,
) -> subprocess.CompletedProcess[str]:
    """`python -m roadmap_coach ARGS` (how editors often start it: cwd is the workspace)
    or the `roadmap-coach` console script."""
    command = [sys.executable, "-m", "roadmap_coach"] if via_module else [str(SCRIPT)]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def git(root: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def server_command(stderr_file: Path) -> list[str]:
    """The server on stdio with its stderr (logs, tracebacks) kept in a file to read later."""
    return [
        "/bin/sh",
        "-c",
        'exec "$0" -m roadmap_coach serve 2>"$1"',
        sys.executable,
        str(stderr_file),
    ]


def everything_the_client_heard(session: Any) -> str:
    """Every message, log line and diagnostic the server sent, as one text to search."""
    client = session.client
    parts: list[str] = [m.message for m in client.messages]
    parts += [m.message for m in client.log_messages]
    for uri, diagnostics in client.diagnostics.items():
        parts.append(uri)
        for d in diagnostics:
            parts.append(f"{d.code} {d.message} {d.code_description} {d.data}")
    parts += [repr(m) for m in session.milestones]
    parts += [repr(p) for p in session.progress]
    return "\n".join(parts)
