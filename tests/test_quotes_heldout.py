"""The general rules the held-out set prompted (pronoun gender, inverted and subject-less
attributions, titles in other languages); the set's floors are in test_quotes_dev.py."""

from __future__ import annotations

import pytest

from syndicator.quotes import analyse


def speakers(article: str) -> list[str | None]:
    return [q.speaker for q in analyse(article).quotes]


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        (  # "she" after the man was mentioned last: the woman introduced earlier
            "Jane Holt and Peter Marsh both spoke at the meeting on Monday. Marsh said "
            'the budget was too small. "We can do far more with the money we already have," '
            "she said.",
            ["Jane Holt"],
        ),
        (  # honorifics decide when the given name does not
            "Kim Adebayo, who founded the firm, spoke first. Its director, Lee Tran, "
            'followed. Mr Tran said costs had risen. "We will keep every job in this '
            'town," Ms Adebayo said. "Nobody here should worry about that," she added.',
            ["Kim Adebayo", "Kim Adebayo"],
        ),
        (  # "he said:" after a woman was mentioned last
            "Captain Robert Hale was praised on Friday. Officer Emma Ward said the crew "
            'acted fast. Asked about it after Ward spoke, he said: "Anyone would have done '
            'the same thing out there."',
            ["Robert Hale"],
        ),
    ],
)
def test_pronouns_agree_in_gender(article: str, expected: list[str]) -> None:
    assert speakers(article) == expected


def test_french_inverted_attribution() -> None:
    article = (
        "Le maire, Bernard Lemoine, et la présidente, Nathalie Perrin, étaient présents. "
        "« Les loyers sont trop élevés pour les petits producteurs », a-t-elle estimé."
    )
    assert speakers(article) == ["Nathalie Perrin"]


def test_spanish_verb_without_subject_is_the_last_person() -> None:
    article = (
        "El concejal Javier Ruiz criticó el coste del proyecto. «Es una buena idea, "
        "pero nadie sabe quién pagará el mantenimiento», afirmó."
    )
    assert speakers(article) == ["Javier Ruiz"]


def test_german_role_nouns_are_titles() -> None:
    article = (
        "„Wir haben diese Entscheidung nicht leichtfertig getroffen“, sagte "
        "Geschäftsführerin Claudia Brenner am Montag."
    )
    assert speakers(article) == ["Claudia Brenner"]
