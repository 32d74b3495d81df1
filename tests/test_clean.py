"""Cleaning: the line classifier, HTML extraction with its limits, template lines, explanations."""

from __future__ import annotations

import json
import time

import pytest

from auditor.clean import CleanSettings, clean_corpus, load_line_model
from auditor.clean.classify import classify_lines
from auditor.clean.features import PageLines, feature_names, line_features
from auditor.clean.html import ExtractionTimeout, parse_html, render, time_limit
from auditor.clean.model import ModelError, model_from_dict
from auditor.clean.template import TemplateIndex
from auditor.document import Document

PROSE = [
    "The city council voted on Tuesday to expand the bus network into the northern districts of the town.",
    "Officials said the new routes would start running in the spring, once the drivers had been trained.",
    "Residents who had campaigned for the change for years welcomed the decision at the public meeting.",
    "The plan will be paid for by a small rise in parking fees in the centre, the council said in a statement.",
]
PAGE = "\n".join(["Home", "News", "Sport", "Weather", "Contact", "", *PROSE, "", "Share on Facebook",
                  "Related Posts", "Copyright © 2024 Example Media. All rights reserved."])  # fmt: skip


@pytest.fixture(scope="module")
def model():
    return load_line_model()


def test_shipped_model_loads_from_json_with_its_metrics(model):
    assert model.features == tuple(feature_names(False))
    assert model.metrics["turku_test_noise_f1"] >= 0.8  # recorded by python -m auditor.clean.train
    p = model.predict(line_features(PageLines(PAGE.split("\n")[:5] + PROSE)))
    assert p.shape == (9,) and ((p >= 0) & (p <= 1)).all()
    assert p[5:].min() > p[:5].max()  # prose above the menu


def test_malformed_model_is_a_named_error():
    with pytest.raises(ModelError):
        model_from_dict({"format": "something else"})
    with pytest.raises(ModelError):
        model_from_dict({"format": "auditor.lines/1", "features": []})


def test_plain_text_keeps_prose_and_names_each_removal(model):
    labels = classify_lines(PAGE, model)
    kept = [lab.line.text for lab in labels if lab.keep and lab.line.stripped]
    assert kept[-len(PROSE):] == PROSE
    assert len(kept) <= len(PROSE) + 1  # at most the menu line next to the article (see below)
    reasons = {lab.line.text: lab.reason for lab in labels if not lab.keep}
    assert reasons["Share on Facebook"] == "share-buttons"
    assert reasons["Copyright © 2024 Example Media. All rights reserved."] == "copyright"
    assert reasons["Home"] in ("navigation", "outside-main-text", "menu-run", "line-model")


@pytest.mark.xfail(reason="known miss: the model restores the last menu line ('Contact') right above the "
                   "article (P 0.83 >= keep_outside); a rule against restoring menu runs cost turku-test "
                   "noise F1 0.86 -> 0.72, so it is not applied", strict=True)
def test_menu_line_next_to_the_article_is_removed(model):
    kept = [lab.line.text for lab in classify_lines(PAGE, model) if lab.keep and lab.line.stripped]
    assert kept == PROSE


def test_comment_section_marks_are_features(model):
    from auditor.clean.features import OWN_NAMES, PAGE_NAMES

    lines = [*PROSE, "34 responses to \u201cBuses for the north\u201d", "joe says:", "Great news for us all."]
    rows = line_features(PageLines(lines))
    mark = len(OWN_NAMES) + PAGE_NAMES.index("comment_mark")
    after = len(OWN_NAMES) + PAGE_NAMES.index("after_comment_mark")
    assert [r[mark] for r in rows] == [0, 0, 0, 0, 1, 1, 0]
    assert [r[after] for r in rows] == [0, 0, 0, 0, 0, 1, 1]


def test_one_line_texts_are_left_to_the_rules(model):
    labels = classify_lines("Buy now! Click here.", model)
    assert [lab.keep for lab in labels] == [True]


HTML = f"""<html><head><title>T</title><script>var x = 1;</script></head><body>
<nav class="main-menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article><h1>Buses for the north</h1>{''.join(f'<p>{p}</p>' for p in PROSE)}</article>
<footer class="site-footer">Copyright © 2024 Example Media</footer></body></html>"""


