"""Real Neovim 0.7.2 and the learner's terminal (outside_test.lua): a file made with `:!`
becomes a milestone and a `git commit` is noticed, with no recheck — Neovim 0.7 cannot
watch files, so the server watches the workspace itself."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
TIMEOUT_S = 120
APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'

pytestmark = pytest.mark.skipif(
    shutil.which("nvim") is None, reason="nvim is not installed (make test-neovim installs it)"
)


def _git_env(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Learner",
        "GIT_AUTHOR_EMAIL": "learner@example.invalid",
        "GIT_COMMITTER_NAME": "Learner",
        "GIT_COMMITTER_EMAIL": "learner@example.invalid",
    }


def _run(tmp_path: Path) -> tuple[dict, str]:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)
    home = tmp_path / "home"
    home.mkdir()
    git_env = _git_env(home)
    subprocess.run(
        ["git", "init", "-q", "-b", "main"],
        cwd=workspace,
        check=True,
        env={**os.environ, **git_env},
    )
    out, cache, state = tmp_path / "out.json", tmp_path / "cache", tmp_path / "state"
    env = {
        **os.environ,
        **git_env,
        "E2E_PY": sys.executable,
        "E2E_FILE": str(workspace / "app.py"),
        "E2E_OUT": str(out),
        "E2E_STORE": str(tmp_path / "store.sqlite3"),
        "XDG_CACHE_HOME": str(cache),  # Neovim's lsp.log (server stderr) lands here
        "XDG_STATE_HOME": str(state),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    command = ["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-S"]
    proc = subprocess.Popen(
        [*command, str(HERE / "outside_test.lua")], cwd=workspace, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        output = (output or b"") + b"\n[killed after timeout]"
    logs = [p.read_text(errors="replace") for d in (cache, state) for p in d.rglob("lsp.log")]
    report = (
        f"nvim output:\n{output.decode(errors='replace')}\nlsp.log:\n{''.join(logs) or '(none)'}"
    )
    observed = (
        json.loads(out.read_text()) if out.exists() else {"ok": False, "error": "no output written"}
    )
    return observed, report


def test_neovim_sees_files_made_in_the_shell_and_a_commit_without_a_recheck(
    tmp_path: Path,
) -> None:
    observed, report = _run(tmp_path)
    assert observed.get("ok"), f"{observed.get('error')}\n{report}"
    assert not observed["can_watch"]  # Neovim 0.7 offers no file watching …
    assert observed["watch_mode"] == "server"  # … so the server watches
    assert {"deps.requirements", "deploy.dockerfile", "git.first-commit"} <= set(observed["final"])
    assert observed["scans_after"] == observed["scans_before"]  # no recheck, no rescan
    assert observed["exit"]["code"] == 0, report
