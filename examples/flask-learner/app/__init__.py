"""A small library app a learner builds chapter by chapter."""

import logging
import os

from flask import Flask

logger = logging.getLogger(__name__)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev-only")
    app.config["DATABASE"] = os.path.join(app.instance_path, "library.sqlite3")
    if config:
        app.config.update(config)
    logging.basicConfig(level=logging.INFO)

    from app.routes import bp

    app.register_blueprint(bp)
    logger.info("app created")
    return app
