"""style.layers and pattern.service-layer by what modules do, not what they are called:
routes in `entrypoints/flask_app.py`, use cases in `handlers.py` calling the ORM session,
plain domain classes in `domain.py`. One file holding models and routes, or a `utils.py`
of pure helpers, is no layer."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, milestones, write

ROLES = fixture("practices", "roles-not-names")
ONE_FILE = fixture("practices", "one-file-app")
COSMIC = fixture("patterns", "cosmic-allocation")


def test_handlers_module_between_routes_and_the_session_is_a_service_layer() -> None:
    found = milestones(ROLES)
    assert found["pattern.service-layer"] == ["orders/handlers.py:6", "orders/handlers.py:15"]
    assert found["style.layers"] == [
        "orders/domain.py:7",  # class OrderLine
        "orders/entrypoints/flask_app.py:9",  # @app.post("/orders")
        "orders/handlers.py:6",  # def place_order(session, …)
    ]


def test_one_file_of_models_and_routes_with_a_pure_utils_module_is_not_layered() -> None:
    found = milestones(ONE_FILE)
    assert "style.layers" not in found and "pattern.service-layer" not in found
    assert "web.flask-route" in found and "db.sqlalchemy-model" in found


def test_cosmic_layout_prefers_the_service_module_over_the_repositories() -> None:
    found = milestones(COSMIC)
    assert found["style.layers"] == [
        "allocation/domain/model.py:6",
        "allocation/entrypoints/flask_app.py:13",
        "allocation/service_layer/services.py:9",
    ]
    assert found["pattern.service-layer"] == ["allocation/service_layer/services.py:9"]


def test_fastapi_use_cases_calling_a_repository_are_a_service_layer(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "library/api.py": "from fastapi import APIRouter\n\nfrom library import use_cases\n\n"
            'router = APIRouter()\n\n\n@router.get("/books")\ndef books():\n'
            "    return use_cases.list_books(None)\n",
            "library/use_cases.py": "def list_books(repo):\n    return repo.list()\n",
            "library/__init__.py": "",
        },
    )
    assert milestones(tmp_path)["pattern.service-layer"] == ["library/use_cases.py:1"]


def test_a_module_named_services_that_no_route_imports_or_that_touches_no_data_is_not_one(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "app.py": "from flask import Flask\n\nfrom services import greet\n\n"
            'app = Flask(__name__)\n\n\n@app.get("/")\ndef index():\n    return greet("you")\n',
            "services.py": "def greet(name):\n    return f'hello {name}'\n",
            "jobs.py": "def nightly(session):\n    session.commit()\n",
            "tests/test_app.py": "from jobs import nightly\n\n\ndef test_nightly():\n"
            "    assert nightly is not None\n",
        },
    )
    assert "pattern.service-layer" not in milestones(tmp_path)


def test_a_module_of_raw_sql_functions_is_data_access_not_a_service_layer(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/db.py": "def add_book(session, title):\n"
            '    session.execute("INSERT INTO books (title) VALUES (:t)", {"t": title})\n'
            "    session.commit()\n",
            "app/routes.py": "from flask import Blueprint, request\n\nfrom app import db\n\n"
            'bp = Blueprint("books", __name__)\n\n\n@bp.post("/books")\ndef add():\n'
            '    db.add_book(None, request.form["title"])\n    return "", 201\n',
        },
    )
    assert "pattern.service-layer" not in milestones(tmp_path)
