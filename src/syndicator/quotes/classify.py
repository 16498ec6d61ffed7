"""Stage "classify" of the quote engine: a quotation's kind (a full sentence of speech or
a fragment in the writer's sentence) and whether it is anyone's speech at all (titles,
names, scare quotes and headline claims are not)."""

from __future__ import annotations

import re

from syndicator.models import QuoteKind
from syndicator.quotes.attribution import Attribution, Site
from syndicator.quotes.found import Found
from syndicator.quotes.lexicon import TITLE_CUES
from syndicator.quotes.names import alternation
from syndicator.quotes.speakers import VERB_RE

_TITLE_CUES = [*TITLE_CUES, "programm", "dem titel", "le titre"]
# "(?:cue|...)[\s,:]*$" searched in the text before a quote, read backwards instead: one
# anchored match on the reversed text, not an attempt at every position.
_TITLE_CUE_REV = re.compile(
    r"[\s,:]*(?:"
    + alternation(sorted((c[::-1] for c in _TITLE_CUES), key=len, reverse=True), re.IGNORECASE)
    + r")",
    re.IGNORECASE,
)
# Small words a title leaves in lower case ("The Lord of the Rings", "Le Monde de …").
_SMALL = frozenset([
    "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with",  # en
    "de", "la", "le", "les", "du", "des", "et",  # fr
    "y", "el", "en",  # es
    "der", "die", "das", "und", "von", "auf", "dem",  # de
])
_SAY_WORDS = ("dit", "dice", "sagt", "says", "said")
_SAY_NAME_END = re.compile(
    r"(?:\b(?:dit|dice|sagt|says|said)\s+(?:\w+\s+){0,2}[A-Z][\w-]+)\s*[,:]?$"
)
_EMBED_BEFORE = re.compile(
    r"(?:\b(?:a|an|the|his|her|their|its|our|of|to|as|by|de|la|le|les|un|une|una|el|los|der|die|das|ein|eine|zu)|[’'])\s*$",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_LETTER_WORD = re.compile(r"[^\W\d_][\w’'-]*")


def title_case(s: str) -> bool:
    """Every content word capitalised, as in a title or a name."""
    ws = _LETTER_WORD.findall(s)
    content = [w for w in ws if w.casefold() not in _SMALL]
    return bool(content) and all(w[0].isupper() for w in content)


def kind_of(body: str, before: str) -> QuoteKind:
    """Full (a sentence or more of speech) or partial (a fragment the writer's sentence
    holds); ``before`` is the writer's sentence up to the quotation."""
    first = body.lstrip(" .…[(-–—'\"‘“")
    if not first:
        return QuoteKind.PARTIAL
    b = before.rstrip()
    if first[0].islower():
        # "comme le dit Madame Boustani « ces … »": speech introduced by verb + name.
        if any(v in b for v in _SAY_WORDS) and _SAY_NAME_END.search(b):
            return QuoteKind.FULL
        return QuoteKind.PARTIAL
    # ``b`` has no trailing space, so a match starts within the last five characters.
    if b and _EMBED_BEFORE.search(b, max(0, len(b) - 6)) and not b.endswith((":", ",")):
        return QuoteKind.PARTIAL
    return QuoteKind.FULL


def is_speech(found: Found, site: Site, attribution: Attribution | None) -> bool:
    """Is the quotation anyone's speech? Not a title (after a cue such as "titled"), a
    name, a scare quote, a short headline claim or a line that is only a quoted title."""
    text, span, body = found.text, site.span, site.body
    attributed = attribution is not None
    n = len(body.split()) + (0 if body.isascii() else len(_CJK.findall(body)) // 2)
    if _TITLE_CUE_REV.match(text[max(0, span.start - 30) : span.start][::-1]):
        return False
    if not attributed and _unattributed_title(found, site, n):
        return False
    speech_verb = VERB_RE.search(site.before) is not None
    if n <= 3 and not _short_speech(text, span.end, attribution, speech_verb):
        return False
    return not (found.headline[span.para] and n <= 6 and not speech_verb)


def _unattributed_title(found: Found, site: Site, n: int) -> bool:
    """With no attribution: a name or title in capitals, a short single-quoted phrase (a
    scare quote), or a short line that is nothing but a quoted title."""
    body = site.body
    if n <= 8 and title_case(body):
        return True
    if site.span.family == "S" and n < 5:
        return True
    para = found.para_texts[site.span.para]
    return n <= 8 and not para.replace(body, "").strip(" \t\n\"“”«»„'‘’")


def _short_speech(text: str, end: int, attribution: Attribution | None,
                  speech_verb: bool) -> bool:
    """Three words or fewer are speech only when attributed with a verb of speech around."""
    if attribution is None:
        return False
    if speech_verb:
        return True
    return bool(attribution.speaker) and VERB_RE.search(text[end : end + 40]) is not None