def test_render_one_line_per_block_with_markup_facts():
    r = render(parse_html(HTML), facts=True)
    assert r.lines[r.lines.index("Home")] == "Home" and "var x = 1;" not in r.lines
    home = r.blocks[r.lines.index("Home")]
    assert home.tag == "li" and home.link_share == 1.0 and home.boiler_class
    para = r.blocks[r.lines.index(PROSE[0])]
    assert para.tag == "p" and para.content_class and not para.boiler_class


def test_html_page_explains_removals_and_has_a_confidence():
    [doc] = clean_corpus([Document("p", HTML, kind="html")], CleanSettings())
    assert doc.clean_info["method"] == "trafilatura"
    for p in PROSE:
        assert p in doc.text
    assert "Home" not in doc.text.split("\n")
    assert 0.0 <= doc.clean_info["confidence"] <= 1.0
    removed = {r.text: r.reason for r in doc.removals}
    assert removed["Home"] == "trafilatura"
    for r in doc.removals:  # spans index the page's plain rendering
        assert doc.raw_text[r.span.start : r.span.end] == r.text


def test_too_little_from_trafilatura_falls_back_to_the_line_classifier():
    html = "<html><body><div>Home</div><div>" + "</div><div>".join(PROSE) + "</div></body></html>"
    [doc] = clean_corpus([Document("p", html, kind="html")], CleanSettings(min_html_words=10_000))
    assert doc.clean_info["method"].startswith("line-model (trafilatura returned too little)")
    assert PROSE[0] in doc.text


TABLE_PAGE = f"""<html><body><table>
<tr><td colspan="2"><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></td></tr>
<tr><td><a href="/a">Archive</a><br><a href="/b">Contact us</a><br><a href="/c">Links</a></td>
<td>{''.join(f'<p>{p}</p>' for p in PROSE)}</td></tr>
<tr><td colspan="2">Copyright © 2006 Example Media. All rights reserved.</td></tr></table></body></html>"""


def test_table_layout_page_is_read_by_the_line_model():
    [doc] = clean_corpus([Document("p", TABLE_PAGE, kind="html")], CleanSettings())
    assert doc.clean_info["method"] == "line-model (table layout)"
    assert doc.text.split("\n") == PROSE
    assert 0.0 < doc.clean_info["confidence"] <= 1.0  # the model's lines against the rules'
    removed = {r.text: r.reason for r in doc.removals}
    assert removed["Copyright © 2006 Example Media. All rights reserved."] == "copyright"
    for r in doc.removals:  # spans index the page's plain rendering
        assert doc.raw_text[r.span.start : r.span.end] == r.text


def test_a_page_with_html5_sections_or_the_setting_off_goes_to_trafilatura():
    sectioned = TABLE_PAGE.replace("<td><p>", "<td><article><p>").replace("</p></td>", "</p></article></td>")
    assert "<article>" in sectioned
    [doc] = clean_corpus([Document("p", sectioned, kind="html")], CleanSettings())
    assert doc.clean_info["method"] == "trafilatura"
    [doc] = clean_corpus([Document("p", TABLE_PAGE, kind="html")], CleanSettings(table_layout=False))
    assert doc.clean_info["method"] == "trafilatura"
    [doc] = clean_corpus([Document("p", HTML, kind="html")], CleanSettings())  # no table
    assert doc.clean_info["method"] == "trafilatura"


def test_time_limit_interrupts_and_a_timeout_is_a_finding(monkeypatch):
    with pytest.raises(ExtractionTimeout):
        with time_limit(0.05):
            time.sleep(1)

    def slow(tree, **kw):  # noqa: ANN001, ANN003
        time.sleep(2)
        return ""

    monkeypatch.setattr("auditor.clean.extract_main_text", slow)
    t0 = time.perf_counter()
    [doc] = clean_corpus([Document("p", HTML, kind="html")], CleanSettings(html_timeout_s=0.1))
    assert time.perf_counter() - t0 < 1.5
    assert [f.code for f in doc.findings if f.code == "B003"] == ["B003"]
    assert "timed out" in doc.clean_info["method"] and PROSE[0] in doc.text


