"""HTML -> lines with markup facts, and trafilatura's main text. The only module that imports trafilatura.

A page is parsed once (with trafilatura's own loader, so both see the same tree),
rendered to plain text one block element per line with, for each line, what the
markup says about it (`Block`: tag, link density, boilerplate-like class names),
and then handed to trafilatura, which prunes the tree as it extracts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import lxml.html
from lxml import etree

from auditor.clean.features import Block
from auditor.clean.text import RELATED_HEADING, RELATED_HEADING_WORDS
from auditor.limits import deadline

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
    "article", "header", "footer", "nav", "title", "blockquote", "pre", "dd", "dt", "aside", "form",
    "main", "figure", "figcaption", "td", "th", "dl", "address", "hr", "option", "button", "label",
}  # fmt: skip
_DROP = {"script", "style", "noscript", "template", "svg", "iframe", "head", "select"}
_WS = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
# The characters str.split() takes for space and _WS does not (tests/test_html_extraction.py derives
# them from str.isspace); in a text without them, squeeze() can leave the work to str.split().
_SPLIT_ONLY_SPACE = re.compile("[\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# Class/id words of page furniture and of article bodies. Generic web vocabulary (as in
# readability's "unlikely candidates" and boilerpipe's class heuristics), never one site's names.
_BOILER_ATTR = re.compile(
    r"nav|menu|footer|sidebar|share|sharing|social|comment|related|breadcrumb|cookie|banner|promo|advert|"
    r"(^|[-_ ])ads?([-_ ]|$)|widget|subscribe|newsletter|login|signup|popup|modal|pagination|masthead|"
    r"toolbar|disclaimer|copyright|byline|meta|tags",
    re.IGNORECASE,
)
_CONTENT_ATTR = re.compile(r"article|content|entry|story|post-?body|main|text|body", re.IGNORECASE)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


class ExtractionTimeout(Exception):
    """trafilatura ran past the per-page time limit."""


@dataclass(slots=True)
class Rendering:
    """A page as plain lines (blank lines dropped) with a `Block` per line."""

    lines: list[str]
    blocks: list[Block]


# trafilatura's parser options (trafilatura.utils.HTML_PARSER), with one change: every element is
# an lxml.html.HtmlElement, chosen by lxml's C-level default lookup instead of lxml.html's Python
# `HtmlElementClassLookup.lookup`, which runs each time a Python proxy of a node is made (about
# 3,500 times per cleaneval page between our rendering and trafilatura's passes; a tenth of
# trafilatura's time there). That lookup only gives form, input, select, textarea and label their
# own subclasses (form-field properties trafilatura never reads): trafilatura's output is the same
# (tests/test_html_extraction.py compares the two parses).
_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
)
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
))  # fmt: skip


def parse_html(html: str) -> etree._Element | None:
    """The page's tree as trafilatura's loader (trafilatura.utils.load_html) makes it: its encoding
    repair, its parser options, its fallbacks and its not-HTML test, with `_PARSER`, except that a
    fragment that test refuses but that holds tags is parsed as a whole document; None if it is not HTML."""
    from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

    try:
        html = decode_file(html)
        beginning = html[:50].lower()
        dubious = is_dubious_html(beginning)
        html = repair_faulty_html(html, beginning)
    except (ValueError, TypeError, etree.LxmlError):
        return None
    tree, from_bytes = None, False
    try:
        tree = lxml.html.fromstring(html, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, from_bytes = _parse_bytes(html), True
    except Exception:  # noqa: BLE001 -- as load_html: any parser failure, then the bytes are tried
        tree = None
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _parse_bytes(html)
    if tree is not None and dubious and len(tree) < 2:
        # trafilatura's loader gives up here (its not-HTML test). A page fragment without <html>
        # and <body> (a CMS export, an archived <div> or <pre>) is still HTML: parsed as a whole
        # document, trafilatura and the rendering get its text (CleanEval has such pages: 9 of
        # cleaneval-final's came out empty before). A text with no tag at all stays refused.
        return _parse_document(html) if _TAG.search(html) else None
    return tree


def _parse_document(html: str) -> etree._Element | None:
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except Exception:  # noqa: BLE001 -- as load_html: any parser failure means "not HTML"
        return None


def _parse_bytes(html: str) -> etree._Element | None:
    try:
        return lxml.html.fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception:  # noqa: BLE001 -- as trafilatura.utils.fromstring_bytes
        return None


def _attr_flags(el: etree._Element) -> tuple[bool, bool]:
    attrs = " ".join(v for k, v in el.attrib.items() if k in ("class", "id", "role")) if el.attrib else ""
    if el.tag in ("nav", "footer", "aside"):
        return True, False
    if el.tag in ("article", "main"):
        return False, True
    if not attrs:
        return False, False
    return bool(_BOILER_ATTR.search(attrs)), bool(_CONTENT_ATTR.search(attrs))


def squeeze(text: str) -> str:
    """`text` with each run of _WS made one space, stripped: how a rendering line is spaced."""
    if _SPLIT_ONLY_SPACE.search(text) is not None:
        return _WS.sub(" ", text).strip()
    # U+200B, the one _WS character that is not str.isspace, made a space; then split() = _WS's runs
    return " ".join((text.replace("\u200b", " ") if "\u200b" in text else text).split())


_INLINE, _BLOCK_EL, _DROPPED, _LINK = 0, 1, 2, 3
_KINDS = {**{t: _BLOCK_EL for t in _BLOCK}, **{t: _DROPPED for t in _DROP}, "a": _LINK}


def render(root: etree._Element | None, *, facts: bool = False, links: bool = False) -> Rendering:
    """One line per block element, each with its tag and, with `facts`, its link share and ancestor
    class flags (the features of an HTML line model; a third of the rendering time, so off by default).
    `links` alone gives the link share without the class flags (a few percent of the time)."""
    links = links or facts
    out = Rendering([], [])
    if root is None:
        return out
    buf: list[str] = []
    link_chars = 0
    # Per open block element, and with `facts` per element whose class names set a flag: (the
    # element, the innermost block's tag, boiler flag, content flag); flags are inherited. Other
    # elements leave the stack alone: only a block names a line, only an <a> counts link text.
    stack: list[tuple[object, str, bool, bool]] = [(None, "", False, False)]
    in_link = 0
    kinds: dict[object, tuple[str, int]] = {}  # el.tag -> (its lower case, kind), per page

    def flush() -> None:  # called where buf holds something (link_chars only grows with buf)
        nonlocal link_chars
        text = squeeze("".join(buf))
        if text:
            _, tag, boiler, content = stack[-1]
            out.lines.append(text)
            out.blocks.append(Block(tag, min(1.0, link_chars / len(text)), boiler, content))
        buf.clear()
        link_chars = 0

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        raw = el.tag
        known = kinds.get(raw)
        if known is None:
            tag = raw.lower() if isinstance(raw, str) else ""
            known = kinds[raw] = (tag, _KINDS.get(tag, _INLINE) if tag else _DROPPED)
        tag, kind = known
        if event == "start":
            if kind == _DROPPED:
                walker.skip_subtree()
                continue
            if kind == _BLOCK_EL:
                if buf:
                    flush()
                top = stack[-1]
                boiler, content = _attr_flags(el) if facts else (False, False)
                stack.append((el, tag, top[2] or boiler, top[3] or content))
            elif facts:
                top = stack[-1]
                boiler, content = _attr_flags(el)
                if (boiler and not top[2]) or (content and not top[3]):
                    stack.append((el, top[1], top[2] or boiler, top[3] or content))
            if kind == _LINK:
                in_link += 1
            text = el.text
        else:
            if kind == _BLOCK_EL:
                if buf:
                    flush()  # with the closing element still on the stack: its tag names the line
                stack.pop()
            elif kind == _LINK:
                in_link -= 1
                if facts and stack[-1][0] is el:
                    stack.pop()
            elif facts and stack[-1][0] is el:
                stack.pop()
            text = el.tail
        # Space alone opening a line is left out: the line's strip() would drop it (most of the
        # text between block elements is such space, so most boundaries now flush nothing).
        if text and (buf or not text.isspace()):
            buf.append(text)
            if in_link and links:
                link_chars += len(text.strip())
    if buf:
        flush()
    return out


# HTML5's sectioning elements. A page with a <table> and none of these is laid out in tables, as
# pages were before HTML5 (2008-2014): its article sits in a cell among cells of menus and link
# lists, with none of the containers trafilatura looks for, and the line model reads such a page
# better (auditor.clean._clean_html; measured, README).
SECTIONING = ("article", "section", "nav", "header", "footer", "main", "aside")


def table_layout(root: etree._Element | None) -> bool:
    """Is the page laid out in tables: does it hold a <table> and no HTML5 sectioning element?"""
    if root is None or next(root.iter("table"), None) is None:
        return False
    return next(root.iter(*SECTIONING), None) is None


def normal_lines(rendering: Rendering) -> list[str]:
    """Each line's words joined by single spaces (" ".join(line.split())): the line itself, squeezed
    already, unless it holds a character that str.split() takes for space and squeeze() does not."""
    if any(_SPLIT_ONLY_SPACE.search(line) for line in rendering.lines):
        return [" ".join(line.split()) for line in rendering.lines]
    return list(rendering.lines)


def page_link_share(rendering: Rendering) -> float:
    """Share of the page's rendered characters inside links (needs `render(..., links=True)`)."""
    chars = sum(len(line) for line in rendering.lines)
    if not chars:
        return 0.0
    return sum(len(line) * b.link_share for line, b in zip(rendering.lines, rendering.blocks, strict=True)) / chars


