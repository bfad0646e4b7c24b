"""Step 5, web security: login, guarded routes, hashing, tokens, CSRF, placeholders,
HTTPS and secrets from the environment; look-alikes that keep users no safer do not count."""

from __future__ import annotations

from roadmap_coach.progress.chain import LESSON_FIXED, seal
from roadmap_coach.progress.derived import derive
from roadmap_coach.roadmap.models import Roadmap

FLASK_HEAD = "from flask import Flask, redirect, request, session\n\napp = Flask(__name__)\n"

# -- sec.login -------------------------------------------------------------------------


def test_flask_login_login_user_is_a_login_flow(scan) -> None:
    found = scan(
        {
            "auth.py": "from flask_login import login_user\n\nfrom models import User\n\n\n"
            "def log_in(form):\n    user = User.query.filter_by(email=form.email).first()\n"
            "    login_user(user, remember=True)\n"
        }
    )
    assert found.at("sec.login") == ["auth.py:8"]


def test_user_id_in_flask_session_is_a_login_flow(scan) -> None:
    found = scan(
        {
            "app.py": FLASK_HEAD + '\n\n@app.post("/login")\ndef login():\n'
            '    session["user_id"] = 42\n    return redirect("/")\n'
        }
    )
    assert found.at("sec.login") == ["app.py:8"]


def test_fastapi_token_endpoint_with_the_password_form_is_a_login_flow(scan) -> None:
    found = scan(
        {
            "main.py": "from typing import Annotated\n\nfrom fastapi import Depends, FastAPI\n"
            "from fastapi.security import OAuth2PasswordRequestForm\n\napp = FastAPI()\n\n\n"
            '@app.post("/token")\n'
            "def token(form_data: Annotated[OAuth2PasswordRequestForm, Depends()]):\n"
            '    return {"access_token": form_data.username, "token_type": "bearer"}\n'
        }
    )
    assert found.at("sec.login") == ["main.py:10"]


def test_dict_named_session_outside_flask_is_not_a_login(scan) -> None:
    found = scan(
        {
            "game.py": 'session = {}\nsession["user_id"] = 1\n\n\ndef login():\n    print("welcome")\n',
            "cart.py": FLASK_HEAD + '\n\n@app.post("/cart")\ndef add():\n'
            '    session["cart"] = ["apple"]\n    return redirect("/")\n',
        }
    )
    assert "sec.login" not in found


# -- sec.authorization -----------------------------------------------------------------


def test_login_required_on_a_flask_route_is_authorization(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask\nfrom flask_login import login_required\n\n"
            "app = Flask(__name__)\n\n\n"
            '@app.route("/settings")\n@login_required\ndef settings():\n    return "secret"\n'
        }
    )
    assert found.at("sec.authorization") == ["app.py:8"]


def test_your_own_login_required_decorator_on_a_route_is_authorization(scan) -> None:
    # The Flask tutorial writes `login_required` in auth.py and uses it in blog.py.
    found = scan(
        {
            "flaskr/auth.py": "import functools\n\nfrom flask import g, redirect\n\n\n"
            "def login_required(view):\n    @functools.wraps(view)\n"
            "    def wrapped(**kwargs):\n        if g.user is None:\n"
            '            return redirect("/auth/login")\n        return view(**kwargs)\n\n'
            "    return wrapped\n",
            "flaskr/blog.py": "from flask import Blueprint\n\nfrom flaskr.auth import login_required\n\n"
            'bp = Blueprint("blog", __name__)\n\n\n'
            '@bp.route("/create", methods=("GET", "POST"))\n@login_required\ndef create():\n'
            '    return "form"\n',
        }
    )
    assert found.at("sec.authorization") == ["flaskr/blog.py:9"]


def test_depends_on_the_current_user_is_authorization(scan) -> None:
    found = scan(
        {
            "main.py": "from fastapi import Depends, FastAPI\n\nfrom deps import get_current_user\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/users/me")\ndef me(user=Depends(get_current_user)):\n    return user\n'
        }
    )
    assert found.at("sec.authorization") == ["main.py:9"]


def test_django_login_required_mixin_is_authorization(scan) -> None:
    found = scan(
        {
            "notes/views.py": "from django.contrib.auth.mixins import LoginRequiredMixin\n"
            "from django.views.generic import ListView\n\n\n"
            "class NoteList(LoginRequiredMixin, ListView):\n    template_name = 'notes.html'\n"
        }
    )
    assert found.at("sec.authorization") == ["notes/views.py:5"]


