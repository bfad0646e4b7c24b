"""`check-roadmap` knows the newer vocabulary (`git = "pull-request"`, `git = "upstream"`,
`factory = true`) and points at the line of a mistake in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from roadmap_coach.cli import main

STEP = '[step]\nid = "extras"\nnumber = 12\ntitle = "Extras"\n'


def course(tmp_path: Path, detects: list[str]) -> Path:
    text = STEP
    for index, detect in enumerate(detects):
        text += (
            f'\n[[checkpoint]]\nid = "extras.c{index}"\ntitle = "A checkpoint"\n'
            f'teaches = "What it teaches."\n[[checkpoint.detect]]\n{detect}\n'
        )
    folder = tmp_path / "course"
    folder.mkdir(parents=True)
    (folder / "12-extras.toml").write_text(text, encoding="utf-8")
    return folder


def check(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, list[str]]:
    code = main(["check-roadmap", str(folder)])
    return code, capsys.readouterr().out.splitlines()


def test_new_git_facts_and_the_factory_condition_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = course(
        tmp_path, ['git = "pull-request"', 'git = "upstream"', 'function = "*"\nfactory = true']
    )
    assert check(capsys, folder) == (0, [])


def test_misspelt_git_fact_and_a_non_boolean_factory_are_errors_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = course(tmp_path, ['git = "pull-requests"', 'function = "*"\nfactory = "yes"'])
    path = folder / "12-extras.toml"
    lines = path.read_text().splitlines()
    code, out = check(capsys, folder)
    assert code == 1
    git_line = lines.index('git = "pull-requests"') + 1
    factory_line = lines.index('factory = "yes"') + 1
    assert len(out) == 2
    assert out[0].startswith(f"{path}:{git_line}:") and "unknown git fact 'pull-requests'" in out[0]
    assert "pull-request" in out[0] and "upstream" in out[0]
    assert out[1].startswith(f"{path}:{factory_line}:") and "factory" in out[1]


def test_env_url_routed_class_and_calls_all_load_and_their_bad_shapes_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = course(
        tmp_path / "good",
        [
            'env_url = ["postgresql*"]',
            'function = "get"\nrouted_class = ["flask_restx.Resource"]',
            'function = "*"\ncalls_all = [["a.check"], "b.token"]',
        ],
    )
    assert check(capsys, good) == (0, [])
    bad = course(tmp_path / "bad", ["env_url = 3", 'function = "*"\ncalls_all = [["a"], 3]'])
    path = bad / "12-extras.toml"
    lines = path.read_text().splitlines()
    code, out = check(capsys, bad)
    assert code == 1 and len(out) == 2
    assert out[0].startswith(f"{path}:{lines.index('env_url = 3') + 1}:")
    assert "env_url" in out[0] and "pattern" in out[0]
    calls_line = lines.index('calls_all = [["a"], 3]') + 1
    assert out[1].startswith(f"{path}:{calls_line}:")
    assert "calls_all" in out[1]


def test_layer_and_sql_file_load_and_their_mistakes_point_at_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = course(
        tmp_path / "good", ['layer = "service"', 'layer = "split"', 'sql_file = ["SELECT"]']
    )
    assert check(capsys, good) == (0, [])
    bad = course(tmp_path / "bad", ['layer = "services"', "sql_file = 7"])
    path = bad / "12-extras.toml"
    lines = path.read_text().splitlines()
    code, out = check(capsys, bad)
    assert code == 1 and len(out) == 2
    layer_line = lines.index('layer = "services"') + 1
    assert out[0].startswith(f"{path}:{layer_line}:")
    assert "unknown layer fact 'services'" in out[0] and "split" in out[0]
    assert out[1].startswith(f"{path}:{lines.index('sql_file = 7') + 1}:") and "sql_file" in out[1]
