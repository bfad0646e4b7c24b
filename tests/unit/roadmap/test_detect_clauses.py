"""How the loader reads one detect alternative: which key is the matcher, which
keys are its conditions."""

from __future__ import annotations

from pathlib import Path

from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Problem, Roadmap

STEP = '[step]\nid = "extras"\ntitle = "Extras"\n'


def load(tmp_path: Path, detect: str) -> tuple[Roadmap, list[Problem]]:
    (tmp_path / "12-extras.toml").write_text(
        STEP + '\n[[checkpoint]]\nid = "extras.a"\ntitle = "A"\nteaches = "T."\n'
        f"[[checkpoint.detect]]\n{detect}\n",
        encoding="utf-8",
    )
    return load_roadmap([tmp_path], with_shipped=False)


def test_returns_narrows_a_function_although_it_is_also_a_matcher(tmp_path: Path) -> None:
    roadmap, problems = load(tmp_path, 'function = "*"\nreturns = "name:flask.Flask"')
    assert problems == []
    (matcher,) = roadmap.checkpoints[0].detect
    assert matcher.kind == "function"
    assert matcher.conditions == {"returns": "name:flask.Flask"}


def test_returns_alone_is_still_the_returns_matcher(tmp_path: Path) -> None:
    roadmap, problems = load(tmp_path, 'returns = "call:flask.jsonify"')
    assert problems == []
    assert roadmap.checkpoints[0].detect[0].kind == "returns"


def test_two_matchers_in_one_alternative_are_an_error(tmp_path: Path) -> None:
    _, problems = load(tmp_path, 'call = "print"\nimport = "os"')
    assert [p.message for p in problems] == [
        "detect alternative of `extras.a` has several matchers (call, import)"
    ]
    assert (problems[0].line, problems[0].col) == (9, 1)  # its [[checkpoint.detect]]


def test_calls_and_module_instance_are_known_to_the_loader(tmp_path: Path) -> None:
    _, problems = load(tmp_path, 'function = "*"\ncalls = ["flask.Flask"]')
    assert problems == []
    _, problems = load(tmp_path, "module_instance = true")
    assert problems == []
