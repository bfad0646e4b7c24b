"""The workspace as the learner leaves it: files made in a terminal, `git commit`,
`git checkout`, `python -m venv`. A client that can watch files is asked to watch every
file kind analysis reads; for one that cannot (Neovim 0.7) the server watches itself."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from lsp_client import coach, git
from lsprotocol import types

from roadmap_coach.analysis.files import file_kind
from roadmap_coach.lsp.features.watching import roadmap_file_patterns, watch_globs
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.patterns import path_matches

SOON_S = 5.0  # what the learner is promised: a change outside the editor shows this soon

FLASK_APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'
DOCKERFILE = 'FROM python:3.12-slim\nCOPY . .\nCMD ["gunicorn", "app:app"]\n'
# Files analysis or the roadmap reads, named as learners name them.
READ = [
    "app.py", "blog/models.py", "pyproject.toml", "Pipfile", "requirements.txt",
    "requirements-dev.txt", "requirements/base.txt", "constraints.txt", "requirements.in",
    ".env", ".env.local", "prod.env", "Dockerfile", "dockerfile", "Dockerfile.prod",
    "web.dockerfile", "Containerfile", "docker-compose.yml", "compose.yaml",
    ".github/workflows/ci.yml", "setup.cfg", "tox.ini", "pytest.ini", "nginx.conf",
    "nginx/default", "conf.d/site", "templates/index.html", "templates/base.jinja2",
    "deploy/entrypoint.sh", "entrypoint", "docker-entrypoint.sh", "gunicorn.service",
    "Procfile", "runtime.txt", ".python-version", ".gitignore", ".dockerignore",
    ".coveragerc", ".flake8", ".pylintrc", "vercel.json", ".venv/pyvenv.cfg",
    "env/pyvenv.cfg", "poetry.lock", "uv.lock", "Pipfile.lock", "requirements.lock",
    "fly.toml", "Dockerrun.aws.json", "zappa_settings.json", ".pre-commit-config.yaml",
]  # fmt: skip
NOT_READ = ["README.md", "notes.txt", "static/logo.png", "LICENSE"]
GIT_STATE = [".git/HEAD", ".git/index", ".git/refs/heads/main", ".git/packed-refs"]


def lsp_glob(glob: str) -> re.Pattern[str]:
    """LSP's glob syntax (`*`, `?`, `**`, `[…]`, `[!…]`) as a regex, written here apart
    from the server's code so the test checks what a client would match."""
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob.startswith("**", i):
            out, i = out + ".*", i + 2
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif glob[i] == "?":
            out, i = out + "[^/]", i + 1
        elif glob[i] == "[":
            end = glob.index("]", i)
            body = glob[i + 1 : end]
            out += "[" + ("^" + body[1:] if body.startswith("!") else body) + "]"
            i = end + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return re.compile(out + r"\Z")


def _milestones(stats: dict) -> set[str]:
    return set(stats["milestones"])


async def test_a_client_that_can_watch_is_asked_for_every_file_kind_analysis_reads(
    workspace: Path, store: Path
) -> None:
    roadmap, _ = load_roadmap()
    async with coach(workspace, store, editor="visual-studio-code") as session:
        stats = await session.settled()
        assert stats["watchMode"] == "client"  # the server does not watch as well
        (registration,) = [
            r for r in session.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        ]
        globs = [w["globPattern"] for w in registration.register_options["watchers"]]
    # the two lists: what the server asked for is what analysis/ and the roadmap read
    assert globs == watch_globs(roadmap)
    matchers = [lsp_glob(g) for g in globs]
    patterns = roadmap_file_patterns(roadmap)
    for name in READ:
        assert file_kind(name) != "other" or path_matches(patterns, name), name
        assert any(m.match(name) for m in matchers), f"{name} is read but not watched"
    for name in NOT_READ:
        assert not any(m.match(name) for m in matchers), f"{name} is watched for nothing"
    for name in GIT_STATE:
        assert any(m.match(name) for m in matchers), f"{name} (Git state) is not watched"


