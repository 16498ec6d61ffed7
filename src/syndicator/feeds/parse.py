"""feedparser output -> ``Article``s, with every real-world oddity normalised here."""

from __future__ import annotations

import calendar
import hashlib
import html
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from syndicator.errors import FeedError
from syndicator.logs import CONTROL_CHARS
from syndicator.models import Article

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s{2,}|[^\S ]")  # whitespace runs other than one plain space
# What may not stand in a URL as written: white space and control characters. (All white
# space, U+00A0 and U+3000 too: found by tests/test_fuzz_pipeline.py.)
_URL_UNSAFE = re.compile(r"[\s\x00-\x20\x7f-\x9f\u2028\u2029]")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(src|width|height)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
                   re.IGNORECASE)
_TITLE_FROM_TEXT = 100


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    articles: list[Article]
    warning: str | None  # set when the feed was malformed but still yielded entries


def parse_feed(feed: str, content: bytes, *, url: str, content_type: str | None = None
               ) -> ParsedFeed:
    """Parse bytes with feedparser; a malformed feed with entries is used with a warning."""
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    content = _repair_charrefs(content)
    # we extract plain text ourselves: feedparser's HTML sanitising and relative-URI
    # rewriting of every content body would double the cost of a poll for nothing
    parsed = _feedparser_parse(feed, content, headers)
    if not _absolute_already(parsed, content, url):
        # Given the feed's location, feedparser re-resolves its base URI at every element
        # (a quarter of its time); only a feed with relative ids or links needs that.
        headers["content-location"] = url
        parsed = _feedparser_parse(feed, content, headers)
    entries = parsed.get("entries") or []
    # a missing or overridden content type is no defect of the feed itself
    harmless = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
    problem = _bozo_reason(parsed) if parsed.get("bozo") and not isinstance(
        parsed.get("bozo_exception"), harmless) else None
    if not entries:
        if problem:
            raise FeedError(feed, f"not a usable feed: {problem} — fix: check that the url "
                                  "points at the RSS/Atom feed, not a web page")
        if not parsed.get("version"):
            raise FeedError(feed, "not an RSS or Atom feed (no feed elements found) — fix: "
                                  "point url at the site's feed, e.g. /feed/ or /rss")
    base = url if url.startswith(("http://", "https://")) else ""
    feed_language = _language_tag(parsed.get("feed", {}).get("language"))
    articles = [a for a in (_article(feed, e, base, feed_language) for e in entries)
                if a is not None]
    # the feed's title is one line like an item's: it reaches posts as ``site`` (found by
    # tests/test_fuzz_pipeline.py: an escape sequence and a newline in it did)
    feed_title = _title(parsed.get("feed", {}).get("title"), None) or None
    return ParsedFeed(feed_title, articles,
                      f"malformed feed ({problem}); used the {len(articles)} entries found"
                      if problem and articles else None)


def _feedparser_parse(feed: str, content: bytes, headers: dict[str, str]) -> Any:
    import feedparser

    try:
        return feedparser.parse(content, response_headers=headers, sanitize_html=False,
                                resolve_relative_uris=False)
    except (ValueError, OverflowError) as exc:
        # feedparser's lenient fallback parser (used once the XML is ill-formed) raises on
        # some character references instead of flagging the feed as bozo: chr() of a
        # number past U+10FFFF, UTF-8 of a surrogate (found by tests/test_fuzz_pipeline.py).
        # ``_repair_charrefs`` mends those it can see; this is the net for the rest
        # (e.g. in a UTF-16 feed). A feed that breaks its parser is a FeedError.
        raise FeedError(feed, f"not a usable feed: {str(exc)[:200]} — fix: check that the "
                              "url points at the RSS/Atom feed") from None


# A numeric character reference that may be to no character: a surrogate (CMSes write an
# emoji as a pair of them, "&#55357;&#56832;") or a number past U+10FFFF; with the
# reference right after it (the low half of a pair), looked at but not consumed.
_SUSPECT_REF = re.compile(rb"&#(0*(?:5[5-7][0-9]{3}|[0-9]{7,})"
                          rb"|[xX]0*(?:[dD][89a-fA-F][0-9a-fA-F]{2}|[0-9a-fA-F]{6,}));"
                          rb"(?:(?=&#([0-9]{1,12}|[xX][0-9a-fA-F]{1,12});)|)")


