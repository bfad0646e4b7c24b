"""Step 8, practices: linters, formatters, pre-commit, type hints, layers and logging."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, line_of, milestones, write

LAYERED = fixture("practices", "layered-flask")
CLASSIC = fixture("practices", "flake8-black")
MICROBLOG = fixture("tutorials", "microblog")


# -- style.linter ----------------------------------------------------------------------


def test_ruff_lint_settings_are_a_linter() -> None:
    found = milestones(LAYERED)["style.linter"]
    assert line_of(LAYERED, "pyproject.toml", "line-length = 100") in found  # under [tool.ruff]
    assert ".pre-commit-config.yaml:5" in found  # `- id: ruff`


def test_flake8_section_in_setup_cfg_is_a_linter() -> None:
    assert milestones(CLASSIC)["style.linter"] == ["setup.cfg:4"]


def test_pylintrc_counts(tmp_path: Path) -> None:
    write(tmp_path, {".pylintrc": "[MESSAGES CONTROL]\ndisable=C0114\n"})
    assert milestones(tmp_path)["style.linter"] == [".pylintrc:1"]


def test_formatter_only_settings_are_not_a_linter(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[tool.black]\nline-length = 88\n\n[tool.ruff.format]\nquote-style = 'single'\n",
            "setup.cfg": "[metadata]\nname = blog\n",
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
            "    rev: v4.6.0\n    hooks:\n      - id: trailing-whitespace\n",
        },
    )
    assert "style.linter" not in milestones(tmp_path)


# -- style.formatter -------------------------------------------------------------------


def test_black_settings_are_a_formatter() -> None:
    assert milestones(CLASSIC)["style.formatter"] == ["pyproject.toml:1"]


def test_ruff_format_hook_is_a_formatter() -> None:
    assert ".pre-commit-config.yaml:7" in milestones(LAYERED)["style.formatter"]


def test_linter_settings_are_not_a_formatter(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[tool.ruff.lint]\nselect = ['E', 'F']\n",
            ".flake8": "[flake8]\nmax-line-length = 100\n",
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/PyCQA/flake8\n"
            "    rev: 7.1.0\n    hooks:\n      - id: flake8\n",
        },
    )
    assert "style.formatter" not in milestones(tmp_path)


# -- style.pre-commit ------------------------------------------------------------------


def test_pre_commit_config_is_a_milestone() -> None:
    assert milestones(LAYERED)["style.pre-commit"] == [".pre-commit-config.yaml:1"]


def test_empty_pre_commit_config_and_hook_definitions_are_not_pre_commit(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".pre-commit-config.yaml": "",
            ".pre-commit-hooks.yaml": "- id: check-todo\n  name: check todo\n  entry: check-todo\n",
        },
    )
    assert "style.pre-commit" not in milestones(tmp_path)


# -- style.type-hints ------------------------------------------------------------------


def test_several_annotated_functions_are_type_hints() -> None:
    assert milestones(LAYERED)["style.type-hints"] == [
        "shop/routes.py:13",
        "shop/services.py:9",
        "shop/services.py:15",
    ]


def test_two_annotated_functions_or_annotated_fields_are_not_yet_type_hints(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "models.py": "from dataclasses import dataclass\n\n\n@dataclass\nclass User:\n"
            "    name: str\n    age: int\n",
            "calc.py": "def add(a: int, b: int) -> int:\n    return a + b\n\n\n"
            "def sub(a: int, b: int) -> int:\n    return a - b\n\n\n"
            "def mul(a: int, b):\n    return a * b\n\n\n"
            "def div(a, b) -> float:\n    return a / b\n",
        },
    )
    assert "style.type-hints" not in milestones(tmp_path)


# -- style.layers ----------------------------------------------------------------------


def test_models_routes_and_services_are_layers() -> None:
    # each layer is shown where its first definition is
    assert milestones(LAYERED)["style.layers"] == [
        "shop/models.py:6",
        "shop/routes.py:13",
        "shop/services.py:9",
    ]


def test_fastapi_project_layout_is_layers(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/models/user.py": "class User:\n    pass\n",
            "app/api/routes/users.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
            "@router.get('/users/{user_id}')\ndef read_user(user_id: int):\n    return {}\n",
            "app/crud/user.py": "def get_user(db, user_id):\n    return db.get(user_id)\n",
        },
    )
    assert milestones(tmp_path)["style.layers"] == [
        "app/api/routes/users.py:7",
        "app/crud/user.py:1",
        "app/models/user.py:1",
    ]


def test_django_startapp_files_are_not_yet_layers(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "polls/models.py": "from django.db import models\n\n# Create your models here.\n",
            "polls/views.py": "from django.shortcuts import render\n\n# Create your views here.\n",
            "polls/admin.py": "from django.contrib import admin\n",
            "polls/tests.py": "from django.test import TestCase\n",
            "polls/services.py": "# TODO: move logic here\n",
        },
    )
    assert "style.layers" not in milestones(tmp_path)


# -- style.logging ---------------------------------------------------------------------


def test_configured_and_used_logging_is_a_milestone() -> None:
    assert milestones(LAYERED)["style.logging"] == ["shop/routes.py:7", "shop/services.py:11"]


def test_django_logging_setting_with_loggers_in_use_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "mysite/settings.py": "LOGGING = {\n    'version': 1,\n"
            "    'handlers': {'console': {'class': 'logging.StreamHandler'}},\n"
            "    'root': {'handlers': ['console'], 'level': 'INFO'},\n}\n",
            "polls/views.py": "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
            "def index(request):\n    logger.info('index viewed')\n",
        },
    )
    assert milestones(tmp_path)["style.logging"] == ["mysite/settings.py:1", "polls/views.py:7"]


def test_print_debugging_or_unused_config_is_not_logging(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": "import logging\n\nlogging.basicConfig(level=logging.DEBUG)\n\n\n"
            "def main():\n    print('starting')\n",
            "worker.py": "import logging\n\nlog = logging.getLogger('worker')\nlog.setLevel(logging.INFO)\n",
        },
    )
    assert "style.logging" not in milestones(tmp_path)


# -- a tutorial project, chapter by chapter ---------------------------------------------


def test_mega_tutorial_logging_counts_but_mapped_columns_are_not_type_hints() -> None:
    found = milestones(MICROBLOG)
    assert found["style.logging"] == ["app/__init__.py:37", "app/__init__.py:46"]
    assert "style.type-hints" not in found  # `so.Mapped[int]` columns, no annotated signatures
    assert "style.layers" not in found  # models and routes, but no service layer yet
