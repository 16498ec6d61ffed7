"""The quote engine on arbitrary text: never raises, offsets stay in the text, and each
quote's span holds its first words."""

from __future__ import annotations

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