def _repair_charrefs(content: bytes) -> bytes:
    """``content`` with every reference to no character rewritten: a surrogate pair as the
    one character it stands for, anything else as U+FFFD. (Left in, they make the XML
    ill-formed and crash feedparser's fallback parser; see ``_feedparser_parse``.)"""
    if b"&#" not in content:
        return content
    out: list[bytes] = []
    pos = 0
    for match in _SUSPECT_REF.finditer(content):
        if match.start() < pos:
            continue  # the low half of a pair, already written
        point, end, low = _code_point(match.group(1)), match.end(), match.group(2)
        if 0xD800 <= point <= 0xDBFF and low and 0xDC00 <= _code_point(low) <= 0xDFFF:
            point = 0x10000 + ((point - 0xD800) << 10) + (_code_point(low) - 0xDC00)
            end += len(low) + 3  # "&#", the number, ";"
        elif point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
            continue  # a character after all
        else:
            point = 0xFFFD
        out += (content[pos:match.start()], b"&#x%X;" % point)
        pos = end
    return b"".join((*out, content[pos:])) if out else content


def _code_point(ref: bytes) -> int:
    """The number in ``&#…;`` (``ref`` is what stands between ``&#`` and ``;``); one past
    U+10FFFF for any number too long to be a character."""
    hexadecimal = ref[:1] in (b"x", b"X")
    digits = (ref[1:] if hexadecimal else ref).lstrip(b"0") or b"0"
    if len(digits) > (6 if hexadecimal else 7):
        return 0x110000
    return int(digits, 16 if hexadecimal else 10)


def _absolute_already(parsed: Any, content: bytes, url: str) -> bool:
    """True when resolving against ``url`` would change no id or link of any entry, so
    parsing without the feed's location gives exactly what parsing with it gives."""
    if b"base=" in content:  # xml:base (or a bare base attribute) changes the base URI
        return False
    values: set[str] = set()
    for entry in parsed.get("entries") or ():
        values.update((entry.get("id") or "", entry.get("link") or ""))
        values.update(link.get("href") or "" for link in entry.get("links") or ())
        values.update(enc.get("href") or "" for enc in entry.get("enclosures") or ())
        values.update(m.get("url") or "" for m in entry.get("media_content") or ())
        values.update(m.get("url") or "" for m in entry.get("media_thumbnail") or ())
    values.discard("")
    base_scheme = ""
    for value in values:
        if _PLAIN_URL.fullmatch(value):
            continue  # urljoin returns such a URL as it is
        other = _OTHER_SCHEME.match(value)
        if other:
            if not base_scheme:
                base_scheme = urlsplit(url).scheme or ":"
            if other.group(1).lower() != base_scheme:
                continue  # "tag:", "urn:", "yt:video:": another scheme is never resolved
        if _fp_urljoin(url, value) != value:
            return False
    return True


# An absolute http(s) URL that urljoin hands back unchanged: plain ASCII, no IPv6 host, no
# ";params", no empty "?" or "#" (urlunsplit would drop them).
_PLAIN_URL = re.compile(
    r"https?://[!$&'()*+,\-.0-9:=@A-Z_a-z~%]+(?:/[!-\"$-:<=>@-Z\\^-~]*)?"
    r"(?:\?[!-\"$-~]+)?(?:#[!-~]+)?"
)
_OTHER_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?!//)")
_URI_FIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")


def _fp_urljoin(base: str, uri: str) -> str:
    """feedparser's own URI resolution (``feedparser.urls._urljoin``)."""
    uri = _URI_FIXER.sub(r"\1\3", uri)
    try:
        return urljoin(base, uri)
    except ValueError:
        return ""


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    text = str(exc) if exc is not None else "unknown problem"
    return text.splitlines()[0][:200]


def _language_tag(value: object) -> str | None:
    """A BCP 47 tag as feeds write it (``en-us``, ``fr_FR``), or None for anything else."""
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-")
    primary = tag.split("-")[0]
    return tag if 2 <= len(primary) <= 3 and primary.isalpha() and primary.isascii() else None


def _entry_language(entry: Any) -> str | None:
    """Atom's xml:lang on the entry's content, where a feed mixes languages."""
    for part in entry.get("content") or ():
        tag = _language_tag(part.get("language") if hasattr(part, "get") else None)
        if tag:
            return tag
    return None


def _article(feed: str, entry: Any, base: str, feed_language: str | None = None
             ) -> Article | None:
    link = _link(entry, base)
    guid = (entry.get("id") or "").strip() or None
    content_html = _content(entry)
    summary = entry.get("summary") or None
    title = _title(entry.get("title"), content_html or summary)
    if not link and not guid and not title:
        return None
    published = _published(entry)
    stable_id = guid or link or _fingerprint(title, published)
    return Article(
        id=stable_id,
        feed=feed,
        title=title,
        # a guid standing in for the link is made inert like one (found by
        # tests/test_fuzz_pipeline.py: a newline in a guid reached Article.link)
        link=link or (_inert_url(guid) if guid and guid.startswith(("http://", "https://"))
                      else ""),
        published=published,
        author=_one_line(entry.get("author") or "") or None,
        categories=_categories(entry),
        content_html=content_html,
        summary=summary,
        image=_image(entry, content_html or summary or "", link or base),
        guid=guid,
        language=_entry_language(entry) or feed_language,
    )


