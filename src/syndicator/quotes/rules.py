"""Stage "attribute" of the quote engine: an ordered list of attribution rules.

Each rule is a function ``(Context, Site) -> Clue | None``: it looks for the phrase that
attributes one quotation (a name, a pronoun, a role) and says where it found it. The
rules are tried in order and the first clue wins; a quotation joined to its continuation
already has its attribution and is not offered to them. To add a way of attributing,
write one rule and put it in ``ATTRIBUTION_RULES`` where it should be tried (before a
rule it must beat).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from syndicator.models import QuoteKind
from syndicator.quotes.attribution import (
    Clue,
    Context,
    Joined,
    Site,
    limit_after,
    squash,
)
from syndicator.quotes.classify import kind_of
from syndicator.quotes.evidence import Route
from syndicator.quotes.speakers import Cand, caps_speaker

Rule = Callable[[Context, Site], Clue | None]


def situate(ctx: Context, joined: Sequence[Joined], idx: int) -> Site | None:
    """The quotation ``joined[idx]`` in its sentence; None when it holds no letter."""
    found = ctx.found
    span = joined[idx].span
    body = span.text(found.text)
    if not any(map(str.isalpha, body)):
        return None
    pi = span.para
    prev = joined[idx - 1].span if idx else None
    s_start = max(
        ctx.sentences.start(pi, span.start),
        prev.end if prev is not None and prev.last_para == pi else found.paras[pi][0],
    )
    before = found.text[s_start : span.start]
    next_start = joined[idx + 1].span.start if idx + 1 < len(joined) else None
    limit = limit_after(span.end, next_start, found.paras[span.last_para][1])
    return Site(idx, span, body, s_start, before, limit, kind_of(body, before))


def verb_after(ctx: Context, site: Site) -> Clue | None:
    """'“…,” said X' / '“…,” X said' / '“…” X' at the end of the paragraph."""
    found = ctx.names.after(site.span.end, site.limit, site.ended)
    if found is None:
        return None
    cand, end, route = found
    return Clue(cand, route, site.span.start, squash(ctx.text[site.span.end : end]))


def verb_before(ctx: Context, site: Site) -> Clue | None:
    """'X said that “…”' / 'X: “…”' / 'comme le dit X « … »' in the writer's sentence; for
    a fragment, the sentence's subject."""
    found = ctx.names.before(site.span.start, site.sentence_start,
                             site.kind is QuoteKind.PARTIAL)
    if found is None:
        return None
    cand, route = found
    return Clue(cand, route, cand.start, squash(ctx.text[cand.start : site.span.start]))


def caps_script(ctx: Context, site: Site) -> Clue | None:
    """In an all-caps script, a quotation standing alone is the speaker's whose name the
    line before gives ("… MAYOR JANE DOE SAYS")."""
    pi = site.span.para
    if not (site.opens_alone and pi > 0 and ctx.found.caps[pi]):
        return None
    line = ctx.found.para_texts[pi - 1]
    speaker = caps_speaker(line)
    if speaker is None:
        return None
    start, end = ctx.found.paras[pi - 1]
    return Clue(Cand("name", speaker, start, end), Route.CAPS_SCRIPT, site.span.start,
                line.strip()[-80:], written=True)


def previous_paragraph(ctx: Context, site: Site) -> Clue | None:
    """A quotation standing alone (or after a colon) introduced by the paragraph before
    ("The minister said:", "a statement from X"). Not in an all-caps script, and not
    after site chrome."""
    found = ctx.found
    pi = site.span.para
    if not (site.opens_alone and pi > 0) or found.caps[pi] or found.chrome[pi - 1]:
        return None
    if _INCISE.match(ctx.text, site.span.end, site.limit):
        return None  # the quote's own attribution follows it, unread: not the paragraph's
    intro = ctx.names.previous_paragraph(found.para_texts[pi - 1], found.paras[pi - 1][0])
    if intro is None:
        return None
    return Clue(intro, Route.PREVIOUS_PARAGRAPH, intro.start,
                squash(found.para_texts[pi - 1].strip()[-80:]))


def dash_credit(ctx: Context, site: Site) -> Clue | None:
    """A block quotation credited on the line after it: '“…”' then '— Jane Roe, City
    Manager' (or '– Jane Roe')."""
    found = ctx.found
    pi = site.span.last_para
    if pi + 1 >= len(found.paras):
        return None
    if found.text[site.span.end : found.paras[pi][1]].strip(" \t”\"’»'.,"):
        return None  # the quotation does not close its paragraph
    line = found.para_texts[pi + 1]
    m = _DASH_CREDIT.match(line)
    if m is None:
        return None
    start = found.paras[pi + 1][0] + m.end()
    cand = ctx.names.np_at(start, found.paras[pi + 1][1])
    if cand is None or cand.kind != "name":
        return None
    return Clue(cand, Route.DASH_LINE, cand.start, squash(line.strip()[:80]))


# After a quotation, the start of an attribution of its own: "…», juge le ministère".
_INCISE = re.compile(r"[ \t]*[”\"’»']?[ \t]*[,—–][ \t]*\w")
# A credit line: a dash, a name, perhaps ", role"; short, and no sentence of its own.
_DASH_CREDIT = re.compile(r"[ \t]*(?:—|–|―|--?)[ \t]*(?=[^\n]{2,120}$)")

ATTRIBUTION_RULES: tuple[Rule, ...] = (verb_after, verb_before, caps_script, dash_credit,
                                       previous_paragraph)


def attribute(ctx: Context, site: Site, rules: Sequence[Rule] = ATTRIBUTION_RULES) -> Clue | None:
    """The first clue that one of ``rules``, tried in order, finds for the quotation."""
    for rule in rules:
        clue = rule(ctx, site)
        if clue is not None:
            return clue
    return None
