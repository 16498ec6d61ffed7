"""Names in running text: who is mentioned where, with titles and roles split off.

A *mention* is a capitalised name sequence; an *entity* is the full name it was first
introduced with, so "Trump" resolves to "Donald Trump" and "Sir Muir" to "Muir Gray".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from syndicator.quotes.inflect import NOUNY_FORMS
from syndicator.quotes.lexicon import (
    ADVERBS,
    CAP_STOPWORDS,
    CONNECTORS,
    COUNTRIES,
    DATE_WORDS,
    DOC_ROLES,
    FEMALE_NAMES,
    MALE_NAMES,
    ORG_ROLES,
    ORG_WORDS,
    PERSON_ROLES,
    PLACE_WORDS,
    PUBLICATION_ROLES,
    ROLE_SUFFIXES,
    SPEECH_VERBS,
    TITLES,
)


def alternation(words: list[str], flags: int = 0) -> str:
    """``"|".join(map(re.escape, words))`` factored by common prefixes.

    The regex engine tries a flat alternation word by word at every position; the
    factored form tests one character per branch. At any position it tries the words
    that fit there in the same order (longest first), so it matches exactly what the
    flat form matches -- provided no word comes after a longer word it is a prefix of
    (checked; otherwise the flat form is returned). With ``re.IGNORECASE`` in ``flags``
    the branches of one node must also differ case-insensitively (checked too).
    """
    flat = "|".join(re.escape(w) for w in words)
    for i, w in enumerate(words):
        if any(v != w and w.startswith(v) for v in words[:i]):
            return flat
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def distinct(node: dict[str, dict]) -> bool:
        keys = [k for k in node if k]
        if flags & re.IGNORECASE and any(
            re.fullmatch(re.escape(a), b, flags) for i, a in enumerate(keys) for b in keys[i + 1 :]
        ):
            return False
        return all(distinct(node[k]) for k in keys)

    if not distinct(trie):
        return flat

    def emit(node: dict[str, dict]) -> str:
        parts = [re.escape(ch) + emit(child) for ch, child in node.items() if ch]
        if "" in node:
            parts.append("")  # the word ending here is tried after every longer one
        if len(parts) == 1:
            return parts[0]
        return "(?:" + "|".join(parts) + ")"

    return emit(trie) if words else flat


_VERBS = sorted({v for v in SPEECH_VERBS if v not in ("so", "say", "steht")}, key=len, reverse=True)
# Words that name a source without a verb of speech ("according to X", "laut X"), as they
# open a sentence too.
SOURCE_MARKERS = ("According to", "Selon", "Según", "Laut")
VERB_RE = re.compile(
    r"(?<![\w’'-])(?:" + alternation(_VERBS + list(SOURCE_MARKERS)) + r")(?![\w’'-])"
)
# Right after a quotation, a present form that is more often a noun is the verb too.
INCISE_VERB_RE = re.compile(
    r"(?<![\w’'-])(?:" + alternation(sorted(set(_VERBS) | NOUNY_FORMS, key=len, reverse=True)
                                    + list(SOURCE_MARKERS)) + r")(?![\w’'-])"
)
ADV_ALT = alternation(sorted(ADVERBS, key=len, reverse=True))
_NOUN_LIKE = frozenset(
    [
        "comments",
        "notes",
        "posts",
        "reports",
        "states",
        "claims",
        "calls",
        "answers",
        "replies",
        "tweets",
        "continues",
        "offered",
        "post",
        "comment",
        "report",
        "note",
        "claim",
        "call",
        "answer",
        "reply",
        "tweet",
    ]
)
_SUBJ_VERB = re.compile(
    r"[ \t\n]*(?:,[^,\n]{1,80},[ \t\n]*)?(?:(?:has|have|had|was|is|then|"
    + ADV_ALT
    + r")[ \t\n]+){0,2}"
    r"(?:" + alternation([v for v in _VERBS if v not in _NOUN_LIKE]) + r")(?![\w’'-])"
)

_PREPOSITIONS = frozenset(
    [
        "of",
        "to",
        "from",
        "by",
        "with",
        "in",
        "at",
        "for",
        "on",
        "about",
        "into",
        "near",
        "pour",
        "par",
        "avec",
        "dans",
        "sur",
        "en",
        "à",
        "au",
        "aux",
        "con",
        "por",
        "para",
        "mit",
        "von",
        "für",
        "bei",
        "aus",
        "nach",
        # "madre de Roberto Pérez", "la fille de Marine Le Pen": a possessor, not a subject
        "de",
        "del",
        "du",
        "des",
    ]
)
_GERMAN_LOWER = frozenset(
    ["der", "die", "das", "dem", "den", "des", "ein", "eine", "einer", "einem", "eines",
     # a preposition joined to its article: "ins Internet", "im Bundestag", "zur Wahl"
     "im", "ins", "am", "ans", "vom", "zum", "zur", "beim"]
)
_GERMAN_ARTICLE = re.compile(
    r"(?:^|[\s(])(?:" + "|".join(sorted(_GERMAN_LOWER)) + r")\s+(?:[a-zäöüß]+\s+){0,2}$"
)


def _last_word(text: str) -> str | None:
    """The last ``[\\w’'-]+`` run in ``text`` (runs never span whitespace)."""
    chunk = text.rsplit(None, 1)
    if chunk:
        words = _WORDS.findall(chunk[-1])
        if words:
            return words[-1]
    words = _WORDS.findall(text)
    return words[-1] if words else None


def _governed(before_words: list[str]) -> bool:
    """The name follows a preposition ("a letter from X", "in the Washington area")."""
    words = before_words[-2:]
    if words and words[-1] == "the":
        words = words[:-1]
    return bool(words) and words[-1].lstrip("(").casefold() in _PREPOSITIONS


# "We’d", "They’ll", "Don't": a pronoun or verb with its contraction is never a name.
_CONTRACTION = re.compile(r"[’'](?:d|ll|re|ve|m)$|n[’']t$", re.IGNORECASE)
_GERMAN_ARTICLES = frozenset("Der Die Das Dem Den Des Ein Eine Einer Einem Eines".split())  # noqa: SIM905
_ORD_RE = re.compile(r"\d+(?:st|nd|rd|th)")
_NONSPACE = re.compile(r"\S+")
_WORDS = re.compile(r"[\w’'-]+")
_APPOSITION = re.compile(r",\s+(?:an?|the|[\w’']+’s|[\w’']+'s)?\s*((?:[\w-]+\s+){0,3}[\w-]+)")
UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
_TOK = rf"[{UPPER}][\w’'.\-]*"
_ORD = r"\d+(?:st|nd|rd|th)\b"
_SEP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
_CONN = alternation(sorted(CONNECTORS, key=len, reverse=True))
NAME_SEQ = re.compile(rf"{_TOK}(?:{_SEP}(?:(?:{_CONN}){_SEP})?(?:{_TOK}|{_ORD}))*")
_ACRONYM = re.compile(rf"[{UPPER}](?:\.?[{UPPER}&])+\.?")
_ABBREV = frozenset(
    [
        "lt",
        "col",
        "gen",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "rep",
        "gov",
        "capt",
        "sgt",
        "spc",
        "pvt",
        "cpl",
        "maj",
        "adm",
        "cmdr",
        "brig",
        "prof",
        "mme",
        "jr",
        "sr",
        "st",
        "mt",
        "ft",
        "inc",
        "corp",
        "co",
        "no",
        "rev",
        "u.s",
        "u.k",
        "u.n",
        "d.c",
        "m",
    ]
)
_ALL_ROLES = PERSON_ROLES | PUBLICATION_ROLES | ORG_ROLES | DOC_ROLES
_ROLE_NOUNS = alternation(sorted(_ALL_ROLES, key=len, reverse=True), re.IGNORECASE)
# Each pattern below opens with a look-ahead at its possible first letters: the same
# matches, but most positions are rejected by one character test instead of trying
# every alternative (case-insensitively) there.
ROLE_NP = re.compile(
    r"(?=[tled])(?P<det>the|this|le|la|l’|l'|el|der|die|das)\s+"
    r"(?P<mods>(?:[\w’'-]+\s+){0,3}?)(?P<noun>"
    + _ROLE_NOUNS
    + r")\b(?![’']s\b)(?:\s+(?P<site>website|site))?",
    re.IGNORECASE,
)
INDEF_NP = re.compile(
    r"(?=[auo])(?P<det>an?|one|another|un|une|un[ao]|otro|otra|autre)\s+(?P<mods>(?:[\w’'.-]+\s+){0,3}?)(?P<noun>"
    + alternation(sorted(PERSON_ROLES, key=len, reverse=True), re.IGNORECASE)
    + r")\b",
    re.IGNORECASE,
)
PRONOUN_RE = re.compile(
    r"(?=[hstieéIy])(?:he|she|they|il|elle|ils|elles|él|ella|er|sie|(?-i:I)|ich|yo|je)\b",
    re.IGNORECASE,
)
# The writer speaking ("I asked him"): the by-line's author, if the article has one.
FIRST_PERSON_SINGULAR = frozenset({"i", "ich", "yo", "je"})
_RELATIVES = frozenset({"who", "which", "that", "quien", "quienes", "que", "qui", "cuyo", "dont"})
# Titles that are adjectives: before an organisation's head word they belong to its name.
_ADJECTIVE_TITLES = frozenset({"national", "regional", "federal", "senior", "acting", "interim",
                               "general", "first", "second", "under", "vice"})
# Plural articles of French and Spanish: a capitalised word after one is a people.
# A place written with its state or country in abbreviation ("Grand Forks, N.D.,"), not
# a name with its suffix or degree ("John Doe, Jr.,", "Jane Roe, M.D.,").
_STATE_AFTER = re.compile(r",[ \t]+((?:[A-Z][a-z]{0,4}\.)+)[ \t]*,")
_NAME_SUFFIXES = frozenset({"Jr.", "Sr.", "M.D.", "Ph.D.", "D.D.S.", "Esq.", "Ret.", "D.O."})
_PLURAL_ARTICLES = frozenset({"les", "des", "aux", "los", "las", "unos", "unas"})
_ROLE_PREPOSITIONS = frozenset({"to", "for", "of", "in", "at", "de", "du", "del", "für"})
_LOWER_ROLE_GAP = re.compile(
    r"[ \t\n]+((?:[a-zà-ÿ][\w’'-]*[ \t\n]+){0,4}?[a-zà-ÿ][\w’'-]*),?[ \t\n]+$"
)


@dataclass(slots=True)
class Mention:
    """One name in the text, already split into name and role."""

    start: int
    end: int
    name: str
    role: str | None
    kind: str  # "person", "org" or "unknown"
    possessive: bool = False
    evidence: bool = False  # strong sign that this is a person (title, role, speech verb)
    modifier: bool = False  # part of another name's role ("Kremlin" in "Kremlin spokesman X")
    in_quote: bool = False
    governed: bool = False  # after a preposition: "a letter from X", "in Washington"
    canonical: str = ""


@dataclass(slots=True)
class Entities:
    """Full names as first introduced, and the roles they were introduced with."""

    mentions: list[Mention] = field(default_factory=list)
    full: list[tuple[int, str, str]] = field(default_factory=list)  # (pos, name, kind)
    roles: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    person_evidence: set[str] = field(default_factory=set)
    first_single: dict[str, int] = field(default_factory=dict)

    exact: dict[str, str] = field(default_factory=dict)
    by_token: dict[str, list[tuple[int, str, int]]] = field(default_factory=dict)
    by_initials: dict[str, str] = field(default_factory=dict)
    # persons of three words or more, by their first word and each later one
    by_pair: dict[tuple[str, str], list[tuple[int, str, tuple[str, ...]]]] = field(
        default_factory=dict)
    suffixes: dict[str, str] = field(default_factory=dict)

    def add(self, pos: int, name: str, kind: str) -> None:
        """Record a newly introduced full name and index it for resolution."""
        self.full.append((pos, name, kind))
        low = name.casefold()
        if kind == "person" and len(words := tuple(low.split())) >= 3:
            for later in dict.fromkeys(words[1:]):
                self.by_pair.setdefault((words[0], later), []).append((pos, name, words))
        self.exact.setdefault(low, name)
        toks = low.split()
        if len(toks) >= 2:
            for i, t in enumerate(toks):
                rank = 0 if i == len(toks) - 1 else 1
                self.by_token.setdefault(t, []).append((pos, name, rank))
            for i in range(1, len(toks) - 1):
                self.suffixes.setdefault(" ".join(toks[i:]), name)
            acro = _initials(name)
            if acro:
                self.by_initials.setdefault(acro, name)

    def resolve(self, name: str, pos: int) -> str:
        """Canonical full name for ``name`` as written at ``pos``."""
        low = name.casefold()
        hit = self.exact.get(low)
        if hit is not None:
            return hit
        tokens = low.split()
        if not tokens:
            return name
        if len(tokens) >= 2:
            # "Mr. Abdullah Abdullah" -> same; "W. Cash" -> "David W. Cash".
            hit = self.suffixes.get(low)
            return hit if hit is not None else self.shortened(tokens, pos) or name
        tok = tokens[0]
        if _ACRONYM.fullmatch(name):
            acro = self.by_initials.get(name.replace(".", ""))
            if acro is not None:
                return acro
        cands = self.by_token.get(tok)
        if not cands:
            return name
        key, full = min(
            ((0, rank, -fpos) if fpos <= pos else (1, rank, fpos), full)
            for fpos, full, rank in cands
        )
        first = self.first_single.get(tok)
        if first is not None and key[0] == 0 and first < -key[2]:
            return name  # introduced on its own before the longer name
        return full

    def shortened(self, tokens: list[str], pos: int) -> str | None:
        """The one longer person's name introduced before ``pos`` that this one shortens,
        keeping its first word and the order of its words ("Ana Pastor" for "Ana Pastor
        García", "George Bush" for "George W. Bush")."""
        if len(tokens) < 2:
            return None
        found = None
        for fpos, full, ftoks in self.by_pair.get((tokens[0], tokens[1]), ()):
            if fpos > pos or len(ftoks) <= len(tokens):
                continue
            it = iter(ftoks)
            if all(t in it for t in tokens):
                if found is not None and found != full:
                    return None  # two people it could be
                found = full
        return found

    def is_person(self, canonical: str) -> bool:
        return canonical in self.person_evidence


@lru_cache(maxsize=8192)
def _initials(full: str) -> str:
    words = [w for w in re.split(r"[\s-]+", full) if w and w.casefold() not in CONNECTORS]
    if len(words) < 2:
        return ""
    return "".join(w[0] for w in words if w[0].isupper()).upper()


# Abbreviated titles that are also names ("Hun Sen", "Amartya Sen"): titles only with
# their full stop.
_TITLES_WITH_STOP = frozenset({"sen", "rep", "gen", "gov", "col", "sgt", "capt", "adm"})


def _is_title(tok: str) -> bool:
    t = tok.rstrip(".").casefold()
    if t in _TITLES_WITH_STOP and not tok.endswith("."):
        return False
    if t in TITLES or _ORD_RE.fullmatch(t):
        return True
    if "-" in t:
        head = t.split("-")[0]
        return head in TITLES and t.split("-")[-1] in TITLES | {"elect", "general", "in"}
    return False


# Countries that are also given names ("Jordan Peterson Smith", "Chad Michael Murray").
_COUNTRY_GIVEN_NAMES = frozenset({"jordan", "georgia", "chad", "india", "israel", "kenya",
                                  "france", "ireland", "malaysia"})


def _country_before_person(tok: str, following: str) -> bool:
    """ "Somalia Nicholas Kay": a country, then a given name, is an office's end."""
    t = tok.casefold()
    return (t in COUNTRIES and t not in _COUNTRY_GIVEN_NAMES
            and following.casefold() in _GIVEN_NAMES)


def _is_role_word(tok: str) -> bool:
    """An occupation or office written before a name, or an acronym (an agency, a post)."""
    t = tok.rstrip(".").casefold()
    last = t.rsplit("-", 1)[-1]
    return (t in PERSON_ROLES or last in PERSON_ROLES or last.endswith(ROLE_SUFFIXES)
            or (_ACRONYM.fullmatch(tok) is not None and len(tok) <= 5))


def _is_abbrev(tok: str) -> bool:
    core = tok[:-1]
    return len(core) <= 1 or "." in core or core.casefold() in _ABBREV


# Stop words that do end names ("Theresa May", "Elizabeth I").
_NAME_FINAL_STOPWORDS = frozenset({"may", "march", "june", "april", "august", "i"})


def _trails_no_name(tok: str) -> bool:
    """A capitalised word that never ends a name: a stop word, a weekday ("VOA Khmer
    Thursday"), a verb of speech in a title-case heading ("James M. Cole Speaks at …")."""
    low = tok.rstrip(".").casefold()
    if low in CAP_STOPWORDS:
        return low not in _NAME_FINAL_STOPWORDS
    return len(low) > 3 and low.endswith("s") and low in _SPEECH_VERB_SET


_SPEECH_VERB_SET = frozenset(SPEECH_VERBS)


def split_name(tokens: list[str], sentence_initial: bool,
               complement: bool = False) -> tuple[list[str], list[str], bool]:
    """(role tokens, name tokens, kept_the) with stop words and titles split off;
    ``complement``: the words follow a connector of an office ("secretario de …")."""
    kept_the = False
    i = 0
    if len(tokens) > 1 and tokens[0] in _GERMAN_ARTICLES:
        i = 2  # "Das Blog …": a German article and its (capitalised) noun
    while i < len(tokens) and (tokens[i].rstrip(".").casefold() in CAP_STOPWORDS
                               or _CONTRACTION.search(tokens[i]) is not None):
        if (
            tokens[i].casefold() in DATE_WORDS
            and i + 1 < len(tokens)
            and tokens[i + 1].rstrip(".").casefold() not in CAP_STOPWORDS
        ):
            break  # "April Howard" is a name; "Tuesday Sep" is a date
        if tokens[i] == "The" and not sentence_initial and i == 0 and len(tokens) > 1:
            # A capital "The" inside a sentence belongs to the name ("in The Washington
            # Examiner"); the labelling conventions keep it, as the masthead writes it.
            kept_the = True
            break
        i += 1
    tokens = tokens[i:]
    while len(tokens) > 1 and _trails_no_name(tokens[-1]):
        tokens = tokens[:-1]  # a title-case heading: "Laurie Robinson Before the Senate"
    if (len(tokens) > 1 and tokens[0].casefold() in _ADJECTIVE_TITLES
            and tokens[-1].rstrip(".").casefold() in ORG_WORDS):
        return [], tokens, kept_the  # "National Transportation Safety Board": an org
    k = -1
    for j, tok in enumerate(tokens):
        # A title anywhere; an office or an acronym only where a full name follows
        # ("Swimmer Michael Phelps", "FBI Director Christopher Wray", "IC Gary Moses").
        if j and (tokens[j - 1].casefold() in _GIVEN_NAMES
                  or (k < 0 and tokens[0].casefold() in _GIVEN_NAMES)):
            # "Hassan Sheikh Mohamud", "Martin Luther King": in a name that began with a
            # given name, a title is a name's
            continue
        if _is_title(tok) or (j <= len(tokens) - 3 and (
                _is_role_word(tok) or _country_before_person(tok, tokens[j + 1]))):
            k = j
    while 0 <= k < len(tokens) - 2 and tokens[k + 1].casefold() in ("of", "for", "de", "du"):
        k += 2
    if k >= len(tokens) - 1:
        return tokens, [], kept_the
    role, name = tokens[: k + 1], tokens[k + 1 :]
    g = _given_name_inside(name) if role or complement else 0
    if g:
        # After an office, or after "of"/"and"/"de" in one, the office's own capitalised
        # words end where a given name begins: "(Administrator for Enforcement and)
        # Compliance Assurance Susan Bodine", "(secretario de) Estado Mike Pompeo"
        role, name = role + name[:g], name[g:]
    return role, name, kept_the


def _given_name_inside(name: list[str]) -> int:
    """Index of a given name that starts a full name after words that are no part of a
    person's name (no given names, no initials, no particles), else 0."""
    for j in range(1, len(name) - 1):
        if name[j].casefold() in _GIVEN_NAMES and name[j - 1].casefold() not in _GIVEN_NAMES:
            head = name[:j]
            if all(len(t.rstrip(".")) > 2 and t[:1].isupper()
                   and t.casefold() not in _GIVEN_NAMES and t != "The" for t in head):
                return j
            return 0
    return 0


@lru_cache(maxsize=8192)
def _split_classify(tokens: tuple[str, ...], initial: bool,
                    complement: bool = False) -> tuple[list[str], list[str], str]:
    """Cached: the same capitalised words recur across an article and across articles."""
    role, name, _ = split_name(list(tokens), initial, complement)
    return role, name, classify([t for t in name if t != "The"]) if name else ""


def clear_caches() -> None:
    """Forget cached name splits (the bench uses it to measure a cold start)."""
    _split_classify.cache_clear()
    _parse_sequence.cache_clear()
    _initials.cache_clear()


def classify(name_tokens: list[str]) -> str:
    low = {t.rstrip(".").casefold() for t in name_tokens}
    if not ORG_WORDS.isdisjoint(low) or any(t.endswith((".com", ".net", ".org")) for t in low):
        return "org"
    if len(name_tokens) == 1 and _ACRONYM.fullmatch(name_tokens[0]):
        return "org"
    if not PLACE_WORDS.isdisjoint(low):
        return "noun"  # a place: never a speaker, never an entry of the name index
    if len(name_tokens) >= 2:
        return "person"
    return "unknown"


def sentence_initial(text: str, pos: int) -> bool:
    """True when ``pos`` starts a sentence (paragraph start or after . ! ? and a space)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] == "\n":
        return True
    return text[i] in ".!?" and i + 1 < pos


# (start, end, name, role, kind, possessive, evidence), offsets relative to the sequence
_Parsed = tuple[int, int, str, str | None, str, bool, bool]


@lru_cache(maxsize=16384)
def _parse_sequence(seq: str, initial: bool, complement: bool = False) -> tuple[_Parsed, ...]:
    """Cached: one capitalised sequence split into mentions (offsets relative to ``seq``).

    ``initial`` says whether ``seq`` starts a sentence; every later group inside it is
    judged from ``seq`` itself, so the result depends on nothing else.
    """
    out: list[_Parsed] = []
    group: list[tuple[int, str]] = []

    def flush(possessive: bool = False) -> None:
        g0 = group[0][0]
        role, name, kind = _split_classify(
            tuple(t for _, t in group), initial if g0 == 0 else sentence_initial(seq, g0),
            complement and g0 == 0,
        )
        n_end = group[-1][0] + len(group[-1][1])
        if name:
            toks = [t for _, t in group]
            # where the name stands in the group (words after it may have been dropped)
            j = next((k for k in range(len(toks) - len(name), -1, -1)
                      if toks[k : k + len(name)] == name), len(toks) - len(name))
            n_start = group[j][0]
            last = group[j + len(name) - 1]
            n_end = last[0] + len(last[1])
            out.append((n_start, n_end, " ".join(name), " ".join(role) or None, kind,
                        possessive, bool(role) and kind != "org"))  # fmt: skip
        elif role:
            out.append((g0, n_end, "", " ".join(role), "role", possessive, False))
        group.clear()

    for m in _NONSPACE.finditer(seq):
        pos, tok = m.start(), m.group()
        if tok.endswith(("’s", "'s")) and len(tok) > 2:
            group.append((pos, tok[:-2]))
            flush(possessive=True)
        elif tok.endswith(".") and not _is_abbrev(tok):
            group.append((pos, tok[:-1]))
            flush()
        else:
            group.append((pos, tok))
    if group:
        flush()
    return tuple(out)


_CONNECTOR_WORDS = frozenset({"of", "for", "and", "de", "del", "du", "des", "y", "et", "und"})


def _after_connector(text: str, start: int) -> bool:
    """The capitalised words at ``start`` follow "of", "and", "de" … (an office's
    complement: "secretario de Estado Mike Pompeo")."""
    if start < 2 or text[start - 1] != " ":
        return False
    before = text[max(0, start - 6) : start - 1]
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    return word in _CONNECTOR_WORDS and (len(word) < len(before)
                                         or start - 1 - len(word) == 0)


def parse_name(text: str, start: int, end: int) -> list[Mention]:
    """Split one capitalised sequence into mentions (possessives and sentence ends cut it)."""
    return [
        Mention(start + s, start + e, name, role, kind, poss, evidence=ev)
        for s, e, name, role, kind, poss, ev in _parse_sequence(
            text[start:end], sentence_initial(text, start), _after_connector(text, start)
        )
    ]


_GERMAN_KINDS = frozenset(("unknown", "person", "org"))
_GAP_SPACE = " \t\n"
_NOT_IN_GAP = re.compile(r"[^\w’'\- \t\n,]")


# No name runs longer ("International Committee of the Red Cross" is 7 words): a longer
# run of capitalised words is a heading or junk, and indexing every part of it would
# cost time and memory in the square of its length.
MAX_NAME_WORDS = 12
_LONGEST_NAME_CHARS = 400

# "of the" and its kin inside a body's name: "International Committee of the Red Cross"
_OF_THE = re.compile(r"[ \t]+(?:of the|de la|de l[’']|de los|de las)[ \t]*")


def _bodies_with_their_complement(text: str, mentions: list[Mention]) -> list[Mention]:
    """A body ("Committee", "Department", "Ministerio") named with "of the …" is one
    name with it, not two ("Department of the Treasury")."""
    out: list[Mention] = []
    for mt in mentions:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == "org" and not prev.possessive
                and prev.name.rsplit(None, 1)[-1].casefold() in ORG_WORDS
                and (gap := _OF_THE.match(text, prev.end)) is not None
                and gap.end() == mt.start and mt.kind != "role"):
            out[-1] = Mention(prev.start, mt.end, text[prev.start:mt.end], prev.role, "org",
                              mt.possessive, evidence=prev.evidence)
            continue
        out.append(mt)
    return out


def find_mentions(
    text: str, skip: list[tuple[int, int]], quotes: list[tuple[int, int]] | None = None
) -> list[Mention]:
    """All name mentions in document order.

    ``skip`` are spans without usable capitals (all-caps paragraphs); names inside
    ``quotes`` are flagged, and never count as evidence of who is a person.
    """
    mentions: list[Mention] = []
    append = mentions.append
    for m in NAME_SEQ.finditer(text):
        g = m.group()
        if " " not in g and "\n" not in g and g.rstrip(".").casefold() in CAP_STOPWORDS:
            continue  # "The", "In", "But": the common case, skipped cheaply
        start = m.start()
        if skip and any(a <= start < b for a, b in skip):
            continue
        if len(_NONSPACE.findall(g, 0, _LONGEST_NAME_CHARS)) > MAX_NAME_WORDS:
            continue  # a title-case heading or a run of junk, no one's name
        if start > 1 and text[start - 1] == "-" and " " not in g and text[start - 2].islower():
            continue  # "anti-Semitic", "pro-Kremlin": part of a word, not a name
        for s, e, name, role, kind, poss, ev in _parse_sequence(
                g, sentence_initial(text, start),
                g.count(" ") >= 2 and _after_connector(text, start)):
            append(Mention(start + s, start + e, name, role, kind, poss, evidence=ev))
    mentions = _bodies_with_their_complement(text, mentions)
    _common_words_at_sentence_start(text, mentions)
    if quotes:
        starts = [a for a, _ in quotes]
        for mt in mentions:
            j = bisect.bisect_right(starts, mt.start) - 1
            mt.in_quote = j >= 0 and quotes[j][0] <= mt.start < quotes[j][1]
            if mt.in_quote:
                mt.evidence = False
    # Role phrases between two names: "Kremlin spokesman Dmitry Peskov".
    for a, b in pairwise(mentions):
        if a.possessive or b.kind == "role":
            continue
        # A role phrase fills the whole gap: it starts and ends with white space and
        # holds nothing but words, spaces and a comma (cheap tests first).
        gap = (
            _LOWER_ROLE_GAP.match(text, a.end, b.start)
            if text[a.end : a.end + 1] in _GAP_SPACE
            and text[b.start - 1 : b.start] in _GAP_SPACE
            and _NOT_IN_GAP.search(text, a.end, b.start) is None
            else None
        )
        # the role noun stands last, next to the name ("Kremlin spokesman Dmitry Peskov",
        # not "Yuliet quien identificó al primer teniente José …")
        words = [w.strip(",") for w in gap.group(1).casefold().split()] if gap else []
        if words and words[-1] in _ROLE_PREPOSITIONS:
            words = words[:-1]  # "U.N. representative to Somalia …"
        if gap and words and words[-1] in PERSON_ROLES and _RELATIVES.isdisjoint(words):
            a.modifier = True
            b.evidence = True
            b.role = (text[a.start : a.end] + " " + gap.group(1)).strip()
        elif (
            a.kind == "role"
            and text[a.end : a.end + 1] == " "
            and not text[a.end : b.start].strip()
        ):
            b.evidence = True
    state_starts: set[int] = set()
    for mt in mentions:
        before = text[max(0, mt.start - 40) : mt.start]
        kind = mt.kind
        tail = before.rsplit(None, 3)[-3:]  # the last three words
        if (
            kind in _GERMAN_KINDS
            and not _GERMAN_LOWER.isdisjoint([w.lstrip("(") for w in tail])
            and _GERMAN_ARTICLE.search(before)
        ):
            # German capitalises nouns: "der chinesischen Nachricht", "der Website AmdoTibet".
            toks = mt.name.split()
            if len(toks) >= 2 and toks[1].casefold() not in CONNECTORS:
                mt.start = text.index(toks[1], mt.start)
                mt.name = " ".join(toks[1:])
                mt.kind = kind = classify(toks[1:])
            else:
                mt.kind = "noun"
                continue
        st = _STATE_AFTER.match(text, mt.end)
        if (st and st.group(1) not in _NAME_SUFFIXES) or mt.start in state_starts:
            mt.kind = "noun"  # "Grand Forks, N.D., native", "Washington, D.C.,": a place
            if st:
                state_starts.add(st.start(1))  # and "N.D." with it
            continue
        if (" " not in mt.name and tail and tail[-1].casefold() in _PLURAL_ARTICLES
                and before[-1:].isspace()):
            mt.kind = "noun"  # "les Ghanéens", "los Castro": a people or a family, no one
            continue
        governed = mt.governed = before[-1:].isspace() and _governed(tail)
        if kind == "role" or mt.evidence or mt.in_quote:
            continue
        if kind != "org" and _SUBJ_VERB.match(text, mt.end):
            mt.evidence = True
            continue
        if not governed:
            last = _last_word(before)
            if last is not None and last.casefold() in PERSON_ROLES:
                mt.evidence = kind != "org"
                continue
        app = _APPOSITION.match(text, mt.end, mt.end + 60)
        if app and any(w.casefold() in PERSON_ROLES for w in app.group(1).split()):
            mt.evidence = kind != "org"
    return mentions


_GIVEN_NAMES = FEMALE_NAMES | MALE_NAMES


def _common_words_at_sentence_start(text: str, mentions: list[Mention]) -> None:
    """A lone capitalised word that starts a sentence and is never capitalised anywhere
    else in the article is a common word ("Learn more:", "Pedido:", "Ghanéens"), unless
    something marks it as a name (a title, a role, a known first name)."""
    elsewhere: set[str] = set()
    initial: list[Mention] = []
    for mt in mentions:
        if " " in mt.name or mt.kind != "unknown":
            elsewhere.update(mt.name.split())  # "Matonga" after "Bright Matonga"
        elif sentence_initial(text, mt.start) and not mt.evidence and not mt.role:
            initial.append(mt)
        else:
            elsewhere.add(mt.name)
    for mt in initial:
        if mt.name not in elsewhere and mt.name.casefold() not in _GIVEN_NAMES:
            mt.kind = "noun"


def build_entities(
    text: str, mentions: list[Mention], headline: list[tuple[int, int]] | None = None
) -> Entities:
    """Index full names (first introduction wins) and the roles they came with.

    A one-word name used in the body *before* any longer name containing it ("Joe, Big
    Joe") was introduced as that one word, and keeps it. ``headline`` spans (titles of
    the page, teasers) do not count as introductions.
    """
    ents = Entities(mentions=mentions)
    heads = headline or []
    for mt in mentions:
        if mt.kind in ("role", "noun", "org") or mt.in_quote or " " in mt.name or not mt.name:
            continue
        h = bisect.bisect_right(heads, (mt.start, 1 << 62)) - 1
        if h >= 0 and heads[h][0] <= mt.start < heads[h][1]:
            continue
        ents.first_single.setdefault(mt.name.casefold(), mt.start)
    seen: set[str] = set()
    for mt in mentions:
        if mt.kind in ("role", "noun") or mt.in_quote or not mt.name:
            continue
        n_tok = len(mt.name.split())
        key = mt.name.casefold().removeprefix("the ")
        # A longer name already known that ends with this one is the same entity.
        if (n_tok >= 2 or mt.kind == "org") and key not in seen and key not in ents.suffixes:
            seen.add(key)
            if n_tok >= 2 and ents.shortened(key.split(), mt.start):
                continue  # "Ana Pastor" after "Ana Pastor García": the same person
            ents.add(mt.start, mt.name, mt.kind)
    for mt in mentions:
        if mt.kind in ("role", "noun") or not mt.name:
            continue
        mt.canonical = ents.resolve(mt.name, mt.start)
        if mt.evidence:
            ents.person_evidence.add(mt.canonical)
        if mt.role and mt.kind != "org":
            for word in re.findall(r"[\w-]+", mt.role):
                w = word.casefold()
                if w in PERSON_ROLES or w in TITLES:
                    ents.roles.setdefault(w, []).append((mt.start, mt.canonical))
    return ents