def test_template_lines_of_one_source_are_removed_from_all_its_documents():
    footer = "The Gazette is published by the Northern Group of Newspapers."
    docs = [Document(f"d{i}", f"{PROSE[i % 4]} Story {i}.\n{footer}\n{PROSE[(i + 1) % 4]}", source="site-a")
            for i in range(4)]
    docs.append(Document("other", f"{PROSE[0]}\n{footer}\n{PROSE[1]}", source="site-b"))
    out = clean_corpus(docs, CleanSettings(line_model=False))
    for d in out[:4]:
        assert footer not in d.text and any(r.reason == "template-line" for r in d.removals)
    assert footer in out[4].text  # another source: not its template


def test_template_index_memory_is_bounded_and_keeps_recurring_lines():
    idx = TemplateIndex(min_docs=3, max_words=25, max_lines=50)
    for i in range(200):
        idx.add("s", f"unique line number {i} of many\nshared footer line")
    assert len(idx.counts["s"]) <= 51
    assert idx.is_template("s", "shared footer line")


def test_cli_explain_shows_rule_or_model_per_removal(tmp_path):
    from typer.testing import CliRunner

    from auditor.cli import app

    src = tmp_path / "page.txt"
    src.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(app, ["clean", str(src), "-o", str(out), "--explain"])
    assert res.exit_code == 0, res.output
    rec = json.loads(out.read_text().splitlines()[0])
    removed = rec["metadata"]["auditor"]["removed"]
    assert removed and all(r["reason"] for r in removed)
    assert {"share-buttons", "copyright"} <= {r["reason"] for r in removed}
    assert all("score" in r for r in removed if r["reason"] in ("line-model", "outside-main-text"))


def _walk_tree_by_tree(model, rows):
    """The plain per-tree walk of the exported trees (what LineModel.predict did before it stacked them)."""
    import numpy as np

    x = np.asarray(rows, dtype=np.float64)
    raw = np.full(len(x), model.baseline)
    ix = np.arange(len(x))
    for t in model.trees:
        node = np.zeros(len(x), dtype=np.int64)
        for _ in range(t.depth):
            go_left = x[ix, t.feature[node]] <= t.threshold[node]
            nxt = np.where(go_left, t.left[node], t.right[node])
            node = np.where(t.leaf[node], node, nxt)
        raw += t.value[node]
    return 1.0 / (1.0 + np.exp(-raw))


def test_line_model_predicts_bit_identically_to_a_tree_by_tree_walk(model):
    """LineModel.predict walks all trees at once in flat arrays; the probabilities must not change."""
    import numpy as np

    rng = np.random.default_rng(3)
    rows = rng.normal(0, 3, (400, len(model.features)))
    rows[::7, ::3] = np.nan  # NaN goes right (`x <= threshold` is false)
    tree = model.trees[0]  # a value exactly at a threshold goes left
    rows[1, tree.feature[0]] = tree.threshold[0]
    real = line_features(PageLines(PAGE.split("\n")[:5] + PROSE))
    for sample in (rows.tolist(), rows[:1].tolist(), real):
        assert np.array_equal(model.predict(sample), _walk_tree_by_tree(model, sample))
    assert len(model.predict([])) == 0
    with pytest.raises(ModelError):
        model.predict([[0.0, 1.0]])


def test_line_model_with_a_tree_of_more_than_16_leaves_is_a_named_error(model):
    """The evaluator holds a tree's leaves in 16 bits: a model with a larger tree must say so, not mispredict."""
    import dataclasses

    import numpy as np

    from auditor.clean.model import Tree

    splits = 16  # a chain: split i has leaf splits + i on its left and split i + 1 on its right; 17 leaves
    nodes = 2 * splits + 1
    left, right = np.zeros(nodes, dtype=np.int64), np.zeros(nodes, dtype=np.int64)
    left[:splits] = np.arange(splits, 2 * splits)
    right[:splits] = np.arange(1, splits + 1)
    right[splits - 1] = nodes - 1
    leaf = np.arange(nodes) >= splits
    big = Tree(np.zeros(nodes, dtype=np.int64), np.zeros(nodes), left, right, np.ones(nodes), leaf, splits)
    wide = dataclasses.replace(model, trees=(*model.trees[:3], big))
    with pytest.raises(ModelError, match="17 leaves"):
        wide.predict([[0.0] * len(model.features)])


