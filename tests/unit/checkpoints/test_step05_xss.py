"""sec.xss: output escaped on purpose where user input reaches HTML, or a
Content-Security-Policy header set; escaping that never reaches a web page does not count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from learner_projects import fixture, milestones, write

from roadmap_coach.cli import main

GUESTBOOK = fixture("security", "guestbook")
LOOKALIKE = fixture("security", "guestbook-lookalike")


def test_escaping_in_a_route_a_template_filter_and_a_csp_header_count() -> None:
    assert milestones(GUESTBOOK)["sec.xss"] == [
        "deploy/nginx.conf:8",  # add_header Content-Security-Policy …
        "guestbook/views.py:10",  # f"<h1>Hello, {escape(name)}!</h1>" in a route
        "guestbook/views.py:20",  # the nl2br template filter escapes each line
        "guestbook/views.py:27",  # response.headers["Content-Security-Policy"] = …
    ]


def test_unused_escape_a_report_only_policy_and_an_offline_html_script_do_not_count() -> None:
    found = milestones(LOOKALIKE)
    assert "sec.xss" not in found
    assert "web.flask-route" in found  # the project is a web app all the same


def test_scan_reports_sec_xss_at_the_escaping_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(GUESTBOOK), "--format", "json", "--no-cache"]) == 0
    report = json.loads(capsys.readouterr().out)
    (xss,) = [m for m in report["milestones"] if m["id"] == "sec.xss"]
    assert [(e["path"], e["line"]) for e in xss["evidence"]] == [
        ("deploy/nginx.conf", 8),
        ("guestbook/views.py", 10),
        ("guestbook/views.py", 20),
        ("guestbook/views.py", 27),
    ]


def test_fastapi_endpoint_escaping_with_bleach_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.py": "import bleach\nfrom fastapi import FastAPI\nfrom fastapi.responses import"
            " HTMLResponse\n\napp = FastAPI()\n\n\n"
            '@app.get("/bio/{user}", response_class=HTMLResponse)\n'
            "def bio(user: str, text: str) -> str:\n"
            "    return f\"<p>{bleach.clean(text, tags={'b', 'i'})}</p>\"\n"
        },
    )
    assert milestones(tmp_path)["sec.xss"] == ["main.py:10"]


def test_django_view_escaping_and_csp_middleware_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "polls/views.py": "from django.http import HttpResponse\n"
            "from django.utils.html import escape\n\n\n"
            "def greet(request):\n"
            "    name = request.GET.get('name', '')\n"
            "    return HttpResponse('<p>Hello ' + escape(name) + '</p>')\n",
            "site/settings.py": "MIDDLEWARE = [\n"
            '    "django.middleware.security.SecurityMiddleware",\n'
            '    "csp.middleware.CSPMiddleware",\n]\n',
        },
    )
    assert milestones(tmp_path)["sec.xss"] == ["polls/views.py:7", "site/settings.py:3"]


def test_escape_in_a_plain_helper_module_and_a_csp_comment_do_not_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "text_tools.py": "import html\n\n\ndef to_html(text):\n"
            "    return '<pre>' + html.escape(text) + '</pre>'\n",
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
            "@app.get('/')\ndef index():\n"
            "    # TODO: set a Content-Security-Policy header\n"
            "    return 'hi'\n",
            "templates/base.html": "<!-- Content-Security-Policy: later -->\n<title>x</title>\n",
        },
    )
    assert "sec.xss" not in milestones(tmp_path)


def test_django_template_filter_that_escapes_counts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "blog/templatetags/blog_extras.py": "from django import template\n"
            "from django.utils.html import escape\nfrom django.utils.safestring import mark_safe\n\n"
            "register = template.Library()\n\n\n@register.filter\ndef shout(value):\n"
            '    return mark_safe("<strong>%s</strong>" % escape(value).upper())\n',
        },
    )
    assert milestones(tmp_path)["sec.xss"] == ["blog/templatetags/blog_extras.py:9"]
