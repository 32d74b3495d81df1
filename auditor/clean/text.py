"""Strip boilerplate from text that was already flattened from a web page.

A first, rule-based line classifier:

1. lines matching plainly-boilerplate patterns (share buttons, login and
   password-reset prompts, cookie banners, copyright lines, "related posts"
   headers, calls to subscribe or follow) are removed;
2. the article is the contiguous stretch of lines with the most prose in it
   (a maximum-sum segment over per-line weights, as in Body Text Extraction,
   Finn et al. 2001): prose lines weigh their length, short non-sentence lines
   weigh against;
3. outside that stretch, only a block of prose at least a quarter the size of
   the article is kept (a second part of the article after an inline ad);
4. inside it, runs of three or more short menu-like lines are removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from auditor.chars import FOLDS_TO_ASCII, Segments, char_classes, ends_sentence, lowered
from auditor.clean.lines import Line, split_lines, word_count
from auditor.document import Removal, Span

# Each pattern matches a whole short line; the name is the reason given for the removal. With each
# pattern, words that any line it matches contains (in lower case; none: always tried): a line without
# any of them is not tried on the pattern (see _pattern_reason and _pattern_reasons). Edit the two together.
_TABLE: list[tuple[str, tuple[str, ...], str]] = [
    ("share-buttons",
     ("share", "tweet", "pin", "email", "print", "whatsapp", "facebook", "twitter", "linkedin", "reddit"),
     r"^(share|tweet|pin|email|print|whatsapp|facebook|twitter|linkedin|reddit)\b.{0,80}$"),
    ("share-buttons", ("share ",), r"^.{0,40}share (on|this|via|with) .{0,60}$"),
    ("share-buttons", ("order reprint", "reprint"), r"^(order reprints?|reprints?( (and|&) permissions)?)\W*$"),
    # A link to another story set in the text: "READ MORE: ...", "See also: ...", "Also on ...: ...".
    ("teaser-link", ("read", "see", "watch", "listen", "also"),
     r"^((read|see|watch|listen)( more| also| next)?|also read)\s*:\s*\S.{0,150}$"),
    # A post's excerpt in a list of posts, cut off with the blog software's "[…]" mark.
    ("teaser-link", ("[…]", "[...]", "[&hellip;]"), r"^.{0,300}\[(…|\.\.\.|&hellip;)\]$"),
    (
        "login-prompt",
        ("log", "sign", "register", "create an account", "welcome back", "password", "username or email"),
        r"^.{0,60}\b(log ?in|sign ?in|sign ?up|log ?out|register|create an account|welcome back|"
        r"forgot(ten)? (your )?password|reset (your )?password|retrieve your password|username or email)\b.{0,80}$",
    ),
    ("cookie-banner", ("cookie",),
     r"^.{0,200}\b(cookies?)\b.{0,200}\b(use|uses|accept|consent|policy|settings|agree)\b.{0,200}$"),
    ("cookie-banner", ("cookie",),
     r"^.{0,200}\b(use|uses|accept|consent|policy|settings|agree)\b.{0,200}\bcookies?\b.{0,200}$"),
    ("copyright", ("©", "(c)", "copyright", "all rights reserved"),
     r"^.{0,80}(©|\(c\)|copyright\b|all rights reserved).{0,120}$"),
    ("copyright", ("non-commercial use only", "noncommercial use only"),
     r"^.{0,80}\bfor your personal,? non-?commercial use only\b.{0,300}$"),
    (
        "navigation",
        ("home", "menu", "search", "skip to", "go to mobile version", "view all result", "no result", "read more",
         "load more", "show more", "next post", "previous post", "next article", "previous article", "related",
         "trending", "latest", "popular", "most read", "comments", "leave a ", "cancel reply", "back to top",
         "source link", "advertisement", "sponsored", "subscribe", "newsletter", "follow us", "categories", "tag",
         "reading time:", " min"),
        r"^(home|menu|search|skip to (main )?content|go to mobile version|view all results?|no results?|"
        r"read more|load more|show more|next post|previous post|next article|previous article|"
        r"related( posts| articles| stories)?|"
        r"trending|latest|popular|most read|comments|leave a (reply|comment)( cancel reply)?|cancel reply|back to top|"
        r"source link|advertisement|sponsored( content)?|subscribe( now)?|newsletter|follow us.*|categories|"
        r"tags?(:.*)?|reading time:.*|\d+ (min|mins|minutes?) read)\W*$",
    ),
    ("comment-form", ("your email address will not be published", "required fields are marked", "save my name, email"),
     r"^.{0,40}(your email address will not be published|required fields are marked|save my name, email).{0,80}$"),
    # A comment form's notices: "Notify me of follow-up comments by email", "This site uses Akismet to reduce spam".
    ("comment-form", ("notify me ", "akismet"),
     r"^.{0,20}\b(notify me (of|via|by|when|if)\b.{0,80}\b(comments?|posts?|repl(y|ies)|answers)\b|"
     r"this site uses akismet to reduce spam\b).{0,80}$"),
    # Calls to comment: "Tell us what you think", "Join the discussion", "Have your say".
    ("comment-form", ("tell us what you think", "join the discussion", "join the conversation", "have your say",
                      "share your thoughts", "share your views"),
     r"^.{0,40}\b(tell us what you think|join the (discussion|conversation)|have your say|"
     r"share your (thoughts|views))\b.{0,40}$"),
    # The heading of a reader-comment thread: "34 responses to “<title>”", "1 comment", "No comments" (not
    # "^(": the line does not open with the words; _pattern_reasons tries lines holding them anywhere).
    ("comment-header", ("comment", "respons", "repl", "thought", "reaction"),
     r"^\s*(\d+|no|one) (comments?|responses?|replies|thoughts|reactions)( yet| so far)?"
     r"( (to|on) [\"“‘'«].{1,150})?\W*$"),
    ("site-disclaimer", ("is not responsible for the content of external ",),
     r"^.{0,80}is not responsible for the content of external (sites|links).{0,40}$"),
    # A site's terms: "Use of this site constitutes acceptance of our User Agreement", "The material on this
    # site may not be reproduced, distributed, ... except with the prior written permission of ...".
    ("site-disclaimer", ("this site", "this website"),
     r"^.{0,60}\b((use of|using) this (web)?site (constitutes|signifies|means)( your)? (acceptance|agreement)|"
     r"(material|content)s? (on|of) this (web)?site may not be (reproduced|republished|copied|distributed))\b"
     r".{0,250}$"),
    # Calls to subscribe or follow: "Sign up for our daily newsletter", "... delivered to your inbox",
    # "Follow us on Twitter" (opening the line or a sentence), "Thanks for signing up!", "You may also like".
    (
        "subscribe-prompt",
        ("sign up", "subscri", "register", "your inbox", "your letterbox", "your mailbox", "follow ",
         "signing up", "also like", "also enjoy", "this story?", "this article?", "this post?"),
        r"^.{0,160}\b((sign up|subscribe|register)( now| today| here)? (for|to) .{0,60}\b(newsletters?|updates|"
        r"alerts|digest|briefing|mailing list|e-?mails?)\b|(delivered|sent) (straight |directly |right )?"
        r"(to|through|into) your (inbox|letterbox|mailbox)|"
        r"(?:(?<![\s\S])|(?<=[.!?:] ))follow (us|me|him|her|them|@?[\w.'’-]+( [\w.'’-]+)?) on "
        r"(twitter|facebook|instagram|youtube|linkedin|tiktok|threads|social media)\b|"
        r"thanks for (signing up|subscribing)|error processing your subscription|"
        r"(like|enjoy(ed)?) this (story|article|post)\?.{0,10}share|"
        r"you (may|might|will) also (like|enjoy)\b).{0,160}$",
    ),
]  # fmt: skip
# The patterns are tried on lines of at most PATTERN_WORDS words. A site's cookie notice runs longer
# ("This website uses cookies to improve your experience while you navigate through the website. Out
# of these cookies, ..."), or says it in other words (a consent manager's categories: "Necessary cookies
# are absolutely essential for the website to function properly. ..."): a line of any length whose
# first sentence, of at most PATTERN_WORDS words, names cookies and the site, the browser, tracking,
# consent, advertising or privacy is a cookie notice too (cookie-banner), where no pattern named it.
PATTERN_WORDS = 40
_COOKIE_NOTICE = re.compile(
    r"(?=.{0,300}?\bcookies?\b)(?=.{0,300}?\b(web ?sites?|site|browser|browsing|consent|tracking|"
    r"personali[sz]\w*|advertis\w*|analytics|privacy)\b).{0,300}?[.!?](\s|$)",
    re.IGNORECASE,
)
# And a longer line that opens with a copyright notice ("© 2019 Example Media. All rights reserved. Use of
# this site constitutes ...") is a copyright line too.
_COPYRIGHT_OPENING = re.compile(r"(©|\(c\)|copyright\s*(©|\(c\)|\d{4}))", re.IGNORECASE)
# A photo's caption, of any length, ends with its credit: "(AP Photo/Alan Diaz, File)", "Credit: EPA",
# "REUTERS/Brendan McDermid", "Photo: Damian Dovarganes, AP", "Getty Images" (with _CAPTION_WORDS).
_CAPTION = re.compile(
    r"(\((AP|AFP|Reuters|Getty( Images)?)? ?Photos?( by|/|:)[^)]{0,80}\)|\bCredit: [^.]{1,60}|"
    r"\b(REUTERS|AFP|AP|EPA)/[A-Z][\w.-]*( [A-Z][\w.-]*){0,3}|Getty Images|\bPhoto: [^.]{1,60})\s*$")
# Or it opens as news agencies' captions do: "In this Nov. 10, 2019, photo, ...", "In this file photo, ...",
# "This image released by NASA shows ...", "FILE PHOTO: ...", "Image copyright ...", "Image caption ...".
_CAPTION_OPENING = re.compile(
    r"(in this ([\w.,]+ ){0,6}(file )?(photo|photograph|image|picture)(,| (provided|released|taken|made|shows|from)\b)|"
    r"this ([\w.,]+ ){0,6}(file )?"
    r"(photo|photograph|image) (shows|provided|released|made available)|file photo:|image (copyright|caption)\b)",
    re.IGNORECASE)
_CAPTION_WORDS = ("photo", "credit: ", "reuters/", "afp/", "ap/", "epa/", "getty images", "image", "picture")
PATTERNS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(rx, re.IGNORECASE)) for name, _, rx in _TABLE]
_COOKIE_ENTRY = next(k for k, (name, needs, _) in enumerate(_TABLE) if name == "cookie-banner")  # its words: "cookie"
_TRIES = [(name, rx, re.compile("|".join(map(re.escape, needs))) if needs else None)
          for (name, rx), (_, needs, _) in zip(PATTERNS, _TABLE, strict=True)]
# In a line without these (chars.FOLDS_TO_ASCII), the lower-cased line holds every stretch of ASCII
# letters the patterns could match.
_FOLDS_TO_ASCII = FOLDS_TO_ASCII
# The patterns that match a line opening with one of their words ("^(": navigation's also one opening with
# a number), and those words (all ASCII). Whether a lower-cased line opens with such a word shows in the
# lower case of its first _OPENING_CHARS characters alone (lower() maps a character on its own but for a
# capital sigma, which lower-cases to no ASCII letter either way).
_OPENING = [source.startswith("^(") for _, _, source in _TABLE]
_OPENING_WORDS = tuple(w for (_, needs, _), opening in zip(_TABLE, _OPENING, strict=True) if opening for w in needs)
_OPENING_CHARS = max(map(len, _OPENING_WORDS))
# The names that _unlisted_reason gives to lines of more than PATTERN_WORDS words too (as "caption"):
# a line opening with a copyright notice holds the copyright pattern's words, and a cookie notice "cookie".
_ANY_LENGTH = ("copyright", "cookie-banner")

# A heading that opens a list of links to other stories ("Related", "More Great Stories", "Don't
# Miss", "You may also like", "Popular on ..."): generic web vocabulary, never one site's words.
# In HTML (html.furniture) the list's lines must be links; in plain text (related_lists), headline-
# like lines: short and without a sentence end.
RELATED_HEADING = re.compile(
    r"(related( \w+){0,2}( from [\w .'’&:-]{1,40})?|more( \w+){0,3} (stories|articles|news|coverage|reading|videos)|"
    r"read (more|next|also)|see (more|also)|also read|don'?t miss|recommended( for you| reading| stories)?|"
    r"you (may|might) also (like|enjoy)|popular( on [\w .'’&-]{1,30}| posts| stories| articles)?|"
    r"trending( now| stories| news| in [\w .'’&-]{1,30})?|(more|also) (from|in|on) [\w .'’&-]{1,30}|"
    r"elsewhere on [\w .'’&-]{1,30}|breaking news|((editor|editors|staff|our|top)['’]?s?['’]? )picks|"
    r"top (stories|headlines)|latest( news| stories| articles| headlines)?|"
    r"most (read|popular|viewed|shared|commented)( (in|on) [\w .'’&-]{1,30})?)"
    r"\W*",
    re.IGNORECASE,
)
RELATED_HEADING_WORDS = 8
# Plain text: at least RELATED_MIN_HEADLINES lines of 1..RELATED_HEADLINE_WORDS words without a
# sentence end must follow the heading (measured on aeb-text, cleaneval-dev-text and turku-test: README).
RELATED_MIN_HEADLINES = 2
RELATED_HEADLINE_WORDS = 20
# A list of teasers: under each headline, a sentence or two of the story (at most RELATED_TEASER_WORDS
# words, opening as a sentence does). A teaser is taken where the next line is a headline again, the last
# one too once the list has had RELATED_TEASERS_MIN of them; a list with fewer is only its headlines
# (an article going on under an inline box of links has one sentence after the box, not a pattern).
RELATED_TEASER_WORDS = 60
RELATED_TEASERS_MIN = 2
# What opens a sentence or a headline besides a capital or a digit (a hard-wrapped paragraph's lines
# open in lower case).
_OPENING_QUOTES = "\"'“‘«„¿¡"

# The line that opens a reader's comment in a blog's comment thread (WordPress' default themes):
# "joe says:" or "Jane Doe on September 12, 2018 at 4:47 pm said:". One dated line names itself; a
# bare "name says:" is a comment header where the page holds COMMENT_HEADERS_MIN of them (an article
# may quote a sign that "says:" once). Comments are no part of an article (AEB's gold), and a named
# header splits the thread from the article's stretch and fences it off from the line model.
COMMENT_HEADER_DATED = re.compile(
    r"[^.!?\n]{1,80}?,? on [^\n]{3,40}?\d{4},? (at )?\d{1,2}[:.]\d{2}( ?[ap]\.?m\.?)? (says|said|wrote):",
    re.IGNORECASE,
)
COMMENT_HEADER = re.compile(r"\S[^!?\n]{0,59}? says:", re.IGNORECASE)
COMMENT_HEADERS_MIN = 2

# A line that closes with a count in brackets after no sentence end ("Vikings come back to beat the
# Broncos (145)": a headline with its count of comments or views) is no sentence for the main stretch.
_COUNT_END = re.compile(r"(?<![.!?])\s*\(\d[\d,.]*\)\s*$")

# Sentence ends of scripts written without spaces (Chinese, Japanese): the ideographic full stop and
# the full-width "!" and "?". They end a sentence for the main stretch's weights and the menu runs (the
# line features, as the model was trained, count _TERMINAL's only).
_CJK_ENDS = ("。", "！", "？", "。」", "。）")
_CJK_STOPS = ("。", "！", "？")  # what a text holds where a line of it can end in one of _CJK_ENDS

# What ends a headline though it ends a sentence: a short question ("What made Joker so popular?",
# at most RELATED_QUESTION_WORDS words) or an abbreviation's stops ("U.S.").
RELATED_QUESTION_WORDS = 12
_HEADLINE_END = re.compile(rf"((?<![\w.])(\w\.){{2,}}|^(\S+ ){{0,{RELATED_QUESTION_WORDS - 1}}}\S+\?)$")

_TERMINAL = re.compile(r"[.!?…\"”’»)]\s*$")
# A sentence's end as a headline has none: a full stop, "!" or "?", closing quotes or brackets after it
# (a headline may end in a quotation or a count in brackets).
_SENTENCE_END = re.compile(r"[.!?][\"”’»)]*\s*$")


@dataclass(slots=True)
class LineLabel:
    line: Line
    keep: bool
    reason: str = ""
    score: float | None = None  # the line model's P(content), where it judged the line


def pattern_reason(text: str) -> str:
    """The boilerplate pattern a line matches, or "" (only short lines are tested)."""
    s = text.strip()
    return _pattern_reason(s, word_count(s)) if s else ""


def _pattern_reason(s: str, words: int) -> str:
    """pattern_reason of a stripped non-blank line with `words` words."""
    low = s.lower() if s.isascii() or not _FOLDS_TO_ASCII.search(s) else None
    if words <= PATTERN_WORDS:
        for name, rx, needs in _TRIES:
            if needs is not None and low is not None and needs.search(low) is None:
                continue  # a line without the pattern's words: it cannot match
            if rx.match(s):
                return name
    return _unlisted_reason(s, words, low is None or any(w in low for w in _CAPTION_WORDS),
                            low is None or "cookie" in low)


def _unlisted_reason(s: str, words: int, caption: bool, cookie: bool) -> str:
    """The name of a stripped line that no pattern of _TABLE names, or "": a line of more than
    PATTERN_WORDS words opening with a copyright notice, a photo's caption, a cookie notice of any
    length (`caption`, `cookie`: the line may be one, it holds their words)."""
    if words > PATTERN_WORDS and _COPYRIGHT_OPENING.match(s):
        return "copyright"
    if caption and _caption(s):
        return "caption"
    return _cookie_notice(s) if cookie else ""


def _caption(s: str) -> bool:
    """A stripped line is a photo's caption: it ends with a credit (_CAPTION) or opens as one (_CAPTION_OPENING)."""
    return _CAPTION.search(s) is not None or _CAPTION_OPENING.match(s) is not None


