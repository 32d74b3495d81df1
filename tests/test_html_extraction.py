"""HTML pages: which extractor's output is trusted, per page, from evidence the page itself gives."""

from __future__ import annotations

import pytest

from auditor.clean import CleanSettings, clean_document, load_line_model
from auditor.clean.html import page_link_share, parse_html, render, trim_furniture_ends
from auditor.clean.text import pattern_reason
from auditor.document import Document

# A blog-style page: the text runs over several containers, no single article element.
POSTS = [
    "We spent the first week of the trip walking along the coast, stopping in small villages to eat and rest.",
    "The weather was kinder than the forecasts had promised, and most mornings began with a clear blue sky.",
    "On the fourth day we reached the lighthouse, which has been closed to visitors since the storm last year.",
    "A fisherman told us that the harbour had been rebuilt twice in his lifetime, each time a little higher.",
    "The second week was spent inland, where the paths climb through old forests and over windy open moors.",
    "We met very few other walkers there, and the only sound for hours at a time was the wind in the trees.",
    "By the end of the trip we had covered almost two hundred miles, most of it on paths we had never seen.",
    "Next year we hope to go back and walk the northern half of the route, which is said to be even wilder.",
]
BLOG = (
    "<html><head><title>Walking notes</title></head><body>"
    + "".join(f'<div class="post"><p>{p}</p></div>' for p in POSTS)
    + "</body></html>"
)


@pytest.fixture(scope="module")
def model():
    return load_line_model()


def _first_paragraph_only(tree, **kw):  # noqa: ANN001, ANN003
    """trafilatura when it settles on one container of a page whose text is spread over many."""
    return POSTS[0] + "\n" + POSTS[1]


def test_part_of_a_prose_page_is_left_to_the_line_model(monkeypatch, model):
    monkeypatch.setattr("auditor.clean.extract_main_text", _first_paragraph_only)
    doc = Document("blog", BLOG, kind="html")
    clean_document(doc, CleanSettings(min_html_words=5), model)
    assert doc.clean_info["method"] == "line-model (trafilatura kept only part of a prose page)"
    for p in POSTS:  # the whole prose page, not trafilatura's part of it
        assert p in doc.text
    assert 0.0 <= doc.clean_info["confidence"] < 1.0  # the two methods disagree on most lines
    for r in doc.removals:
        assert doc.raw_text[r.span.start : r.span.end] == r.text


def test_link_heavy_page_keeps_trafilaturas_choice(monkeypatch, model):
    # The same prose, but most of the page is links (a portal, a list of teasers): no switch.
    links = "".join(f'<li><a href="/p{i}">{p}</a></li>' for i, p in enumerate(POSTS[2:]))
    html = f"<html><body><p>{POSTS[0]}</p><p>{POSTS[1]}</p><ul>{links}</ul></body></html>"
    monkeypatch.setattr("auditor.clean.extract_main_text", _first_paragraph_only)
    doc = Document("portal", html, kind="html")
    clean_document(doc, CleanSettings(min_html_words=5), model)
    assert doc.clean_info["method"] == "trafilatura"
    assert POSTS[5] not in doc.text
    assert {r.reason for r in doc.removals} == {"trafilatura"}


def test_whole_page_from_trafilatura_is_kept_without_the_model(monkeypatch, model):
    monkeypatch.setattr("auditor.clean.extract_main_text", lambda tree, **kw: "\n".join(POSTS))
    called = []
    monkeypatch.setattr("auditor.clean.classify_lines", lambda *a, **kw: called.append(1) or [])
    doc = Document("blog", BLOG, kind="html")
    clean_document(doc, CleanSettings(), model)
    assert doc.clean_info["method"] == "trafilatura" and not called  # the cheap tests spare the model
    assert doc.text.split("\n") == POSTS


def test_page_link_share_counts_characters_inside_links():
    html = "<html><body><p>abcdefghij</p><p><a href='/x'>abcdefghij</a></p></body></html>"
    assert page_link_share(render(parse_html(html), facts=True)) == pytest.approx(0.5)
    assert page_link_share(render(parse_html("<html><body></body></html>"), facts=True)) == 0.0


