"""Learning hints (RC1xx, RC6xx, RC9xx, RC10xx): each with the code that earns it and a
look-alike that must not."""

from __future__ import annotations

import pytest
from lesson_workspace import Workspace

from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.rules.lessons import all_lessons
from roadmap_coach.rules.lessons.context import build_context


def codes_in(
    files: dict[str, str | bytes], code: str, tracked: list[str] | None = None
) -> list[int]:
    """1-based lines where `code` fires."""
    return sorted(f.span.line + 1 for f in Workspace(files, tracked).findings(code))


# -- RC101 ---------------------------------------------------------------------------------

SWALLOWED = """\
try:
    risky()
except:
    pass
try:
    risky()
except Exception:
    pass
try:
    risky()
except BaseException:
    '''ignored'''
try:
    risky()
except:
    log("failed")
"""
HANDLED = """\
try:
    risky()
except ValueError:
    pass
try:
    risky()
except Exception as exc:
    logger.exception("failed: %s", exc)
try:
    risky()
except:
    cleanup()
    raise
try:
    import ujson as json
except ImportError:
    import json
"""


def test_bare_except_and_except_exception_pass_are_taught() -> None:
    assert codes_in({"app.py": SWALLOWED}, "RC101") == [3, 7, 11, 15]


def test_specific_logged_or_reraised_errors_are_not_a_lesson() -> None:
    assert codes_in({"app.py": HANDLED}, "RC101") == []


# -- RC102 ---------------------------------------------------------------------------------


def test_mutable_defaults_are_taught() -> None:
    source = (
        "def a(x=[]): ...\n"
        "def b(x={}): ...\n"
        "def c(x={1, 2}): ...\n"
        "def d(*, x=dict()): ...\n"
        "def e(x=[i for i in range(3)]): ...\n"
    )
    assert codes_in({"app.py": source}, "RC102") == [1, 2, 3, 4, 5]


def test_immutable_and_framework_defaults_are_not_a_lesson() -> None:
    source = (
        "from fastapi import Depends, Query\n"
        "def a(x=None, y=(), z='', n=0, f=frozenset()): ...\n"
        "def b(db=Depends(get_db), tags: list[str] = Query(default=[])): ...\n"
        "class Model:\n    tags: list[str] = []\n"
    )
    assert codes_in({"app.py": source}, "RC102") == []


def test_a_fastapi_routes_parameter_defaults_are_copied_per_request_not_a_lesson() -> None:
    source = (
        "from typing import Annotated\n"
        "from fastapi import APIRouter, FastAPI, Query\n"
        "app = FastAPI()\nrouter = APIRouter()\n"
        "@app.get('/items/')\n"
        "def items(q: Annotated[list[str], Query()] = ['foo', 'bar']): ...\n"
        "@router.post('/tags')\n"
        "def tags(tags: list = []): ...\n"
        "def helper(seen=set()): ...\n"  # the look-alike: called directly, it shares
    )
    assert codes_in({"app.py": source}, "RC102") == [9]


# -- RC601 ---------------------------------------------------------------------------------

EMPTY_TESTS = """\
import pytest

def test_create_user(client):
    client.post("/users", json={"name": "Ada"})

def test_placeholder():
    pass

class TestApi:
    def test_lists(self, client):
        client.get("/users")
"""
CHECKING_TESTS = """\
import pytest
from unittest import TestCase

def check_ok(response):
    assert response.status_code == 200

def test_assert(client):
    assert client.get("/").status_code == 200

def test_raises():
    with pytest.raises(ValueError):
        int("x")

def test_helper(client):
    check_ok(client.get("/"))

def test_mock(mocker):
    sender = mocker.patch("app.send")
    sender.assert_called_once_with("hi")

class UserTests(TestCase):
    def test_equal(self):
        self.assertEqual(1, 1)

@pytest.mark.skip(reason="later")
def test_later():
    pass

def test_nested():
    def inner(value):
        assert value
    inner(1)

def helper_not_a_test():
    pass
"""


def test_tests_that_assert_nothing_are_taught_in_test_files() -> None:
    assert codes_in({"tests/test_users.py": EMPTY_TESTS}, "RC601") == [3, 6, 10]


def test_tests_that_check_something_are_not_a_lesson() -> None:
    assert codes_in({"tests/test_users.py": CHECKING_TESTS}, "RC601") == []


