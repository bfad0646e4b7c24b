"""The repository `history` is measured on.

The Flask framework's own repository when one is at hand ($BENCH_FLASK_REPO, or the
local mirror this workplace keeps), cloned into benchmarks/.work/flask; otherwise, and
in quick mode, a generated history: deterministic (fixed names, dates and contents), so
that two runs measure the same commits. Either way the description returned says
exactly what was measured, for RESULTS.md.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

FLASK_MIRRORS = ("/work/.mirror/pallets+flask/repo",)
FALLBACK_COMMITS = 2261  # as many first-parent commits as Flask's repository had
EPOCH = 1_700_000_000


def _git(repo: Path, *args: str, data: bytes | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], input=data, env=env, check=True, capture_output=True
    )
    return done.stdout.decode()


def flask_source() -> str | None:
    for candidate in (os.environ.get("BENCH_FLASK_REPO", ""), *FLASK_MIRRORS):
        if candidate and Path(candidate).is_dir():
            return candidate
    return None


def repository(work: Path, *, quick: bool, commits: int) -> tuple[Path, str]:
    source = None if quick else flask_source()
    if source is not None:
        target = work / "flask"
        if not (target / ".git").is_dir():
            subprocess.run(["git", "clone", "-q", source, str(target)], check=True)
        count = _git(target, "rev-list", "--first-parent", "--count", "HEAD").strip()
        head = _git(target, "log", "-1", "--format=%h %cs").strip()
        return target, (
            f"the Flask framework's own repository ({count} first-parent commits, HEAD {head})"
        )
    target = work / f"generated-history-{commits}"
    if not (target / ".git").is_dir():
        generate(target, commits)
    why = "quick mode" if quick else "no Flask repository was at hand"
    return target, (
        f"a generated repository ({commits} first-parent commits, one .py file changed or "
        f"added per commit; {why}) — not the Flask repository of the target"
    )


def module(index: int, version: int) -> str:
    """A small web module; `version` grows it by one function per edit."""
    lines = [
        "import os",
        "import sqlite3",
        "",
        "from flask import Flask, jsonify, request",
        "",
        f"app = Flask(__name__ + '{index}')",
        "",
    ]
    for step in range(version + 1):
        lines += [
            "",
            f'@app.route("/m{index}/v{step}/<int:item_id>", methods=["GET", "POST"])',
            f"def view_{index}_{step}(item_id: int):",
            '    db = sqlite3.connect(os.environ.get("DB", "app.db"))',
            f'    row = db.execute("SELECT name FROM t{index} WHERE id = ?", (item_id,)).fetchone()',
            '    if request.method == "POST":',
            f'        db.execute("UPDATE t{index} SET name = ? WHERE id = ?", (request.form["n"], item_id))',
            "        db.commit()",
            '    return jsonify({"id": item_id, "name": row and row[0]})',
            "",
        ]
    return "\n".join(lines) + "\n"


def generate(target: Path, commits: int) -> None:
    """`commits` commits through `git fast-import` (one process, seconds for thousands):
    the first adds 20 modules; each later one grows one module, and every 10th adds one."""
    target.mkdir(parents=True, exist_ok=True)
    _git(target, "init", "-q", "-b", "main")
    versions: dict[int, int] = {index: 0 for index in range(20)}
    stream: list[bytes] = []
    for number in range(commits):
        if number == 0:
            changed = list(versions)
        elif number % 10 == 0:
            versions[len(versions)] = 0
            changed = [len(versions) - 1]
        else:
            index = (number * 7) % len(versions)
            versions[index] += 1
            changed = [index]
        message = f"change {number}".encode()
        when = f"{EPOCH + number * 3600} +0000".encode()
        stream += [
            b"commit refs/heads/main\n",
            b"author Bench <bench@example.invalid> " + when + b"\n",
            b"committer Bench <bench@example.invalid> " + when + b"\n",
            b"data %d\n%s\n" % (len(message), message),
        ]
        if number == 0:
            stream.append(b"M 100644 inline requirements.txt\ndata 6\nflask\n\n")
        for index in changed:
            body = module(index, versions[index]).encode()
            path = f"app/mod_{index}.py".encode()
            stream.append(b"M 100644 inline " + path + b"\ndata %d\n" % len(body) + body + b"\n")
    _git(target, "fast-import", "--quiet", data=b"".join(stream))
    _git(target, "checkout", "-q", "main")
