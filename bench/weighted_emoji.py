"""Our X weighted length against the official Python port, twitter-text-parser 3.0.0, on every
sequence of the ``emoji`` package (alone, inside text, repeated) and on random mixtures of
their pieces; writes the fixture ``tests/test_weighted.py`` checks against; times the counter.

twitter-text-parser imports ``pkg_resources``, so it runs in a throwaway venv of its own,
which this script calls as a subprocess (``--worker`` is that subprocess's side):

    python3.11 -m venv /tmp/ttp
    /tmp/ttp/bin/pip install twitter-text-parser==3.0.0 setuptools emoji
    python bench/weighted_emoji.py --official /tmp/ttp/bin/python [--fuzz 20000] [--write]
    python bench/weighted_emoji.py --timing

Figures, not assertions; the exit status is 1 when a count differs from the official one.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
import timeit
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "weighted_emoji_official.json"
sys.path.insert(0, str(REPO / "src"))

PLAIN_POST = (
    "Breaking: the city council voted 7–2 on Tuesday to approve the new riverside park plan, "
    "after a three-hour debate over costs and flooding risks. “We listened,” said the mayor. "
    "Read more at https://news.example.com/2024/05/park-vote?utm_source=x #CityCouncil"
)
EMOJI_POST = (
    "Breaking 🚨: the city council voted 7–2 🗳️ on Tuesday to approve the riverside park 🌳🏞️ "
    "plan, after a three-hour debate 😤 over costs 💸 and flooding 🌊. “We listened ❤️‍🔥,” said "
    "the mayor 👩🏽‍💼. Read more 👉 https://news.example.com/2024/05/park-vote #CityCouncil 🇬🇧"
)


def worker() -> int:
    """Run inside the twitter-text-parser venv: JSON list of texts in, their weights out."""
    import warnings

    warnings.filterwarnings("ignore")  # pkg_resources' deprecation warning
    from twitter_text import parse_tweet

    texts = json.load(sys.stdin)
    json.dump([parse_tweet(text).weightedLength for text in texts], sys.stdout)
    return 0


def official_weights(python: str, texts: list[str]) -> list[int]:
    done = subprocess.run(
        [python, __file__, "--worker"],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    weights: list[int] = json.loads(done.stdout)
    return weights


def contexts(sequence: str) -> list[str]:
    """The texts each sequence is measured in: alone, between letters, three in a row."""
    return [sequence, "a" + sequence + "b", sequence * 3]


def mixtures(sequences: list[str], count: int, seed: int = 1) -> list[str]:
    """Random texts of emoji pieces: code points of the sequences, joiners, selectors,
    skin tones, letters, whole sequences glued together and sequences cut and spliced."""
    rng = random.Random(seed)
    pieces = [*sorted({ch for s in sequences for ch in s}), *"ab1#* 日", "\u200d", "\ufe0f"]
    texts = []
    for k in range(count):
        if k % 3 == 0:
            texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))))
        elif k % 3 == 1:
            glue = ["", "", "\u200d", "\ufe0f", " ", "x", "🏽"]
            parts = [rng.choice(sequences) for _ in range(rng.randint(2, 4))]
            texts.append("".join(p + rng.choice(glue) for p in parts))
        else:
            a, b = rng.choice(sequences), rng.choice(sequences)
            texts.append(a[: rng.randint(0, len(a))] + b[rng.randint(0, len(b)) :])
    return texts


def codepoints(sequence: str) -> str:
    return " ".join(f"{ord(ch):04X}" for ch in sequence)


def fixture_json(fixture: dict[str, object]) -> str:
    """JSON with each weight's sequences wrapped some 100 characters a line."""
    weights = fixture.pop("weights")
    assert isinstance(weights, dict)
    head = json.dumps(fixture, indent=1, ensure_ascii=False)[:-2]
    groups = []
    for weight, sequences in weights.items():
        lines = [""]
        for item in (json.dumps(s) + "," for s in sequences):
            if lines[-1] and len(lines[-1]) + len(item) >= 96:
                lines.append("")
            lines[-1] += (" " if lines[-1] else "") + item
        lines[-1] = lines[-1][:-1]
        groups.append(f'  "{weight}": [\n   ' + "\n   ".join(lines) + "\n  ]")
    return head + ',\n "weights": {\n' + ",\n".join(groups) + "\n }\n}\n"


