"""HTML -> main text. The only module that imports trafilatura and lxml."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "nav", "title", "blockquote", "pre", "dd", "dt", "aside", "form",
    "main", "figure", "figcaption", "td", "th",
}  # fmt: skip
_DROP = {"script", "style", "noscript", "template", "svg", "iframe"}
_WS = re.compile(r"[ \t\r\f\v\u00a0]+")


def html_to_plain(html: str) -> str:
    """The page rendered as plain text, boilerplate and all: one block element per line."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    parts: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _DROP:
                # skip the subtree: emit its tail only at its end
                continue
            if tag in _BLOCK:
                parts.append("\n")
            if el.text and tag not in _DROP and not _inside_drop(el):
                parts.append(el.text)
        else:
            if tag in _BLOCK:
                parts.append("\n")
            if el.tail and not _inside_drop(el.getparent()):
                parts.append(el.tail)
    lines = [_WS.sub(" ", ln).strip() for ln in "".join(parts).split("\n")]
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip()


def _inside_drop(el: etree._Element | None) -> bool:
    while el is not None:
        if isinstance(el.tag, str) and el.tag in _DROP:
            return True
        el = el.getparent()
    return False


def extract_main_text(html: str, *, include_comments: bool = False) -> str:
    """trafilatura's main-text extraction; "" when it finds nothing."""
    import trafilatura

    try:
        out = trafilatura.extract(html, include_comments=include_comments, include_tables=True)
    except (ValueError, TypeError, etree.LxmlError):
        return ""
    return out or ""
