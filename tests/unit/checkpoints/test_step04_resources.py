"""Class-based resources are routes: Flask-RESTX / Flask-RESTful `Resource` subclasses
registered with `@ns.route(...)` or `api.add_resource(...)` give web.flask-route and
feed the API checkpoints; an unregistered Resource or a game's own `Resource` class
does not."""

from __future__ import annotations

from learner_projects import fixture, milestones

RESTX = fixture("apis", "restx-todos")
RESTFUL = fixture("apis", "restful-books")
LOOKALIKE = fixture("apis", "unregistered-resources")
API_IDS = {
    "web.flask-route",
    "api.json-response",
    "api.request-json",
    "api.http-verbs",
    "api.status-codes",
    "sec.authorization",
}


def test_restx_namespace_routes_feed_every_api_checkpoint() -> None:
    found = milestones(RESTX)
    methods = ["todos/api.py:14", "todos/api.py:20", "todos/api.py:28", "todos/api.py:35"]
    assert found["web.flask-route"] == [*methods, "todos/api.py:41"]
    assert found["api.http-verbs"] == ["todos/api.py:12", "todos/api.py:26"]  # the classes
    # @ns.marshal_list_with / @ns.marshal_with, and the methods whose results become JSON
    assert found["api.json-response"] == [
        "todos/api.py:13", "todos/api.py:14", "todos/api.py:18", "todos/api.py:20",
        "todos/api.py:27", "todos/api.py:28", "todos/api.py:40", "todos/api.py:41",
    ]  # fmt: skip
    # @ns.expect(todo, validate=True), ns.payload in post and put
    assert found["api.request-json"] == ["todos/api.py:17", "todos/api.py:21", "todos/api.py:42"]
    # `return …, 201`, ns.abort(404, …), `return "", 204`
    assert found["api.status-codes"] == ["todos/api.py:21", "todos/api.py:31", "todos/api.py:37"]
    assert found["sec.authorization"] == ["todos/api.py:19", "todos/api.py:34"]  # @jwt_required()


def test_restful_resources_registered_in_another_file_are_routes() -> None:
    found = milestones(RESTFUL)
    assert found["web.flask-route"] == [
        "resources/books.py:14", "resources/books.py:17", "resources/books.py:25",
        "resources/books.py:30", "resources/books.py:35",
    ]  # fmt: skip
    assert found["api.http-verbs"] == ["resources/books.py:11", "resources/books.py:24"]
    assert found["api.json-response"] == [
        "resources/books.py:14",
        "resources/books.py:17",
        "resources/books.py:25",
        "resources/books.py:30",
    ]  # fmt: skip  (delete returns an empty body)
    assert found["api.request-json"] == ["resources/books.py:8"]  # reqparse, JSON by default
    assert found["api.status-codes"] == [
        "resources/auth.py:11", "resources/books.py:21", "resources/books.py:27",
        "resources/books.py:37",
    ]  # fmt: skip
    assert found["sec.authorization"] == ["resources/books.py:12"]  # method_decorators


def test_unregistered_resource_and_a_games_resource_class_are_not_routes() -> None:
    found = milestones(LOOKALIKE)
    assert not API_IDS & set(found)