def test_a_function_defined_inside_a_test_is_not_a_test() -> None:
    source = (
        "class ActionTests:\n"
        "    def test_defaults(self):\n"
        "        @action(detail=True)\n"
        "        def test_action(request):\n"
        "            pass\n"
        "        assert test_action.detail is True\n"
        "    def test_unchecked(self):\n"
        "        action(detail=True)\n"
        "    def test_skipping(self):\n"
        "        class SkipCase:\n"
        "            def test_foo(self):\n"
        "                pass\n"
        "        self.assertRaises(ValueError, SkipCase().test_foo)\n"
    )
    assert codes_in({"tests/test_decorators.py": source}, "RC601") == [7]


def test_test_named_functions_outside_test_files_are_not_tests() -> None:
    assert codes_in({"app/db.py": "def test_connection(conn):\n    conn.ping()\n"}, "RC601") == []


def test_tests_that_call_test_code_or_checked_commands_are_not_a_lesson() -> None:
    files = {
        "tests/__init__.py": "",
        "tests/utils.py": "def http(*args):\n    return run(args)\n",
        "tests/test_cli.py": (
            "from .utils import http\nfrom app import create_user\n\n"
            "def test_auth():\n    http('--auth', 'ada')\n\n"
            "def test_create():\n    create_user('ada')\n"
        ),
        "app.py": "def create_user(name):\n    return name\n",
        "docs_src/tutorial.py": "def test_items():\n    assert items() == []\n",
        "tests/test_docs.py": (
            "from docs_src.tutorial import test_items\n\ndef test_items_run():\n    test_items()\n"
        ),
    }
    files["tests/test_views.py"] = (
        "from django.test import Client\nfrom app import app\n\n"
        "def test_home():\n    Client().get('/')\n\n"
        "def test_index():\n    app.test_client().get('/')\n"
    )
    files["tests/models.py"] = "class Car:\n    pass\n"
    files["tests/test_models.py"] = (
        "from .models import Car\n\ndef test_save():\n    Car().save()\n"  # a class of the test code: making and saving one checks nothing
    )
    files["tests/test_scripts.py"] = (
        "import subprocess\n\n"
        "def test_generate():\n    subprocess.run(['python', 'gen.py'], check=True)\n\n"
        "def test_tutorial(modules):\n    modules.test.test_create_hero()\n\n"
        "def test_unchecked():\n    subprocess.run(['python', 'gen.py'], check=False)\n"
    )
    found = Workspace(files).findings("RC601")
    # a helper of the project's test code, or a test of another module, may check;
    # the application's own function, a library's test client, do not
    assert sorted((f.path, f.span.line + 1) for f in found) == [
        ("tests/test_cli.py", 7),
        ("tests/test_models.py", 3),
        ("tests/test_scripts.py", 9),
        ("tests/test_views.py", 4),
        ("tests/test_views.py", 7),
    ]


# -- RC901 ---------------------------------------------------------------------------------

APP = """\
import os
import yaml
import jwt
from bs4 import BeautifulSoup
from PIL import Image
import dotenv
import flask
from werkzeug.security import generate_password_hash
from app import models
from . import views
from .helpers import slugify
import helpers
import requests
"""


def test_undeclared_imports_are_taught_with_their_package_names() -> None:
    workspace = Workspace(
        {
            "app/main.py": APP,
            "app/helpers.py": "",
            "helpers.py": "",
            "requirements.txt": "Flask==3.1\npython-dotenv\n",
            "requirements-dev.txt": "pytest\n",
        }
    )
    found = workspace.findings("RC901")
    messages = [f.message for f in found]
    assert [f.span.line + 1 for f in found] == [2, 3, 4, 5, 13]
    assert "PyYAML" in messages[0] and "PyJWT" in messages[1]
    assert "beautifulsoup4" in messages[2] and "Pillow" in messages[3]
    assert all(f.fix is not None and f.fix.edits[0].path == "requirements.txt" for f in found)


def test_declared_imports_in_pyproject_groups_and_poetry_are_not_a_lesson() -> None:
    pyproject = (
        '[project]\nname = "shop"\ndependencies = ["PyYAML>=6", "flask"]\n'
        '[project.optional-dependencies]\ndocs = ["beautifulsoup4"]\n'
        '[dependency-groups]\ntest = ["pytest", "PyJWT"]\n'
        '[tool.poetry.dependencies]\npillow = "^10"\n'
    )
    files = {
        "pyproject.toml": pyproject,
        "app.py": "import yaml, bs4, jwt, flask, werkzeug\nfrom PIL import Image\n",
    }
    assert codes_in(files, "RC901") == []


def test_requirements_in_another_encoding_still_declare() -> None:
    workspace = Workspace(
        {"app.py": "import yaml\n", "requirements.txt": "PyYAML\n".encode("utf-16")}
    )
    assert workspace.facts()["requirements.txt"].requirements == ["pyyaml"]
    assert workspace.findings("RC901") == []