def _cookie_notice(s: str) -> str:
    """"cookie-banner" where the first sentence of a stripped line is a cookie notice (_COOKIE_NOTICE, at
    most PATTERN_WORDS words), else ""."""
    m = _COOKIE_NOTICE.match(s)
    return "cookie-banner" if m is not None and word_count(m.group()) <= PATTERN_WORDS else ""


def _pattern_reasons(low: str | None, stripped: list[str], counts: list[int], seg: Segments) -> list[str]:
    """_pattern_reason of every line of a text (its `stripped` lines with their word `counts`; `low`:
    chars.lowered(text)): each pattern is tried only on the lines where `low` holds one of its words."""
    if low is None:  # a character that folds to ASCII, or one that lower-cases to two
        return [_pattern_reason(s, n) if s else "" for s, n in zip(stripped, counts, strict=True)]
    # the lines that open with a word of any "^(" pattern or with a number, as their lower-cased openings
    heads = [(i, h) for i, h in enumerate(t[:_OPENING_CHARS].lower() for t in stripped)
             if h.startswith(_OPENING_WORDS) or h[:1].isdecimal()]
    # The patterns are tried on lines of at most PATTERN_WORDS words, a third of a page's characters (web
    # pages measured): their words are looked for in those lines alone (their lower case, joined), but
    # for the names that _unlisted_reason gives to lines of any length.
    short = [i for i, (t, n) in enumerate(zip(stripped, counts, strict=True)) if t and n <= PATTERN_WORDS]
    starts, ends = seg.starts.tolist(), seg.ends.tolist()
    parts = [low[starts[i]:ends[i]] for i in short]
    short_low, short_seg = "\n".join(parts), Segments.joined(parts)  # the short lines and their spans in it
    candidates: list[set[int]] = []
    # the lines holding a pattern's words, by the words and whether lines of any length count (two
    # patterns share theirs)
    found: dict[tuple[tuple[str, ...], bool], set[int]] = {}
    for (name, needs, _), opening in zip(_TABLE, _OPENING, strict=True):
        if opening:  # the line opens with one of the words (navigation: or with a number)
            candidates.append({i for i, h in heads if h.startswith(needs) or h[:1].isdecimal()})
        elif not needs:
            candidates.append(set(range(len(stripped))))
        else:
            key = (needs, name in _ANY_LENGTH)
            if key not in found:
                found[key] = set(seg.with_words(low, needs)) if key[1] else \
                    {short[k] for k in short_seg.with_words(short_low, needs)}
            candidates.append(found[key])
    out = [""] * len(stripped)
    cookie_lines = candidates[_COOKIE_ENTRY]
    caption_lines = set(seg.with_words(low, _CAPTION_WORDS))
    for i in sorted(set().union(*candidates, caption_lines)):
        s = stripped[i]
        if not s:
            continue
        if counts[i] <= PATTERN_WORDS:
            for (name, rx), lines in zip(PATTERNS, candidates, strict=True):
                if i in lines and rx.match(s):
                    out[i] = name
                    break
        if not out[i]:
            out[i] = _unlisted_reason(s, counts[i], i in caption_lines, i in cookie_lines)
    return out


