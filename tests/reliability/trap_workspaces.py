"""Workspaces built to catch the coach out: files that run code if anything imports or
executes them (each one writes a marker file), Git repositories whose hooks and config
run programs, secrets with distinctive values, and every kind of hostile file.

Markers go to a folder outside the workspace, so a scan never sees them as files.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from coach_runner import git

# -- code that must never run ------------------------------------------------------------

PYTHON_TRAPS = [
    "conftest.py",
    "setup.py",
    "manage.py",
    "__init__.py",
    "app/__init__.py",
    "app/views.py",
    "tests/conftest.py",
    "sitecustomize.py",
    "usercustomize.py",
    "backend.py",  # named as the PEP 517 build backend below
    # Modules the coach imports (some lazily): `python -m` in the workspace would find these
    # first if the workspace folder stayed on sys.path.
    "tomlkit.py",
    "git.py",
    "jinja2.py",
    "platformdirs.py",
    "lsprotocol.py",
    "random.py",
    "tempfile.py",
    "sqlite3.py",
    "uuid.py",
]
HOOKS = [
    "applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
    "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout",
    "post-merge", "pre-push", "pre-receive", "update", "post-receive", "post-update",
    "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite",
    "sendemail-validate", "fsmonitor-watchman", "post-index-change",
]  # fmt: skip


def python_trap(marker: Path) -> str:
    return (
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('this workspace file was executed')\n"
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
        '@app.route("/")\ndef index():\n    return "hello"\n'
    )


def shell_trap(marker: Path) -> str:
    return f"#!/bin/sh\necho ran > '{marker}'\nexit 0\n"


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def plant_code_traps(root: Path, markers: Path) -> None:
    """Python files and startup hooks that write `markers/<name>` when run."""
    markers.mkdir(parents=True, exist_ok=True)
    for rel in PYTHON_TRAPS:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(python_trap(markers / rel.replace("/", "__")))
    pth = f"import pathlib; pathlib.Path({str(markers / 'pth')!r}).write_text('ran')\n"
    (root / "evil.pth").write_text(pth)
    venv_site = root / ".venv" / "lib" / "python3.11" / "site-packages"
    venv_site.mkdir(parents=True)
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv_site / "evil.pth").write_text(pth.replace("'pth'", "'venv-pth'"))
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "trap"\ndependencies = ["flask"]\n'
    )
    (root / "tests" / "test_app.py").write_text("def test_ok():\n    assert True\n")


def plant_git_traps(root: Path, markers: Path, env: dict[str, str]) -> None:
    """A repository with a resolved conflict, a signed-looking commit, hooks for every
    event and config that names a program wherever Git allows one."""

    def run(*args: str) -> str:
        return git(root, *args, env=env)

    run("init", "-q", "-b", "main")
    (root / "notes.txt").write_text("a\nb\nc\n")
    run("add", "-A")
    run("commit", "-q", "-m", "start")
    run("checkout", "-q", "-b", "feature")
    (root / "notes.txt").write_text("a\nfeature\nc\n")
    run("commit", "-q", "-am", "feature")
    run("checkout", "-q", "main")
    (root / "notes.txt").write_text("a\nmain\nc\n")
    run("commit", "-q", "-am", "main")
    git_merge = ["merge", "-q", "--no-edit", "feature"]
    try:
        run(*git_merge)
    except AssertionError:
        (root / "notes.txt").write_text("a\nboth\nc\n")
        run("commit", "-q", "-am", "merge feature")
    _sign_head(root)
    # Only now the traps: building the repository above must not set them off.
    for hook in HOOKS:
        _executable(root / ".git" / "hooks" / hook, shell_trap(markers / f"hook-{hook}"))
        _executable(root / ".hooks" / hook, shell_trap(markers / f"hooksPath-{hook}"))
    program = root.parent / "git-trap.sh"
    _executable(program, shell_trap(markers / "git-config-program") + "cat\n")
    config = {
        "core.hooksPath": str(root / ".hooks"),
        "core.fsmonitor": str(program),
        "core.pager": str(program),
        "core.editor": str(program),
        "core.sshCommand": str(program),
        "core.askPass": str(program),
        "credential.helper": f"!{program}",
        "gpg.program": str(program),
        "gpg.ssh.program": str(program),
        "log.showSignature": "true",
        "diff.external": str(program),
        "diff.trap.textconv": str(program),
        "diff.trap.command": str(program),
        "merge.trap.driver": f"{program} %O %A %B",
        "merge.renormalize": "true",
        "filter.trap.clean": str(program),
        "filter.trap.smudge": str(program),
        "filter.trap.process": str(program),
        "pager.log": str(program),
        "sequence.editor": str(program),
        "uploadpack.packObjectsHook": str(program),
        "core.alternateRefsCommand": str(program),
    }
    for key, value in config.items():
        run("config", key, value)
    (root / ".gitattributes").write_text("* merge=trap diff=trap filter=trap\n")
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "attributes").write_text("* merge=trap diff=trap filter=trap\n")


def _sign_head(root: Path) -> None:
    """Rewrite HEAD with a `gpgsig` header, so `log.showSignature` would call gpg."""
    raw = subprocess.run(
        ["git", "cat-file", "commit", "HEAD"], cwd=root, capture_output=True, check=True
    ).stdout
    header, _, message = raw.partition(b"\n\n")
    signature = (
        b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    )
    signed = header + b"\n" + signature + b"\n\n" + message
    sha = (
        subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
            cwd=root,
            input=signed,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    subprocess.run(["git", "update-ref", "HEAD", sha], cwd=root, check=True)


def markers_set_off(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.iterdir()) if markers.exists() else []


# -- secrets -------------------------------------------------------------------------------

# Distinctive values: any of them in any output means a secret was echoed.
SECRETS = {
    "django secret key": "zq7SECRETKEYd6b1f0e9a8",
    "password literal": "pw5HUNTERTWO2c4e6",
    "password in a function": "pw9INLINEPASS3a1",
    "dict entry": "tok2DICTVALUE8f7e",
    "database url": "db8URLPASSWORD4d2",
    "dotenv": "env3DOTENVTOKEN9a7c",
    "compose token": "ghp_COMPOSE0123456789abcdefABCDEF01234",
    "compose password": "cmp6COMPOSEPASS1b2",
    "git remote": "pat4REMOTECRED7e9f",
    "broken toml": "tml5BROKENTOML0c3",
    "syntax error line": "syn1BROKENPYTHON8d",
    "aws key": "AKIAQWERTYUIOPASDFGH",
}


def plant_secrets(root: Path, env: dict[str, str]) -> list[str]:
    """A learner project full of secrets; returns the values to search outputs for."""
    s = SECRETS
    files = {
        "settings.py": (
            f'SECRET_KEY = "{s["django secret key"]}"\n'
            f'DATABASE_PASSWORD = "{s["password literal"]}"\n'
            f'DATABASES = {{"default": {{"PASSWORD": "{s["dict entry"]}"}}}}\n'
            f'SQLALCHEMY_DATABASE_URI = "postgresql://app:{s["database url"]}@db/app"\n'
            f'AWS_ACCESS_KEY_ID = "{s["aws key"]}"\n'
        ),
        "app/db.py": (
            "import sqlite3\n\n\ndef connect(user):\n"
            f'    password = "{s["password in a function"]}"\n'
            '    cur = sqlite3.connect("app.db").cursor()\n'
            "    cur.execute(f\"SELECT * FROM users WHERE name = '{user}'\")\n"
            "    return password\n"
        ),
        "app/broken.py": f'API_KEY = "{s["syntax error line"]}\ndef (:\n',
        ".env": f"API_TOKEN={s['dotenv']}\nSECRET_KEY={s['django secret key']}\n",
        "docker-compose.yml": (
            "services:\n  web:\n    build: .\n    environment:\n"
            f"      - GITHUB_TOKEN={s['compose token']}\n"
            f"      - POSTGRES_PASSWORD={s['compose password']}\n"
        ),
        "config.toml": f"[auth]\npassword = {s['broken toml']}\n",
        "requirements.txt": "flask\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(root, "init", "-q", "-b", "main", env=env)
    url = f"https://learner:{s['git remote']}@github.com/learner/app.git"
    git(root, "remote", "add", "origin", url, env=env)
    git(root, "add", "app", "requirements.txt", env=env)
    git(root, "commit", "-q", "-m", "first", env=env)
    git(root, "add", "-A", env=env)
    git(root, "commit", "-q", "-m", "settings", env=env)
    return list(SECRETS.values())


def find_secrets(text: str | bytes, secrets: list[str]) -> list[str]:
    """The secrets that appear in `text` (also UTF-16 encoded, as a store page may hold)."""
    if isinstance(text, str):
        return [s for s in secrets if s in text]
    found = []
    for secret in secrets:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if secret.encode(encoding) in text:
                found.append(secret)
                break
    return found


def files_under(*folders: Path) -> dict[Path, bytes]:
    """Every regular file below the folders (the store, its WAL, exports …), by content."""
    found = {}
    for folder in folders:
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                path = Path(dirpath, name)
                if path.is_file() and not path.is_symlink():
                    found[path] = path.read_bytes()
    return found


# -- hostile files ---------------------------------------------------------------------------

HUGE_TERMS = 100_000
MIB = 1024 * 1024


def plant_hostile(root: Path, outside: Path) -> dict[str, str]:
    """Every odd thing a workspace can hold; returns {path: what its `skipped` reason says}
    for those a scan must leave out (or could not fully read) and report."""
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "elsewhere.py").write_text("import flask\n")

    def put(rel: str, data: bytes | str) -> Path:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path

    put(
        "app.py",
        'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef i():\n    return "ok"\n',
    )
    put("logo.png", bytes(range(256)) * 64)
    put("nul.py", b"import os\x00\x00print('x')\n")
    put("config.yml", b"key: value\x00\x01\x02\n")
    put("latin1.py", "name = 'café'\n".encode("latin-1"))
    put("declared.py", "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"))
    put("utf16.py", "import json\n\ndef f():\n    return 1\n".encode("utf-16"))
    put("utf16_no_bom.py", "import json\n".encode("utf-16-le"))
    put("bad_cookie.py", b"# coding: no-such-codec\nx = 1\n")
    put("huge_expr.py", "x = 1" + "+1" * (HUGE_TERMS - 1) + "\n")
    put("deep_parens.py", "x = " + "(" * 300 + "1" + ")" * 300 + "\n")
    put("wide_line.py", "DATA = [" + "1," * (700_000) + "]\n")  # ~1.4 MB on one line
    put("long_line.py", "x = '" + "a" * (3 * MIB) + "'\n")  # 3 MB: over the size cap
    put("million_lines.py", "#\n" * 1_000_000)  # 2,000,000 bytes: just under the cap
    put(
        "newer.py",
        "type Point = tuple[float, float]\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n",
    )
    put("fstrings.py", 'names = ["a"]\nprint(f"{", ".join(names)}")\n')
    put("pyproject.toml", '[project\nname = "x"\n')
    put("config.toml", b'key = "\xff\xfe"\n')
    put("requirements.txt", b"\xff\xfeflask\x00")
    put(".git/HEAD", b"\x00garbage\x00")
    put(".git/config", b"[core\x00\xff")
    os.mkfifo(root / "pipe.py")
    os.mkfifo(root / "requirements-dev.txt")
    (root / "loop.py").symlink_to("loop.py")
    (root / "ping.py").symlink_to("pong.py")
    (root / "pong.py").symlink_to("ping.py")
    (root / "dangling.py").symlink_to("does-not-exist.py")
    (root / "escape.py").symlink_to(outside / "elsewhere.py")
    (root / "escape_dir").symlink_to(outside)
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..")
    deep = root.joinpath(*["d"] * 200)
    deep.mkdir(parents=True)
    (deep / "deep.py").write_text("def deep():\n    return 1\n")
    put("odd\nname.py", "def odd():\n    return 1\n")
    (root / os.fsdecode(b"bytes\xff.py")).write_text("def named():\n    return 1\n")
    return {
        "nul.py": "binary",
        "config.yml": "binary",
        "latin1.py": "UTF-8",
        "utf16_no_bom.py": "binary",
        "bad_cookie.py": "UTF-8",
        "huge_expr.py": "deeply nested",
        "long_line.py": "too large",
        "newer.py": "newer",
        "pyproject.toml": "TOML",
        "config.toml": "TOML",
        "pipe.py": "not a regular file",
        "requirements-dev.txt": "not a regular file",
        "loop.py": "loop",
        "ping.py": "loop",
        "pong.py": "loop",
        "dangling.py": "dangling",
        "escape.py": "outside the workspace",
        "escape_dir": "outside the workspace",
        "sub/up": "loop",
    }