# A line with at least this share of its characters in links, at the start or the end of
# trafilatura's output, is a link list that came along with the article ("Related", "More
# from", tag and category links). Measured on the shared sets (README): aeb, cleaneval-dev and
# cleaneval-final all gained a little; the same cut anywhere in the output cost cleaneval-dev
# 0.01 (link lists inside a page are content there). A line that a boilerplate pattern names
# ("Share on ...", "Order Reprints", a copyright line), by contrast, is cut wherever it stands,
# as in plain text: that gained on all three sets.
LINK_LINE_SHARE = 0.5


# A short line at an end of trafilatura's output that asks the reader to click or to get an app
# ("Click here for more information", "GET FOX BUSINESS ON THE GO BY CLICKING HERE"). Only at the
# ends: inside a text, "click here to view the guest book" is part of it (CleanEval's gold keeps such).
CALL_TO_CLICK = re.compile(r"\b(click(ing)?|tap(ping)?) here\b|\bget the [\w .'’&-]{1,30} app\b", re.IGNORECASE)
CALL_CHARS = 160

# A related-content heading (text.RELATED_HEADING) with at least RELATED_MIN_ITEMS lines after it
# that are mostly links (RELATED_ITEM_LINKS of their characters) and headline-short
# (RELATED_ITEM_WORDS): heading and list are cut wherever they stand in trafilatura's output
# (reason "related-list"): the list is the page's, not the article's. On the shared sets (README)
# it cut 4 such blocks on aeb and 1 on cleaneval-final, all boilerplate in their gold; a list under
# any other heading, or of lines that are not links, is left alone (link lists inside a page are
# content in CleanEval's gold).
RELATED_MIN_ITEMS = 2
RELATED_ITEM_LINKS = 0.3
RELATED_ITEM_WORDS = 30
# List items of that kind closing trafilatura's output, at least this many in a run, with no
# heading: teasers of other stories ("- Headline Its teaser sentence").
TEASER_RUN = 3


