"""X's weighted length, counted as twitter-text v3 counts it (platform-apis.md section C).

We do not use ``twitter-text-parser``: it imports ``pkg_resources``, which fresh Python 3.12+
venvs (no setuptools) do not have. This module ports its rules instead and is checked against
the official conformance cases in ``validate.yml`` and against twitter-text-parser 3.0.0's
count for every sequence of the ``emoji`` package (see ``tests/test_weighted.py``).

The rules: normalise to NFC; every URL twitter-text's extractor finds weighs 23; every emoji
sequence twitter-text knows weighs 2; every other code point weighs 1 if it lies in one of the
"light" ranges, else 2. A text is valid when ``0 < length <= 280`` and it holds no U+FFFE,
U+FEFF, U+FFFF.

Which emoji twitter-text knows: the 3,827 sequences of Unicode's ``emoji-test.txt`` for Emoji
12.0, in every qualification (``❤️`` and ``❤``), but not the skin tones and hair styles on
their own. It scans left to right and takes, at each position, the longest known sequence
that starts there. So an emoji newer than 12.0 is counted by its pieces, each known piece 2
and each other code point by its range: ``❤️‍🔥`` (13.1) is ❤️ + ZWJ + 🔥 = 2 + 1 + 2 = 5,
``🧑🏽‍💼`` (12.1) is 🧑🏽 + ZWJ + 💼 = 5, ``🐦‍⬛`` (15.0) is 🐦 + ZWJ + ⬛ = 5, and a
new single code point such as ``🫠`` (14.0) weighs 2 like any heavy code point.

We count exactly that, not "one emoji, 2" as current clients draw newer ones: a post near
280 must never be refused, and counting by pieces never gives less than 2, so a post that
fits by twitter-text's count also fits by any count that knows more emoji. The price is a
few characters of room per newer emoji. The known sequences are read from the ``emoji``
package, which gives each sequence the Emoji version (``E``) that introduced it: its
non-component sequences with ``E <= 12`` are twitter-text's list, sequence for sequence
(3,827 in emoji 2.16), and newer releases of the package only add sequences with a higher
``E``, which stay counted by pieces as twitter-text counts them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from syndicator.compose._tlds import CCTLDS, GTLDS

MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23  # "transformedURLLength": every URL X finds becomes a 23-character t.co link
EMOJI_WEIGHT = 2

__all__ = [
    "MAX_WEIGHTED_LENGTH",
    "URL_WEIGHT",
    "find_urls",
    "is_valid_tweet",
    "weighted_length",
]

# --- weights ---------------------------------------------------------------------------
# Code points that weigh 1 (twitter-text v3 "ranges" with weight 100); the rest weigh 2.
_LIGHT = re.compile("[\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]+")
_INVALID = re.compile("[\ufffe\ufeff\uffff]")

# --- emoji ------------------------------------------------------------------------------
# The emoji twitter-text v3 knows: those of Emoji 12.0 (its emoji-test.txt), minus the
# "Component" group (skin tones and hair styles on their own). The ``emoji`` package lists
# every emoji with the version that introduced it, so the set is read from it, not kept here.
_TWITTER_TEXT_EMOJI_VERSION = 12.0
# Every known sequence holds a character in these few ranges (a keycap its U+20E3): text
# without one skips the emoji scan (a sequence without one would fail the fixture test).
_EMOJI_HINT = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001fffd]")


@lru_cache(maxsize=1)
def _known_emoji() -> frozenset[str]:
    """The emoji sequences twitter-text v3 counts as one emoji (3,827 of them, in every
    qualification: ``❤️`` and ``❤`` alike)."""
    import emoji  # lazily: it loads a few thousand entries that plain text never needs

    component = emoji.STATUS["component"]
    return frozenset(
        sequence
        for sequence, data in emoji.EMOJI_DATA.items()
        if data["E"] <= _TWITTER_TEXT_EMOJI_VERSION and data["status"] != component
    )


def _char_class(chars: list[str]) -> str:
    """A character class of *chars* (sorted), with runs of consecutive code points as ranges."""
    parts: list[str] = []
    k = 0
    while k < len(chars):
        j = k
        while j + 1 < len(chars) and ord(chars[j + 1]) == ord(chars[j]) + 1:
            j += 1
        first, last = re.escape(chars[k]), re.escape(chars[j])
        parts.append(first if j == k else f"{first}-{last}")
        k = j + 1
    return "[" + "".join(parts) + "]"


def _longest_match_pattern(sequences: frozenset[str]) -> str:
    """A regex matching the longest of *sequences* found at a position, as twitter-text's
    alternation sorted longest first does: a code-point trie in which the code points that
    are followed by the same sub-pattern share one character class (``[👋👍…][🏻-🏿]?``), so
    that the engine tries a few dozen branches at an emoji, not a thousand."""
    trie: dict[str, dict] = {}
    for sequence in sorted(sequences):  # sorted: the same pattern on every run
        node = trie
        for ch in sequence:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        by_tail: dict[str, list[str]] = {}
        for ch, child in node.items():
            if ch:
                by_tail.setdefault(emit(child), []).append(ch)
        branches = [
            (_char_class(sorted(chars)) if len(chars) > 1 else re.escape(chars[0])) + tail
            for tail, chars in sorted(by_tail.items(), key=lambda item: (-len(item[1]), item[0]))
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


@lru_cache(maxsize=1)
def _emoji_regex() -> re.Pattern[str]:
    """Compiled lazily, on the first text with an emoji-like character: some 40 ms, most of
    it importing ``emoji``."""
    sequences = _known_emoji()
    first = _char_class(sorted({sequence[0] for sequence in sequences}))
    # the look-ahead lets every other character fail on one set test
    return re.compile(f"(?={first}){_longest_match_pattern(sequences)}")


# --- URLs -------------------------------------------------------------------------------
# A port of twitter-text's extractor regexes (twitter-text-parser 3.0.0, regexp/*.py).
_INVALID_CHARS = "\ufffe\ufeff\uffff"
_DIRECTIONAL = "\u202a-\u202e\u061c\u200e\u200f\u2066-\u2069"
_SPACES = "\x09-\x0d\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PUNCT = r"\!'#%&'\(\)*\+,\\\-\.\/:;<=>\?@\[\]\^_{|}~\$/"
_LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263"
    "\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)
_CYRILLIC = "\u0400-\u04ff"
_DOMAIN_CHAR = f"[^{_PUNCT}{_SPACES}{_INVALID_CHARS}{_DIRECTIONAL}]"
_TLD_END = "(?=[^0-9a-zA-Z@+-]|$)"


def _trie_pattern(words: list[str]) -> str:
    """An alternation of *words* as a character trie: the regex engine then tests a few
    branches per character instead of ~1,500 TLDs one by one (same matches, far faster)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return f"(?:{body})?"
        return body

    return emit(trie)


