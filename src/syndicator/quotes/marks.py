"""Find quoted spans: pair quotation marks paragraph by paragraph.

Marks are paired by *flanking* (what stands left and right of the mark) rather than
by glyph alone, because real feeds mix ``"``, curly and guillemet marks freely. The
paragraph is the unit: an unclosed mark ends at its paragraph (or continues into the
next paragraph only under the multi-paragraph convention), so one stray mark never
swallows the rest of an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKS = "\"“”„‟«»‘’'‚「」『』"
_MARK_RE = re.compile("[" + re.escape(_MARKS) + "]")
_PARA_SEP = re.compile(r"\n[ \t]*\n\s*")
_OPEN_CTX = frozenset("([{<—–-/…" + _MARKS)
_CLOSE_CTX = frozenset(".,;:!?)]}>…—–-/" + _MARKS)
_NOT_AFTER_OPEN = frozenset(",;:!?)]}")
_ELISION = re.compile(r"(?:\d\d?s?\b|(?:em|til|tis|twas|cause|n|round|bout|cos)\b)", re.IGNORECASE)
_SENT_PUNCT = frozenset(".!?,…;")
_MAX_CONTINUATION_PARAS = 8
_MAX_SILENT_PARAS = 6

OPEN, CLOSE, AMBIG, IGNORE = 1, 2, 3, 0

_FAMILY = {
    '"': "D", "“": "D", "”": "D", "„": "D", "‟": "D",
    "«": "G", "»": "G",
    "‘": "S", "’": "S", "'": "S", "‚": "S",
    "「": "C", "」": "C", "『": "C", "』": "C",
}  # fmt: skip


@dataclass(slots=True)
class RawQuote:
    """One top-level quoted span; ``parts`` are trimmed inner offsets."""

    start: int
    end: int
    parts: list[tuple[int, int]]
    closed: bool
    family: str
    para: int
    last_para: int


@dataclass(slots=True)
class _Open:
    family: str
    pos: int
    part_start: int
    parts: list[tuple[int, int]] = field(default_factory=list)
    saw_single: bool = False


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph; a blank line separates paragraphs."""
    spans = []
    pos = 0
    for m in _PARA_SEP.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _classify(text: str, i: int, ch: str) -> int:
    """OPEN, CLOSE, AMBIG or IGNORE for the mark ``ch`` at ``i``."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    left = (
        (prev.isspace() or prev in _OPEN_CTX) and not nxt.isspace() and nxt not in _NOT_AFTER_OPEN
    )
    right = not prev.isspace() and prev not in "([{<" and (nxt.isspace() or nxt in _CLOSE_CTX)
    if ch in "'’":
        if prev.isalnum() and nxt.isalnum():
            return IGNORE  # don't, Peskov's, we’re
        if left and not right:
            if _ELISION.match(text, i + 1):
                return IGNORE  # the '90s, 'til, rock 'n' roll
            return OPEN
        if right and not left:
            return CLOSE
        return IGNORE
    if ch in "‘‚":
        if prev.isalnum() and nxt.isalnum():
            return IGNORE
        if left:
            return OPEN
        return CLOSE if right else IGNORE
    if ch == '"':
        if nxt == '"' or prev == '"':
            return IGNORE  # an empty pair, e.g. title="" in a comment-form hint
        if left and not right:
            return OPEN
        if right and not left:
            return CLOSE
        return AMBIG
    if ch in "“‟":
        if nxt == "”":
            return IGNORE
        if right and not left:
            return CLOSE  # German „…“, or a curly opener typed as a closer
        if left:
            return OPEN
        return AMBIG  # „ Simsalabim “ : spaced on both sides
    if ch == "”":
        if left and not right:
            return AMBIG
        return CLOSE
    if ch == "„":
        return OPEN
    if ch == "«":
        return CLOSE if right and not left and not nxt.isalnum() else OPEN
    if ch == "»":
        return OPEN if left and not right and nxt.isalnum() else CLOSE
    if ch in "「『":
        return OPEN
    return CLOSE  # 」』


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_quotes(text: str, paras: list[tuple[int, int]] | None = None) -> list[RawQuote]:
    """Every top-level quoted span in document order (nested quotes stay inside)."""
    if paras is None:
        paras = paragraphs(text)
    marks_by_para: list[list[tuple[int, str, str, int]]] = []
    for ps, pe in paras:
        marks = []
        for m in _MARK_RE.finditer(text, ps, pe):
            i = m.start()
            ch = text[i]
            role = _classify(text, i, ch)
            if role != IGNORE:
                marks.append((i, ch, _FAMILY[ch], role))
        marks_by_para.append(marks)

    out: list[RawQuote] = []
    carry: _Open | None = None
    carry_para = -1
    n = len(paras)
    pi = 0
    while pi < n:
        ps, pe = paras[pi]
        marks = marks_by_para[pi]
        stack: list[_Open] = []
        start_idx = 0
        if carry is not None:
            stack.append(carry)
            if (
                marks
                and marks[0][0] == _first_char(text, ps, pe)
                and (marks[0][2] == carry.family and marks[0][3] in (OPEN, AMBIG))
            ):
                carry.part_start = marks[0][0] + 1
                start_idx = 1
            else:
                carry.part_start = ps
        for i, _ch, fam, role in marks[start_idx:]:
            if role == AMBIG:
                role = CLOSE if any(o.family == fam for o in stack) else OPEN
            if role == OPEN:
                if fam == "S" and stack:
                    stack[0].saw_single = True
                stack.append(_Open(fam, i, i + 1))
                continue
            # CLOSE: pop to the nearest open mark of the same family.
            k = len(stack) - 1
            while k >= 0 and stack[k].family != fam:
                k -= 1
            if k < 0:
                continue  # stray closer or apostrophe
            opened = stack[k]
            del stack[k:]
            if k == 0:
                opened.parts.append((opened.part_start, i))
                out.append(
                    _emit(text, opened, i + 1, True, carry_para if opened is carry else pi, pi)
                )
                if opened is carry:
                    carry = None
        # End of paragraph: only the bottom open mark can live on.
        if not stack:
            carry = None
            pi += 1
            continue
        bottom = stack[0]
        if bottom.family == "S":
            carry = None
            pi += 1
            continue
        end_trim = _trim(text, ps, pe)[1]
        if bottom.family == "D" and not bottom.saw_single and end_trim - ps >= 2:
            last = text[end_trim - 1]
            if last in "’'" and text[end_trim - 2] in _SENT_PUNCT:
                # “…’ : a mismatched closer at the end of the paragraph closes the quote.
                bottom.parts.append((bottom.part_start, end_trim - 1))
                out.append(
                    _emit(
                        text, bottom, end_trim, True, _start_para(bottom, carry, carry_para, pi), pi
                    )
                )
                carry = None
                pi += 1
                continue
        bottom.parts.append((bottom.part_start, end_trim))
        started = _start_para(bottom, carry, carry_para, pi)
        if _continues(text, paras, marks_by_para, pi, bottom, started):
            if carry is not bottom:
                carry = bottom
                carry_para = pi
            pi += 1
            continue
        out.append(_emit(text, bottom, end_trim, False, started, pi))
        carry = None
        pi += 1
    return out


def _start_para(bottom: _Open, carry: _Open | None, carry_para: int, pi: int) -> int:
    return carry_para if bottom is carry else pi


def _first_char(text: str, ps: int, pe: int) -> int:
    i = ps
    while i < pe and text[i].isspace():
        i += 1
    return i


def _continues(
    text: str,
    paras: list[tuple[int, int]],
    marks_by_para: list[list[tuple[int, str, str, int]]],
    pi: int,
    bottom: _Open,
    started: int,
) -> bool:
    """Multi-paragraph quote: the next paragraph re-opens it, or closes it later silently."""
    if pi + 1 >= len(paras) or pi - started >= _MAX_CONTINUATION_PARAS:
        return False
    ps, pe = paras[pi]
    tail = text[ps:pe].rstrip()
    if tail.endswith(("...", "…")):
        return False  # a teaser cut by the site, not a continued quote
    nxt = marks_by_para[pi + 1]
    first = _first_char(text, *paras[pi + 1])
    if nxt and nxt[0][0] == first and nxt[0][2] == bottom.family and nxt[0][3] in (OPEN, AMBIG):
        return True
    if bottom.family != "D":
        return False
    # No mark at all until a paragraph whose first double mark closes: one long quote.
    for j in range(pi + 1, min(len(paras), pi + 1 + _MAX_SILENT_PARAS)):
        doubles = [m for m in marks_by_para[j] if m[2] == "D"]
        if not doubles:
            continue
        return doubles[0][3] == CLOSE
    return False


def _emit(text: str, opened: _Open, end: int, closed: bool, para: int, last_para: int) -> RawQuote:
    parts = []
    for s, e in opened.parts:
        s, e = _trim(text, s, e)
        if e > s:
            parts.append((s, e))
    return RawQuote(opened.pos, end, parts, closed, opened.family, para, last_para)