def trim_furniture_ends(
    text: str, rendering: Rendering, named: Callable[[str], str] = lambda _: ""
) -> tuple[str, dict[str, str]]:
    """`text` without its page furniture, and the lines cut (whitespace-normalised) with why: see
    `furniture`."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    kept, cut = furniture(lines, rendering, named)
    return ("\n".join(lines[i] for i in kept), cut) if cut else (text, cut)


def furniture(
    lines: list[str], rendering: Rendering, named: Callable[[str], str] = lambda _: "", *, ends: bool = True
) -> tuple[list[int], dict[str, str]]:
    """The page furniture in a text's non-blank `lines` (trafilatura's output): (the indices of the lines
    kept, in order; the lines cut, whitespace-normalised, with why).

    Cut are, anywhere: a related-links list under its heading ("related-list", see RELATED_HEADING)
    and the lines `named` names (the boilerplate pattern's name; a list item's bullet aside); then,
    closing the text, a run of TEASER_RUN or more list items that are partly links ("teaser-list");
    then, at the two ends, lines that are mostly link text ("link-line"), short calls to click
    ("click-prompt", see CALL_TO_CLICK), and an <h1> opening the text, the page's title
    ("title-heading"). A line's link share and tag come from the rendering line with the same
    words (`render(..., links=True)`); a list item that trafilatura joined from several rendering
    lines (a linked headline and its teaser) takes their link share by characters.
    """
    found: dict[str, Block | None] = {}
    pieces: dict[str, Block | None] = {}
    parts: dict[str, list[str]] = {}  # a joined line's words -> the rendering lines it was joined from
    lowered: list[str] = []

    def block_of(line: str) -> Block | None:
        """The block of the first rendering line with the same words (looked up for the few end lines only)."""
        key = normal_tokens(line)
        if key not in found:
            if not lowered:
                # one lower() of the page, cut at its newlines: the lines' own lower() (no line holds one)
                lowered.extend("\n".join(rendering.lines).lower().split("\n"))
            pairs = zip(lowered, rendering.blocks, strict=True)
            if not key:  # a line without words (a rule, a separator): the first such line, found by
                # a search that stops at a line's first word instead of listing all its words
                found[key] = next((block for low, block in pairs if _TOKEN.search(low) is None), None)
                return found[key]
            # Cheap necessary conditions first: a line with the key's words holds each of them (in
            # its lower case) and at least as many characters; its three longest words are tested.
            a, b, c, *_ = [*sorted(set(key.split(" ")), key=len, reverse=True), "", ""]
            n = len(key)
            found[key] = next((block for low, block in pairs if len(low) >= n and a in low and b in low
                               and c in low and " ".join(_TOKEN.findall(low)) == key), None)  # fmt: skip
        return found[key]

    def pieced(key: str) -> Block | None:
        """A line that trafilatura joined from consecutive rendering lines (an <li> holding a linked
        headline and a teaser in two blocks): the first piece's tag, the pieces' link share by characters."""
        first = key.split(" ", 1)[0]
        for i, low in enumerate(lowered):
            if first not in low:
                continue
            acc, chars, links, j = "", 0, 0.0, i
            while j < len(lowered) and len(acc) < len(key):
                piece = " ".join(_TOKEN.findall(lowered[j]))
                joined = f"{acc} {piece}" if acc and piece else acc or piece
                if not key.startswith(joined) or (len(joined) < len(key) and key[len(joined)] != " "):
                    break
                acc, j = joined, j + 1
                chars += len(rendering.lines[j - 1])
                links += len(rendering.lines[j - 1]) * rendering.blocks[j - 1].link_share
            if acc == key and j - i > 1:
                parts[key] = [" ".join(line.split()) for line in rendering.lines[i:j]]
                return Block(rendering.blocks[i].tag, links / chars if chars else 0.0)
        return None

    def cut_line(line: str, reason: str) -> None:
        """Record `line` as cut for `reason`, and so the rendering lines it was joined from, if any
        (the removals name the rendering's lines)."""
        key = " ".join(line.split())
        cut[key] = reason
        for part in parts.get(normal_tokens(line), ()):
            cut.setdefault(part, reason)

    def why(line: str) -> str:
        """Why an end line goes ("" if it stays); the named lines are gone already (first pass)."""
        block = block_of(line)
        if block is not None and block.link_share >= LINK_LINE_SHARE:
            return "link-line"
        return "click-prompt" if len(line) <= CALL_CHARS and CALL_TO_CLICK.search(line) else ""

    def list_item(line: str) -> bool:
        if len(_TOKEN.findall(line)) > RELATED_ITEM_WORDS:
            return False
        block = block_of(line)
        if block is None:
            key = normal_tokens(line)
            if key not in pieces:
                pieces[key] = pieced(key)
            block = pieces[key]
        return block is not None and block.link_share >= RELATED_ITEM_LINKS

    cut: dict[str, str] = {}
    kept: list[int] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if RELATED_HEADING.fullmatch(line) and len(_TOKEN.findall(line)) <= RELATED_HEADING_WORDS:
            j = i + 1
            while j < len(lines) and list_item(lines[j]):
                j += 1
            if j - i - 1 >= RELATED_MIN_ITEMS:
                for k in range(i, j):
                    cut_line(lines[k], "related-list")
                i = j
                continue
        if reason := named(unbulleted(lines[i])):  # named boilerplate, wherever it stands
            cut[" ".join(lines[i].split())] = reason
            i += 1
            continue
        kept.append(i)
        i += 1
    if not ends:
        return kept, cut
    start, end = 0, len(kept)
    # a run of TEASER_RUN or more list items, each partly a link, closing the text: teasers
    run = end
    while run > start and lines[kept[run - 1]].lstrip().startswith("- ") and list_item(lines[kept[run - 1]]):
        run -= 1
    if end - run >= TEASER_RUN:
        for k in kept[run:end]:
            cut_line(lines[k], "teaser-list")
        end = run
    while end > start and (reason := why(lines[kept[end - 1]])):
        end -= 1
        cut[" ".join(lines[kept[end]].split())] = reason
    while start < end and (reason := why(lines[kept[start]])):
        cut[" ".join(lines[kept[start]].split())] = reason
        start += 1
    # The page's <h1> opening the text is its title: metadata, not body (aeb's gold leaves titles
    # out: +0.003 there; cleaneval-final and -dev, which keep headings, moved by -0.0001).
    if start < end and getattr(block_of(lines[kept[start]]), "tag", "") == "h1":
        cut[" ".join(lines[kept[start]].split())] = "title-heading"
        start += 1
    return kept[start:end], cut


def unbulleted(line: str) -> str:
    """`line` without the bullet trafilatura writes before each list item ("- "): not the line's own."""
    return line.lstrip().removeprefix("- ") if line.lstrip().startswith("- ") else line


def normal_tokens(text: str) -> str:
    return " ".join(_TOKEN.findall(text.lower()))


def mark_extracted(rendering: Rendering, extracted: str) -> int:
    """Set `in_extractor` on each line whose words appear, in order, in the extractor's text; return the count."""
    padded = f" {normal_tokens(extracted)} "
    hits = 0
    for line, block in zip(rendering.lines, rendering.blocks, strict=True):
        norm = normal_tokens(line)
        block.in_extractor = bool(norm) and f" {norm} " in padded
        hits += block.in_extractor
    return hits


def time_limit(seconds: float) -> AbstractContextManager[None]:
    """Raise ExtractionTimeout in the block after `seconds` (see auditor.limits.deadline).

    trafilatura has no time limit of its own.
    """
    return deadline(seconds, ExtractionTimeout)


def extract_main_text(tree: etree._Element | str | None, *, include_comments: bool = False) -> str:
    """trafilatura's main-text extraction (it prunes `tree` in place); "" when it finds nothing."""
    import trafilatura

    if tree is None:
        return ""
    try:
        out = trafilatura.extract(tree, include_comments=include_comments, include_tables=True)
    except (ValueError, TypeError, etree.LxmlError):
        return ""
    return out or ""


def html_to_plain(html: str) -> str:
    """The page rendered as plain text, boilerplate and all: one block element per line."""
    return "\n".join(render(parse_html(html)).lines)
