"""The CI examples a school copies into learners' repositories really work: their shell
steps, read from the YAML, run in a learner's repository built here (the install step
installs this source tree into a fresh virtualenv), and the artifact they
leave verifies, against the repository too, and feeds `report`."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

from lesson_repos import three_lessons_repo
from roadmap_coach.cli import main

SOURCE = Path(__file__).resolve().parents[3]
EXAMPLES = SOURCE / "examples" / "ci"


@pytest.fixture(scope="module")
def venv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv that sees this environment's dependencies (no index needed)."""
    root = tmp_path_factory.mktemp("ci-venv")
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    site = next((root / "lib").glob("python*/site-packages"))
    (site / "dev-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return root / "bin"


def run_steps(steps: list[str], repo: Path, env: dict[str, str]) -> list[str]:
    outputs = []
    for step in steps:
        done = subprocess.run(
            ["bash", "-eo", "pipefail", "-c", step],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"step failed: {step}\n{done.stdout}\n{done.stderr}"
        outputs.append(done.stdout + done.stderr)
    return outputs


def base_env(venv_bin: Path, tmp: Path) -> dict[str, str]:
    return {
        "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp),
        "GIT_CONFIG_NOSYSTEM": "1",
        # The install step builds this source tree; its dependencies are already here
        # (the build backend comes through pip's configured index, as in `make venv`).
        "PIP_NO_DEPS": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


def check_artifact(log: Path, repo: Path, tmp: Path) -> None:
    assert main(["verify", str(log), "--repo", str(repo)]) == 0
    page = tmp / "cohort.html"
    assert main(["report", str(log), "--repos", str(repo.parent), "-o", str(page)]) == 0
    html = page.read_text()
    assert "1 open</span>" in html and "1 silenced</span>" in html
    assert "✓ matches" in html


def test_the_github_actions_workflow_leaves_a_log_that_verifies(
    tmp_path: Path, venv_bin: Path
) -> None:
    workflow: dict[str, Any] = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    assert workflow[True] == ["push"] or workflow.get("on") == ["push"]  # YAML 1.1: on = True
    (job,) = workflow["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    uploads = [
        step
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/upload-artifact")
    ]
    checkout = next(
        s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout")
    )
    assert checkout["with"]["fetch-depth"] == 0
    assert "pip install" in runs[0] and "$ROADMAP_COACH_SOURCE" in runs[0]
    assert job["env"]["ROADMAP_COACH_SOURCE"].startswith("git+https://github.com/")
    repo = tmp_path / "ada-app"
    three_lessons_repo(repo)
    env = {
        **base_env(venv_bin, tmp_path),
        "LEARNER": "ada",
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "ROADMAP_COACH_SOURCE": str(SOURCE),
    }
    (tmp_path / "runner-temp").mkdir()
    outputs = run_steps(runs, repo, env)
    assert (venv_bin / "roadmap-coach").exists()  # the install step put it there
    assert "milestones re-checked at their commits" in outputs[-1]
    (upload,) = uploads
    artifact = repo / upload["with"]["path"]
    (log,) = artifact.glob("*.jsonl")
    assert log.name == "ada.jsonl"
    check_artifact(log, repo, tmp_path)


def test_the_gitlab_ci_job_leaves_a_log_that_verifies(tmp_path: Path, venv_bin: Path) -> None:
    config: dict[str, Any] = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())
    job = config["progress-log"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert job["variables"]["ROADMAP_COACH_SOURCE"].startswith("git+https://github.com/")
    repo = tmp_path / "ada-app"
    three_lessons_repo(repo)
    builds = tmp_path / "builds"
    builds.mkdir()
    env = {
        **base_env(venv_bin, tmp_path),
        "GITLAB_USER_LOGIN": "ada",
        "CI_BUILDS_DIR": str(builds),
        "CI_JOB_ID": "7",
        "ROADMAP_COACH_SOURCE": str(SOURCE),
    }
    outputs = run_steps(job["script"], repo, env)
    assert "milestones re-checked at their commits" in outputs[-1]
    (pattern,) = job["artifacts"]["paths"]
    (log,) = (repo / pattern).glob("*.jsonl")
    assert log.name == "ada.jsonl"
    check_artifact(log, repo, tmp_path)