async def test_files_made_and_committed_in_a_terminal_become_milestones_without_client_watching(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    git(workspace, "init", "-q", "-b", "main")
    async with coach(workspace, store) as session:  # Neovim 0.7: cannot watch files
        await session.wait_for(
            "RC901 on app.py",
            lambda: [d for d in session.diagnostics("app.py") if d.code == "RC901"],
        )
        stats = await session.settled()
        assert stats["watchMode"] == "server"
        assert not {"deps.requirements", "deploy.dockerfile"} & _milestones(stats)

        # in a terminal
        (workspace / "requirements.txt").write_text("flask==3.0.3\ngunicorn==22.0.0\n")
        (workspace / "Dockerfile").write_text(DOCKERFILE)
        await session.wait_stats(
            "the new files as milestones",
            lambda s: {"deps.requirements", "deploy.dockerfile"} <= _milestones(s),
            timeout=SOON_S,
        )
        await session.wait_for(
            "RC901 to clear",
            lambda: not [d for d in session.diagnostics("app.py") if d.code == "RC901"],
            timeout=SOON_S,
        )
        git(workspace, "add", "-A")
        git(workspace, "commit", "-q", "-m", "first")
        await session.wait_stats(
            "the commit",
            lambda s: "git.first-commit" in _milestones(s),
            timeout=SOON_S,
        )
        reads = (await session.stats())["gitReads"]
        # a later commit changes neither HEAD's text nor any file: the refs and index do
        (workspace / "README.md").write_text("# blog\n")
        git(workspace, "add", "README.md")
        git(workspace, "commit", "-q", "-m", "readme")
        await session.wait_stats("Git read again", lambda s: s["gitReads"] > reads, timeout=SOON_S)
        achieved = await session.achieved()
    assert {"deps.requirements", "deploy.dockerfile", "git.first-commit"} <= achieved


async def test_a_checkout_brings_a_folder_in_and_takes_it_away(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "first")
    git(workspace, "checkout", "-q", "-b", "models")
    (workspace / "blog").mkdir()
    (workspace / "blog" / "models.py").write_text(
        "class Post:\n    def __init__(self):\n        self.title = ''\n"
    )
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "models")
    git(workspace, "checkout", "-q", "main")
    async with coach(workspace, store) as session:
        before = await session.wait_stats("the scan", lambda s: s["scan"] != "")
        assert before["files"] == 1
        git(workspace, "checkout", "-q", "models")
        await session.wait_stats(
            "blog/models.py",
            lambda s: s["files"] == 2 and "basics.class" in s["milestones"],
            timeout=SOON_S,
        )
        git(workspace, "checkout", "-q", "main")
        await session.wait_stats("blog/ gone", lambda s: s["files"] == 1, timeout=SOON_S)


async def test_a_virtualenv_made_in_a_terminal_is_noticed_and_its_files_left_alone(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    async with coach(workspace, store) as session:
        before = await session.wait_stats("the scan", lambda s: s["scan"] != "")
        assert "deps.venv" not in before["milestones"]
        subprocess.run(
            [sys.executable, "-m", "venv", str(workspace / ".venv")], check=True, timeout=300
        )
        stats = await session.wait_stats(
            "deps.venv", lambda s: "deps.venv" in s["milestones"], timeout=SOON_S
        )
        assert stats["files"] == before["files"] + 1  # pyvenv.cfg, not pip's own files


async def test_files_git_ignores_or_under_node_modules_stay_out(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    (workspace / ".gitignore").write_text("instance/\n")
    git(workspace, "init", "-q", "-b", "main")
    async with coach(workspace, store) as session:
        before = await session.wait_stats("the scan", lambda s: s["scan"] != "")
        for rel in ("instance/settings.py", "node_modules/pkg/build.py", "__pycache__/x.py"):
            (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
            (workspace / rel).write_text("class Hidden:\n    pass\n")
        (workspace / "models.py").write_text("class Post:\n    pass\n")
        stats = await session.wait_stats(
            "models.py", lambda s: "basics.class" in s["milestones"], timeout=SOON_S
        )
        assert stats["files"] == before["files"] + 1  # models.py only


MAKE_COURSE = """[step]
id = "course"
number = 12
title = "Our course"

[[checkpoint]]
id = "course.make"
title = "A Makefile"
teaches = "make runs the project's tasks."
[[checkpoint.detect]]
file = ["Makefile"]
"""


async def test_a_roadmap_with_new_file_names_is_watched_for_them_too(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "12-course.toml").write_text(MAKE_COURSE)
    async with coach(workspace, store, editor="visual-studio-code") as session:
        gone: list[types.Unregistration] = []

        @session.client.feature(types.CLIENT_UNREGISTER_CAPABILITY)
        def on_unregister(params: types.UnregistrationParams) -> None:
            gone.extend(params.unregisterations)

        await session.settled()

        def watched() -> list[list[str]]:
            return [
                [w["globPattern"] for w in r.register_options["watchers"]]
                for r in session.registrations
                if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            ]

        assert len(watched()) == 1 and "**/Makefile" not in watched()[0]
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"roadmapCoach": {"roadmapPaths": [str(course)]}}
            )
        )
        await session.wait_for("a second registration", lambda: len(watched()) == 2)
        assert [g.id for g in gone] == ["roadmap-coach/watch"]
        assert "**/Makefile" in watched()[1]
        (workspace / "Makefile").write_text("test:\n\tpytest\n")
        session.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(uri=session.uri("Makefile"), type=types.FileChangeType.Created)
                ]
            )
        )
        await session.wait_stats("course.make", lambda s: "course.make" in s["milestones"])