_GTLD = f"(?:{_trie_pattern(GTLDS.split())}{_TLD_END})"
_CCTLD = f"(?:{_trie_pattern(CCTLDS.split())}{_TLD_END})"
_PUNYCODE = r"(?:xn--[\-0-9a-z]+)"
_SUBDOMAIN = f"(?:(?:{_DOMAIN_CHAR}(?:[_-]|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
_DOMAIN_NAME = f"(?:(?:{_DOMAIN_CHAR}(?:-|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
_DOMAIN = f"(?:{_SUBDOMAIN}*{_DOMAIN_NAME}(?:{_GTLD}|{_CCTLD}|{_PUNYCODE}))"
_PATH_CHAR = f"[a-z{_CYRILLIC}0-9!\\*';:=\\+,\\.\\$\\/%#\\[\\]\\-\u2013_~@\\|&{_LATIN_ACCENTS}]"
_PARENS = f"\\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\\({_PATH_CHAR}+\\){_PATH_CHAR}*))\\)"
_PATH_END = f"(?:[\\+\\-a-z{_CYRILLIC}0-9=_#\\/{_LATIN_ACCENTS}]|(?:{_PARENS}))"
_PATH = f"(?:(?:{_PATH_CHAR}*(?:{_PARENS}{_PATH_CHAR}*)*{_PATH_END})|(?:@{_PATH_CHAR}+/))"
_QUERY_CHARS = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_END = r"[a-z0-9\-_&=#/]"
_PRECEDING = f"(?:[^A-Za-z0-9@＠$#＃{_INVALID_CHARS}]|[{_DIRECTIONAL}]|^)"
_TCO = re.compile(f"^https?:\\/\\/t\\.co\\/([a-z0-9]+)(?:\\?{_QUERY_CHARS}*{_QUERY_END})?", re.I)
_NO_SCHEME_BAD_PRECEDING = re.compile(r"[-_./]$")
_CHUNK = re.compile(f"[^{_SPACES}]+")
_MAX_URL_LENGTH = 4096
_NEVER_FITS = _MAX_URL_LENGTH + 280
_MAX_TCO_SLUG = 40