def _link(entry: Any, base: str) -> str:
    link = (entry.get("link") or "").strip()
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel") in (None, "alternate") and candidate.get("href"):
                link = candidate["href"].strip()
                break
    if link and base and not link.startswith(("http://", "https://")):
        link = _join(base, link)
    return _inert_url(link)


def _inert_url(link: str) -> str:
    # a newline in a link would start a new line wherever it is shown or logged
    return _URL_UNSAFE.sub(lambda m: quote(m.group()), link)


def _join(base: str, url: str) -> str:
    """``urljoin``, or ``url`` as written where urljoin raises (a malformed IPv6 host such
    as "//[::1/x" raises ValueError; found by tests/test_fuzz_pipeline.py)."""
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def _one_line(text: str) -> str:
    """A title, author or category: white space as single spaces, and no control
    character or bidi override (none belongs there; left in, they act on terminals)."""
    spaced = _SPACE.sub(" ", text)  # line breaks become spaces before controls go
    return _SPACE.sub(" ", CONTROL_CHARS.sub("", spaced)).strip()


def _content(entry: Any) -> str | None:
    """The richest body: feed content if longer than the summary (Mastodon puts alt text there)."""
    best = ""
    for part in entry.get("content") or []:
        value = part.get("value") or ""
        if len(value) > len(best):
            best = value
    if not best:
        return None
    summary = entry.get("summary") or ""
    if summary and summary != best and len(_plain(best)) < len(_plain(summary)):
        return None
    return best


def _plain(text: str) -> str:
    if "<" in text:
        text = _TAG.sub(" ", text)
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _title(raw: str | None, body: str | None) -> str:
    """Decode entities (twice-escaped ones too) and drop markup; fall back to the text."""
    title = raw or ""
    for _ in range(2):
        if "&" not in title:
            break
        if not _ENTITY.search(title):
            break
        title = html.unescape(title)
    title = _one_line(_TAG.sub("", title))
    if title or not body:
        return title
    # a title made of the body is one line too: no control character or bidi override
    # (found by tests/test_fuzz_pipeline.py: "<description>\x00</description>")
    text = _one_line(_plain(body).replace("\ufffc", ""))
    if len(text) <= _TITLE_FROM_TEXT:
        return text
    cut = text[:_TITLE_FROM_TEXT].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def _published(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (ValueError, OverflowError, OSError):
                # a date that leaves datetime's years 1-9999 once its offset is applied
                # ("9999-12-31T23:59:59-12:00"; found by tests/test_fuzz_pipeline.py)
                continue
    for key in ("published", "updated"):
        raw = entry.get(key)
        if raw:
            try:
                return datetime.fromisoformat(raw.strip()).astimezone(UTC) \
                    if "+" in raw or raw.strip().endswith("Z") \
                    else datetime.fromisoformat(raw.strip()).replace(tzinfo=UTC)
            except (ValueError, OverflowError):  # OverflowError: "0001-01-01T00:00+01:00"
                continue
    return None


def _categories(entry: Any) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for tag in entry.get("tags") or []:
        term = _one_line(html.unescape(tag.get("term") or tag.get("label") or ""))
        if term and term.lower() not in {t.lower() for t in seen}:
            seen[term] = None
    return tuple(seen)


def _image(entry: Any, body: str, base: str) -> str | None:
    for media in entry.get("media_content") or []:
        url = media.get("url")
        if url and (media.get("medium") == "image"
                    or (media.get("type") or "").startswith("image/")
                    or re.search(r"\.(jpe?g|png|gif|webp)(\?|$)", url, re.I)):
            return _join(base, url) if base else url
    for thumb in entry.get("media_thumbnail") or []:
        if thumb.get("url"):
            return _join(base, thumb["url"]) if base else thumb["url"]
    for enclosure in entry.get("enclosures") or []:
        if (enclosure.get("type") or "").startswith("image/") and enclosure.get("href"):
            return _join(base, enclosure["href"]) if base else enclosure["href"]
    for tag in _IMG.findall(body):
        attrs = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4)
                 for m in _ATTR.finditer(tag)}
        src = attrs.get("src")
        if not src or src.startswith("data:"):
            continue
        if attrs.get("width") in ("0", "1") or attrs.get("height") in ("0", "1"):
            continue  # a tracking pixel, not a picture
        return _join(base, src) if base else src
    return None


def _fingerprint(title: str, published: datetime | None) -> str:
    raw = f"{title}\x00{published.isoformat() if published else ''}"
    return "sha1:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()
