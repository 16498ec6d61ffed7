"""X weighted length: the official twitter-text conformance cases, then our own edge cases."""

from __future__ import annotations

import functools
import json
import random
from pathlib import Path
from typing import Any

import emoji
import pytest
import yaml

from syndicator.compose import is_valid_tweet, weighted_length
from syndicator.compose.weighted import find_urls

VALIDATE_YML = Path("/work/shared/twitter-text/validate.yml")
OFFICIAL_EMOJI = Path(__file__).parent / "fixtures" / "weighted_emoji_official.json"
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
        # emoji newer than twitter-text's Emoji 12.0 count by their pieces, as it counts them
        ("❤️‍🔥", 5),  # 13.1: ❤️ 2 + ZWJ 1 + 🔥 2
        ("🫶🏽", 4),  # 14.0 base with a skin tone: 🫶 2 + 🏽 2
        ("🧑🏽‍💼", 5),  # 12.1: 🧑🏽 (known) 2 + ZWJ 1 + 💼 2
        ("🏳️‍⚧️", 7),  # 13.0 flag: 🏳️ 2 + ZWJ 1 + ⚧ 2 + VS16 2
        ("🐦‍🔥", 5),  # 15.1
        ("⚧️", 4),  # 13.0 text-default emoji with VS16: ⚧ 2 + VS16 2
        ("🫠", 2),  # 14.0, one code point: 2 like any heavy code point
        ("🇨🇶", 4),  # 16.0 flag: two lone regional indicators
        ("🏴\U000e0075\U000e0073\U000e0063\U000e0061\U000e007f", 12),  # not RGI: 🏴 + 5 tags
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


# --- every emoji sequence ----------------------------------------------------------------


def _official_emoji_weights() -> dict[str, int]:
    """twitter-text-parser 3.0.0's weight of each emoji.EMOJI_DATA sequence alone, recorded by
    ``bench/weighted_emoji.py --write``."""
    data = json.loads(OFFICIAL_EMOJI.read_text(encoding="utf-8"))
    return {
        "".join(chr(int(cp, 16)) for cp in codepoints.split()): int(weight)
        for weight, sequences in data["weights"].items()
        for codepoints in sequences
    }


def test_every_emoji_sequence_counts_as_the_official_port() -> None:
    """Alone, between letters and three in a row, as twitter-text-parser counts them; the old
    counter gave 1,201 of them fewer (767 fully-qualified), which got posts refused."""
    official = _official_emoji_weights()
    assert len(official) >= 5244
    wrong = [
        (sequence, got, expected)
        for sequence, weight in official.items()
        for text, expected in (
            (sequence, weight),
            ("a" + sequence + "b", weight + 2),
            (sequence * 3, 3 * weight),
        )
        if (got := weighted_length(text)) != expected
    ]
    assert wrong == []


def test_the_fixture_holds_every_emoji_twitter_text_knows() -> None:
    """A newer ``emoji`` release may add sequences (all newer than Emoji 12.0, which the
    reference test below covers), but none twitter-text knows is missing from the fixture."""
    official = _official_emoji_weights()
    missing = [s for s, data in emoji.EMOJI_DATA.items() if s not in official and data["E"] <= 12]
    assert missing == []


_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


@functools.cache
def _twitter_text_emoji() -> frozenset[str]:
    component = emoji.STATUS["component"]
    return frozenset(
        s for s, data in emoji.EMOJI_DATA.items() if data["E"] <= 12 and data["status"] != component
    )


def _reference_length(text: str) -> int:
    """platform-apis.md C.1 spelled out slowly, for text without URLs: at each position the
    longest sequence of twitter-text's emoji list (Emoji 12.0, without the components) weighs
    2, any other code point 1 in a light range, else 2."""
    known = _twitter_text_emoji()
    total, k = 0, 0
    while k < len(text):
        for end in range(min(len(text), k + 10), k, -1):
            if text[k:end] in known:
                total, k = total + 2, end
                break
        else:
            code = ord(text[k])
            total += 1 if any(lo <= code <= hi for lo, hi in _LIGHT_RANGES) else 2
            k += 1
    return total


def test_emoji_and_their_pieces_count_as_the_rules_say() -> None:
    """Every sequence of the installed ``emoji`` package, newer ones too, and random mixtures
    of their pieces: joiners, selectors, skin tones, tags, cut and spliced sequences."""
    sequences = sorted(emoji.EMOJI_DATA)
    rng = random.Random(20240501)
    pieces = [*sorted({ch for s in sequences for ch in s}), *"a1# 日", "\u200d", "\ufe0f"]
    texts = [*sequences, *("x" + s + "🏽\u200d" + s for s in sequences)]
    for _ in range(3000):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))))
        a, b = rng.choice(sequences), rng.choice(sequences)
        texts.append(a[: rng.randint(0, len(a))] + b[rng.randint(0, len(b)) :])
    wrong = [(t, weighted_length(t), _reference_length(t)) for t in texts
             if weighted_length(t) != _reference_length(t)]
    assert wrong[:10] == []
