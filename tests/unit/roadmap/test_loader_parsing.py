"""The loader reads sound files with the stdlib parser and asks tomlkit only about a
broken one: messages on broken TOML keep their line and column, and the lenient
readings authors already rely on keep loading."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from roadmap_coach.roadmap.loader import load_roadmap

STEP = '[step]\nid = "extras"\nnumber = 12\ntitle = "Extras"\n'
CHECKPOINT = (
    '\n[[checkpoint]]\nid = "extras.hello"\ntitle = "Hello"\n'
    'teaches = "What it teaches."\n[[checkpoint.detect]]\ncall = ["print"]\n'
)


def folder_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def messages(folder: Path) -> list[str]:
    _, problems = load_roadmap([folder], with_shipped=False)
    return [f"{Path(p.path).name}:{p.line}:{p.col}: {p.message}" for p in problems]


def test_unterminated_string_is_located_and_other_files_still_load(tmp_path: Path) -> None:
    broken = STEP + CHECKPOINT.replace('"What it teaches."', '"What it teaches.')
    sound = STEP + CHECKPOINT.replace("extras.hello", "extras.bye")
    folder = folder_with(tmp_path, {"12-broken.toml": broken, "13-sound.toml": sound})
    roadmap, _ = load_roadmap([folder], with_shipped=False)
    # line 9 is `teaches = "What it teaches.`; the string runs into the line's end
    assert messages(folder) == [
        "12-broken.toml:9:28: TOML syntax error: Control characters (codes less than 0x1f"
        " and 0x7f) are not allowed in strings, use \\u000a instead"
    ]
    assert [c.id for c in roadmap.checkpoints] == ["extras.bye"]


def test_bad_escape_points_at_the_character(tmp_path: Path) -> None:
    text = STEP + CHECKPOINT.replace('"What it teaches."', '"What \\q"')
    folder = folder_with(tmp_path, {"12-extras.toml": text})
    assert messages(folder) == [
        "12-extras.toml:9:18: TOML syntax error: Invalid character 'q' in string"
    ]


def test_broken_roadmap_meta_file_is_located(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, {"roadmap.toml": 'title = "A"\nsteps = ["extras",, "more"]\n'})
    # the second comma is the 19th character of line 2
    assert messages(folder) == ["roadmap.toml:2:19: TOML syntax error: Unexpected character: ','"]


def test_inline_table_over_several_lines_still_loads(tmp_path: Path) -> None:
    # stricter than tomlkit, the stdlib parser rejects this; the file loads as before
    text = STEP + CHECKPOINT.replace(
        'call = ["print"]', 'call = ["print"]\nkwargs = {sep = ",",\n }'
    )
    folder = folder_with(tmp_path, {"12-extras.toml": text})
    roadmap, problems = load_roadmap([folder], with_shipped=False)
    assert problems == []
    assert roadmap.checkpoints[0].detect[0].conditions == {"kwargs": {"sep": ","}}


def test_a_sound_roadmap_never_imports_tomlkit() -> None:
    code = (
        "import sys\nfrom roadmap_coach.roadmap.loader import load_roadmap\n"
        "roadmap, problems = load_roadmap()\n"
        "assert roadmap.checkpoints and not problems\n"
        "print('tomlkit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
