"""Who the learner is: the `learner` setting, else Git's `user.name`, else the OS user.

The name goes into every event of the log, so it must be stable across editor
windows and the CLI; it is never used for anything but labelling.
"""

from __future__ import annotations

import getpass
import os
import subprocess
from pathlib import Path

_GIT_TIMEOUT_S = 3.0


def resolve_learner(setting: str | None = None, workspace: str | Path | None = None) -> str:
    """The learner's display name; never raises."""
    if setting and setting.strip():
        return setting.strip()
    name = git_user_name(workspace)
    if name:
        return name
    return os_user()


def git_user_name(workspace: str | Path | None = None) -> str | None:
    """`git config user.name` as Git itself resolves it (repo, then global, then system).

    Only `git config` is run, which reads configuration and never runs hooks or the
    learner's code. Returns None when Git is missing, slow or has no name.
    """
    cwd = Path(workspace) if workspace and Path(workspace).is_dir() else None
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    try:
        done = subprocess.run(
            ["git", "config", "--get", "user.name"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    name = done.stdout.strip() if done.returncode == 0 else ""
    return name or None


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        # getpass fails in containers with no passwd entry and no LOGNAME.
        return "learner"
