"""Text surgery that never misquotes: clean-up, sentence cuts, word cuts, mark balance."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator

from syndicator.compose.weighted import find_urls

ELLIPSIS = "…"

# Control characters (but not \n) and the three characters that make a post invalid on X.
# C1 controls (U+0080-U+009F) too: feed text carries them (cp1252 bytes read as Latin-1)
# and they reached posts (found by tests/test_fuzz_pipeline.py); U+0085 is left to
# _SPACES, which makes that line break a space. And the bidi overrides and isolates
# (U+202A-202E, U+2066-2069), which can make a post display text in another order than
# it holds; the plain marks (U+200E, U+200F) that right-to-left text needs stay.
_JUNK = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069"
                   "\ufffe\ufeff\uffff]")
_SPACES = re.compile(r"\s{2,}|[^\S ]")  # whitespace runs other than one plain space

# Sentence end: . ! ? (or …) with optional closing marks/brackets, then a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
# Words that end in a period without ending the sentence.
_ABBREVIATION_WORDS = (
    "mr mrs ms dr prof st jr sr gen col lt sgt capt gov sen rep rev hon no vs etc inc ltd co "
    "corp jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e a.m p.m"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
# Scripts written without spaces: a line may break between any two of their characters.
_NO_SPACE_SCRIPT = re.compile(
    "[\u2e80-\u2fff\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
# Punctuation that should not hang before an ellipsis. No "-" or "/": a URL may end in them,
# and none of these can end a URL as X's extractor finds it.
_DANGLING = " \t\n,;:–—|·•"


def clean_inline(text: str | None) -> str:
    """One line: invalid and control characters removed, whitespace runs made one space."""
    if not text:
        return ""
    return _SPACES.sub(" ", _JUNK.sub("", text)).strip()


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut after a word and marked with "…"."""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(_DANGLING) + ELLIPSIS


_QUOTE_MARKS = re.compile('[“«‘”»’"]')


def quotation_marks_balanced(text: str) -> bool:
    """True when every opening quotation mark in *text* is closed, in order.

    “…” and «…» must pair and nest; straight double quotes must be even; ‘ must be closed
    by ’ (a ’ with nothing open is an apostrophe, as in Putin’s).
    """
    return _Balance(text)(len(text))


class _Balance:
    """``quotation_marks_balanced(text[:n])`` for every ``n``, from one scan of *text*."""

    __slots__ = ("ends", "ok")

    def __init__(self, text: str) -> None:
        self.ends: list[int] = []  # offsets just after each quotation mark
        self.ok: list[bool] = []  # balanced up to there
        stack: list[str] = []
        straight = 0
        for m in _QUOTE_MARKS.finditer(text):
            ch = m.group()
            if ch in "“«‘":
                stack.append(ch)
            elif ch == "”" or ch == "»":
                if not stack or stack[-1] != ("“" if ch == "”" else "«"):
                    self.ends.append(m.end())
                    self.ok.append(False)
                    return  # a closer with nothing to close: no longer prefix recovers
                stack.pop()
            elif ch == "’":
                if stack and stack[-1] == "‘":
                    stack.pop()
            else:
                straight += 1
            self.ends.append(m.end())
            self.ok.append(not stack and straight % 2 == 0)

    def __call__(self, n: int) -> bool:
        i = bisect_right(self.ends, n) - 1
        return i < 0 or self.ok[i]


def _is_abbreviation(text: str, end: int) -> bool:
    """Whether the period at ``text[end-1]`` belongs to an abbreviation or an initial."""
    start = end - 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start : end - 1].strip("\"'“‘(«").casefold()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


# Cuts are looked for in the first this many characters of a quote or a title: no post
# shows a longer cut one, and every prefix of a longer text would cost memory in the
# square of its length (feed text is written by strangers).
PREFIX_SCAN = 2_000


def sentence_prefixes(text: str) -> list[str]:
    """Proper prefixes of *text* that end a sentence, longest first.

    Only cuts that keep quotation marks balanced are offered; the prefix is verbatim.
    """
    out: list[str] = []
    balanced: _Balance | None = None
    last = len(text.rstrip())
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end >= last:
            continue
        if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, end):
            continue
        if balanced is None:
            balanced = _Balance(text)
        if balanced(end):
            out.append(text[:end])
    out.reverse()
    return out


# Tokens never cut: hashtags, cashtags and mentions (URLs are found by the X extractor).
_TOKEN = re.compile(r"[#＃$@＠]\w+")


def _protected(text: str) -> list[tuple[int, int]]:
    spans = find_urls(text)
    spans += [m.span() for m in _TOKEN.finditer(text)]
    return spans


# A space after a non-space: where a line may break in space-separated scripts.
_WORD_BREAK = re.compile(r"(?<=\S)\s")


