"""Step 2, web frameworks: Flask, Django and FastAPI routes found where they are
written, and framework look-alikes left alone."""

from __future__ import annotations

FLASK_APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "Hello"\n'

# -- web.flask-route -------------------------------------------------------------------


def test_flask_route_is_a_milestone(scan) -> None:
    assert scan({"app.py": FLASK_APP}).at("web.flask-route") == ["app.py:6"]


def test_blueprint_verb_decorator_is_a_flask_route(scan) -> None:
    found = scan(
        {
            "library/books.py": "from flask import Blueprint, jsonify\n\n"
            'bp = Blueprint("books", __name__)\n\n\n'
            '@bp.get("/books")\ndef list_books():\n    return jsonify([])\n'
        }
    )
    assert found.at("web.flask-route") == ["library/books.py:6"]


def test_route_on_an_app_imported_from_the_package_is_a_flask_route(scan) -> None:
    # The Flask Mega-Tutorial, chapter 1: routes.py never imports flask itself.
    found = scan(
        {
            "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n\n"
            "from app import routes\n",
            "app/routes.py": 'from app import app\n\n\n@app.route("/")\n@app.route("/index")\n'
            "def index():\n    return 'Hello, World!'\n",
        }
    )
    assert found.at("web.flask-route") == ["app/routes.py:4", "app/routes.py:5"]


def test_flask_looking_decorator_without_flask_is_not_a_flask_route(scan) -> None:
    found = scan(
        {
            "bottle_app.py": "from bottle import Bottle\n\napp = Bottle()\n\n\n"
            '@app.route("/")\ndef index():\n    return "Hello"\n',
            "tasks.py": '@app.route("/jobs")\ndef jobs():\n    return []\n',
        }
    )
    assert "web.flask-route" not in found


# -- web.flask-template ----------------------------------------------------------------


def test_render_template_with_the_template_on_disk_is_a_milestone(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n"
            '@app.route("/")\ndef index():\n    return render_template("books/list.html", books=[])\n',
            "templates/books/list.html": "<ul>{% for b in books %}<li>{{ b }}{% endfor %}</ul>\n",
        }
    )
    assert found.at("web.flask-template") == ["app.py:8"]


def test_render_template_without_such_a_template_is_not_a_milestone(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask, render_template, render_template_string\n\n"
            "app = Flask(__name__)\n\n\n"
            '@app.route("/")\ndef index():\n    return render_template("missing.html")\n\n\n'
            '@app.route("/inline")\ndef inline():\n    return render_template_string("<h1>hi</h1>")\n',
            "templates/index.html": "<h1>index</h1>\n",
        }
    )
    assert "web.flask-template" not in found


# -- web.flask-blueprint ---------------------------------------------------------------


def test_blueprint_created_and_registered_is_a_milestone(scan) -> None:
    found = scan(
        {
            "shop/__init__.py": "from flask import Flask\n\n\ndef create_app():\n"
            "    app = Flask(__name__)\n    from shop.cart import bp\n\n"
            "    app.register_blueprint(bp)\n    return app\n",
            "shop/cart.py": 'from flask import Blueprint\n\nbp = Blueprint("cart", __name__)\n',
        }
    )
    assert found.at("web.flask-blueprint") == ["shop/__init__.py:8", "shop/cart.py:3"]


def test_blueprint_never_registered_is_not_a_milestone(scan) -> None:
    found = scan(
        {
            "shop/cart.py": 'from flask import Blueprint\n\nbp = Blueprint("cart", __name__)\n\n\n'
            '@bp.route("/cart")\ndef show():\n    return "cart"\n'
        }
    )
    assert "web.flask-blueprint" not in found
    assert "web.flask-route" in found


# -- web.django-project ----------------------------------------------------------------

MANAGE_PY = (
    "import os\nimport sys\n\n\ndef main():\n"
    '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
    "    from django.core.management import execute_from_command_line\n\n"
    "    execute_from_command_line(sys.argv)\n\n\n"
    'if __name__ == "__main__":\n    main()\n'
)
SETTINGS = 'SECRET_KEY = "x"\nDEBUG = True\nINSTALLED_APPS = [\n    "django.contrib.admin",\n]\n'


