"""Evidence on the right line: milestones from requirements files, pyproject.toml,
`.coveragerc`, `.flake8`, Dockerfiles, Compose files and CI workflows point at the line
that shows the thing, never at line 1 by default; a comment that only mentions a tool
is never the evidence (`tests/fixtures/evidence-lines/shop`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from learner_projects import Repo, engine, fixture, git_environment, line_of, milestones

from roadmap_coach.cli import main
from roadmap_coach.progress.history import replay_history

SHOP = fixture("evidence-lines", "shop")


def expected(root: Path) -> dict[str, list[str]]:
    def at(path: str, snippet: str) -> str:
        return line_of(root, path, snippet)

    return {
        "deps.requirements": [
            at("requirements-dev.txt", "pytest==8.2.0"),
            at("requirements.txt", "flask==3.0.3"),
        ],
        "deps.pinned": [
            at("requirements-dev.txt", "pytest==8.2.0"),
            at("requirements.txt", "flask==3.0.3"),
        ],
        "deps.dev-split": [at("requirements-dev.txt", "pytest==8.2.0")],
        "deploy.app-server": [
            at("Dockerfile", 'CMD ["gunicorn"'),
            at("requirements.txt", "gunicorn==22.0.0"),
        ],
        "deploy.dockerfile": [at("Dockerfile", "FROM python:3.12-slim")],
        "deploy.compose": [at("compose.yaml", "services:")],
        "deploy.ci": [at(".github/workflows/ci.yml", "jobs:")],
        "test.coverage": [
            at(".coveragerc", "[run]"),
            at(".github/workflows/ci.yml", "pytest --cov"),
            at("pyproject.toml", "[tool.coverage.report]"),
            at("requirements-dev.txt", "pytest-cov==5.0.0"),
        ],
        "style.linter": [at(".flake8", "[flake8]")],
        "style.formatter": [
            at("pyproject.toml", "[tool.black]"),
            at("requirements-dev.txt", "black==24.4.2"),
        ],
    }


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evidence") / "shop"
    shutil.copytree(SHOP, root)
    return root


def test_scan_points_at_the_line_that_shows_each_milestone(shop: Path) -> None:
    found = milestones(shop)
    for checkpoint, lines in expected(shop).items():
        assert found[checkpoint] == lines, checkpoint


def test_the_scan_command_reports_the_same_lines(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "store.sqlite3")
    assert main(["scan", str(shop), "--format", "json", "--no-cache", "--store", store]) == 0
    report = json.loads(capsys.readouterr().out)
    shown = {
        m["id"]: [f"{e['path']}:{e['line']}" for e in m["evidence"]] for m in report["milestones"]
    }
    for checkpoint, lines in expected(shop).items():
        assert shown[checkpoint] == lines, checkpoint


def test_no_file_milestone_falls_back_to_a_comment_on_line_1(shop: Path) -> None:
    found = milestones(shop)
    non_python = [e for ev in found.values() for e in ev if not e.split(":")[0].endswith(".py")]
    assert non_python and not [e for e in non_python if e.endswith(":1")]


def test_history_shows_the_same_lines(shop: Path, tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo", git_environment(tmp_path / "home"))
    repo.git("init", "-q", "-b", "main")
    shutil.copytree(shop, repo.root, dirs_exist_ok=True)
    repo.commit({}, "shop with its tooling")
    history = replay_history(str(repo.root), engine().roadmap, engine=engine())
    first = {m.id: m.evidence[0] for m in history.milestones}
    for checkpoint, lines in expected(repo.root).items():
        path, line = lines[0].rsplit(":", 1)
        assert first[checkpoint] == (path, int(line)), checkpoint


def test_a_whole_file_milestone_points_at_its_first_setting_not_its_header(
    tmp_path: Path,
) -> None:
    shutil.copytree(SHOP, tmp_path / "shop")
    root = tmp_path / "shop"
    (root / "ruff.toml").write_text("# ruff settings for the shop\n\nline-length = 100\n")
    (root / ".flake8").unlink()
    assert milestones(root)["style.linter"] == [line_of(root, "ruff.toml", "line-length")]
