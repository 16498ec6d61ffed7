"""How a quote's speaker was found: the evidence an editor reads and calibration weighs.

Two kinds of evidence: how the attributing phrase was found next to the quote
(``Route``) and how that phrase became a name (``Link``). Their priors order the readings
when the rules and the parse disagree (reconcile.py); the confidence a quote carries is
calibrated on labelled articles from the same evidence (calibration.py). A new route or
link adds one line to each table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Route(StrEnum):
    """Where the attributing phrase stood."""

    INTERRUPTING = "attribution between the quote's parts"
    VERB_AFTER = "speech verb and its subject after the quote"
    VERB_BEFORE = "subject and speech verb before the quote"
    NAME_ALONE = "a name alone after the quote"
    COLON = "a name before a colon"
    SUBJECTLESS_VERB = "a speech verb with no subject after the quote"
    EARLIER_CLAUSE = "a name in an earlier clause of the sentence"
    SENTENCE_SUBJECT = "the sentence's subject, no speech verb"
    PREVIOUS_PARAGRAPH = "the paragraph before introduces the quote"
    CAPS_SCRIPT = "the script line before names the speaker"
    DASH_LINE = "a credit line after the quotation ('— Name, role')"
    PARSE = "dependency parse: subject of a verb of speech"


class Link(StrEnum):
    """How the phrase was resolved to the speaker's name."""

    AS_WRITTEN = "the name as written"
    SURNAME = "a later form of a name introduced earlier"
    PRONOUN = "pronoun resolved to the latest agreeing person"
    ROLE_OF_NAMED = "role resolved to the person introduced with it"
    UNNAMED_ROLE = "an unnamed speaker given by role"
    LAST_PERSON = "the latest person named before the quote"
    BARE_ROLE = "a role that no one in the article was named with"
    AUTHOR = "the article's author"


ROUTE_PRIOR: dict[Route, float] = {
    Route.INTERRUPTING: 0.95,
    Route.VERB_AFTER: 0.95,
    Route.VERB_BEFORE: 0.85,
    Route.PARSE: 0.9,
    Route.NAME_ALONE: 0.8,
    Route.COLON: 0.6,
    Route.PREVIOUS_PARAGRAPH: 0.7,
    Route.CAPS_SCRIPT: 0.7,
    Route.DASH_LINE: 0.9,
    Route.SUBJECTLESS_VERB: 0.65,
    Route.EARLIER_CLAUSE: 0.6,
    Route.SENTENCE_SUBJECT: 0.4,
}
LINK_PRIOR: dict[Link, float] = {
    Link.AS_WRITTEN: 1.0,
    Link.SURNAME: 0.95,
    Link.UNNAMED_ROLE: 0.9,
    Link.ROLE_OF_NAMED: 0.8,
    Link.AUTHOR: 0.8,
    Link.PRONOUN: 0.75,
    Link.LAST_PERSON: 0.6,
    Link.BARE_ROLE: 0.6,  # "the blogger": someone, but perhaps not who it seems
}
# The pull-quote is chosen among quotes at least this sure of their speaker (an account's
# ``quote_min_confidence`` overrides it). The confidence is calibrated (calibration.py):
# on the tune split this floor kept pull-quote precision at 0.965 with the parse.
DEFAULT_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a quote has the speaker it has: an editor reads this in `quotes --explain`."""

    route: Route
    link: Link
    phrase: str  # the attributing words as they stand in the text
    chain: tuple[str, ...] = ()  # name forms followed to the speaker (coreference)
    parse: str | None = None  # what the dependency parse said, if a backbone ran

    @property
    def prior(self) -> float:
        return ROUTE_PRIOR[self.route] * LINK_PRIOR[self.link]

    def lines(self) -> list[str]:
        out = [f"found by: {self.route}", f"phrase: {self.phrase!r}", f"resolved: {self.link}"]
        if self.chain:
            out.append("chain: " + " -> ".join(self.chain))
        if self.parse:
            out.append(f"parse: {self.parse}")
        return out