def _weight(s: str, n: int, reason: str, terminal: bool) -> float:
    """The weight of a line for the main stretch: `s` stripped, `n` its words, `terminal` it ends a sentence."""
    if not s:
        return 0.0
    if reason:
        return -200.0
    if n >= 10 and (terminal or n >= 20):
        return float(len(s))  # prose
    if n >= 3 and terminal:
        return len(s) * 0.5  # a short sentence ("The stakes could not be higher.")
    return -(30.0 + len(s) * 0.5)


# A list that goes on the article after its main stretch (tour dates, steps, the items of a round-up):
# its items open alike (a date, a number, a bullet) and have the same separator after their first part
# ("June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL"; "2) Step two: ..."), each of at most
# LIST_ITEM_WORDS words, LIST_MIN_ITEMS or more; it follows a line that introduces it (ending in ":",
# or a short heading: "Tour dates") or the stretch's own last item of that shape.
_ITEM_OPENING = re.compile(
    r"(?P<date>(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b)|(?P<num>\d{1,3}[.)] )|"
    r"(?P<bullet>[-•*·–] )", re.IGNORECASE)
_ITEM_SEPARATOR = re.compile(r" (--|–|—|-|@|\|) |: ")
LIST_ITEM_WORDS = 20
LIST_MIN_ITEMS = 2
LIST_HEADING_WORDS = 8
LIST_MAX_LINES = 200  # looked at after the stretch
# A list of sources or references is no part of the article's text (the titles it cites restate it).
REFERENCES_HEADING = re.compile(
    r"(sources?|references?|citations?|notes|bibliography|further reading|links|see also)\W*", re.IGNORECASE)


