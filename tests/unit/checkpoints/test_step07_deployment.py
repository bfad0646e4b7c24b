"""Step 7, deployment: Dockerfiles, Compose, application servers, nginx, platforms
and CI, found by name and by what the file really says."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, milestones, write

CONTAINERS = fixture("deployment", "containerised")
VPS = fixture("deployment", "vps-supervisor")
MICROBLOG = fixture("tutorials", "microblog")

FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"


# -- deploy.dockerfile -----------------------------------------------------------------


def test_dockerfile_is_a_milestone_at_its_from_line() -> None:
    assert milestones(CONTAINERS)["deploy.dockerfile"] == ["Dockerfile:2"]


def test_named_dockerfile_in_a_folder_counts(tmp_path: Path) -> None:
    write(tmp_path, {"docker/api.Dockerfile": "FROM python:3.12\nCOPY . /app\n"})
    assert milestones(tmp_path)["deploy.dockerfile"] == ["docker/api.Dockerfile:1"]


def test_empty_dockerfile_is_not_a_dockerfile(tmp_path: Path) -> None:
    write(tmp_path, {"Dockerfile": "", "app.py": FLASK_APP})
    assert "deploy.dockerfile" not in milestones(tmp_path)


def test_readme_about_docker_is_not_a_dockerfile(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "README.md": "## Docker\n\nFROM python:3.12 is what we will use.\n",
            "docs/docker.txt": "FROM python:3.12\n",
            "Dockerfile": "# TODO: write the Dockerfile\n",
        },
    )
    assert "deploy.dockerfile" not in milestones(tmp_path)


# -- deploy.compose --------------------------------------------------------------------


def test_compose_file_is_a_milestone() -> None:
    assert milestones(CONTAINERS)["deploy.compose"] == ["compose.yaml:1"]


def test_versioned_docker_compose_yml_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"docker-compose.yml": "version: '3.8'\n\nservices:\n  web:\n    build: .\n"},
    )
    assert milestones(tmp_path)["deploy.compose"] == ["docker-compose.yml:3"]


def test_other_yaml_with_services_is_not_compose(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "config/services.yaml": "services:\n  mailer:\n    class: Mailer\n",
            "docker-compose.yml": "# services will go here\n",
        },
    )
    assert "deploy.compose" not in milestones(tmp_path)


# -- deploy.app-server -----------------------------------------------------------------


def test_gunicorn_in_the_dockerfile_cmd_is_an_app_server() -> None:
    assert "Dockerfile:9" in milestones(CONTAINERS)["deploy.app-server"]


def test_supervisor_conf_that_starts_gunicorn_is_an_app_server() -> None:
    assert "deploy/myapp.conf:3" in milestones(VPS)["deploy.app-server"]


def test_systemd_unit_that_starts_gunicorn_is_an_app_server() -> None:
    assert "deploy/gunicorn.service:8" in milestones(VPS)["deploy.app-server"]


def test_procfile_web_process_is_an_app_server() -> None:
    assert "Procfile:1" in milestones(VPS)["deploy.app-server"]


def test_gunicorn_config_file_is_an_app_server(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"gunicorn.conf.py": "bind = '0.0.0.0:8000'\nworkers = 4\n", "app.py": FLASK_APP},
    )
    assert milestones(tmp_path)["deploy.app-server"] == ["gunicorn.conf.py:1", "gunicorn.conf.py:2"]


def test_gunicorn_in_requirements_is_an_app_server(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "flask==3.0.3\ngunicorn==22.0.0\n"})
    assert milestones(tmp_path)["deploy.app-server"] == ["requirements.txt:2"]  # gunicorn


def test_development_server_is_not_an_app_server(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": FLASK_APP + "\nif __name__ == '__main__':\n    app.run(host='0.0.0.0')\n",
            "Dockerfile": "FROM python:3.12\n# TODO: switch to gunicorn\n"
            'CMD ["flask", "run", "--host=0.0.0.0"]\n',
            "deploy/app.conf": "[program:app]\ncommand=/srv/venv/bin/python app.py\n",
            "README.md": "Run with gunicorn in production.\n",
            "requirements.txt": "flask\n",
        },
    )
    assert "deploy.app-server" not in milestones(tmp_path)


# -- deploy.nginx ----------------------------------------------------------------------


def test_nginx_conf_is_a_milestone() -> None:
    assert milestones(CONTAINERS)["deploy.nginx"] == ["nginx/nginx.conf:5"]


def test_nginx_site_without_extension_counts() -> None:
    assert milestones(VPS)["deploy.nginx"] == ["deploy/nginx/sites-available/myapp:1"]


def test_other_conf_files_are_not_nginx(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "deploy/app.conf": "[program:app]\ncommand=/srv/venv/bin/gunicorn app:app\n",
            "logging.conf": "[loggers]\nkeys=root\n\n[logger_root]\nlevel=INFO\n",
            "redis.conf": "bind 127.0.0.1\nport 6379\n",
            "notes/nginx.md": "server { proxy_pass http://app; }\n",
        },
    )
    assert "deploy.nginx" not in milestones(tmp_path)


# -- deploy.platform -------------------------------------------------------------------


def test_fly_toml_is_a_platform() -> None:
    assert milestones(CONTAINERS)["deploy.platform"] == ["fly.toml:1"]


def test_heroku_procfile_is_a_platform() -> None:
    assert milestones(VPS)["deploy.platform"] == ["Procfile:1"]


def test_render_and_app_engine_configs_are_platforms(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "render.yaml": "services:\n  - type: web\n    name: api\n    runtime: python\n",
            "app.yaml": "runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\n",
        },
    )
    assert milestones(tmp_path)["deploy.platform"] == ["app.yaml:1", "render.yaml:1"]


def test_app_settings_yaml_and_empty_procfile_are_not_platforms(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.yaml": "title: My blog\npage_size: 10\n",
            "Procfile": "",
            "config.yaml": "runtime: 30\n",
        },
    )
    assert "deploy.platform" not in milestones(tmp_path)


# -- deploy.ci -------------------------------------------------------------------------


def test_github_actions_workflow_is_ci() -> None:
    assert milestones(CONTAINERS)["deploy.ci"] == [".github/workflows/ci.yml:3"]


def test_gitlab_ci_counts(tmp_path: Path) -> None:
    write(tmp_path, {".gitlab-ci.yml": "test:\n  image: python:3.12\n  script:\n    - pytest\n"})
    assert milestones(tmp_path)["deploy.ci"] == [".gitlab-ci.yml:1"]


def test_github_config_that_is_not_a_workflow_is_not_ci(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: pip\n",
            ".github/ISSUE_TEMPLATE/bug.yml": "name: Bug\nbody: []\n",
            "workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
            ".github/workflows/draft.yml": "# name: CI (not written yet)\n",
        },
    )
    assert "deploy.ci" not in milestones(tmp_path)


# -- a tutorial project, chapter by chapter ---------------------------------------------


def test_mega_tutorial_docker_and_heroku_deployment() -> None:
    found = milestones(MICROBLOG)
    assert found["deploy.dockerfile"] == ["Dockerfile:1"]
    assert "boot.sh:11" in found["deploy.app-server"]  # exec gunicorn …, not the comment
    assert found["deploy.platform"] == ["Procfile:1"]
    assert "deploy.compose" not in found and "deploy.ci" not in found
