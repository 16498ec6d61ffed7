"""Stage "join" of the quote engine: a quotation interrupted by its attribution
("“We will rebuild,” she said, “every school.”") becomes one quotation, attributed by the
words between its parts."""

from __future__ import annotations

from syndicator.quotes.attribution import Attribution, Clue, Joined, limit_after, resolve, squash
from syndicator.quotes.classify import title_case
from syndicator.quotes.evidence import Route
from syndicator.quotes.found import Found, Span
from syndicator.quotes.speakers import Attributor


def join(found: Found, names: Attributor) -> tuple[Joined, ...]:
    """The quotations outside site chrome, in document order, each interrupted one joined
    to its continuation. Two parts stay apart when the second has an attribution of its
    own; a short nickname inside the attribution ("2nd Squadron “Sabre,”") is dropped."""
    qs = found.live
    out: list[Joined] = []
    i = 0
    while i < len(qs):
        joined, i = _join_from(found, names, qs, i)
        out.append(joined)
    return tuple(out)


def _join_from(found: Found, names: Attributor, qs: tuple[Span, ...],
               i: int) -> tuple[Joined, int]:
    """The quotation starting at ``qs[i]`` with every continuation joined to it, and the
    index of the next quotation left."""
    text = found.text
    q = qs[i]
    attribution: Attribution | None = None
    j = i + 1
    while j < len(qs) and qs[j].para == q.last_para and not _embedded(found, q):
        if _nickname(found, names, q, qs, j):
            j += 1  # dropped: its next quotation is tried as the continuation
            continue
        r = qs[j]
        gap = names.gap_attribution(q.end, r.start)
        if gap is None or _own_attribution(found, names, qs, j):
            break
        attribution = resolve(
            names, Clue(gap, Route.INTERRUPTING, q.end, squash(text[q.end : r.start]))
        )
        q = Span(q.start, r.end, q.parts + r.parts, r.closed, q.family, q.para, r.last_para)
        j += 1
    return Joined(q, attribution), j


def _embedded(found: Found, q: Span) -> bool:
    """``q`` is a fragment inside the writer's own sentence ("la question est de savoir
    « … » affirme-t-il. « … »"): what follows it is no interruption of one quotation."""
    para_start = found.paras[q.para][0]
    lead = found.text[para_start : q.start].rstrip(" \t\n“\"«„‘'")
    return bool(lead) and (lead[-1].isalpha() or lead[-1] in ",;")


def _nickname(found: Found, names: Attributor, q: Span, qs: tuple[Span, ...], j: int) -> bool:
    """``qs[j]`` is a name of three words or fewer inside the attribution that stands
    between ``q`` and the quotation after it."""
    body = qs[j].text(found.text)
    if len(body.split()) > 3 or not title_case(body) or j + 1 >= len(qs):
        return False
    nxt = qs[j + 1]
    return nxt.para == q.last_para and names.gap_attribution(q.end, nxt.start) is not None


def _own_attribution(found: Found, names: Attributor, qs: tuple[Span, ...], j: int) -> bool:
    """The quotation ``qs[j]`` has an attribution after it: it is a quote of its own."""
    r = qs[j]
    ended = r.text(found.text).rstrip()[-1:] in ".!?"
    next_start = qs[j + 1].start if j + 1 < len(qs) else None
    lim = limit_after(r.end, next_start, found.paras[r.last_para][1])
    return names.after(r.end, lim, ended) is not None
