"""A workspace full of things that break tools (binary and NUL-byte files, non-UTF-8 and
UTF-16 sources, a 100,000-term expression, multi-megabyte lines, a million-line file,
newer syntax, FIFOs, symlink loops, dangling links and links out of the workspace,
broken TOML, a garbage `.git`, no `git` on PATH): `scan` finishes with valid output and
names what it left out and why, and the language server keeps answering.

Timeouts here are hang guards, not speed assertions (see coach_runner.HANG_S).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from coach_runner import coach, git, isolated_env, run_cli, server_command
from trap_workspaces import plant_hostile

from roadmap_coach.analysis.workspace import list_files


def hostile(tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, str], Path]:
    root = tmp_path / "ws"
    root.mkdir()
    expected = plant_hostile(root, tmp_path / "outside")
    store = tmp_path / "data" / "progress.sqlite3"
    return root, expected, isolated_env(tmp_path / "home", store), store


def skipped_of(report: dict[str, object]) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report["skipped"]}  # type: ignore[index,union-attr]


def test_scan_of_a_hostile_workspace_lists_every_file_it_left_out_and_why(
    tmp_path: Path,
) -> None:
    root, expected, env, _store = hostile(tmp_path)
    started = time.monotonic()
    cold = run_cli("scan", ".", "--format", "json", cwd=root, env=env)
    cold_s = time.monotonic() - started
    assert cold.returncode == 0, cold.stderr
    report = json.loads(cold.stdout)
    skipped = skipped_of(report)
    for path, reason in expected.items():
        assert reason in skipped.get(path, ""), (path, skipped.get(path))
    assert "not readable" in skipped[".git"]  # the garbage repository is named too
    assert skipped["bytes\ufffd.py"] == "file name is not valid UTF-8"
    # What could be read still counts: the app next to all of it earns its milestone.
    assert "web.flask-route" in {m["id"] for m in report["milestones"]}
    assert not {"million_lines.py", "wide_line.py", "utf16.py", "declared.py"} & set(skipped)
    # A warm scan (facts from the store) says exactly the same.
    started = time.monotonic()
    warm = run_cli("scan", ".", "--format", "json", cwd=root, env=env)
    warm_s = time.monotonic() - started
    assert warm.returncode == 0 and json.loads(warm.stdout) == report
    text = run_cli("scan", ".", cwd=root, env=env, via_module=False)
    assert text.returncode == 0 and f"Skipped ({len(report['skipped'])}):" in text.stdout
    history = run_cli("history", ".", cwd=root, env=env)
    assert history.returncode == 1 and "Traceback" not in history.stderr
    assert "Git" in history.stderr
    print(f"hostile scan: cold {cold_s:.1f}s, warm {warm_s:.1f}s, {len(skipped)} skipped")


def test_the_workspace_listing_never_leaves_the_folder(tmp_path: Path) -> None:
    root, _expected, _env, _store = hostile(tmp_path)
    paths, _skipped = list_files(str(root))
    for rel in paths:
        real = os.path.realpath(root / rel)
        assert os.path.commonpath([real, str(root)]) == str(root), rel
    assert "escape.py" not in paths and not any(p.startswith("escape_dir/") for p in paths)


def test_without_git_on_path_scan_and_history_say_so_and_finish(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    env = isolated_env(tmp_path / "home", tmp_path / "store.sqlite3")
    (root / "app.py").write_text("def main():\n    return 1\n")
    git(root, "init", "-q", "-b", "main", env=env)
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "-m", "first", env=env)
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python3").symlink_to(sys.executable)
    no_git = {**env, "PATH": str(bare)}
    assert shutil.which("git", path=no_git["PATH"]) is None
    scan = run_cli("scan", ".", "--format", "json", cwd=root, env=no_git)
    assert scan.returncode == 0, scan.stderr
    report = json.loads(scan.stdout)
    assert "not installed" in skipped_of(report)[".git"]
    assert "basics.function" in {m["id"] for m in report["milestones"]}
    history = run_cli("history", ".", cwd=root, env=no_git)
    assert history.returncode == 1 and "not installed" in history.stderr
    assert "Traceback" not in history.stderr


async def test_the_server_keeps_answering_in_a_hostile_workspace_without_git(
    tmp_path: Path,
) -> None:
    root, _expected, env, store = hostile(tmp_path)
    env = {**env, "PATH": str(tmp_path / "no-git-here")}  # the CLI test reads the garbage .git
    stderr = tmp_path / "server.stderr"
    opened = {
        "huge_expr.py": (root / "huge_expr.py").read_text(),
        "wide_line.py": (root / "wide_line.py").read_text(),
        "million_lines.py": (root / "million_lines.py").read_text(),
        "nul.py": (root / "nul.py").read_bytes().decode("utf-8", "replace"),
        "latin1.py": (root / "latin1.py").read_bytes().decode("latin-1"),
        "utf16.py": (root / "utf16.py").read_text(encoding="utf-16"),
        "newer.py": (root / "newer.py").read_text(),
        "pipe.py": "",
        "loop.py": "x = 1\n",
    }
    async with coach(root, store, server=server_command(stderr), env=env) as session:
        await session.wait_stats("the first scan", lambda s: "files" in s["scan"], timeout=120)
        for rel, text in opened.items():
            session.open(rel, text)
        for rel in opened:
            await session.hover(rel, 0, 1)  # answered (whatever it says)
        stats = await session.stats()
        assert "web.flask-route" in stats["milestones"]
        assert (await session.progress_now())["steps"]
        # a file opened after all that is still analysed
        session.open("views.py", "def view():\n    return 1\n")
        await session.wait_stats(
            "the new file", lambda s: "basics.function" in s["milestones"], timeout=60
        )
    log = stderr.read_text()
    assert "Traceback" not in log, log[-2000:]
