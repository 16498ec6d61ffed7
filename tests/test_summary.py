"""Feed summaries become clean teasers: no markup, no boilerplate, no word cut in half."""

from __future__ import annotations

import pytest

from syndicator.article import summary_text


@pytest.mark.parametrize(("raw", "expected"), [
    (None, None),
    ("", None),
    ("<p>One. Two.</p><p>Second paragraph.</p>", "One. Two."),
    ("<p>The council voted on Friday. Work starts in spring, said the bilateral co [&#8230;]</p>",
     "The council voted on Friday."),
    ("A long first sentence without any end that goes on and on about the weath [...]",
     "A long first sentence without any end that goes on and on about the…"),
    ("<p>Short teaser. The post Teaser appeared first on HYPELINE.</p>", "Short teaser."),
    ("Plain text stays.", "Plain text stays."),
])
def test_summary_text(raw: str | None, expected: str | None) -> None:
    assert summary_text(raw) == expected


def test_markup_escaped_twice_in_a_feed_is_still_removed() -> None:
    from syndicator.article import html_to_text

    twice = "&lt;p&gt;Hello &amp;amp; welcome&lt;/p&gt;&lt;iframe src='x'&gt;&lt;/iframe&gt;"
    assert html_to_text(twice) == "Hello & welcome"
    assert summary_text("Album\n\n<iframe src='https://a.example/e'></iframe>") == "Album"
