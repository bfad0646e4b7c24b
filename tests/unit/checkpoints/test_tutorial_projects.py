"""Steps 1-5 checked as a mentor would on three tutorial projects
(`tests/fixtures/projects/`): the Flask tutorial's flaskr grown a JSON API, a FastAPI
+ SQLModel + JWT todo API, and the Django polls tutorial with a DRF viewset.

Every milestone must be found at the file and line where its code is, every evidence
line must show that code (no look-alike in the same project claimed), and no other
milestone of steps 1-5 may be claimed at all."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

STEPS = ("basics.", "web.", "db.", "api.", "sec.")


@dataclass(frozen=True)
class Expect:
    at: tuple[tuple[str, str], ...]  # (path, text on the line) the evidence must include
    exact: bool = False  # the evidence is exactly those lines
    every: tuple[str, ...] = ()  # each evidence line shows one of these


def at(*places: tuple[str, str], exact: bool = False, every: tuple[str, ...] = ()) -> Expect:
    return Expect(tuple(places), exact, every)


FLASKR = {
    "basics.function": at(("flaskr/__init__.py", "def create_app("), every=("def ",)),
    "basics.lambda": at(("flaskr/db.py", "lambda v:"), exact=True),
    "basics.control-flow": at(("flaskr/api.py", "def list_posts("), exact=True),
    "basics.class": at(("tests/conftest.py", "class AuthActions"), every=("class ",)),
    "basics.exception-handling": at(
        ("flaskr/__init__.py", "except OSError:"),
        ("flaskr/auth.py", "except db.IntegrityError:"),
        exact=True,
    ),
    "basics.package": at(
        ("tests/conftest.py", "from flaskr import create_app"), every=("from flaskr",)
    ),
    "web.flask-route": at(
        ("flaskr/__init__.py", '@app.route("/hello")'),
        ("flaskr/__init__.py", 'app.add_url_rule("/"'),
        ("flaskr/auth.py", '@bp.route("/register"'),
        ("flaskr/api.py", '@bp.delete("/posts/<int:id>")'),
        every=("@app.route(", "@bp.", ".add_url_rule("),
    ),
    "web.flask-template": at(
        ("flaskr/auth.py", 'render_template("auth/register.html")'),
        ("flaskr/blog.py", 'render_template("blog/index.html"'),
        every=("render_template(",),
    ),
    "web.flask-blueprint": at(
        ("flaskr/__init__.py", "app.register_blueprint(auth.bp)"),
        every=("app.register_blueprint(", "= Blueprint("),
    ),
    "db.sql-query": at(
        ("flaskr/auth.py", 'get_db().execute("SELECT * FROM user WHERE id = ?"'),
        ("flaskr/blog.py", "posts = db.execute("),
        every=(".execute(", "get_db()"),
    ),
    "db.sql-crud": at(
        ("flaskr/api.py", 'db.execute("DELETE FROM post WHERE id = ?", (id,))'),
        every=(".execute(",),
    ),
    "api.json-response": at(
        ("flaskr/api.py", "return jsonify(posts)"),
        ("flaskr/api.py", 'return {"error": "title is required"}, 400'),
        ("flaskr/api.py", "return jsonify(id=cursor.lastrowid), 201"),
        ("flaskr/api.py", "return jsonify(id=id, title="),
        exact=True,
    ),
    "api.request-json": at(
        ("flaskr/api.py", "data = request.get_json()"),
        ("flaskr/api.py", "data = request.json"),
        exact=True,
    ),
    "api.http-verbs": at(
        ("flaskr/api.py", '@bp.put("/posts/<int:id>")'),
        ("flaskr/api.py", '@bp.delete("/posts/<int:id>")'),
        every=("@app.route(", "@bp."),
    ),
    "api.status-codes": at(
        ("flaskr/api.py", "abort(404)"),
        ("flaskr/api.py", 'return {"error": "title is required"}, 400'),
        ("flaskr/api.py", "return jsonify(id=cursor.lastrowid), 201"),
        ("flaskr/api.py", 'return "", 204'),
        ("flaskr/blog.py", 'abort(404, f"Post id'),
        ("flaskr/blog.py", "abort(403)"),
        exact=True,
    ),
    "sec.login": at(("flaskr/auth.py", 'session["user_id"] = user["id"]'), exact=True),
    "sec.authorization": at(("flaskr/blog.py", "@login_required"), every=("@login_required",)),
    "sec.password-hashing": at(
        ("flaskr/auth.py", "generate_password_hash(password)"),
        ("flaskr/auth.py", 'check_password_hash(user["password"], password)'),
        exact=True,
    ),
    "sec.parametrized-sql": at(
        ("flaskr/blog.py", 'db.execute("DELETE FROM post WHERE id = ?", (id,))'),
        every=(".execute(", "get_db()"),
    ),
    "sec.secrets-from-env": at(
        ("flaskr/__init__.py", 'os.environ.get("FLASKR_SECRET_KEY"'), exact=True
    ),
}

FASTAPI = {
    "basics.function": at(("app/database.py", "def create_db_and_tables("), every=("def ",)),
    "basics.lambda": at(("tests/conftest.py", "lambda: session"), exact=True),
    "basics.control-flow": at(("app/seed.py", "def seed("), exact=True),
    "basics.class": at(("app/config.py", "class Settings(BaseSettings)"), every=("class ",)),
    "basics.inheritance": at(
        ("app/models.py", "class User(UserBase, table=True)"),
        ("app/models.py", "class ItemCreate(ItemBase)"),
        every=("(UserBase", "(ItemBase"),
    ),
    "basics.exception-handling": at(("app/deps.py", "except InvalidTokenError:"), exact=True),
    "basics.package": at(
        ("app/main.py", "from app.routers import auth, items, users"), every=("from app",)
    ),
    "web.fastapi-endpoint": at(
        ("app/main.py", '@app.get("/health")'),
        ("app/routers/auth.py", '@router.post("/token")'),
        ("app/routers/items.py", '@router.put("/{item_id}"'),
        every=("@app.", "@router."),
    ),
    "web.fastapi-router": at(
        ("app/main.py", "app.include_router(auth.router)"),
        ("app/main.py", "app.include_router(users.router)"),
        ("app/main.py", "app.include_router(items.router)"),
        exact=True,
    ),
    "db.sqlalchemy-model": at(
        ("app/models.py", "class User(UserBase, table=True)"),
        ("app/models.py", "class Item(ItemBase, table=True)"),
        exact=True,
    ),
    "db.relationship": at(
        ("app/models.py", 'Relationship(back_populates="owner")'),
        ("app/models.py", 'foreign_key="user.id"'),
        ("app/models.py", 'Relationship(back_populates="items")'),
        exact=True,
    ),
    "db.server-database": at(("app/config.py", '"postgresql+psycopg://'), exact=True),
    "api.json-response": at(
        ("app/main.py", 'return {"status": "ok"}'),
        ("app/routers/auth.py", "return Token("),
        ("app/routers/users.py", "return current_user"),
        every=("return ",),
    ),
    "api.request-json": at(
        ("app/routers/items.py", "def create_item(item_in: ItemCreate"),
        ("app/routers/items.py", "def update_item(item_id: int, item_in: ItemUpdate"),
        ("app/routers/users.py", "def create_user(user_in: UserCreate"),
        exact=True,
    ),
    "api.http-verbs": at(
        ("app/routers/items.py", '@router.put("/{item_id}"'),
        ("app/routers/items.py", '@router.delete("/{item_id}"'),
        every=("@app.", "@router."),
    ),
    "api.status-codes": at(
        ("app/routers/users.py", "status_code=status.HTTP_201_CREATED"),
        ("app/routers/items.py", "status_code=201"),
        ("app/routers/items.py", 'raise HTTPException(status_code=404, detail="Item not found")'),
        every=("status_code=", "HTTPException("),
    ),
    "sec.login": at(("app/routers/auth.py", "def login_for_access_token("), exact=True),
    "sec.authorization": at(
        ("app/deps.py", "CurrentUser = Annotated[User, Depends(get_current_user)]"),
        ("app/routers/items.py", "def read_items(session: SessionDep, current_user: CurrentUser"),
        ("app/routers/users.py", "def read_users_me(current_user: CurrentUser)"),
        every=("Depends(", "current_user: CurrentUser"),
    ),
    "sec.password-hashing": at(
        ("app/security.py", "PasswordHash.recommended()"),
        ("app/security.py", "return password_hash.hash(password)"),
        ("app/security.py", "return password_hash.verify("),
        exact=True,
    ),
    "sec.jwt": at(("app/deps.py", "jwt.decode("), ("app/security.py", "jwt.encode("), exact=True),
    "sec.secrets-from-env": at(("app/config.py", "class Settings(BaseSettings)"), exact=True),
}

DJANGO = {
    # manage.py is django-admin's, not the learner's: its `main()` and `except` earn nothing
    "basics.function": at(("polls/models.py", "def __str__(self):"), every=("def ",)),
    "basics.class": at(("polls/models.py", "class Question(models.Model)"), every=("class ",)),
    "basics.exception-handling": at(
        ("polls/views.py", "except (KeyError, Choice.DoesNotExist):"), exact=True
    ),
    "basics.package": at(("mysite/urls.py", "from polls.api import QuestionViewSet"), exact=True),
    "web.django-project": at(
        ("manage.py", "execute_from_command_line(sys.argv)"),
        ("mysite/settings.py", "INSTALLED_APPS = ["),
        exact=True,
    ),
    "web.django-view": at(
        ("mysite/urls.py", 'router.register(r"questions", QuestionViewSet)'),
        ("polls/urls.py", 'path("", views.IndexView.as_view(), name="index")'),
        ("polls/urls.py", 'path("<int:pk>/", views.DetailView.as_view()'),
        ("polls/urls.py", 'path("<int:pk>/results/", views.ResultsView.as_view()'),
        ("polls/urls.py", 'path("<int:question_id>/vote/", views.vote'),
        exact=True,
    ),
    "db.django-model": at(
        ("polls/models.py", "class Question(models.Model)"),
        ("polls/models.py", "class Choice(models.Model)"),
        exact=True,
    ),
    "db.relationship": at(("polls/models.py", "models.ForeignKey(Question"), exact=True),
    "db.migration": at(
        ("polls/migrations/0001_initial.py", "class Migration(migrations.Migration)"), exact=True
    ),
    "api.json-response": at(("polls/api.py", "return Response(serializer.data"), exact=True),
    "api.request-json": at(
        ("polls/api.py", "class QuestionViewSet(viewsets.ModelViewSet)"),
        ("polls/api.py", "ChoiceSerializer(data=request.data)"),
        exact=True,
    ),
    "api.http-verbs": at(
        ("polls/api.py", "class QuestionViewSet(viewsets.ModelViewSet)"), exact=True
    ),
    "api.status-codes": at(
        ("polls/api.py", "status=status.HTTP_201_CREATED"),
        ("polls/views.py", "get_object_or_404(Question, pk=question_id)"),
        exact=True,
    ),
    "api.drf": at(
        ("polls/api.py", "class QuestionViewSet(viewsets.ModelViewSet)"),
        ("polls/serializers.py", "class ChoiceSerializer(serializers.ModelSerializer)"),
        ("polls/serializers.py", "class QuestionSerializer(serializers.ModelSerializer)"),
        exact=True,
    ),
    "sec.login": at(("mysite/urls.py", 'include("rest_framework.urls"'), exact=True),
    "sec.authorization": at(
        ("polls/api.py", "class QuestionViewSet(viewsets.ModelViewSet)"), exact=True
    ),
    "sec.csrf": at(
        ("mysite/settings.py", '"django.middleware.csrf.CsrfViewMiddleware"'),
        ("polls/templates/polls/detail.html", "{% csrf_token %}"),
        exact=True,
    ),
}

PROJECTS = {"flaskr": FLASKR, "fastapi-todo": FASTAPI, "django-polls": DJANGO}
CASES = [(name, cid) for name, table in PROJECTS.items() for cid in table]


def _line(scan, place: tuple[str, str]) -> str:
    return scan.line_of(*place)


@pytest.mark.parametrize(("project", "checkpoint"), CASES, ids=[f"{p}:{c}" for p, c in CASES])
def test_milestone_is_found_where_the_code_is(tutorial, project: str, checkpoint: str) -> None:
    found = tutorial(project)
    expect = PROJECTS[project][checkpoint]
    evidence = found.at(checkpoint)
    wanted = [_line(found, place) for place in expect.at]
    missing = [w for w in wanted if w not in evidence]
    assert not missing, f"{checkpoint} not found at {missing}; evidence {evidence}"
    if expect.exact:
        assert sorted(evidence) == sorted(wanted)
    for where in evidence:
        path, line = where.rsplit(":", 1)
        text = (found.root / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
        assert any(s in text for s in expect.every or [t for _, t in expect.at]), (
            f"{checkpoint} claims {where}: {text.strip()!r}"
        )


@pytest.mark.parametrize("project", list(PROJECTS))
def test_no_other_milestone_of_steps_1_to_5_is_claimed(tutorial, project: str) -> None:
    found = tutorial(project)
    claimed = {cid for cid in found.found if cid.startswith(STEPS)}
    assert claimed == set(PROJECTS[project])
