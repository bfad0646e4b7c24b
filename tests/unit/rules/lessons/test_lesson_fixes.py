"""Every quick fix, applied to its fixture, gives code that parses and no longer
triggers the lesson."""

from __future__ import annotations

import ast

import pytest
from lesson_workspace import Workspace, one_file

PYTHON_FIXES = {
    "RC102": {
        "list default": "def add(item, items=[]):\n    items.append(item)\n    return items\n",
        "annotated dict default after a docstring": (
            "def count(word: str, seen: dict[str, int] = {}) -> int:\n"
            '    """Count words."""\n'
            "    seen[word] = seen.get(word, 0) + 1\n"
            "    return seen[word]\n"
        ),
        "keyword-only set() default in a method": (
            "class Cache:\n"
            "    def keep(self, key, *, keys=set()):\n"
            "        keys.add(key)\n"
            "        return keys\n"
        ),
        "tab-indented defaultdict": (
            "import collections\n\n"
            "def group(pairs, groups=collections.defaultdict(list)):\n"
            "\tfor key, value in pairs:\n"
            "\t\tgroups[key].append(value)\n"
            "\treturn groups\n"
        ),
    },
    "RC301": {
        "sqlite f-string": (
            "import sqlite3\n\n"
            "conn = sqlite3.connect('app.db')\n\n"
            "def find(name, age):\n"
            "    return conn.execute(f\"SELECT * FROM users WHERE name = '{name}' AND age > {age}\").fetchall()\n"
        ),
        "sqlite % through a variable": (
            "import sqlite3\n\n"
            "def delete(conn: sqlite3.Connection, user_id):\n"
            '    sql = "DELETE FROM users WHERE id = %d" % user_id\n'
            "    conn.execute(sql)\n"
        ),
        "sqlite .format with LIKE": (
            "import sqlite3\n\n"
            "cur = sqlite3.connect('app.db').cursor()\n\n"
            "def search(term):\n"
            "    cur.execute(\"SELECT * FROM books WHERE title LIKE '%{}%'\".format(term))\n"
        ),
        "psycopg2 concatenation with a literal percent": (
            "import psycopg2\n\n"
            "def active(dsn, city):\n"
            "    cur = psycopg2.connect(dsn).cursor()\n"
            "    cur.execute(\"SELECT * FROM users WHERE name LIKE 'a%' AND city = '\" + city + \"'\")\n"
        ),
        "SQLAlchemy text()": (
            "from sqlalchemy import text\n\n"
            "def by_author(session, author, year):\n"
            "    stmt = text(f\"SELECT * FROM books WHERE author = '{author}' AND year = {year}\")\n"
            "    return session.execute(stmt).all()\n"
        ),
        "Django raw()": (
            "from app.models import Book\n\n"
            "def by_genre(genre):\n"
            "    return Book.objects.raw(f\"SELECT * FROM app_book WHERE genre = '{genre}'\")\n"
        ),
        "SQLAlchemy session.execute f-string": (
            "from sqlalchemy.orm import Session\n\n"
            "def by_author(session: Session, author):\n"
            "    return session.execute(f\"SELECT * FROM books WHERE author = '{author}'\").all()\n"
        ),
        "Flask-SQLAlchemy db.session.execute concatenation": (
            '"""Reports."""\n'
            "from app import db\n\n"
            "def over(amount):\n"
            '    return db.session.execute("SELECT * FROM orders WHERE total > " + str(amount))\n'
        ),
        "SQLAlchemy engine.execute through a variable": (
            "from sqlalchemy import create_engine\n\n"
            "engine = create_engine('sqlite:///shop.db')\n\n"
            "def remove(sku):\n"
            "    sql = \"DELETE FROM product WHERE sku = '%s'\" % sku\n"
            "    with engine.connect() as conn:\n"
            "        conn.execute(sql)\n"
        ),
        "SQLModel session.execute .format": (
            "from sqlmodel import Session\n\n"
            "def hero(session: Session, name):\n"
            "    return session.execute(\"SELECT * FROM hero WHERE name = '{}'\".format(name))\n"
        ),
    },
    "RC501": {
        "module setting without import os": 'SECRET_KEY = "abc123-not-so-secret"\n',
        "after a docstring and a future import": (
            '"""Settings."""\nfrom __future__ import annotations\n\nDEBUG = False\nAPI_KEY = "k-123456"\n'
        ),
        "Flask config with import os already there": (
            "import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n"
            'app.config["SECRET_KEY"] = "dev-key-123"\n'
        ),
        "keyword argument": 'import psycopg2\n\nconn = psycopg2.connect(host="db", password="pg-pass-1")\n',
        "Django DATABASES entry": (
            'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "PASSWORD": "Tr0ub4dor"}}\n'
        ),
        "JWT signing key": (
            "import jwt\n\ndef sign(payload):\n"
            '    return jwt.encode(payload, "signing-key", algorithm="HS256")\n'
        ),
        "class attribute": 'class Config:\n    SECRET_KEY = "config-secret"\n',
    },
    "RC502": {
        "app.run(debug=True)": (
            "from flask import Flask\n\napp = Flask(__name__)\n\n"
            'if __name__ == "__main__":\n    app.run(debug=True)\n'
        ),
        "Django DEBUG setting": '"""Settings."""\n\nDEBUG = True\nALLOWED_HOSTS = []\n',
        "FastAPI(debug=True)": "import os\nfrom fastapi import FastAPI\n\napi = FastAPI(title='x', debug=True)\n",
    },
    "RC507": {
        "verify=False last": "import requests\n\nr = requests.get('https://x.test', verify=False)\n",
        "verify=False first": "import requests\n\nr = requests.get(verify=False, url='https://x.test')\n",
        "verify=False in the middle, multi-line": (
            "import requests\n\n"
            "r = requests.post(\n    'https://x.test',\n    verify=False,\n    timeout=5,\n)\n"
        ),
        "httpx client": "import httpx\n\nclient = httpx.Client(verify=False)\n",
    },
    "RC510": {
        "yaml.load(stream)": "import yaml\n\ndef read(stream):\n    return yaml.load(stream)\n",
        "yaml.load with FullLoader": (
            "import yaml\n\ndef read(stream):\n    return yaml.load(stream, Loader=yaml.FullLoader)\n"
        ),
        "from yaml import load": "from yaml import load\n\ndef read(stream):\n    return load(stream)\n",
        "yaml.load_all with a positional loader": (
            "import yaml\n\ndocs = list(yaml.load_all(open('a.yml'), yaml.Loader))\n"
        ),
    },
}
CASES = [(code, name, text) for code, cases in PYTHON_FIXES.items() for name, text in cases.items()]


