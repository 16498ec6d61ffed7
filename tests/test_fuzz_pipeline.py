"""Fuzzing the road a feed item travels: parse → article text → quotes → compose.

Generated RSS 2.0 and Atom feeds (titles, links, bodies made of HTML fragments, quotation
marks of every kind, capitalised runs, control characters, emoji, combining marks, RTL
text, giant words, entities, CDATA, odd dates, lying encodings) and whole article bodies
go through the functions the pipeline runs (``parse_feed``, ``Pipeline.article_body``,
the quote engine with the article language's backbone, ``Pipeline.compose_from_text``).
Properties:

- nothing escapes but ``FeedError`` from ``parse_feed`` (a non-feed is the world's fault);
  an account ``compose_from_text`` leaves out (``PostDoesNotFit``) had nothing to post:
  no headline left once cleaned (or, on X with the link in the post, a link too long);
- parsed articles: title, author and categories are one line with no control character
  or bidi override; the link holds no white space or control character; dates are UTC;
- article text: paragraphs split by exactly one blank line, no render marks, stripped;
- quotes (``models.Quote``): ``0 <= start < end <= len(text)``, in document order, the
  span opens with a quotation mark, and ``quote.text`` (the parts inside the marks joined
  by one space) is found word by word, in order, inside ``text[start:end]``; every
  candidate is a quote or a run of its sentences (same offsets and speaker);
- posts: X is valid (``is_valid_tweet``) with ``weighted_length`` as reported and <= 280,
  with the link last, whole, when it is in the post; Facebook within its 63,206 characters;
  no control character (C0 but the line break, DEL, C1) in any post or reply text.

The strategies and the ``check_*`` functions are shared with ``bench/fuzz.py``, which runs
the same properties for minutes rather than seconds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, ClassVar
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from syndicator.compose import (
    ComposeSettings,
    LinkPlacement,
    PostDoesNotFit,
    add_utm,
    compose_post,
    is_valid_tweet,
    weighted_length,
)
from syndicator.compose.links import as_uri
from syndicator.compose.settings import FACEBOOK_MAX_LENGTH, X_MAX_LENGTH
from syndicator.compose.text import clean_inline
from syndicator.config import FeedConfig
from syndicator.errors import FeedError
from syndicator.feeds.parse import _link, _one_line, parse_feed
from syndicator.logs import CONTROL_CHARS
from syndicator.models import Article, Platform, Post, Quote
from syndicator.pipeline import AccountSetup, Pipeline
from syndicator.quotes import QuoteReport, analyse, detect_language

# ---------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------

QUOTE_MARKS = ['"', "'", "“", "”", "‘", "’", "«", "»", "„", "‚", "‹", "›", "「", "」", "『",
               "』", "‟"]
PAIRS = [("“", "”"), ('"', '"'), ("«\u00a0", "\u00a0»"), ("« ", " »"), ("«", "»"),
         ("„", "“"), ("‘", "’"), ("'", "'"), ("‹", "›"), ("「", "」"), ("»", "«"),
         ("“", ""), ("", "”"), ("“", "“")]  # the last ones: unclosed, stray, wrong
WORDS = [
    "the", "of", "we", "will", "rebuild", "bridge", "winter", "never", "and", "it", "is",
    "don't", "Peskov's", "the '90s", "rock 'n' roll", "über", "Zürich", "naïve", "l'État",
    "aujourd'hui", "c’est", "日本", "東京都のニュース", "서울", "Москва", "мир", "Ελλάδα",
    "مرحبا", "بالعالم", "שלום", "עולם", "😀", "👨‍👩‍👧", "🇺🇦", "👋🏽", "1\u20e3", "❤️‍🔥", "©",
    "A\u0301", "e\u0308\u0323\u0301", "Z\u0336a\u0335l\u0334g\u0337o\u0338",
    "example.com", "https://t.co/abc", "http://x.example/a?b=c#d", "#tag", "@user",
    "$AAPL", "…", "—", "–", "e.g.", "Mr.", "Dr.", "U.S.", "No.", "3.14", "1,000", "(", ")",
    "[", "]", "x" * 300, "Supercalifragilisticexpialidocious" * 8, "日" * 200,
    "&", "<", ">", "&amp;", "&lt;b&gt;", "&#8220;", "&#x201D;", "&nbsp;", "&eacute;",
    "&bogus;", "&#0;", "&#x1b;", "&#xD800;", "&#1114112;", "&amp;amp;", "&#10;",
]  # fmt: skip
NAMES = [
    "Ellen Park", "Mayor Ellen Park", "Dmitry Peskov", "Kremlin Spokesman Dmitry Peskov",
    "Vladimir Putin", "Donald J. Trump", "Mr. Trump", "Jean-Luc Mélenchon", "Emmanuel Macron",
    "a Kremlin spokesman", "he", "she", "they", "THE PRESIDENT", "O'Brien", "María José",
    "محمد بن سلمان", "李明", "Владимир Путин", "Smith " * 40, "A B C D E F G H I J K L M N",
]  # fmt: skip
VERBS = [" said", " says", " told reporters", " added", " wrote", ", according to", " asked",
         " a déclaré", " a dit", " sagte", " dijo", " — said", " said on Monday", ": "]
ODD = [
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1b]0;pwned\x07", "\x7f",
    "\x80", "\x85", "\x9b", "\x9f", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069",
    "\u200b", "\u200d", "\u200e", "\u200f", "\u00ad", "\ufeff", "\ufffe", "\uffff", "\ufffc",
    "\ufffd", "\ue000", "\ue001", "\ue002", "\U0010ffff", "\u0301", "\t", "\r", "\r\n", "\n",
    "\n\n", "\n \n", "\u00a0", "\u3000", "\u2009", "\x1c", "\x1f",
]  # fmt: skip
CAPS = ["Kremlin", "Spokesman", "Dmitry", "Peskov", "The", "New", "York", "Times", "NATO",
        "European", "Union", "Commission", "President", "Of", "And", "Jean-Luc", "Über",
        "États-Unis", "Ömer", "İstanbul", "ΑΘΗΝΑ", "МОСКВА", "MR.", "Smith"]

_any_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                    max_size=12)
capitalised_runs = st.lists(st.sampled_from(CAPS), min_size=2, max_size=30).map(" ".join)
words = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(NAMES),
    st.sampled_from(ODD), st.sampled_from(QUOTE_MARKS), capitalised_runs, _any_text,
)
SEPARATORS = [" ", " ", " ", "", ", ", ". ", "! ", "? ", "; ", ": ", "\n", " — "]


@st.composite
def phrases(draw: st.DrawFn, max_words: int = 12) -> str:
    parts = draw(st.lists(words, max_size=max_words))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(parts),
                         max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=True)).strip(" ")


@st.composite
def quotations(draw: st.DrawFn) -> str:
    """A quotation and (usually) its attribution, in one of the shapes the news uses."""
    opening, closing = draw(st.sampled_from(PAIRS))
    body = draw(phrases(max_words=20))
    speaker = draw(st.sampled_from(NAMES))
    verb = draw(st.sampled_from(VERBS))
    shape = draw(st.integers(0, 4))
    if shape == 0:
        return f"{opening}{body}{closing}{verb} {speaker}."
    if shape == 1:
        return f"{opening}{body},{closing} {speaker}{verb}."
    if shape == 2:
        return f"{speaker}{verb}: {opening}{body}{closing}"
    if shape == 3:  # interrupted by its attribution
        rest = draw(phrases(max_words=10))
        return f"{opening}{body},{closing} {speaker}{verb}, {opening}{rest}{closing}"
    return f"{opening}{body}{closing}"


sentences = st.one_of(phrases(), quotations(), quotations(), capitalised_runs)
paragraphs = st.lists(sentences, min_size=1, max_size=4).map(" ".join)
plain_texts = st.lists(paragraphs, max_size=5).map("\n\n".join)

_TAGS = ["p", "div", "span", "b", "i", "em", "strong", "a", "blockquote", "h2", "li", "ul",
         "section", "article", "figure", "figcaption", "script", "style", "nav", "aside",
         "table", "td", "pre", "q", "cite", "font", "noscript", "template", "svg"]
_ATTRS = ["", ' class="share-bar"', ' class="related-posts"', ' class="entry-content"',
          ' id="comments"', ' aria-hidden="true"', " hidden", ' href="https://n.example/x"',
          ' href="/relative"', ' href="javascript:alert(1)"', " lang=ar dir=rtl",
          ' style="display:none"', ' class="caption"', " onclick='x()'"]
_STRAY = ["<br>", "<br/>", "</p>", "</div>", "<p", "<", ">", "<!-- comment -->", "<!--",
          "<![CDATA[x]]>", "]]>", "<img src='https://n.example/i.jpg' width=600>",
          "<img src=x width=1 height=1>", "<img src='data:image/png;base64,AAAA'>",
          "<hr>", "&lt;p&gt;escaped once&lt;/p&gt;", "&amp;lt;p&amp;gt;twice&amp;lt;/p&amp;gt;",
          "<?php echo 1; ?>", "<!DOCTYPE html>", "<math><mi>x</mi></math>",
          "Follow us on Facebook and Twitter", "Read more", "Continue reading …", "[…]",
          "Subscribe to our newsletter", "Related: Another story"]


def _wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(_TAGS), st.sampled_from(_ATTRS),
                     st.lists(children, max_size=4), st.booleans()).map(
        lambda t: f"<{t[0]}{t[1]}>{''.join(t[2])}" + (f"</{t[0]}>" if t[3] else ""))


_html_leaf = st.one_of(paragraphs.map(escape), paragraphs, sentences, st.sampled_from(_STRAY),
                       paragraphs.map(lambda p: f"<p>{escape(p)}</p>"))
html_fragments = st.recursive(_html_leaf, _wrap, max_leaves=12)
article_bodies = st.one_of(
    st.lists(html_fragments, max_size=5).map("".join),
    st.lists(paragraphs.map(lambda p: f"<p>{escape(p)}</p>"), min_size=1, max_size=6).map(
        "\n".join),
    plain_texts,
    st.tuples(phrases(), st.lists(html_fragments, max_size=4)).map(
        lambda t: f"<!DOCTYPE html><html><head><title>{escape(t[0])}</title>"
                  f"<script>var q = '“no”';</script></head><body>{''.join(t[1])}"
                  "</body></html>"),
)

LINKS = [
    "https://news.example/2026/story-1", "http://news.example/a?b=1&c=2#top",
    "https://news.example/ünïcödé/päth", "https://日本.example/記事", "/relative/path",
    "relative", "../up", "?page=2", "#frag", "//cdn.example/x", "", " ", "  https://x.example/ ",
    "https://x.example/a b\nc\td", "https://x.example/\x1b[2J", "https://x.example/\u2028",
    "javascript:alert(1)", "mailto:a@b.example", "tag:news.example,2026:1", "urn:uuid:1234",
    "http://[::1]/x", "http://[::1/x", "http://[", "https://[v1.x]/", "http://a:b@c:99999/x",
    "https://x.example/" + "a" * 2000, "https://x.example/%zz", "https://x.example/?q=ü",
    "https://xn--80ak6aa92e.example/", "data:text/html,<b>x</b>", "ftp://x.example/f",
    "https:///path-only", "http://x.example:80:80/", "HTTPS://X.EXAMPLE/UP",
]  # fmt: skip
links = st.one_of(st.sampled_from(LINKS), _any_text,
                  st.sampled_from(LINKS).flatmap(lambda u: _any_text.map(lambda s: u + s)))

DATES = [
    "Mon, 06 Sep 2021 16:45:00 +0000", "Mon, 06 Sep 2021 16:45:00 GMT", "2021-09-06T16:45:00Z",
    "2021-09-06T16:45:00+02:00", "2021-09-06", "06 Sep 2021", "Tue, 10 Jun 2003 04:00:00 EDT",
    "Fri, 31 Dec 9999 23:59:59 -1200", "Sat, 01 Jan 0001 00:00:00 +1400", "0000-00-00T00:00:00Z",
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00", "2021-02-30T25:61:61Z", "yesterday",
    "", "  ", "1e10", "9999999999", "-1", "Mon, 99 Foo 2021", "2021-09-06T16:45:00+99:99",
    "2038-01-19T03:14:08Z", "1969-12-31T23:59:59Z", "10000-01-01T00:00:00Z",
    "+275760-09-13T00:00:00Z", "2003-06-10T04:00:00.123456789-07:00", "20030610T040000Z",
    "2021-09-06 16:45:00+", "2021-09-06T16:45:00+0200", "Sun, 06 Nov 1994 08:49:37 +2400",
    "Thu, 01 Jan 1970 00:00:00 -0000", "2021-W36-1", "2021-249", "Di, 07 Sep 2021 10:00:00 +0200",
]  # fmt: skip
_offsets = st.integers(-26 * 60, 26 * 60).map(lambda m: f"{'+-'[m < 0]}{abs(m) // 60:02}"
                                                        f"{abs(m) % 60:02}")
dates = st.one_of(
    st.sampled_from(DATES),
    st.tuples(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
              _offsets).map(lambda t: t[0].strftime("%a, %d %b %Y %H:%M:%S ") + t[1]),
    st.tuples(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
              _offsets).map(lambda t: t[0].isoformat() + t[1][:3] + ":" + t[1][3:]),
    _any_text,
)
LANGUAGES = [None, "en", "en-us", "en_GB", "fr", "fr-CA", "fr_FR", "de", "ar", "zh-Hans", "xx",
             "", "e", "english", "EN", "  en  ", "x-klingon", "123"]


@st.composite
def field(draw: st.DrawFn, value: str) -> str:
    """``value`` as a feed writes it: escaped, in CDATA, twice escaped, or raw (maybe
    breaking the XML)."""
    how = draw(st.sampled_from(["escape"] * 4 + ["cdata"] * 3 + ["double", "raw"]))
    if how == "escape":
        return escape(value)
    if how == "cdata":
        if draw(st.booleans()):
            value = value.replace("]]>", "]]]]><![CDATA[>")
        return f"<![CDATA[{value}]]>"
    if how == "double":
        return escape(escape(value))
    return value


def _optional(draw: st.DrawFn, tag: str, strategy: st.SearchStrategy[str],
              attrs: str = "") -> str:
    if draw(st.integers(0, 3)) == 0:
        return ""
    return f"<{tag}{attrs}>{draw(field(draw(strategy)))}</{tag}>"


titles = st.one_of(phrases(), quotations(), st.just(""), article_bodies.map(lambda b: b[:300]))
summaries = st.one_of(st.none(), phrases(max_words=40), article_bodies)


@st.composite
def rss_items(draw: st.DrawFn) -> str:
    parts = [
        _optional(draw, "title", titles),
        _optional(draw, "link", links),
        _optional(draw, "guid", links, draw(st.sampled_from(
            ["", ' isPermaLink="false"', ' isPermaLink="true"']))),
        _optional(draw, "description", article_bodies),
        _optional(draw, "content:encoded", article_bodies),
        _optional(draw, "pubDate", dates),
        _optional(draw, "dc:date", dates),
        _optional(draw, "dc:creator", phrases(max_words=4)),
        _optional(draw, "author", phrases(max_words=4)),
        *(f"<category>{draw(field(c))}</category>"
          for c in draw(st.lists(st.one_of(phrases(max_words=3), st.sampled_from(
              ["Vladimir Putin", "News", "Politik", "  ", "#tag"])), max_size=4))),
    ]
    if draw(st.booleans()):
        url, medium = draw(links), draw(st.sampled_from(['medium="image"', 'type="image/png"',
                                                         'type="video/mp4"', ""]))
        parts.append(f"<media:content url={quoteattr(url)} {medium}/>")
    if draw(st.booleans()):
        parts.append(f"<media:thumbnail url={quoteattr(draw(links))}/>")
    if draw(st.booleans()):
        parts.append(f"<enclosure url={quoteattr(draw(links))} type=\"image/jpeg\"/>")
    parts = draw(st.permutations(parts))
    return "<item>" + "".join(parts) + "</item>"


@st.composite
def rss_feeds(draw: st.DrawFn) -> str:
    language = draw(st.sampled_from(LANGUAGES))
    head = _optional(draw, "title", phrases(max_words=6)) + _optional(draw, "link", links)
    if language is not None:
        head += f"<language>{escape(language)}</language>"
    items = "".join(draw(st.lists(rss_items(), min_size=1, max_size=3)))
    return ('<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:media="http://search.yahoo.com/mrss/">'
            f"<channel>{head}{items}</channel></rss>")


def _lang_attr(draw: st.DrawFn) -> str:
    language = draw(st.sampled_from(LANGUAGES))
    return "" if language is None else f" xml:lang={quoteattr(language)}"


@st.composite
def atom_entries(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(['', ' type="html"', ' type="text"', ' type="xhtml"']))
    parts = [
        _optional(draw, "title", titles, kind),
        _optional(draw, "id", links),
        _optional(draw, "updated", dates),
        _optional(draw, "published", dates),
        _optional(draw, "summary", article_bodies, ' type="html"'),
        _optional(draw, "content", article_bodies, draw(st.sampled_from(
            [' type="html"', ' type="text"', ""])) + _lang_attr(draw)),
        _optional(draw, "author", phrases(max_words=4).map(lambda n: f"<name>{escape(n)}</name>")),
        *(f"<category term={quoteattr(c)}/>"
          for c in draw(st.lists(phrases(max_words=3), max_size=3))),
        *(f"<link href={quoteattr(href)}{rel}/>" for href, rel in draw(st.lists(st.tuples(
            links, st.sampled_from(["", ' rel="alternate"', ' rel="enclosure" type="image/png"',
                                    ' rel="self"', ' rel="replies"'])), max_size=3))),
    ]
    if kind == ' type="xhtml"':
        body = draw(html_fragments)
        parts.append(f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{body}'
                     "</div></content>")
    parts = draw(st.permutations(parts))
    return "<entry>" + "".join(parts) + "</entry>"


@st.composite
def atom_feeds(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from(["", ' xml:base="https://base.example/dir/"',
                                 ' xml:base="/other/"', ' xml:base="http://[::1"']))
    entries = "".join(draw(st.lists(atom_entries(), min_size=1, max_size=3)))
    title = _optional(draw, "title", phrases(max_words=6))
    return (f'<feed xmlns="http://www.w3.org/2005/Atom"{_lang_attr(draw)}{base}>{title}'
            f"{entries}</feed>")


NOT_FEEDS = ["", " ", "<html><body><p>Not a feed</p></body></html>", '{"items": []}',
             "<rss version='2.0'><channel><item><title>cut", "<?xml version='1.0'?>",
             "<rss></rss>", "<feed xmlns='http://www.w3.org/2005/Atom'></feed>",
             "\x00\x01\x02", "<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;'>]>"
             "<rss version='2.0'><channel><item><title>&b;</title></item></channel></rss>"]


@st.composite
def feed_documents(draw: st.DrawFn) -> bytes:
    """An RSS or Atom document (or something that is not quite one) as bytes on the wire."""
    kind = draw(st.integers(0, 14))
    if kind == 0:
        return draw(st.one_of(st.sampled_from(NOT_FEEDS), _any_text)).encode()
    body = draw(rss_feeds() if kind <= 8 else atom_feeds())
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["iso-8859-1", "windows-1252", "utf-16",
                                                      None]))
    declared = draw(st.sampled_from([encoding, encoding, "utf-8", "iso-8859-1", "bogus"]))
    prolog = "" if declared is None else f'<?xml version="1.0" encoding="{declared}"?>'
    text = draw(st.sampled_from(["", "", "", "", "", "\ufeff", "\n  ", "junk"])) + prolog + body
    data = text.encode(encoding or "utf-8", errors="xmlcharrefreplace")
    if draw(st.integers(0, 14)) == 0:  # a transfer gone wrong
        cut = draw(st.integers(0, len(data)))
        data = data[:cut]
    return data


FEED_URLS = st.sampled_from(["https://news.example/feed", "http://news.example/a/b/rss.xml",
                             "https://日本.example/フィード", "http://[::1]:8080/feed",
                             "feed.xml", "", "https://news.example/feed?x=1#y"])


@st.composite
def articles(draw: st.DrawFn) -> Article:
    """An article as ``parse_feed`` hands it on (title, author and categories one line,
    the link inert), with a whole HTML body."""
    categories = draw(st.lists(phrases(max_words=3), max_size=4))
    return Article(
        id="fuzz", feed="fuzz", title=_one_line(draw(phrases())),
        link=_link({"link": draw(links)}, "https://news.example/feed"),
        content_html=draw(st.one_of(article_bodies, st.none())),
        summary=draw(summaries),
        categories=tuple(c for c in map(_one_line, categories) if c),
        author=draw(st.one_of(st.none(), phrases(max_words=4).map(_one_line))) or None,
        language=draw(st.sampled_from(LANGUAGES)),
        published=draw(st.one_of(st.none(), st.datetimes(
            min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
            timezones=st.just(UTC)))),
    )


# ---------------------------------------------------------------------------------------
# The chain and its properties
# ---------------------------------------------------------------------------------------

FEED = FeedConfig(name="fuzz", url="https://news.example/feed",
                  post_to=("x", "x_reply", "fb", "fb_custom"),
                  fetch_article="never")  # no network: the feed's own text only
# a template that shows every variable (the site is the feed's title)
EVERYTHING = ("{{ site }} | {{ title }}{% if author %} — {{ author }}{% endif %}"
              "{% if published %} ({{ published.isoformat() }}){% endif %}\n"
              "{% if quote %}“{{ quote.text }}” {{ quote.speaker }}\n{% endif %}"
              "{{ summary or '' }}\n{{ categories | join(', ') }} {{ hashtags | join(' ') }}"
              "\n{{ url }}")
ACCOUNTS = {
    "x": AccountSetup("x", ComposeSettings(
        platform=Platform.TWITTER, hashtags=3, hashtag_map={"vladimir putin": "#Putin"},
        utm={"utm_source": "x", "utm_medium": "social"})),
    "x_reply": AccountSetup("x_reply", ComposeSettings(
        platform=Platform.TWITTER, link=LinkPlacement.IN_REPLY), quote_min_confidence=0.0),
    "fb": AccountSetup("fb", ComposeSettings(platform=Platform.FACEBOOK, hashtags=2,
                                             utm={"utm_source": "fb"}),
                       quote_min_confidence=0.0),
    "fb_custom": AccountSetup("fb_custom", ComposeSettings(
        platform=Platform.FACEBOOK, template=EVERYTHING, hashtags=4)),
}
# C0 controls but the line break, DEL and C1: no post may carry one
POST_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_LINK_UNSAFE = re.compile("[\\s\x00-\x1f\x7f-\x9f\u2028\u2029]")
_OPENING = frozenset("\"“”„‟«»‘’'‚「」『』‹›")


class _Pipeline(Pipeline):
    """The real pipeline, noting what its quote engine was asked and answered, so the
    quotes can be checked."""

    asked: ClassVar[list[tuple[str, str | None, tuple[Quote, ...]]]] = []

    @staticmethod
    def quote_candidates(text: str, language: str | None) -> tuple[Quote, ...]:
        candidates = Pipeline.quote_candidates(text, language)
        _Pipeline.asked.append((text, language, candidates))
        return candidates


def engine_report(text: str, language: str | None) -> QuoteReport:
    """All the quotes the engine finds in ``text``, read as the pipeline reads it (the
    backbone of the article's language, no confidence floor)."""
    from syndicator.backbones import backbone_for

    return analyse(text, min_confidence=0.0,
                   backbone=backbone_for(language or detect_language(text)))


@lru_cache(maxsize=1)
def pipeline() -> _Pipeline:
    from syndicator.store import Store

    return _Pipeline(Store(":scratch:"), accounts=ACCOUNTS, publishers={})


@dataclass
class Tally:
    """What one run reached: how deep the generated input went into the chain."""

    feeds: int = 0
    not_feeds: int = 0  # FeedError: documented, fine
    articles: int = 0
    quotes: int = 0
    candidates: int = 0
    posts: int = 0
    no_fit: int = 0  # accounts left out with PostDoesNotFit (justified)


def check_feed(data: bytes, url: str, tally: Tally | None = None) -> Tally:
    """parse → article text → quotes → compose for every article of one feed document."""
    tally = tally or Tally()
    tally.feeds += 1
    try:
        parsed = parse_feed("fuzz", data, url=url)
    except FeedError:
        tally.not_feeds += 1
        return tally
    for article in parsed.articles:
        check_parsed_article(article)
        check_article(article, site=parsed.title, tally=tally)
    return tally


def check_parsed_article(article: Article) -> None:
    for line in (article.title, article.author or "", *article.categories):
        assert not CONTROL_CHARS.search(line), line
        assert line == line.strip(), line
    assert not _LINK_UNSAFE.search(article.link), article.link
    assert article.published is None or article.published.utcoffset() == timedelta(0)


def check_article(article: Article, *, site: str | None = None,
                  tally: Tally | None = None) -> Tally:
    """The pipeline's part after the feed: text, quotes, one post per account."""
    tally = tally or Tally()
    tally.articles += 1
    pipe = pipeline()
    pipe.asked.clear()
    text, url = pipe.article_body(article, FEED)
    check_text(text)
    posts = pipe.compose_from_text(article, text, FEED, site=site, url=url)
    for read, language, candidates in pipe.asked:
        assert read == text
        report = engine_report(text, language) if text else QuoteReport((), None, ())
        assert report.candidates == candidates  # the engine is deterministic
        check_quotes(text, report)
        tally.quotes += len(report.quotes)
        tally.candidates += len(report.candidates)
    tally.posts += len(posts)
    made = {post.account for post in posts}
    assert len(made) == len(posts)
    for post in posts:
        check_post(post, article, url)
    for account in FEED.post_to:
        if account not in made:  # compose_from_text logged PostDoesNotFit
            check_no_fit(article, url, account, site)
            tally.no_fit += 1
    return tally


def check_text(text: str) -> None:
    """``html_to_text``: paragraphs split by exactly one blank line, nothing of the render."""
    assert text == text.strip(), repr(text[:80])
    assert "\n\n\n" not in text and "\r" not in text
    assert not any(mark in text for mark in "\ue000\ue001\ue002")
    if text:
        assert all(p.strip() for p in text.split("\n\n"))


def _in_order(words: list[str], span: str) -> bool:
    pos = 0
    for word in words:
        found = span.find(word, pos)
        if found < 0:
            return False
        pos = found + len(word)
    return True


def check_quotes(text: str, report: QuoteReport) -> None:
    """``Quote.start``/``end``: the quoted span, marks included, in the text the engine
    read; ``Quote.text``: what stands inside the marks, its parts joined by one space."""
    starts = [q.start for q in report.quotes]
    assert starts == sorted(starts)
    for quote in (*report.quotes, *report.candidates):
        assert 0 <= quote.start < quote.end <= len(text), (quote, len(text))
        span = text[quote.start:quote.end]
        assert span[0] in _OPENING, (span[:20], quote)
        assert quote.text.strip(), quote
        assert _in_order(quote.text.split(), span), (quote.text, span)
        assert 0.0 <= quote.score <= 1.0 and 0.0 <= quote.confidence <= 1.0
    for candidate in report.candidates:
        # a candidate is a quote, or a run of its sentences (``pick.candidates``): the
        # whole quote's offsets and speaker, part of its text
        assert any((q.start, q.end, q.speaker) == (candidate.start, candidate.end,
                                                   candidate.speaker)
                   and candidate.text in q.text for q in report.quotes), candidate
    assert report.pull_quote is None or report.pull_quote == report.candidates[0]


def _link_of(article: Article, url: str | None, settings: ComposeSettings) -> str:
    return add_utm(as_uri(url or article.link), settings.utm)


def check_post(post: Post, article: Article, url: str | None) -> None:
    settings = ACCOUNTS[post.account].compose
    link = _link_of(article, url, settings)
    assert not POST_CONTROLS.search(post.text), repr(post.text)
    assert not POST_CONTROLS.search(post.reply_text or ""), repr(post.reply_text)
    if post.platform == Platform.TWITTER:
        assert is_valid_tweet(post.text), (weighted_length(post.text), post.text)
        assert post.weighted_length == weighted_length(post.text) <= X_MAX_LENGTH
        assert post.link is None
        if settings.link == LinkPlacement.IN_POST and link:
            assert post.text == link or post.text.endswith("\n" + link), (post.text, link)
        if settings.link == LinkPlacement.IN_REPLY:
            assert post.reply_text == link
    else:
        assert post.weighted_length == len(post.text) <= FACEBOOK_MAX_LENGTH
        assert post.text.strip()
        assert post.link == link


def check_no_fit(article: Article, url: str | None, account: str, site: str | None) -> None:
    """An account was left out (``PostDoesNotFit``): there was nothing to post. Compose
    cuts any headline down to fit, so the headline was empty (nothing left once cleaned),
    or, on X with the link in the post, the link alone is too long; and even the barest
    post (no quote, no headline) does not fit."""
    settings = ACCOUNTS[account].compose
    link = _link_of(article, url, settings)
    title = clean_inline(article.title)
    if settings.platform == Platform.FACEBOOK:
        assert not link and not title, (link, title)  # else the link alone is the post
    elif settings.link == LinkPlacement.IN_POST and link:
        assert weighted_length(link) > X_MAX_LENGTH or not is_valid_tweet(link), link
    else:
        assert not title, title
    bare = replace(article, title="", summary=None, author=None, categories=())
    try:
        compose_post(bare, (), replace(settings, site=site) if site else settings,
                     account=account, url=url)
    except PostDoesNotFit:
        pass
    else:
        raise AssertionError(f"{account}: a bare post fits, yet the article got none")


# ---------------------------------------------------------------------------------------
# The tests (bench/fuzz.py runs the same properties, for minutes)
# ---------------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_N", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz_feed(data: bytes, url: str, tally: Tally | None = None) -> None:
    check_feed(data, url, tally)


def fuzz_article(article: Article, tally: Tally | None = None) -> None:
    check_article(article, site=None, tally=tally)


def _rss(item: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t'
            f"</title><item>{item}</item></channel></rss>").encode()


# Regressions: each of these raised, or broke a property, before its fix.
@example(data=_rss("<title>Smile &#55357;&#56832;</title><link>https://n.example/1</link>"),
         url="https://n.example/feed")  # a surrogate pair as references: UnicodeEncodeError
@example(data=_rss("<title>&#1114112;</title><link>https://n.example/1</link>"),
         url="https://n.example/feed")  # a reference past U+10FFFF: ValueError
@example(data=_rss("<link>https://n.example/1</link>"
                   "<pubDate>9999-12-31T23:59:59-12:00</pubDate>"),
         url="https://n.example/feed")  # year 10000 once in UTC: ValueError
@example(data=_rss("<description>\x00</description>"), url="https://n.example/feed")
#   ^ a title made of the body kept its control characters
@example(data=_rss('<link>https://n.example/1</link><media:thumbnail url="//[::1/x" '
                   'xmlns:media="http://search.yahoo.com/mrss/"/>'),
         url="https://n.example/feed")  # urljoin on a malformed IPv6 host: ValueError
@example(data=_rss('<guid isPermaLink="false">https://n.example/a b\nc</guid>'),
         url="https://n.example/feed")
#   ^ a guid standing in for the link kept its white space and newline
@example(data=_rss("<link>https://n.example/a\u00a0b</link>"), url="https://n.example/feed")
#   ^ a no-break space in a link
@example(data=_rss('<title>t</title><guid isPermaLink="false">http://[::1/x</guid>'),
         url="https://n.example/feed")
#   ^ add_utm on a malformed IPv6 host: compose_post raised ValueError
@example(data=b'<rss version="2.0"><channel><title>Daily &#x1b;[31mNews\nTwo</title><item>'
              b"<title>t</title><link>https://n.example/1</link></item></channel></rss>",
         url="https://n.example/feed")
#   ^ the feed's title, a template's {{ site }}, put an escape sequence in the post
@FUZZ
@given(data=feed_documents(), url=FEED_URLS)
def test_any_feed_goes_through_the_chain(data: bytes, url: str) -> None:
    fuzz_feed(data, url)


@example(article=Article(id="a", feed="f", title="Story", link="https://n.example/1",
                         content_html="<p>“We will rebuild the bridge \x9d before the winter, "
                                      "whatever it costs,” Mayor Ellen Park said.</p>"))
#   ^ a C1 control character in the quote reached the X post
@FUZZ
@given(article=articles())
def test_any_article_body_goes_through_the_chain(article: Article) -> None:
    fuzz_article(article)


def test_references_to_no_character_are_mended_not_fatal() -> None:
    """A surrogate pair written as two references is the character it means; a number
    past U+10FFFF is U+FFFD; the feed stays well-formed (no warning)."""
    parsed = parse_feed("f", _rss("<title>Smile &#55357;&#56832; &#1114112;</title>"
                                  "<link>https://n.example/1</link>"),
                        url="https://n.example/feed")
    assert [a.title for a in parsed.articles] == ["Smile 😀 \ufffd"]
    assert parsed.warning is None


# The properties by name, for bench/fuzz.py: the strategies of their arguments and the
# body, which takes a ``tally`` too.
PROPERTIES: dict[str, tuple[dict[str, st.SearchStrategy[Any]], Callable[..., None]]] = {
    "feed": ({"data": feed_documents(), "url": FEED_URLS}, fuzz_feed),
    "article": ({"article": articles()}, fuzz_article),
}
