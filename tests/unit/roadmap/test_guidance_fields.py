"""The roadmap fields behind guidance: `core` (which checkpoints make a step complete),
`example` (the checkpoint page's example) and `[short]` step titles. A course author's
mistake in any of them is `file:line:col: message` from check-roadmap."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.cli import main
from roadmap_coach.roadmap.loader import SHORT_MAX, load_roadmap
from roadmap_coach.rules.engine import Engine

STEP = '[step]\nid = "extras"\nnumber = 12\ntitle = "Extras"\n'
FENCE_RE = re.compile(r"\A```(\w+)\n(.*)\n```\Z", re.DOTALL)
NAMED_RE = re.compile(r"\A# (\.[\w.-]+|[\w./-]+\.\w+|Dockerfile|Procfile)(?:\s|$)")
# Examples that no single file can earn: a tree, a history of fixes, or a second file the
# snippet only mentions (shell examples — Git commands — are skipped by their language).
NOT_ONE_FILE = {
    "basics.package": "a folder tree",
    "web.django-view": "two files (views.py and urls.py) in one snippet",
    "web.flask-template": "needs templates/hello.html beside it",
    "web.second-framework": "two frameworks' apps",
    "sec.lesson-fixed": "a lesson shown and then fixed over time",
    "style.layers": "a folder tree",
}


def check(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, list[str]]:
    code = main(["check-roadmap", str(folder)])
    return code, capsys.readouterr().out.splitlines()


def write(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def cp(cid: str, body: str = "") -> str:
    return (
        f'\n[[checkpoint]]\nid = "{cid}"\ntitle = "T {cid}"\nteaches = "What."\n{body}'
        '[[checkpoint.detect]]\ncall = ["print"]\n'
    )


def test_core_short_and_example_load_from_a_course_folder(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {
            "roadmap.toml": 'title = "Course"\nsteps = ["extras"]\n\n[short]\nextras = "More"\n',
            "12-extras.toml": STEP.replace(
                'title = "Extras"\n', 'title = "Extras"\ncore = ["extras.a"]\n'
            )
            + cp("extras.a", "example = '''\n```python\nprint(1)\n```'''\n")
            + cp("extras.b"),
        },
    )
    roadmap, problems = load_roadmap([folder], with_shipped=False)
    assert problems == []
    step = roadmap.step("extras")
    assert step is not None and step.short_title == "More" and step.core == ("extras.a",)
    a, b = roadmap.checkpoint("extras.a"), roadmap.checkpoint("extras.b")
    assert a is not None and b is not None
    assert a.example == "```python\nprint(1)\n```" and b.example == ""
    assert roadmap.is_core(a) and not roadmap.is_core(b)


def test_a_step_without_core_counts_every_checkpoint(tmp_path: Path) -> None:
    folder = write(tmp_path, {"12-extras.toml": STEP + cp("extras.a") + cp("extras.b")})
    roadmap, _ = load_roadmap([folder], with_shipped=False)
    assert all(roadmap.is_core(c) for c in roadmap.checkpoints)
    step = roadmap.step("extras")
    assert step is not None and step.short_title == "Extras"  # no short title: the title


def test_core_naming_a_checkpoint_of_another_step_is_an_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    step = STEP.replace('title = "Extras"\n', 'title = "Extras"\ncore = ["extras.a", "nope.x"]\n')
    folder = write(tmp_path, {"12-extras.toml": step + cp("extras.a")})
    code, out = check(capsys, folder)
    assert code == 1
    assert out == [
        f"{folder / '12-extras.toml'}:5:1: `core` names unknown checkpoint `nope.x` "
        "(core checkpoints belong to step `extras`)"
    ]


def test_core_of_the_wrong_type_is_an_error_at_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    step = STEP.replace('title = "Extras"\n', 'title = "Extras"\ncore = "extras.a"\n')
    folder = write(tmp_path, {"12-extras.toml": step + cp("extras.a")})
    code, out = check(capsys, folder)
    assert (code, out) == (
        1,
        [f"{folder / '12-extras.toml'}:5:1: `core` must be a list of checkpoint ids"],
    )


def test_an_example_with_an_unclosed_fence_or_wrong_type_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write(
        tmp_path,
        {
            "12-extras.toml": STEP
            + cp("extras.a", "example = '''\n```python\nprint(1)\n'''\n")
            + cp("extras.b", "example = 3\n")
        },
    )
    code, out = check(capsys, folder)
    path = folder / "12-extras.toml"
    assert code == 1
    assert out == [
        f"{path}:10:1: `example` has a code fence (```) that is never closed",
        f"{path}:21:1: `example` must be a string (markdown)",
    ]


def test_short_titles_that_are_too_long_or_name_no_step_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "x" * (SHORT_MAX + 1)
    folder = write(
        tmp_path,
        {
            "roadmap.toml": f'steps = ["extras"]\n[short]\nextras = "{long}"\nghost = "Ghost"\n',
            "12-extras.toml": STEP + cp("extras.a"),
        },
    )
    code, out = check(capsys, folder)
    meta = folder / "roadmap.toml"
    assert code == 1
    assert out == [
        f"{meta}:3:1: short title of `extras` is {SHORT_MAX + 1} characters; "
        f"at most {SHORT_MAX} fit a narrow view",
        f"{meta}:4:1: `short` names unknown step `ghost`",
    ]


def test_every_shipped_checkpoint_has_an_example_and_every_step_a_short_title() -> None:
    roadmap, problems = load_roadmap()
    assert problems == []
    missing = [c.id for c in roadmap.checkpoints if not FENCE_RE.match(c.example)]
    assert missing == []
    assert all(s.short and len(s.short) <= SHORT_MAX for s in roadmap.steps)
    for c in roadmap.checkpoints:
        lang, code = FENCE_RE.match(c.example).groups()  # type: ignore[union-attr]
        if lang == "python":
            ast.parse(code)  # a correct example parses


def test_each_shipped_example_written_to_its_file_earns_its_checkpoint(tmp_path: Path) -> None:
    """The example is the real thing: saved as the file its first line names (else
    app.py), the coach recognises the checkpoint in it."""
    roadmap, _ = load_roadmap()
    engine = Engine(roadmap)
    missed = []
    for number, c in enumerate(roadmap.checkpoints):
        lang, code = FENCE_RE.match(c.example).groups()  # type: ignore[union-attr]
        named = NAMED_RE.match(code)
        name = named.group(1) if named else ("app.py" if lang == "python" else None)
        if c.id in NOT_ONE_FILE or lang == "sh" or name is None:  # shell: Git's own state
            continue
        folder = tmp_path / str(number)
        target = folder / name
        target.parent.mkdir(parents=True)
        target.write_text(code + "\n", encoding="utf-8")
        found = {
            m.id for m in engine.evaluate(collect_workspace(str(folder), workers=0)).milestones
        }
        if c.id not in found:
            missed.append(c.id)
    assert missed == []
