"""Step 9, dependencies: virtualenvs, requirements in any encoding pip reads,
pyproject.toml, pinned versions and a separate set of development tools."""

from __future__ import annotations

import codecs
from pathlib import Path

from learner_projects import Repo, fixture, git_environment, line_of, milestones, write

POETRY = fixture("dependencies", "poetry-app")
PIP_TOOLS = fixture("dependencies", "pip-tools-split")
FLASKR = fixture("testing", "flaskr-pytest")

FREEZE = "blinker==1.8.2\nclick==8.1.7\nFlask==3.0.3\nitsdangerous==2.2.0\n"


# -- deps.venv -------------------------------------------------------------------------


def test_gitignored_venv_folder_is_a_virtual_environment(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "shop", git_environment(tmp_path / "home"))
    repo.git("init", "-q", "-b", "main")
    repo.commit({".gitignore": ".venv/\n__pycache__/\n", "app.py": "print('hi')\n"}, "Start")
    write(
        repo.root,
        {
            ".venv/pyvenv.cfg": "home = /usr/bin\ninclude-system-site-packages = false\n",
            ".venv/lib/python3.12/site-packages/flask/__init__.py": "def route(): ...\n",
        },
    )
    found = milestones(repo.root)
    assert found["deps.venv"] == [".venv/pyvenv.cfg:1"]
    # the packages inside the venv are not the learner's code
    assert all(not e.startswith(".venv/lib") for ev in found.values() for e in ev)


def test_venv_outside_git_is_a_virtual_environment(tmp_path: Path) -> None:
    write(tmp_path, {"env/pyvenv.cfg": "home = /usr/bin\n", "app.py": "x = 1\n"})
    assert milestones(tmp_path)["deps.venv"] == ["env/pyvenv.cfg:1"]


def test_poetry_in_project_env_setting_is_a_virtual_environment() -> None:
    assert "poetry.toml:1" in milestones(POETRY)["deps.venv"]


def test_folder_named_venv_or_a_version_file_is_not_a_virtual_environment(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "venv/README.txt": "put your virtualenv here\n",
            ".gitignore": "venv/\n",
            ".python-version": "3.12.4\n",
            "requirements.txt": "virtualenv\n",
        },
    )
    assert "deps.venv" not in milestones(tmp_path)


# -- deps.requirements -----------------------------------------------------------------


def test_requirements_txt_is_a_milestone() -> None:
    assert "requirements.txt:1" in milestones(FLASKR)["deps.requirements"]


def test_powershell_utf16_requirements_still_count(tmp_path: Path) -> None:
    # Windows PowerShell 5.1: `pip freeze > requirements.txt` writes UTF-16 LE with a BOM
    data = codecs.BOM_UTF16_LE + FREEZE.replace("\n", "\r\n").encode("utf-16-le")
    write(tmp_path, {"requirements.txt": data})
    found = milestones(tmp_path)
    assert found["deps.requirements"] == ["requirements.txt:1"]
    assert found["deps.pinned"] == ["requirements.txt:1"]


def test_requirements_folder_counts() -> None:
    # each file's first requirement, below pip-compile's header and `-r base.txt`
    assert milestones(PIP_TOOLS)["deps.requirements"] == [
        line_of(PIP_TOOLS, "requirements/base.txt", "asgiref==3.8.1"),
        line_of(PIP_TOOLS, "requirements/dev.txt", "pytest-django==4.8.0"),
    ]


def test_empty_or_comment_only_requirements_do_not_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "# add packages here\n\n",
            "docs/requirements.md": "flask\n",
            "notes.txt": "flask==3.0\n",
        },
    )
    assert "deps.requirements" not in milestones(tmp_path)


# -- deps.pyproject --------------------------------------------------------------------


def test_poetry_dependencies_are_a_pyproject() -> None:
    assert milestones(POETRY)["deps.pyproject"] == [
        line_of(POETRY, "pyproject.toml", 'fastapi = "^0.111.0"')
    ]


def test_pep621_dependencies_are_a_pyproject(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'shop'\nversion = '0.1'\ndependencies = ['flask>=3']\n"
        },
    )
    assert milestones(tmp_path)["deps.pyproject"] == ["pyproject.toml:4"]  # dependencies = […]


def test_tool_settings_only_pyproject_is_not_a_dependency_declaration(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'shop'\nversion = '0.1'\ndependencies = []\n\n"
            "[tool.poetry.dependencies]\npython = '^3.11'\n\n[tool.ruff]\nline-length = 100\n"
        },
    )
    assert "deps.pyproject" not in milestones(tmp_path)


# -- deps.pinned -----------------------------------------------------------------------


def test_lock_file_pins_versions() -> None:
    assert milestones(POETRY)["deps.pinned"] == ["poetry.lock:1"]


def test_compiled_requirements_pin_versions() -> None:
    pinned = line_of(PIP_TOOLS, "requirements/base.txt", "asgiref==3.8.1")
    assert pinned in milestones(PIP_TOOLS)["deps.pinned"]


def test_ranges_and_markers_are_not_pins(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "flask>=3.0\nrequests~=2.32\n"
            "tomli; python_version == '3.10'\nuvicorn!=0.29.0\n",
            "pyproject.toml": "[project]\nname = 'x'\nversion = '1'\ndependencies = ['httpx>=0.27']\n",
        },
    )
    assert "deps.pinned" not in milestones(tmp_path)


# -- deps.dev-split --------------------------------------------------------------------


def test_poetry_dev_group_is_a_dev_split() -> None:
    assert milestones(POETRY)["deps.dev-split"] == [
        line_of(POETRY, "pyproject.toml", "[tool.poetry.group.dev.dependencies]")
    ]


def test_dev_requirements_file_is_a_dev_split() -> None:
    assert milestones(PIP_TOOLS)["deps.dev-split"] == [
        line_of(PIP_TOOLS, "requirements/dev.txt", "pytest-django")
    ]
    # line 1 is `-r requirements.txt`; the first requirement of its own is `pytest`
    assert milestones(FLASKR)["deps.dev-split"] == ["requirements-dev.txt:2"]


def test_dependency_groups_and_pipfile_dev_packages_are_a_dev_split(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'x'\nversion = '1'\ndependencies = ['flask']\n\n"
            "[dependency-groups]\ndev = ['pytest>=8']\n",
            "legacy/Pipfile": "[packages]\nflask = '*'\n\n[dev-packages]\npytest = '*'\n",
        },
    )
    # `[dev-packages]` holds pytest on line 5; `dev = ['pytest>=8']` is line 7
    assert milestones(tmp_path)["deps.dev-split"] == ["legacy/Pipfile:5", "pyproject.toml:7"]


def test_test_tools_mixed_into_runtime_requirements_are_not_a_dev_split(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "flask==3.0.3\npytest==8.2.0\nblack==24.4.2\n",
            "requirements-dev.txt": "-r requirements.txt\n",
            "pyproject.toml": "[project]\nname = 'x'\nversion = '1'\ndependencies = ['flask']\n\n"
            "[project.optional-dependencies]\npostgres = ['psycopg']\n",
        },
    )
    assert "deps.dev-split" not in milestones(tmp_path)
