"""The HTML export and the cohort page, rendered by real headless Chromium.

Run with `make test-browser` (installs Chromium when root and missing). Screenshots
and the rendered DOM are kept in tests/e2e/artifacts/browser/ for a human to look at.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from png_pixels import PixelStats, pixel_stats
from sample_pages import HOSTILE_FILE, HOSTILE_LEARNER, Pages, build

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]
CONSOLE = re.compile(r":CONSOLE[:(]|Uncaught|Refused to|violates the following Content Security")


@dataclass(slots=True)
class Rendering:
    png: Path
    pixels: PixelStats
    console: list[str]
    dom: str


def _chromium() -> str:
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        pytest.fail("Chromium is missing: run `make test-browser` (it installs it when root)")
    return found


def _run(args: list[str], profile: Path, timeout: float = 120) -> tuple[str, str]:
    """Run Chromium in its own process group, and end that group whatever happens."""
    proc = subprocess.Popen(
        [_chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"Chromium did not finish within {timeout}s: {args}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # helpers Chromium may have left behind
    return out, err


def render(page: Path, name: str, profile: Path) -> Rendering:
    png = ARTIFACTS / f"{name}.png"
    png.unlink(missing_ok=True)
    url = page.resolve().as_uri()
    _out, err = _run(
        ["--enable-logging=stderr", "--v=0", f"--screenshot={png}", "--window-size=1280,2000", url],
        profile,
    )
    assert png.is_file(), f"no screenshot written for {name}:\n{err[-2000:]}"
    dom, _err = _run(["--dump-dom", url], profile)
    (ARTIFACTS / f"{name}.dom.html").write_text(dom, encoding="utf-8")
    console = [line for line in err.splitlines() if CONSOLE.search(line)]
    return Rendering(png, pixel_stats(png), console, dom)


class _Elements(HTMLParser):
    """Every element and attribute of the rendered DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]


def _elements(dom: str) -> _Elements:
    parsed = _Elements()
    parsed.feed(dom)
    return parsed


def assert_safe_and_self_contained(dom: str) -> None:
    parsed = _elements(dom)
    assert not {"script", "img", "iframe", "link", "object", "embed"} & set(parsed.tags)
    for tag, name, value in parsed.attrs:
        assert not name.startswith("on"), f"event handler {name} on <{tag}>"
        assert name not in ("src", "srcset", "data", "poster"), f"resource {name}={value}"
        if name == "href":
            assert tag == "a" and value.startswith(("https://", "http://", "#")), value
    assert "url(" not in dom and "@import" not in dom


@pytest.fixture(scope="module")
def pages() -> Pages:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return build(ARTIFACTS / "pages")


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return tmp_path / "chromium-profile"


def test_the_checks_catch_a_blank_page_with_a_script_error(profile: Path) -> None:
    """Control: the same checks must fail on a broken page, or they prove nothing."""
    broken = ARTIFACTS / "control-broken.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    broken.write_text(
        "<!doctype html><html><body><script>missingFunction()</script></body></html>",
        encoding="utf-8",
    )
    shot = render(broken, "control-broken", profile)
    assert any("Uncaught" in line for line in shot.console)
    assert shot.pixels.covered < 0.001 and shot.pixels.colours <= 2


def test_learner_report_renders_in_chromium(pages: Pages, profile: Path) -> None:
    shot = render(pages.progress, "progress", profile)
    assert shot.console == []
    assert (shot.pixels.width, shot.pixels.height) == (1280, 2000)
    assert shot.pixels.colours > 200 and shot.pixels.covered > 0.2
    assert_safe_and_self_contained(shot.dom)
    parsed = _elements(shot.dom)
    assert parsed.tags.count("circle") == 12  # one dot per milestone on the timeline
    assert parsed.tags.count("progressbar") == 0 and shot.dom.count('role="progressbar"') == 11
    for text in ("Ada Lovelace", "Milestones over time", "bookshop/views.py:12", "c0ffee1234"):
        assert text in shot.dom
    assert "RC501" in shot.dom and "What to learn next" in shot.dom
    assert HOSTILE_FILE.replace("<", "&lt;").replace(">", "&gt;") in shot.dom


def test_cohort_page_renders_in_chromium(pages: Pages, profile: Path) -> None:
    shot = render(pages.cohort, "cohort", profile)
    assert shot.console == []
    assert shot.pixels.colours > 100 and shot.pixels.covered > 0.1
    assert_safe_and_self_contained(shot.dom)
    for text in ("Ada Lovelace", "Grace Hopper", "Linus", "Who needs a nudge", "✗ changed"):
        assert text in shot.dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shot.dom  # the hostile learner, as text
    assert HOSTILE_LEARNER not in shot.dom