def test_depends_get_db_and_an_unused_guard_are_not_authorization(scan) -> None:
    found = scan(
        {
            "main.py": "from fastapi import Depends, FastAPI\n\nfrom db import get_db\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/items")\ndef items(db=Depends(get_db)):\n    return []\n',
            "guards.py": "import functools\n\n\ndef login_required(view):\n"
            "    return functools.wraps(view)(view)\n\n\n"
            "@login_required\ndef helper():\n    return 1\n",
        }
    )
    assert "sec.authorization" not in found


# -- sec.password-hashing --------------------------------------------------------------


def test_werkzeug_password_hash_is_a_milestone(scan) -> None:
    found = scan(
        {
            "users.py": "from werkzeug.security import generate_password_hash\n\n\n"
            "def store(db, name, password):\n"
            "    db.save(name, generate_password_hash(password))\n"
        }
    )
    assert found.at("sec.password-hashing") == ["users.py:5"]


def test_bcrypt_hashpw_is_a_milestone(scan) -> None:
    found = scan(
        {
            "users.py": "import bcrypt\n\n\ndef hash_password(password):\n"
            "    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())\n"
        }
    )
    assert found.at("sec.password-hashing") == ["users.py:5"]


def test_sha256_of_a_password_is_not_password_hashing(scan) -> None:
    found = scan(
        {
            "users.py": "import hashlib\n\n\ndef hash_password(password):\n"
            "    return hashlib.sha256(password.encode()).hexdigest()\n\n\n"
            "def scramble(password):\n    return password[::-1]\n"
        }
    )
    assert "sec.password-hashing" not in found


# -- sec.jwt ---------------------------------------------------------------------------


def test_pyjwt_encode_is_a_jwt_milestone(scan) -> None:
    found = scan(
        {
            "tokens.py": "import jwt\n\n\ndef issue(user_id, key):\n"
            '    return jwt.encode({"sub": user_id}, key, algorithm="HS256")\n'
        }
    )
    assert found.at("sec.jwt") == ["tokens.py:5"]


def test_flask_jwt_extended_token_is_a_jwt_milestone(scan) -> None:
    found = scan(
        {
            "auth.py": "from flask_jwt_extended import create_access_token\n\n\n"
            "def login(user):\n    return create_access_token(identity=user.id)\n"
        }
    )
    assert found.at("sec.jwt") == ["auth.py:5"]


def test_random_tokens_and_base64_json_are_not_jwts(scan) -> None:
    found = scan(
        {
            "tokens.py": "import base64\nimport json\nimport secrets\n\n\n"
            "def reset_token():\n    return secrets.token_urlsafe(32)\n\n\n"
            "def encode(payload):\n    return base64.b64encode(json.dumps(payload).encode())\n\n\n"
            'TOKEN = encode({"sub": 1})\n'
        }
    )
    assert "sec.jwt" not in found


# -- sec.csrf --------------------------------------------------------------------------


def test_csrf_protect_is_a_milestone(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask\nfrom flask_wtf.csrf import CSRFProtect\n\n"
            "app = Flask(__name__)\ncsrf = CSRFProtect(app)\n"
        }
    )
    assert found.at("sec.csrf") == ["app.py:5"]


def test_django_csrf_token_in_a_form_is_a_milestone(scan) -> None:
    found = scan(
        {
            "polls/templates/polls/detail.html": '<form method="post">\n{% csrf_token %}\n'
            '<input type="submit" value="Vote">\n</form>\n'
        }
    )
    assert found.at("sec.csrf") == ["polls/templates/polls/detail.html:2"]


def test_flask_wtf_hidden_tag_in_a_template_is_a_milestone(scan) -> None:
    found = scan(
        {
            "templates/login.html": '<form method="post">\n  {{ form.hidden_tag() }}\n'
            "  {{ form.username() }}\n</form>\n"
        }
    )
    assert found.at("sec.csrf") == ["templates/login.html:2"]


def test_csrf_mentioned_in_a_comment_or_missing_middleware_is_no_protection(scan) -> None:
    found = scan(
        {
            "templates/form.html": '<form method="post">\n  <!-- TODO: add csrf_token -->\n</form>\n',
            "settings.py": 'MIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n'
            '    "django.middleware.common.CommonMiddleware",\n]\n',
        }
    )
    assert "sec.csrf" not in found


# -- sec.parametrized-sql --------------------------------------------------------------


