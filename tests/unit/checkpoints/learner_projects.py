"""Learner projects for checkpoint tests: the on-disk fixtures, small workspaces
written into `tmp_path`, real Git repositories, and one scan that answers
"which milestones, and where"."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine
from workspace_files import write_tree

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


MY_STEPS = ("06-", "07-", "08-", "09-", "10-", "11-")


@lru_cache(maxsize=1)
def engine() -> Engine:
    roadmap, problems = load_roadmap()
    # Steps 1-5 are edited in parallel (and checked by tests/unit/roadmap); a slip there
    # must not hide what these tests prove.
    mine = [str(p) for p in problems if Path(p.path).name.startswith(MY_STEPS)]
    assert mine == [], mine
    return Engine(roadmap)


def milestones(root: str | Path) -> dict[str, list[str]]:
    """Achieved checkpoint id -> its evidence as `path:line` (1-based, '/'-separated)."""
    workspace = collect_workspace(str(root))
    findings = engine().evaluate(workspace)
    return {m.id: [f"{e.path}:{e.line}" for e in m.evidence] for m in findings.milestones}


def line_of(root: str | Path, path: str, snippet: str) -> str:
    """`path:line` of the one line of `root/path` that contains `snippet`."""
    lines = Path(root, path).read_text(encoding="utf-8").splitlines()
    hits = [number for number, text in enumerate(lines, 1) if snippet in text]
    assert len(hits) == 1, f"{snippet!r} appears on lines {hits} of {path}"
    return f"{path}:{hits[0]}"


def fixture(*parts: str) -> Path:
    path = FIXTURES.joinpath(*parts)
    assert path.is_dir(), f"missing fixture {path}"
    return path


def write(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `{"app/main.py": "...", "logo.png": b"..."}` under `root`; returns `root`."""
    return write_tree(root, files)


def git_environment(home: Path) -> dict[str, str]:
    """An environment where git ignores the machine's config and signs commits as a learner."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_AUTHOR_NAME="Ada Learner",
        GIT_AUTHOR_EMAIL="ada@example.invalid",
        GIT_COMMITTER_NAME="Ada Learner",
        GIT_COMMITTER_EMAIL="ada@example.invalid",
    )
    return env


class Repo:
    """A learner's repository driven with the real `git` binary."""

    def __init__(self, root: Path, env: Mapping[str, str]) -> None:
        self.root = root
        self.env = dict(env)
        root.mkdir(parents=True, exist_ok=True)

    def git(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=self.env, capture_output=True, text=True, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def commit(self, files: Mapping[str, str | bytes], message: str) -> None:
        write(self.root, files)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
