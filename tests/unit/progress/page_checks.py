"""What every HTML page we ship must be: self-contained, script-free, escaped."""

from __future__ import annotations

from html.parser import HTMLParser

HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_FILE = "app/<img src=x onerror=alert(1)>.py"


class PageAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("script", "img", "iframe", "object", "embed", "link", "base", "form"):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= handler on <{tag}>")
            if name in ("src", "srcset", "poster", "data", "action", "xlink:href"):
                self.problems.append(f"{name}= on <{tag}> loads a resource")
            if name == "href" and not (value or "").startswith(("https://", "http://", "#")):
                self.problems.append(f"href={value!r} on <{tag}>")
            if name == "style" and "url(" in (value or ""):
                self.problems.append("url() in a style attribute")

    def handle_data(self, data: str) -> None:
        if self.tags and self.tags[-1] == "style" and ("url(" in data or "@import" in data):
            self.problems.append("remote resource in <style>")
        self.text.append(data)


def audit(page: str) -> PageAudit:
    checker = PageAudit()
    checker.feed(page)
    checker.close()
    return checker
