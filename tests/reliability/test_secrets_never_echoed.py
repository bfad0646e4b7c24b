"""No secret value from the workspace appears anywhere the coach writes or says: scan
(text and JSON), history, exports (JSONL, Markdown, HTML), the cohort report, verify,
stderr and server logs, diagnostics, hover, messages, code lenses, progress, and the
store file itself (events and facts cache, compressed facts included).

The workspace holds distinctive values (trap_workspaces.SECRETS): a Django SECRET_KEY,
password literals, a dictionary entry, a database URL, a provider-shaped key, a .env
file, tokens in a compose file, a broken TOML line and a syntax error on a secret line,
and credentials in a Git remote URL.
"""

from __future__ import annotations

import contextlib
import sqlite3
import zlib
from pathlib import Path

from coach_runner import coach, everything_the_client_heard, isolated_env, run_cli, server_command
from trap_workspaces import SECRETS, files_under, find_secrets, plant_secrets

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.secret_values import mask_line


def stored_text(folder: Path) -> dict[Path, bytes]:
    """Every store file below `folder`, plus each cached facts record decoded (the scan's
    cache keeps them compressed, where a plain search would miss a value)."""
    found = files_under(folder)
    for path in list(found):
        if not path.name.endswith(".sqlite3"):
            continue
        with contextlib.closing(sqlite3.connect(path)) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                rows = bytearray()
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    for value in row:
                        if isinstance(value, bytes):
                            rows += _inflated(value)
                        elif isinstance(value, str):
                            rows += value.encode()
                found[path.with_name(f"{path.name} table {table}")] = bytes(rows)
    return found


def _inflated(blob: bytes) -> bytes:
    """A cached record decoded if it is one, else every zlib stream found in it."""
    try:
        from roadmap_coach.analysis.facts_codec import decode

        facts: FileFacts = decode(blob)
        return facts.to_json().encode()
    except Exception:
        pass
    out = [blob]
    for start in range(min(len(blob), 64)):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompressobj().decompress(blob[start:]))
    return b"".join(out)


def test_no_secret_value_leaves_the_workspace_through_the_cli(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    data = tmp_path / "data"
    env = isolated_env(tmp_path / "home", data / "progress.sqlite3")
    secrets = plant_secrets(root, env)
    out = tmp_path / "out"
    out.mkdir()
    said: dict[str, str] = {}

    def run(name: str, *args: str) -> None:
        done = run_cli(*args, cwd=root, env=env)
        assert done.returncode in (0, 1), (name, done.stderr)
        said[name] = done.stdout + done.stderr

    run("scan json", "scan", ".", "--format", "json")
    run("scan text", "scan", ".")
    run("history", "history", ".", "--record")
    run("history json", "history", ".", "--format", "json")
    for fmt in ("jsonl", "md", "html"):
        run(f"export {fmt}", "export", "--format", fmt, "-o", str(out / f"log.{fmt}"))
        run(f"export {fmt} stdout", "export", "--format", fmt)
    run("verify", "verify", str(out / "log.jsonl"))
    run("report", "report", str(out / "log.jsonl"), "-o", str(out / "cohort.html"))
    # The scan found the secrets (the lessons fired), without repeating them.
    assert said["scan json"].count('"code": "RC501"') >= 4
    leaks = {name: find_secrets(text, secrets) for name, text in said.items()}
    leaks.update({str(p): find_secrets(b, secrets) for p, b in files_under(out).items()})
    leaks.update({str(p): find_secrets(b, secrets) for p, b in stored_text(data).items()})
    assert_no_leaks(leaks)


async def test_no_secret_value_leaves_the_workspace_through_the_server(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    data = tmp_path / "data"
    store = data / "progress.sqlite3"
    env = isolated_env(tmp_path / "home", store, ROADMAP_COACH_LOG="INFO")
    secrets = plant_secrets(root, env)
    stderr = tmp_path / "server.stderr"
    answers: list[str] = []
    async with coach(root, store, rich=True, server=server_command(stderr), env=env) as session:
        await session.wait_stats("the first scan", lambda s: "files" in s["scan"], timeout=120)
        for rel in ("settings.py", "app/db.py", "app/broken.py"):
            session.open(rel)
        await session.settled()
        assert any(d.code == "RC501" for d in session.diagnostics("settings.py"))
        for rel, lines in (("settings.py", 5), ("app/db.py", 8), ("app/broken.py", 2)):
            for line in range(lines):
                for col in (0, 4, 12, 22, 30):
                    answers.append(str(await session.hover(rel, line, col)))
        answers.append(repr(await session.progress_now()))
        answers.append(repr(await session.stats()))
        for rel in ("settings.py", "app/db.py"):
            lenses = await session.client.text_document_code_lens_async(
                _lens_params(session.uri(rel))
            )
            answers.append(repr(lenses))
        await session.command(
            "roadmapCoach.exportProgress", {"format": "html", "path": str(tmp_path / "p.html")}
        )
        await session.command(
            "roadmapCoach.exportProgress", {"format": "md", "path": str(tmp_path / "p.md")}
        )
        heard = everything_the_client_heard(session)
    leaks = {
        "what the client heard": find_secrets(heard, secrets),
        "answers": find_secrets("\n".join(answers), secrets),
        "server stderr (INFO log)": find_secrets(stderr.read_text(), secrets),
        "html export": find_secrets((tmp_path / "p.html").read_text(), secrets),
        "md export": find_secrets((tmp_path / "p.md").read_text(), secrets),
    }
    leaks.update({str(p): find_secrets(b, secrets) for p, b in stored_text(data).items()})
    assert_no_leaks(leaks)


def assert_no_leaks(leaks: dict[str, list[str]]) -> None:
    label = {value: name for name, value in SECRETS.items()}
    found = {
        Path(where).name if "/" in where else where: sorted(label[v] for v in values)
        for where, values in leaks.items()
        if values
    }
    assert found == {}, "\n".join(f"{where}: {names}" for where, names in found.items())


def _lens_params(uri: str) -> object:
    from lsprotocol import types

    return types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri))