def compare(python: str, fuzz: int, write: bool) -> int:
    import emoji

    from syndicator.compose.weighted import weighted_length

    status_name = {number: name for name, number in emoji.STATUS.items()}
    sequences = sorted(emoji.EMOJI_DATA)
    by_status = Counter(status_name[emoji.EMOJI_DATA[s]["status"]] for s in sequences)
    print(f"emoji {emoji.__version__}: {len(sequences)} sequences", dict(sorted(by_status.items())))

    texts = [text for s in sequences for text in contexts(s)]
    official = official_weights(python, texts)
    per = len(contexts(""))
    fewer: Counter[str] = Counter()
    more: Counter[str] = Counter()
    examples: list[str] = []
    for k, sequence in enumerate(sequences):
        ours = [weighted_length(text) for text in contexts(sequence)]
        theirs = official[k * per : (k + 1) * per]
        if ours != theirs:
            data = emoji.EMOJI_DATA[sequence]
            key = f"{status_name[data['status']]}, E {data['E']}"
            (fewer if ours[0] < theirs[0] else more)[key] += 1
            if len(examples) < 10:
                examples.append(f"  {sequence} ({codepoints(sequence)}, {key}): {ours} vs {theirs}")
    print(f"sequences counted fewer than the official port: {sum(fewer.values())}")
    for key, n in sorted(fewer.items()):
        print(f"  {key}: {n}")
    print(f"sequences counted more than the official port: {sum(more.values())}")
    for key, n in sorted(more.items()):
        print(f"  {key}: {n}")
    print("\n".join(examples))
    differing = sum(fewer.values()) + sum(more.values())

    if fuzz:
        mixed = mixtures(sequences, fuzz)
        mixed_official = official_weights(python, mixed)
        ours_mixed = [weighted_length(text) for text in mixed]
        below = sum(1 for a, b in zip(ours_mixed, mixed_official, strict=True) if a < b)
        above = sum(1 for a, b in zip(ours_mixed, mixed_official, strict=True) if a > b)
        print(f"random mixtures: {len(mixed)}, counted fewer {below}, counted more {above}")
        differing += below + above

    if write:
        alone = official[::per]
        derived = all(
            official[k * per : (k + 1) * per] == [w, w + 2, 3 * w] for k, w in enumerate(alone)
        )
        if not derived:
            print("not written: a sequence in context is not alone + 2 and 3 x alone")
            return 1
        groups: dict[str, list[str]] = {}
        for sequence, weight in zip(sequences, alone, strict=True):
            groups.setdefault(str(weight), []).append(codepoints(sequence))
        fixture = {
            "about": "X weighted length of every emoji.EMOJI_DATA sequence alone, by "
            "twitter-text-parser 3.0.0 (parse_tweet(text).weightedLength); 'a' + s + 'b' "
            "weighs alone + 2 and s * 3 weighs 3 x alone for all of them. "
            "Written by bench/weighted_emoji.py --write.",
            "emoji": emoji.__version__,
            "twitter-text-parser": "3.0.0",
            "weights": dict(sorted(groups.items(), key=lambda item: int(item[0]))),
        }
        FIXTURE.write_text(fixture_json(fixture), "utf-8")
        print(f"wrote {FIXTURE.relative_to(REPO)}: {len(sequences)} sequences")
    return 1 if differing else 0


def timing() -> int:
    started = time.perf_counter()
    from syndicator.compose import weighted

    imported = time.perf_counter()
    weighted.weighted_length("first 😀")
    first_emoji = time.perf_counter()
    weighted.weighted_length("first example.com")
    first_url = time.perf_counter()
    print(f"import {1000 * (imported - started):.1f} ms (with syndicator.compose)")
    print(f"first emoji {1000 * (first_emoji - imported):.1f} ms (imports emoji, compiles)")
    print(f"first URL {1000 * (first_url - first_emoji):.1f} ms (compiles the URL regexes)")

    def cold(text: str) -> int:
        weighted._chunk_weight.cache_clear()
        weighted._chunk_urls.cache_clear()
        return weighted.weighted_length(text)

    for name, text in (("plain", PLAIN_POST), ("emoji", EMOJI_POST)):
        runs: list[tuple[str, Callable[[str], int], int]] = [
            ("memoised", weighted.weighted_length, 20000),
            ("cold", cold, 2000),
        ]
        for kind, count, number in runs:
            best = min(timeit.repeat(lambda c=count, t=text: c(t), number=number, repeat=5))
            print(
                f"{name} post ({len(text)} chars, weight {weighted.weighted_length(text)}), "
                f"{kind}: {1e6 * best / number:.1f} µs"
            )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--official", help="python of a venv with twitter-text-parser 3.0.0")
    parser.add_argument("--fuzz", type=int, default=20000, help="random mixtures to compare")
    parser.add_argument("--write", action="store_true", help=f"write {FIXTURE.name}")
    parser.add_argument("--timing", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker()
    if args.timing:
        return timing()
    if not args.official:
        parser.error("--official PYTHON or --timing")
    return compare(args.official, args.fuzz, args.write)


if __name__ == "__main__":
    sys.exit(main())
