"""Properties of compose_post for arbitrary input (emoji, CJK, RTL, giant words, odd URLs).

For every generated article, candidate list and account:
- the X post is valid and at most 280 weighted (and reports that length);
- what stands inside the opening quotation marks is a candidate's text, verbatim, or a
  sentence prefix of it followed by " …";
- quotation marks balance whenever the inputs' marks balance;
- the link appears whole (never cut) where its placement says.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from syndicator.compose import (
    ComposeSettings,
    LinkPlacement,
    add_utm,
    compose_post,
    is_valid_tweet,
    weighted_length,
)
from syndicator.compose.links import as_uri
from syndicator.compose.text import (
    as_standalone_quote,
    clean_inline,
    quotation_marks_balanced,
    sentence_prefixes,
)
from syndicator.compose.weighted import find_urls
from syndicator.models import Article, Platform, Quote, QuoteKind

PROPS = settings(
    max_examples=int(__import__("os").environ.get("PROPS_N", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

WORDS = [
    "Putin", "Trump", "letter", "the", "of", "Vladimir", "Kremlin", "said", "NATO", "über",
    "Zürich", "日本", "東京都", "ニュース", "서울", "مرحبا", "שלום", "Москва", "😀", "👨‍👩‍👧",
    "🇺🇦", "👋🏽", "1\u20e3", "©", "example.com", "https://t.co/abc", "#tag", "@user", "…",
    "A\u0301", "\u200f", "—", "e.g.", "Mr.", "U.S.", "x" * 60, "日" * 90, "supercalifragilistic",
]  # fmt: skip
PUNCT = ["", "", "", ".", ",", "!", "?", ";", ":", ". ", "… "]


@st.composite
def phrases(draw: st.DrawFn, max_words: int = 40, min_words: int = 1) -> str:
    """Word salad from a realistic vocabulary plus arbitrary text."""
    parts = draw(
        st.lists(
            st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12)),
            min_size=min_words,
            max_size=max(max_words, min_words),
        )
    )
    seps = draw(st.lists(st.sampled_from(PUNCT), min_size=len(parts), max_size=len(parts)))
    return " ".join(p + s for p, s in zip(parts, seps, strict=True))


@st.composite
def quoted(draw: st.DrawFn, min_words: int = 1) -> str:
    """Quote text, sometimes with a balanced inner quotation."""
    text = draw(phrases(min_words=min_words))
    if draw(st.booleans()):
        inner = draw(phrases(max_words=5))
        text = f"{text} “{inner}” {draw(phrases(max_words=8))}"
    return text


speakers = st.one_of(
    st.none(),
    st.sampled_from(["Donald Trump", "Vladimir Putin", "a Kremlin spokesman", "李明", "محمد"]),
    st.text(min_size=1, max_size=40),
)


@st.composite
def quotes(draw: st.DrawFn, min_words: int = 1) -> Quote:
    return Quote(
        text=draw(quoted(min_words=min_words)),
        speaker=draw(speakers),
        kind=draw(st.sampled_from(list(QuoteKind))),
        start=0,
        end=1,
    )


@st.composite
def urls(draw: st.DrawFn) -> str:
    host = draw(
        st.sampled_from(
            [
                "example.com",
                "news.example.co.uk",
                "xn--80ak6aa92e.com",
                "bbc.com",
                "日本.jp",
                "sub-domain.example.org",
            ]
        )
    )
    path = draw(
        st.lists(st.sampled_from(["a", "2026", "story-1", "ü", "x" * 80, "é%20f", ""]), max_size=4)
    )
    url = f"{draw(st.sampled_from(['https://', 'http://']))}{host}/{'/'.join(path)}"
    if draw(st.booleans()):
        url += "?id=" + draw(st.sampled_from(["1", "a&b=2", "x%2Fy"]))
    if draw(st.booleans()):
        url += "#" + draw(st.sampled_from(["top", "c-1"]))
    return url


@st.composite
def x_settings(draw: st.DrawFn) -> ComposeSettings:
    return ComposeSettings(
        platform=Platform.TWITTER,
        hashtags=draw(st.integers(0, 4)),
        link=draw(st.sampled_from(list(LinkPlacement))),
        utm=draw(st.sampled_from([{}, {"utm_source": "x", "utm_medium": "social"}])),
        hashtag_map={"vladimir putin": "#Putin"},
    )


@st.composite
def articles(draw: st.DrawFn, min_words: int = 1) -> Article:
    return Article(
        id="id",
        feed="feed",
        title=draw(phrases(min_words=min_words)),
        link=draw(urls()),
        categories=tuple(
            draw(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=20)), max_size=6))
        ),
        summary=draw(st.one_of(st.none(), phrases())),
        author=draw(st.one_of(st.none(), st.text(max_size=30))),
    )


def _shown_quote_ok(text: str, candidates: list[Quote]) -> bool:
    """The text starts with “<candidate or its sentence prefix + ' …'>”; a quote shown whole
    ends as a sentence (its trailing comma, semicolon or colon made a full stop)."""
    for q in candidates:
        full = as_standalone_quote(clean_inline(q.text))
        for shown in [full, *(p + " …" for p in sentence_prefixes(full))]:
            if text.startswith("“" + shown + "”"):
                return True
    return False


@PROPS
@given(art=articles(), candidates=st.lists(quotes(), max_size=3), cfg=x_settings())
def test_x_post_is_valid_verbatim_balanced_and_keeps_the_link(
    art: Article, candidates: list[Quote], cfg: ComposeSettings
) -> None:
    _check_x_post(art, candidates, cfg)


@PROPS
@given(
    art=articles(min_words=12),
    candidates=st.lists(quotes(min_words=25), min_size=1, max_size=3),
    cfg=x_settings(),
)
def test_long_inputs_are_fitted_with_the_same_guarantees(
    art: Article, candidates: list[Quote], cfg: ComposeSettings
) -> None:
    """Long headlines and quotes: the cutting paths, not just the happy one."""
    _check_x_post(art, candidates, cfg)


def _check_x_post(art: Article, candidates: list[Quote], cfg: ComposeSettings) -> None:
    post = compose_post(art, candidates, cfg, account="x")
    text = post.text

    assert is_valid_tweet(text), text
    assert post.weighted_length == weighted_length(text) <= 280

    # A quote block exists iff there is a blank line (title and link are one line each).
    if "\n\n" in text:
        assert _shown_quote_ok(text, candidates), text

    inputs = [art.title] + [q.text for q in candidates] + [q.speaker or "" for q in candidates]
    if all(quotation_marks_balanced(clean_inline(s)) for s in inputs):
        assert quotation_marks_balanced(text), text

    link = add_utm(as_uri(art.link), cfg.utm)
    if cfg.link == LinkPlacement.IN_POST:
        assert text == link or text.endswith("\n" + link), text
        start = len(text) - len(link)
        assert (start, len(text)) in find_urls(text)  # X sees the whole link as one URL
        assert post.reply_text is None
    elif cfg.link == LinkPlacement.IN_REPLY:
        assert post.reply_text == link
    else:
        assert post.reply_text is None
    assert post.link is None


@PROPS
@given(art=articles(), candidates=st.lists(quotes(), max_size=3))
def test_facebook_post_quotes_verbatim_and_attaches_link(
    art: Article, candidates: list[Quote]
) -> None:
    cfg = ComposeSettings(platform=Platform.FACEBOOK)
    post = compose_post(art, candidates, cfg, account="fb")
    assert post.link == as_uri(art.link)
    assert post.weighted_length == len(post.text) <= 63206
    if post.text.startswith("“") and "\n\n" in post.text and candidates:
        assert _shown_quote_ok(post.text, candidates)


@PROPS
@given(text=st.text(max_size=400))
def test_weighted_length_total_and_consistent(text: str) -> None:
    n = weighted_length(text)
    assert n >= 0
    assert is_valid_tweet(text) == (
        0 < n <= 280 and not any(c in text for c in "\ufffe\ufeff\uffff")
    )
