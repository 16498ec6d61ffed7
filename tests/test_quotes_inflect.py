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


# Each case: an article (one quotation, or the last one counts) and the speaker the
# rules must give it; the id says which pattern of the language it stands for.
SPEAKERS = [
    pytest.param("The International Committee of the Red Cross (ICRC) said the detainees "
                 "were \"held in conditions that are far from acceptable.\"",
                 "International Committee of the Red Cross",
                 id="a body named with 'of the …' is one name"),
    pytest.param("El Ministerio de la Defensa dijo que \"no hubo heridos en el ataque de "
                 "esta mañana\".", "Ministerio de la Defensa",
                 id="a body named with 'de la …' is one name"),
    pytest.param("Yuliet Yero habló con la radio el martes.\n\n“No nos dijeron qué día va a "
                 "ser el juicio”, relató Yero.", "Yuliet Yero",
                 id="a Spanish verb met only as a lemma"),
    pytest.param("Le blogueur nigérian Nwachukwu décrit sa visite à Nairobi : “Nairobi m'a "
                 "accueilli avec une brise fraîche, je n'ai jamais ressenti ce froid avant.”",
                 "Nwachukwu", id="a French verb met only as a lemma"),
    pytest.param("Capt. Jane Roe, an artillery officer, spoke about the importance of the "
                 "training.\n\n\"The purpose of this exercise is to stress our ability to "
                 "provide fire support in a combined environment.\"", "Jane Roe",
                 id="a verb of speech in the sentence before a lone quote"),
    pytest.param("The scholar Grant Duncan said so in May. He argues that people are not "
                 "supposed to trust their government.\n\n\"Democratic constitutions are "
                 "built on the premise that you can't trust anyone with power.\"",
                 "Grant Duncan", id="a pronoun subject in the sentence before a lone quote"),
    pytest.param("Médicos cubanos advierten a venezolanos sobre influencia castrista\n\n"
                 "“Siempre que pueden nos dicen lo mismo: no dejen que esto caiga en manos de "
                 "otros.”", None, id="a headline introduces no one"),
    pytest.param("Laut Freedom House werden in Aserbaidschan weiterhin \"Journalisten und "
                 "Blogger mit abweichenden Meinungen\" verhaftet.", "Freedom House",
                 id="a source marker names the source of its whole sentence"),
    pytest.param("Des internautes ont répondu.\n\n@AlHudaaRose : “J'aime mon pays parce que "
                 "c'est un pays en paix, où on peut manger à sa faim.”", "@AlHudaaRose",
                 id="a handle keeps its sign"),
    pytest.param("“I lost 33 members of my extended family in the earthquake,” Muhammad Rafi "
                 "Fida, a resident of Paktika province told VOA Deewa.", "Muhammad Rafi Fida",
                 id="an appositive left unclosed"),
    pytest.param("\"We will rebuild the bridge before winter,\" Amina Yusuf, director general "
                 "of the ministry, who was at the scene, told reporters.", "Amina Yusuf",
                 id="an appositive of three parts"),
    pytest.param("« Non, il ne faut pas être inquiet », a répondu la porte-parole de la "
                 "fédération à une question de la radio.", "la porte-parole de la fédération",
                 id="a role with its complement, as written"),
    pytest.param("Russian President Vladimir Putin met the envoy. “We are ready to talk,” the "
                 "Russian leader said.", "Vladimir Putin", id="a bare role points back"),
    pytest.param("\"Move to the left flank,\" the squad leader said.", "the squad leader",
                 id="a bare role no one was named with, as written"),
    pytest.param("\"Get down, get down now,\" one soldier yelled.", "one soldier",
                 id="one soldier"),
    pytest.param("“The report is accurate and complete,” the National Transportation Safety "
                 "Board said in a statement.", "National Transportation Safety Board",
                 id="an adjective title in an organisation's name"),
    pytest.param("Pedido: “Terminar con décadas de sufrimiento de mi familia.”", None,
                 id="a lone capitalised word at a sentence start is a common word"),
    pytest.param("Bright Matonga spoke in Harare on Monday.\n\nMatonga: “I feel very sad when "
                 "I see him being moved from office to office.”", "Bright Matonga",
                 id="a surname at a sentence start is still a name"),
    pytest.param("\"The regime is deeply involved in terrorism,\" said the representative "
                 "Francis Rooney.", "Francis Rooney", id="a role then a name, no comma"),
    pytest.param("Selon la fédération des banques, Febelfin, « le montant est plutôt de 700 000 "
                 "euros ».", "Febelfin", id="a role, its complement, then the name"),
    pytest.param("Yuliet Yero habló con la radio.\n\n“Los están acusando para acabar con "
                 "ellos”, apuntó Yuliet quien identificó al primer teniente José Ángel Beltrán "
                 "como instructor.", "Yuliet Yero", id="a relative clause is no role phrase"),
    pytest.param("El almirante Andrew Tiongon, director de operación del Comando Sur, habló el "
                 "martes.\n\nEl alto funcionario aseguró que la incautación es un “ejemplo "
                 "impresionante de los resultados”.", "Andrew Tiongon",
                 id="an organisation word is no person"),
    pytest.param("Pacific Standard (Santa Barbara, CA): \"EPA administrator Scott Pruitt has "
                 "made clean-ups a priority since taking over the agency.\"",
                 "Pacific Standard", id="an aside before a colon"),
    pytest.param("„Wir sind bereit, mit allen zu reden“, sagte die Kanzlerin Angela Merkel am "
                 "Montag.", "Angela Merkel", id="German article and role, then the name"),
    pytest.param("„Wir sind bereit“, sagte der Sprecher Steffen Seibert.", "Steffen Seibert",
                 id="a German role noun"),
    pytest.param("« Nous sommes prêts », a déclaré le ministre Jean-Yves Le Drian.",
                 "Jean-Yves Le Drian", id="French article and role, then the name"),
    pytest.param("By Jane Roe\n\nThe market opened late.\n\nI asked him, \"What will you do "
                 "now?\"", "Jane Roe", id="the writer before the quote: the by-line"),
    pytest.param("Story by Jane Roe, staff writer\n\n\"What will you do now?\" I asked the "
                 "vendor.", "Jane Roe", id="the writer after the quote: the by-line"),
    pytest.param("The market opened late. \"What will you do now?\" I asked.", None,
                 id="the writer without a by-line"),
    pytest.param("\"La marche est interdite sur l’autoroute\", a déclaré au micro de VOA "
                 "Afrique le directeur des unités d’intervention de la police, avant les "
                 "affrontements.", "le directeur des unités d’intervention de la police",
                 id="an adverbial before a French inverted subject"),
    pytest.param("«Estamos listos para hablar», dijo ante la prensa el canciller Jorge "
                 "Arreaza.", "Jorge Arreaza", id="an adverbial before a Spanish inverted subject"),
    pytest.param("Oleksandr Arhat (LiveJournal Nutzer olarhat) aus Kiew stellt einen "
                 "Fotobericht von der Kundgebung am 10. Dezember ins Internet, die ihn an die "
                 "Proteste erinnerten: “Unbezahlte Leute, die demonstrieren. Passiert nicht "
                 "jeden Tag.”", "Oleksandr Arhat",
                 id="an ordinal date is no sentence break, an aside names no one"),
    pytest.param("\"Now you are a veteran, you are special,\" said Grand Forks, N.D., native "
                 "to his Soldiers.", None, id="a place with its state"),
    pytest.param("\"We are ready to go,\" said John Doe, Jr., the mayor.", "John Doe",
                 id="a name's suffix is no state"),
    pytest.param("Jean Dupont est venu samedi. « Je suis un homme du peuple », explique-t-il.",
                 "Jean Dupont", id="a French inverted pronoun after any verb"),
    pytest.param("Kwame Osei arrived at noon. \"I am a man of the people,\" he said.",
                 "Kwame Osei", id="a pronoun for the person named before, gender unknown"),
    pytest.param("Jane Doe, who rode for the Boston Comets, left early. \"I am tired,\" she "
                 "said.", "Jane Doe", id="a pronoun for the subject, not a name in its clause"),
    pytest.param("Mr. Kwame Osei arrived at noon. \"I am a man of the people,\" she said.",
                 None, id="no one whose gender agrees with the pronoun"),
    pytest.param("« Ces actes sont inadmissibles », juge le ministère de l'Intérieur.",
                 "ministère de l'Intérieur",
                 id="a body named by what it is, after a verb that is mostly a noun"),
    pytest.param("La activista Anamely Ramos lamentó la situación.\n\n\"Llevamos dos años "
                 "oyendo campanas\", escribió la curadora de Arte.", "Anamely Ramos",
                 id="a description after the verb points back at the person named"),
    pytest.param("Marc Guillemot a annoncé ce matin son abandon.\n\n« Ces actes sont "
                 "inadmissibles », tranche un observateur.", None,
                 id="an unread attribution after the quote: not the paragraph before"),
    pytest.param("Statement of Assistant Attorney General Laurie Robinson Before the Senate\n\n"
                 "\"Our mission is to increase public safety,\" she said.", "Laurie Robinson",
                 id="a title-case heading: a preposition ends the name"),
    pytest.param("\"We will not give up,\" Kem Sokha told VOA Khmer Thursday.", "Kem Sokha",
                 id="a weekday ends a name"),
    pytest.param("« Nous réagissons sans inquiétude » déclare à l'AFP Jean-Philippe Magnen, le "
                 "porte-parole du parti.", "Jean-Philippe Magnen",
                 id="an adverbial that ends in an acronym before an inverted subject"),
    pytest.param("EPA Assistant Administrator for Enforcement and Compliance Assurance Susan "
                 "Bodine: \"This is a terrific settlement.\"", "Susan Bodine",
                 id="an office's capitalised complement ends where a given name begins"),
    pytest.param("El secretario de Estado Mike Pompeo denunció que China ha colocado a los "
                 "uigures en campos “de reeducación masiva”.", "Mike Pompeo",
                 id="a capitalised complement of a lower-case office"),
    pytest.param("\"I have a dream,\" said Martin Luther King Jr.", "Martin Luther King Jr.",
                 id="a title inside a name that began with a given name"),
    pytest.param("\"We will win,\" Hun Sen said.", "Hun Sen",
                 id="an abbreviated title is one only with its full stop"),
    pytest.param("“Íbamos pensando en ellos”, dijo Liset Fonseca, madre de Roberto Pérez "
                 "Fonseca.\n\n“Es la decisión que tomamos”, agregó.", "Liset Fonseca",
                 id="a name after 'de' is a possessor, not the one who goes on speaking"),
    pytest.param("La periodista Ana Pastor García fue despedida.\n\nAna Pastor lo anunció: "
                 "“Me han despedido por hacer periodismo.”", "Ana Pastor García",
                 id="a shortened form of a full name introduced before"),
    pytest.param("\"Le colonialisme ne peut plus être toléré\", a lancé le Premier ministre "
                 "mauricien Pravind Jugnauth.", "Pravind Jugnauth",
                 id="an office that goes on in lower-case words before the name"),
    pytest.param("\"Es brutal\", dijo la representante republicana por Florida.",
                 "la representante", id="a place after an office and a preposition is no name"),
    pytest.param("« Nous avons reçu des appels », a indiqué un porte-parole de la police. La "
                 "police a ouvert une enquête. « Nous recueillons des témoignages » a ajouté "
                 "le porte-parole de la police madrilène.", "un porte-parole de la police",
                 id="an unnamed speaker quoted again: as first written"),
    pytest.param("This was not a standard exercise, said Lt. Col. Nathaniel Stobert, the 2nd "
                 "Battalion Commander. “We really wanted to test them.”", "Nathaniel Stobert",
                 id="an inverted subject with an appositive, then the quote"),
]


