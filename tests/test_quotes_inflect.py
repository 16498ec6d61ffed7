"""Each language's verbs of speech, conjugated from their lemmas, and the name rules
that keep offices, function words and contractions out of speakers' names."""

from __future__ import annotations

import pytest

from syndicator.quotes import analyse
from syndicator.quotes.inflect import speech_forms
from syndicator.quotes.names import split_name


@pytest.mark.parametrize(
    ("language", "lemma", "form"),
    [
        ("es", "relatar", "relató"),  # regular -ar past
        ("es", "añadir", "añadió"),  # regular -ir past
        ("es", "decir", "dijo"),  # irregular
        ("es", "advertir", "advirtió"),  # stem change
        ("es", "explicar", "ha explicado"),  # perfect
        ("de", "antworten", "antwortete"),  # linking e
        ("de", "erklären", "erklärt"),  # inseparable prefix: no ge-
        ("de", "sagen", "gesagt"),
        ("de", "hinzufügen", "fügte"),  # separable, the base alone reports speech
        ("de", "hinzufügen", "hinzugefügt"),
        ("de", "schreiben", "schrieb"),  # strong
        ("fr", "annoncer", "annonça"),  # c before a
        ("fr", "déclarer", "a déclaré"),
        ("fr", "dire", "a dit"),
        ("en", "point", "pointed"),
        ("en", "admit", "admitted"),
    ],
)
def test_speech_forms_conjugate_lemmas(language: str, lemma: str, form: str) -> None:
    assert form in speech_forms(language, [lemma])


@pytest.mark.parametrize(
    ("language", "lemma", "not_a_cue"),
    [
        ("es", "preguntar", "pregunta"),  # "la pregunta" is a noun
        ("de", "zugeben", "gibt"),  # "gibt es" says nothing of speech
        ("de", "antworten", "angetwortet"),  # "an" is not a prefix here
        ("fr", "noter", "note"),  # "la note"
        ("en", "criticize", "criticized"),  # takes an object, not a quotation
    ],
)
def test_speech_forms_leave_out_nouns_and_bare_bases(language: str, lemma: str,
                                                     not_a_cue: str) -> None:
    assert not_a_cue not in speech_forms(language, [lemma])


def test_a_verb_met_only_as_a_lemma_attributes_spanish_speech() -> None:
    text = ("Yuliet Yero habló con la radio el martes.\n\n"
            "“No nos dijeron qué día va a ser el juicio”, relató Yero.")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Yuliet Yero"


@pytest.mark.parametrize(
    ("tokens", "initial", "role", "name"),
    [
        (["Swimmer", "Michael", "Phelps"], True, ["Swimmer"], ["Michael", "Phelps"]),
        (["IC", "Gary", "Moses"], False, ["IC"], ["Gary", "Moses"]),
        (["Wikinews-Mitbegründer", "Erik", "Möller"], True,
         ["Wikinews-Mitbegründer"], ["Erik", "Möller"]),
        (["Boston", "Globe"], False, [], ["Boston", "Globe"]),  # one word after: kept
    ],
)
def test_an_office_before_a_full_name_is_a_role(tokens: list[str], initial: bool,
                                                role: list[str], name: list[str]) -> None:
    got_role, got_name, _ = split_name(tokens, initial)
    assert (got_role, got_name) == (role, name)


def test_capital_the_inside_a_sentence_is_part_of_the_masthead() -> None:
    assert split_name(["The", "Washington", "Examiner"], False)[1][0] == "The"
    assert split_name(["The", "Washington", "Examiner"], True)[1][0] == "Washington"


@pytest.mark.parametrize("word", ["We’d", "They'll", "Damit", "Cependant", "Como"])
def test_function_words_and_contractions_are_not_names(word: str) -> None:
    assert split_name([word], True)[1] == []


@pytest.mark.parametrize("tokens", [["Región", "Autónoma", "Uigur"], ["Isla", "Margarita"],
                                    ["Insel", "Rügen"]])
def test_a_place_is_not_a_speaker(tokens: list[str]) -> None:
    from syndicator.quotes.names import classify

    assert classify(tokens) == "noun"


def test_a_speech_verb_in_the_paragraph_before_names_the_speaker() -> None:
    text = ("Capt. Jane Roe, an artillery officer, spoke about the importance of the "
            "training.\n\n\"The purpose of this exercise is to stress our ability to "
            "provide fire support in a combined environment.\"")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Jane Roe"


def test_a_headline_before_a_quote_does_not_name_its_speaker() -> None:
    text = ("Médicos cubanos advierten a venezolanos sobre influencia castrista\n\n"
            "“Siempre que pueden nos dicen lo mismo: no dejen que esto caiga en manos de "
            "otros.”")
    (quote,) = analyse(text).quotes
    assert quote.speaker is None


def test_a_source_marker_names_the_source_of_the_whole_sentence() -> None:
    text = ("Laut Freedom House werden in Aserbaidschan weiterhin \"Journalisten und Blogger "
            "mit abweichenden Meinungen\" verhaftet.")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Freedom House"


