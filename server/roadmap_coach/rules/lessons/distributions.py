"""Which package on PyPI provides an import, when the names differ.

`import yaml` needs `PyYAML`, `import jwt` needs `PyJWT`. Imports not listed here
are assumed to be provided by a distribution of the same name (PEP 503 normalised,
so `flask_sqlalchemy` matches `Flask-SQLAlchemy`). The first name of each entry is
the one a fix adds.
"""

from __future__ import annotations

from roadmap_coach.analysis.dependencies import normalize_name

PROVIDERS: dict[str, tuple[str, ...]] = {
    "yaml": ("PyYAML",),
    "jwt": ("PyJWT",),
    "bs4": ("beautifulsoup4",),
    "PIL": ("Pillow",),
    "dotenv": ("python-dotenv",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "dateutil": ("python-dateutil",),
    "psycopg2": ("psycopg2-binary", "psycopg2"),
    "psycopg": ("psycopg",),
    "MySQLdb": ("mysqlclient",),
    "mysql": ("mysql-connector-python",),
    "jose": ("python-jose",),
    "multipart": ("python-multipart",),
    "magic": ("python-magic",),
    "attr": ("attrs",),
    "OpenSSL": ("pyOpenSSL",),
    "Crypto": ("pycryptodome",),
    "Cryptodome": ("pycryptodomex",),
    "serial": ("pyserial",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "telegram": ("python-telegram-bot",),
    "slugify": ("python-slugify",),
    "decouple": ("python-decouple",),
    "environ": ("django-environ",),
    "rest_framework": ("djangorestframework",),
    "rest_framework_simplejwt": ("djangorestframework-simplejwt",),
    "corsheaders": ("django-cors-headers",),
    "debug_toolbar": ("django-debug-toolbar",),
    "django_filters": ("django-filter",),
    "crispy_forms": ("django-crispy-forms",),
    "allauth": ("django-allauth",),
    "storages": ("django-storages",),
    "pydantic_settings": ("pydantic-settings",),
    "bson": ("pymongo",),
    "gridfs": ("pymongo",),
    "git": ("GitPython",),
    "github": ("PyGithub",),
    "dns": ("dnspython",),
    "nacl": ("PyNaCl",),
    "zmq": ("pyzmq",),
    "websocket": ("websocket-client",),
    "socketio": ("python-socketio",),
    "engineio": ("python-engineio",),
    "argon2": ("argon2-cffi",),
    "ldap": ("python-ldap",),
    "mpl_toolkits": ("matplotlib",),
    "pkg_resources": ("setuptools",),
    "_pytest": ("pytest",),
    "google.protobuf": ("protobuf",),
    "google.cloud.storage": ("google-cloud-storage",),
    "google.cloud.firestore": ("google-cloud-firestore",),
    "google.generativeai": ("google-generativeai",),
    "grpc": ("grpcio",),
    "fitz": ("PyMuPDF",),
    "win32api": ("pywin32",),
    "kafka": ("kafka-python",),
    "paho": ("paho-mqtt",),
    "factory": ("factory-boy",),
    "strawberry": ("strawberry-graphql",),
    "graphene_django": ("graphene-django",),
    "jinja2": ("Jinja2",),
    "markdown": ("Markdown",),
    "Levenshtein": ("Levenshtein", "python-Levenshtein"),
    "ruamel": ("ruamel.yaml",),
    "sentry_sdk": ("sentry-sdk",),
    "email_validator": ("email-validator",),
    "itsdangerous": ("itsdangerous",),
    "tomli_w": ("tomli-w",),
    "typing_extensions": ("typing-extensions",),
    "tortoise": ("tortoise-orm",),
    "telebot": ("pyTelegramBotAPI",),
    "discord": ("discord.py",),
    "googleapiclient": ("google-api-python-client",),
    "google.auth": ("google-auth",),
    "google.oauth2": ("google-auth",),
    "social_django": ("social-auth-app-django",),
    "social_core": ("social-auth-core",),
    "oauth2_provider": ("django-oauth-toolkit",),
    "knox": ("django-rest-knox",),
    "taggit": ("django-taggit",),
    "mptt": ("django-mptt",),
    "import_export": ("django-import-export",),
    "phonenumber_field": ("django-phonenumber-field",),
    "polymorphic": ("django-polymorphic",),
    "guardian": ("django-guardian",),
    "ckeditor": ("django-ckeditor",),
    "tinymce": ("django-tinymce",),
    "django_celery_beat": ("django-celery-beat",),
    "django_celery_results": ("django-celery-results",),
    "dj_rest_auth": ("dj-rest-auth",),
    "rest_framework_nested": ("drf-nested-routers",),
    "graphql_jwt": ("django-graphql-jwt",),
    "azure.storage.blob": ("azure-storage-blob",),
    "azure.identity": ("azure-identity",),
    "snowflake.connector": ("snowflake-connector-python",),
    "usb": ("pyusb",),
    "gi": ("PyGObject",),
    "wx": ("wxPython",),
    "win32com": ("pywin32",),
    "pythoncom": ("pywin32",),
    "u2flib_server": ("python-u2flib-server",),
    "memcache": ("python-memcached",),
    "Xlib": ("python-xlib",),
    "material": ("mkdocs-material",),
}

# What a declared distribution brings along: importing these is fine when their
# parent is declared (a learner who lists Flask may import werkzeug).
BRINGS: dict[str, frozenset[str]] = {
    "flask": frozenset({"werkzeug", "jinja2", "click", "itsdangerous", "markupsafe", "blinker"}),
    "django": frozenset({"asgiref", "sqlparse"}),
    "fastapi": frozenset({"starlette", "pydantic", "typing-extensions", "anyio"}),
    "requests": frozenset({"urllib3", "idna", "certifi", "charset-normalizer"}),
    "httpx": frozenset({"httpcore", "anyio", "certifi", "idna"}),
    "uvicorn": frozenset({"click", "h11"}),
    "pydantic": frozenset({"pydantic-core", "typing-extensions", "annotated-types"}),
    "sqlmodel": frozenset({"sqlalchemy", "pydantic"}),
    "flask-sqlalchemy": frozenset({"sqlalchemy"}),
    "flask-migrate": frozenset({"alembic", "flask-sqlalchemy", "sqlalchemy"}),
    "flask-wtf": frozenset({"wtforms"}),
    "flask-bcrypt": frozenset({"bcrypt"}),
    "flask-jwt-extended": frozenset({"pyjwt"}),
    "flask-restx": frozenset({"aniso8601", "jsonschema", "pytz"}),
    "flask-login": frozenset(),
    "pytest-django": frozenset({"pytest"}),
    "pytest-asyncio": frozenset({"pytest"}),
    "pytest-mock": frozenset({"pytest"}),
    "pytest-cov": frozenset({"pytest", "coverage"}),
    "requests-oauthlib": frozenset({"oauthlib", "requests"}),
    "authlib": frozenset({"cryptography"}),
    "mongoengine": frozenset({"pymongo"}),
    "social-auth-app-django": frozenset({"social-auth-core"}),
    "dj-rest-auth": frozenset({"djangorestframework"}),
    "alembic": frozenset({"sqlalchemy", "mako"}),
    "celery": frozenset({"kombu", "billiard", "vine"}),
    "boto3": frozenset({"botocore", "s3transfer"}),
    "pytest": frozenset({"pluggy", "iniconfig"}),
    "djangorestframework": frozenset({"django"}),
    "djangorestframework-simplejwt": frozenset({"pyjwt", "djangorestframework"}),
    "python-jose": frozenset({"ecdsa", "rsa", "pyasn1"}),
    "passlib": frozenset(),
    "pymongo": frozenset({"dnspython"}),
    "motor": frozenset({"pymongo"}),
    "beanie": frozenset({"motor", "pymongo", "pydantic"}),
    "fastapi-users-db-beanie": frozenset({"beanie", "fastapi-users"}),
    "fastapi-users-db-sqlalchemy": frozenset({"sqlalchemy", "fastapi-users"}),
    "strawberry-graphql": frozenset({"graphql-core"}),
    "aiohttp": frozenset({"multidict", "yarl", "aiosignal"}),
    "matplotlib": frozenset({"numpy"}),
    "pandas": frozenset({"numpy", "python-dateutil", "pytz"}),
    "scikit-learn": frozenset({"numpy", "scipy", "joblib"}),
    "mkdocs-material": frozenset(
        {"mkdocs", "jinja2", "markdown", "pygments", "pymdown-extensions"}
    ),
    "mkdocs": frozenset({"click", "jinja2", "markdown", "pyyaml", "watchdog"}),
}


# What `name[extra]` installs on top of `name`: `passlib[bcrypt]` brings bcrypt.
EXTRAS: dict[str, dict[str, frozenset[str]]] = {
    "passlib": {
        "bcrypt": frozenset({"bcrypt"}),
        "argon2": frozenset({"argon2-cffi"}),
        "totp": frozenset({"cryptography"}),
    },
    "python-jose": {
        "cryptography": frozenset({"cryptography"}),
        "pycryptodome": frozenset({"pycryptodome"}),
    },
    "pyjwt": {"crypto": frozenset({"cryptography"})},
    "django": {"bcrypt": frozenset({"bcrypt"}), "argon2": frozenset({"argon2-cffi"})},
    "uvicorn": {
        "standard": frozenset(
            {"uvloop", "httptools", "websockets", "watchfiles", "python-dotenv", "pyyaml"}
        )
    },
    "fastapi": {
        "standard": frozenset(
            {"uvicorn", "httpx", "jinja2", "python-multipart", "email-validator", "fastapi-cli"}
        ),
        "all": frozenset(
            {
                "uvicorn",
                "httpx",
                "jinja2",
                "python-multipart",
                "email-validator",
                "itsdangerous",
                "pyyaml",
                "ujson",
                "orjson",
                "pydantic-settings",
                "pydantic-extra-types",
            }
        ),
    },
    "pydantic": {"email": frozenset({"email-validator"})},
    "psycopg": {
        "binary": frozenset({"psycopg-binary"}),
        "pool": frozenset({"psycopg-pool"}),
        "c": frozenset({"psycopg-c"}),
    },
    "sqlalchemy": {
        "asyncio": frozenset({"greenlet"}),
        "postgresql": frozenset({"psycopg2"}),
        "postgresql-psycopg2binary": frozenset({"psycopg2-binary"}),
        "postgresql-psycopg": frozenset({"psycopg"}),
        "postgresql-asyncpg": frozenset({"asyncpg", "greenlet"}),
        "mysql": frozenset({"mysqlclient"}),
        "pymysql": frozenset({"pymysql"}),
        "aiosqlite": frozenset({"aiosqlite", "greenlet"}),
    },
    "celery": {"redis": frozenset({"redis"}), "sqs": frozenset({"boto3"})},
    "django-storages": {
        "boto3": frozenset({"boto3"}),
        "s3": frozenset({"boto3"}),
        "google": frozenset({"google-cloud-storage"}),
        "azure": frozenset({"azure-storage-blob"}),
    },
    "requests": {"socks": frozenset({"pysocks"})},
    "flask": {"async": frozenset({"asgiref"}), "dotenv": frozenset({"python-dotenv"})},
    "httpx": {"http2": frozenset({"h2"})},
    "redis": {"hiredis": frozenset({"hiredis"})},
    "pymongo": {"srv": frozenset({"dnspython"})},
    "qrcode": {"pil": frozenset({"pillow"})},
    "sentry-sdk": {
        "flask": frozenset({"blinker"}),
        "fastapi": frozenset(),
        "django": frozenset(),
    },
    "strawberry-graphql": {"fastapi": frozenset({"fastapi"}), "django": frozenset({"asgiref"})},
    "fastapi-users": {
        "sqlalchemy": frozenset({"fastapi-users-db-sqlalchemy"}),
        "beanie": frozenset({"fastapi-users-db-beanie"}),
        "oauth": frozenset({"httpx-oauth"}),
    },
    "coverage": {"toml": frozenset({"tomli"})},
}


def providers(module: str) -> tuple[str, ...]:
    """Distributions that provide `module` (dotted), best guess first."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        found = PROVIDERS.get(".".join(parts[:length]))
        if found:
            return found
    return (parts[0],)


def covered(declared: set[str]) -> set[str]:
    """Declared distributions plus what they and their extras bring along (normalised
    names; `declared` may hold "passlib[bcrypt]" next to "passlib")."""
    names = {d for d in declared if "[" not in d}
    for entry in declared - names:
        name, _, extra = entry.partition("[")
        names |= EXTRAS.get(name, {}).get(extra.rstrip("]"), frozenset())
    pending = list(names)
    while pending:
        for brought in BRINGS.get(pending.pop(), frozenset()):
            if brought not in names:
                names.add(brought)
                pending.append(brought)
    return names


def is_declared(module: str, declared: set[str]) -> bool:
    return any(normalize_name(p) in declared for p in providers(module))
