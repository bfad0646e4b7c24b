"""Step 3, databases: SQL through a DB-API connection, ORM models, relationships,
migrations and other stores; prose, requirement lines and plain classes do not count."""

from __future__ import annotations

SQLITE_CRUD = (
    "import sqlite3\n\n"
    'conn = sqlite3.connect("library.db")\n'
    "cur = conn.cursor()\n"
    'cur.execute("SELECT id, title FROM books")\n'
    'cur.execute("INSERT INTO books (title) VALUES (?)", ("Dune",))\n'
    'cur.execute("UPDATE books SET title = ? WHERE id = ?", ("Emma", 1))\n'
    'cur.execute("DELETE FROM books WHERE id = ?", (1,))\n'
)

# -- db.sql-query ----------------------------------------------------------------------


def test_sql_sent_through_a_sqlite_cursor_is_a_milestone(scan) -> None:
    found = scan(
        {
            "books.py": "import sqlite3\n\n"
            'conn = sqlite3.connect("library.db")\ncur = conn.cursor()\n'
            'cur.execute("SELECT id, title FROM books")\nprint(cur.fetchall())\n'
        }
    )
    assert found.at("db.sql-query") == ["books.py:5"]


def test_sql_kept_in_a_variable_then_executed_is_a_milestone(scan) -> None:
    found = scan(
        {
            "books.py": "def add(conn, title):\n"
            '    query = "INSERT INTO books (title) VALUES (?)"\n'
            "    conn.execute(query, (title,))\n"
        }
    )
    assert found.at("db.sql-query") == ["books.py:3"]


def test_execute_of_a_non_sql_string_and_sql_words_in_prose_are_not_queries(scan) -> None:
    found = scan(
        {
            "deploy.py": "def run(executor, name):\n"
            '    executor.execute("deploy --prod")\n'
            '    print("select the best from the list")\n'
            '    executor.execute(f"notify {name}")\n'
        }
    )
    assert "db.sql-query" not in found


# -- db.sql-crud -----------------------------------------------------------------------


def test_select_insert_update_and_delete_are_crud(scan) -> None:
    found = scan({"books.py": SQLITE_CRUD})
    assert found.at("db.sql-crud") == ["books.py:5", "books.py:6", "books.py:7", "books.py:8"]


def test_three_verbs_plus_delete_in_a_translated_message_are_not_crud(scan) -> None:
    found = scan(
        {
            "books.py": SQLITE_CRUD.replace(
                'cur.execute("DELETE FROM books WHERE id = ?", (1,))\n',
                "from gettext import gettext\n\n"
                'print(gettext("Delete from your list the books you have read"))\n',
            )
        }
    )
    assert "db.sql-crud" not in found
    assert "db.sql-query" in found


# -- db.sqlalchemy-model ---------------------------------------------------------------


def test_flask_sqlalchemy_model_is_a_milestone(scan) -> None:
    found = scan(
        {
            "app.py": "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\n"
            "app = Flask(__name__)\ndb = SQLAlchemy(app)\n\n\n"
            "class User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
        }
    )
    assert found.at("db.sqlalchemy-model") == ["app.py:8"]


def test_model_on_a_db_imported_from_the_app_package_is_a_milestone(scan) -> None:
    # The Flask Mega-Tutorial, chapter 4: `from app import db` in models.py.
    found = scan(
        {
            "app/__init__.py": "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\n"
            "app = Flask(__name__)\ndb = SQLAlchemy(app)\n",
            "app/models.py": "import sqlalchemy as sa\nimport sqlalchemy.orm as so\n\nfrom app import db\n\n\n"
            "class User(db.Model):\n"
            "    id: so.Mapped[int] = so.mapped_column(primary_key=True)\n"
            "    username: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)\n",
        }
    )
    assert found.at("db.sqlalchemy-model") == ["app/models.py:7"]


def test_sqlalchemy_2_declarative_model_is_a_milestone(scan) -> None:
    found = scan(
        {
            "models.py": "from sqlalchemy import String\n"
            "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
            "class Base(DeclarativeBase):\n    pass\n\n\n"
            'class User(Base):\n    __tablename__ = "user_account"\n'
            "    id: Mapped[int] = mapped_column(primary_key=True)\n"
            "    name: Mapped[str] = mapped_column(String(30))\n"
        }
    )
    assert found.at("db.sqlalchemy-model") == ["models.py:9"]