def _item_shape(s: str) -> tuple[str, str] | None:
    """How a list item opens and the separator after its first part; None: no list item."""
    m = _ITEM_OPENING.match(s)
    if m is None:
        return None
    sep = _ITEM_SEPARATOR.search(s, m.end())
    return m.lastgroup or "", sep.group(1) if sep else ""


def _list_after(stripped: list[str], reasons: list[str], counts: list[int], last: int) -> int:
    """The main stretch's last line `last`, taken on through a list that goes on the article (above)."""
    nxt: list[int] = []  # the non-blank lines after it, up to a line a pattern named
    for i in range(last + 1, len(stripped)):
        if reasons[i]:
            break
        if stripped[i]:
            nxt.append(i)
            if len(nxt) > LIST_MAX_LINES:
                break
    if len(nxt) < LIST_MIN_ITEMS:
        return last
    head, k = stripped[nxt[0]], 0
    introduced = stripped[last].endswith(":")
    heading = counts[nxt[0]] <= LIST_HEADING_WORDS and not ends_sentence(head) and not RELATED_HEADING.fullmatch(head)
    if REFERENCES_HEADING.fullmatch(head) or REFERENCES_HEADING.fullmatch(stripped[last]):
        return last
    if not introduced and (heading or head.endswith(":") and counts[nxt[0]] <= LIST_ITEM_WORDS):
        introduced, k = True, 1
    shape = _item_shape(stripped[nxt[k]]) if k < len(nxt) else None
    if shape is None or not (introduced or _item_shape(stripped[last]) == shape):
        return last
    end = k
    while end < len(nxt) and counts[nxt[end]] <= LIST_ITEM_WORDS and _item_shape(stripped[nxt[end]]) == shape:
        end += 1
    return nxt[end - 1] if end - k >= LIST_MIN_ITEMS else last