def _break_points(text: str) -> Iterator[int]:
    """Offsets where *text* may be cut between words (spaces, or between CJK characters),
    never inside a URL, hashtag or mention."""
    protected = _protected(text)
    if _NO_SPACE_SCRIPT.search(text) is None:
        # Only spaces break a line: visit them, not every character.
        for m in _WORD_BREAK.finditer(text, 1):
            i = m.start()
            if not protected or not any(start < i < end for start, end in protected):
                yield i
        return
    for i in range(1, len(text)):
        if any(start < i < end for start, end in protected):
            continue
        before, after = text[i - 1], text[i]
        if (after.isspace() and not before.isspace()) or (
            not before.isspace()
            and not after.isspace()
            and (_NO_SPACE_SCRIPT.match(before) or _NO_SPACE_SCRIPT.match(after))
            and after not in "、。，．！？」』）〕】》〉：；…"  # never start with closing marks
            and before not in "「『（〔【《〈"
        ):
            yield i


def _splits_name(text: str, cut: int) -> bool:
    """True when the cut falls between two capitalised words, likely one name ("Vladimir Putin")."""
    left = cut  # text[:left] is the text before the cut, trailing spaces dropped
    while left > 0 and text[left - 1].isspace():
        left -= 1
    right = cut  # text[right:] is the text after it, leading spaces dropped
    while right < len(text) and text[right].isspace():
        right += 1
    if not left or right == len(text):
        return False
    space = text.rfind(" ", 0, left)
    if space < 0:  # the first word is capitalised anyway
        return False
    return text[space + 1].isupper() and text[right].isupper()


def word_prefixes(text: str, max_length: int | None = None) -> list[str]:
    """Shortened versions of *text*, cut between words and ended with "…", longest first.

    Cuts that would split a capitalised name come after all others; cuts that leave
    quotation marks unbalanced are never offered. With *max_length*, only versions of at
    most that many characters.
    """
    good: list[str] = []
    names: list[str] = []
    seen: set[int] = set()
    balanced = _Balance(text)
    limit = len(text) if max_length is None else max_length - len(ELLIPSIS)
    for cut in _break_points(text):
        end = cut  # the prefix is text[:end]: the cut with dangling punctuation dropped
        while end and text[end - 1] in _DANGLING:
            end -= 1
        if not end or end > limit or end in seen or not balanced(end):
            continue
        seen.add(end)
        candidate = text[:end] + ELLIPSIS
        (names if _splits_name(text, cut) else good).append(candidate)
    good.reverse()
    names.reverse()
    return good + names


def char_prefixes(text: str, limit: int | None = None) -> list[str]:
    """Last resort for one giant word: prefixes cut between characters, ending "…",
    longest first; never inside a URL or a combining/emoji sequence. *limit* caps the scan."""
    protected = find_urls(text)
    out: list[str] = []
    end = len(text) if limit is None else min(len(text), limit)
    for i in range(end - 1, 0, -1):
        ch = text[i]
        if (
            unicodedata.combining(ch)
            or ch in "\u200d\ufe0f\u20e3"
            or ("\U0001f3fb" <= ch <= "\U0001f3ff")
        ):
            continue
        if any(s < i < e for s, e in protected):
            continue
        out.append(text[:i].rstrip() + ELLIPSIS)
    return out


# A site's own truncation mark at the end of a feed summary: "[…]", "[...]", "…", "...".
_TRUNCATION_MARK = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.{3})\s*$")


def tidy_summary(text: str, max_length: int) -> str | None:
    """A summary an editor would print: at most *max_length* characters, never ending
    mid-word or inside an open quotation.

    Feeds often cut their summaries themselves ("…bilateral co […]"): the mark and the
    broken word go, then the text ends at its last whole sentence (if that keeps at least
    half of it) or between words with "…". None when nothing readable is left.
    """
    mark = _TRUNCATION_MARK.search(text)
    cut = mark is not None and mark.start() > 0
    if mark is not None and cut:
        text = text[: mark.start()]
        if text[-1:] not in ".!?\"”’»)":
            text = text[: max(0, text.rfind(" "))].rstrip()  # the broken last word
    cut = cut or len(text) > max_length or not quotation_marks_balanced(text)
    if not cut:
        return text or None
    if len(text) <= max_length and quotation_marks_balanced(text) and \
            _SENTENCE_END.search(text + " ", max(0, len(text) - 3)):
        return text
    sentences = [s for s in sentence_prefixes((text + " ")[: max_length + 2])
                 if len(s) <= max_length]
    if sentences and 2 * len(sentences[0]) >= min(len(text), max_length):
        return sentences[0]
    words = word_prefixes(text + " ", max_length)
    return words[0] if words else None


def as_standalone_quote(text: str) -> str:
    """A quotation shown on its own ends as a sentence: the comma (or semicolon, colon)
    that led into its attribution becomes a full stop (“…apart,” — X → “…apart.” — X)."""
    stripped = text.rstrip()
    if stripped[-1:] in ",;:":
        return stripped[:-1].rstrip() + "."
    return stripped