@pytest.mark.parametrize(("code", "name", "before"), CASES, ids=[f"{c}-{n}" for c, n, _ in CASES])
def test_quick_fix_gives_code_that_parses_and_no_longer_triggers_the_lesson(
    code: str, name: str, before: str
) -> None:
    path = "settings.py" if "setting" in name.lower() or "DEBUG" in name else "app.py"
    workspace, finding = one_file(code, before, path)
    assert finding.fix is not None, finding.message
    workspace.apply(finding.fix)
    after = workspace.files[path]
    ast.parse(after)
    assert workspace.facts()[path].error is None
    assert workspace.findings(code) == [], after


def test_mutable_default_fix_writes_the_none_guard() -> None:
    workspace, finding = one_file(
        "RC102", PYTHON_FIXES["RC102"]["annotated dict default after a docstring"]
    )
    assert finding.fix is not None
    workspace.apply(finding.fix)
    assert workspace.files["app.py"] == (
        "def count(word: str, seen: dict[str, int] | None = None) -> int:\n"
        '    """Count words."""\n'
        "    if seen is None:\n"
        "        seen = {}\n"
        "    seen[word] = seen.get(word, 0) + 1\n"
        "    return seen[word]\n"
    )


def test_mutable_default_on_a_one_line_function_is_taught_without_a_fix() -> None:
    _, finding = one_file("RC102", "def add(item, items=[]): return items + [item]\n")
    assert finding.fix is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "sqlite f-string",
            'conn.execute("SELECT * FROM users WHERE name = ? AND age > ?", (name, age))',
        ),
        (
            "sqlite .format with LIKE",
            'cur.execute("SELECT * FROM books WHERE title LIKE ?", (f"%{term}%",))',
        ),
        (
            "psycopg2 concatenation with a literal percent",
            "cur.execute(\"SELECT * FROM users WHERE name LIKE 'a%%' AND city = %s\", (city,))",
        ),
        (
            "SQLAlchemy text()",
            'stmt = text("SELECT * FROM books WHERE author = :author AND year = :year")'
            ".bindparams(author=author, year=year)",
        ),
        ("Django raw()", 'Book.objects.raw("SELECT * FROM app_book WHERE genre = %s", (genre,))'),
        (
            "SQLAlchemy session.execute f-string",
            "from sqlalchemy import text\nfrom sqlalchemy.orm import Session\n\n"
            "def by_author(session: Session, author):\n"
            '    return session.execute(text("SELECT * FROM books WHERE author = :author"), '
            '{"author": author}).all()\n',
        ),
        (
            "Flask-SQLAlchemy db.session.execute concatenation",
            '"""Reports."""\nfrom sqlalchemy import text\nfrom app import db\n\n'
            "def over(amount):\n"
            '    return db.session.execute(text("SELECT * FROM orders WHERE total > :str_amount"), '
            '{"str_amount": str(amount)})\n',
        ),
        (
            "SQLAlchemy engine.execute through a variable",
            '    sql = text("DELETE FROM product WHERE sku = :sku")\n'
            "    with engine.connect() as conn:\n"
            '        conn.execute(sql, {"sku": sku})\n',
        ),
        (
            "SQLModel session.execute .format",
            "from sqlmodel import text\nfrom sqlmodel import Session\n",
        ),
    ],
)
def test_sql_fix_uses_the_driver_placeholder_style(name: str, expected: str) -> None:
    workspace, finding = one_file("RC301", PYTHON_FIXES["RC301"][name])
    assert finding.fix is not None
    workspace.apply(finding.fix)
    assert expected in workspace.files["app.py"]