def _best_segment(weights: list[float]) -> tuple[int, int, float]:
    """Kadane's maximum-sum segment: (first, last, sum); (0, -1, 0) when nothing is positive."""
    best = (0, -1, 0.0)
    start, total = 0, 0.0
    for i, w in enumerate(weights):
        if total <= 0:
            start, total = i, 0.0
        total += w
        if total > best[2]:
            best = (start, i, total)
    return best


def label_lines(text: str, min_run: int = 3, short_words: int = 4) -> list[LineLabel]:
    return label_lines_with_reasons(text, min_run, short_words)[0]


def label_lines_with_reasons(text: str, min_run: int = 3,
                             short_words: int = 4) -> tuple[list[LineLabel], list[str], list[int]]:
    """label_lines, with each line's boilerplate pattern (pattern_reason, before the main-stretch and
    menu-run labels overwrite it) and its word count: what the line model's features need."""
    page = label_page(text, min_run, short_words)
    return page.labels, page.reasons, page.counts


@dataclass(slots=True)
class LabelledPage:
    """The rules' labels of a text's lines, with what was found on the way, per line."""

    labels: list[LineLabel]
    stripped: list[str]  # the line without surrounding space
    reasons: list[str]  # the boilerplate pattern naming it (before other labels overwrote the reason)
    counts: list[int]  # its words
    # what the line features (features.py) count again otherwise:
    terminal: list[bool]  # it ends a sentence (_TERMINAL)
    classes: np.ndarray  # (lines, 8): its characters of each class, chars.Segments.counts
    seg: Segments  # the lines' spans in the text
    flags: np.ndarray  # the class flags of the text's characters (chars.char_classes)
    code_points: np.ndarray  # and their code points
    low: str | None  # chars.lowered(text)