def test_sqlmodel_table_through_a_base_class_is_a_milestone(scan) -> None:
    found = scan(
        {
            "models.py": "from sqlmodel import Field, SQLModel\n\n\n"
            "class HeroBase(SQLModel):\n    name: str\n\n\n"
            "class Hero(HeroBase, table=True):\n"
            "    id: int | None = Field(default=None, primary_key=True)\n\n\n"
            "class HeroCreate(HeroBase):\n    secret_name: str\n"
        }
    )
    assert found.at("db.sqlalchemy-model") == ["models.py:8"]


def test_config_class_and_pydantic_schemas_are_not_models(scan) -> None:
    found = scan(
        {
            "config.py": "class Config:\n    DEBUG = True\n    SQLALCHEMY_DATABASE_URI = 'sqlite:///app.db'\n",
            "schemas.py": "from pydantic import BaseModel\n\n\nclass UserIn(BaseModel):\n    name: str\n",
            "heroes.py": "from sqlmodel import SQLModel\n\n\nclass HeroCreate(SQLModel):\n    name: str\n",
            "base.py": "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n",
        }
    )
    assert "db.sqlalchemy-model" not in found


# -- db.django-model -------------------------------------------------------------------


def test_models_model_subclass_is_a_django_model(scan) -> None:
    found = scan(
        {
            "polls/models.py": "from django.db import models\n\n\nclass Question(models.Model):\n"
            "    question_text = models.CharField(max_length=200)\n"
        }
    )
    assert found.at("db.django-model") == ["polls/models.py:4"]


def test_model_form_and_a_class_of_your_own_named_model_are_not_django_models(scan) -> None:
    found = scan(
        {
            "polls/forms.py": "from django import forms\n\n\nclass QuestionForm(forms.ModelForm):\n"
            "    pass\n",
            "orm.py": "class Model:\n    pass\n\n\nclass Question(Model):\n    pass\n",
        }
    )
    assert "db.django-model" not in found


# -- db.relationship -------------------------------------------------------------------


def test_foreign_key_and_relationship_in_sqlalchemy_models_are_a_milestone(scan) -> None:
    found = scan(
        {
            "models.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n\n"
            "class Post(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
            '    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))\n'
            '    author = db.relationship("User", back_populates="posts")\n'
        }
    )
    assert found.at("db.relationship") == ["models.py:8", "models.py:9"]


def test_sqlmodel_foreign_key_field_is_a_relationship(scan) -> None:
    found = scan(
        {
            "models.py": "from sqlmodel import Field, SQLModel\n\n\nclass Hero(SQLModel, table=True):\n"
            "    id: int | None = Field(default=None, primary_key=True)\n"
            '    team_id: int | None = Field(default=None, foreign_key="team.id")\n'
        }
    )
    assert found.at("db.relationship") == ["models.py:6"]


def test_relationship_word_without_an_orm_and_generated_migrations_do_not_count(scan) -> None:
    found = scan(
        {
            "family.py": "def relationship(a, b):\n    return f'{a} knows {b}'\n\n\n"
            'print(relationship("Ann", "Bob"))\n',
            "schema.sql": "CREATE TABLE post (author_id INTEGER, FOREIGN KEY (author_id) REFERENCES user (id));\n",
            "polls/migrations/0002_choice.py": "from django.db import migrations, models\n\n\n"
            "class Migration(migrations.Migration):\n    operations = [\n"
            "        migrations.AddField(\n"
            '            model_name="choice", name="question",\n'
            '            field=models.ForeignKey(on_delete=models.CASCADE, to="polls.question"),\n'
            "        ),\n    ]\n",
        }
    )
    assert "db.relationship" not in found


# -- db.migration ----------------------------------------------------------------------


def test_alembic_revision_is_a_migration(scan) -> None:
    found = scan(
        {
            "migrations/versions/3f2a1b_add_users.py": '"""add users"""\nimport sqlalchemy as sa\n'
            "from alembic import op\n\n"
            'revision = "3f2a1b"\ndown_revision = None\n\n\n'
            'def upgrade():\n    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True))\n\n\n'
            'def downgrade():\n    op.drop_table("users")\n'
        }
    )
    assert found.at("db.migration") == ["migrations/versions/3f2a1b_add_users.py:9"]


