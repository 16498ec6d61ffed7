"""X weighted length: the official twitter-text conformance cases, then our own edge cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from syndicator.compose import is_valid_tweet, weighted_length
from syndicator.compose.weighted import find_urls

VALIDATE_YML = Path("/work/shared/twitter-text/validate.yml")
_SECTIONS = ("WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")


def _cases() -> list[Any]:
    if not VALIDATE_YML.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason="validate.yml not available"))]
    tests = yaml.safe_load(VALIDATE_YML.read_text(encoding="utf-8"))["tests"]
    return [
        pytest.param(case, id=f"{section}: {case['description']}")
        for section in _SECTIONS
        for case in tests[section]
    ]


@pytest.mark.parametrize("case", _cases())
def test_conformance(case: dict[str, Any]) -> None:
    expected = case["expected"]
    assert weighted_length(case["text"]) == expected["weightedLength"]
    assert is_valid_tweet(case["text"]) is expected["valid"]


def test_conformance_file_has_all_cases() -> None:
    if not VALIDATE_YML.exists():
        pytest.skip("validate.yml not available")
    assert len(_cases()) == 24  # 22 v3 emoji cases + 2 directional-marker cases


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("", 0),
        ("hello", 5),
        ("A\u0301B", 2),  # NFC first: Á is one code point
        ("日本語", 6),
        ("“quoted” — dash", 15),  # U+2010–U+201F weigh 1
        ("©", 2),  # © and ® are emoji, weight 2 although they are in the light range
        ("a©b", 4),
        ("1\u20e3", 2),  # keycap without VS16
        ("#\ufe0f\u20e3", 2),
        ("1\ufe0f", 3),  # a digit with VS16 is not an emoji
        ("🇬🇧", 2),
        ("🇦🇦", 4),  # not a flag: two regional indicators
        ("👋🏽", 2),
        ("😀🏻", 4),  # 😀 takes no skin tone
        ("👨‍👩‍👧‍👦", 2),
        ("🏳️‍🌈", 2),
        ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 2),  # Scotland
        ("☺\ufe0e", 4),  # text presentation: two code points of weight 2
        ("❤️‍🔥", 2),  # newer ZWJ sequence: one emoji (twitter-text-parser 3.0.0 says 5)
        ("\u200d", 1),
        ("example.com", 23),
        ("see example.com.", 28),
        ("https://example.com/a?b=c#d", 23),
        ("http://localhost:8000/abc", 25),  # no known TLD: not a URL, counted by characters
        ("a.b", 3),
        ("-example.com", 12),  # a bare domain may not follow - _ . /
        ("@example.com", 12),  # nor @
        ("Amazon.com's", 25),
        ("http://日本語.jp", 23),
        ("日本語.jp", 9),  # bare domains must be ASCII
        ("https://t.co/abc123/extra", 29),  # a t.co link stops after its slug
        ("https://example.com/" + "a" * 500, 23),
        ("x" * 279 + "日", 281),
    ],
)
def test_weighted_length(text: str, length: int) -> None:
    assert weighted_length(text) == length


def test_validity() -> None:
    assert not is_valid_tweet("")
    assert is_valid_tweet("a" * 280)
    assert not is_valid_tweet("a" * 281)
    assert is_valid_tweet("日" * 140)
    assert not is_valid_tweet("日" * 141)
    assert is_valid_tweet(" ".join(["https://example.com/" + "x" * 100] * 11))  # 11*23 + 10
    assert not is_valid_tweet("ok\ufeff")
    assert is_valid_tweet("\u200fمرحبا\u200e")  # directional marks are fine


def test_find_urls_spans() -> None:
    text = "Read https://example.com/a?b=1, or example.org! Not a.b or foo@bar.com"
    assert [text[s:e] for s, e in find_urls(text)] == [
        "https://example.com/a?b=1",
        "example.org",
    ]


def test_a_run_longer_than_any_post_is_counted_without_the_url_pattern() -> None:
    """A 2 MB link from a feed: X cannot link it (over 4,096 characters) and no post
    holds it, so it is plain text; finding its URLs took 530 MB before (the regex engine's
    memory, which only the process's peak shows)."""
    import subprocess
    import sys

    # VmHWM: the child's own peak (ru_maxrss would carry the pytest worker's across exec)
    code = ("from syndicator.compose.weighted import weighted_length; "
            "link = 'https://n.example/' + 'a' * 2_000_000; "
            "assert weighted_length('Story ' + link) == 6 + len(link); "
            "status = open('/proc/self/status').read(); "
            "print(int(status.split('VmHWM:')[1].split()[0]) // 1024)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert int(done.stdout) < 150  # MB: the interpreter and the module, not the link