# Characters that show nothing and are no white space to str.strip: zero-width space and joiners, word
# joiner, byte order mark, soft hyphen. A line of these alone (an editor's empty paragraph) is blank.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_RUN = re.compile(f"^[{_INVISIBLE}\\s]*[{_INVISIBLE}][{_INVISIBLE}\\s]*$", re.MULTILINE)


def _blank_if_invisible(s: str) -> str:
    return "" if s and not s.strip(_INVISIBLE).strip() else s


def label_page(text: str, min_run: int = 3, short_words: int = 4) -> LabelledPage:
    """label_lines_with_reasons, as a LabelledPage."""
    lines = split_lines(text)
    stripped = [ln.text.strip() for ln in lines]
    # (the run's pattern, tried at every line start, is looked for only where the text holds such a character)
    if not text.isascii() and any(c in text for c in _INVISIBLE) and _INVISIBLE_RUN.search(text):
        stripped = [_blank_if_invisible(t) for t in stripped]
    seg = Segments(np.fromiter((ln.start for ln in lines), dtype=np.int64, count=len(lines)),
                   np.fromiter((ln.end for ln in lines), dtype=np.int64, count=len(lines)))
    flags, code_points = char_classes(text)
    classes = seg.counts(flags)
    counts, ends = classes[:, 7].tolist(), list(map(ends_sentence, stripped))
    low = lowered(text)
    patterns = _pattern_reasons(low, stripped, counts, seg)  # what the line features see (pattern_reason)
    # (a comment header ends in "says:", "said:" or "wrote:")
    reasons = patterns if low is not None and not any(e in low for e in ("s:", "d:", "e:")) else \
        _comment_headers(stripped, patterns)
    # sentence ends, any script (the text's own ends where it holds no ideographic or full-width stop)
    stops = [t or s.endswith(_CJK_ENDS) for s, t in zip(stripped, ends, strict=True)] \
        if not text.isascii() and any(c in text for c in _CJK_STOPS) else ends
    weights = [_weight(s, n, r, t and not (s.endswith(")") and _COUNT_END.search(s)))
               for s, n, r, t in zip(stripped, counts, reasons, stops, strict=True)]
    first, last, main = _best_segment(weights)
    if main > 0:
        last = _list_after(stripped, reasons, counts, last)
    labels = [LineLabel(ln, True) for ln in lines]
    for i, lab in enumerate(labels):
        if not stripped[i]:
            continue
        if reasons[i]:
            lab.keep, lab.reason = False, reasons[i]
        elif not (first <= i <= last):
            lab.keep, lab.reason = False, "outside-main-text"
    # A second block of prose outside the main one is kept when it is substantial, unless a reader's
    # comment opens between the two (a comment header after the main stretch, or before it where
    # the thread comes first): that block is a comment.
    headers = [k for k, r in enumerate(reasons) if r == "comment-header"]
    after = next((k for k in headers if k > last), len(lines))
    before = next((k for k in reversed(headers) if k < first), -1)
    i = 0
    while i < len(lines):
        if first <= i <= last or weights[i] <= 0 or i > after or i < before:
            i += 1
            continue
        j, total = i, 0.0
        while j < len(lines) and not (first <= j <= last) and weights[j] >= 0:
            total += weights[j]
            j += 1
        if main > 0 and total >= 0.25 * main:
            for k in range(i, j):
                if not reasons[k]:
                    labels[k].keep, labels[k].reason = True, ""
        i = j
    # Menu runs inside the main text: min_run consecutive short lines without sentence end.
    run: list[int] = []
    for i in list(range(first, last + 1)) + [-1]:
        s = stripped[i] if i >= 0 else None
        if s is not None and s and counts[i] <= short_words and not stops[i]:
            run.append(i)
            continue
        if s == "":
            continue
        if len(run) >= min_run:
            for k in run:
                # a line a pattern named keeps its name: the line model may restore a menu-run line, not a named one
                if not reasons[k]:
                    labels[k].keep, labels[k].reason = False, "menu-run"
        run = []
    return LabelledPage(labels, stripped, patterns, counts, ends, classes, seg, flags, code_points, low)


