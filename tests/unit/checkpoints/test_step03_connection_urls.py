"""db.server-database however the connection URL is written: built with an f-string or
`.format`, returned by a settings property, assembled from parts, or set only in
deployment config for a variable the code reads. Prose, and a database in Compose that
no code talks to, do not count."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, milestones, write

from roadmap_coach.analysis.files import analyze_bytes

COMPOSE = fixture("databases", "compose-env-url")
BUILT = fixture("databases", "built-url")
UNUSED = fixture("databases", "compose-unused-db")


def test_compose_environment_url_read_by_a_pydantic_settings_field_counts() -> None:
    assert milestones(COMPOSE)["db.server-database"] == [
        "app/settings.py:6",  # database_url: str
        "docker-compose.yml:8",  # DATABASE_URL: postgresql+psycopg://…
    ]


def test_urls_built_in_a_property_and_with_format_count() -> None:
    assert milestones(BUILT)["db.server-database"] == [
        "inventory/config.py:12",  # f"mysql+pymysql://{…}" returned by a property
        "inventory/config.py:17",  # "postgresql://reports@{}/{}".format(…)
    ]


def test_a_compose_database_nobody_reads_and_urls_in_prose_do_not_count() -> None:
    found = milestones(UNUSED)
    assert "db.server-database" not in found


def test_dotenv_url_read_with_getenv_counts_and_keeps_no_value(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".env": "SECRET_KEY=change-me\nDATABASE_URL=postgres://shop:s3cr3t-pw@localhost/shop\n",
            "shop/db.py": "import os\n\nimport sqlalchemy\n\n"
            'engine = sqlalchemy.create_engine(os.getenv("DATABASE_URL", "sqlite:///dev.db"))\n',
        },
    )
    assert milestones(tmp_path)["db.server-database"] == [".env:2", "shop/db.py:5"]
    facts = analyze_bytes(".env", (tmp_path / ".env").read_bytes())
    assert facts.lines == [] and "s3cr3t-pw" not in facts.to_json()
    assert [(s.name, s.scheme, s.line) for s in facts.env_urls] == [("DATABASE_URL", "postgres", 1)]


def test_kubernetes_env_and_a_compose_list_entry_read_by_django_environ_count(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "deploy/web.yaml": "spec:\n  containers:\n    - name: web\n      env:\n"
            "        - name: ORDERS_DB\n          value: mysql://orders@mysql/orders\n",
            "compose.yaml": "services:\n  web:\n    environment:\n"
            "      - REPORTS_DB=postgresql://reports@db/reports\n",
            "site/settings.py": "import environ\n\nenv = environ.Env()\n\n"
            'DATABASES = {\n    "default": env.db("REPORTS_DB"),\n    "orders": env.db_url("ORDERS_DB"),\n}\n',
        },
    )
    assert milestones(tmp_path)["db.server-database"] == [
        "compose.yaml:4",
        "deploy/web.yaml:6",
        "site/settings.py:6",
        "site/settings.py:7",
    ]


def test_sqlalchemy_url_create_and_pydantic_dsn_build_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "db.py": "import os\n\nfrom sqlalchemy import URL\n\n"
            'url = URL.create("postgresql+psycopg2", username="app", host=os.environ["DB_HOST"])\n',
            "settings.py": "from pydantic import PostgresDsn\n\n\n"
            "def dsn(user, host):\n"
            '    return PostgresDsn.build(scheme="postgresql+asyncpg", username=user, host=host)\n',
        },
    )
    assert milestones(tmp_path)["db.server-database"] == ["db.py:5", "settings.py:5"]


def test_a_variable_set_to_another_scheme_or_read_nowhere_does_not_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    environment:\n"
            "      CACHE_URL: redis://cache:6379/0\n      DATABASE_URL: sqlite:////data/app.db\n"
            "  db:\n    image: mysql:8\n",
            "app.py": "import os\n\nCACHE = os.environ['CACHE_URL']\nDB = os.environ['DATABASE_URL']\n",
        },
    )
    assert "db.server-database" not in milestones(tmp_path)
