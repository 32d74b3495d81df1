"""`CleanSettings`, the clean stage's settings, in a module of its own (re-exported by auditor.clean).

It lives outside the `auditor.clean` package so that reading the settings (auditor.config) does
not import the cleaner itself (lxml, the line model, its features): commands that never clean,
such as `auditor score --no-clean`, start without it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CleanSettings:
    templates: bool = True
    template_min_docs: int = 3
    template_max_words: int = 25
    template_max_lines: int = 200_000  # distinct line hashes kept per source (bounded memory)
    min_html_words: int = 20  # below this, trafilatura's output is judged too little
    html_timeout_s: float = 10.0  # per page; 0 = no limit
    line_model: bool = True  # use the trained line classifier on plain text (else the rules alone)
    table_layout: bool = True  # a page laid out in tables, without HTML5 sections: the line model, not trafilatura
    keep_in_prose: float = 0.3  # P(content) a line inside the main prose stretch needs to stay
    keep_outside: float = 0.8  # P(content) any other line needs to stay