@lru_cache(maxsize=1)
def _url_regex() -> re.Pattern[str]:
    """Compiled lazily: the TLD alternation takes a few tens of milliseconds to compile."""
    return re.compile(
        f"({_PRECEDING})"  # 1: preceding character
        "("  # 2: the URL
        "(https?:\\/\\/)?"  # 3: scheme
        f"({_DOMAIN})"  # 4: domain
        "(?::([0-9]+))?"  # 5: port
        f"(\\/{_PATH}*)?"  # 6: path
        f"(\\?{_QUERY_CHARS}*{_QUERY_END})?"  # 7: query
        ")",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _ascii_domain_regex() -> re.Pattern[str]:
    """Compiled lazily, as the URL regex is (about 10 ms)."""
    return re.compile(
        f"(?:(?:[\\-a-z0-9{_LATIN_ACCENTS}]+)\\.)+(?:{_GTLD}|{_CCTLD}|{_PUNYCODE})", re.IGNORECASE
    )


def _idna_length_ok(url: str, scheme: str, domain: str) -> bool:
    try:
        puny = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    if not puny:
        return False
    return len(scheme) + len(url) + len(puny) - len(domain) <= _MAX_URL_LENGTH


def find_urls(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the URLs X would link in *text* (already NFC).

    Follows twitter-text's ``extractUrlsWithIndices``: scheme URLs need a known TLD too,
    bare domains must be ASCII and not follow ``-_./``, t.co links stop after the slug.
    """
    if "." not in text:
        return []
    spans: list[tuple[int, int]] = []
    for chunk in _CHUNK.finditer(text):
        word = chunk.group()
        if "." in word:
            offset = chunk.start()
            spans += [(offset + s, offset + e) for s, e in _chunk_urls(word, offset == 0)]
    return spans


@lru_cache(maxsize=8192)
def _chunk_urls(chunk: str, at_start: bool) -> tuple[tuple[int, int], ...]:
    """URL spans in one space-free chunk (a URL never spans a space), memoised: fitting
    re-measures the same headline and quote words many times.

    A chunk not at the start of the text is scanned with a space before it, because that
    space is what the regex sees as the "preceding character" when scanning the whole text.
    """
    spans: list[tuple[int, int]] = []
    if at_start:
        _find_in_chunk(chunk, 0, spans)
    else:
        _find_in_chunk(" " + chunk, -1, spans)
    return tuple(spans)


def _find_in_chunk(text: str, offset: int, spans: list[tuple[int, int]]) -> None:
    for m in _url_regex().finditer(text):
        before, url, scheme, domain, _port, path = m.group(1, 2, 3, 4, 5, 6)
        start, end = m.start(2) + offset, m.end(2) + offset
        if not _idna_length_ok(url, scheme or "https://", domain):
            continue
        if scheme is None:
            if _NO_SCHEME_BAD_PRECEDING.search(before):
                continue
            last: list[int] | None = None
            for dm in _ascii_domain_regex().finditer(domain):
                last = [start + dm.start(), start + dm.end()]
                spans.append((last[0], last[1]))
            if last is None:
                continue
            if path:
                spans[-1] = (last[0], end)
        else:
            tco = _TCO.search(url)
            if tco:
                if tco.group(1) and len(tco.group(1)) > _MAX_TCO_SLUG:
                    continue
                end = start + len(tco.group(0))
            spans.append((start, end))


def _plain_weight(segment: str) -> int:
    """Weight of text with no URL or emoji: 1 per light code point, 2 per other."""
    return 2 * len(segment) - sum(len(run) for run in _LIGHT.findall(segment))


@lru_cache(maxsize=8192)
def _chunk_weight(chunk: str, at_start: bool) -> int:
    """Weight of one space-free chunk (URLs and emoji never span a space), memoised."""
    if chunk.isascii():
        if "." not in chunk:
            return len(chunk)
        total, pos = 0, 0
        for start, end in _chunk_urls(chunk, at_start):
            total += (start - pos) + URL_WEIGHT
            pos = end
        return total + len(chunk) - pos
    # (start, priority, end, weight): at one position a URL wins over an emoji, as in
    # twitter-text; a match that starts inside an earlier one is skipped by the loop.
    specials = [(s, 0, e, URL_WEIGHT) for s, e in _chunk_urls(chunk, at_start)]
    if _EMOJI_HINT.search(chunk):
        emoji = _emoji_regex().finditer(chunk)
        specials += [(m.start(), 1, m.end(), EMOJI_WEIGHT) for m in emoji]
    specials.sort()
    total, pos = 0, 0
    for start, _, end, weight in specials:
        if start < pos:
            continue
        total += _plain_weight(chunk[pos:start]) + weight
        pos = end
    return total + _plain_weight(chunk[pos:])


def weighted_length(text: str) -> int:
    """The length X gives *text*: what the 280 limit is measured in."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if text.isascii() and "." not in text:
        return len(text)
    chunks = _CHUNK.findall(text)
    if not chunks:
        return _plain_weight(text)
    total = _plain_weight(_CHUNK.sub("", text))  # the spaces between chunks
    for k, chunk in enumerate(chunks):
        if len(chunk) > _NEVER_FITS:
            # longer than X's longest URL and a whole post: it cannot fit however its URLs
            # are counted, so it is counted as plain text (the URL pattern needs some 230
            # bytes a character: a 2 MB link from a feed took 530 MB)
            total += _plain_weight(chunk)
        else:
            total += _chunk_weight(chunk, k == 0 and text.startswith(chunk))
    return total


def is_valid_tweet(text: str) -> bool:
    """True when X accepts *text* as a standard post: 1..280 weighted, no invalid characters."""
    if _INVALID.search(text):
        return False
    return 0 < weighted_length(text) <= MAX_WEIGHTED_LENGTH