def test_link_lists_at_the_ends_of_trafilaturas_output_are_trimmed_and_named(monkeypatch, model):
    related = ["Ten more walks for the summer", "Our guide to coastal paths"]
    body = "".join(f"<p>{p}</p>" for p in POSTS[:3])
    links = "".join(f'<li><a href="/r{i}">{r}</a></li>' for i, r in enumerate(related))
    mention = f'<p>{POSTS[3]} <a href="/harbour">See the harbour</a></p>'  # a link inside prose stays
    article = [*POSTS[:3], f"{POSTS[3]} See the harbour"]
    html = f"<html><body><article>{body}{mention}<ul>{links}</ul></article></body></html>"
    monkeypatch.setattr("auditor.clean.extract_main_text", lambda tree, **kw: "\n".join([*article, *related]))
    doc = Document("news", html, kind="html")
    clean_document(doc, CleanSettings(), model)
    assert doc.text.split("\n") == article
    assert {r.text: r.reason for r in doc.removals} == {r: "link-line" for r in related}


def test_trimming_leaves_a_page_without_furniture_at_its_ends_alone():
    rendering = render(parse_html(BLOG), links=True)
    text = "\n".join(POSTS)
    assert trim_furniture_ends(text, rendering, pattern_reason) == (text, {})


def test_named_boilerplate_at_the_ends_is_trimmed_with_its_pattern_name():
    rendering = render(parse_html(BLOG), links=True)
    text = "\n".join(["Share on Facebook", *POSTS[:2], "Share on Twitter"])
    out, cut = trim_furniture_ends(text, rendering, pattern_reason)
    assert out.split("\n") == POSTS[:2]
    assert cut == {"Share on Facebook": "share-buttons", "Share on Twitter": "share-buttons"}


def test_the_h1_opening_trafilaturas_output_is_cut_as_the_title():
    html = f"<html><body><h1>Walking notes</h1><h2>Day one</h2><p>{POSTS[0]}</p></body></html>"
    rendering = render(parse_html(html), links=True)
    out, cut = trim_furniture_ends(f"Walking notes\nDay one\n{POSTS[0]}", rendering, pattern_reason)
    assert out.split("\n") == ["Day one", POSTS[0]]  # other headings stay
    assert cut == {"Walking notes": "title-heading"}


def test_an_end_line_is_judged_by_the_first_rendering_line_with_its_words():
    # The same words twice on the page: first as a link list entry, later as plain text. The first
    # occurrence decides (as trafilatura's text gives no position), whatever the case and punctuation.
    html = (f'<html><body><ul><li><a href="/m">More walks, for the summer!</a></li></ul><p>{POSTS[0]}</p>'
            "<p>more walks for the summer</p></body></html>")  # fmt: skip
    rendering = render(parse_html(html), links=True)
    out, cut = trim_furniture_ends(f"{POSTS[0]}\nMore Walks for the Summer", rendering)
    assert out == POSTS[0]
    assert cut == {"More Walks for the Summer": "link-line"}
    # a line without words matches the page's first line without words (here: a plain one)
    html = f'<html><body><p>***</p><p>{POSTS[0]}</p><p><a href="/x">+++</a></p></body></html>'
    text = f"{POSTS[0]}\n+++"
    assert trim_furniture_ends(text, render(parse_html(html), links=True)) == (text, {})


def test_html_word_counts_are_those_of_the_rendering(model):
    from auditor.clean import clean_corpus
    from auditor.clean.lines import word_count

    docs = [Document("blog", BLOG, kind="html"), Document("text", "One two three.\nFour five.", kind="text")]
    for doc in clean_corpus(docs, CleanSettings(templates=False), model):
        assert doc.clean_info["words_before"] == word_count(doc.raw_text) > 0
        assert doc.clean_info["words_after"] == word_count(doc.text)


# Pages for the parser: a form (the elements lxml.html's own lookup gives subclasses), a doctype
# line (repaired), an XML encoding declaration in a str (parsed from bytes), a fragment, not HTML.
PARSE_CASES = [
    BLOG,
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">\n<html><body><form action="/s">'
    '<label for="q">Search</label><input name="q" value="x"><select name="s"><option>a</option></select>'
    "<textarea name=t>hi</textarea></form><p>" + POSTS[0] + "</p></body></html>",
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>' + POSTS[1] + "</p></body></html>",
    "<div><p>" + POSTS[2] + "</p><p>" + POSTS[3] + "</p></div>",
    "<p>just one paragraph</p>",
    "plain words, no markup at all",
    "",
]


@pytest.mark.parametrize("html", PARSE_CASES)
def test_parse_html_gives_trafilaturas_tree_and_output(html):
    import trafilatura
    from lxml import etree
    from trafilatura.utils import load_html

    ours, theirs = parse_html(html), load_html(html)
    if theirs is None and "<p>" in html:  # a fragment trafilatura's loader refuses: a whole document here
        assert ours is not None and ours.tag == "html"
        assert " ".join("".join(ours.itertext()).split()) == "just one paragraph"
        return
    assert (ours is None) == (theirs is None)
    if ours is None:
        return
    assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")
    assert all(type(el) is type(ours) for el in ours.iter(etree.Element))  # one element class throughout
    for kw in ({}, {"include_comments": False, "include_tables": True}):
        assert trafilatura.extract(ours, **kw) == trafilatura.extract(html, **kw)