def test_a_test_file_import_goes_to_the_dev_requirements() -> None:
    workspace = Workspace(
        {
            "requirements.txt": "flask\n",
            "requirements-dev.txt": "pytest\n",
            "tests/test_a.py": "import pytest\nimport responses\n",
        }
    )
    (finding,) = workspace.findings("RC901")
    assert finding.fix is not None and finding.fix.edits[0].path == "requirements-dev.txt"


def test_application_code_imports_go_to_the_main_requirements_file() -> None:
    workspace = Workspace(
        {
            "requirements.txt": "-r requirements-tests.txt\nfastapi\n",
            "requirements-docs-insiders.txt": "mkdocs-material\n",
            "requirements-docs.txt": "mkdocs\n",
            "requirements-tests.txt": "pytest\n",
            "docs_src/sql_app/database.py": "import peewee\n",
        }
    )
    (finding,) = workspace.findings("RC901")
    assert "requirements.txt does not declare it" in finding.message
    assert finding.fix is not None and finding.fix.edits[0].path == "requirements.txt"


def test_an_examples_requirements_file_is_not_the_projects() -> None:
    pyproject = (
        '[project]\nname = "m"\ndependencies = ["fastapi"]\n'
        '[tool.hatch.envs.default]\ndependencies = ["pytest"]\n'
    )
    workspace = Workspace(
        {
            "examples/shop/requirements.txt": "fastapi\nmotor\n",
            "pyproject.toml": pyproject,
            "tests/test_a.py": "import pytest\nimport httpx\n",
            "m/db.py": "import redis\n",
            "examples/shop/app.py": "import jinja2\n",
        }
    )
    found = {f.path: f for f in workspace.findings("RC901")}
    assert sorted(found) == ["examples/shop/app.py", "m/db.py", "tests/test_a.py"]
    assert "`httpx`" in found["tests/test_a.py"].message  # pytest: Hatch's environment has it
    for path in ("m/db.py", "tests/test_a.py"):
        assert "pyproject.toml does not declare it" in found[path].message
    assert "examples/shop/requirements.txt does not" in found["examples/shop/app.py"].message


def test_newer_pythons_standard_modules_and_what_pydantic_brings_are_not_a_lesson() -> None:
    files = {
        "pyproject.toml": '[project]\nname = "m"\ndependencies = ["pydantic>=2"]\n',
        "m.py": "import annotationlib\nfrom compression import zstd\nimport annotated_types\n",
    }
    assert codes_in(files, "RC901") == []
    files["m.py"] += "import attrs\n"  # the look-alike: declared nowhere, brought by nothing
    assert codes_in(files, "RC901") == [4]


def test_projects_declared_in_setup_py_are_left_alone() -> None:
    assert (
        codes_in(
            {"setup.py": "from setuptools import setup\nsetup()\n", "app.py": "import yaml\n"},
            "RC901",
        )
        == []
    )


# -- RC1001 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tracked",
    [
        [".env"],
        ["backend/.env"],
        ["db.sqlite3"],
        ["instance/app.db"],
        [".venv/pyvenv.cfg", ".venv/lib/x.py"],
    ],
)
def test_secrets_virtualenvs_and_databases_tracked_by_git_are_taught(tracked: list[str]) -> None:
    files = {path: "" for path in tracked}
    found = Workspace(files, tracked=tracked).findings("RC1001")
    assert [f.path for f in found] == [tracked[0]]
    assert found[0].severity == "information" and found[0].step == "git"


@pytest.mark.parametrize(
    "tracked",
    [[".env.example"], [".env.sample"], ["app/env.py"], ["docs/database.md"], ["environment.yml"]],
)
def test_examples_and_look_alike_names_are_not_a_lesson(tracked: list[str]) -> None:
    files = {path: "" for path in tracked}
    assert Workspace(files, tracked=tracked).findings("RC1001") == []


def test_untracked_env_files_are_not_a_lesson() -> None:
    assert Workspace({".env": "", "app.py": ""}, tracked=["app.py"]).findings("RC1001") == []


def test_no_requirements_hint_before_the_workspace_is_read() -> None:
    # In the editor, a buffer opened before the first scan ends is analysed with only the
    # open buffers known: "no requirements.txt lists flask" could be untrue then.
    facts = Workspace({"app.py": "import flask\n"}).facts()
    context = build_context(facts.values(), GitFacts())
    lesson = next(each for each in all_lessons() if each.code == "RC901")
    assert [f.code for f in lesson.check(facts["app.py"], context)] == ["RC901"]
    context.complete = False
    assert list(lesson.check(facts["app.py"], context)) == []
