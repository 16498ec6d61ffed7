"""Mastodon and Bluesky posts: each platform's own length rule, its link, its card fields."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicator.compose import ComposeSettings, card_alt_text, compose_post, short_link
from syndicator.compose.lengths import (
    bluesky_length,
    graphemes,
    length_counter,
    mastodon_length,
)
from syndicator.models import Article, Platform, Quote, QuoteKind
from syndicator.platforms.base import PostKey

LONG_URL = "https://news.example.org/2026/12/03/city-council-votes-on-the-new-bridge-budget"
MASTODON = ComposeSettings(platform=Platform.MASTODON)
BLUESKY = ComposeSettings(platform=Platform.BLUESKY, utm={"utm_source": "bluesky"})


def article(title: str = "Council backs the bridge budget", **kw: object) -> Article:
    fields: dict[str, object] = {"id": "1", "feed": "f", "title": title, "link": LONG_URL,
                                 "published": datetime(2026, 12, 1, tzinfo=UTC),
                                 "categories": ("Local politics", "Transport")}
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def quote(text: str, speaker: str | None = "Ellen Park") -> Quote:
    return Quote(text=text, speaker=speaker, kind=QuoteKind.FULL, start=0, end=len(text))


# --- counting ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "count"), [
    ("plain", 5),
    ("e\u0301", 1),  # a combining accent joins its letter
    ("👩🏽‍🚀", 1),  # a ZWJ sequence with a skin tone is one grapheme
    ("🇫🇷🇩🇪", 2),  # two flags, not four letters
    ("a\r\nb", 3),  # CR LF is one grapheme cluster
    ("한국어", 3),
])
def test_graphemes_are_what_a_reader_sees(text: str, count: int) -> None:
    assert graphemes(text) == count


def test_mastodon_counts_every_url_as_23_whatever_its_length() -> None:
    assert mastodon_length(LONG_URL) == 23
    assert mastodon_length(f"Read: {LONG_URL} now") == len("Read:  now") + 23
    assert mastodon_length("see example.com") == len("see example.com")  # no scheme: text


def test_mastodon_counts_a_remote_mention_by_its_user_part() -> None:
    assert mastodon_length("hi @editor@news.example.org") == len("hi @editor")


def test_bluesky_counts_graphemes_and_refuses_over_3000_bytes() -> None:
    assert bluesky_length("e\u0301" * 10) == 10
    assert bluesky_length("👩🏽‍🚀" * 200) == 200  # 15 bytes each: 3,000 bytes, the limit
    assert bluesky_length("👩🏽‍🚀" * 201) > 300  # 201 graphemes but 3,015 bytes


def test_each_platform_has_its_counter() -> None:
    text = f"“Quote” é {LONG_URL}"
    assert {p: length_counter(p)(text) for p in Platform} == {
        Platform.TWITTER: len("“Quote” é ") + 23,  # quotation marks and é weigh 1 on X
        Platform.FACEBOOK: len(text),
        Platform.MASTODON: graphemes("“Quote” é ") + 23,
        Platform.BLUESKY: graphemes(text),
    }


@pytest.mark.parametrize(("url", "shown"), [
    (LONG_URL, "news.example.org/2026/12/03/c…"),
    ("https://www.example.com/a", "example.com/a"),
    ("https://example.com/", "example.com"),
    ("https://example.com/p?id=7", "example.com/p?id=7"),
    ("ftp://example.com/file", "ftp://example.com/file"),
])
def test_bluesky_shows_a_link_as_host_and_path_start(url: str, shown: str) -> None:
    assert short_link(url) == shown


# --- composing -----------------------------------------------------------------------------

def test_mastodon_post_carries_the_whole_link_and_fits_by_mastodons_count() -> None:
    long_quote = quote("We will rebuild the bridge before the winter, " * 8 + "whatever it costs.")
    post = compose_post(article(), [long_quote], MASTODON, account="m")
    assert post.platform == Platform.MASTODON
    assert LONG_URL in post.text and post.link is None
    assert post.weighted_length == mastodon_length(post.text) <= 500
    assert "#LocalPolitics" in post.text and "#Transport" in post.text
    assert len(post.text) > 500 - 23  # the 80-character link costs 23: room for the quote


def test_mastodon_post_follows_an_instances_larger_limit() -> None:
    words = "The council met for nine hours and heard from every district. " * 20
    settings_1000 = ComposeSettings(platform=Platform.MASTODON, max_length=1000)
    small = compose_post(article(), [quote(words)], MASTODON, account="m")
    large = compose_post(article(), [quote(words)], settings_1000, account="m")
    assert small.weighted_length <= 500 < large.weighted_length <= 1000


def test_bluesky_post_shows_a_short_link_and_carries_the_whole_one_in_its_card() -> None:
    art = article(summary="The vote was 7 to 2 after a long night.")
    post = compose_post(art, [quote("We will rebuild the bridge.")], BLUESKY, account="b")
    assert post.platform == Platform.BLUESKY
    assert post.link == LONG_URL + "?utm_source=bluesky"
    assert short_link(post.link) in post.text and LONG_URL not in post.text
    assert post.link_title == "Council backs the bridge budget"
    assert post.link_description == "The vote was 7 to 2 after a long night."
    assert post.weighted_length == graphemes(post.text) <= 300


@settings(max_examples=60, deadline=None)
@given(title=st.text(min_size=1, max_size=400), said=st.text(min_size=1, max_size=700),
       speaker=st.text(max_size=60))
def test_every_post_fits_its_platform_by_the_platforms_own_count(title: str, said: str,
                                                                 speaker: str) -> None:
    for settings_ in (MASTODON, BLUESKY):
        try:
            post = compose_post(article(title), [quote(said, speaker or None)], settings_,
                                account="a")
        except Exception as exc:  # only "nothing fits" is allowed, and only for junk titles
            assert type(exc).__name__ == "PostDoesNotFit", exc
            continue
        count = length_counter(settings_.platform)(post.text)
        assert post.weighted_length == count <= (settings_.max_length or 0)


def test_card_alt_text_says_the_quote_the_speaker_and_the_site() -> None:
    alt = card_alt_text(quote("We will rebuild the bridge."), "City Times")
    assert alt == "“We will rebuild the bridge.” — Ellen Park — City Times"
    long = card_alt_text(quote("word " * 400), None)
    assert len(long) <= 1000 and long.endswith("” — Ellen Park")


# --- delivery keys -------------------------------------------------------------------------

_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def test_post_keys_are_valid_tids_stable_per_delivery_and_distinct_between_them() -> None:
    created = datetime(2026, 12, 3, 19, 0, 0, 123456, tzinfo=UTC)
    first = PostKey(serial=41, created=created, account="bsky")
    again = PostKey(serial=41, created=created, account="bsky")
    same_poll = PostKey(serial=42, created=created, account="bsky")
    later = PostKey(serial=43, created=created.replace(second=5), account="bsky")
    assert _TID.match(first.tid())
    assert first.tid() == again.tid() and first.token() == again.token()
    assert len({first.tid(), same_poll.tid(), later.tid()}) == 3
    assert first.tid() < same_poll.tid() < later.tid()  # TIDs sort by time
    assert first.token() != same_poll.token()