def test_squeeze_spaces_a_line_as_the_ws_runs_do():
    import random
    import re

    from auditor.clean.html import _SPLIT_ONLY_SPACE, _WS, squeeze

    ws = set(" \t\r\n\f\v\u00a0\u200b")
    split_only = {chr(i) for i in range(0x110000) if chr(i).isspace() and chr(i) not in ws}
    assert {c for c in split_only if _SPLIT_ONLY_SPACE.match(c)} == split_only
    assert not any(_SPLIT_ONLY_SPACE.match(c) for c in ws)
    assert [c for c in ws if not c.isspace()] == ["\u200b"]  # the one replaced before split()
    rng = random.Random(3)
    alphabet = ["a", "b", "é", "ж", " ", "  ", "\t", "\n", "\r", "\f", "\v", "\u00a0", "\u200b", "\u3000",
                "\x1c", "\u2009", "\u2028", "\x85", "-"]  # fmt: skip
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30))) for _ in range(5000)]
    for text in texts:
        assert squeeze(text) == re.sub(_WS, " ", text).strip(), repr(text)


def test_render_drops_space_that_opens_a_line_and_keeps_inner_space():
    html = (
        "<html><body><div>\u3000<span> </span>\u200b<b>a</b>  b<a href='/x'> link\u3000text </a></div>"
        "<p>\n</p><script>var x = 1;</script><p>\u3000x\u2009y</p> tail <ul><li> </li></ul></body></html>"
    )
    r = render(parse_html(html), links=True)
    assert r.lines == ["a b link\u3000text", "x\u2009y", "tail"]
    assert [b.tag for b in r.blocks] == ["div", "p", ""]  # body is no block element: no tag
    assert r.blocks[0].link_share == pytest.approx(len("link\u3000text") / len("a b link\u3000text"))


def test_word_counts_after_trimming_and_template_lines_are_those_of_the_text(monkeypatch, model):
    from auditor.clean import clean_corpus
    from auditor.clean.lines import word_count

    def page(i: int) -> str:
        body = "".join(f"<p>{p}</p>" for p in POSTS[i : i + 4])
        return (f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Walk number {i}</h1>{body}"
                "<p>Photographs by the walking club, used with permission.</p><ul><li><a href='/a'>Older walks</a>"
                "</li><li><a href='/b'>Newer walks</a></li></ul></article></body></html>")  # fmt: skip

    # trafilatura as if it kept the article's link list too (here it leaves it out itself)
    monkeypatch.setattr("auditor.clean.extract_main_text", lambda tree, **kw: "\n\n".join(render(tree).lines[1:]))
    docs = clean_corpus([Document(f"w{i}", page(i), kind="html") for i in range(4)], CleanSettings(), model)
    reasons = {r.reason for d in docs for r in d.removals}
    assert {"template-line", "title-heading", "link-line"} <= reasons  # every path that changes the text
    for doc in docs:
        assert doc.clean_info["method"] == "trafilatura"
        assert doc.clean_info["words_before"] == word_count(doc.raw_text)
        assert doc.clean_info["words_after"] == word_count(doc.text) > 0


@pytest.mark.parametrize("html", [*PARSE_CASES[:4], "<p>a\u3000b</p><p>c\u2009 d</p><div> e \u200b f </div>"])
def test_normal_lines_are_the_rendering_lines_split_and_joined(html):
    from auditor.clean.html import normal_lines

    r = render(parse_html(f"<html><body>{html}</body></html>"))
    assert normal_lines(r) == [" ".join(line.split()) for line in r.lines]


TEASERS = ["Ten more walks for the summer", "Our guide to coastal paths", "Where to stay on the moors"]


def _related_page(heading: str, teasers: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in POSTS[:3])
    rest = "".join(f"<p>{p}</p>" for p in POSTS[3:5])
    return f"<html><body><article>{body}<h3>{heading}</h3><ul>{teasers}</ul>{rest}</article></body></html>"


