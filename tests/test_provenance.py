"""Provenance: which document of a same-story group is the original, decided from the texts only."""

from __future__ import annotations

import random

import pytest

from auditor.dedup.provenance import Usage, judge, originals, pair_judgements, profile

BASE = "\n\n".join([
    "The city council of Bristol voted on Tuesday to close the Avon Street depot by March 2026, "
    "a decision that Mayor Helen Godwin said would save 4.2 million pounds a year.",
    "Opponents, led by councillor James Patel, argued that the 240 workers at the depot had not been consulted "
    "and that the savings had been overstated by the finance office.",
    "\u201cWe were told about this in a press release,\u201d said Maria Lopez, who has driven buses from the depot "
    "for nineteen years. \u201cNobody asked us anything at all.\u201d",
    "The council said the routes served by the depot would move to the Lawrence Hill garage, which opened in 2019 "
    "and has room for another 80 vehicles according to its latest annual report.",
    "A final vote on the budget is expected on 14 April, when the plan will be debated again in full session.",
])


def _typos(text: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    words = text.split(" ")
    for i, w in enumerate(words):
        if len(w) > 3 and rng.random() < rate:
            k = rng.randrange(1, len(w) - 1)
            words[i] = w[:k] + w[k + 1 :]
    return " ".join(words)


def _truncated(text: str) -> str:
    return "\n\n".join(text.split("\n\n")[:3])


def _wrapped(text: str) -> str:
    head = "\n".join(["Home", "News", "Sport", "Weather", "Sign in", "Subscribe today"])
    foot = "\n".join(["About us", "Privacy policy", "Cookie settings", "Contact"])
    return f"{head}\n\n{text}\n\n{foot}"


@pytest.mark.parametrize("make", [_truncated, lambda t: _typos(t, 0.1, 1), lambda t: _wrapped(_truncated(t)),
                                  lambda t: _typos(_truncated(t), 0.05, 2),
                                  lambda t: t.replace("\u201c", '"').replace("\u201d", '"')],
                         ids=["truncated", "typos", "wrapped-truncated", "truncated-typos", "flattened-quotes"])
def test_the_base_is_the_original_of_its_copy_in_either_order(make):
    copy = make(BASE)
    for texts, want in (([BASE, copy], 0), ([copy, BASE], 1)):
        [story] = originals(texts, [[0, 1]])
        assert story.original == want
        assert story.judgements[1 - want].reasons, "the judgement says why"


def test_a_thinned_rewrite_loses_to_the_report_with_the_specifics():
    rewrite = ("Bristol's council has decided to shut a bus depot, saying it will save money. Critics said workers "
               "had not been consulted about the plan.\n\nThe routes will move to another garage, and a further vote "
               "on the budget is expected later in the spring.")
    a, b = profile(BASE), profile(rewrite)
    usage = Usage()
    usage.add(a.words)
    usage.add(b.words)
    jd = judge(b, a, usage, 0, 1)
    assert jd.original == 1 and jd.derivative == 0
    only = jd.evidence["specifics_only_in_original"]
    assert {"godwin", "patel", "4.2"} <= set(only)
    assert any("specifics the other lacks" in r for r in jd.reasons)


def test_metadata_dates_decide_when_both_have_one():
    copy = _truncated(BASE)
    [story] = originals([copy, BASE], [[0, 1]], [{"date": "2024-01-02"}, {"date": "2024-03-01"}])
    assert story.original == 0  # published first, though it carries less
    assert "published first" in story.judgements[1].reasons[0]


def test_an_inserted_passage_from_another_document_counts_against_its_carrier():
    other = ("Meanwhile the weather office warned of heavy snow across the Pennines this weekend, with drifts of up "
             "to thirty centimetres expected on high roads and several schools likely to close early on Friday.")
    with_advert = BASE.replace("\n\nA final vote", "\n\n" + other + "\n\nA final vote")
    texts = [with_advert, BASE, other + "\n\nThe forecast was issued by the Met Office on Thursday afternoon."]
    [story] = originals(texts, [[0, 1]])
    assert story.original == 1
    assert story.judgements[0].evidence["borrowed_words_derivative"] > 0


def test_groups_of_one_are_skipped_and_the_base_wins_a_group_of_copies():
    copies = [BASE, _typos(BASE, 0.08, 3), _truncated(BASE), _typos(_truncated(BASE), 0.05, 4)]
    order = [2, 0, 3, 1]
    stories = originals([copies[i] for i in order], [[0, 1, 2, 3], [0]])
    assert len(stories) == 1
    assert order[stories[0].original] == 0
    assert set(stories[0].judgements) == {0, 1, 2, 3} - {stories[0].original}


def test_seed_002_is_the_original_of_004_with_reasons(seed_audit):
    story = next(s for s in seed_audit.stories if any(m.startswith("004") for m in s.members))
    assert story.original.startswith("002")
    [der] = story.derivatives
    assert der["id"].startswith("004")
    assert any("specifics the other lacks" in r for r in der["reasons"])
    assert len(der["evidence"]["specifics_only_in_original"]) > len(der["evidence"]["specifics_only_in_derivative"])


def test_dedup_marks_the_original_of_each_cluster_of_copies():
    from auditor.dedup.corpus import dedup_corpus
    from auditor.dedup.near import DedupSettings, Record

    other = BASE.replace("Bristol", "Leeds").replace("depot", "library")[::-1]  # unrelated text, its own cluster
    # a plain truncated copy: how noisy a copy may be and still cluster is dedup's to test, not this
    records = [Record("copy", _truncated(BASE)), Record("base", BASE), Record("alone", other)]
    report = dedup_corpus(records, DedupSettings(), originals=True)
    rows = {r["id"]: r for r in report.rows}
    assert rows["base"]["cluster"] == rows["copy"]["cluster"]
    assert rows["base"]["original"] is True and rows["copy"]["original"] is False
    assert "original" not in rows["alone"]  # a document alone has no copy to be the original of


def _swapped(text: str) -> str:
    paras = text.split("\n\n")
    paras[1], paras[2] = paras[2], paras[1]
    return "\n\n".join(paras)


def test_a_reordered_copy_loses_to_the_order_the_other_copies_share():
    # the same words in another order: only the rest of the group tells which order is the story's
    copies = [_swapped(BASE), BASE, _typos(BASE, 0.06, 5)]
    [story] = originals(copies, [[0, 1, 2]])
    assert story.original == 1
    assert story.judgements[0].evidence["consensus_original"] > story.judgements[0].evidence["consensus_derivative"]


def test_a_typo_at_the_very_start_is_an_edit_the_corpus_word_list_settles():
    # two copies alone cannot tell "city" from "ctiy"; the rest of the corpus can
    copy = BASE.replace("The city council", "The ctiy council", 1)
    elsewhere = "The city council of Leeds met on Monday to discuss the parking charges in the city centre."
    for texts, want in (([BASE, copy, elsewhere], 0), ([copy, BASE, elsewhere], 1)):
        [story] = originals(texts, [[0, 1]])
        assert story.original == want
        assert story.judgements[1 - want].evidence["edits_favouring_original"] >= 1


EXTRA = [
    "In my view this shows how local politics works when budgets are tight and nobody wants to take the blame.",
    "I think the workers should have been asked first, because they know the routes better than anyone else does.",
    "This reminds me of a similar case in my own town, where a library was closed after a very short consultation.",
]


def test_the_source_wins_against_answers_that_copy_it_and_add_their_own_text():
    """Short answers built from one source (as Clough & Stevenson's): each takes most of the
    source and adds a paragraph of its own, so each is longer than the part it took. Judged
    inside the group, the source's text is what the answers share; their additions are not."""
    paras = BASE.split("\n\n")
    answers = ["\n\n".join([*paras[:4], EXTRA[0]]), "\n\n".join([*paras[1:], EXTRA[1]]),
               "\n\n".join([paras[0], *paras[2:], EXTRA[2]])]
    texts = [*answers, BASE]
    judged = pair_judgements(texts, [[0, 1, 2, 3]], [(0, 3), (1, 3), (2, 3)])
    assert all(jd.original == 3 for jd in judged.values())


def test_the_original_of_a_group_does_not_depend_on_the_order_of_the_texts_or_members():
    """Decided from the texts only: every order of the documents in the input and of the members
    in the group gives the same original (ties, where nothing tells two texts apart, aside)."""
    import itertools

    docs = [BASE, _truncated(BASE), _typos(BASE, 0.08, 3), _wrapped(_typos(_truncated(BASE), 0.05, 4)), _swapped(BASE)]
    for order in itertools.permutations(range(len(docs))):
        texts = [docs[k] for k in order]
        members = sorted(range(len(docs)), key=lambda pos: (order[pos] * 7) % len(docs))  # another order again
        [story] = originals(texts, [members])
        assert order[story.original] == 0, order
        assert sorted(story.members) == list(range(len(docs)))


def test_a_title_case_heading_lends_no_names_but_a_name_in_it_stays():
    """Capitals a heading wears for style ("Agreement", "Efforts") are no specifics when the text
    writes the word in lower case elsewhere; a real name in a heading or a chart line stays."""
    text = ("Mexico Confirms Cartel Agreement with Border Officials\n"
            "The agreement was signed by officials in Tijuana, who met the family of Ovidio Guzman on Monday. "
            "The officials said the efforts would go on.\n"
            "Counter-Narcotics Efforts: a plan the officials drew up in Tijuana last spring.\n"
            "| Law Enforcement | Increased efforts against the cartel of Ovidio Guzman |\n"
            "Chart: Interlace - Master (Memento Materia) and other songs")
    spec = profile(text).specifics
    assert {"agreement", "officials", "efforts"}.isdisjoint(spec)
    assert {"tijuana", "guzman", "materia", "monday"} <= spec
