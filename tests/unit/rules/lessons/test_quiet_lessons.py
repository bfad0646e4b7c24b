"""Lessons that stay quiet when they should, and still speak where they must, on two
small learner projects (`tests/fixtures/lessons/`): a Django site with sign-up, a
password reset and Django-style `tests.py`, and a Flask token API with passlib."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lesson_corpus import scan
from lesson_workspace import Workspace

from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "lessons"
CODES = ("RC501", "RC504", "RC601", "RC901")


def where(root: Path, path: str, snippet: str) -> str:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    hits = [n for n, text in enumerate(lines, 1) if snippet in text]
    assert len(hits) == 1, f"{snippet!r} in {path}: {hits}"
    return f"{path}:{hits[0]}"


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, set[str]]]:
    """Each project copied out of this repository (its own listing) and scanned once:
    name -> (root, {"RC501 path:line", …})."""
    found = {}
    for name in ("django-accounts", "flask-auth-api"):
        root = tmp_path_factory.mktemp("lessons") / name
        shutil.copytree(FIXTURES / name, root)
        found[name] = (
            root,
            {f"{f.code} {f.path}:{f.span.line + 1}" for f in scan(root) if f.code in CODES},
        )
    return found


def test_django_site_gets_exactly_the_lessons_it_deserves(projects) -> None:
    root, found = projects["django-accounts"]
    assert found == {
        # a real hard-coded password, and the check against it
        "RC501 " + where(root, "accounts/views.py", 'KIOSK_PASSWORD = "frontdesk-2024"'),
        "RC504 " + where(root, "accounts/views.py", "if pin == KIOSK_PASSWORD:"),
        # the one test that checks nothing
        "RC601 " + where(root, "accounts/tests.py", "def test_signup_page(self):"),
    }


def test_a_session_key_name_is_not_a_secret(projects) -> None:
    root, found = projects["django-accounts"]
    for snippet in ("INTERNAL_RESET_SESSION_TOKEN = ", "RESET_URL_TOKEN = "):
        assert "RC501 " + where(root, "accounts/views.py", snippet) not in found


def test_two_submitted_passwords_compared_with_each_other_are_not_a_plain_text_check(
    projects,
) -> None:
    root, found = projects["django-accounts"]
    assert "RC504 " + where(root, "accounts/forms.py", "password1 != password2") not in found
    assert (
        "RC504 " + where(root, "accounts/views.py", "if password != password_verification:")
        not in found
    )


def test_unittest_methods_that_assert_through_helpers_are_tests_that_check(projects) -> None:
    root, found = projects["django-accounts"]
    for test in ("def test_profile_page_opens_when_signed_in", "def test_profile_shows_the_name"):
        assert "RC601 " + where(root, "accounts/tests.py", test) not in found


def test_djangos_tests_py_is_test_code_for_lessons_and_checkpoints_alike(projects) -> None:
    root, found = projects["django-accounts"]
    # the test password would be RC501 anywhere else: security lessons see test code
    password = where(root, "accounts/tests.py", 'ADMIN_PASSWORD = "correct-horse-battery"')
    assert "RC501 " + password not in found
    # and the checkpoints' `in_test = true` see the same file as test code
    roadmap, _ = load_roadmap()
    milestones = Engine(roadmap).evaluate(collect_workspace(str(root))).milestones
    api_client = next(m for m in milestones if m.id == "test.api-client")
    assert {e.path for e in api_client.evidence} == {"accounts/tests.py"}


def test_flask_api_gets_exactly_the_lessons_it_deserves(projects) -> None:
    root, found = projects["flask-auth-api"]
    assert found == {
        # requests is imported and declared nowhere
        "RC901 " + where(root, "app/security.py", "import requests"),
        "RC601 " + where(root, "tests/test_auth.py", "def test_login_with_a_wrong_password"),
    }


def test_an_extra_provides_its_package(projects) -> None:
    root, found = projects["flask-auth-api"]
    # passlib[bcrypt] brings bcrypt; PyJWT gives `jwt`, python-dotenv gives `dotenv`
    for snippet in ("import bcrypt", "import jwt"):
        assert "RC901 " + where(root, "app/security.py", snippet) not in found
    assert "RC901 " + where(root, "app/__init__.py", "from dotenv import") not in found


def test_a_pytest_fixture_named_test_something_is_not_a_test(projects) -> None:
    root, found = projects["flask-auth-api"]
    assert "RC601 " + where(root, "tests/conftest.py", "def test_user():") not in found


def test_extras_are_read_from_every_kind_of_dependency_file() -> None:
    pyproject = analyze_bytes(
        "pyproject.toml",
        b'[project]\nname = "shop"\ndependencies = ["passlib[bcrypt, argon2]>=1.7"]\n'
        b'[tool.poetry.dependencies]\nuvicorn = { version = "^0.30", extras = ["standard"] }\n',
    )
    assert pyproject.extras == ["passlib[bcrypt]", "passlib[argon2]", "uvicorn[standard]"]
    pipfile = analyze_bytes(
        "Pipfile", b'[packages]\n"python-jose" = { version = "*", extras = ["cryptography"] }\n'
    )
    assert pipfile.extras == ["python-jose[cryptography]"]


@pytest.mark.parametrize(
    ("declared", "imported"),
    [
        ("Flask-Bcrypt==1.0.1", "import bcrypt"),  # brought along by the extension
        ("uvicorn[standard]==0.30.1", "import uvloop"),  # an extra
        ("social-auth-app-django==5.4.1", "from social_django.models import UserSocialAuth"),
        ("django-rest-knox==4.2.0", "from knox.auth import TokenAuthentication"),
        ("pyTelegramBotAPI==4.19.0", "import telebot"),
        ("google-api-python-client==2.130.0", "from googleapiclient.discovery import build"),
        ("tortoise-orm==0.21.3", "from tortoise import fields"),
        ("mkdocs-material==9.5.18", "from material.plugins.social import plugin"),
        ("fastapi-users[beanie]==15.0.5", "from motor.motor_asyncio import AsyncIOMotorClient"),
        ("mkdocs-material==9.5.18", "from mkdocs.config import Config"),  # brought along
    ],
)
def test_well_known_name_differences_are_declared(declared: str, imported: str) -> None:
    workspace = Workspace({"requirements.txt": declared + "\n", "app.py": imported + "\n"})
    assert workspace.findings("RC901") == []


def test_a_build_hook_imports_its_build_backend_not_a_dependency() -> None:
    # pip installs `[build-system] requires` before it runs the hook; app code is still read
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["pdm-backend"]\n[project]\nname = "m"\n',
        "pdm_build.py": "from pdm.backend.hooks import Context\n",
        "hatch_build.py": "from hatchling.builders.hooks.plugin.interface import BuildHookInterface\n",
        "app.py": "import hatchling\n",
    }
    assert [f.path for f in Workspace(files).findings("RC901")] == ["app.py"]


def test_an_extra_that_is_not_asked_for_does_not_provide_its_package() -> None:
    workspace = Workspace({"requirements.txt": "passlib==1.7.4\n", "app.py": "import bcrypt\n"})
    assert [f.path for f in workspace.findings("RC901")] == ["app.py"]