# -- what keeps secrets off disk ---------------------------------------------------------

SENSITIVE = [
    'SECRET_KEY = "dev-key-123"',
    'AUTH_TOKEN = "tok-123"',
    'app.config["SECRET_KEY"] = "dev-key-123"',
    'db = connect(host="db", password="hunter2")',
    'DATABASES = {"default": {"PASSWORD": "hunter2"}}',
    'URL = "postgresql://app:hunter2@db/app"',
    'client = boto3.client("s3", aws_access_key_id="AKIAQWERTYUIOPASDFGH")',
    'class Config:\n    api_key = "k-123456"',
    'q = "{user} {password}".format(user=u, password="hunter2")',
    'def f():\n    token = "abcdefgh12345678"\n    return token',
]
NOT_SENSITIVE = [
    'SECRET_KEY = os.environ["SECRET_KEY"]',
    'SECRET_KEY = os.getenv("SECRET_KEY", "")',
    'PASSWORD_FIELD = ""',
    "token = get_token(request)",
    'URL = "https://example.com/users/1"',
    'password_hash = generate_password_hash(form["password"])',
    'NAME = "learner"',
    # words that merely contain "auth" are not secrets (Django's own settings use them)
    'AUTH_USER_MODEL = "auth.User"',
    'author = "Ada Lovelace"',
]


def test_facts_that_may_hold_a_secret_are_marked_and_never_cached() -> None:
    for source in SENSITIVE:
        assert analyze_bytes("app/settings.py", source.encode()).sensitive, source
    for source in NOT_SENSITIVE:
        assert not analyze_bytes("app/settings.py", source.encode()).sensitive, source


def test_the_facts_codec_marks_sensitive_facts() -> None:
    from roadmap_coach.analysis.facts_codec import decode, encode, error_of, is_sensitive

    secret = analyze_bytes("s.py", b'SECRET_KEY = "dev-key-123"\n')
    plain = analyze_bytes("p.py", b"def f():\n    return 1\n")
    assert is_sensitive(encode(secret)) and decode(encode(secret)).sensitive
    assert not is_sensitive(encode(plain))
    partial = FileFacts(path="x.py", kind="python", error="too deeply nested", sensitive=True)
    assert error_of(encode(partial)) == "too deeply nested" and is_sensitive(encode(partial))


MASKED = {
    "      - POSTGRES_PASSWORD=example": "      - POSTGRES_PASSWORD=*******",
    "DATABASE_URL: postgres://app:s3cr3t@db/app": "DATABASE_URL: postgres://app:******@db/app",
    "  token: ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789": "  token: " + "*" * 40,
    'ENV API_KEY="k-123"': 'ENV API_KEY="*****"',
    '"client_secret": "abc123",': '"client_secret": "******",',
}
KEPT = [
    "{% csrf_token %}",
    "{{ form.hidden_tag() }}",
    '<input type="password" name="password">',
    "      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}",
    "    image: postgres:16",
    'CMD ["gunicorn", "app:app"]',
    "token: ${{ secrets.CODECOV_TOKEN }}",
]


def test_configuration_lines_keep_their_shape_with_secret_values_masked() -> None:
    for line, masked in MASKED.items():
        assert mask_line(line) == masked, line
    for line in KEPT:
        assert mask_line(line) == line
    facts = analyze_bytes("docker-compose.yml", "\n".join(MASKED).encode())
    assert facts.lines == list(MASKED.values())
