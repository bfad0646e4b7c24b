"""A token login is a login: a route that looks the user up, checks the password
against its hash and returns a token. A sign-up that hashes a new password and hands
out a token checks nothing, and a helper outside any route is not a login flow."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, milestones, write

TOKEN_LOGIN = fixture("security", "token-login")
SIGNUP = fixture("security", "signup-token")


def test_flask_route_checking_the_hash_and_creating_an_access_token_is_a_login() -> None:
    assert milestones(TOKEN_LOGIN)["sec.login"] == ["api/auth.py:20"]  # def login():


def test_signup_returning_a_token_and_a_checking_helper_outside_routes_are_not_logins() -> None:
    found = milestones(SIGNUP)
    assert "sec.login" not in found
    assert "sec.jwt" in found and "sec.password-hashing" in found


def test_fastapi_json_login_through_the_learners_own_helpers_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/security.py": "import bcrypt\nimport jwt\n\n\n"
            "def verify_password(plain: str, hashed: bytes) -> bool:\n"
            "    return bcrypt.checkpw(plain.encode(), hashed)\n\n\n"
            "def create_access_token(sub: str) -> str:\n"
            '    return jwt.encode({"sub": sub}, "k", algorithm="HS256")\n',
            "app/main.py": "from fastapi import FastAPI, HTTPException\nfrom pydantic import BaseModel\n\n"
            "from app.security import create_access_token, verify_password\n"
            "from app.users import find_user\n\napp = FastAPI()\n\n\n"
            "class Credentials(BaseModel):\n    email: str\n    password: str\n\n\n"
            '@app.post("/login")\ndef login(body: Credentials) -> dict:\n'
            "    user = find_user(body.email)\n"
            "    if user is None or not verify_password(body.password, user.hashed):\n"
            "        raise HTTPException(status_code=401)\n"
            '    return {"access_token": create_access_token(user.email)}\n',
            "app/users.py": "def find_user(email):\n    return None\n",
        },
    )
    assert milestones(tmp_path)["sec.login"] == ["app/main.py:16"]  # def login(body: Credentials)


def test_model_check_password_then_jwt_encode_in_a_route_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": "import jwt\nfrom flask import Flask, abort, request\n\nfrom users import User\n\n"
            "app = Flask(__name__)\n\n\n"
            '@app.post("/token")\ndef token():\n'
            '    user = User.find(request.form["email"])\n'
            '    if user is None or not user.check_password(request.form["password"]):\n'
            "        abort(401)\n"
            '    return {"token": jwt.encode({"sub": user.email}, "k", algorithm="HS256")}\n',
            "users.py": "class User:\n    @classmethod\n    def find(cls, email):\n        return None\n",
        },
    )
    assert milestones(tmp_path)["sec.login"] == ["app.py:10"]
