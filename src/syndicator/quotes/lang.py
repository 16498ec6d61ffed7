"""Each language's resources for the parse-based attribution, as data.

A language the engine can parse is one line in ``PARSE_RESOURCES``: the lemmas of its
verbs of speech and writing, the words that introduce a source without a verb
("according to", "selon"), and its entity labels for people and organisations. The
spaCy model that reads it is chosen by the caller (``syndicator.backbones``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParseResources:
    speech_lemmas: frozenset[str]
    source_markers: frozenset[str]  # lemma of a preposition that names a source
    person_labels: frozenset[str]
    org_labels: frozenset[str]
    place_labels: frozenset[str]


_EN_SPEECH = """
say tell add note point recall yell shout write explain state ask reply answer declare
announce insist argue warn claim comment continue conclude describe acknowledge admit
agree assert caution complain confirm emphasize emphasise estimate exclaim joke mention
observe predict promise quip remark report respond scream stress suggest testify tweet
post whisper urge cry quote read vow pledge boast lament muse recount reflect summarize
underline highlight maintain counter contend demand plead wonder charge allege proclaim
reiterate repeat concede sigh laugh shriek mutter murmur begin tout hail blast slam
criticize criticise praise welcome deny dismiss question thank apologize apologise
speak elaborate
"""
_FR_SPEECH = """
dire déclarer affirmer ajouter expliquer indiquer préciser souligner estimer annoncer
assurer confier lancer prévenir conclure poursuivre rappeler écrire répondre déplorer
dénoncer raconter insister noter observer reconnaître regretter commenter marteler
avertir promettre juger considérer exclamer tweeter demander interroger lire confirmer
témoigner résumer protester avouer admettre plaider réagir s'exclamer clamer crier
détailler nuancer soutenir tempêter plaisanter ironiser rapporter signaler mentionner
répliquer rétorquer objecter certifier glisser lâcher inquiéter réjouir féliciter
relever décrire évoquer citer
"""
_DE_SPEECH = """
sagen erklären betonen sprechen schreiben meinen hinzufügen ergänzen erläutern berichten
mitteilen warnen fordern kritisieren bestätigen versichern antworten fragen rufen
zitieren twittern unterstreichen behaupten verkünden ankündigen erzählen mahnen klagen
beklagen loben erinnern hinweisen feststellen erwidern entgegnen einräumen zugeben
bekräftigen beteuern bilanzieren resümieren schildern beschreiben kommentieren ausführen
hervorheben appellieren argumentieren schimpfen
"""
_ES_SPEECH = """
decir afirmar explicar señalar asegurar añadir agregar indicar declarar escribir comentar
manifestar sostener subrayar advertir preguntar responder expresar insistir denunciar
anunciar destacar apuntar reconocer recordar concluir tuitear confirmar criticar gritar
relatar contar precisar detallar narrar enfatizar mencionar reiterar aclarar exclamar
lamentar opinar argumentar puntualizar sentenciar reclamar pedir exigir proclamar prometer
admitir confesar agradecer valorar recalcar alertar plantear exponer proponer
describir citar evocar
"""

PARSE_RESOURCES: dict[str, ParseResources] = {
    "en": ParseResources(
        frozenset(_EN_SPEECH.split()),
        frozenset({"accord"}),  # "according to X"
        frozenset({"PERSON"}),
        frozenset({"ORG", "NORP"}),
        frozenset({"GPE", "LOC", "FAC"}),
    ),
    "fr": ParseResources(
        frozenset(_FR_SPEECH.split()),
        frozenset({"selon", "d'après"}),
        frozenset({"PER"}),
        frozenset({"ORG"}),
        frozenset({"LOC"}),
    ),
    "de": ParseResources(
        frozenset(_DE_SPEECH.split()),
        frozenset({"laut", "zufolge"}),
        frozenset({"PER"}),
        frozenset({"ORG"}),
        frozenset({"LOC"}),
    ),
    "es": ParseResources(
        frozenset(_ES_SPEECH.split()),
        frozenset({"según"}),
        frozenset({"PER"}),
        frozenset({"ORG"}),
        frozenset({"LOC"}),
    ),
}