def test_features_of_a_labelled_page_are_those_of_its_lines_relabelled(model):
    """classify_lines passes text.py's labels and counts of the page on to the features (blank lines,
    patterns inside menu runs, a second prose block); they must equal what line_features works out alone."""
    from auditor.clean.features import page_features
    from auditor.clean.text import label_page

    text = "\n".join(["  Home ", "", "Share", "Log in", "Weather", "", *PROSE, "  ", "Tweet this", "More news",
                      "Latest", "Tags: buses", "", PROSE[0], PROSE[1], "\t", "Copyright 2024 Example Media"])
    page = label_page(text)
    idx = [i for i, s in enumerate(page.stripped) if s]
    texts = [page.stripped[i] for i in idx]
    assert page_features(page, idx).tolist() == line_features(PageLines(texts))


def test_pattern_prefilter_knows_every_character_that_folds_to_ascii():
    """text.py skips a pattern on a line without its words in lower case, except in lines with a
    character that IGNORECASE matches with an ASCII letter: the list must be complete."""
    import re
    import sys

    from auditor.clean.text import _FOLDS_TO_ASCII

    letter = re.compile("[a-z]", re.IGNORECASE)
    folds = [chr(c) for c in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(c))]
    assert folds and all(_FOLDS_TO_ASCII.fullmatch(c) for c in folds)


COOKIE_NOTICES = [
    "This website uses cookies to improve your experience while you navigate through the website. Out of these "
    "cookies, the cookies that are categorized as necessary are stored on your browser as they are essential for "
    "the working of basic functionalities of the website. We also use third-party cookies that help us analyze "
    "and understand how you use this website.",
    "Necessary cookies are absolutely essential for the website to function properly. This category only includes "
    "cookies that ensures basic functionalities and security features of the website.",
]


def test_a_cookie_notice_is_named_whatever_its_length():
    """A line whose first sentence names cookies and the site (browser, tracking, consent, ...) is a cookie
    notice however long the line runs; a recipe's cookies are not."""
    from auditor.clean.text import pattern_reason

    assert [pattern_reason(t) for t in COOKIE_NOTICES] == ["cookie-banner"] * 2
    recipe = ("Bake the cookies for twelve minutes, until the edges are golden and the centres are still soft, then "
              "leave them on the tray for five minutes before you move them to a rack. They keep for a week in a tin, "
              "and the dough freezes well for a month, so you can bake a few at a time for the children.")
    assert pattern_reason(recipe) == ""


CAPTIONS = [
    "Vicente Aguiar loads garage door trims into his pickup truck outside a store. (AP Photo/Alan Diaz, File)",
    "The latest case was reported after a hunter killed and ate a rabbit Credit: Getty - Contributor",
    "FILE PHOTO: Traders work on the floor at the New York Stock Exchange in New York, U.S., November 18, "
    "2019, on a day when the index fell for the third time in a week and the dollar rose. REUTERS/Brendan McDermid",
    "In this Sunday, Nov. 10, 2019, photograph, a long row of unsold vehicles sits at a dealership.",
    "This image released by NASA shows the planned lunar lander on the surface of the moon.",
]


def test_a_photo_caption_is_named_by_its_credit():
    """A caption ends with the photo's credit, whatever its length; a sentence about a photograph does not."""
    from auditor.clean.text import pattern_reason

    assert [pattern_reason(t) for t in CAPTIONS] == ["caption"] * len(CAPTIONS)
    assert pattern_reason("The photo was taken by a tourist, the agency said.") == ""
    assert pattern_reason("Getty Images said it would appeal the ruling.") == ""
    assert pattern_reason("In this photo essay, our reporter follows three families through the winter.") == ""


