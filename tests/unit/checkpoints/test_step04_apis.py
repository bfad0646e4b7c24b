"""Step 4, REST APIs: JSON in and out of routes, the HTTP verbs, explicit status codes,
GraphQL and DRF; helpers and pages that look similar do not count."""

from __future__ import annotations

FLASK_HEAD = "from flask import Flask, abort, jsonify, request\n\napp = Flask(__name__)\n"

# -- api.json-response -----------------------------------------------------------------


def test_flask_route_returning_jsonify_is_a_json_api(scan) -> None:
    found = scan(
        {
            "app.py": FLASK_HEAD
            + '\n\n@app.get("/api/books")\ndef books():\n    return jsonify([])\n'
        }
    )
    assert found.at("api.json-response") == ["app.py:8"]


def test_flask_route_returning_a_dict_is_a_json_api(scan) -> None:
    found = scan(
        {"app.py": FLASK_HEAD + '\n\n@app.get("/api/ping")\ndef ping():\n    return {"ok": True}\n'}
    )
    assert found.at("api.json-response") == ["app.py:8"]


def test_fastapi_path_operation_returning_a_dict_is_a_json_api(scan) -> None:
    found = scan(
        {
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            '@app.get("/items/{item_id}")\ndef read_item(item_id: int):\n'
            '    return {"item_id": item_id}\n'
        }
    )
    assert found.at("api.json-response") == ["main.py:8"]


def test_django_json_response_is_a_json_api(scan) -> None:
    found = scan(
        {
            "shop/views.py": "from django.http import JsonResponse\n\n\ndef stock(request):\n"
            '    return JsonResponse({"apples": 3})\n'
        }
    )
    assert found.at("api.json-response") == ["shop/views.py:5"]


def test_dict_returning_helper_is_not_a_json_api(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n"
            'def book_to_dict(book):\n    return {"title": book.title}\n\n\n'
            '@app.route("/")\ndef index():\n    return render_template("index.html")\n'
        }
    )
    assert "api.json-response" not in found


def test_fastapi_page_and_text_answers_are_not_json(scan) -> None:
    found = scan(
        {
            "main.py": "from fastapi import FastAPI\nfrom fastapi.responses import HTMLResponse\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/", response_class=HTMLResponse)\ndef home():\n'
            '    return HTMLResponse("<h1>Hi</h1>")\n\n\n'
            '@app.get("/hello/{name}")\ndef hello(name: str):\n    return f"Hello {name}"\n'
        }
    )
    assert "api.json-response" not in found


# -- api.request-json ------------------------------------------------------------------


def test_flask_get_json_is_reading_a_json_body(scan) -> None:
    found = scan(
        {
            "app.py": FLASK_HEAD + '\n\n@app.post("/api/books")\ndef add_book():\n'
            "    data = request.get_json()\n    return jsonify(data), 201\n"
        }
    )
    assert found.at("api.request-json") == ["app.py:8"]


def test_fastapi_pydantic_body_from_a_schemas_module_is_reading_json(scan) -> None:
    # The FastAPI SQL tutorial: `def create_user(user: schemas.UserCreate, db = Depends(get_db))`
    found = scan(
        {
            "sql_app/__init__.py": "",
            "sql_app/schemas.py": "from pydantic import BaseModel\n\n\nclass UserBase(BaseModel):\n"
            "    email: str\n\n\nclass UserCreate(UserBase):\n    password: str\n",
            "sql_app/main.py": "from fastapi import Depends, FastAPI\nfrom sqlalchemy.orm import Session\n\n"
            "from . import schemas\nfrom .database import get_db\n\napp = FastAPI()\n\n\n"
            '@app.post("/users/")\n'
            "def create_user(user: schemas.UserCreate, db: Session = Depends(get_db)):\n"
            '    return {"email": user.email}\n',
        }
    )
    assert found.at("api.request-json") == ["sql_app/main.py:11"]


def test_optional_embedded_and_list_bodies_are_reading_json(scan) -> None:
    found = scan(
        {
            "main.py": "from typing import Annotated\n\nfrom fastapi import Body, FastAPI\n"
            "from pydantic import BaseModel\n\napp = FastAPI()\n\n\n"
            "class Item(BaseModel):\n    name: str\n\n\n"
            '@app.put("/items/{item_id}")\n'
            "def replace(item_id: int, item: Item | None = None):\n    return item\n\n\n"
            '@app.post("/embedded")\n'
            "def embedded(item: Annotated[Item, Body(embed=True)]):\n    return item\n\n\n"
            '@app.post("/old-style")\n'
            "def old_style(item: Item = Body(embed=True)):\n    return item\n\n\n"
            '@app.post("/many")\ndef many(items: list[Item]):\n    return items\n'
        }
    )
    assert found.at("api.request-json") == ["main.py:14", "main.py:19", "main.py:24", "main.py:29"]


