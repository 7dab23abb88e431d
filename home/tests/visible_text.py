"""What a person reads on a rendered page: the text outside scripts, styles, templates,
icons, comments and elements marked `hidden`, whitespace collapsed."""

from __future__ import annotations

from html.parser import HTMLParser

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