def test_a_handle_keeps_its_sign() -> None:
    text = ("Des internautes ont répondu.\n\n@AlHudaaRose : “J'aime mon pays parce que "
            "c'est un pays en paix, où on peut manger à sa faim.”")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "@AlHudaaRose"


def test_an_appositive_left_unclosed_still_reaches_its_verb() -> None:
    text = ("“I lost 33 members of my extended family in the earthquake,” Muhammad Rafi Fida, "
            "a resident of Paktika province told VOA Deewa.")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Muhammad Rafi Fida"


@pytest.mark.parametrize("opening", ["Several members", "Many users"])
def test_a_capitalised_word_after_a_hyphen_or_a_quantifier_is_no_name(opening: str) -> None:
    text = (f"{opening} posted anti-Semitic comments, complaining, for example, “You know, "
            "his face annoys me.”")
    (quote,) = analyse(text).quotes
    assert quote.speaker not in ("Semitic", "Several", "Many")


@pytest.mark.parametrize("tokens", [["Dezember"], ["Internet"]])
def test_german_months_and_nouns_after_a_joined_article_are_no_speakers(
        tokens: list[str]) -> None:
    text = (f"Der Blogger stellt am 10. Dezember Fotos ins {tokens[0]}, die ihn an die Proteste "
            "erinnerten: “Unbezahlte Leute, die demonstrieren, passiert nicht jeden Tag.”")
    (quote,) = analyse(text).quotes
    assert quote.speaker not in ("Dezember", "Internet")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("« Non, il ne faut pas être inquiet », a répondu la porte-parole de la fédération "
         "à une question de la radio.", "la porte-parole de la fédération"),
        ("Russian President Vladimir Putin met the envoy. “We are ready to talk,” the Russian "
         "leader said.", "Vladimir Putin"),
    ],
)
def test_a_role_with_its_complement_is_given_as_written_a_bare_role_points_back(
        text: str, speaker: str) -> None:
    (quote,) = analyse(text).quotes
    assert quote.speaker == speaker


def test_a_lone_capitalised_word_at_a_sentence_start_is_a_common_word() -> None:
    text = "Pedido: “Terminar con décadas de sufrimiento de mi familia.”"
    (quote,) = analyse(text).quotes
    assert quote.speaker is None


def test_a_surname_at_a_sentence_start_is_still_a_name() -> None:
    text = ("Bright Matonga spoke in Harare on Monday.\n\n"
            "Matonga: “I feel very sad when I see him being moved from office to office.”")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Bright Matonga"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("\"The regime is deeply involved in terrorism,\" said the representative Francis "
         "Rooney.", "Francis Rooney"),
        ("Selon la fédération des banques, Febelfin, « le montant est plutôt de 700 000 "
         "euros ».", "Febelfin"),
        ("Yuliet Yero habló con la radio.\n\n“Los están acusando para acabar con ellos”, "
         "apuntó Yuliet quien identificó al primer teniente José Ángel Beltrán como "
         "instructor.", "Yuliet Yero"),
        ("El almirante Andrew Tiongon, director de operación del Comando Sur, habló el "
         "martes.\n\nEl alto funcionario aseguró que la incautación es un “ejemplo "
         "impresionante de los resultados”.", "Andrew Tiongon"),
    ],
)
def test_roles_organisations_and_the_names_they_introduce(text: str, speaker: str) -> None:
    quote = analyse(text).quotes[-1]
    assert quote.speaker == speaker


def test_an_aside_before_a_colon_names_no_speaker() -> None:
    text = ("Pacific Standard (Santa Barbara, CA): \"EPA administrator Scott Pruitt has made "
            "clean-ups a priority since taking over the agency.\"")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Pacific Standard"


def test_a_pronoun_subject_in_the_sentence_before_a_lone_quote() -> None:
    text = ("The scholar Grant Duncan said so in May. He argues that people are not "
            "supposed to trust their government.\n\n\"Democratic constitutions are built on "
            "the premise that you can't trust anyone with power.\"")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Grant Duncan"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("„Wir sind bereit, mit allen zu reden“, sagte die Kanzlerin Angela Merkel am Montag.",
         "Angela Merkel"),
        ("„Wir sind bereit“, sagte der Sprecher Steffen Seibert.", "Steffen Seibert"),
        ("« Nous sommes prêts », a déclaré le ministre Jean-Yves Le Drian.", "Jean-Yves Le Drian"),
    ],
)
def test_a_capitalised_role_after_an_article_introduces_the_name(text: str,
                                                                 speaker: str) -> None:
    (quote,) = analyse(text).quotes
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("\"We will rebuild the bridge before winter,\" Amina Yusuf, director general of the "
         "ministry, who was at the scene, told reporters.", "Amina Yusuf"),
        ("\"Get down, get down now,\" one soldier yelled.", "one soldier"),
        ("\"Move to the left flank,\" the squad leader said.", "the squad leader"),
        ("“The report is accurate and complete,” the National Transportation Safety Board "
         "said in a statement.", "National Transportation Safety Board"),
    ],
)
def test_the_issues_patterns_of_unseen_text(text: str, speaker: str) -> None:
    (quote,) = analyse(text).quotes
    assert quote.speaker == speaker