def test_query_and_form_models_are_not_a_json_body(scan) -> None:
    found = scan(
        {
            "main.py": "from typing import Annotated\n\nfrom fastapi import FastAPI, Form, Query\n"
            "from pydantic import BaseModel\n\napp = FastAPI()\n\n\n"
            "class Filters(BaseModel):\n    limit: int = 100\n\n\n"
            '@app.get("/items/")\n'
            "def items(filters: Annotated[Filters, Query()]):\n    return []\n\n\n"
            '@app.post("/login/")\n'
            "def login(data: Annotated[Filters, Form()]):\n    return {}\n"
        }
    )
    assert "api.request-json" not in found


def test_drf_serializer_fed_with_request_data_is_reading_json(scan) -> None:
    found = scan(
        {
            "polls/views.py": "from rest_framework.decorators import api_view\n"
            "from rest_framework.response import Response\n\n"
            "from .serializers import QuestionSerializer\n\n\n"
            '@api_view(["POST"])\ndef create(request):\n'
            "    serializer = QuestionSerializer(data=request.data)\n"
            "    serializer.is_valid(raise_exception=True)\n"
            "    return Response(serializer.data, status=201)\n"
        }
    )
    assert found.at("api.request-json") == ["polls/views.py:9"]


def test_serializer_fed_a_dict_in_a_test_is_not_reading_a_request(scan) -> None:
    found = scan(
        {
            "polls/tests/test_serializers.py": "from rest_framework import serializers\n\n"
            "from polls.serializers import QuestionSerializer\n\n\n"
            "def test_valid():\n"
            '    serializer = QuestionSerializer(data={"question_text": "Why?"})\n'
            "    assert serializer.is_valid()\n"
        }
    )
    assert "api.request-json" not in found


def test_form_fields_query_params_and_injected_users_are_not_a_json_body(scan) -> None:
    found = scan(
        {
            "flask_app.py": FLASK_HEAD + '\n\n@app.post("/login")\ndef login():\n'
            '    return request.form["username"]\n',
            "api/models.py": "from sqlmodel import Field, SQLModel\n\n\n"
            "class User(SQLModel, table=True):\n    id: int | None = Field(default=None, primary_key=True)\n",
            "api/main.py": "from fastapi import Depends, FastAPI\n\n"
            "from api.deps import get_current_user, get_db\nfrom api.models import User\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/items/")\n'
            "def items(q: str | None = None, limit: int = 10, db=Depends(get_db),\n"
            "          user: User = Depends(get_current_user)):\n"
            "    return []\n",
            "client.py": "import requests\n\nprint(requests.get('https://example.invalid').json())\n",
        }
    )
    assert "api.request-json" not in found


# -- api.http-verbs --------------------------------------------------------------------


def test_routes_covering_get_post_put_and_delete_are_the_http_verbs(scan) -> None:
    found = scan(
        {
            "app.py": FLASK_HEAD + "\n\n"
            '@app.route("/books", methods=["GET", "POST"])\ndef books():\n    return jsonify([])\n\n\n'
            '@app.put("/books/<int:id>")\ndef replace(id):\n    return jsonify({})\n\n\n'
            '@app.delete("/books/<int:id>")\ndef remove(id):\n    return "", 204\n'
        }
    )
    assert found.at("api.http-verbs") == ["app.py:6", "app.py:11", "app.py:16"]


def test_routes_on_a_blueprint_imported_from_the_package_cover_the_verbs(scan) -> None:
    # The Flask Mega-Tutorial's API chapter: app/api/users.py imports only its blueprint.
    found = scan(
        {
            "app/api/__init__.py": "from flask import Blueprint\n\nbp = Blueprint('api', __name__)\n",
            "app/api/users.py": "from app.api import bp\n\n\n"
            "@bp.route('/users', methods=['GET', 'POST'])\ndef users():\n    return []\n\n\n"
            "@bp.route('/users/<int:id>', methods=['PUT'])\ndef update(id):\n    return {}\n",
            "app/api/tokens.py": "from app.api import bp\n\n\n"
            "@bp.route('/tokens', methods=['DELETE'])\ndef revoke():\n    return '', 204\n",
        }
    )
    assert found.at("api.http-verbs") == [
        "app/api/tokens.py:4",
        "app/api/users.py:4",
        "app/api/users.py:9",
    ]


