"""Chrome told apart by the markup around the words: links, list items, headings, position.

``text._render`` marks where links open and close and where a heading starts, with
private-use characters that never occur in feed text; ``structural_flags`` reads the
marks of each rendered paragraph and ``strip_marks`` removes them. The signals, each
general rather than fitted to a site:

* **link paragraph**: a short paragraph that is nearly all link text ("Related: …",
  "NEXT: …", "[Read: …]", "Purchase the paperback on Amazon") is a pointer elsewhere;
* **trailing links**: after the story's last long paragraph, paragraphs and list items
  that are mostly links are related-story lists, social links and footers;
* **trailing calls to action**: after it, too, a short paragraph with a link or one that
  opens like a call to action ("Subscribe …", "Clicca qui …");
* **label**: a short heading or "…:" line that introduces only chrome goes with it.

A paragraph that holds a quotation in double quotes is never dropped by these signals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syndicator.article.boilerplate import is_call_to_action

__all__ = ["HEADING", "LINK_CLOSE", "LINK_OPEN", "MARKS", "strip_marks", "structural_flags"]

LINK_OPEN = "\ue000"
LINK_CLOSE = "\ue001"
HEADING = "\ue002"
MARKS = LINK_OPEN + LINK_CLOSE + HEADING
_STRIP = str.maketrans("", "", MARKS)

# A paragraph this long (in words), mostly not links, is story text.
LONG_WORDS = 20
# A link paragraph: at most this many words, at least this share of letters in links.
LINK_PARAGRAPH_WORDS = 15
LINK_PARAGRAPH_SHARE = 0.7
# After the last long paragraph: mostly links, or short with a link or a call to action.
TRAILING_LINK_SHARE = 0.5
TRAILING_SHORT_WORDS = 15
LABEL_WORDS = 6
_QUOTATION = re.compile(r"[\"“„«»”][^\"“”„«»]{12,}[\"”“«»]")


@dataclass(frozen=True, slots=True)
class _Shape:
    words: int
    link_share: float
    has_link: bool
    item: bool
    heading: bool
    quoted: bool
    text: str


def strip_marks(text: str) -> str:
    """The text without the structure marks."""
    return text.translate(_STRIP)


def _shape(marked: str) -> _Shape:
    linked = total = 0
    depth = 0
    for ch in marked:
        if ch == LINK_OPEN:
            depth += 1
        elif ch == LINK_CLOSE:
            depth = max(0, depth - 1)
        elif ch.isalnum():
            total += 1
            if depth:
                linked += 1
    text = strip_marks(marked).strip()
    return _Shape(
        words=len(text.split()),
        link_share=linked / total if total else 0.0,
        has_link=LINK_OPEN in marked and linked > 0,
        item=text.startswith("• "),
        heading=marked.lstrip().startswith(HEADING),
        quoted=_QUOTATION.search(text) is not None,
        text=text.removeprefix("• "),
    )


def structural_flags(marked: list[str]) -> list[bool]:
    """Flag each rendered paragraph (still carrying its marks) that is chrome by its markup."""
    shapes = [_shape(p) for p in marked]
    last_long = -1
    for i, s in enumerate(shapes):
        if s.words >= LONG_WORDS and s.link_share < TRAILING_LINK_SHARE:
            last_long = i
    flags = []
    for i, s in enumerate(shapes):
        chrome = False
        if s.quoted:
            pass
        elif (
            not s.item
            and s.words <= LINK_PARAGRAPH_WORDS
            and s.link_share >= LINK_PARAGRAPH_SHARE
        ):
            chrome = True
        elif 0 <= last_long < i:
            chrome = s.link_share >= TRAILING_LINK_SHARE or (
                s.words <= TRAILING_SHORT_WORDS and (s.has_link or is_call_to_action(s.text))
            )
        flags.append(chrome)
    # A label ("More games news:", a "Related" heading) that introduces only chrome.
    for i in range(len(shapes) - 2, -1, -1):
        s = shapes[i]
        label = s.heading or s.text.endswith(":")
        if (
            not flags[i]
            and label
            and not s.quoted
            and s.words <= LABEL_WORDS
            and flags[i + 1]
            and (i > last_long or shapes[i + 1].item)
        ):
            flags[i] = True
    return flags
