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
    "pydantic": frozenset({"pydantic-core", "typing-extensions"}),
    "sqlmodel": frozenset({"sqlalchemy", "pydantic"}),
    "flask-sqlalchemy": frozenset({"sqlalchemy"}),
    "flask-migrate": frozenset({"alembic", "flask-sqlalchemy", "sqlalchemy"}),
    "flask-wtf": frozenset({"wtforms"}),
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
    "strawberry-graphql": frozenset({"graphql-core"}),
    "aiohttp": frozenset({"multidict", "yarl", "aiosignal"}),
    "matplotlib": frozenset({"numpy"}),
    "pandas": frozenset({"numpy", "python-dateutil", "pytz"}),
    "scikit-learn": frozenset({"numpy", "scipy", "joblib"}),
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
    """Declared distributions plus what they bring along (normalised names)."""
    names = set(declared)
    pending = list(declared)
    while pending:
        for brought in BRINGS.get(pending.pop(), frozenset()):
            if brought not in names:
                names.add(brought)
                pending.append(brought)
    return names


def is_declared(module: str, declared: set[str]) -> bool:
    return any(normalize_name(p) in declared for p in providers(module))
