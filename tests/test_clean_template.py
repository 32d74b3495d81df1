"""Template lines: the per-line keys that the index counts and looks up."""

from __future__ import annotations

from auditor.clean.template import TemplateIndex, line_hash


def test_template_keys_are_the_line_hashes_of_eligible_lines():
    idx = TemplateIndex(min_docs=2, max_words=3, max_lines=50)
    text = "Share this\n\n  ---  \none two three four\nHome | About\n12 Main St."
    assert idx.keys(text) == [line_hash("Share this"), None, None, None, line_hash("Home | About"),
                              line_hash("12 Main St.")]  # fmt: skip
    idx.add("s", text)
    idx.add("s", "home about\nother words here")  # the same normal form as "Home | About"
    keys = idx.keys(text)
    looked_up = [idx.is_key_template("s", k) for k in keys]
    assert looked_up == [idx.is_template("s", ln) for ln in text.split("\n")] == [False] * 4 + [True, False]


def test_a_line_is_keyed_exactly_when_its_word_count_allows():
    # the key's length test reads at most max_words + 1 words; it must agree with word_count on every
    # line: word runs split by punctuation, underscores, digits, non-Latin letters, marks, no words
    import random

    from auditor.clean.lines import normalize_line, word_count

    rng = random.Random(7)
    alphabet = ["a", "Zz", "_", "9", "é", "ß", "ж", "中", "\u0301", "①", " ", "  ", "\t", "-", ",", ".", "|", "…", "’"]
    lines = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80))) for _ in range(3000)]
    lines += [" ".join(["word"] * n) for n in range(30)] + ["x," * n for n in range(30)]
    for max_words in (1, 3, 25):
        idx = TemplateIndex(max_words=max_words)
        for line in lines:
            eligible = 0 < word_count(line) <= max_words and bool(normalize_line(line))
            assert (idx.keys(line)[0] is not None) == eligible, (max_words, line)