def test_sql_fix_through_a_variable_rewrites_the_assignment_and_the_call() -> None:
    workspace, finding = one_file("RC301", PYTHON_FIXES["RC301"]["sqlite % through a variable"])
    assert finding.fix is not None
    workspace.apply(finding.fix)
    assert (
        '    sql = "DELETE FROM users WHERE id = ?"\n    conn.execute(sql, (user_id,))\n'
        in workspace.files["app.py"]
    )


def test_sql_with_an_unknown_driver_is_taught_without_a_guess() -> None:
    _, finding = one_file(
        "RC301", "def find(cur, name):\n    cur.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n"
    )
    assert finding.fix is None
    assert "placeholders" in finding.message


def test_secret_fix_reads_the_environment_and_adds_the_import_after_the_preamble() -> None:
    workspace, finding = one_file(
        "RC501", PYTHON_FIXES["RC501"]["after a docstring and a future import"], "settings.py"
    )
    assert finding.fix is not None
    workspace.apply(finding.fix)
    assert workspace.files["settings.py"] == (
        '"""Settings."""\nfrom __future__ import annotations\n\nimport os\n\nDEBUG = False\n'
        'API_KEY = os.environ["API_KEY"]\n'
    )


def test_debug_fix_drives_the_switch_from_the_environment() -> None:
    workspace, finding = one_file("RC502", PYTHON_FIXES["RC502"]["app.run(debug=True)"])
    assert finding.fix is not None
    workspace.apply(finding.fix)
    text = workspace.files["app.py"]
    assert text.startswith("import os\nfrom flask import Flask")
    assert 'app.run(debug=os.environ.get("FLASK_DEBUG") == "1")' in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("verify=False last", "r = requests.get('https://x.test')\n"),
        ("verify=False first", "r = requests.get(url='https://x.test')\n"),
        (
            "verify=False in the middle, multi-line",
            "r = requests.post(\n    'https://x.test',\n    timeout=5,\n)\n",
        ),
    ],
)
def test_tls_fix_removes_verify_false_and_its_comma(name: str, expected: str) -> None:
    workspace, finding = one_file("RC507", PYTHON_FIXES["RC507"][name])
    assert finding.fix is not None
    workspace.apply(finding.fix)
    assert workspace.files["app.py"].endswith(expected)


