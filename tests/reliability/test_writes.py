"""What the language server writes: its progress store, and an export where the user
asked for one. Nothing in the workspace (however much is opened, edited and rechecked),
nothing inside `.git/`, nothing through a symlink, nothing in HOME or the temp folder.

Every file under the test's folder is fingerprinted before and after a session; the
difference must be exactly the store and the requested exports.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from coach_runner import coach, git, isolated_env, server_command
from lsprotocol import types
from pygls.exceptions import JsonRpcException

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hi"\n'
EXPORT = "roadmapCoach.exportProgress"


def fingerprint(base: Path) -> dict[str, str]:
    """path -> content digest (or link target) of everything below `base`."""
    found: dict[str, str] = {}
    for dirpath, dirs, files in os.walk(base):
        for name in dirs + files:
            path = Path(dirpath, name)
            rel = str(path.relative_to(base))
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}


async def test_the_server_writes_only_its_store_and_the_export_asked_for(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    data, out, elsewhere = tmp_path / "data", tmp_path / "out", tmp_path / "elsewhere"
    for folder in (out, elsewhere, tmp_path / "tmp"):
        folder.mkdir()
    env = isolated_env(tmp_path / "home", data / "progress.sqlite3", TMPDIR=str(tmp_path / "tmp"))
    (root / "app.py").write_text(APP)
    (root / "tests").mkdir()
    (root / "tests" / "test_app.py").write_text("def test_ok():\n    assert 1\n")
    git(root, "init", "-q", "-b", "main", env=env)
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "-m", "first", env=env)
    (elsewhere / "precious.txt").write_text("must stay as it is\n")
    (out / "via-dir-link").symlink_to(elsewhere)
    (out / "file-link.jsonl").symlink_to(elsewhere / "precious.txt")
    (root / "git-link").symlink_to(root / ".git")
    before = fingerprint(tmp_path)

    refused = {
        "inside .git": root / ".git" / "progress.jsonl",
        "over a git hook": root / ".git" / "hooks" / "post-checkout",
        "into .git by ..": root / "tests" / ".." / ".git" / "config",
        "into .git by a link": root / "git-link" / "progress.jsonl",
        "through a folder link": out / "via-dir-link" / "progress.jsonl",
        "over a file link": out / "file-link.jsonl",
        "relative": Path("progress.jsonl"),
        "a folder": out,
        "a missing folder": out / "no" / "such" / "progress.jsonl",
    }
    stderr = tmp_path / "server.stderr"
    async with coach(root, data / "progress.sqlite3", server=server_command(stderr), env=env) as s:
        s.open("app.py")
        s.insert("app.py", 8, 0, '\n\n@app.route("/about")\ndef about():\n    return "about"\n')
        s.client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(s.uri("app.py")))
        )
        await s.settled()
        await s.command("roadmapCoach.recheck")
        for what, target in refused.items():
            try:
                await s.command(EXPORT, {"format": "jsonl", "path": str(target)})
            except JsonRpcException:
                continue
            raise AssertionError(f"an export {what} was not refused")
        for fmt in ("jsonl", "md", "html"):
            written = await s.command(EXPORT, {"format": fmt, "path": str(out / f"log.{fmt}")})
            assert written == str(out / f"log.{fmt}")
        stats = await s.stats()
        assert "web.flask-route" in stats["milestones"]
    after = fingerprint(tmp_path)
    writes = changed(before, after) - {"server.stderr"}
    store_files = {p for p in writes if p.startswith("data/")}
    assert store_files and all(Path(p).name.startswith("progress.sqlite3") for p in store_files)
    assert writes - store_files == {"out/log.jsonl", "out/log.md", "out/log.html"}
    assert (elsewhere / "precious.txt").read_text() == "must stay as it is\n"


def test_export_target_check_refuses_git_and_symlinks_on_every_path_part(tmp_path: Path) -> None:
    """The check itself, for shapes a client can send (lsp/features/commands.export_target)."""
    from roadmap_coach.lsp.features.commands import export_target

    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    bad = [
        "",
        "   ",
        "relative/file.jsonl",
        str(tmp_path / "repo" / ".git" / "x"),
        str(tmp_path / "repo" / "a" / ".." / ".git" / "x"),
        str(tmp_path / "link" / "x.jsonl"),
        str(tmp_path / "real"),
    ]
    for raw in bad:
        with pytest.raises(JsonRpcException):
            export_target(raw)
    for raw in (5, None, ["x"]):
        with pytest.raises(JsonRpcException):
            export_target(raw)
    good = tmp_path / "real" / "progress.jsonl"
    assert export_target(str(good)) == good
