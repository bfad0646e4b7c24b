"""analyze_bytes: every file in a workspace becomes facts, and none makes it raise."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap_coach.analysis.files import (
    MAX_LINE_CHARS,
    MAX_LINES,
    UNDECODABLE,
    analyze_bytes,
    file_kind,
)

FREEZE = "Flask==3.0.3\nrequests==2.32.3\nWerkzeug==3.0.4\n"


# -- requirements files --------------------------------------------------------------


def test_powershell_utf16_requirements_still_lists_packages() -> None:
    # Windows PowerShell 5.1: `pip freeze > requirements.txt` writes UTF-16 LE + BOM, CRLF
    data = codecs.BOM_UTF16_LE + FREEZE.replace("\n", "\r\n").encode("utf-16-le")
    facts = analyze_bytes("requirements.txt", data)
    assert facts.kind == "requirements"
    assert facts.error is None
    assert facts.requirements == ["flask", "requests", "werkzeug"]
    assert facts.pinned


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + FREEZE.encode(),
        codecs.BOM_UTF16_BE + FREEZE.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + FREEZE.encode("utf-32-le"),
    ],
    ids=["utf8-bom", "utf16-be", "utf32-le"],
)
def test_requirements_in_any_bom_encoding_pip_accepts(data: bytes) -> None:
    assert analyze_bytes("requirements.txt", data).requirements == ["flask", "requests", "werkzeug"]


def test_requirements_with_a_coding_line_or_stray_latin1_bytes_are_read() -> None:
    declared = "# -*- coding: latin-1 -*-\n# caf\xe9 app\ngunicorn\n".encode("latin-1")
    assert analyze_bytes("requirements.txt", declared).requirements == ["gunicorn"]
    undeclared = b"# caf\xe9\nuvicorn[standard]\n"
    assert analyze_bytes("requirements.txt", undeclared).requirements == ["uvicorn"]


def test_requirement_names_skip_comments_options_markers_and_extras() -> None:
    text = (
        "# gunicorn is commented out\n"
        "-r base.txt\n"
        "-c constraints.txt\n"
        "--index-url https://mirror.example.invalid/simple\n"
        "-e git+https://example.invalid/me/tool.git#egg=My_Tool\n"
        "-e .\n"
        "Flask[async]>=3.0 ; python_version >= '3.9'  # the web framework\n"
        "psycopg2-binary\\\n"
        "    >=2.9\n"
        "mypkg @ https://example.invalid/mypkg-1.0.tar.gz\n"
        "./vendor/Local_Lib-0.1-py3-none-any.whl\n"
        "Django_REST.Framework~=3.15\n"
    )
    facts = analyze_bytes("requirements/dev.txt", text.encode())
    assert facts.requirements == [
        "my-tool",
        "flask",
        "psycopg2-binary",
        "mypkg",
        "local-lib",
        "django-rest-framework",
    ]
    assert not facts.pinned


@pytest.mark.parametrize(
    ("line", "pinned"),
    [
        ("flask==3.0.3", True),
        ("flask===3.0.3", True),
        ("flask>=3.0 \\\n    --hash=sha256:0123abcd", True),
        ("flask>=3.0", False),
        ("flask!=2.0", False),
        ("flask~=3.0", False),
        ("flask", False),
        ("# flask==3.0.3", False),
    ],
)
def test_pinned_means_exact_versions_or_hashes(line: str, pinned: bool) -> None:
    assert analyze_bytes("requirements.txt", line.encode()).pinned is pinned


def test_requirements_file_name_shapes() -> None:
    assert file_kind("requirements.txt") == "requirements"
    assert file_kind("requirements-dev.txt") == "requirements"
    assert file_kind("requirements/base.txt") == "requirements"
    assert file_kind("requirements.in") == "requirements"
    assert file_kind("dev.in") == "requirements"
    # look-alikes that are not requirement lists
    assert file_kind("MANIFEST.in") == "other"
    assert file_kind("config.h.in") == "other"
    assert file_kind("notes.txt") == "other"


# -- TOML ----------------------------------------------------------------------------


PEP621 = b"""
[project]
name = "shop"
dependencies = ["Flask>=3", "SQLAlchemy[asyncio]==2.0.30", "python-dotenv"]

[project.optional-dependencies]
docs = ["mkdocs"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]

