"""Step 11, design patterns: factories, repositories, services, singletons,
dependency injection and abstract interfaces, told apart from their look-alikes."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, milestones, write

COSMIC = fixture("patterns", "cosmic-allocation")
USERS = fixture("patterns", "fastapi-users")
FLASKR = fixture("testing", "flaskr-pytest")
MICROBLOG = fixture("tutorials", "microblog")


# -- pattern.app-factory ---------------------------------------------------------------


def test_create_app_that_builds_and_returns_flask_is_a_factory() -> None:
    assert milestones(FLASKR)["pattern.app-factory"] == ["flaskr/__init__.py:6"]


def test_fastapi_application_factory_counts() -> None:
    assert milestones(USERS)["pattern.app-factory"] == ["app/main.py:9"]


def test_create_app_returning_none_is_not_a_factory(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
            "def create_app():\n    app.config['DEBUG'] = False\n\n\n"
            "def get_app():\n    return app\n",
            "run.py": "from flask import Flask\n\n\n"
            "def create_app():\n    app = Flask(__name__)\n    app.run(port=8000)\n",
        },
    )
    assert "pattern.app-factory" not in milestones(tmp_path)


def test_test_fixture_building_an_app_is_not_the_projects_factory(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/conftest.py": "import pytest\nfrom flask import Flask\n\n\n"
            "@pytest.fixture\ndef app():\n    app = Flask(__name__)\n    return app\n"
        },
    )
    assert "pattern.app-factory" not in milestones(tmp_path)


# -- pattern.repository ----------------------------------------------------------------


def test_repository_class_with_data_methods_is_a_repository() -> None:
    assert milestones(COSMIC)["pattern.repository"] == [
        "allocation/adapters/repository.py:6",
        "allocation/adapters/repository.py:16",
    ]
    assert milestones(USERS)["pattern.repository"] == ["app/repositories/user_repository.py:4"]


def test_git_repository_without_data_methods_is_not_a_repository(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tools/git_repo.py": "import subprocess\n\n\nclass GitRepository:\n"
            "    def __init__(self, path):\n        self.path = path\n\n"
            "    def clone(self, url):\n        subprocess.run(['git', 'clone', url, self.path])\n\n"
            "    def commit(self, message):\n        subprocess.run(['git', 'commit', '-m', message])\n\n"
            "    def push(self):\n        subprocess.run(['git', 'push'])\n",
            "models.py": "class Repo:\n    name: str\n    stars: int\n",
        },
    )
    assert "pattern.repository" not in milestones(tmp_path)


# -- pattern.service-layer -------------------------------------------------------------


def test_service_module_between_routes_and_data_is_a_service_layer() -> None:
    assert milestones(COSMIC)["pattern.service-layer"] == ["allocation/service_layer/services.py:9"]


def test_service_class_is_a_service_layer() -> None:
    assert milestones(USERS)["pattern.service-layer"] == ["app/services/user_service.py:8"]


def test_service_look_alikes_are_not_a_service_layer(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "errors.py": "class ServiceUnavailable(Exception):\n    pass\n",
            "mail.py": "class MailService:\n    def __init__(self, host):\n        self.host = host\n",
            "services.py": "def _slugify(text):\n    return text.lower()\n",
            "tests/fakes.py": "class FakeEmailService:\n    def send(self, to):\n        self.sent = to\n",
        },
    )
    assert "pattern.service-layer" not in milestones(tmp_path)


# -- pattern.singleton -----------------------------------------------------------------


def test_new_that_caches_the_instance_is_a_singleton() -> None:
    assert milestones(USERS)["pattern.singleton"] == ["app/core/database.py:8"]


def test_metaclass_singleton_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "config.py": "class SingletonMeta(type):\n    _instances = {}\n\n"
            "    def __call__(cls, *args, **kwargs):\n        if cls not in cls._instances:\n"
            "            cls._instances[cls] = super().__call__(*args, **kwargs)\n"
            "        return cls._instances[cls]\n\n\n"
            "class Config(metaclass=SingletonMeta):\n    debug = False\n"
        },
    )
    assert milestones(tmp_path)["pattern.singleton"] == ["config.py:4"]


def test_module_level_instance_shared_by_imports_is_a_singleton() -> None:
    # allocation/config.py: `settings = Settings()`, imported by the Flask entrypoint
    assert milestones(COSMIC)["pattern.singleton"] == ["allocation/config.py:10"]


def test_instance_imported_under_its_src_less_name_is_a_singleton(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/app/__init__.py": "",
            "src/app/config.py": "class Settings:\n    debug = False\n\n\nsettings = Settings()\n",
            "src/app/main.py": "from app.config import settings\n\nprint(settings.debug)\n",
        },
    )
    assert milestones(tmp_path)["pattern.singleton"] == ["src/app/config.py:5"]


def test_plain_new_is_not_a_singleton(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "money.py": "class Money(int):\n    def __new__(cls, cents):\n"
            "        if cents < 0:\n            raise ValueError('negative')\n"
            "        return super().__new__(cls, cents)\n\n\n"
            "class Point:\n    def __new__(cls, *args):\n"
            "        instance = super().__new__(cls)\n        instance.created = True\n"
            "        return instance\n",
        },
    )
    assert "pattern.singleton" not in milestones(tmp_path)


def test_module_level_objects_that_are_not_shared_singletons(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            # a beginner's script: an instance nobody imports
            "calc.py": "class Calculator:\n    def add(self, a, b):\n        return a + b\n\n\n"
            "calc = Calculator()\nprint(calc.add(1, 2))\n",
            # a library object shared by imports is the library's pattern, not the learner's
            "extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
            "models.py": "from extensions import db\n\n\nclass User(db.Model):\n    pass\n",
        },
    )
    assert "pattern.singleton" not in milestones(tmp_path)


# -- pattern.dependency-injection ------------------------------------------------------


def test_fastapi_depends_is_dependency_injection() -> None:
    found = milestones(USERS)["pattern.dependency-injection"]
    assert "app/main.py:17" in found and "app/main.py:22" in found


def test_constructor_injection_is_dependency_injection() -> None:
    assert "app/services/user_service.py:9" in milestones(USERS)["pattern.dependency-injection"]


def test_repository_passed_to_a_service_function_is_dependency_injection() -> None:
    found = milestones(COSMIC)["pattern.dependency-injection"]
    assert "allocation/service_layer/services.py:9" in found
    assert "allocation/adapters/repository.py:17" in found  # __init__(self, session)


def test_test_helper_taking_the_client_is_not_the_apps_injection(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "tests/conftest.py": "class AuthActions:\n    def __init__(self, client):\n"
            "        self._client = client\n\n    def login(self):\n"
            "        return self._client.post('/auth/login')\n"
        },
    )
    assert "pattern.dependency-injection" not in milestones(tmp_path)


def test_constructor_that_creates_its_own_dependency_is_not_injection(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "services.py": "from repositories import UserRepository\n\n\nclass UserService:\n"
            "    def __init__(self):\n        self.users = UserRepository()\n\n"
            "    def names(self):\n        return [u.name for u in self.users.all()]\n",
            "models.py": "class User:\n    def __init__(self, name: str, email: str) -> None:\n"
            "        self.name = name\n        self.email = email\n",
            "main.py": "from fastapi import Depends, FastAPI\n\napp = FastAPI()\n",
        },
    )
    assert "pattern.dependency-injection" not in milestones(tmp_path)


# -- pattern.abstract-interface --------------------------------------------------------


def test_abc_implemented_by_a_subclass_is_an_abstract_interface() -> None:
    assert milestones(COSMIC)["pattern.abstract-interface"] == [
        "allocation/adapters/repository.py:16"
    ]


def test_abc_in_another_module_of_a_src_layout_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/shop/__init__.py": "",
            "src/shop/ports.py": "from abc import ABC, abstractmethod\n\n\nclass Notifier(ABC):\n"
            "    @abstractmethod\n    def send(self, message: str) -> None: ...\n",
            "src/shop/email.py": "from shop.ports import Notifier\n\n\nclass EmailNotifier(Notifier):\n"
            "    def send(self, message: str) -> None:\n        print(message)\n",
        },
    )
    assert milestones(tmp_path)["pattern.abstract-interface"] == ["src/shop/email.py:4"]


def test_abc_never_implemented_is_not_an_abstract_interface(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "ports.py": "import abc\n\n\nclass Notifier(abc.ABC):\n"
            "    @abc.abstractmethod\n    def send(self, message): ...\n",
            "base.py": "from abc import ABC\n\n\nclass Base(ABC):\n    pass\n\n\n"
            "class Child(Base):\n    pass\n",
        },
    )
    assert "pattern.abstract-interface" not in milestones(tmp_path)


# -- a tutorial project, chapter by chapter ---------------------------------------------


def test_mega_tutorial_factory_with_a_config_class_is_a_factory() -> None:
    found = milestones(MICROBLOG)
    assert found["pattern.app-factory"] == ["app/__init__.py:18"]
    # `app = create_app()` and `db = SQLAlchemy()` shared by imports are not singletons
    assert "pattern.singleton" not in found
