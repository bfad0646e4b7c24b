"""A Django REST framework `Response` drawn into a template by an HTML renderer is a
page, not a JSON API (`tests/fixtures/lessons/django-accounts/shelf/views.py`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from learner_projects import fixture, milestones


def test_only_the_drf_view_that_answers_json_is_a_json_api(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(fixture("lessons", "django-accounts"), root)
    lines = (root / "shelf" / "views.py").read_text(encoding="utf-8").splitlines()
    json_line = lines.index("        return Response(books.data)") + 1
    found = milestones(root)
    # not the class under `renderer_classes = [TemplateHTMLRenderer]`, not the function
    # under `@renderer_classes([TemplateHTMLRenderer])`, not `Response(…, template_name=…)`
    assert found["api.json-response"] == [f"shelf/views.py:{json_line}"]
    assert "shelf/views.py:10" in found["api.drf"]  # still Django REST framework