def test_django_initial_migration_is_a_migration(scan) -> None:
    found = scan(
        {
            "polls/migrations/__init__.py": "",
            "polls/migrations/0001_initial.py": "from django.db import migrations, models\n\n\n"
            "class Migration(migrations.Migration):\n    initial = True\n    operations = []\n",
        }
    )
    assert found.at("db.migration") == ["polls/migrations/0001_initial.py:4"]


def test_empty_migrations_folder_and_other_versions_are_not_migrations(scan) -> None:
    found = scan(
        {
            "polls/migrations/__init__.py": "",
            "docs/versions/v2.py": "def upgrade():\n    print('read the changelog')\n",
            "migrate.py": "import shutil\n\n\ndef upgrade():\n    shutil.copy('a.db', 'b.db')\n",
        }
    )
    assert "db.migration" not in found


# -- db.server-database ----------------------------------------------------------------


def test_postgres_driver_import_is_a_server_database(scan) -> None:
    found = scan(
        {
            "db.py": "import psycopg2\n\n\ndef connect(dsn):\n    return psycopg2.connect(dsn)\n",
        }
    )
    assert found.at("db.server-database") == ["db.py:1"]


def test_postgres_url_built_in_an_fstring_is_a_server_database(scan) -> None:
    found = scan(
        {
            "database.py": "import os\n\nfrom sqlalchemy import create_engine\n\n"
            'user = os.environ["DB_USER"]\n'
            'engine = create_engine(f"postgresql://{user}@localhost:5432/shop")\n',
        }
    )
    assert found.at("db.server-database") == ["database.py:6"]


def test_django_settings_with_the_postgresql_engine_are_a_server_database(scan) -> None:
    found = scan(
        {
            "mysite/settings.py": "DATABASES = {\n"
            '    "default": {\n'
            '        "ENGINE": "django.db.backends.postgresql",\n'
            '        "NAME": "mysite",\n'
            "    }\n}\n"
        }
    )
    assert found.at("db.server-database") == ["mysite/settings.py:3"]


def test_requirement_line_sqlite_url_and_prose_are_not_a_connection(scan) -> None:
    found = scan(
        {
            "requirements.txt": "flask\npsycopg2-binary==2.9.10\nmysqlclient\n",
            "config.py": '"""Later we will move to postgresql://db/app."""\n'
            'SQLALCHEMY_DATABASE_URI = "sqlite:///app.db"\n'
            "# DATABASE_URL = 'postgresql://localhost/app'\n",
        }
    )
    assert "db.server-database" not in found


# -- db.redis --------------------------------------------------------------------------


def test_redis_client_is_a_milestone(scan) -> None:
    found = scan(
        {
            "cache.py": "import redis\n\n"
            'r = redis.Redis(host="localhost", port=6379, decode_responses=True)\n'
            'r.set("visits", 0)\n'
        }
    )
    assert found.at("db.redis") == ["cache.py:3", "cache.py:4"]


def test_redis_in_requirements_and_a_dict_named_redis_are_not_a_client(scan) -> None:
    found = scan(
        {
            "requirements.txt": "redis==5.2.1\n",
            "settings.py": 'redis = {"host": "localhost"}\nHOST = redis.get("host")\n',
        }
    )
    assert "db.redis" not in found


# -- db.mongodb ------------------------------------------------------------------------


def test_mongo_client_is_a_milestone(scan) -> None:
    found = scan(
        {
            "store.py": "from pymongo import MongoClient\n\n"
            'client = MongoClient("mongodb://localhost:27017")\nbooks = client.library.books\n'
        }
    )
    assert found.at("db.mongodb") == ["store.py:3"]


def test_beanie_document_is_mongodb(scan) -> None:
    found = scan(
        {"models.py": "from beanie import Document\n\n\nclass Product(Document):\n    name: str\n"}
    )
    assert found.at("db.mongodb") == ["models.py:4"]


def test_your_own_document_class_and_a_requirement_are_not_mongodb(scan) -> None:
    found = scan(
        {
            "requirements.txt": "pymongo\n",
            "docs.py": "class Document:\n    text = ''\n\n\nclass Invoice(Document):\n    total = 0\n",
        }
    )
    assert "db.mongodb" not in found
