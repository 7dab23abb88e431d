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


class _ElementTexts(HTMLParser):
    """The visible text of each element named `tag`, in document order (nested ones too)."""

    def __init__(self, tag: str):
        super().__init__(convert_charrefs=True)
        self.tag = tag
        self.open: list[list[str]] = []  # the text parts of each `tag` element being read
        self.depth: list[int] = []  # per open `tag` element, how many of it are nested
        self.texts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if self.skipping or tag in SKIPPED or any(name == "hidden" for name, _ in attrs):
            self.skipping.append(tag)
            return
        if tag == self.tag:
            self.open.append([])

    def handle_endtag(self, tag):
        if self.skipping:
            if self.skipping[-1] == tag:
                self.skipping.pop()
            return
        if tag == self.tag and self.open:
            parts = self.open.pop()
            self.texts.append(" ".join(" ".join(parts).split()))
            if self.open:
                self.open[-1].extend(parts)

    def handle_data(self, data):
        if self.open and not self.skipping:
            self.open[-1].append(data)


def texts_of(html: str, tag: str) -> list[str]:
    """What a person reads in each `<tag>` element of the page (e.g. its `h1`, its `th`)."""
    parser = _ElementTexts(tag)
    parser.feed(html)
    parser.close()
    return parser.texts


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None and self.rows:
            self.rows[-1].append(" ".join(" ".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    """The text of each cell (`th` or `td`), row by row, of every table of the page."""
    parser = _Rows()
    parser.feed(html)
    parser.close()
    return parser.rows
