"""HTML fragments from hub exports -> clean plain text with paragraph breaks."""
from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
          "blockquote", "section", "article"}
_SKIP = {"script", "style", "head"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag != "li" else "\n\n- ")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """Visible text of an HTML fragment: entities decoded, &nbsp; as space, empty paragraphs gone."""
    collector = _TextCollector()
    collector.feed(value)
    collector.close()
    text = "".join(collector.parts).replace("\u00a0", " ")
    paragraphs = [re.sub(r"[ \t\r\f\v]+", " ", p.replace("\n", " ")).strip()
                  for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p and p != "-")


def clean_text(value: str) -> str:
    """Plain text with tidy spacing, paragraph breaks kept."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    paragraphs = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n", value)]
    return "\n\n".join(" ".join(line.strip() for line in p.split("\n") if line.strip())
                       for p in paragraphs if p)
