"""Reading a report page the way a person (or a browser) would, for tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_INLINE = {"a", "span", "code", "strong", "em", "q", "b", "i", "small"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._skip: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in _INLINE:
            self.text.append(" ")
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data", "action", "formaction") and value is not None:
                self.references.append((tag, name, value))
            if name == "style" and value:
                self.styles.append(value)
        if tag in ("script", "style"):
            self._skip = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._skip:
            self._skip = None

    def handle_data(self, data: str) -> None:
        if self._skip == "style":
            self.styles.append(data)
        elif self._skip is None:
            self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def visible_text(html: str) -> str:
    """The page's words, without markup, scripts or styles, with whitespace collapsed."""
    return re.sub(r"\s+", " ", "".join(parse(html).text))


def section(html: str, anchor: str) -> str:
    """The visible text of the <section id=anchor>."""
    start = html.index(f'<section id="{anchor}"')
    return visible_text(html[start: html.index("</section>", start)])