def test_pattern_prefilter_never_changes_a_pattern_reason():
    """Every pattern tried on every line (the plain loop) names what pattern_reason names."""
    from auditor.clean.lines import word_count
    from auditor.clean.text import _COPYRIGHT_OPENING, PATTERN_WORDS, PATTERNS, _caption, _cookie_notice, pattern_reason

    lines = [*PAGE.split("\n"), "We use cookies to improve your experience.", "COOKIE POLICY: we use them",
             "Cooкie settings", "This site uses coo\u212aies: accept", "\u017fhare on Twitter",
             "\u0130f you log\u0131n",
             "Forgot your password?", "Please LOG IN to comment", "(C) 2024 Example", "© Example Media",
             "Your email address will not be published. Required fields are marked *",
             "Example is not responsible for the content of external sites.", "Share this article",
             "No comments", "One Response to \u201cBuses\u201d", "34 comments", "no response to a call",
             *COOKIE_NOTICES, "Necessary coo\u212aies are essential for the website to work.",
             "(C) 2024 Example. " + PROSE[0] * 3, *CAPTIONS, PROSE[0] + " Photo: \u212aate Smith", *PROSE]
    for line in lines:
        s = line.strip()
        if s and word_count(s) <= PATTERN_WORDS:
            plain = next((name for name, rx in PATTERNS if rx.match(s)), "")
        else:
            plain = "copyright" if s and _COPYRIGHT_OPENING.match(s) else ""
        plain = plain or ("caption" if s and _caption(s) else "")
        assert pattern_reason(line) == (plain or (_cookie_notice(s) if s else "")), line


@pytest.mark.parametrize("model", [True, False])
def test_plain_text_word_counts_are_those_of_the_texts(model):
    """A plain text's words before and after cleaning, summed from the labeller's per-line counts,
    are the word counts of the raw and the cleaned text (short lines and long, boilerplate removed)."""
    from pathlib import Path

    from auditor.clean.lines import word_count

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("seeds").glob("*.txt"))]
    texts += ["Home | News | Sport\nShare on Facebook\n\n" + "The council met on Tuesday, and ΑΣ voted. " * 12
              + "\nRelated Posts\nCookie settings\n© 2024 Example", "one", "", "İstanbul_x 5€ \u2028 tail"]
    settings = CleanSettings(line_model=model)
    for text in texts:
        doc = Document(id="t", text=text, raw=text)
        clean_corpus([doc], settings)
        assert doc.clean_info["words_before"] == word_count(text)
        assert doc.clean_info["words_after"] == word_count(doc.text)


def test_html_page_left_to_the_line_cleaner_counts_its_rendering_words():
    """A page trafilatura returns too little of is cleaned by the line cleaner; its words before and
    after are those of its plain rendering and of the cleaned text."""
    from auditor.clean.lines import word_count

    html = "<html><body><nav>Home | About | Contact</nav><p>Short note here.</p><footer>© 2024</footer></body></html>"
    doc = Document(id="p.html", text="", raw=html, kind="html")
    clean_corpus([doc], CleanSettings())
    assert "returned too little" in doc.clean_info["method"]
    assert doc.clean_info["words_before"] == word_count(doc.clean_info["raw_text"]) > 0
    assert doc.clean_info["words_after"] == word_count(doc.text)


HEADLINES = [
    "Council approves new cycle lanes for the old town",
    "Five things to know about the bus strike",
    "Mayor says budget gap \"can be closed\" (video)",
]


@pytest.mark.parametrize("heading", ["More Local Stories", "You may also like", "Don't miss", "Related:",
                                     "Trending News", "Latest Headlines", "Most read in world news", "Top stories",
                                     "More in Politics", "Also on example.com", "Elsewhere on Example Weekly...",
                                     "Related coverage from Money Matters:", "Popular posts", "Breaking News",
                                     "Trending in Entertainment", "Editors' Picks"])
def test_a_related_heading_and_the_headlines_under_it_are_removed_from_plain_text(model, heading):
    text = "\n".join([*PROSE, "", heading, *HEADLINES])
    labels = classify_lines(text, model)
    removed = {lab.line.text: lab.reason for lab in labels if not lab.keep and lab.line.stripped}
    assert set(removed) == {heading, *HEADLINES}  # and the article stays
    assert {removed[h] for h in HEADLINES} == {"related-list"}
    assert removed[heading] in ("related-list", "subscribe-prompt", "navigation")  # a named heading keeps its name
    # an HTML page's rendering leaves the decision to the links (html.furniture): not here
    assert "related-list" not in {lab.reason for lab in classify_lines(text, model, headlines=False)}


