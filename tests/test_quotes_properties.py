"""The quote engine on arbitrary text: never raises, offsets stay in the text, and each
quote's span holds its first words; what it reads and parses is bounded."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicator.quotes import analyse

MARKS = ['"', "“", "”", "‘", "’", "'", "„", "«", "»", "「", "」", "‹", "›"]
PIECES = st.one_of(
    st.sampled_from(MARKS),
    st.sampled_from([" said ", " told reporters", ", according to ", " he added.", "\n\n",
                     "Mr. ", "Donald Trump", "Kremlin spokesman Dmitry Peskov", ". ", ", ",
                     "don't", "the '90s", "Peskov's", " (with the US) ", "…", "—"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)
TEXTS = st.lists(PIECES, max_size=60).map("".join)


def _first_words(text: str) -> list[str]:
    return text.split()[:2]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_engine_never_raises_and_offsets_hold_the_quote(text: str) -> None:
    report = analyse(text)
    starts = [q.start for q in report.quotes]
    assert starts == sorted(starts)
    for quote in (*report.quotes, *report.candidates):
        assert 0 <= quote.start < quote.end <= len(text)
        span = text[quote.start:quote.end]
        for word in _first_words(quote.text):
            assert word in span
        assert 0.0 <= quote.score <= 1.0
    if report.pull_quote is not None:
        assert report.pull_quote in report.candidates
    assert report.as_dict()["quotes"] == [q.as_dict() for q in report.quotes]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_engine_on_any_unicode(text: str) -> None:
    report = analyse(text)
    for quote in report.quotes:
        assert 0 <= quote.start < quote.end <= len(text)


def test_a_long_run_of_capitalised_words_is_no_name() -> None:
    """Indexing every part of a 5,000-word run would take time and memory in the square
    of its length; no name is that long."""
    from syndicator.quotes.found import find, index_names

    text = ("The rally ended late.\n\n“We will win this election in every county of the "
            "state, and then we will govern for all of you,” said " + "Smith " * 5000)
    [quote] = analyse(text).quotes
    assert quote.speaker is None
    found = find(text)
    assert found is not None and index_names(found).mentions == []


def test_the_engine_reads_a_bounded_prefix_of_whole_paragraphs() -> None:
    from syndicator.quotes.engine import MAX_TEXT_CHARS, within_reading_length

    para = "“We will rebuild the bridge before the winter,” Mayor Ellen Park said. " * 20
    text = "\n\n".join([para] * (2 * MAX_TEXT_CHARS // len(para)))
    kept = within_reading_length(text)
    assert len(kept) <= MAX_TEXT_CHARS and text.startswith(kept) and kept.endswith("said. ")
    report = analyse(text)
    assert report.quotes and max(q.end for q in report.quotes) <= len(kept)


def test_quotes_past_the_parse_budget_are_judged_by_the_rules(monkeypatch) -> None:
    from syndicator.backbones import backbone_for
    from syndicator.quotes import engine

    backbone = backbone_for("en")
    if backbone is None:
        pytest.skip("English spaCy model not installed")
    monkeypatch.setattr(engine, "MAX_PARSED_QUOTES", 1)
    text = ("“We will rebuild the bridge before the winter comes,” Mayor Ellen Park said.\n\n"
            "“The money is already in the budget for next year,” said Tom Reyes, the "
            "treasurer.")
    first, second = analyse(text, backbone=backbone).quotes
    assert any(line.startswith("parse:") for line in first.evidence)
    assert not any(line.startswith("parse:") for line in second.evidence)
    assert second.speaker == "Tom Reyes"