def test_manage_py_and_settings_are_a_django_project(scan) -> None:
    found = scan({"manage.py": MANAGE_PY, "mysite/__init__.py": "", "mysite/settings.py": SETTINGS})
    assert found.at("web.django-project") == ["manage.py:9", "mysite/settings.py:3"]


def test_settings_without_a_django_manage_py_is_not_a_project(scan) -> None:
    found = scan(
        {
            "manage.py": "import click\n\n\n@click.command()\ndef main():\n    print('managing')\n",
            "settings.py": SETTINGS,
        }
    )
    assert "web.django-project" not in found


# -- web.django-view -------------------------------------------------------------------


def test_view_wired_with_path_in_urls_py_is_a_django_view(scan) -> None:
    found = scan(
        {
            "polls/views.py": "from django.http import HttpResponse\n\n\ndef index(request):\n"
            '    return HttpResponse("Hello")\n',
            "polls/urls.py": "from django.urls import path\n\nfrom . import views\n\n"
            'urlpatterns = [\n    path("", views.index, name="index"),\n]\n',
        }
    )
    assert found.at("web.django-view") == ["polls/urls.py:6"]


def test_startproject_urls_with_admin_include_and_library_views_is_not_your_view(scan) -> None:
    found = scan(
        {
            "mysite/urls.py": "from django.contrib import admin\n"
            "from django.contrib.auth import views as auth_views\n"
            "from django.urls import include, path\n"
            "from drf_spectacular.views import SpectacularAPIView\n\n"
            'urlpatterns = [\n    path("polls/", include("polls.urls")),\n'
            '    path("admin/", admin.site.urls),\n'
            '    path("login/", auth_views.LoginView.as_view(), name="login"),\n'
            '    path("schema/", SpectacularAPIView.as_view(), name="schema"),\n]\n'
        }
    )
    assert "web.django-view" not in found


# -- web.fastapi-endpoint --------------------------------------------------------------


def test_fastapi_path_operation_is_a_milestone(scan) -> None:
    found = scan(
        {
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            '@app.get("/")\nasync def root():\n    return {"message": "Hello World"}\n'
        }
    )
    assert found.at("web.fastapi-endpoint") == ["main.py:6"]


def test_router_path_operation_is_a_fastapi_endpoint(scan) -> None:
    found = scan(
        {
            "app/routers/items.py": "from fastapi import APIRouter\n\n"
            'router = APIRouter(prefix="/items")\n\n\n'
            '@router.post("/")\ndef create_item(name: str):\n    return {"name": name}\n'
        }
    )
    assert found.at("web.fastapi-endpoint") == ["app/routers/items.py:6"]


def test_flask_get_decorator_is_not_a_fastapi_endpoint(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
            '@app.get("/")\ndef index():\n    return "Hello"\n'
        }
    )
    assert "web.fastapi-endpoint" not in found
    assert found.at("web.flask-route") == ["app.py:6"]


# -- web.fastapi-router ----------------------------------------------------------------


def test_router_included_into_the_app_is_a_milestone(scan) -> None:
    found = scan(
        {
            "app/routers/items.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
            "app/main.py": "from fastapi import FastAPI\n\nfrom app.routers import items\n\n"
            "app = FastAPI()\napp.include_router(items.router)\n",
        }
    )
    assert found.at("web.fastapi-router") == ["app/main.py:6"]


def test_router_never_included_is_not_a_milestone(scan) -> None:
    found = scan(
        {
            "app/routers/items.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
            '@router.get("/items")\ndef items():\n    return []\n'
        }
    )
    assert "web.fastapi-router" not in found


# -- web.second-framework --------------------------------------------------------------


def test_routes_in_flask_and_fastapi_are_a_second_framework(scan) -> None:
    found = scan(
        {
            "flask_app/app.py": FLASK_APP,
            "api/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
            '@app.get("/")\ndef root():\n    return {}\n',
        }
    )
    assert found.at("web.second-framework") == ["api/main.py:6", "flask_app/app.py:6"]


def test_many_flask_routes_and_a_bottle_app_are_not_a_second_framework(scan) -> None:
    found = scan(
        {
            "one.py": FLASK_APP,
            "two.py": FLASK_APP.replace('"/"', '"/two"'),
            "three.py": "from bottle import Bottle\n\napp = Bottle()\n\n\n"
            '@app.get("/")\ndef index():\n    return "bottle"\n',
        }
    )
    assert "web.second-framework" not in found