@pytest.mark.parametrize("under", [
    PROSE[:2],  # sentences: the article goes on under a heading that happens to match
    HEADLINES[:1],  # one headline is no list
])  # fmt: skip
def test_a_related_heading_over_prose_or_a_single_line_is_no_related_list(model, under):
    text = "\n".join([*PROSE, "", "More Local Stories", *under])
    assert all(lab.reason != "related-list" for lab in classify_lines(text, model))


def test_share_buttons_in_a_menu_run_keep_their_name(model):
    """A run of share buttons inside the article ("facebook", "twitter", "email" on lines of their
    own) is a menu run, but each line keeps its pattern's name: the line model may restore a
    menu-run line it finds content-like, never a line a pattern named."""
    from auditor.clean.text import label_page

    buttons = ["facebook", "twitter", "email"]
    text = "\n".join([*PROSE * 3, *buttons, *PROSE * 3])  # prose enough on both sides: one main stretch
    page = label_page(text)
    assert {lab.reason for lab in page.labels if lab.line.stripped in buttons} == {"share-buttons"}
    kept = [lab.line.text for lab in classify_lines(text, model) if lab.keep and lab.line.stripped]
    assert not set(kept) & set(buttons)


def test_a_comment_thread_under_the_article_is_removed(model):
    """Blog comments open with "name says:" (two or more on the page) or "name on <date> at <time>
    said:"; each such header is named, and no comment under one is a second block of the article,
    however long (a block of prose outside the main stretch is kept when it is substantial)."""
    comment = ("I have been waiting for this for years, and I hope the new routes will reach our street as "
               "well, since the nearest stop is a long walk away from the school and the shops.")
    thread = ["12 responses to \u201cBuses for the north\u201d", "joe says:", "November 19, 2019 at 6:34 am",
              comment, "Ann Smith on November 20, 2019 at 4:47 pm said:", comment.replace("years", "ages"),
              "mark_77 says:", "Great news for us all, thanks to everyone who campaigned."]
    labels = classify_lines("\n".join([*PROSE, "", *thread]), model)
    reasons = {lab.line.text: lab.reason for lab in labels if not lab.keep}
    assert {reasons[h] for h in ("joe says:", "mark_77 says:", thread[4])} == {"comment-header"}
    kept = [lab.line.text for lab in labels if lab.keep and lab.line.stripped]
    assert kept == PROSE


def test_one_bare_says_line_is_no_comment_header():
    from auditor.clean.text import label_page

    text = "\n".join([*PROSE, "The sign on the door says:", "Closed on Sundays."])
    assert "comment-header" not in {lab.reason for lab in label_page(text).labels}
    dated = "Jane on September 12, 2018 at 4:47 pm said:"
    assert label_page("\n".join([*PROSE, dated, PROSE[0]])).labels[len(PROSE)].reason == "comment-header"
    wrote = dated.replace("said:", "wrote:")
    assert label_page("\n".join([*PROSE, wrote, PROSE[0]])).labels[len(PROSE)].reason == "comment-header"


def test_headlines_with_counts_in_brackets_are_no_prose_for_the_main_stretch():
    """A list of headlines with their counts of comments ("... (185)") ends in a bracket, as a
    sentence may: it must not draw the article's main stretch to itself."""
    from auditor.clean.text import label_page

    counted = [f"{h} ({n})" for h, n in zip(HEADLINES * 3, range(185, 100, -9), strict=False)]
    page = label_page("\n".join([*counted, "", *PROSE]))
    assert [lab.keep for lab in page.labels] == [False] * len(counted) + [True] * (1 + len(PROSE))
    assert label_page("\n".join([*PROSE, "The council said it would decide in May (2025)."])).labels[-1].keep


TEASERS = [
    "The new routes start in the spring, once the drivers have been trained.",
    "Five stations will close for a month while the platforms are rebuilt.",
    "The gap could be closed by a rise in parking fees, officials said.",
]


