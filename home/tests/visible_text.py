"""What a person reads on a rendered page: the text outside scripts, styles, templates,
icons, comments and elements marked `hidden`, whitespace collapsed."""

from __future__ import annotations

from html.parser import HTMLParser

from bs4 import BeautifulSoup

SKIPPED = frozenset({"script", "style", "template", "svg", "noscript"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []  # open elements whose content nobody sees

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.skipping or tag in SKIPPED or any(name == "hidden" for name, _ in attrs):
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join(" ".join(collector.parts).split())


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def texts_of(html: str, tag: str) -> list[str]:
    """What a person reads in each `<tag>` element of the page (e.g. its `h1`, its `a`), in
    document order."""
    return [_text(element) for element in BeautifulSoup(html, "html.parser").find_all(tag)]


def table_rows(html: str) -> list[list[str]]:
    """The text of each cell (`th` or `td`), row by row, of every table of the page."""
    return [
        [_text(cell) for cell in row.find_all(["th", "td"])]
        for row in BeautifulSoup(html, "html.parser").find_all("tr")
    ]