def test_verb_named_decorators_of_other_objects_are_not_routes(scan) -> None:
    found = scan(
        {
            "store.py": "class Store:\n    def get(self, key):\n        return lambda f: f\n\n\n"
            "store = Store()\n",
            "jobs.py": "from store import store\n\n\n"
            "@store.get('a')\ndef a():\n    pass\n\n\n@store.post('b')\ndef b():\n    pass\n\n\n"
            "@store.put('c')\ndef c():\n    pass\n\n\n@store.delete('d')\ndef d():\n    pass\n",
        }
    )
    assert "api.http-verbs" not in found


def test_get_post_delete_and_test_client_calls_are_not_all_verbs(scan) -> None:
    found = scan(
        {
            "app.py": FLASK_HEAD + "\n\n"
            '@app.route("/books", methods=["GET", "POST"])\ndef books():\n    return jsonify([])\n\n\n'
            '@app.delete("/books/<int:id>")\ndef remove(id):\n    return "", 204\n',
            "tests/test_books.py": "def test_put(client):\n"
            '    assert client.put("/books/1").status_code == 405\n'
            '    assert client.patch("/books/1").status_code == 405\n',
        }
    )
    assert "api.http-verbs" not in found


# -- api.status-codes ------------------------------------------------------------------


def test_abort_404_is_an_explicit_status(scan) -> None:
    found = scan(
        {
            "app.py": FLASK_HEAD + '\n\n@app.get("/books/<int:id>")\ndef book(id):\n'
            "    if id > 10:\n        abort(404)\n    return jsonify({})\n"
        }
    )
    assert found.at("api.status-codes") == ["app.py:9"]


def test_route_returning_a_body_and_201_is_an_explicit_status(scan) -> None:
    found = scan(
        {"app.py": FLASK_HEAD + '\n\n@app.post("/books")\ndef add():\n    return {"id": 1}, 201\n'}
    )
    assert found.at("api.status-codes") == ["app.py:8"]


def test_fastapi_status_code_and_http_exception_are_explicit_statuses(scan) -> None:
    found = scan(
        {
            "main.py": "from fastapi import FastAPI, HTTPException, status\n\napp = FastAPI()\n\n\n"
            '@app.post("/items/", status_code=status.HTTP_201_CREATED)\ndef create(name: str):\n'
            '    if not name:\n        raise HTTPException(status_code=400, detail="name?")\n'
            '    return {"name": name}\n'
        }
    )
    assert found.at("api.status-codes") == ["main.py:6", "main.py:9"]


def test_helper_returning_a_pair_and_explicit_200_are_not_status_codes(scan) -> None:
    found = scan(
        {
            "version.py": "def parse(text):\n    return text, 3\n",
            "app.py": FLASK_HEAD + '\n\n@app.get("/")\ndef index():\n    return jsonify([]), 200\n',
            "dj/views.py": "from django.http import JsonResponse\n\n\ndef ok(request):\n"
            "    return JsonResponse({}, status=200)\n",
        }
    )
    assert "api.status-codes" not in found


# -- api.graphql -----------------------------------------------------------------------


def test_strawberry_type_and_schema_are_graphql(scan) -> None:
    found = scan(
        {
            "schema.py": "import strawberry\n\n\n@strawberry.type\nclass Book:\n    title: str\n\n\n"
            "@strawberry.type\nclass Query:\n    @strawberry.field\n    def books(self) -> list[Book]:\n"
            "        return []\n\n\nschema = strawberry.Schema(query=Query)\n"
        }
    )
    assert found.at("api.graphql") == ["schema.py:4", "schema.py:16"]


def test_marshmallow_schema_and_a_plain_dataclass_are_not_graphql(scan) -> None:
    found = scan(
        {
            "schemas.py": "from dataclasses import dataclass\n\nfrom marshmallow import Schema, fields\n\n\n"
            "@dataclass\nclass Book:\n    title: str\n\n\n"
            "class BookSchema(Schema):\n    title = fields.Str()\n\n\nbook_schema = Schema()\n"
        }
    )
    assert "api.graphql" not in found


# -- api.drf ---------------------------------------------------------------------------


def test_drf_model_serializer_is_a_milestone(scan) -> None:
    found = scan(
        {
            "polls/serializers.py": "from rest_framework import serializers\n\n\n"
            "class QuestionSerializer(serializers.ModelSerializer):\n    class Meta:\n"
            '        fields = ["id"]\n'
        }
    )
    assert found.at("api.drf") == ["polls/serializers.py:4"]


def test_model_form_and_a_class_named_serializer_are_not_drf(scan) -> None:
    found = scan(
        {
            "polls/forms.py": "from django import forms\n\n\nclass QuestionForm(forms.ModelForm):\n    pass\n",
            "polls/serializers.py": "import json\n\n\nclass QuestionSerializer:\n"
            "    def dumps(self, q):\n        return json.dumps(q)\n",
        }
    )
    assert "api.drf" not in found