[tool.coverage.run]
branch = true
"""


def test_pyproject_pep621_and_dependency_groups() -> None:
    facts = analyze_bytes("pyproject.toml", PEP621)
    assert facts.kind == "toml"
    assert facts.error is None
    assert facts.toml is not None
    for key in (
        "project",
        "project.dependencies",
        "project.optional-dependencies.docs",
        "dependency-groups",
        "dependency-groups.dev",
        "tool.coverage.run",
        "tool.coverage.run.branch",
    ):
        assert key in facts.toml.keys
    assert facts.requirements == [
        "flask",
        "sqlalchemy",
        "python-dotenv",
        "mkdocs",
        "pytest",
        "ruff",
    ]
    assert facts.pinned


POETRY = b"""
[tool.poetry]
name = "shop"

[tool.poetry.dependencies]
python = "^3.11"
fastapi = "^0.111"
Pydantic_Settings = { version = "^2.2", extras = ["yaml"] }

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"
"""


def test_pyproject_poetry_dependencies_and_groups_without_python() -> None:
    facts = analyze_bytes("pyproject.toml", POETRY)
    assert facts.requirements == ["fastapi", "pydantic-settings", "pytest"]
    assert facts.toml is not None
    assert "tool.poetry.group.dev.dependencies" in facts.toml.keys
    assert not facts.pinned  # caret constraints float


def test_poetry_bare_version_is_an_exact_pin() -> None:
    data = b'[tool.poetry.dependencies]\npython = "3.11.9"\nflask = "3.0.3"\n'
    assert analyze_bytes("pyproject.toml", data).pinned
    python_only = b'[tool.poetry.dependencies]\npython = "3.11.9"\nflask = "^3.0"\n'
    assert not analyze_bytes("pyproject.toml", python_only).pinned


def test_pipfile_lists_packages_and_dev_packages() -> None:
    data = b'[packages]\nflask = "==3.0.3"\n\n[dev-packages]\npytest = "*"\n'
    facts = analyze_bytes("Pipfile", data)
    assert facts.kind == "toml"
    assert facts.requirements == ["flask", "pytest"]
    assert facts.pinned


def test_other_toml_files_give_keys_but_no_requirements() -> None:
    data = b'[project]\ndependencies = ["flask"]\n[[services]]\ninternal_port = 8080\n'
    facts = analyze_bytes("fly.toml", data)
    assert facts.requirements == []
    assert facts.toml is not None
    assert "services.internal_port" in facts.toml.keys


def test_broken_toml_reports_the_line_instead_of_crashing() -> None:
    data = b'[project]\nname = "shop"\ndependencies = ["flask"\n\n[tool.ruff]\n'
    facts = analyze_bytes("pyproject.toml", data)
    assert facts.toml is not None
    assert facts.toml.error is not None
    assert "line" in facts.toml.error
    assert facts.error is not None and facts.error.startswith("invalid TOML")
    assert facts.error_line is not None and 2 <= facts.error_line <= 5
    assert facts.requirements == []


def test_duplicate_toml_key_is_an_error_on_its_line() -> None:
    facts = analyze_bytes("ruff.toml", b"line-length = 88\nline-length = 100\n")
    assert facts.toml is not None and facts.toml.error is not None
    assert facts.error_line == 1


def test_toml_that_is_not_utf8_is_an_error() -> None:
    facts = analyze_bytes("pyproject.toml", b'[project]\nname = "caf\xe9"\n')
    assert facts.error is not None
    assert facts.error_line == 1


# -- text configs and secrets ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "Dockerfile",
        "docker/Dockerfile.prod",
        "api.dockerfile",
        "Procfile",
        "compose.yaml",
        "docker-compose.dev.yml",
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        "deploy/nginx.conf",
        "supervisord.conf",
        "setup.cfg",
        "tox.ini",
        ".coveragerc",
        ".flake8",
        ".pre-commit-config.yaml",
        "render.yaml",
        "vercel.json",
        "railway.json",
        "app.yaml",
        ".gitignore",
        "templates/login.html",
        "templates/base.jinja",
        "templates/mail.j2",
        "docker/entrypoint.sh",
        "entrypoint",
        "deploy/nginx/default",
    ],
)
def test_configuration_files_keep_their_lines(path: str) -> None:
    facts = analyze_bytes(path, b"first line\r\nserver {\n  listen 80;\n}\n")
    assert facts.kind == "text"
    assert facts.lines == ["first line", "server {", "  listen 80;", "}"]


def test_text_lines_are_capped() -> None:
    long_line = "x" * (MAX_LINE_CHARS + 100)
    data = "\n".join([long_line] * (MAX_LINES + 10)).encode()
    facts = analyze_bytes("big.yml", data)
    assert len(facts.lines) == MAX_LINES
    assert all(len(line) == MAX_LINE_CHARS for line in facts.lines)


def test_line_numbers_follow_editors_not_form_feeds() -> None:
    facts = analyze_bytes("nginx.conf", b"a\x0cb\nc\rd\n")
    assert facts.lines == ["a\x0cb", "c", "d"]


@pytest.mark.parametrize("path", [".env", ".env.local", "config/.env.production", "prod.env"])
def test_dotenv_values_are_never_stored(path: str) -> None:
    facts = analyze_bytes(path, b"SECRET_KEY=hunter2-very-secret\nDEBUG=1\n")
    assert facts.kind == "text"
    assert facts.lines == []
    assert "hunter2" not in facts.to_json()


def test_gunicorn_config_is_python() -> None:
    facts = analyze_bytes("gunicorn.conf.py", b"workers = 4\nbind = '0.0.0.0:8000'\n")
    assert facts.kind == "python"
    assert [a.target for a in facts.assigns] == ["workers", "bind"]


@pytest.mark.parametrize(
    "path", ["static/logo.png", "data/test_data.csv", "README.md", "poetry.lock"]
)
def test_other_files_are_known_by_name_only(path: str) -> None:
    facts = analyze_bytes(path, b"name,value\nSECRET,1\n")
    assert facts.kind == "other"
    assert facts.lines == [] and facts.requirements == [] and facts.toml is None
    assert facts.size == 20


def test_binary_content_in_a_text_config_is_reported_not_read() -> None:
    facts = analyze_bytes("settings.yml", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert facts.kind == "binary"
    assert facts.error == "binary file"
    assert facts.lines == []


# -- Python ---------------------------------------------------------------------------


def test_python_file_is_analysed_with_digest_and_size() -> None:
    data = b"from flask import Flask\napp = Flask(__name__)\n"
    facts = analyze_bytes("app/main.py", data)
    assert facts.kind == "python"
    assert facts.module == "app.main"
    assert facts.size == len(data)
    assert [i.module for i in facts.imports] == ["flask"]
    assert facts.digest == analyze_bytes("other/place.py", data).digest
    assert facts.digest != analyze_bytes("app/main.py", data + b"\n").digest


def test_nul_bytes_make_a_python_file_binary() -> None:
    facts = analyze_bytes("compiled.py", b"import os\n\x00\x00\x01")
    assert facts.kind == "binary"
    assert facts.error == "binary file"
    assert facts.imports == []


def test_python_that_is_not_utf8_is_reported_with_its_line() -> None:
    facts = analyze_bytes("views.py", b"import os\n\n# caf\xe9\n")
    assert facts.kind == "python"
    assert facts.error == UNDECODABLE
    assert facts.error_line == 2
    assert facts.imports == []


def test_python_with_unknown_coding_cookie_is_undecodable() -> None:
    facts = analyze_bytes("views.py", b"# -*- coding: klingon -*-\nimport os\n")
    assert facts.error == UNDECODABLE


def test_pep263_coding_cookie_is_honoured() -> None:
    facts = analyze_bytes("views.py", "# coding: latin-1\nname = 'café'\n".encode("latin-1"))
    assert facts.error is None
    assert facts.assigns[0].value.value == "café"


def test_utf16_python_with_bom_is_analysed() -> None:
    data = codecs.BOM_UTF16_LE + "import flask\n".encode("utf-16-le")
    facts = analyze_bytes("app.py", data)
    assert facts.kind == "python"
    assert facts.error is None
    assert [i.module for i in facts.imports] == ["flask"]


def test_newer_python_syntax_is_reported_not_crashed() -> None:
    data = b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n"
    facts = analyze_bytes("new.py", data)
    assert facts.error is not None
    assert "newer" in facts.error
    assert facts.error_line == 2


# -- robustness ------------------------------------------------------------------------

NAMES = ["app.py", "pyproject.toml", "Pipfile", "requirements.txt", "Dockerfile", ".env", "x.png"]
LINES = st.sampled_from(
    [
        "[project]",
        "dependencies = [",
        '"flask==1"',
        "]",
        "-e",
        "--hash",
        "#egg=",
        "\\",
        "@",
        "[tool.poetry.dependencies]",
        "python = 3",
        "def f(:",
        "# -*- coding: utf-16 -*-",
        "x = {",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    data=st.one_of(
        st.binary(max_size=200),
        st.lists(LINES, max_size=12).map(lambda lines: "\n".join(lines).encode()),
    ),
)
def test_any_bytes_under_any_name_give_facts_not_exceptions(name: str, data: bytes) -> None:
    facts = analyze_bytes(name, data)
    assert facts.path == name
    assert facts.size == len(data)
    assert facts.kind in {"python", "toml", "requirements", "text", "binary", "other"}
