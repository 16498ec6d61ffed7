"""Text from feeds and servers reaches logs and terminals as inert, one-line text: a
newline cannot forge a log line, an escape sequence cannot act on the terminal."""

from __future__ import annotations

import io
import logging
import re

from syndicator.feeds.parse import _link, parse_feed
from syndicator.logs import OneLineFilter, printable

ESC_TITLE = "\x1b]0;pwned\x07Breaking\x1b[31m news\u202e"
RSS = f"""<rss version="2.0"><channel><title>t</title><item>
<title>{ESC_TITLE}</title><link>https://news.example/a&#10;account x: posted https://evil.example/&#x2028;</link><guid>g1</guid>
<author>Jane\x1b[2J Roe</author><category>Pol\x1bitics</category></item></channel></rss>"""


def test_feed_text_is_cleaned_where_it_enters() -> None:
    [article] = parse_feed("f", RSS.replace("\x1b", "&#x1b;").encode(),
                           url="https://news.example/feed").articles
    assert article.title == "]0;pwnedBreaking[31m news"
    assert not re.search(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]", article.link)
    assert article.author == "Jane[2J Roe" and article.categories == ("Politics",)


def test_a_link_keeps_no_white_space_or_control_character() -> None:
    link = _link({"link": "https://a.example/x\x1b[2J y\u2028z"}, "https://a.example/")
    assert link == "https://a.example/x%1B[2J%20y%E2%80%A8z"


def test_printable_escapes_controls_and_keeps_the_rest() -> None:
    assert printable("a\nb\x1b[31mc\u202ed\u2028\té") == "a\\nb\\x1b[31mc\\u202ed\\u2028\té"


def test_a_log_record_is_one_inert_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(OneLineFilter())
    logger = logging.getLogger("test.inert")
    logger.propagate = False
    logger.addHandler(handler)
    logger.warning("feed %s: article %s failed", "news", "https://a.example/x\naccount x: posted"
                   " https://evil.example/\x1b[2J")
    assert stream.getvalue().count("\n") == 1
    assert "\\naccount x: posted" in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_history_and_status_show_stored_text_inert() -> None:
    """A title stored before feed text was cleaned, or an error a server wrote."""
    from syndicator.status import render_history

    row = {"id": 1, "sent": None, "created": "2026-12-01", "account": "x", "status": "failed",
           "title": "Story\x1b]0;pwned\x07", "remote_url": None, "remote_id": None,
           "error": "HTTP 500 \x1b[31mboom\nforged line"}
    shown = render_history([row])
    assert "\x1b" not in shown and "\x07" not in shown and "\n" not in shown
    assert "\\x1b]0;pwned\\x07" in shown and "boom\\nforged line" in shown


def test_bidi_overrides_in_article_text_never_reach_a_post() -> None:
    """An override makes a post display its text in another order than it holds; the
    plain right-to-left mark that Arabic or Hebrew text needs is kept."""
    from syndicator.compose.text import clean_inline

    assert clean_inline("pay \u202egpj.exe\u202c now \u2067x\u2069") == "pay gpj.exe now x"
    assert clean_inline("\u05e9\u05dc\u05d5\u05dd\u200f!") == "\u05e9\u05dc\u05d5\u05dd\u200f!"