def test_a_related_list_goes_on_through_the_teasers_under_its_headlines(model):
    """Under a related-content heading, headlines each with a teaser sentence: the whole list goes."""
    teased = [line for pair in zip(HEADLINES, TEASERS, strict=True) for line in pair]
    text = "\n".join([*PROSE, "", "Top stories", *teased])
    labels = classify_lines(text, model)
    removed = {lab.line.text: lab.reason for lab in labels if not lab.keep and lab.line.stripped}
    assert {removed.get(t) for t in teased} == {"related-list"}
    assert [lab.line.text for lab in labels if lab.keep and lab.line.stripped] == PROSE


WRAPPED = "approved on Tuesday, and the work on the new platforms starts in May."


@pytest.mark.parametrize("after", [
    # one sentence between links: the article goes on under an inline box, no list of teasers
    [HEADLINES[0], PROSE[0], HEADLINES[1], PROSE[1], PROSE[2]],
    # a line a pattern named ends the list: what follows is another part of the page
    [HEADLINES[0], TEASERS[0], HEADLINES[1], TEASERS[1], "Share on Facebook", HEADLINES[2], PROSE[0]],
    # a line in lower case goes on a hard-wrapped paragraph: no teaser
    [HEADLINES[0], TEASERS[0], HEADLINES[1], TEASERS[1], HEADLINES[2], WRAPPED],
])  # fmt: skip
def test_a_related_list_takes_no_teaser_without_the_pattern(model, after):
    text = "\n".join([*PROSE, "", "Related coverage", *after])
    removed = {lab.line.text for lab in classify_lines(text, model) if lab.reason == "related-list"}
    assert not removed & {*PROSE, WRAPPED}


@pytest.mark.parametrize(("line", "reason"), [
    ("Leave a Comment Cancel Reply", "navigation"),
    ("Notify me of follow-up comments by email.", "comment-form"),
    ("Notify me via e-mail if anyone answers my comment.", "comment-form"),
    ("This site uses Akismet to reduce spam. Learn how your comment data is processed.", "comment-form"),
    ("Registration on or use of this site constitutes acceptance of our User Agreement and Privacy Policy",
     "site-disclaimer"),
    ("The material on this site may not be reproduced, distributed, transmitted, cached or otherwise used, except "
     "with the prior written permission of Example Media.", "site-disclaimer"),
    ("© 2019 Example Media Ltd. All rights reserved. Use of this site is subject to our terms, and the "
     "material here may be used only with the written permission of Example Media, whose registered office is "
     "at 1 High Street, Exampletown, and whose company number is 12345, as the terms of use set out.", "copyright"),
    ("Copyright law has changed little since 1988, the committee said in a report that runs to more than two "
     "hundred pages and asks the government to consult publishers, libraries and schools before it brings a new "
     "bill to parliament next year, as the minister promised in the spring.", ""),  # no notice opens it
    ("Bonuses for December In September, to celebrate the number of players, we gave […]", "teaser-link"),
    ("The council will decide on the routes [...] next spring, the mayor said.", ""),  # a quotation's gap
    ("Notify me when the council publishes the new timetable.", ""),  # no comment, post or reply
    ("The judge said the material may not be reproduced in the press.", ""),  # not this site's terms
])  # fmt: skip
def test_comment_form_notices_site_terms_excerpts_and_long_copyright_lines_are_named(line, reason):
    from auditor.clean.text import pattern_reason

    assert pattern_reason(line) == reason


JAPANESE = [
    "報道によると、今回販売されたのは、いわゆる「脱獄」したiPhoneでした。",
    "もちろん、Apple社は「脱獄」を認めていません。",
    "不正に改造したiPhoneでも、もともとは、アップル社から購入したものです。",
    "ではなぜ、不正に改造したiPhoneを販売すると、商標権侵害になるのでしょうか？",
    "商標には、同じ商標が付された商品は同じ提供元のものであるという、商品の出所を表示する機能があります。",
]