def test_yaml_fix_switches_to_safe_load_and_drops_the_loader() -> None:
    workspace, finding = one_file("RC510", PYTHON_FIXES["RC510"]["yaml.load with FullLoader"])
    assert finding.fix is not None
    workspace.apply(finding.fix)
    assert "    return yaml.safe_load(stream)\n" in workspace.files["app.py"]


def test_pickle_is_taught_without_a_fix() -> None:
    _, finding = one_file(
        "RC510", "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n"
    )
    assert finding.fix is None


REQUIREMENTS_CASES = {
    "requirements.txt ending with a newline": (
        {"requirements.txt": "flask\n"},
        "requirements.txt",
        "flask\nPyYAML\n",
    ),
    "requirements.txt without a final newline": (
        {"requirements.txt": "flask"},
        "requirements.txt",
        "flask\nPyYAML",
    ),
    "empty requirements.txt": ({"requirements.txt": ""}, "requirements.txt", "PyYAML\n"),
    "no dependency file yet": ({}, "requirements.txt", "PyYAML\n"),
    "pyproject with a multi-line list": (
        {"pyproject.toml": '[project]\nname = "shop"\ndependencies = [\n  "flask",\n]\n'},
        "pyproject.toml",
        '[project]\nname = "shop"\ndependencies = [\n  "PyYAML",\n  "flask",\n]\n',
    ),
    "pyproject with a one-line list": (
        {"pyproject.toml": '[project]\nname = "shop"\ndependencies = ["flask"]\n'},
        "pyproject.toml",
        '[project]\nname = "shop"\ndependencies = ["flask", "PyYAML"]\n',
    ),
    "Poetry": (
        {
            "pyproject.toml": '[tool.poetry]\nname = "shop"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n'
        },
        "pyproject.toml",
        '[tool.poetry]\nname = "shop"\n\n[tool.poetry.dependencies]\nPyYAML = "*"\npython = "^3.11"\n',
    ),
}


@pytest.mark.parametrize("name", list(REQUIREMENTS_CASES))
def test_dependency_fix_declares_the_package_and_the_hint_goes_away(name: str) -> None:
    files, target, expected = REQUIREMENTS_CASES[name]
    workspace = Workspace({**files, "app.py": "import yaml\n\nprint(yaml.safe_load('a: 1'))\n"})
    (finding,) = workspace.findings("RC901")
    assert finding.fix is not None
    workspace.apply(finding.fix)
    assert workspace.files[target] == expected
    assert workspace.findings("RC901") == []


@pytest.mark.parametrize(
    ("tracked", "gitignore", "entry"),
    [
        ([".env", "app.py"], "__pycache__/\n", ".env"),
        (["venv/pyvenv.cfg", "venv/bin/python", "app.py"], None, "venv/"),
        (["instance/app.db", "app.py"], "*.pyc", "*.db"),
        ([".env.production", "app.py"], "", ".env.*"),
    ],
)
def test_gitignore_fix_lists_the_file_then_the_lesson_asks_for_git_rm_cached(
    tracked: list[str], gitignore: str | None, entry: str
) -> None:
    offender = tracked[0]
    files = {path: "" for path in tracked if not path.endswith(("python",))}
    files["app.py"] = "print('hi')\n"
    if gitignore is not None:
        files[".gitignore"] = gitignore
    workspace = Workspace(files, tracked=tracked)
    (finding,) = workspace.findings("RC1001")
    assert finding.path == offender
    assert finding.fix is not None
    workspace.apply(finding.fix)
    assert entry in workspace.files[".gitignore"].splitlines()
    (after,) = workspace.findings("RC1001")
    assert after.fix is None and "git rm" in after.message and "--cached" in after.message
    untracked = Workspace(workspace.files, tracked=["app.py", ".gitignore"])
    assert untracked.findings("RC1001") == []
