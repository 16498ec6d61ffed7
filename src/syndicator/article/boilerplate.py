"""Site chrome that is not the article: share widgets, comment forms, feed footers.

Pure and shared: ``html_to_text`` drops these paragraphs, and ``quotes`` uses the same
test so a quotation inside page chrome is never chosen as a pull-quote. The words are
data (``syndicator/data/boilerplate.json``, by kind and language); this module only
compiles them. Signals that need the markup (links, lists, headings, position) live in
``structure.py``.
"""

from __future__ import annotations

import json
import re
from importlib import resources

__all__ = ["boilerplate_flags", "is_boilerplate", "is_call_to_action", "is_tail_heading"]


def _load() -> dict[str, dict[str, list[str]]]:
    raw = resources.files("syndicator").joinpath("data", "boilerplate.json").read_text("utf-8")
    data: dict[str, dict[str, list[str]]] = json.loads(raw)
    return data


def _alternation(patterns: dict[str, list[str]]) -> str:
    return "|".join(p for lang in patterns.values() for p in lang)


_DATA = _load()
# One paragraph (or one short line) that is nothing but chrome. Anchored, case-insensitive.
_LINE_RE = re.compile(r"\s*(?:" + _alternation(_DATA["line"]) + r")\s*", re.IGNORECASE)
# A heading after which the rest of the page is other stories, comments or sources.
_TAIL_RE = re.compile(r"\s*(?:" + _alternation(_DATA["tail"]) + r")\s*:?\s*", re.IGNORECASE)
# The first words of a call to action ("Subscribe …", "Lisez aussi …", "Clicca qui …").
_CTA_RE = re.compile(r"\W*(?:" + _alternation(_DATA["cta"]) + r")\b", re.IGNORECASE)


def is_boilerplate(paragraph: str) -> bool:
    """True when the whole paragraph is site chrome (matched line by line)."""
    lines = [ln for ln in paragraph.splitlines() if ln.strip()]
    if not lines:
        return True
    return all(_LINE_RE.fullmatch(ln) is not None for ln in lines)


def is_tail_heading(paragraph: str) -> bool:
    """True for a heading such as "Related" or "Sources" that starts a page's tail."""
    return _TAIL_RE.fullmatch(paragraph) is not None


def is_call_to_action(paragraph: str) -> bool:
    """True when the paragraph opens like a call to action ("Subscribe to …", "Read …")."""
    return _CTA_RE.match(paragraph) is not None


def boilerplate_flags(paragraphs: list[str]) -> list[bool]:
    """Flag each paragraph that is chrome, including the tail after a closing heading.

    A tail heading only counts once real text has been seen (sidebars at the top of
    a page also say "Related articles", and the story follows them).
    """
    flags: list[bool] = []
    seen_body = False
    in_tail = False
    for para in paragraphs:
        if in_tail:
            # Long prose after a tail heading is still the tail (comments, teasers).
            flags.append(True)
            continue
        if seen_body and is_tail_heading(para):
            in_tail = True
            flags.append(True)
            continue
        chrome = is_boilerplate(para)
        flags.append(chrome)
        if not chrome and len(para.split()) >= 25:
            seen_body = True
    return flags
