"""compose_post: shapes, fitting order, links, hashtags (table-driven where it helps)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syndicator.compose import (
    ComposeSettings,
    LinkPlacement,
    PostDoesNotFit,
    add_utm,
    compose_post,
    hashtag_for,
    hashtags_for,
    is_valid_tweet,
    weighted_length,
)
from syndicator.compose.text import (
    quotation_marks_balanced,
    sentence_prefixes,
    tidy_summary,
    word_prefixes,
)
from syndicator.models import Article, Platform, Post, Quote, QuoteKind

URL = "https://example.com/a"
X = ComposeSettings(platform=Platform.TWITTER, hashtag_map={"Vladimir Putin": "#Putin"})
FB = ComposeSettings(platform=Platform.FACEBOOK)


def article(title: str = "Trump praises Putin letter", **kw: object) -> Article:
    fields: dict[str, object] = {
        "id": "1",
        "feed": "f",
        "title": title,
        "link": URL,
        "published": datetime(2026, 11, 1, tzinfo=UTC),
    }
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def quote(text: str, speaker: str | None = "Donald Trump") -> Quote:
    return Quote(text=text, speaker=speaker, kind=QuoteKind.FULL, start=0, end=len(text))


TRUMP = quote("A very nice letter from Vladimir Putin; his thoughts are so correct,")


def x_post(art: Article, quotes: list[Quote], settings: ComposeSettings = X, **kw: str) -> Post:
    post = compose_post(art, quotes, settings, account="x", **kw)
    assert post.platform == Platform.TWITTER
    assert is_valid_tweet(post.text), post.text
    assert post.weighted_length == weighted_length(post.text) <= 280
    return post


# --- shapes --------------------------------------------------------------------------------


def test_default_x_shape() -> None:
    post = x_post(article(), [TRUMP])
    assert post.text == (
        "“A very nice letter from Vladimir Putin; his thoughts are so correct.” — Donald Trump"
        "\n\nTrump praises Putin letter\nhttps://example.com/a"
    )
    assert post.link is None and post.reply_text is None and post.media == ()


def test_default_x_shape_without_quote_is_title_and_link() -> None:
    assert x_post(article(), []).text == "Trump praises Putin letter\nhttps://example.com/a"


def test_quote_without_speaker() -> None:
    post = x_post(article(), [quote("Words matter.", None)])
    assert post.text.startswith("“Words matter.”\n\n")


def test_hashtags_follow_the_title() -> None:
    art = article(categories=("Vladimir Putin", "Donald Trump", "News"))
    post = x_post(art, [TRUMP])
    assert "\n\nTrump praises Putin letter #Putin #DonaldTrump\nhttps://example.com/a" in post.text


def test_facebook_gets_the_rich_version_and_an_attached_link() -> None:
    art = article(summary="The president said the letter was very nice.", categories=("Politics",))
    post = compose_post(art, [TRUMP], FB, account="fb")
    assert post.platform == Platform.FACEBOOK
    assert post.text == (
        "“A very nice letter from Vladimir Putin; his thoughts are so correct.” — Donald Trump"
        "\n\nTrump praises Putin letter\n\nThe president said the letter was very nice."
    )
    assert post.link == URL
    assert post.weighted_length == len(post.text)
    assert "#" not in post.text  # no hashtags on Facebook unless configured


def test_facebook_hashtags_when_configured() -> None:
    settings = ComposeSettings(platform=Platform.FACEBOOK, hashtags=1)
    post = compose_post(article(categories=("Climate change",)), [], settings, account="fb")
    assert post.text.endswith("\n\n#ClimateChange")


def test_summary_equal_to_title_is_not_repeated() -> None:
    post = compose_post(article(summary="Trump praises Putin letter"), [], FB, account="fb")
    assert post.text == "Trump praises Putin letter"


def test_url_argument_overrides_article_link() -> None:
    post = x_post(article(), [], url="https://canonical.example.org/story")
    assert post.text.endswith("\nhttps://canonical.example.org/story")


def test_deterministic() -> None:
    art = article(categories=("A b", "C d"))
    assert compose_post(art, [TRUMP], X, account="x") == compose_post(art, [TRUMP], X, account="x")


# --- links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.com/a", "https://e.com/a?utm_source=x&utm_medium=social"),
        ("https://e.com/a?id=7&b=%20", "https://e.com/a?id=7&b=%20&utm_source=x&utm_medium=social"),
        ("https://e.com/a#top", "https://e.com/a?utm_source=x&utm_medium=social#top"),
        ("https://e.com/a?id=7#c-1", "https://e.com/a?id=7&utm_source=x&utm_medium=social#c-1"),
        ("https://e.com/a?utm_source=feed", "https://e.com/a?utm_source=feed&utm_medium=social"),
    ],
)
def test_add_utm_preserves_query_and_fragment(url: str, expected: str) -> None:
    assert add_utm(url, {"utm_source": "x", "utm_medium": "social"}) == expected


def test_utm_is_off_by_default_and_encoded() -> None:
    assert add_utm(URL, {}) == URL
    assert add_utm(URL, {"utm_campaign": "a b&c"}) == URL + "?utm_campaign=a%20b%26c"


def test_utm_reaches_both_platforms() -> None:
    utm = {"utm_source": "syndicator"}
    x = ComposeSettings(platform=Platform.TWITTER, utm=utm)
    fb = ComposeSettings(platform=Platform.FACEBOOK, utm=utm)
    assert x_post(article(), [], x).text.endswith(URL + "?utm_source=syndicator")
    assert compose_post(article(), [], fb, account="fb").link == URL + "?utm_source=syndicator"


def test_link_in_reply() -> None:
    settings = ComposeSettings(platform=Platform.TWITTER, link=LinkPlacement.IN_REPLY)
    post = x_post(article(), [TRUMP], settings)
    assert "http" not in post.text
    assert post.reply_text == URL
    assert post.text.endswith("Trump praises Putin letter")


def test_link_none() -> None:
    settings = ComposeSettings(platform=Platform.TWITTER, link="none")
    post = x_post(article(), [], settings)
    assert post.text == "Trump praises Putin letter"
    assert post.reply_text is None and post.link is None


def test_bad_link_placement_is_rejected() -> None:
    with pytest.raises(ValueError):
        ComposeSettings(platform=Platform.TWITTER, link="in_thread")


def test_non_ascii_url_is_percent_encoded_so_x_links_all_of_it() -> None:
    post = x_post(article(), [], url="https://example.com/über uns")
    assert post.text.endswith("\nhttps://example.com/%C3%BCber%20uns")


# --- hashtags --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "tag"),
    [
        ("Vladimir Putin", "#Putin"),  # the map wins, case-insensitively
        ("vladimir  PUTIN", "#Putin"),
        ("climate change", "#ClimateChange"),
        ("iPhone", "#iPhone"),
        ("U.S. politics", "#USPolitics"),
        ("Rock 'n' roll", "#RockNRoll"),
        ("COVID-19", "#COVID19"),
        ("Côte d’Ivoire", "#CôteDIvoire"),
        ("日本", "#日本"),
        ("2024", None),  # digits only: X would not link it
        ("C++", None),  # too little left after removing punctuation
        ("News", None),  # stop list
        ("Uncategorized", None),
        ("Hidden", None),  # mapped to "" = suppressed
        ("", None),
        ("x" * 41, None),
    ],
)
def test_hashtag_for(category: str, tag: str | None) -> None:
    mapping = {"vladimir putin": "#Putin", "hidden": ""}
    stoplist = frozenset({"news", "uncategorized"})
    assert hashtag_for(category, mapping, stoplist) == tag


def test_hashtags_limit_and_dedupe() -> None:
    cats = ["Putin", "putin", "Russia", "Ukraine"]
    assert hashtags_for(cats, {}, frozenset(), 2) == ["#Putin", "#Russia"]
    assert hashtags_for(cats, {}, frozenset(), 0) == []


def test_hashtags_only_when_they_fit() -> None:
    title = "Word " * 48 + "end"  # 243 chars + 1 + 23 = 267: no room for a hashtag
    post = x_post(article(title.strip(), categories=("Climate change",)), [])
    assert "#" not in post.text
    assert post.text.startswith("Word Word")
    assert "…" not in post.text  # the title stays whole: dropping the hashtag was enough


# --- fitting ---------------------------------------------------------------------------------

LONG_SENTENCE = (
    "And we will do it together, with every partner who wants to work with us and with every "
    "citizen of this great country, in every town and every village from the coast to the "
    "mountains, no matter how long it takes or how much it costs any of us in the end. "
)
LONG = quote("We will rebuild every bridge. " + LONG_SENTENCE * 2, "Jane Smith")


def test_shorter_candidate_before_cutting() -> None:
    short = quote("Bridges matter.", "Jane Smith")
    post = x_post(article(), [LONG, short])
    assert post.text.startswith("“Bridges matter.” — Jane Smith\n\n")


def test_sentence_cut_with_ellipsis_when_no_candidate_fits() -> None:
    post = x_post(article(), [LONG])
    assert post.text.startswith("“We will rebuild every bridge. …” — Jane Smith\n\n")


def test_longest_sentence_prefix_that_fits_is_kept() -> None:
    q = quote("First point. Second point. " + LONG_SENTENCE * 3, "A B")
    post = x_post(article(), [q])
    assert post.text.startswith("“First point. Second point. …” — A B")


def test_hashtags_dropped_before_the_title_is_shortened() -> None:
    q = quote("x" * 200 + " end.", "S")  # one long sentence: cannot be cut
    art = article("A headline of moderate length about things", categories=("Alpha", "Beta"))
    post = x_post(art, [q])
    assert "#" not in post.text
    assert "A headline of moderate length about things\n" in post.text


def test_title_shortened_at_a_word_boundary() -> None:
    q = quote("y" * 180 + " end.", "S")
    title = "Ministers agree a sweeping new plan for the railways after years of delay"
    post = x_post(article(title), [q])
    lines = post.text.split("\n")
    assert lines[0].startswith("“y")
    shown = lines[2]
    assert shown.endswith("…")
    assert title.startswith(shown[:-1])
    assert title[len(shown) - 1] == " "  # the cut fell between words


def test_quote_dropped_last() -> None:
    q = quote("z" * 260 + " end.", "S")
    post = x_post(article(), [q])
    assert post.text == "Trump praises Putin letter\nhttps://example.com/a"


def test_title_never_cut_inside_a_name_when_avoidable() -> None:
    prefixes = word_prefixes("Talks with Vladimir Putin ended early")
    assert prefixes.index("Talks with Vladimir Putin ended…") < prefixes.index(
        "Talks with Vladimir…"
    )


def test_title_cut_keeps_urls_and_hashtags_whole() -> None:
    for prefix in word_prefixes("See example.com/long/path and #BigNews today"):
        body = prefix[:-1]
        assert body in {
            "See",
            "See example.com/long/path",
            "See example.com/long/path and",
            "See example.com/long/path and #BigNews",
        }


def test_cjk_title_is_cut_between_characters() -> None:
    title = "日本" * 150
    post = x_post(article(title), [])
    first = post.text.split("\n")[0]
    assert first.endswith("…") and title.startswith(first[:-1])


def test_one_giant_word_title_becomes_link_only() -> None:
    post = x_post(article("A" * 400), [])
    assert post.text == URL


def test_one_giant_word_title_with_no_link_is_cut_as_last_resort() -> None:
    settings = ComposeSettings(platform=Platform.TWITTER, link="none")
    post = x_post(article("A" * 400), [], settings)
    assert post.text == "A" * 278 + "…"  # "…" (U+2026) weighs 2


def test_unfittable_link_raises() -> None:
    settings = ComposeSettings(platform=Platform.TWITTER)
    with pytest.raises(PostDoesNotFit):
        compose_post(article(), [], settings, account="x", url="http://intranet/" + "a" * 300)


def test_quote_with_unbalanced_marks_is_skipped() -> None:
    bad = quote("He said “go and never came back.", "S")
    good = quote("We stay.", "T")
    post = x_post(article(), [bad, good])
    assert post.text.startswith("“We stay.” — T")


def test_custom_max_length() -> None:
    settings = ComposeSettings(platform=Platform.TWITTER, max_length=60)
    post = compose_post(article(), [TRUMP], settings, account="x")
    assert post.weighted_length <= 60
    assert post.text == "Trump praises Putin letter\nhttps://example.com/a"


# --- text helpers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "balanced"),
    [
        ("plain", True),
        ("“a” and “b”", True),
        ("“a ‘b’ c”", True),
        ("Putin’s letter", True),
        ("“open", False),
        ("close”", False),
        ('"a" "b', False),
        ("«a»", True),
        ("«a", False),
        ("‘open", False),
    ],
)
def test_quotation_marks_balanced(text: str, balanced: bool) -> None:
    assert quotation_marks_balanced(text) is balanced


def test_sentence_prefixes_skip_abbreviations_and_open_marks() -> None:
    text = "Mr. Smith met J. Doe. They agreed. “Fine. Really.” Done."
    assert sentence_prefixes(text) == [
        "Mr. Smith met J. Doe. They agreed. “Fine. Really.”",
        "Mr. Smith met J. Doe. They agreed.",
        "Mr. Smith met J. Doe.",
    ]


# --- text written to hurt ----------------------------------------------------------------

def test_a_megabyte_title_and_quote_still_give_a_fitting_post() -> None:
    """Cuts are looked for in the first PREFIX_SCAN characters only: every prefix of a
    1 MB text would take gigabytes. The post still fits and ends its cuts with "…"."""
    title = "The council met again tonight. " * 35_000
    long_quote = quote("We will build it. " * 60_000)
    post = x_post(article(title=title), [long_quote])
    assert post.text.endswith(URL)
    fb = compose_post(article(title=title), [long_quote], FB, account="fb")
    assert len(fb.text) < 70_000


def test_a_summary_is_cut_from_a_huge_text() -> None:
    text = "The council met. " * 100_000
    assert tidy_summary(text, 300) == ("The council met. " * 17).rstrip()


def test_a_quote_too_long_to_post_whole_is_offered_by_its_first_sentences() -> None:
    first = "We will rebuild every school in the district before the rains come."
    long_quote = quote(first + " " + "And then we will keep going, street by street. " * 60,
                       "Amina Yusuf")
    assert len(long_quote.text) > 2_000
    post = x_post(article(), [long_quote])
    assert post.text.startswith(f"“{first}")
    assert "— Amina Yusuf" in post.text and post.weighted_length <= 280
