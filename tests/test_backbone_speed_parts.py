"""The parts that keep the spaCy backbone fast: parse windows, entity tagging only where a
reading uses it, the attribute ruler as tables. Each must give what the slow way gives."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import pytest

from syndicator.backbones import _AttributeTable, backbone_for
from syndicator.quotes.backbone import Backbone, _covered, _merged, _runs, _window

EN = backbone_for("en")
FR = backbone_for("fr")
needs_en = pytest.mark.skipif(EN is None, reason="English spaCy model not installed")


def test_runs_of_consecutive_indices() -> None:
    assert _runs([7, 1, 3, 2, 3]) == [(1, 4), (7, 8)]
    assert _runs([]) == []
    assert _runs(range(5, 9)) == [(5, 9)]


def test_positions_covered_by_half_open_merged_spans() -> None:
    spans = _merged([(10, 20), (15, 25), (30, 31), (25, 27)])
    assert spans == [(10, 27), (30, 31)]
    positions = [0, 9, 10, 26, 27, 29, 30, 31, 40]
    assert _covered(positions, spans) == [False, False, True, True, False, False, True,
                                          False, False]


LONG = ("First sentence here. Dr. Jane Doe arrived on Monday. The second one follows. "
        "Then a third one. The quote is here. A fifth sentence. And a sixth. Last one.")


def test_window_takes_whole_sentences_and_one_more_each_side() -> None:
    para = (0, len(LONG))
    q = LONG.index("The quote")
    a, b = _window(LONG, para, q, q + len("The quote is here."))
    # one sentence of margin before and after the quote's own
    assert LONG[a:b] == "Then a third one. The quote is here. A fifth sentence."


def test_window_does_not_cut_at_a_title_or_an_initial() -> None:
    para = (0, len(LONG))
    q = LONG.index("arrived")
    a, _ = _window(LONG, para, q, q + 5)
    # the window's sentence starts at "Dr.", and the one before is its margin
    assert LONG[a:].startswith("First sentence here.")


def test_window_is_the_paragraph_when_it_reaches_both_ends() -> None:
    text = "x" * 10 + LONG
    para = (10, len(text))
    assert _window(text, para, 5, len(text) + 3) == para


def _attribute_docs(backbone: Backbone | None, texts: list[str]) -> list[Any]:
    assert backbone is not None
    nlp = backbone.parse._nlp  # type: ignore[attr-defined]
    names = nlp.pipe_names
    upto = names[: names.index("attribute_ruler")]
    return [doc for doc in nlp.pipe(texts, disable=[n for n in names if n not in upto])]


SENTENCES = [
    "I ain't gonna say it, y'all know she's got ta go. Let's see what it does.",
    "There is a man who did it; the things that matter were done by him.",
    "« Nous réagissons en n'attachant pas plus d'importance », a déclaré le ministre.",
]


@needs_en
@pytest.mark.parametrize("backbone", [EN, FR], ids=["en", "fr"])
def test_attribute_table_sets_what_the_ruler_sets(backbone: Backbone | None) -> None:
    if backbone is None:
        pytest.skip("model not installed")
    backbone.parse(["warm up"])
    ruler = backbone.parse._nlp.get_pipe("attribute_ruler")  # type: ignore[attr-defined]
    table = _AttributeTable.compile(ruler)
    assert table is not None
    by_ruler = [ruler(doc) for doc in _attribute_docs(backbone, SENTENCES)]
    by_table = [table(doc) for doc in _attribute_docs(backbone, SENTENCES)]
    for a, b in zip(by_ruler, by_table, strict=True):
        assert [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in a] == [
            (t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in b]


@needs_en
def test_entities_tagged_on_a_span_land_at_its_tokens() -> None:
    assert EN is not None
    text = "The weather was fine. Amina Yusuf flew from Lagos to Paris on Tuesday. It rained."
    [doc] = EN.parse([text])
    assert not doc.ents  # the entity recogniser runs apart
    sent = list(doc.sents)[1]
    EN.parse.entities([sent])
    nlp = EN.parse._nlp  # type: ignore[attr-defined]
    alone = nlp(sent.text)
    assert [(e.text, e.label_, e.start_char) for e in doc.ents] == [
        (e.text, e.label_, e.start_char + sent.start_char) for e in alone.ents]
    assert all(sent.start <= e.start and e.end <= sent.end for e in doc.ents)


class _WholeParse:
    """The whole pipeline at once, entities everywhere: the slow way."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp

    def __call__(self, texts: list[str]) -> Iterable[Any]:
        return list(self.nlp.pipe(texts))

    def entities(self, spans: Sequence[Any]) -> None:
        pass


ARTICLE = (
    "Officials met in Abuja on Monday to discuss the flooding.\n\n"
    "\u201cWe will rebuild every bridge,\u201d Amina Yusuf, director general of the ministry, "
    "who was at the scene, told reporters in Lagos.\n\n"
    "The rains began in March. \u201cNobody expected this,\u201d said one soldier.\n\n"
    "Pacific Standard (Santa Barbara, CA): \u201cThe clean-up is complete.\u201d\n\n"
    "\u201cIt is too early,\u201d according to the National Transportation Safety Board."
)


def _quotes_and_paragraphs(text: str) -> tuple[list[list[tuple[int, int]]],
                                                list[tuple[int, int]]]:
    quotes = [[(m.start(1), m.end(1))] for m in re.finditer("\u201c([^\u201d]+)\u201d", text)]
    paras = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    return quotes, paras


@needs_en
def test_reading_with_entities_where_needed_matches_the_whole_parse() -> None:
    assert EN is not None
    EN.parse(["warm up"])
    slow = Backbone.for_language("en", _WholeParse(EN.parse._nlp))  # type: ignore[attr-defined]
    assert slow is not None
    quotes, paras = _quotes_and_paragraphs(ARTICLE)
    fast_readings = EN.read(ARTICLE, quotes, paras)
    slow_readings = slow.read(ARTICLE, quotes, paras)
    assert [r.speaker for r in fast_readings] == [r.speaker for r in slow_readings]
    assert any(r.speaker is not None for r in fast_readings)
    for fast, whole in zip(fast_readings, slow_readings, strict=True):
        assert fast.places <= whole.places
    # a place next to a quote is still known as one ("Santa Barbara" does not speak)
    assert fast_readings[3].places == slow_readings[3].places
