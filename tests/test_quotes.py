"""Table-driven rules of the pull-quote engine: marks, joins, speakers, kinds, picks."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from syndicator.models import QuoteKind
from syndicator.quotes import QuoteReport, analyse

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seed-article.txt"


def texts(article: str) -> list[str]:
    return [q.text for q in analyse(article).quotes]


# -- quotation marks ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("article", "expected"),
    [
        ('He said "We will win this war." Then he left.', ["We will win this war."]),
        ("He said “We will win this war.” Then he left.", ["We will win this war."]),
        (
            "Er sagte: „Wir werden diesen Krieg gewinnen.“ Dann ging er.",
            ["Wir werden diesen Krieg gewinnen."],
        ),
        (
            "Er sagte: »Wir werden diesen Krieg gewinnen.« Dann ging er.",
            ["Wir werden diesen Krieg gewinnen."],
        ),
        (
            "Il a dit : « Nous allons gagner cette guerre. » Puis il est parti.",
            ["Nous allons gagner cette guerre."],
        ),
        (
            "Il a dit : «Nous allons gagner cette guerre.» Puis il est parti.",
            ["Nous allons gagner cette guerre."],
        ),
        ("彼は「この戦争に必ず勝つ」と言った。", ["この戦争に必ず勝つ"]),
        (
            "The minister said: 'We will not back down on this at all.' He left.",
            ["We will not back down on this at all."],
        ),
        (
            'Mixed marks: he said "the plan is dead and buried for good”, aides said.',
            ["the plan is dead and buried for good"],
        ),
    ],
)
def test_quote_styles(article: str, expected: list[str]) -> None:
    assert texts(article) == expected


@pytest.mark.parametrize(
    "article",
    [
        "I don't think Peskov's view of the '90s matters, and rock 'n' roll won't either.",
        "The players' union met on Tuesday. It's the Smiths' house, isn't it?",
        "Back in the ’90s, we’re told, Peskov’s office didn’t exist.",
    ],
)
def test_apostrophes_are_not_quotes(article: str) -> None:
    assert analyse(article).quotes == ()


def test_interrupted_quote_is_one_quote() -> None:
    article = '"We lost the match," said coach Anna Berg. "But we played with heart and courage."'
    rep = analyse(article)
    assert [q.text for q in rep.quotes] == [
        "We lost the match, But we played with heart and courage."
    ]
    assert rep.quotes[0].speaker == "Anna Berg"
    assert rep.quotes[0].start == 0 and rep.quotes[0].end == len(article)


def test_second_part_with_its_own_attribution_is_a_second_quote() -> None:
    article = (
        "“The ice cap is offset from the pole,” said lead author Anthony Colaprete. "
        "“We found that two climates cause it,” he said."
    )
    rep = analyse(article)
    assert len(rep.quotes) == 2
    assert {q.speaker for q in rep.quotes} == {"Anthony Colaprete"}


def test_quote_after_more_of_the_writers_words_is_separate() -> None:
    article = (
        '"We are not out for a regime change," Jeffrey said, adding that the U.S. backs no group. '
        '"How Iranians organize is an affair for the Iranian people."'
    )
    assert len(analyse("Official James Jeffrey spoke.\n\n" + article).quotes) == 2


def test_multi_paragraph_quote_reopened_each_paragraph() -> None:
    article = (
        "The following is a statement from NASA Administrator Charles Bolden:\n\n"
        "“Neil Armstrong was a hero to all of us.\n\n"
        "“As we enter this next era, we stand on his shoulders.”\n\n"
        "Flags flew at half staff."
    )
    rep = analyse(article)
    assert [q.text for q in rep.quotes] == [
        "Neil Armstrong was a hero to all of us. "
        "As we enter this next era, we stand on his shoulders."
    ]
    assert rep.quotes[0].speaker == "Charles Bolden"


def test_multi_paragraph_quote_opened_once_closed_at_the_end() -> None:
    article = (
        "Prime Minister Gordon Brown sent a message. The PM said:\n\n"
        "“Easter is the most important date in the calendar.\n\n"
        "With warm best wishes to you and your families,\n\n"
        "Gordon.”"
    )
    rep = analyse(article)
    assert len(rep.quotes) == 1
    assert rep.quotes[0].text.endswith("families, Gordon.")
    assert rep.quotes[0].speaker == "Gordon Brown"


def test_unclosed_mark_stops_at_its_paragraph() -> None:
    article = (
        "“Europeans are plagued by mental illness, with 38% suffering each year...\n\n"
        'A second paragraph follows. "It is a real quote," said Dr. Ana Ruiz, a doctor.'
    )
    rep = analyse(article)
    assert [q.text for q in rep.quotes] == [
        "Europeans are plagued by mental illness, with 38% suffering each year...",
        "It is a real quote,",
    ]
    assert rep.quotes[0].speaker is None
    assert rep.quotes[1].speaker == "Ana Ruiz"


def test_mismatched_closing_mark() -> None:
    article = (
        "Charlie Bolden, NASA Administrator:\n“The roadmap shows the value of exploring Mars.’"
    )
    rep = analyse(article)
    assert [q.text for q in rep.quotes] == ["The roadmap shows the value of exploring Mars."]
    assert rep.quotes[0].speaker == "Charlie Bolden"


def test_nested_quote_stays_inside() -> None:
    article = (
        "Lt. Col. Adam Hollick said: \"It's fantastic to see soldiers say, 'I've never seen this "
        "work before.' It is a satisfying feeling.\""
    )
    rep = analyse(article)
    assert len(rep.quotes) == 1
    assert "'I've never seen this work before.'" in rep.quotes[0].text


def test_empty_pairs_are_not_quotes() -> None:
    assert analyse('You may use these HTML tags: <a href="" title=""> <abbr title="">').quotes == ()


# -- not speech -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "article",
    [
        'In 1991 the band released a song titled, "Right Now." It was a hit.',
        'Airmen have a shorter "dwell time," when they return to base.',
        "The CIA ran its “Enhanced Interrogation Techniques” program for years.",
        "Le compositeur a écrit la chanson “Ils ont libéré Mandela”.",
        "Les Américains font référence au « 4 juillet » pour célébrer.",
        "Secretary Antony « Tony » Blinken arrived in the capital on Monday.",
        "Scientists report that ‘black ice’ forms in the east.",
        "Bread 'often high in salt'\n\nFriday Sep 2 2011",
    ],
)
def test_titles_nicknames_and_scare_quotes_are_not_speech(article: str) -> None:
    assert analyse(article).quotes == ()


def test_nickname_inside_an_attribution_does_not_break_the_quote() -> None:
    article = (
        "“When you're in the back of a Stryker, there are no windows,” said Pvt. Brandon Hickle, "
        "an infantryman with 2nd Squadron “Sabre,” 3rd Cavalry Regiment. “It's an adrenaline rush.”"
    )
    rep = analyse(article)
    assert [q.speaker for q in rep.quotes] == ["Brandon Hickle"]
    assert rep.quotes[0].text.endswith("no windows, It's an adrenaline rush.")


# -- speakers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("article", "speaker"),
    [
        ('"Taxes will fall next year," Maria Lopez said.', "Maria Lopez"),
        ('"Taxes will fall next year," said Maria Lopez.', "Maria Lopez"),
        ("Maria Lopez said: “Taxes will fall next year.”", "Maria Lopez"),
        ("Maria Lopez told reporters that “taxes will fall next year.”", "Maria Lopez"),
        ('"Taxes will fall next year," according to Maria Lopez.', "Maria Lopez"),
        ('Maria Lopez wrote, "Taxes will fall next year."', "Maria Lopez"),
        ('"Taxes will fall next year," Maria Lopez added.', "Maria Lopez"),
        ('"Taxes will fall next year," Lopez explained.', "Lopez"),
        (
            '"Nearly all levels of our dialogue have been frozen," '
            "said Kremlin spokesman Dmitry Peskov.",
            "Dmitry Peskov",
        ),
        (
            '"It is crucial that companies manage waste," '
            "said EPA New England Regional Administrator David W. Cash.",
            "David W. Cash",
        ),
        (
            "“We are ready,” said Airman 1st Class Kevin Tagle, 9th BS aviation resource manager.",
            "Kevin Tagle",
        ),
        ("“We are ready to go,” reports the Daily Mail.", "Daily Mail"),
        ("“We are ready to go,” The Daily Telegraph has today reported.", "The Daily Telegraph"),
        (
            "Cette année, comme le dit Madame Martina Boustani "
            "« ces différences font notre force. »",
            "Martina Boustani",
        ),
        (
            "« La communauté vérifiera les faits » a déclaré Jeff Jarvis, "
            "professeur de journalisme.",
            "Jeff Jarvis",
        ),
    ],
)
def test_attribution_patterns(article: str, speaker: str) -> None:
    rep = analyse(article)
    assert len(rep.quotes) == 1
    assert rep.quotes[0].speaker == speaker


def test_role_is_kept_apart_from_the_name() -> None:
    q = analyse('"Our dialogue is frozen," said Kremlin spokesman Dmitry Peskov.').quotes[0]
    assert (q.speaker, q.role) == ("Dmitry Peskov", "Kremlin spokesman")


def test_surname_resolves_to_the_person_introduced_earlier() -> None:
    article = (
        "President-elect Donald Trump received a letter on Friday.\n\n"
        "“A very nice letter; his thoughts are so correct,” Trump stated."
    )
    assert analyse(article).quotes[0].speaker == "Donald Trump"


@pytest.mark.parametrize(("pronoun", "name"), [("he said", "John Holmes"),
                                              ("she added", "Susan Holmes"),
                                              ("he told reporters", "John Holmes"),
                                              ("she added", None)])
def test_pronoun_resolves_to_the_last_person(pronoun: str, name: str | None) -> None:
    article = (
        f"U.N. emergency aid coordinator {name or 'John Holmes'} urged authorities "
        "to allow relief workers in.\n\n"
        f'"We want access for humanitarian actors and goods to the camp," {pronoun}.'
    )
    assert analyse(article).quotes[0].speaker == name  # None: the gender disagrees


def test_role_phrase_resolves_to_the_person_with_that_role() -> None:
    article = (
        "President-elect Donald Trump spoke on Friday.\n\n"
        "The president-elect even went as far as stating “let it be an arms race” on Friday."
    )
    q = analyse(article).quotes[0]
    assert (q.speaker, q.kind) == ("Donald Trump", QuoteKind.PARTIAL)


def test_the_letter_said_is_attributed_to_its_author() -> None:
    article = (
        "Donald Trump received a letter from Vladimir Putin on Friday.\n\n"
        "The letter, dated December 15, said that “relations between Russia and the US remain "
        "an important factor in ensuring stability.”"
    )
    assert analyse(article).quotes[0].speaker == "Vladimir Putin"


def test_all_caps_script_speaker_from_previous_paragraph() -> None:
    article = (
        "COMMANDER, LIEUTENANT COLONEL ADAM HOLLICK SAYS HE ENJOYS SEEING HIS SOLDIERS WORK.\n\n"
        '"IT IS A REALLY SATISFYING FEELING AS A COMMANDER TO SEE THEM RESPOND TO CHALLENGES."'
    )
    assert analyse(article).quotes[0].speaker == "ADAM HOLLICK"


def test_null_speaker_when_the_text_does_not_say() -> None:
    article = "“Tiny clots in the brain may be the cause of some signs of old age and frailty.”"
    rep = analyse(article)
    assert rep.quotes[0].speaker is None
    assert rep.pull_quote is None


def test_reported_speech_without_marks_is_not_a_quote() -> None:
    article = (
        "Doctor Margaret Chan said three crises lie ahead. "
        "She added that far too many people are overfed."
    )
    assert analyse(article).quotes == ()


# -- kind ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("article", "kind"),
    [
        ('"We will win this war," said General Ana Diaz.', QuoteKind.FULL),
        (
            "Ashraf Ghani said he was determined “to create the type of coordination we need.”",
            QuoteKind.PARTIAL,
        ),
        ("Putin also offered his “warmest Christmas and New Year greetings.”", QuoteKind.PARTIAL),
    ],
)
def test_kind(article: str, kind: QuoteKind) -> None:
    assert analyse(article).quotes[0].kind is kind


# -- choosing the pull-quote -----------------------------------------------------------------
def test_pull_quote_prefers_a_full_attributed_statement() -> None:
    article = (
        "Mayor Jane Smith opened the bridge. She called it “a triumph.”\n\n"
        '"This bridge is the greatest thing our city has built in a hundred years," '
        "said Mayor Jane Smith.\n\n"
        'The meeting agenda "will be published on Monday at 9 a.m.," an aide said.'
    )
    rep = analyse(article)
    assert rep.pull_quote is not None
    assert rep.pull_quote.text.startswith("This bridge is the greatest thing")
    assert rep.pull_quote.speaker == "Jane Smith"
    assert rep.candidates[0] == rep.pull_quote
    assert 0 < rep.pull_quote.score <= 1


def test_long_quote_yields_a_sentence_run_as_candidate() -> None:
    long = " ".join(["We will rebuild every school and every hospital in this region."] * 6)
    rep = analyse(f'"{long}" said Governor Ana Ruiz.')
    assert rep.pull_quote is not None
    assert len(rep.pull_quote.text.split()) <= 40
    assert rep.pull_quote.text in rep.quotes[0].text


@pytest.mark.parametrize(
    "article",
    [
        "No quotation marks here at all, just reported speech from Mayor Jane Smith.",
        'Jane Smith said it was "very high" risk.',
        '"Tiny clots in the brain may be the cause of some signs of old age," the story begins.',
        'Mayor Jane Smith said the agenda "will be published on the 5th at 9 a.m.," and left.',
    ],
)
def test_no_pull_quote_when_nothing_is_good_enough(article: str) -> None:
    assert analyse(article).pull_quote is None


def test_as_dict_is_the_json_contract() -> None:
    rep = analyse(
        '"Taxes will fall next year, and that is good news for everyone," said Maria Lopez.'
    )
    d = rep.as_dict()
    assert set(d) == {"quotes", "pull_quote"}
    assert set(d["quotes"][0]) == {"text", "speaker", "kind", "start", "end", "score",
                                   "confidence"}
    assert 0.0 < d["quotes"][0]["confidence"] <= 1.0
    assert d["quotes"][0]["kind"] == "full"
    json.dumps(d)
    assert isinstance(rep, QuoteReport)


def test_offsets_point_at_the_quoted_span() -> None:
    article = 'Intro line.\n\nHe left. "We will not back down on this at all," said Ana Diaz.'
    q = analyse(article).quotes[0]
    assert article[q.start] == '"' and article[q.end - 1] == '"'
    assert article[q.start + 1 : q.end - 1] == q.text


@pytest.mark.skipif(not SEED.exists(), reason="shared seed article not available")
def test_seed_article() -> None:
    rep = analyse(SEED.read_text(encoding="utf-8"))
    speakers = [q.speaker for q in rep.quotes]
    assert len(rep.quotes) == 11
    assert speakers.count("Vladimir Putin") == 5
    assert "Dmitry Peskov" in speakers and "John Kirby" in speakers and "Sean Spicer" in speakers
    by_text = {q.text.split()[0]: q.speaker for q in rep.quotes}
    assert by_text["Nearly"] == "Dmitry Peskov" and by_text["diplomatic"] == "John Kirby"
    assert by_text["If"] == "Sean Spicer"
    # the story's protagonist, named in the lead, gives the pull-quote
    assert rep.pull_quote is not None and rep.pull_quote.speaker == "Donald Trump"
    assert rep.pull_quote.text.startswith(
        "A very nice letter from Vladimir Putin; his thoughts are so correct")
    blob = repr(rep)
    assert "Follow HYPELINE" not in blob and "Please enter" not in blob


def test_engine_is_deterministic() -> None:
    article = SEED.read_text(encoding="utf-8") if SEED.exists() else '"A b c d e f g h," said X Y.'
    assert analyse(article) == analyse(article)


def test_quotes_package_is_pure() -> None:
    """No I/O libraries, clocks or randomness in quotes/ (DESIGN.md: pure core)."""
    banned = {
        "requests",
        "sqlite3",
        "click",
        "feedparser",
        "tweepy",
        "facebook",
        "logging",
        "time",
        "random",
        "datetime",
        "socket",
        "urllib",
        "http",
        "os",
        "apscheduler",
    }
    pkg = Path(__file__).resolve().parents[1] / "src" / "syndicator" / "quotes"
    for path in pkg.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in banned, f"{path.name} imports {name}"
                assert not name.startswith("syndicator.article.fetch"), (
                    f"{path.name} imports {name}"
                )
