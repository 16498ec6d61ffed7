"""Each stage of the quote engine, alone, against golden files; and the attribution rule
list, which a newcomer extends with one rule.

tests/fixtures/quotes-stages/<case>/article.json is the input (a labelled article chosen
for the route it exercises); every other file there is one stage's output. After a
deliberate change, rewrite them and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_quotes_stages.py
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from syndicator.backbones import backbone_for
from syndicator.models import QuoteKind
from syndicator.quotes import analyse
from syndicator.quotes.attribution import Attribution, Clue, Context, Joined
from syndicator.quotes.backbone import Reading
from syndicator.quotes.engine import QuoteReport, Verdict, judge, read, run, score_and_pick
from syndicator.quotes.evidence import DEFAULT_MIN_CONFIDENCE, Route
from syndicator.quotes.found import Found, Span, find, index_names
from syndicator.quotes.join import join
from syndicator.quotes.rules import ATTRIBUTION_RULES, attribute, situate
from syndicator.quotes.speakers import Cand

GOLDEN = Path(__file__).parent / "fixtures" / "quotes-stages"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "article.json").is_file())
RULES_STAGES = ("find", "names", "join", "attribute", "resolve", "classify", "reconcile",
                "pick")
PARSE_STAGES = ("read", "reconcile.parse", "pick.parse")  # with the language's backbone


# -- running the stages --------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    found: Found
    ctx: Context
    joined: tuple[Joined, ...]
    readings: tuple[Reading, ...] | None
    verdicts: tuple[Verdict, ...]
    report: QuoteReport


def article(case: str) -> dict[str, Any]:
    return json.loads((GOLDEN / case / "article.json").read_text(encoding="utf-8"))


@cache
def stages(case: str, parse: bool) -> Run:
    a = article(case)
    found = find(a["text"])
    assert found is not None
    ctx = Context.of(found, index_names(found))
    joined = join(found, ctx.names)
    readings = read(backbone_for(a["language"]) if parse else None, found, joined)
    verdicts = judge(ctx, joined, readings)
    return Run(found, ctx, joined, readings, verdicts,
               score_and_pick(found, verdicts, DEFAULT_MIN_CONFIDENCE))


# -- each stage's output as JSON -----------------------------------------------------
def _span(s: Span, text: str) -> dict[str, Any]:
    return {"start": s.start, "end": s.end, "parts": [list(p) for p in s.parts],
            "family": s.family, "para": s.para, "last_para": s.last_para, "closed": s.closed,
            "text": s.text(text)}


def _attribution(a: Attribution | None) -> dict[str, Any] | None:
    if a is None:
        return None
    ev = a.evidence
    return {"speaker": a.speaker, "role": a.role, "route": ev.route.name, "link": ev.link.name,
            "phrase": ev.phrase, "chain": list(ev.chain), "parse": ev.parse}


def _clue(c: Clue | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"route": c.route.name, "cand": [c.cand.kind, c.cand.text, c.cand.start],
            "at": c.at, "phrase": c.phrase}


def _flagged(flags: tuple[bool, ...]) -> list[int]:
    return [i for i, f in enumerate(flags) if f]


def out_find(r: Run) -> Any:
    f = r.found
    return {"paragraphs": len(f.paras), "chrome": _flagged(f.chrome), "caps": _flagged(f.caps),
            "headline": _flagged(f.headline), "quotes": [_span(q, f.text) for q in f.quotes]}


def out_names(r: Run) -> Any:
    ents = r.ctx.names.ents
    return {
        "mentions": [
            {"start": m.start, "name": m.name, "canonical": m.canonical, "kind": m.kind,
             "role": m.role, "flags": [k for k in ("possessive", "evidence", "modifier",
                                                   "in_quote", "governed") if getattr(m, k)]}
            for m in ents.mentions
        ],
        "people": sorted(ents.person_evidence),
    }


def out_join(r: Run) -> Any:
    return [{**_span(j.span, r.found.text), "attribution": _attribution(j.attribution)}
            for j in r.joined]


def out_attribute(r: Run) -> Any:
    return [{"start": v.site.span.start, "kind": str(v.site.kind),
             "sentence_start": v.site.sentence_start, "limit": v.site.limit,
             "joined": r.joined[v.site.index].attribution is not None, "clue": _clue(v.clue)}
            for v in r.verdicts]


def out_resolve(r: Run) -> Any:
    return [{"start": v.site.span.start, "attribution": _attribution(v.attribution)}
            for v in r.verdicts]


def out_classify(r: Run) -> Any:
    return [{"start": v.site.span.start, "kind": str(v.site.kind), "speech": v.speech,
             "text": v.site.body[:80]} for v in r.verdicts]


def out_reconcile(r: Run) -> Any:
    return [{"start": v.site.span.start, "confidence": round(v.confidence, 4),
             "attribution": _attribution(v.final)} for v in r.verdicts if v.speech]


def out_pick(r: Run) -> Any:
    return {**r.report.as_dict(),
            "candidates": [[q.text, q.speaker, round(q.score, 4)] for q in r.report.candidates]}


def out_read(r: Run) -> Any:
    assert r.readings is not None
    return [{"speaker": None if x.speaker is None else
             {"text": x.speaker.text, "start": x.speaker.start, "kind": str(x.speaker.kind),
              "label": x.speaker.label, "verb": x.speaker.verb, "relation": x.speaker.relation,
              "person": x.speaker.person},
             "places": sorted(x.places)} for x in r.readings]


OUTPUTS = {"find": out_find, "names": out_names, "join": out_join, "attribute": out_attribute,
           "resolve": out_resolve, "classify": out_classify, "reconcile": out_reconcile,
           "pick": out_pick, "read": out_read, "reconcile.parse": out_reconcile,
           "pick.parse": out_pick}


def dump(value: Any) -> str:
    """JSON with one record per line, so that a golden diff shows which quotation moved."""
    def one(x: Any) -> str:
        return json.dumps(x, ensure_ascii=False)

    def block(v: Any, pad: str) -> str:
        if isinstance(v, list) and v:
            return "[\n" + ",\n".join(pad + " " + one(x) for x in v) + "\n" + pad + "]"
        return one(v)

    if isinstance(value, dict):
        return "{\n" + ",\n".join(f" {one(k)}: {block(v, ' ')}" for k, v in value.items()) + "\n}\n"
    return block(value, "") + "\n"


def check(case: str, stage: str, got: Any) -> None:
    path = GOLDEN / case / f"{stage}.json"
    got = json.loads(json.dumps(got))  # tuples as lists, as read back
    if UPDATE:
        path.write_text(dump(got), encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}: run with UPDATE_GOLDEN=1"
    assert got == json.loads(path.read_text(encoding="utf-8")), f"{case}: stage {stage} changed"


# -- the golden tests ----------------------------------------------------------------
@pytest.mark.parametrize("stage", RULES_STAGES)
@pytest.mark.parametrize("case", CASES)
def test_stage_reproduces_its_golden_file(case: str, stage: str) -> None:
    check(case, stage, OUTPUTS[stage](stages(case, parse=False)))


@pytest.mark.parametrize("stage", PARSE_STAGES)
@pytest.mark.parametrize("case", CASES)
def test_stage_with_the_backbone_reproduces_its_golden_file(case: str, stage: str) -> None:
    if backbone_for(article(case)["language"]) is None:
        if (GOLDEN / case / f"{stage}.json").is_file() and not UPDATE:
            pytest.skip(f"no spaCy model for {article(case)['language']} installed")
        pytest.skip("no backbone for this language: the rules stages cover it")
    check(case, stage, OUTPUTS[stage](stages(case, parse=True)))


def test_the_golden_cases_cover_every_route_they_are_named_for() -> None:
    routes = {v.attribution.evidence.route for case in CASES
              for v in stages(case, parse=False).verdicts if v.attribution is not None}
    assert {Route.INTERRUPTING, Route.VERB_AFTER, Route.VERB_BEFORE, Route.COLON,
            Route.PREVIOUS_PARAGRAPH, Route.CAPS_SCRIPT, Route.SENTENCE_SUBJECT,
            Route.SUBJECTLESS_VERB} <= routes
    kinds = {v.site.kind for case in CASES for v in stages(case, parse=False).verdicts}
    assert QuoteKind.PARTIAL in kinds
    assert {article(case)["language"] for case in CASES} >= {"en", "fr", "de", "es"}


def test_the_stages_compose_to_analyse() -> None:
    for case in CASES:
        assert stages(case, parse=False).report == analyse(article(case)["text"])


# -- the attribution rule list -------------------------------------------------------
ARTICLE = (
    "The council met on Monday.\n\n"
    "“We will open the new library before the winter comes,” said Mayor Ana Ruiz.\n\n"
    "The vote was close.\n\n"
    "“Nobody here has asked for that library, and nobody will use it.”"
)


def _the_clerk(ctx: Context, site: Any) -> Clue | None:
    """A newcomer's rule: every quotation is the town clerk's."""
    return Clue(Cand("name", "Town Clerk", site.span.start, site.span.start),
                Route.NAME_ALONE, site.span.start, "clerk", written=True)


def test_a_newcomers_rule_placed_first_wins() -> None:
    report = run(ARTICLE, rules=(_the_clerk, *ATTRIBUTION_RULES), min_confidence=0.0)
    assert [q.speaker for q in report.quotes] == ["Town Clerk", "Town Clerk"]
    assert "found by: a name alone after the quote" in report.quotes[0].evidence


def test_a_rule_placed_last_only_fills_what_the_others_leave() -> None:
    assert [q.speaker for q in analyse(ARTICLE).quotes] == ["Ana Ruiz", None]
    report = run(ARTICLE, rules=(*ATTRIBUTION_RULES, _the_clerk))
    assert [q.speaker for q in report.quotes] == ["Ana Ruiz", "Town Clerk"]


def test_rules_are_tried_in_order_and_the_first_clue_wins() -> None:
    found = find(ARTICLE)
    assert found is not None
    ctx = Context.of(found, index_names(found))
    joined = join(found, ctx.names)
    site = situate(ctx, joined, 0)
    assert site is not None
    tried: list[str] = []

    def never(ctx: Context, site: Any) -> Clue | None:
        tried.append("never")
        return None

    def after_the_winner(ctx: Context, site: Any) -> Clue | None:
        tried.append("after")
        return None

    clue = attribute(ctx, site, (never, _the_clerk, after_the_winner))
    assert clue is not None and clue.cand.text == "Town Clerk"
    assert tried == ["never"]
    assert attribute(ctx, site, ()) is None