def test_a_bare_role_no_one_was_named_with_is_not_sure_enough_to_post() -> None:
    (quote,) = analyse("\"Move to the left flank now, all of you,\" the squad leader "
                       "said.").quotes
    assert quote.confidence < 0.7


@pytest.mark.parametrize(
    "text",
    [
        "By Jane Roe\n\nThe market opened late.\n\nI asked him, \"What will you do now?\"",
        "Story by Jane Roe, staff writer\n\n\"What will you do now?\" I asked the vendor.",
    ],
)
def test_the_writer_speaking_is_the_bylines_author(text: str) -> None:
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Jane Roe"


def test_the_writer_speaking_without_a_byline_is_unknown() -> None:
    (quote,) = analyse("The market opened late. \"What will you do now?\" I asked.").quotes
    assert quote.speaker is None


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("\"La marche est interdite sur l’autoroute\", a déclaré au micro de VOA Afrique le "
         "directeur des unités d’intervention de la police, avant les affrontements.",
         "le directeur des unités d’intervention de la police"),
        ("«Estamos listos para hablar», dijo ante la prensa el canciller Jorge Arreaza.",
         "Jorge Arreaza"),
    ],
)
def test_an_adverbial_between_the_verb_and_an_inverted_subject(text: str,
                                                                speaker: str) -> None:
    (quote,) = analyse(text).quotes
    assert quote.speaker == speaker


@pytest.mark.parametrize("dash", ["—", "–", "--"])
def test_a_block_quotation_credited_on_a_dash_line(dash: str) -> None:
    text = ("The council met on Monday.\n\n“We will not raise taxes this year. We will cut "
            f"spending instead.”\n\n{dash} Jane Roe, City Manager")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Jane Roe"
    assert quote.confidence >= 0.7


def test_a_lower_case_word_the_parse_calls_a_name_is_no_speaker() -> None:
    from syndicator.backbones import backbone_for

    backbone = backbone_for("en")
    if backbone is None:
        pytest.skip("no English model installed")
    text = ("President-elect Donald Trump spoke on Friday. The president-elect even went as "
            "far as stating “let it be an arms race” on Friday.")
    quote = analyse(text, backbone=backbone).quotes[-1]
    assert quote.speaker != "elect"


def test_a_people_after_a_plural_article_is_no_speaker() -> None:
    text = ("Les Ghanéens ne pourront plus ronger leurs os de poulet ! : « Il s'avère que le "
            "Parlement travaille sur un projet de loi sur la biosécurité. »")
    (quote,) = analyse(text).quotes
    assert quote.speaker != "Ghanéens"


def test_a_french_verb_met_only_as_a_lemma() -> None:
    text = ("Le blogueur nigérian Nwachukwu décrit sa visite à Nairobi : “Nairobi m'a "
            "accueilli avec une brise fraîche, je n'ai jamais ressenti ce froid avant.”")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Nwachukwu"


def test_an_ordinal_date_is_no_sentence_break_and_an_aside_names_no_one() -> None:
    text = ("Oleksandr Arhat (LiveJournal Nutzer olarhat) aus Kiew stellt einen Fotobericht von "
            "der Kundgebung am 10. Dezember ins Internet, die ihn an die Proteste erinnerten: "
            "“Unbezahlte Leute, die demonstrieren. Passiert nicht jeden Tag.”")
    (quote,) = analyse(text).quotes
    assert quote.speaker == "Oleksandr Arhat"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("\"Now you are a veteran, you are special,\" said Grand Forks, N.D., native to his "
         "Soldiers.", None),
        ("\"We are ready to go,\" said John Doe, Jr., the mayor.", "John Doe"),
    ],
)
def test_a_place_with_its_state_is_no_speaker_a_suffix_is_part_of_a_name(
        text: str, speaker: str | None) -> None:
    (quote,) = analyse(text).quotes
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    ("tokens", "name"),
    [
        (["Somalia", "Nicholas", "Kay"], ["Nicholas", "Kay"]),  # an office's country
        (["China", "Earthquake", "Networks", "Centers"],  # an organisation's
         ["China", "Earthquake", "Networks", "Centers"]),
        (["Jordan", "Michael", "Smith"], ["Jordan", "Michael", "Smith"]),  # a given name
    ],
)
def test_a_country_before_a_given_name_ends_an_office(tokens: list[str],
                                                      name: list[str]) -> None:
    assert split_name(tokens, False)[1] == name


def test_a_title_after_a_given_name_is_part_of_the_name() -> None:
    assert split_name(["Hassan", "Sheikh", "Mohamud"], False)[1] == ["Hassan", "Sheikh",
                                                                     "Mohamud"]
    assert split_name(["Kremlin", "Spokesman", "Dmitry", "Peskov"], False)[1] == [
        "Dmitry", "Peskov"]