def test_placeholders_with_separate_parameters_are_parametrised_sql(scan) -> None:
    found = scan(
        {
            "users.py": "def find(cur, name):\n"
            '    cur.execute("SELECT * FROM users WHERE name = %s", (name,))\n'
            "    return cur.fetchone()\n\n\n"
            "def rename(conn, old, new):\n"
            '    conn.execute("UPDATE users SET name = :new WHERE name = :old", {"new": new, "old": old})\n'
        }
    )
    assert found.at("sec.parametrized-sql") == ["users.py:2", "users.py:7"]


def test_fstring_sql_and_placeholders_without_parameters_are_not_parametrised(scan) -> None:
    found = scan(
        {
            "users.py": "def find(cur, name):\n"
            "    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n\n\n"
            "def first(cur):\n"
            '    cur.execute("SELECT * FROM users WHERE id = ?")\n\n\n'
            "def every(cur):\n"
            '    cur.execute("SELECT * FROM users", ())\n'
        }
    )
    assert "sec.parametrized-sql" not in found
    assert "db.sql-query" in found


# -- sec.https -------------------------------------------------------------------------


def test_secure_session_cookie_in_flask_config_is_https(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n"
            'app.config["SESSION_COOKIE_SECURE"] = True\n'
        }
    )
    assert found.at("sec.https") == ["app.py:4"]


def test_django_ssl_redirect_and_hsts_are_https(scan) -> None:
    found = scan(
        {
            "mysite/settings.py": "DEBUG = False\nSECURE_SSL_REDIRECT = True\n"
            "SECURE_HSTS_SECONDS = 31536000\n"
        }
    )
    assert found.at("sec.https") == ["mysite/settings.py:2", "mysite/settings.py:3"]


def test_dev_server_with_an_ssl_context_is_https(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n"
            'if __name__ == "__main__":\n    app.run(ssl_context="adhoc")\n'
        }
    )
    assert found.at("sec.https") == ["app.py:6"]


def test_insecure_cookies_and_debug_runs_are_not_https(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n"
            'app.config["SESSION_COOKIE_SECURE"] = False\n\n'
            'if __name__ == "__main__":\n    app.run(debug=True)\n',
            "settings.py": "SECURE_SSL_REDIRECT = False\nSECURE_HSTS_SECONDS = 0\n",
        }
    )
    assert "sec.https" not in found


# -- sec.secrets-from-env --------------------------------------------------------------


def test_secret_key_from_os_environ_is_a_milestone(scan) -> None:
    found = scan(
        {
            "config.py": "import os\n\n\nclass Config:\n"
            '    SECRET_KEY = os.environ["SECRET_KEY"]\n'
            '    DATABASE_URL = os.getenv("DATABASE_URL", "sqlite:///dev.db")\n'
        }
    )
    assert found.at("sec.secrets-from-env") == ["config.py:5", "config.py:6"]


def test_pydantic_settings_and_dotenv_are_secrets_from_the_environment(scan) -> None:
    found = scan(
        {
            "settings.py": "from dotenv import load_dotenv\nfrom pydantic_settings import BaseSettings\n\n"
            "load_dotenv()\n\n\nclass Settings(BaseSettings):\n    secret_key: str\n"
        }
    )
    assert found.at("sec.secrets-from-env") == ["settings.py:4", "settings.py:7"]


def test_non_secret_environment_reads_and_literal_keys_are_not_secrets_from_env(scan) -> None:
    found = scan(
        {
            "manage.py": "import os\n\n"
            'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n',
            "run.py": "import os\n\n"
            'PORT = int(os.environ.get("PORT", "8000"))\nHOME = os.environ["HOME"]\n',
            "settings.py": 'SECRET_KEY = "django-insecure-abc"\n',
        }
    )
    assert "sec.secrets-from-env" not in found


# -- sec.lesson-fixed ------------------------------------------------------------------


def _event(seq: int, code: str) -> object:
    payload = {"code": code, "path": "app.py", "line": 4}
    return seal(seq, f"2026-01-0{seq}T10:00:00Z", LESSON_FIXED, "ada", "ws1", payload, "0" * 64)


def test_a_fixed_security_lesson_in_the_history_is_a_milestone(roadmap: Roadmap) -> None:
    derived = derive(roadmap, {}, [_event(1, "RC501")], "ada")
    assert [(d.checkpoint.id, d.path, d.line) for d in derived] == [
        ("sec.lesson-fixed", "app.py", 4)
    ]


def test_fixed_style_hint_or_fixed_code_in_the_tree_is_not_a_security_fix(
    scan, roadmap: Roadmap
) -> None:
    assert derive(roadmap, {}, [_event(1, "RC101")], "ada") == []
    found = scan(
        {
            "app.py": "import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n"
            'app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n'
        }
    )
    assert "sec.lesson-fixed" not in found