@pytest.mark.parametrize(("text", "speaker"), SPEAKERS)
def test_the_speaker_of_each_pattern(text: str, speaker: str | None) -> None:
    assert analyse(text).quotes[-1].speaker == speaker


@pytest.mark.parametrize(
    ("text", "not_speakers"),
    [
        pytest.param(f"{opening} posted anti-Semitic comments, complaining, for example, "
                     "“You know, his face annoys me.”", ("Semitic", "Several", "Many"),
                     id=opening)
        for opening in ("Several members", "Many users")
    ] + [
        pytest.param(f"Der Blogger stellt am 10. Dezember Fotos ins {noun}, die ihn an die "
                     "Proteste erinnerten: “Unbezahlte Leute, die demonstrieren, passiert nicht "
                     "jeden Tag.”", ("Dezember", "Internet"), id=noun)
        for noun in ("Dezember", "Internet")
    ] + [
        pytest.param("Les Ghanéens ne pourront plus ronger leurs os de poulet ! : « Il s'avère "
                     "que le Parlement travaille sur un projet de loi sur la biosécurité. »",
                     ("Ghanéens",), id="a people after a plural article"),
    ],
)
def test_words_that_are_no_speakers(text: str, not_speakers: tuple[str, ...]) -> None:
    (quote,) = analyse(text).quotes
    assert quote.speaker not in not_speakers


def test_a_bare_role_no_one_was_named_with_is_not_sure_enough_to_post() -> None:
    (quote,) = analyse("\"Move to the left flank now, all of you,\" the squad leader "
                       "said.").quotes
    assert quote.confidence < 0.7


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
