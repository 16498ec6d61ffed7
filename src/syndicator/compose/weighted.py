"""X's weighted length, counted as twitter-text v3 counts it (platform-apis.md section C).

We do not use ``twitter-text-parser``: it imports ``pkg_resources``, which fresh Python 3.12+
venvs (no setuptools) do not have. This module ports its rules instead and is checked against
the official conformance cases in ``validate.yml`` (see ``tests/test_weighted.py``).

The rules: normalise to NFC; every URL twitter-text's extractor finds weighs 23; every emoji
sequence weighs 2; every other code point weighs 1 if it lies in one of the "light" ranges,
else 2. A text is valid when ``0 < length <= 280`` and it holds no U+FFFE, U+FEFF, U+FFFF.

Known, deliberate differences from twitter-text-parser 3.0.0 (whose emoji list is Unicode 12):
any well-formed ZWJ sequence of emoji counts 2 (newer sequences such as ``❤️‍🔥`` are counted
as one emoji, as current X clients show them); keycaps, RGI flags, the three RGI tag flags,
skin-tone modifiers on modifier bases and VS16 on text-default emoji follow the RGI rules, so
anything else is counted piece by piece (more, never less).
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
# Extended_Pictographic (Unicode emoji-data), including unassigned code points reserved for
# future emoji so that a new single emoji with a modifier or ZWJ still counts as one.
_PICT = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u2388"
    "\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u2605"
    "\u2607-\u2612\u2614-\u2685\u2690-\u2705\u2708-\u2712\u2714\u2716\u271d\u2721\u2728"
    "\u2733\u2734\u2744\u2747\u274c\u274e\u2753-\u2755\u2757\u2763-\u2767\u2795-\u2797"
    "\u27a1\u27b0\u27bf\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297"
    "\u3299\U0001f000-\U0001f0ff\U0001f10d-\U0001f10f\U0001f12f\U0001f16c-\U0001f171"
    "\U0001f17e\U0001f17f\U0001f18e\U0001f191-\U0001f19a\U0001f1ad-\U0001f1e5"
    "\U0001f201-\U0001f20f\U0001f21a\U0001f22f\U0001f232-\U0001f23a\U0001f23c-\U0001f23f"
    "\U0001f249-\U0001f3fa\U0001f400-\U0001f53d\U0001f546-\U0001f64f\U0001f680-\U0001f6ff"
    "\U0001f774-\U0001f77f\U0001f7d5-\U0001f7ff\U0001f80c-\U0001f80f\U0001f848-\U0001f84f"
    "\U0001f85a-\U0001f85f\U0001f888-\U0001f88f\U0001f8ae-\U0001f8ff\U0001f90c-\U0001f93a"
    "\U0001f93c-\U0001f945\U0001f947-\U0001faff\U0001fc00-\U0001fffd"
)
# Emoji_Modifier_Base (RGI skin-tone bases, Unicode 12 plus the bases added in 13-15).
_MOD_BASE = (
    "\u261d\u26f9\u270a-\u270d\U0001f385\U0001f3c2-\U0001f3c4\U0001f3c7\U0001f3ca-\U0001f3cc"
    "\U0001f442\U0001f443\U0001f446-\U0001f450\U0001f466-\U0001f469\U0001f46b-\U0001f46e"
    "\U0001f470-\U0001f478\U0001f47c\U0001f481-\U0001f483\U0001f485-\U0001f487\U0001f4aa"
    "\U0001f574\U0001f575\U0001f57a\U0001f590\U0001f595\U0001f596\U0001f645-\U0001f647"
    "\U0001f64b-\U0001f64f\U0001f6a3\U0001f6b4-\U0001f6b6\U0001f6c0\U0001f6cc\U0001f90c"
    "\U0001f90f\U0001f918-\U0001f91f\U0001f926\U0001f930-\U0001f939\U0001f93d\U0001f93e"
    "\U0001f977\U0001f9b5\U0001f9b6\U0001f9b8\U0001f9b9\U0001f9bb\U0001f9cd-\U0001f9cf"
    "\U0001f9d1-\U0001f9dd\U0001fac3-\U0001fac5\U0001faf0-\U0001faf8"
)
# Text-default emoji that RGI lets take VS16 (U+FE0F) to become one emoji.
_VS16_BASE = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u2328\u23cf\u23ed-\u23ef"
    "\u23f1\u23f2\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb\u25fc\u2600-\u2604\u260e"
    "\u2611\u2618\u261d\u2620\u2622\u2623\u2626\u262a\u262e\u262f\u2638-\u263a\u2640\u2642"
    "\u265f\u2660\u2663\u2665\u2666\u2668\u267b\u267e\u2692\u2694-\u2697\u2699\u269b\u269c"
    "\u26a0\u26a7\u26b0\u26b1\u26c8\u26cf\u26d1\u26d3\u26e9\u26f0\u26f1\u26f4\u26f7-\u26f9"
    "\u2702\u2708\u2709\u270c\u270d\u270f\u2712\u2714\u2716\u271d\u2721\u2733\u2734\u2744"
    "\u2747\u2763\u2764\u27a1\u2934\u2935\u2b05-\u2b07\u3030\u303d\u3297\u3299"
    "\U0001f170\U0001f171\U0001f17e\U0001f17f\U0001f202\U0001f237\U0001f321"
    "\U0001f324-\U0001f32c\U0001f336\U0001f37d\U0001f396\U0001f397\U0001f399-\U0001f39b"
    "\U0001f39e\U0001f39f\U0001f3cb-\U0001f3ce\U0001f3d4-\U0001f3df\U0001f3f3\U0001f3f5"
    "\U0001f3f7\U0001f43f\U0001f441\U0001f4fd\U0001f549\U0001f54a\U0001f56f\U0001f570"
    "\U0001f573-\U0001f579\U0001f587\U0001f58a-\U0001f58d\U0001f590\U0001f5a5\U0001f5a8"
    "\U0001f5b1\U0001f5b2\U0001f5bc\U0001f5c2-\U0001f5c4\U0001f5d1-\U0001f5d3"
    "\U0001f5dc-\U0001f5de\U0001f5e1\U0001f5e3\U0001f5e8\U0001f5ef\U0001f5f3\U0001f5fa"
    "\U0001f6cb\U0001f6cd-\U0001f6cf\U0001f6e0-\U0001f6e5\U0001f6e9\U0001f6f0\U0001f6f3"
)
# RGI flags: the regions that have a flag emoji (two regional indicator letters each).
_REGIONS_TEXT = (
    "AC AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CP CR CU CV CW CX CY CZ DE DG "
    "DJ DK DM DO DZ EA EC EE EG EH ER ES ET EU FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM "
    "GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU IC ID IE IL IM IN IO IQ IR IS IT JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM "
    "SN SO SR SS ST SV SX SY SZ TA TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM UN "
    "US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"
)
_REGIONS = _REGIONS_TEXT.split()


def _flag(region: str) -> str:
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in region)


def _tag_flag(subdivision: str) -> str:
    tags = "".join(chr(0xE0000 + ord(c)) for c in subdivision)
    return "\U0001f3f4" + tags + "\U000e007f"


_FLAGS = "|".join(_flag(r) for r in _REGIONS)
_TAG_FLAGS = "|".join(_tag_flag(s) for s in ("gbeng", "gbsct", "gbwls"))
_ELEMENT = f"(?:[{_MOD_BASE}][\U0001f3fb-\U0001f3ff]|[{_VS16_BASE}]\ufe0f|[{_PICT}])"
_RI = "\U0001f1e6-\U0001f1ff"
_EMOJI = re.compile(
    f"(?=\U0001f3f4)(?:{_TAG_FLAGS})|(?=[{_RI}])(?:{_FLAGS})|(?=[#*0-9])[#*0-9]\ufe0f?\u20e3"
    f"|{_ELEMENT}(?:\u200d{_ELEMENT})*"
)
# Every emoji sequence holds a character in these few ranges (a superset of _PICT, the
# regional indicators and U+20E3, but cheap to test): text without one skips the emoji scan.
_EMOJI_HINT = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001f000-\U0001fffd]")

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
_ASCII_DOMAIN = re.compile(
    f"(?:(?:[\\-a-z0-9{_LATIN_ACCENTS}]+)\\.)+(?:{_GTLD}|{_CCTLD}|{_PUNYCODE})", re.IGNORECASE
)
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
            for dm in _ASCII_DOMAIN.finditer(domain):
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
        specials += [(m.start(), 1, m.end(), EMOJI_WEIGHT) for m in _EMOJI.finditer(chunk)]
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