def test_a_related_links_list_is_cut_with_its_heading_wherever_it_stands(monkeypatch, model):
    teasers = "".join(f'<li><a href="/r{i}">{t}</a></li>' for i, t in enumerate(TEASERS))
    html = _related_page("More Great Walking Stories", teasers)
    text = "\n".join([*POSTS[:3], "More Great Walking Stories", *TEASERS, *POSTS[3:5]])
    monkeypatch.setattr("auditor.clean.extract_main_text", lambda tree, **kw: text)
    doc = Document("news", html, kind="html")
    clean_document(doc, CleanSettings(), model)
    assert doc.text.split("\n") == POSTS[:5]  # the article on both sides of the list stays
    assert {r.text: r.reason for r in doc.removals} == {
        t: "related-list" for t in ["More Great Walking Stories", *TEASERS]}  # fmt: skip
    assert doc.clean_info["words_after"] == sum(len(p.split()) for p in POSTS[:5])


@pytest.mark.parametrize(("heading", "teasers"), [
    # the same heading over lines that are not links: a list that belongs to the article
    ("More Walking Stories", "".join(f"<li>{t}</li>" for t in TEASERS)),
    # links under a heading that names no related content
    ("Sources", "".join(f'<li><a href="/r{i}">{t}</a></li>' for i, t in enumerate(TEASERS))),
    # one link is no list
    ("More Walking Stories", '<li><a href="/r0">Ten more walks for the summer</a></li>'),
])  # fmt: skip
def test_other_lists_under_headings_stay(heading, teasers):
    html = _related_page(heading, teasers)
    items = [t for t in TEASERS if t in teasers]
    lines = [*POSTS[:3], heading, *items, *POSTS[3:5]]
    out, cut = trim_furniture_ends("\n".join(lines), render(parse_html(html), links=True), pattern_reason)
    assert (out.split("\n"), cut) == (lines, {})


@pytest.mark.parametrize("line", [
    "Subscribe to the Morning Review newsletter",
    "Get the day's top headlines delivered to your inbox every morning.",
    "Follow her on Twitter and Facebook.",
    "Follow Jane Doe on Instagram",
    "Have a tip? Jane Doe may be reached by email. Follow her on Twitter @janedoe.",
    "Thanks for signing up!",
    "There was an error processing your subscription.",
    "You may also like:",
])  # fmt: skip
def test_calls_to_subscribe_or_follow_are_named(line):
    assert pattern_reason(line) == "subscribe-prompt"


@pytest.mark.parametrize("line", [
    "The company's newsletter now reaches a million readers every week.",
    "She signed up for the army at eighteen and never looked back.",
    "Investors will follow the decision closely over the coming months.",
    "Critics say people who follow him on Twitter are mostly bots.",
])  # fmt: skip
def test_prose_that_mentions_newsletters_or_following_is_not_named(line):
    assert pattern_reason(line) == ""


def test_copies_of_lines_the_page_does_not_show_are_cut(monkeypatch, model):
    # trafilatura took the article twice (a second copy in markup the page does not display);
    # the page shows the third paragraph twice itself (a pull quote), and that stays twice
    shown = [*POSTS[:3], POSTS[2], POSTS[3]]
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in shown) + "</article></body></html>"
    monkeypatch.setattr("auditor.clean.extract_main_text", lambda tree, **kw: "\n".join(shown + shown))
    doc = Document("news", html, kind="html")
    clean_document(doc, CleanSettings(), model)
    assert doc.text.split("\n") == shown
    assert doc.clean_info["extractor_repeats"] == len(shown)
    assert doc.clean_info["words_after"] == sum(len(p.split()) for p in shown)
    # trafilatura's output without a repeat: nothing cut, nothing recorded
    monkeypatch.setattr("auditor.clean.extract_main_text", lambda tree, **kw: "\n".join(shown))
    doc = Document("news", html, kind="html")
    clean_document(doc, CleanSettings(), model)
    assert doc.text.split("\n") == shown and "extractor_repeats" not in doc.clean_info


def test_named_boilerplate_inside_trafilaturas_output_is_cut_too():
    rendering = render(parse_html(BLOG), links=True)
    text = "\n".join([POSTS[0], "READ MORE: Ten more walks for the summer", POSTS[1], "- Order Reprints", POSTS[2]])
    out, cut = trim_furniture_ends(text, rendering, pattern_reason)
    assert out.split("\n") == POSTS[:3]
    assert cut == {"READ MORE: Ten more walks for the summer": "teaser-link", "- Order Reprints": "share-buttons"}


