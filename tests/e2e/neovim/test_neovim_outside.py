"""Real Neovim 0.7.2 and the learner's terminal (outside_test.lua): a file made with `:!`
becomes a milestone and a `git commit` is noticed, with no recheck — Neovim 0.7 cannot
watch files, so the server watches the workspace itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from nvim_runner import needs_nvim, run_scenario

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'

pytestmark = needs_nvim


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
    return run_scenario("outside_test.lua", tmp_path, workspace, git_env)


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