def test_a_page_in_a_script_without_spaces_is_left_to_the_rules(model):
    """Japanese or Chinese prose has few \\w runs a line and ends its sentences with "。": the rules take
    "。" as a sentence end (no menu run of short lines), and the line model, whose features are those
    of spaced text, leaves such a page to them."""
    from auditor.clean.classify import unspaced
    from auditor.clean.text import label_page

    text = "\n".join(["ホーム", "サイトマップ", "お問い合わせ", "", *JAPANESE, "", "関連記事", "プライバシーポリシー"])
    assert unspaced(label_page(text)) and not unspaced(label_page("\n".join(PROSE + JAPANESE[:1])))
    assert not unspaced(label_page("\n".join(PROSE)))
    for judge in (model, None):
        assert [lab.line.text for lab in classify_lines(text, judge) if lab.keep and lab.line.stripped] == JAPANESE


DATES = ["June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL", "June 10 -- Credit Union Amphitheatre, Tampa, FL",
         "June 14 -- Bank Amphitheatre, Alpharetta, GA", "June 17 -- Bridgestone Arena, Nashville, TN"]


@pytest.mark.parametrize("intro", ["The band's tour dates:", "Tour dates"])
def test_a_list_that_goes_on_the_article_is_in_its_main_stretch(intro):
    """Items of one shape under a line that introduces them, right after the article, are the article's."""
    from auditor.clean.text import label_page

    page = label_page("\n".join([*PROSE, intro, *DATES, "", "Share on Facebook", "Home", "Contact"]))
    assert [lab.line.text for lab in page.labels if lab.keep and lab.line.stripped] == [*PROSE, intro, *DATES]


@pytest.mark.parametrize("after", [
    ["More Local Stories", *DATES],  # a related-content heading introduces no list of the article
    ["Tour dates", DATES[0], "2) Tickets go on sale on Friday", DATES[1]],  # items of different shapes
    ["Sources:", "1. Council approves new bus routes, Example Times", "2. Bus network grows, Example Post"],
])  # fmt: skip
def test_no_list_of_the_article_without_its_introduction_and_shape(after):
    from auditor.clean.text import label_page

    page = label_page("\n".join([*PROSE, *after]))
    assert [lab.line.text for lab in page.labels if lab.keep and lab.line.stripped] == PROSE


def test_a_line_of_invisible_characters_is_blank(model):
    """A line holding only zero-width spaces (an editor's empty paragraph) is blank: no short line
    between paragraphs, and the model does not judge it."""
    from auditor.clean.text import label_page

    text = "\n".join([*PROSE[:2], "\u200b", " \u200b\ufeff ", *PROSE[2:]])
    assert label_page(text).stripped[2:4] == ["", ""]
    labels = classify_lines(text, model)
    assert [lab.score for lab in labels[2:4]] == [None, None]
    assert [lab.line.text for lab in labels if lab.keep and lab.line.text.strip("\u200b\ufeff ")] == PROSE


def test_a_near_copy_of_a_line_goes_a_far_one_stays(model):
    """A line repeated within the next two lines is the page's second rendering of it (a carousel's
    caption); repeated farther on it may be content (a quoted post), and stays."""
    caption = "The mayor and the head of the bus company shake hands at the depot on Tuesday morning."
    text = "\n".join([PROSE[0], caption, PROSE[1], caption, PROSE[2], PROSE[3], PROSE[0]])
    labels = classify_lines(text, model)
    assert [lab.reason for lab in labels if lab.line.text == caption] == ["", "repeated-line"]
    assert [lab.keep for lab in labels if lab.line.text == PROSE[0]] == [True, True]
    assert "repeated-line" not in {lab.reason for lab in classify_lines(text, model, headlines=False)}


def test_short_questions_and_abbreviations_end_headlines_of_a_related_list(model):
    """A headline may be a short question or end with an abbreviation's stops ("U.S."); a long question
    is a sentence, and ends the list."""
    listed = ["What made the bus strike so long?", HEADLINES[0], "New routes for the north of the U.S."]
    long_question = ("Why would the council spend so much money on new buses when the old ones still run "
                     "perfectly well on most of the routes?")
    text = "\n".join([*PROSE, "", "Top stories", *listed, long_question])
    reasons = {lab.line.text: lab.reason for lab in classify_lines(text, model)}
    assert {reasons[t] for t in listed} == {"related-list"} and reasons[long_question] != "related-list"