def test_teasers_closing_the_text_are_cut_even_when_joined_from_two_blocks(monkeypatch, model):
    # each teaser is an <li> holding a linked headline and a sentence in two blocks; trafilatura
    # writes each as one line "- Headline Sentence", which no single rendering line holds
    items = [(t, f"Our writer {w} tells you where to go and when to set off.") for t, w in
             zip(TEASERS, ("Ann", "Ben", "Cat"), strict=True)]  # fmt: skip
    lis = "".join(f'<li><div><a href="/t{i}">{t}</a></div><div>{s}</div></li>' for i, (t, s) in enumerate(items))
    body = "".join(f"<p>{p}</p>" for p in POSTS[:4])
    html = f"<html><body><article>{body}</article><ul>{lis}</ul></body></html>"
    joined = [f"- {t} {s}" for t, s in items]
    monkeypatch.setattr("auditor.clean.extract_main_text", lambda tree, **kw: "\n".join([*POSTS[:4], *joined]))
    doc = Document("news", html, kind="html")
    clean_document(doc, CleanSettings(), model)
    assert doc.text.split("\n") == POSTS[:4]
    # the explanation names the rendering's lines, headline and teaser apart, with the reason
    assert {r.text: r.reason for r in doc.removals} == {x: "teaser-list" for pair in items for x in pair}
    # two are no run; and a run of list items without links stays
    out, cut = trim_furniture_ends("\n".join([*POSTS[:4], *joined[:2]]), render(parse_html(html), links=True))
    assert cut == {}
    plain = html.replace('<a href="/t0">', "").replace('<a href="/t1">', "").replace('<a href="/t2">', "")
    out, cut = trim_furniture_ends("\n".join([*POSTS[:4], *joined]), render(parse_html(plain), links=True))
    assert cut == {}


def test_a_call_to_click_is_cut_at_the_ends_only():
    rendering = render(parse_html(BLOG), links=True)
    call = "Click here for more information."
    out, cut = trim_furniture_ends("\n".join([*POSTS[:2], call]), rendering, pattern_reason)
    assert (out.split("\n"), cut) == (POSTS[:2], {call: "click-prompt"})
    inside = "\n".join([POSTS[0], call, POSTS[1]])
    assert trim_furniture_ends(inside, rendering, pattern_reason) == (inside, {})


@pytest.mark.parametrize(("line", "reason"), [
    ("Tell us what YOU think...", "comment-form"),
    ("Join the discussion", "comment-form"),
    ("Like this story? Share it with a friend!", "subscribe-prompt"),
    ("SEE MORE: Hong Kong students under siege", "teaser-link"),
    ("Read more: Why the harbour was rebuilt twice", "teaser-link"),
    ("Order Reprints", "share-buttons"),
    ("Tags", "navigation"),
    ("This copy is for your personal, non-commercial use only. To order copies, contact us.", "copyright"),
    # prose that uses the same words
    ("What they think of the plan is unclear.", ""),
    ("Read the report before the meeting: it is short.", ""),
    ("The tags on the trees mark the ones to be felled.", ""),
])  # fmt: skip
def test_more_boilerplate_lines_are_named(line, reason):
    assert pattern_reason(line) == reason


def test_a_page_fragment_without_html_and_body_is_cleaned_not_lost(model):
    # one <div> around the article, no <html>/<body> (trafilatura's loader calls it not HTML and
    # trafilatura alone returns nothing)
    html = '<div id="page"><div class="story">' + "".join(f"<p>{p}</p>" for p in POSTS) + "</div></div>"
    doc = Document("fragment", html, kind="html")
    clean_document(doc, CleanSettings(), model)
    assert doc.text.split("\n") == POSTS
    assert doc.clean_info["words_before"] > 0
    for text in ("plain words, no markup at all", "a < b and c > d, no tag"):  # no tag: still not HTML
        assert parse_html(text) is None


def test_trafilatura_output_that_is_all_furniture_falls_back_to_the_line_cleaner(monkeypatch, model):
    # a link-heavy page (so the line model does not take over as for a prose page)
    links = "".join(f'<li><a href="/r{i}">{t} ({i})</a></li>' for i, t in enumerate(TEASERS * 12))
    html = f"<html><body><ul>{links}</ul>" + "".join(f"<p>{p}</p>" for p in POSTS) + "</body></html>"
    # trafilatura settles on link lines, which the trimming then cuts whole
    chosen = "\n".join(f"{t} ({i})" for i, t in enumerate(TEASERS * 3))
    monkeypatch.setattr("auditor.clean.extract_main_text", lambda tree, **kw: chosen)
    doc = Document("page", html, kind="html")
    clean_document(doc, CleanSettings(), model)
    assert doc.clean_info["method"] == "line-model (trafilatura returned only page furniture)"
    assert all(p in doc.text for p in POSTS)  # the page's prose, not nothing