def _comment_headers(stripped: list[str], patterns: list[str]) -> list[str]:
    """The lines' `patterns` (their pattern_reason), with "comment-header" for each line that opens a
    reader's comment (COMMENT_HEADER_DATED, or COMMENT_HEADER where the page holds COMMENT_HEADERS_MIN
    of them). A page-level name: the line features see the patterns only, as the model was trained."""
    heads = [i for i, s in enumerate(stripped) if s.endswith(":") and not patterns[i]]
    bare = [i for i in heads if COMMENT_HEADER.fullmatch(stripped[i])]
    named = set(bare) if len(bare) >= COMMENT_HEADERS_MIN else set()
    named.update(i for i in heads if COMMENT_HEADER_DATED.fullmatch(stripped[i]))
    if not named:
        return patterns
    return ["comment-header" if i in named else r for i, r in enumerate(patterns)]


def related_lists(labels: list[LineLabel], stripped: list[str], counts: list[int], terminal: list[bool]) -> None:
    """Remove (reason "related-list") each related-content heading (RELATED_HEADING) of plain text
    with the run of headline-like lines under it (1..RELATED_HEADLINE_WORDS words, no sentence end:
    `terminal`, the lines' ends_sentence, and _SENTENCE_END), where the run has RELATED_MIN_HEADLINES
    lines or more; blank lines neither count nor end a run. A run of headlines with their teasers
    (RELATED_TEASERS_MIN) goes on through the teasers, up to a line a pattern named (another part of
    the page). The labels are changed in place."""
    idx = [i for i, s in enumerate(stripped) if s]

    def headline(m: int) -> bool:
        return (m < len(idx) and 0 < counts[idx[m]] <= RELATED_HEADLINE_WORDS
                and not (terminal[idx[m]] and _SENTENCE_END.search(stripped[idx[m]])
                         and not _HEADLINE_END.search(stripped[idx[m]])))

    def teaser(m: int, k: int, teasers: int) -> bool:
        """Line m is a teaser under a headline of the list opened at k, `teasers` before it."""
        return (m - 1 > k and headline(m - 1) and counts[idx[m]] <= RELATED_TEASER_WORDS
                and _opens_sentence(stripped[idx[m]])
                and (teasers >= RELATED_TEASERS_MIN or headline(m + 1) and _opens_sentence(stripped[idx[m + 1]])))

    def run(k: int, teasing: bool) -> tuple[int, int, int]:
        """The list under the heading at k: (the index past it, its headlines, its teasers)."""
        m, heads, teasers = k + 1, 0, 0
        while m < len(idx):
            if teasing and labels[idx[m]].reason not in ("", "outside-main-text", "menu-run", "line-model"):
                break  # a line a pattern named: a part of the page of its own
            if headline(m):
                heads += 1
            elif teasing and teaser(m, k, teasers):
                teasers += 1
            else:
                break
            m += 1
        return m, heads, teasers

    k = 0
    while k < len(idx):
        i = idx[k]
        if counts[i] <= RELATED_HEADING_WORDS and RELATED_HEADING.fullmatch(stripped[i]):
            m, heads, teasers = run(k, True)
            if teasers < RELATED_TEASERS_MIN:
                m, heads, teasers = run(k, False)
            if heads >= RELATED_MIN_HEADLINES:
                for j in idx[k:m]:
                    if labels[j].keep or labels[j].reason in ("outside-main-text", "menu-run", "line-model"):
                        labels[j].keep, labels[j].reason = False, "related-list"
                k = m
                continue
        k += 1


def _opens_sentence(s: str) -> bool:
    """A non-blank line opens as a sentence or a headline does: a capital, a digit or a quotation mark."""
    return s[0].isupper() or s[0].isdigit() or s[0] in _OPENING_QUOTES


def strip_text(text: str, labels: list[LineLabel] | None = None) -> tuple[str, list[Removal]]:
    """Cleaned text (kept lines, blank runs collapsed) and the removals with their reasons."""
    labels = label_lines(text) if labels is None else labels
    kept: list[str] = []
    removals: list[Removal] = []
    for lab in labels:
        if lab.keep:
            if lab.line.stripped or (kept and kept[-1] != ""):
                kept.append(lab.line.text.rstrip())
        else:
            removals.append(Removal(Span(lab.line.start, lab.line.end, "raw"), lab.line.text, lab.reason, lab.score))
    return "\n".join(kept).strip("\n"), removals
